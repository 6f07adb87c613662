//! `add-load-balancer`: a load balancer becomes the entry point and the target is cloned into
//! redundant instances (RES-01 / RES-02 fix, tutorial Day 14 prompt #1).
//!
//! Steps: the target keeps its place as the first instance (renamed when `--names` does not
//! include its id; its interfaces follow, `gateway-https` → `gateway-1-https`); the other
//! instances are deep copies with new interface ids; every relationship that reached the
//! target from outside (actors' `interacts`, incoming `connects`) is re-pointed to the load
//! balancer; the load balancer `connects` to each instance; every outgoing `connects` of the
//! target is duplicated for the new instances; instances and the load balancer join the
//! target's containers; flows that entered the target now walk caller → LB → first instance,
//! with the later steps renumbered; instances and LB carry HA metadata.

use super::*;
use crate::ops::{Draft, NewTransition, OpError, Scope, derive_id};
use serde_json::{Value, json};

/// Default number of instances of the target.
pub const DEFAULT_INSTANCES: usize = 2;
/// Default id of the load balancer node.
pub const DEFAULT_LB_ID: &str = "load-balancer";
/// Default node-type of the load balancer.
pub const DEFAULT_LB_TYPE: &str = "service";

fn default_instances() -> usize {
    DEFAULT_INSTANCES
}
fn default_lb_id() -> String {
    DEFAULT_LB_ID.into()
}
fn default_lb_type() -> String {
    DEFAULT_LB_TYPE.into()
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AddLoadBalancer {
    /// Node to put behind the load balancer.
    #[cfg_attr(feature = "cli", arg(long, value_name = "NODE"))]
    pub target: String,
    /// Number of instances of the target.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = DEFAULT_INSTANCES))]
    #[serde(default = "default_instances")]
    pub instances: usize,
    /// Ids of the instances (default: TARGET-1, TARGET-2, …).
    #[cfg_attr(feature = "cli", arg(long, value_delimiter = ',', value_name = "IDS"))]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    /// Id of the load balancer node.
    #[cfg_attr(feature = "cli", arg(long, default_value = DEFAULT_LB_ID, value_name = "ID"))]
    #[serde(default = "default_lb_id")]
    pub lb_id: String,
    /// node-type of the load balancer.
    #[cfg_attr(feature = "cli", arg(long, default_value = DEFAULT_LB_TYPE, value_name = "TYPE"))]
    #[serde(default = "default_lb_type")]
    pub lb_type: String,
}

impl AddLoadBalancer {
    pub fn new(target: &str) -> Self {
        AddLoadBalancer {
            target: target.into(),
            instances: DEFAULT_INSTANCES,
            names: Vec::new(),
            lb_id: DEFAULT_LB_ID.into(),
            lb_type: DEFAULT_LB_TYPE.into(),
        }
    }

    fn instance_names(&self) -> Result<Vec<String>, OpError> {
        let names = if self.names.is_empty() {
            (1..=self.instances)
                .map(|i| format!("{}-{i}", self.target))
                .collect::<Vec<_>>()
        } else {
            self.names.clone()
        };
        if names.len() < 2 {
            return Err(OpError::Invalid(
                "a load balancer needs at least 2 instances".into(),
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for n in &names {
            if !seen.insert(n) {
                return Err(OpError::Invalid(format!(
                    "instance id `{n}` is given twice"
                )));
            }
        }
        if names.contains(&self.lb_id) {
            return Err(OpError::Invalid(format!(
                "`{}` cannot be both the load balancer and an instance",
                self.lb_id
            )));
        }
        Ok(names)
    }

    /// The load balancer's id: `--lb-id` when free or made by an earlier run for these
    /// instances, else `TARGET-LB_ID` under the same conditions.
    fn resolve_lb_id(&self, d: &Draft, names: &[String]) -> Result<String, OpError> {
        let ours = |id: &str| -> Option<bool> {
            let n = d.node(id)?;
            let pool: Vec<&str> = n
                .pointer("/metadata/backend-pool")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            // Ours when one pool contains the other (a rerun may add instances). Sharing one
            // member is not enough: after a rename, another load balancer's pool can name our
            // first instance too (a load balancer put in front of a load-balanced instance).
            let names_in_pool = names.iter().all(|x| pool.contains(&x.as_str()));
            let pool_in_names = pool.iter().all(|p| names.iter().any(|x| x == p));
            Some(
                n.pointer("/metadata/role").and_then(Value::as_str) == Some("load-balancer")
                    && !pool.is_empty()
                    && (names_in_pool || pool_in_names),
            )
        };
        match ours(&self.lb_id) {
            Some(true) => return Ok(self.lb_id.clone()),
            None if !d.id_taken(&self.lb_id) => return Ok(self.lb_id.clone()),
            None => return Err(OpError::Taken(self.lb_id.clone())),
            Some(false) => {}
        }
        let is_lb = d
            .node(&self.lb_id)
            .and_then(|n| n.pointer("/metadata/role"))
            .and_then(Value::as_str)
            == Some("load-balancer");
        if !is_lb {
            return Err(OpError::Invalid(format!(
                "`{}` exists and is not a load balancer; choose another --lb-id",
                self.lb_id
            )));
        }
        // Another load balancer has the id: this one is named after its target.
        let alt = format!("{}-{}", self.target, self.lb_id);
        match ours(&alt) {
            Some(true) => Ok(alt),
            None if !d.id_taken(&alt) => Ok(alt),
            _ => Err(OpError::Taken(alt)),
        }
    }

    pub fn apply(&self, d: &mut Draft) -> Result<(), OpError> {
        let names = self.instance_names()?;
        let t = &self.target;
        // The first instance: the target itself, or (on a second run) the already-renamed node.
        let primary = if d.node(t).is_some() {
            if names.contains(t) {
                t.clone()
            } else {
                names[0].clone()
            }
        } else if d.node(&names[0]).is_some()
            && self
                .resolve_lb_id(d, &names)
                .is_ok_and(|l| d.node(&l).is_some())
        {
            names[0].clone()
        } else {
            return Err(OpError::NoNode(t.clone()));
        };
        if let Some(n) = d.node(t) {
            match n.get("node-type").and_then(Value::as_str) {
                Some("actor") | Some("webclient") | Some("data-asset") => {
                    return Err(OpError::Invalid(format!(
                        "`{t}` is not something a load balancer can front (node-type {})",
                        n["node-type"]
                    )));
                }
                _ => {}
            }
        }
        // Existing nodes are only reused when an earlier run made them (second run). Another
        // load balancer already using the id (e.g. the front door, when fronting an internal
        // service) leaves this one `TARGET-LB_ID`.
        let group = format!("{t}-pool");
        let lb_id = self.resolve_lb_id(d, &names)?;
        for n in names.iter().filter(|n| **n != primary && **n != *t) {
            if let Some(node) = d.node(n) {
                if node.pointer("/metadata/ha-group").and_then(Value::as_str)
                    != Some(group.as_str())
                {
                    return Err(OpError::Taken(n.clone()));
                }
            } else if d.id_taken(n) {
                return Err(OpError::Taken(n.clone()));
            }
        }
        if primary != *t && d.node(t).is_some() && d.id_taken(&primary) {
            return Err(OpError::Taken(primary.clone()));
        }
        let suffix_of = |name: &str| -> String {
            name.strip_prefix(t.as_str())
                .and_then(|s| s.strip_prefix('-'))
                .filter(|s| !s.is_empty())
                .unwrap_or(name)
                .to_string()
        };

        // 1. The target becomes the first instance.
        if d.node(t).is_some() && primary != *t {
            for iface in interface_ids(d, t) {
                let new = derive_id(&iface, t, &suffix_of(&primary), true);
                if new != iface && !d.id_taken(&new) {
                    d.rename_id(&iface, &new)?;
                }
            }
            d.rename_id(t, &primary)?;
        }

        // 2. The other instances: deep copies placed after the previous one.
        let mut prev = primary.clone();
        let mut iface_maps: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for name in names.iter().filter(|n| **n != primary) {
            let sfx = suffix_of(name);
            let base_ifaces = interface_ids(d, &primary);
            let primary_sfx = suffix_of(&primary);
            let map = if d.node(name).is_none() {
                // Clone from `prev` so instances stay in order, but copy the primary's content.
                let m = d.clone_node(&primary, name, |old| {
                    // `gateway-1-https` → `gateway-2-https`: swap the primary's suffix when present.
                    let swapped = old.replacen(&format!("-{primary_sfx}-"), &format!("-{sfx}-"), 1);
                    if swapped != old {
                        swapped
                    } else {
                        derive_id(old, t, &sfx, true)
                    }
                })?;
                // Move the copy right after `prev` (clone_node placed it after the primary).
                move_node_after(d, name, &prev)?;
                m
            } else {
                base_ifaces
                    .iter()
                    .cloned()
                    .zip(interface_ids(d, name))
                    .collect()
            };
            iface_maps.push((name.clone(), map));
            prev = name.clone();
        }

        // 3. The load balancer node.
        let lb = lb_id.clone();
        if d.node(&lb).is_none() {
            let name = display_name(d, &primary);
            let base_name = name
                .trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ' || c == '-')
                .to_string();
            let first_iface = d
                .node(&primary)
                .and_then(|n| n.get("interfaces"))
                .and_then(|i| i.get(0))
                .cloned();
            let mut lb_iface = serde_json::Map::new();
            let proto = first_iface
                .as_ref()
                .and_then(|i| i.get("protocol"))
                .and_then(Value::as_str)
                .unwrap_or("HTTPS")
                .to_string();
            lb_iface.insert(
                "unique-id".into(),
                Value::from(d.fresh_id(&format!("{lb}-{}", proto.to_ascii_lowercase()))),
            );
            lb_iface.insert("protocol".into(), Value::from(proto));
            if let Some(fi) = &first_iface {
                for k in ["host", "port"] {
                    if let Some(v) = fi.get(k) {
                        lb_iface.insert(k.into(), v.clone());
                    }
                }
            }
            let node = obj(vec![
                ("unique-id", Value::from(lb.as_str())),
                ("node-type", Value::from(self.lb_type.as_str())),
                ("name", Value::from("Load Balancer")),
                (
                    "description",
                    Value::from(format!(
                        "Entry point that distributes traffic across the {base_name} instances and routes around unhealthy ones"
                    )),
                ),
                ("interfaces", json!([Value::Object(lb_iface)])),
                (
                    "metadata",
                    json!({
                        "role": "load-balancer",
                        "high-availability": true,
                        "ha-role": "entry-point",
                        "load-balancing-algorithm": "round-robin",
                        "health-check-path": "/health",
                        "backend-pool": names,
                    }),
                ),
            ]);
            let node = ordered_like(d, "nodes", node);
            d.add_node(node)?;
            move_node_before(d, &lb, &primary)?;
        }
        let lb_ifaces = interface_ids(d, &lb);

        // The public host name moves to the load balancer: instances no longer claim it.
        let lb_hosts: Vec<Value> = d
            .node(&lb)
            .and_then(|n| n.get("interfaces"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|i| i.get("host").cloned()).collect())
            .unwrap_or_default();
        for name in &names {
            let Some(idx) = d
                .nodes()
                .iter()
                .position(|n| s(n, "/unique-id") == Some(name.as_str()))
            else {
                continue;
            };
            let mut moved = false;
            if let Some(Value::Array(ifaces)) = d.value["nodes"][idx].get_mut("interfaces") {
                for i in ifaces.iter_mut() {
                    if let Some(o) = i.as_object_mut()
                        && o.get("host").is_some_and(|h| lb_hosts.contains(h))
                    {
                        o.remove("host");
                        moved = true;
                    }
                }
            }
            if moved {
                d.changes
                    .push(format!("{name}: public host now served by {lb}"));
            }
        }

        // 4. Everything that reached the target from outside now reaches the load balancer.
        let mut retargeted: Vec<String> = Vec::new();
        let rel_ids: Vec<String> = d
            .relationships()
            .iter()
            .filter_map(|r| s(r, "/unique-id").map(str::to_string))
            .collect();
        // Chosen in one pass before any is changed (retargeting one changes only that one; a
        // lookup by id per relationship would make a large model quadratic).
        let reaching: Vec<String> = d
            .relationships()
            .iter()
            .filter(|r| {
                let in_interacts = r
                    .pointer("/relationship-type/interacts/nodes")
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.iter().any(|m| m.as_str() == Some(&primary)));
                let in_connects = s(r, "/relationship-type/connects/destination/node")
                    == Some(primary.as_str())
                    && s(r, "/relationship-type/connects/source/node")
                        .is_some_and(|src| src != lb && !names.iter().any(|n| n == src));
                in_interacts || in_connects
            })
            .filter_map(|r| s(r, "/unique-id").map(str::to_string))
            .collect();
        for rid in &reaching {
            d.retarget(rid, &primary, &lb, Some(lb_ifaces.clone()))?;
            retargeted.push(rid.clone());
        }

        // 5. The load balancer connects to every instance.
        let proto = interface_protocol(d, &lb);
        let mut lb_rels: Vec<(String, String)> = Vec::new(); // (instance, relationship)
        let mut after = rel_ids
            .iter()
            .rev()
            .find(|r| retargeted.contains(r))
            .cloned();
        for name in &names {
            let existing = connects(d)
                .into_iter()
                .find(|(_, src, dst)| *src == lb && dst == name)
                .map(|c| c.0);
            let rid = match existing {
                Some(r) => r,
                None => {
                    let rid = d.fresh_id(&format!("{lb}-to-{name}"));
                    let mut rel = obj(vec![
                        ("unique-id", Value::from(rid.as_str())),
                        (
                            "description",
                            Value::from(format!(
                                "Load Balancer distributes traffic to {}",
                                display_name(d, name)
                            )),
                        ),
                        (
                            "relationship-type",
                            json!({"connects": {
                                "source": endpoint(&lb, &lb_ifaces),
                                "destination": endpoint(name, &interface_ids(d, name)),
                            }}),
                        ),
                    ]);
                    if let Some(p) = &proto {
                        rel.insert("protocol".into(), Value::from(p.as_str()));
                    }
                    rel.insert("metadata".into(), json!({"load-balancing-algorithm": "round-robin", "health-check-path": "/health"}));
                    let rel = ordered_like(d, "relationships", rel);
                    match &after {
                        Some(a) => d.add_relationship_after(rel, a)?,
                        None => d.add_relationship(rel)?,
                    }
                    rid
                }
            };
            after = Some(rid.clone());
            lb_rels.push((name.clone(), rid));
        }

        // 6. Outgoing connects of the target are duplicated for the other instances.
        let outgoing: Vec<String> = connects(d)
            .into_iter()
            .filter(|(_, src, dst)| *src == primary && !names.contains(dst))
            .map(|c| c.0)
            .collect();
        for rid in &outgoing {
            let rel = d.relationship(rid).cloned().unwrap_or(Value::Null);
            let dst = s(&rel, "/relationship-type/connects/destination/node")
                .unwrap_or("")
                .to_string();
            let mut after_rel = rid.clone();
            for (name, map) in &iface_maps {
                if connects(d)
                    .iter()
                    .any(|(_, s2, d2)| s2 == name && *d2 == dst)
                {
                    continue;
                }
                let mut copy = rel.clone();
                let new_id = d.fresh_id(&derive_id(rid, t, &suffix_of(name), false));
                copy["unique-id"] = Value::from(new_id.as_str());
                copy["relationship-type"]["connects"]["source"]["node"] =
                    Value::from(name.as_str());
                if let Some(Value::Array(ifs)) =
                    copy.pointer_mut("/relationship-type/connects/source/interfaces")
                {
                    for i in ifs.iter_mut() {
                        if let Some(new) = i
                            .as_str()
                            .and_then(|old| map.iter().find(|(o, _)| o == old))
                            .map(|(_, n)| n.clone())
                        {
                            *i = Value::from(new);
                        }
                    }
                }
                if copy.get("description").is_some() {
                    copy["description"] = Value::from(format!(
                        "{} (instance {name})",
                        s(&rel, "/description").unwrap_or("")
                    ));
                }
                // Controls stay with the original relationship id; flows keep using the original.
                d.add_relationship_after(copy, &after_rel)?;
                after_rel = new_id;
            }
        }

        // 7. Instances and the load balancer join the target's containers.
        add_lb_membership(d, &primary, &lb, &names)?;

        // 8. Flows: caller → LB, then LB → first instance (responses: the reverse order).
        let lb_to_primary = lb_rels
            .iter()
            .find(|(n, _)| *n == primary)
            .map(|(_, r)| r.clone())
            .unwrap_or_default();
        let primary_name = display_name(d, &primary);
        for rid in &retargeted {
            for (flow, idx, tr) in transitions_using(d, rid) {
                let desc = s(&tr, "/description").unwrap_or("").to_string();
                let fwd = NewTransition {
                    relationship: rid.clone(),
                    description: desc.clone(),
                    reverse: is_reverse(&tr),
                };
                let hop = NewTransition {
                    relationship: lb_to_primary.clone(),
                    description: if is_reverse(&tr) {
                        format!("{primary_name} returns the response through the Load Balancer")
                    } else {
                        format!(
                            "Load Balancer forwards the request to a healthy {primary_name} instance"
                        )
                    },
                    reverse: is_reverse(&tr),
                };
                // Already rewritten (second run): the next/previous step is the LB hop.
                let neighbour = if is_reverse(&tr) {
                    idx.checked_sub(1)
                } else {
                    Some(idx + 1)
                };
                let flows = d.flows().to_vec();
                let already = neighbour
                    .and_then(|n| {
                        flows
                            .iter()
                            .find(|f| s(f, "/unique-id") == Some(&flow))
                            .and_then(|f| f.pointer(&format!("/transitions/{n}")))
                    })
                    .is_some_and(|n| s(n, "/relationship-unique-id") == Some(&lb_to_primary));
                if already {
                    continue;
                }
                let into = if is_reverse(&tr) {
                    vec![hop, fwd]
                } else {
                    vec![fwd, hop]
                };
                // Positions shift as we insert; find the transition again by content.
                let idx_now = d
                    .flows()
                    .iter()
                    .find(|f| s(f, "/unique-id") == Some(&flow))
                    .and_then(|f| {
                        f.get("transitions")?
                            .as_array()?
                            .iter()
                            .position(|x| *x == tr)
                    })
                    .unwrap_or(idx);
                d.split_transition(&flow, idx_now, &into)?;
            }
        }

        // 9. Instances get distinct display names (diagrams show names) and HA metadata.
        let base_name = display_name(d, &primary);
        // "Order Service 2" and "svc-5963" both end in a number: "Order Service", "svc".
        let base_name = base_name
            .trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '_'))
            .to_string();
        let same_name = names.iter().all(|n| {
            let dn = display_name(d, n);
            dn == base_name
                || dn.strip_prefix(base_name.as_str()).is_some_and(|r| {
                    r.trim_start_matches([' ', '-', '_'])
                        .parse::<usize>()
                        .is_ok()
                })
        });
        if same_name
            && !base_name.is_empty()
            && d.node(&primary).and_then(|n| n.get("name")).is_some()
        {
            for (i, name) in names.iter().enumerate() {
                let want = Value::from(format!("{base_name} {}", i + 1));
                let idx = d.nodes().iter().position(|n| {
                    n.get("unique-id").and_then(Value::as_str) == Some(name.as_str())
                });
                if let Some(idx) = idx
                    && d.value["nodes"][idx].get("name") != Some(&want)
                {
                    d.value["nodes"][idx]["name"] = want;
                    d.changes
                        .push(format!("name {name} `{base_name} {}`", i + 1));
                }
            }
        }
        // HA metadata on each instance.
        for (i, name) in names.iter().enumerate() {
            d.set_metadata(
                &Scope::Node(name.clone()),
                obj(vec![
                    ("high-availability", Value::from(true)),
                    ("ha-group", Value::from(group.as_str())),
                    ("ha-mode", Value::from("active-active")),
                    ("instance", Value::from(i + 1)),
                ]),
            )?;
        }
        Ok(())
    }
}

/// The load balancer and new instances join every container of the target; the load balancer
/// goes right before it, the instances right after.
fn add_lb_membership(
    d: &mut Draft,
    primary: &str,
    lb: &str,
    names: &[String],
) -> Result<(), OpError> {
    let others: Vec<String> = names.iter().filter(|n| *n != primary).cloned().collect();
    d.add_membership_like(primary, &others)?;
    let n = d.relationships().len();
    for i in 0..n {
        for kind in ["composed-of", "deployed-in"] {
            let ptr = format!("/relationship-type/{kind}/nodes");
            let has = |d: &Draft, id: &str| {
                d.relationships()[i]
                    .pointer(&ptr)
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.iter().any(|m| m.as_str() == Some(id)))
            };
            if has(d, primary) && !has(d, lb) {
                // Use add_membership_like from the primary, then move the LB before it.
                let rid = s(&d.relationships()[i], "/unique-id")
                    .unwrap_or("")
                    .to_string();
                let mut v = d.value.clone();
                if let Some(list) = v["relationships"][i]
                    .pointer_mut(&ptr)
                    .and_then(Value::as_array_mut)
                {
                    let pos = list
                        .iter()
                        .position(|m| m.as_str() == Some(primary))
                        .unwrap_or(0);
                    list.insert(pos, Value::from(lb));
                }
                d.value = v;
                d.changes
                    .push(format!("add {lb} to {kind} relationship {rid}"));
            }
        }
    }
    Ok(())
}

