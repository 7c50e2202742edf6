//! `k0smotron certs renew NAME`: new leaf certificates from the kept CAs, then the pods rolled
//! one at a time (etcd members first, then the controllers, whose k0s issues its own leaves
//! anew as each pod starts). The record names the renewal first, so running the command
//! again finishes an interrupted one.

use std::time::Duration;

use clap::{Args, Subcommand};

use super::Global;
use crate::core::certs::{self, RENEWAL_ANNOTATION, RENEWAL_KEY, RENEWED_KEY};
use crate::core::naming::{self, Names};
use crate::core::pki::{self, KeyAlgorithm};
use crate::error::Failure;
use crate::mothership::{self, Connection, record, scale};
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct CertsArgs {
    #[command(subcommand)]
    pub action: CertsAction,
}

#[derive(Debug, Subcommand)]
pub enum CertsAction {
    /// Re-issue every leaf certificate from the kept CAs and roll the pods one at a time.
    #[command(
        after_help = "Examples:\n  k0smotron certs renew demo\n  k0smotron certs renew demo --timeout 30m"
    )]
    Renew(RenewArgs),
}

#[derive(Debug, Args)]
pub struct RenewArgs {
    /// The control plane.
    #[arg(add = super::names::existing())]
    pub name: String,
    /// Return once the Secrets and StatefulSets are changed; the pods roll by themselves.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for each rollout.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "15m", value_parser = super::parse_duration)]
    pub timeout: Duration,
}

pub async fn run(args: CertsArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    match args.action {
        CertsAction::Renew(a) => renew(a, global, ui).await,
    }
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

async fn renew(args: RenewArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    naming::check_label(&args.name)
        .map_err(|rule| Failure::Usage(format!("NAME {:?}: {rule}", args.name)))?;
    let conn = global.connect(ui).await?;
    let name = args.name.as_str();
    let rec = record::read(&conn, name).await?;
    let etcd = rec.storage == "etcd";
    let now = time::OffsetDateTime::now_utc();

    // The record first: a rerun finds the renewal and finishes it.
    let stamp = match &rec.certs_renewal {
        Some(begun) => {
            ui.note(&format!("Finishing the renewal of {name} begun at {begun}"));
            begun.clone()
        }
        None => {
            let stamp = rfc3339(now);
            record::set_data(&conn, name, serde_json::json!({ RENEWAL_KEY: stamp })).await?;
            stamp
        }
    };

    let step = ui.step("Issuing new leaf certificates from the kept CAs");
    let until = match issue(&conn, name, &rec, etcd, &stamp, now).await {
        Ok(until) => until,
        Err(e) => {
            step.failed("");
            return Err(e);
        }
    };
    step.done(&until);

    let n = Names::new(name);
    let mut sets = Vec::new();
    if etcd {
        sets.push((n.etcd(), "Rolling etcd, one member at a time"));
    }
    sets.push((n.statefulset(), "Rolling the controllers, one at a time"));
    for (sts, what) in sets {
        let step = ui.step(what);
        scale::set_template_annotation(&conn, name, &sts, RENEWAL_ANNOTATION, &stamp).await?;
        if rec.paused.is_some() {
            step.done("paused: its pods start with the new certificates on resume");
            continue;
        }
        if args.no_wait {
            step.done("started");
            continue;
        }
        if let Err(e) = scale::until_rolled_out(&conn, &sts, args.timeout, &step).await {
            step.failed("");
            return Err(e);
        }
        step.done("");
    }

    // Last: the renewal is done, and `list` learns when the leaves were issued.
    record::set_data(
        &conn,
        name,
        serde_json::json!({ RENEWAL_KEY: null, RENEWED_KEY: stamp }),
    )
    .await?;
    ui.note(&format!(
        "Renewed the certificates of {name}; the CAs are kept, so existing kubeconfigs and joined workers keep trusting it"
    ));
    Ok(())
}

/// Re-issue every leaf Secret not yet written by renewal `stamp`; says until when the new
/// ones are valid.
async fn issue(
    conn: &Connection,
    name: &str,
    rec: &record::Record,
    etcd: bool,
    stamp: &str,
    now: time::OffsetDateTime,
) -> Result<String, Failure> {
    let current = mothership::certs::read(conn, name, &certs::leaves(etcd)).await?;
    let wanted: Vec<_> = current.iter().filter(|c| !c.renewed_by(stamp)).collect();
    let until = (now + time::Duration::try_from(pki::LEAF_VALIDITY).unwrap_or_default()).date();
    if wanted.is_empty() {
        return Ok(format!("already issued, valid until {until}"));
    }
    let requests: Vec<_> = wanted.iter().map(|c| (c.leaf, c.ca.clone())).collect();
    let alg = KeyAlgorithm::from_record(&rec.key_algorithm);
    let hosts = pki::etcd_hosts(&Names::new(name).etcd(), &conn.namespace);
    let issued =
        tokio::task::spawn_blocking(move || certs::reissue_all(&requests, alg, &hosts, now))
            .await
            .map_err(|e| Failure::Failed(format!("key generation stopped: {e}")))?
            .map_err(|e| Failure::Failed(format!("issuing certificates failed: {e}")))?;
    let writes = wanted
        .iter()
        .zip(&issued)
        .map(|(c, (_, cert))| mothership::certs::write(conn, name, c, cert, &rec.endpoint, stamp));
    for result in futures::future::join_all(writes).await {
        result?;
    }
    Ok(format!("{} issued, valid until {until}", issued.len()))
}
