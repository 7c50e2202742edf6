//! `k0smotron pause NAME` and `resume NAME`: scale a control plane (and its etcd) to zero
//! keeping every Secret, ConfigMap and claim, and back. The record says first that it is
//! paused (with the counts to return to) and is cleared last on resume, so running either
//! command again finishes an interrupted one.

use std::time::Duration;

use clap::Args;

use super::Global;
use crate::core::naming::{self, Names};
use crate::error::Failure;
use crate::mothership::{record, scale, wait};
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct PauseArgs {
    /// The control plane.
    #[arg(add = super::names::existing())]
    pub name: String,
    /// Pause even when its only state is SQLite in an emptyDir (which is lost).
    #[arg(long)]
    pub force: bool,
    /// Return once the StatefulSets are scaled down.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "5m", value_parser = super::parse_duration)]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// The control plane.
    #[arg(add = super::names::existing())]
    pub name: String,
    /// Return once the StatefulSets are scaled up.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for the controllers to be Ready.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "10m", value_parser = super::parse_duration)]
    pub timeout: Duration,
}

fn check(name: &str) -> Result<(), Failure> {
    naming::check_label(name).map_err(|rule| Failure::Usage(format!("NAME {name:?}: {rule}")))
}

pub async fn pause(args: PauseArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    check(&args.name)?;
    let conn = global.connect(ui).await?;
    let name = args.name.as_str();
    let (rec, now) = tokio::join!(record::read(&conn, name), scale::current(&conn, name));
    let (rec, now) = (rec?, now?);
    if rec.state_in_empty_dir && !args.force {
        return Err(Failure::Failed(format!(
            "{name} keeps its only state in SQLite on an emptyDir volume, which is gone with the pod: pausing loses every object of the control plane; pass --force to pause anyway (nothing was changed)"
        )));
    }
    // First the record (a rerun then knows what to return to), then the StatefulSets.
    let counts = match rec.paused {
        Some(c) => c,
        None => {
            let c = (now.0.max(rec.replicas), now.1);
            record::set_paused(&conn, name, Some(c)).await?;
            c
        }
    };
    let n = Names::new(name);
    let (controller, etcd) = (n.statefulset(), n.etcd());
    let (a, b) = tokio::join!(
        scale::set(&conn, name, &controller, 0),
        scale::set(&conn, name, &etcd, 0)
    );
    a?;
    b?;
    let step = ui.step(&format!("Pausing {name}"));
    if !args.no_wait
        && let Err(e) = scale::until_no_pods(&conn, name, args.timeout, &step).await
    {
        step.failed("");
        return Err(e);
    }
    step.done(&format!(
        "scaled to zero; `{}` returns to {}{}",
        crate::ui::hint::command(&format!("resume {name}")),
        crate::ui::count(counts.0, "controller"),
        if counts.1 > 0 {
            format!(" and {}", crate::ui::count(counts.1, "etcd member"))
        } else {
            String::new()
        }
    ));
    Ok(())
}

pub async fn resume(args: ResumeArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    check(&args.name)?;
    let conn = global.connect(ui).await?;
    let name = args.name.as_str();
    let rec = record::read(&conn, name).await?;
    let Some((controllers, members)) = rec.paused else {
        ui.note(&format!("{name} is not paused; nothing to do"));
        return Ok(());
    };
    let n = Names::new(name);
    // etcd first, so the controllers find it; the record is cleared last.
    scale::set(&conn, name, &n.etcd(), members).await?;
    scale::set(&conn, name, &n.statefulset(), controllers).await?;
    record::set_paused(&conn, name, None).await?;
    if args.no_wait {
        ui.note(&format!(
            "Resuming {name}: {}",
            crate::ui::count(controllers, "controller")
        ));
        return Ok(());
    }
    let step = ui.step(&format!("Resuming {name}"));
    let waited =
        wait::until_ready(&conn, name, controllers, &rec.endpoint, args.timeout, &step).await;
    wait::finish(step, waited)?;
    ui.note(&format!("Control plane {name} serves at {}", rec.endpoint));
    Ok(())
}
