//! Redundancy evidence (docs/advisor-design.md §3.3–3.4): node-level evidence (instances, HA flags,
//! managed services, zones) and redundancy groups (alike `composed-of` children, `ha-group`,
//! `backend-pool`, replicas named by instance suffix). Groups are merged (union-find) into
//! *supernodes*: a supernode fails only when all its members fail.

use crate::finding::Confidence;
use crate::graph::Graph;
use crate::normalize::{Model, Node, number, tokens, truthy};
use crate::roles::{Role, RoleInfo};
use serde_json::Value;
use std::collections::BTreeMap;

/// Redundancy a node declares on its own.
#[derive(Debug, Clone)]
pub struct NodeRedundancy {
    /// Instances for the math (1 = single instance; HA flag without a count = 2, per §3.4).
    pub instances: u32,
    pub evidence: Option<String>,
    pub confidence: Confidence,
    /// Declared managed service (with SLA, or a cloud managed node-type).
    pub managed: bool,
    /// Number of zones/regions declared (clears shared fate when ≥ 2).
    pub zones: usize,
    /// Failover declared on the node (metadata or control config).
    pub failover: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GroupKind {
    /// `composed-of` container whose children are alike.
    Composition,
    /// Same `ha-group` value.
    HaGroup,
    /// `backend-pool` of a load balancer.
    BackendPool,
    /// Ids that differ only by an instance suffix (`-1/-2`, `-primary/-replica`, …).
    Structural,
}

#[derive(Debug, Clone)]
pub struct Group {
    /// Sorted member node indices.
    pub members: Vec<usize>,
    pub kinds: Vec<GroupKind>,
    pub evidence: Vec<String>,
    pub confidence: Confidence,
    /// The composed-of container standing for the group, if any.
    pub container: Option<usize>,
    /// Failover declared on the container or a member (evidence text).
    pub failover: Option<String>,
    /// Member declared `primary` (writes go there).
    pub primary: Option<usize>,
    /// Quorum `k` of n, when declared.
    pub quorum: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Redundancy {
    pub node: Vec<NodeRedundancy>,
    pub groups: Vec<Group>,
    /// Group of each node.
    pub group_of: Vec<Option<usize>>,
    /// Supernode of each node; supernodes are ordered by their smallest member.
    pub super_of: Vec<usize>,
    pub supernodes: Vec<Vec<usize>>,
    /// Group index of each supernode, if it is a group.
    pub super_group: Vec<Option<usize>>,
}

const COUNT_KEYS: &[&str] = &[
    "instances",
    "brokers",
    "broker-count",
    "members",
    "replicas",
    "instance-count",
    "replica-count",
    "min-replicas",
    "min-instances",
    "node-count",
    "cluster-size",
    "nodes",
];
const FAILOVER_KEYS: &[&str] = &[
    "failover-strategy",
    "failover-mechanism",
    "failover-mode",
    "failover",
    "failover-target",
    "recovery-time-objective",
    "rto-minutes",
    "rto",
    "automatic-failover",
];
const SUFFIX_TOKENS: &[&str] = &[
    "primary",
    "secondary",
    "replica",
    "standby",
    "blue",
    "green",
    "a",
    "b",
    "c",
    "active",
    "passive",
    "leader",
    "follower",
    "main",
    "backup",
];

fn count_of(map: &serde_json::Map<String, Value>) -> Option<(u32, String)> {
    for k in COUNT_KEYS {
        if let Some(v) = map.get(*k)
            && let Some(n) = number(v)
        {
            return Some((n as u32, format!("{k}: {}", compact(v))));
        }
    }
    // `autoscaling: "4-24 pods"` / `replicas: "6-30"`: the lower bound runs at all times.
    for k in ["autoscaling", "scaling", "auto-scaling"] {
        if let Some(v) = map.get(k).filter(|v| v.is_string() || v.is_number())
            && let Some(n) = number(v)
        {
            return Some((n as u32, format!("{k}: {}", compact(v))));
        }
    }
    for (outer, inner) in [
        ("autoscaling", "min"),
        ("deployment", "replicas"),
        ("scaling", "min"),
    ] {
        if let Some(n) = map.get(outer).and_then(|o| o.get(inner)).and_then(number) {
            return Some((n as u32, format!("{outer}.{inner}: {n}")));
        }
    }
    None
}

pub fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn list_len(v: &Value) -> usize {
    match v {
        Value::Array(a) => a.len(),
        Value::String(s) => s.split(',').filter(|x| !x.trim().is_empty()).count(),
        _ => 0,
    }
}

/// Failover evidence in a metadata map or control configs. Declared absent (`false`, `none`…)
/// is no evidence, and neither is a manual procedure (`failover: "manual, by the DBA"`): a
/// failover someone has to perform is an outage until they do.
pub fn failover_evidence(node: &Node) -> Option<String> {
    let counts = |v: &Value| {
        !crate::evidence::is_negative(v)
            && !crate::normalize::tokens(&compact(v))
                .iter()
                .any(|t| t == "manual" || t == "manually")
    };
    for k in FAILOVER_KEYS {
        if let Some(v) = node.metadata.get(*k)
            && counts(v)
        {
            return Some(format!("metadata {k}: {}", compact(v)));
        }
    }
    for c in &node.controls {
        for (k, v) in c.config_entries() {
            if FAILOVER_KEYS.contains(&k) && counts(v) {
                return Some(format!("control {} {k}: {}", c.id, compact(v)));
            }
        }
    }
    None
}

fn node_redundancy(n: &Node, role: Role) -> NodeRedundancy {
    let md = &n.metadata;
    let mut r = NodeRedundancy {
        instances: 1,
        evidence: None,
        confidence: Confidence::High,
        managed: false,
        zones: 0,
        failover: failover_evidence(n),
    };
    let mut configs = serde_json::Map::new();
    for c in &n.controls {
        for (k, v) in c.config_entries() {
            configs.insert(k.to_string(), v.clone());
        }
    }
    for key in ["availability-zones", "zones", "regions", "az", "azs"] {
        if let Some(v) = md.get(key).or_else(|| configs.get(key)) {
            r.zones = r.zones.max(list_len(v));
        }
    }
    if md
        .get("multi-az")
        .or_else(|| md.get("multi-region"))
        .is_some_and(truthy)
    {
        r.zones = r.zones.max(2);
    }
    if let Some((c, ev)) = count_of(md).or_else(|| count_of(&configs)) {
        r.instances = c.max(1);
        r.evidence = Some(ev);
        return finish(r, n, role);
    }
    // `ha: true`, or a description of the HA set-up (`ha: "active-passive, keepalived"`).
    let ha_flag = ["high-availability", "ha", "highly-available"]
        .iter()
        .find_map(|k| {
            md.get(*k)
                .filter(|v| truthy(v) || (v.is_string() && !crate::evidence::is_negative(v)))
                .map(|v| format!("{k}: {}", compact(v)))
        });
    let redundancy = md.get("redundancy").and_then(Value::as_str).filter(|s| {
        let s = s.to_ascii_lowercase();
        s.contains("active") || s.contains("n+1") || s.contains("n+2")
    });
    // A replica, standby or mirror declared in words (`dataguard: "physical standby at DR"`,
    // `replication: "async streaming"`); `replication: "none"` is declared absent.
    let replicated = [
        "replication",
        "replica",
        "read-replicas",
        "standby",
        "dataguard",
        "data-guard",
        "mirroring",
        "mirror",
        "always-on",
        "zone-redundant",
        "geo-replication",
        "geo-redundant",
        "geo-replicated",
        "failover-group",
        "read-replica",
    ]
    .iter()
    .find_map(|k| {
        md.get(*k)
            .filter(|v| !crate::evidence::is_negative(v))
            .map(|v| format!("{k}: {}", compact(v)))
    });
    let managed = md.get("managed").is_some_and(truthy);
    let sla = md
        .get("sla")
        .or_else(|| md.get("availability-sla"))
        .is_some();
    let nt = n.node_type.to_ascii_lowercase();
    let cloud_managed =
        (nt.starts_with("aws:") || nt.starts_with("azure:") || nt.starts_with("gcp:"))
            && matches!(
                role,
                Role::LoadBalancer
                    | Role::Queue
                    | Role::Broker
                    | Role::Cdn
                    | Role::Gateway
                    | Role::Storage
            );
    if let Some(f) = ha_flag.or(replicated) {
        r.instances = 2;
        r.evidence = Some(f);
        r.confidence = Confidence::Medium;
    } else if let Some(s) = redundancy {
        r.instances = 2;
        r.evidence = Some(format!("redundancy: {s}"));
        r.confidence = Confidence::Medium;
    } else if r.zones >= 2 {
        r.instances = 2;
        r.evidence = Some(format!("{} zones/regions", r.zones));
        r.confidence = Confidence::Medium;
    } else if managed && sla {
        r.instances = 2;
        r.managed = true;
        r.evidence = Some("managed: true with sla".into());
        r.confidence = Confidence::Medium;
    } else if cloud_managed {
        r.instances = 2;
        r.managed = true;
        r.evidence = Some(format!("managed cloud node-type \"{}\"", n.node_type));
        r.confidence = Confidence::Medium;
    }
    finish(r, n, role)
}

fn finish(mut r: NodeRedundancy, n: &Node, _role: Role) -> NodeRedundancy {
    if n.metadata.get("managed").is_some_and(truthy) {
        r.managed = true;
    }
    r
}

/// Id stem with instance-suffix tokens removed (`api-gateway-2` → `api gateway`).
fn stem(id: &str) -> String {
    let toks = tokens(id);
    let kept: Vec<&str> = toks
        .iter()
        .map(String::as_str)
        .filter(|t| !(t.chars().all(|c| c.is_ascii_digit()) || SUFFIX_TOKENS.contains(t)))
        .collect();
    kept.join(" ")
}

struct UnionFind(Vec<usize>);
impl UnionFind {
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.0[r] != r {
            r = self.0[r];
        }
        let mut c = x;
        while self.0[c] != r {
            let next = self.0[c];
            self.0[c] = r;
            c = next;
        }
        r
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[hi] = lo;
        }
    }
}

