//! `k0smotron status [NAME]`: everything about one control plane and a verdict; exit 0
//! only when it is Ready, so scripts can use it as a health check.

use clap::Args;

use super::Global;
use crate::core::spec::{self, CreateOptions};
use crate::core::{cluster, listing, plan, status};
use crate::error::Failure;
use crate::mothership::{inventory, record};
use crate::ui::{OutputFormat, Ui};

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The control plane (may be left out when the namespace has exactly one).
    #[arg(add = super::names::existing())]
    pub name: Option<String>,
}

fn human(r: &status::Report) -> String {
    let s = &r.summary;
    let mut out = format!(
        "Control plane {} in namespace {}: {}\n  k0s {}, {}, {}, {} storage, endpoint {}, age {}{}\n",
        s.name,
        s.namespace,
        r.verdict,
        s.version,
        crate::ui::count(s.desired, "replica"),
        s.service_type,
        s.storage,
        s.endpoint,
        listing::age(s.age_seconds),
        s.expires_at
            .as_ref()
            .map(|e| format!(", expires {e}"))
            .unwrap_or_default()
    );
    out.push_str("Objects:\n");
    for o in &r.objects {
        let mark = if o.present { "✓" } else { "✗" };
        let missing = if o.present { "" } else { " (missing)" };
        out.push_str(&format!("  {mark} {}/{}{missing}\n", o.kind, o.name));
    }
    out.push_str("Pods:\n");
    if r.pods.is_empty() {
        out.push_str("  none\n");
    }
    let rows: Vec<Vec<String>> = r
        .pods
        .iter()
        .map(|p| {
            vec![
                format!("  {}", p.name),
                p.phase.clone(),
                if p.ready { "Ready" } else { "not Ready" }.to_string(),
                crate::ui::count(p.restarts, "restart"),
                p.node.clone(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        let table = crate::ui::table(&["  NAME", "PHASE", "READY", "RESTARTS", "NODE"], &rows);
        out.push_str(&table);
    }
    if !r.warnings.is_empty() {
        out.push_str("Recent warnings:\n");
        for w in &r.warnings {
            out.push_str(&format!(
                "  {}: {}: {} (x{})\n",
                w.object, w.reason, w.message, w.count
            ));
        }
    }
    out.push_str("Certificates:\n");
    for c in &r.certificates {
        let mark = if c.warn { "!" } else { "✓" };
        out.push_str(&format!(
            "  {mark} {} until {} ({} days)\n",
            c.certificate, c.not_after, c.days_left
        ));
    }
    out.push_str(&format!(
        "Last backup: {}\n",
        s.last_backup_at
            .as_deref()
            .unwrap_or("none taken by k0smotron backup")
    ));
    out
}

pub async fn run(args: StatusArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    let format = OutputFormat::check(
        global.output,
        "status",
        &[OutputFormat::Json, OutputFormat::Yaml],
    )?;
    let conn = global.connect(ui).await?;
    let name = record::resolve_name(&conn, args.name.as_deref()).await?;
    let (inv, secrets, present, events) = inventory::collect_one(&conn, &name).await?;
    let now = time::OffsetDateTime::now_utc();
    let Some(rec) = inv.records.first() else {
        if present.is_empty() {
            return Err(record::not_found(&conn, &name).await);
        }
        return Err(Failure::Failed(format!(
            "no control plane {name} in namespace {} (no record ConfigMap with k0smotron's labels){}",
            conn.namespace,
            if present.is_empty() {
                String::new()
            } else {
                format!(
                    "; objects of it are left ({}): `{}` removes them",
                    present.join(", "),
                    crate::ui::hint::command(&format!("delete {name}"))
                )
            }
        )));
    };
    // What the set should have: the plan of the spec the record holds.
    let doc = rec
        .data
        .as_ref()
        .and_then(|d| d.get("cluster.yaml"))
        .cloned()
        .unwrap_or_default();
    let expected = cluster::parse(&doc, "the record")
        .and_then(|c| {
            spec::resolve(CreateOptions {
                file: Some(c),
                namespace: conn.namespace.clone(),
                ..Default::default()
            })
        })
        .map(|r| plan::object_names(&r))
        .map_err(|e| Failure::Failed(format!("the record of {name} does not resolve: {e}")))?;
    let summary = listing::rows(&inv, now)
        .into_iter()
        .next()
        .expect("one record, one row");
    let report = status::report(summary, &expected, &present, &inv, &secrets, &events, now);
    match format {
        Some(f) => ui.structured(&report, f)?,
        None => ui.data(&human(&report)),
    }
    if report.ok() {
        Ok(())
    } else {
        Err(Failure::Reported(1))
    }
}