fn move_node_after(d: &mut Draft, id: &str, after: &str) -> Result<(), OpError> {
    let nodes = d
        .value
        .get_mut("nodes")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| OpError::NoNode(id.into()))?;
    let from = nodes
        .iter()
        .position(|n| n.get("unique-id").and_then(Value::as_str) == Some(id))
        .ok_or_else(|| OpError::NoNode(id.into()))?;
    let node = nodes.remove(from);
    let at = nodes
        .iter()
        .position(|n| n.get("unique-id").and_then(Value::as_str) == Some(after))
        .map(|p| p + 1)
        .unwrap_or(nodes.len());
    nodes.insert(at, node);
    Ok(())
}

fn move_node_before(d: &mut Draft, id: &str, before: &str) -> Result<(), OpError> {
    let nodes = d
        .value
        .get_mut("nodes")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| OpError::NoNode(id.into()))?;
    let from = nodes
        .iter()
        .position(|n| n.get("unique-id").and_then(Value::as_str) == Some(id))
        .ok_or_else(|| OpError::NoNode(id.into()))?;
    let node = nodes.remove(from);
    let at = nodes
        .iter()
        .position(|n| n.get("unique-id").and_then(Value::as_str) == Some(before))
        .unwrap_or(nodes.len());
    nodes.insert(at, node);
    Ok(())
}