impl Redundancy {
    pub fn build(model: &Model, roles: &[RoleInfo], graph: &Graph) -> Redundancy {
        let n = model.nodes.len();
        let node: Vec<NodeRedundancy> = model
            .nodes
            .iter()
            .enumerate()
            .map(|(i, nd)| {
                let mut r = node_redundancy(nd, roles[i].role);
                // The platform catalogue: a managed regional service is redundant by design.
                if r.instances < 2
                    && let Some(p) = &roles[i].platform
                    && p.kind == crate::platform::PlatformKind::Managed
                    && p.redundant
                {
                    r.instances = 2;
                    r.managed = true;
                    r.evidence = Some(p.evidence.clone());
                    r.confidence = Confidence::Medium;
                }
                r
            })
            .collect();
        let mut raw: Vec<Group> = Vec::new();
        let mk = |members: Vec<usize>,
                  kind: GroupKind,
                  ev: String,
                  conf: Confidence,
                  container: Option<usize>| Group {
            members,
            kinds: vec![kind],
            evidence: vec![ev],
            confidence: conf,
            container,
            failover: None,
            primary: None,
            quorum: None,
        };

        // composed-of: a redundancy group only when the children are alike (deviation from the
        // design's "same role & node-type" alone: an ecosystem of two unrelated services would
        // pass that test, so we also need a shared id stem or an explicit cluster signal).
        for (c, kids) in graph.children.iter().enumerate() {
            if kids.len() < 2 {
                continue;
            }
            let first = kids[0];
            let alike = kids.iter().all(|k| {
                roles[*k].role == roles[first].role
                    && model.nodes[*k].node_type == model.nodes[first].node_type
            });
            if !alike || roles[first].role.is_client_side() {
                continue;
            }
            let cn = &model.nodes[c];
            let ctoks: Vec<String> = tokens(&cn.id).into_iter().chain(tokens(&cn.name)).collect();
            let cluster_word = ctoks.iter().find(|t| {
                [
                    "cluster",
                    "pool",
                    "replicas",
                    "replicaset",
                    "group",
                    "ha",
                    "set",
                ]
                .contains(&t.as_str())
            });
            let same_stem = kids
                .iter()
                .all(|k| stem(&model.nodes[*k].id) == stem(&model.nodes[first].id));
            let ha_roles = kids.iter().any(|k| {
                ["role", "ha-role", "replication-role"].iter().any(|key| {
                    model.nodes[*k]
                        .metadata
                        .get(*key)
                        .and_then(Value::as_str)
                        .is_some_and(|r| {
                            [
                                "primary",
                                "replica",
                                "standby",
                                "secondary",
                                "active",
                                "passive",
                            ]
                            .contains(&r.to_ascii_lowercase().as_str())
                        })
                })
            });
            let container_ha = node[c].evidence.is_some()
                || failover_evidence(cn).is_some()
                || cn.metadata.get("topology").is_some();
            let why = if let Some(w) = cluster_word {
                Some(format!("container id/name says \"{w}\""))
            } else if ha_roles {
                Some("children declare primary/replica roles".into())
            } else if container_ha {
                Some("container declares HA/failover".into())
            } else if same_stem {
                Some("children share an id stem".into())
            } else {
                None
            };
            if let Some(why) = why {
                let mut members = kids.clone();
                members.sort_unstable();
                raw.push(mk(
                    members,
                    GroupKind::Composition,
                    format!("composed-of {} ({why})", cn.id),
                    Confidence::High,
                    Some(c),
                ));
            }
        }

        // ha-group values shared by ≥ 2 nodes.
        let mut by_ha: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, nd) in model.nodes.iter().enumerate() {
            if let Some(v) = nd
                .metadata
                .get("ha-group")
                .or_else(|| nd.metadata.get("redundancy-group"))
                .and_then(Value::as_str)
            {
                by_ha.entry(v.to_string()).or_default().push(i);
            }
        }
        for (k, members) in by_ha {
            if members.len() >= 2 {
                raw.push(mk(
                    members,
                    GroupKind::HaGroup,
                    format!("ha-group \"{k}\""),
                    Confidence::High,
                    None,
                ));
            }
        }

