//! `k0smotron scale NAME --replicas N`: controller replicas directly; etcd members by the
//! operator's rule (odd, one member at a time waiting for each, never fewer). The record
//! takes the new count first, so running the command again finishes an interrupted one.

use std::time::Duration;

use clap::Args;

use super::Global;
use crate::core::naming::{self, Names};
use crate::core::plan::etcd;
use crate::error::Failure;
use crate::mothership::{record, scale, wait};
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct ScaleArgs {
    /// The control plane.
    #[arg(add = super::names::existing())]
    pub name: String,
    /// Controller replicas.
    #[arg(long, value_name = "N")]
    pub replicas: i64,
    /// Return once the StatefulSets are changed (etcd still grows one member at a time).
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for each step.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "10m", value_parser = super::parse_duration)]
    pub timeout: Duration,
}

pub async fn run(args: ScaleArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    naming::check_label(&args.name)
        .map_err(|rule| Failure::Usage(format!("NAME {:?}: {rule}", args.name)))?;
    let replicas = i32::try_from(args.replicas)
        .ok()
        .filter(|r| *r >= 1)
        .ok_or_else(|| {
            Failure::Usage(format!(
                "--replicas {}: must be at least 1 (`k0smotron pause` stops a control plane)",
                args.replicas
            ))
        })?;
    let conn = global.connect(ui).await?;
    let name = args.name.as_str();
    let (rec, now) = tokio::join!(record::read(&conn, name), scale::current(&conn, name));
    let (rec, (_, members_now)) = (rec?, now?);
    if replicas > 1 && rec.single_writer {
        return Err(Failure::Usage(format!(
            "--replicas {replicas}: {name} keeps its state in SQLite, which holds one writer; more controllers need etcd or an external database (nothing was changed)"
        )));
    }
    if rec.paused.is_some() {
        return Err(Failure::Failed(format!(
            "{name} is paused; `{}` first",
            crate::ui::hint::command(&format!("resume {name}"))
        )));
    }
    if rec.replicas != replicas {
        record::set_replicas(&conn, name, replicas).await?;
    }
    let n = Names::new(name);
    if rec.storage == "etcd" {
        let target = etcd::target_members(replicas, members_now);
        if target != replicas {
            ui.note(&format!(
                "etcd keeps {}: an odd count for its quorum, and members are only ever added",
                crate::ui::count(target, "member")
            ));
        }
        scale::grow_etcd(&conn, name, members_now, target, args.timeout, ui).await?;
    }
    scale::set(&conn, name, &n.statefulset(), replicas).await?;
    if args.no_wait {
        ui.note(&format!(
            "Scaling {name} to {}",
            crate::ui::count(replicas, "controller")
        ));
        return Ok(());
    }
    let step = ui.step(&format!(
        "Waiting for {} of {name}",
        crate::ui::count(replicas, "controller replica")
    ));
    let waited = wait::until_ready(&conn, name, replicas, &rec.endpoint, args.timeout, &step).await;
    wait::finish(step, waited).map(drop)
}
