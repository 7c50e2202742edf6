//! `k0smotron clone NAME NEW`: control plane NEW with the data of NAME under a new identity
//! (new certificate authorities and service-account key), for "seed once, clone many": a
//! backup of NAME to a private temporary file, restored as NEW with new keys.

use std::time::Duration;

use clap::Args;

use super::Global;
use super::backup;
use super::restore::{self, Request};
use crate::core::naming;
use crate::error::Failure;
use crate::mothership::record;
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct CloneArgs {
    /// The control plane whose data is copied.
    #[arg(add = super::names::existing())]
    pub name: String,
    /// The new control plane's name.
    pub new: String,
    /// How long to wait for each step of the restore.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "10m", value_parser = super::parse_duration)]
    pub timeout: Duration,
}

pub async fn run(args: CloneArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    for (what, n) in [("NAME", &args.name), ("NEW", &args.new)] {
        naming::check_label(n).map_err(|rule| Failure::Usage(format!("{what} {n:?}: {rule}")))?;
    }
    if args.name == args.new {
        return Err(Failure::Usage(format!(
            "NEW {:?}: must differ from NAME",
            args.new
        )));
    }
    let conn = global.connect(ui).await?;
    let rec = record::read(&conn, &args.name).await?;
    if rec.storage == "kine" && !rec.single_writer {
        return Err(Failure::Failed(format!(
            "{} keeps its data in an external database, which a clone would share (two control planes writing one datastore); clone copies data kept in etcd or in SQLite",
            args.name
        )));
    }
    let scratch = backup::to_scratch(&conn, &args.name, "clone", ui).await?;
    let request = Request {
        name: Some(args.new.clone()),
        namespace: Some(conn.namespace.clone()),
        new_identity: true,
        fresh_ports: true,
        ..Request::of_scratch(&scratch, args.timeout)
    };
    let restored = restore::restore(&request, global, ui).await?;
    ui.note(&format!(
        "{} has {}'s data and an identity of its own: kubeconfigs, tokens and workers of {} do not work with it",
        restored.name, args.name, args.name
    ));
    restore::next_steps(&restored.name, ui);
    Ok(())
}
