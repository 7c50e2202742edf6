//! `k0smotron wait NAME`: wait until a control plane is Ready (or deleted), with the same
//! progress as `create`'s wait.

use std::time::Duration;

use clap::{Args, ValueEnum};

use super::Global;
use crate::error::Failure;
use crate::mothership::{record, wait};
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct WaitArgs {
    /// The control plane.
    #[arg(add = super::names::existing())]
    pub name: String,
    /// What to wait for.
    #[arg(long = "for", value_enum, default_value = "ready")]
    pub condition: Condition,
    /// How long to wait at most.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "10m", value_parser = super::parse_duration)]
    pub timeout: Duration,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Condition {
    Ready,
    Deleted,
}

pub async fn run(args: WaitArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    crate::core::naming::check_label(&args.name)
        .map_err(|rule| Failure::Usage(format!("NAME {:?}: {rule}", args.name)))?;
    let conn = global.connect(ui).await?;
    let name = args.name.as_str();
    match args.condition {
        Condition::Ready => {
            let rec = record::read(&conn, name).await?;
            if rec.paused.is_some() {
                return Err(record::paused(name));
            }
            let step = ui.step(&format!(
                "Waiting for {} of {name}",
                crate::ui::count(rec.replicas, "controller replica")
            ));
            let waited = wait::until_ready(
                &conn,
                name,
                rec.replicas,
                &rec.endpoint,
                args.timeout,
                &step,
            )
            .await;
            wait::finish(step, waited)?;
            ui.note(&format!("Control plane {name} serves at {}", rec.endpoint));
        }
        Condition::Deleted => {
            let step = ui.step(&format!("Waiting for {name} to be deleted"));
            match wait::until_deleted(&conn, name, false, args.timeout, &step).await {
                Ok(()) => step.done("gone"),
                Err(e) => {
                    step.failed("");
                    return Err(e);
                }
            }
        }
    }
    Ok(())
}
