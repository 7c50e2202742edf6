//! `k0smotron move NAME --to-context CTX [--to-namespace NS]`: the control plane, as the
//! same identity, onto another mothership (or namespace): a backup, a restore there that
//! must answer, and only then the original deleted. Until that last step, a failure removes
//! what the restore wrote and leaves the original untouched and running.

use std::time::Duration;

use clap::Args;

use super::Global;
use super::backup;
use super::restore::{self, Request};
use crate::core::naming;
use crate::error::Failure;
use crate::mothership::{delete, record};
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// The control plane to move.
    #[arg(add = super::names::existing())]
    pub name: String,
    /// The kubeconfig context of the mothership to move it to (default: the same).
    #[arg(long, value_name = "CONTEXT")]
    pub to_context: Option<String>,
    /// The namespace to move it to (default: the context's namespace, else `default`).
    #[arg(long, value_name = "NS")]
    pub to_namespace: Option<String>,
    /// How long to wait for each step of the restore.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "10m", value_parser = super::parse_duration)]
    pub timeout: Duration,
}

pub async fn run(args: MoveArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    naming::check_label(&args.name)
        .map_err(|rule| Failure::Usage(format!("NAME {:?}: {rule}", args.name)))?;
    if let Some(ns) = &args.to_namespace {
        naming::check_label(ns)
            .map_err(|rule| Failure::Usage(format!("--to-namespace {ns:?}: {rule}")))?;
    }
    if args.to_context.is_none() && args.to_namespace.is_none() {
        return Err(Failure::Usage(
            "--to-context or --to-namespace: say where to move it".into(),
        ));
    }
    let there = Global {
        kubeconfig: global.kubeconfig.clone(),
        context: args.to_context.clone().or_else(|| global.context.clone()),
        namespace: args.to_namespace.clone(),
        output: None,
        verbose: global.verbose,
        no_color: global.no_color,
        quiet: global.quiet,
        connect_timeout: global.connect_timeout,
    };
    let name = args.name.as_str();
    // Everything before the original is deleted leaves it as it was: say so when it fails.
    let moved = async {
        let (here, there_conn) = tokio::try_join!(global.connect(ui), there.connect(ui))?;
        let same_mothership = here.server == there_conn.server;
        if same_mothership && here.namespace == there_conn.namespace {
            return Err(Failure::Usage(format!(
                "--to-context/--to-namespace: {name} is already in namespace {} of that mothership",
                here.namespace
            )));
        }
        let original = record::read(&here, name).await?;
        let scratch = backup::to_scratch(&here, name, "move", ui).await?;
        let request = Request {
            namespace: Some(there_conn.namespace.clone()),
            // The original holds its node ports on this mothership until it is deleted.
            fresh_ports: same_mothership,
            all_or_nothing: true,
            ..Request::of_scratch(&scratch, args.timeout)
        };
        let restored = restore::restore(&request, &there, ui).await?;
        Ok((here, original, restored))
    }
    .await;
    let (here, original, restored) = moved.map_err(|e| {
        let source = global
            .namespace
            .as_deref()
            .map(|ns| format!(" in namespace {ns}"));
        untouched(
            e,
            &format!("{name}{} is untouched", source.unwrap_or_default()),
        )
    })?;
    let step = ui.step(&format!(
        "Deleting the original in namespace {}",
        here.namespace
    ));
    let left = delete::control_plane(&here, name, false, true).await;
    if !left.is_empty() {
        step.failed("");
        return Err(Failure::Failed(format!(
            "{name} serves in namespace {} at {}, but the original could not be removed ({}); `{}` finishes",
            restored.namespace,
            restored.endpoint,
            left.join(", "),
            crate::ui::hint::command(&format!("-n {} delete {name} --yes", here.namespace))
        )));
    }
    step.done("");
    if restored.endpoint == original.endpoint {
        ui.note(&format!(
            "Its endpoint is unchanged ({}): workers follow by themselves",
            restored.endpoint
        ));
    } else {
        ui.note(&format!(
            "Its endpoint changed from {} to {}: workers need a new token (`{}`)",
            original.endpoint,
            restored.endpoint,
            crate::ui::hint::command(&format!("token worker {name}"))
        ));
    }
    Ok(())
}

/// `e`, saying that the original is as it was.
fn untouched(e: Failure, said: &str) -> Failure {
    match e {
        Failure::Usage(m) => Failure::Usage(format!("{m}; {said}")),
        Failure::Failed(m) => Failure::Failed(format!("{m}; {said}")),
        Failure::TimedOut(m) => {
            Failure::Failed(format!("{m}; what was restored was removed, {said}"))
        }
        Failure::Interrupted(m) => Failure::Interrupted(format!("{m}; {said}")),
        other => other,
    }
}