        // backend-pool lists on load balancers.
        for (i, nd) in model.nodes.iter().enumerate() {
            if let Some(Value::Array(pool)) = nd.metadata.get("backend-pool") {
                let mut members: Vec<usize> = pool
                    .iter()
                    .filter_map(Value::as_str)
                    .filter_map(|id| model.node_idx(id))
                    .collect();
                members.sort_unstable();
                members.dedup();
                if members.len() >= 2 {
                    raw.push(mk(
                        members,
                        GroupKind::BackendPool,
                        format!("backend-pool of {}", nd.id),
                        Confidence::High,
                        None,
                    ));
                }
            }
            let _ = i;
        }

        // Structural replicas: same role and node-type, ids equal up to instance suffixes.
        let mut by_stem: BTreeMap<(String, Role, String), Vec<usize>> = BTreeMap::new();
        for (i, nd) in model.nodes.iter().enumerate() {
            let r = roles[i].role;
            if r.is_client_side()
                || matches!(r, Role::System | Role::NetworkZone | Role::Cluster)
                || !graph.children[i].is_empty()
            {
                continue;
            }
            let st = stem(&nd.id);
            if st.is_empty() {
                continue;
            }
            by_stem
                .entry((st, r, nd.node_type.clone()))
                .or_default()
                .push(i);
        }
        // Guard (deviation from the design's id rule alone): numbered ids also name distinct
        // services (`svc-1 … svc-600`). Replicas come in small sets and share a caller or a
        // callee, so buckets larger than 8 are ignored and members must share a neighbour.
        for ((st, _, _), members) in by_stem {
            if members.len() < 2 || members.len() > 8 {
                continue;
            }
            let neighbours = |n: usize| -> Vec<usize> {
                let mut v: Vec<usize> = graph.out[n]
                    .iter()
                    .map(|e| graph.edges[*e].destination)
                    .chain(graph.inc[n].iter().map(|e| graph.edges[*e].source))
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            let nb: Vec<Vec<usize>> = members.iter().map(|m| neighbours(*m)).collect();
            let mut local = UnionFind((0..members.len()).collect());
            for i in 0..members.len() {
                for j in i + 1..members.len() {
                    // A shared neighbour, or — between data stores only — a direct link (a
                    // primary streaming to its replica; `svc-a` calling `svc-b` is no replica).
                    if nb[i].iter().any(|x| nb[j].binary_search(x).is_ok())
                        || (roles[members[i]].role.is_datastore()
                            && nb[i].binary_search(&members[j]).is_ok())
                    {
                        local.union(i, j);
                    }
                }
            }
            let mut sets: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for (i, m) in members.iter().enumerate() {
                let r = local.find(i);
                sets.entry(r).or_default().push(*m);
            }
            for set in sets.into_values().filter(|s| s.len() >= 2) {
                raw.push(mk(
                    set,
                    GroupKind::Structural,
                    format!(
                        "ids differ only by an instance suffix (\"{st}\") and share a neighbour"
                    ),
                    Confidence::Medium,
                    None,
                ));
            }
        }

        // Merge overlapping groups.
        let mut uf = UnionFind((0..n).collect());
        for g in &raw {
            for w in g.members.windows(2) {
                uf.union(w[0], w[1]);
            }
        }
        let mut merged: BTreeMap<usize, Group> = BTreeMap::new();
        for g in raw {
            let root = uf.find(g.members[0]);
            match merged.get_mut(&root) {
                Some(m) => {
                    m.members.extend(g.members);
                    m.members.sort_unstable();
                    m.members.dedup();
                    for k in g.kinds {
                        if !m.kinds.contains(&k) {
                            m.kinds.push(k);
                        }
                    }
                    m.evidence.extend(g.evidence);
                    m.confidence = m.confidence.max(g.confidence);
                    m.container = m.container.or(g.container);
                }
                None => {
                    merged.insert(root, g);
                }
            }
        }
        let mut groups: Vec<Group> = merged.into_values().collect();
        for g in &mut groups {
            g.kinds.sort();
            g.evidence.sort();
            g.evidence.dedup();
            let mut fo = g.container.and_then(|c| {
                failover_evidence(&model.nodes[c]).map(|e| format!("{}: {e}", model.nodes[c].id))
            });
            for m in &g.members {
                if fo.is_none() {
                    fo = node[*m]
                        .failover
                        .clone()
                        .map(|e| format!("{}: {e}", model.nodes[*m].id));
                }
                let nd = &model.nodes[*m];
                let is_primary = ["role", "ha-role", "replication-role"].iter().any(|k| {
                    nd.metadata
                        .get(*k)
                        .and_then(Value::as_str)
                        .is_some_and(|v| v.eq_ignore_ascii_case("primary"))
                }) || tokens(&nd.id).last().is_some_and(|t| t == "primary");
                if is_primary && g.primary.is_none() {
                    g.primary = Some(*m);
                }
            }
            if let Some(mm) = g.container.map(|c| &model.nodes[c].metadata) {
                if mm
                    .get("redundancy")
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.contains("active-active"))
                    || mm
                        .get("failover-strategy")
                        .and_then(Value::as_str)
                        .is_some_and(|s| s.contains("active-active"))
                {
                    fo = fo.or(Some("active-active".into()));
                }
                if let Some(q) = mm.get("quorum").and_then(number) {
                    g.quorum = Some(q as usize);
                }
            }
            g.failover = fo;
        }
        let mut group_of = vec![None; n];
        for (gi, g) in groups.iter().enumerate() {
            for m in &g.members {
                group_of[*m] = Some(gi);
            }
        }
        // Supernodes, ordered by smallest member (node order is document order: deterministic).
        let mut super_of = vec![usize::MAX; n];
        let mut supernodes: Vec<Vec<usize>> = Vec::new();
        let mut super_group = Vec::new();
        for i in 0..n {
            if super_of[i] != usize::MAX {
                continue;
            }
            let members = match group_of[i] {
                Some(g) => groups[g].members.clone(),
                None => vec![i],
            };
            for m in &members {
                super_of[*m] = supernodes.len();
            }
            super_group.push(group_of[i]);
            supernodes.push(members);
        }
        Redundancy {
            node,
            groups,
            group_of,
            super_of,
            supernodes,
            super_group,
        }
    }

    /// A supernode survives the loss of any one member / instance.
    pub fn super_redundant(&self, s: usize) -> bool {
        self.supernodes[s].len() >= 2 || self.node[self.supernodes[s][0]].instances >= 2
    }

    /// The node is part of a group or declares ≥ 2 instances.
    pub fn is_redundant(&self, node: usize) -> bool {
        self.super_redundant(self.super_of[node])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(stem("api-gateway-2"), "api gateway");
        assert_eq!(stem("api-gateway"), "api gateway");
        assert_eq!(stem("orders-db-primary"), "orders db");
    }
}
