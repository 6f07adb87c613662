//! `oncall-reference.md`: the one-page contact sheet — service contacts, database contacts
//! (replicas and cluster members with what they inherit from their cluster), the flows with their
//! business impact (most critical first) and the architecture's monitoring links.

use super::{OpsView, Table, code, criticality_word, gap, line};
use calm_analysis::ops::{Field, FlowField};
use calm_analysis::roles::Role;
use std::fmt::Write;

pub(super) fn render(v: &OpsView) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# On-Call Quick Reference: {}\n", line(&v.name));
    let _ = writeln!(
        out,
        "Generated from the architecture model by `calm-advisor report --ops`; edit the model, not \
         this file. _not declared_ marks what to add.\n"
    );
    services(v, &mut out);
    databases(v, &mut out);
    flows(v, &mut out);
    monitoring(v, &mut out);
    out
}

fn services(v: &OpsView, out: &mut String) {
    let _ = writeln!(out, "## Service Contacts\n");
    let components = v.components();
    if components.is_empty() {
        let _ = writeln!(
            out,
            "The model has no running components (services, gateways, load balancers, brokers).\n"
        );
        return;
    }
    let mut t = Table::new(&[
        "Service",
        "Owner",
        "On-call channel",
        "Tier",
        "Health endpoint",
    ]);
    for n in components {
        t.row(vec![
            v.title(n),
            v.field(n, Field::Owner).show(),
            v.field(n, Field::Oncall).show(),
            v.field(n, Field::Tier).show(),
            v.field(n, Field::HealthEndpoint).show_code(),
        ]);
    }
    out.push_str(&t.render());
}

fn databases(v: &OpsView, out: &mut String) {
    let _ = writeln!(out, "## Database Contacts\n");
    let dbs = v.databases();
    if dbs.is_empty() {
        let _ = writeln!(out, "The model has no databases.\n");
        return;
    }
    let mut t = Table::new(&["Database", "DBA contact", "Backup schedule", "Restore time"]);
    for n in dbs {
        let mut name = v.title(n);
        // Its cluster or host, not the frame around the whole system.
        let groups: Vec<String> = v.ctx.graph.parents[n]
            .iter()
            .chain(&v.ctx.graph.hosts[n])
            .filter(|&&p| v.role(p) != Role::System)
            .map(|&p| code(v.id(p)))
            .collect();
        if !groups.is_empty() {
            name.push_str(&format!(", member of {}", groups.join(", ")));
        }
        t.row(vec![
            name,
            v.field(n, Field::DbaContact).show(),
            v.field(n, Field::BackupSchedule).show(),
            v.field(n, Field::RestoreTime).show(),
        ]);
    }
    out.push_str(&t.render());
    let _ = writeln!(
        out,
        "Values marked \"from\" are inherited from the cluster or host that states them; a \
         member's own value wins.\n"
    );
}

fn flows(v: &OpsView, out: &mut String) {
    let _ = writeln!(out, "## Critical Flows and Business Impact\n");
    let flows = v.flows_by_criticality();
    if flows.is_empty() {
        let _ = writeln!(
            out,
            "The model declares no flows: add `flows` (with `business-impact`, `sla`, \
             `degraded-behavior` and `customer-communication` metadata) for the business \
             processes on-call must protect.\n"
        );
        return;
    }
    let _ = writeln!(
        out,
        "Most critical first (the advisor's flow criticality).\n"
    );
    for f in flows {
        let fi = v.flow(f);
        let _ = writeln!(out, "### {} ({})\n", line(&fi.name), code(&fi.id));
        let _ = writeln!(
            out,
            "Criticality: **{}** ({}).\n",
            criticality_word(fi.criticality),
            line(&fi.criticality_source)
        );
        let mut t = Table::new(&["Aspect", "Details", "Source"]);
        for (label, field) in [
            ("Business impact", FlowField::BusinessImpact),
            ("SLA", FlowField::Sla),
            ("Degraded behaviour", FlowField::DegradedBehavior),
            ("Customer communication", FlowField::CustomerCommunication),
        ] {
            let val = v.flow_field(f, field);
            t.row(vec![label.into(), val.show(), val.source()]);
        }
        out.push_str(&t.render());
    }
}

fn monitoring(v: &OpsView, out: &mut String) {
    let _ = writeln!(out, "## Monitoring Links\n");
    if v.facts.monitoring.is_empty() {
        let _ = writeln!(
            out,
            "{} (for example `grafana-dashboard`, `kibana-logs`, `pagerduty-service`, \
             `statuspage`).\n",
            gap("monitoring", "the architecture metadata")
        );
        return;
    }
    let mut t = Table::new(&["Resource", "Link", "Source"]);
    for s in &v.facts.monitoring {
        let resource = s.key.rsplit('.').next().unwrap_or(&s.key);
        t.row(vec![resource.into(), s.value.clone(), code(&s.cite())]);
    }
    out.push_str(&t.render());
}
