//! What `backup` reads from the mothership: the record's data, the identity Secrets, and
//! the data streamed out through exec: an etcd snapshot from a Ready member, or kine's
//! SQLite database from the Ready controller.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};

use super::wait::is_ready;
use super::{Connection, exec, record};
use crate::core::backup::{self, CheckedData, SnapshotCheck, SnapshotStatus, SqliteCheck};
use crate::core::naming::{self, Names};
use crate::error::Failure;

/// The identity Secrets' data, `(SUFFIX, data)`, read at once.
pub async fn identity(
    conn: &Connection,
    name: &str,
) -> Result<Vec<(String, BTreeMap<String, Vec<u8>>)>, Failure> {
    let names = Names::new(name);
    let secret_names: Vec<String> = backup::IDENTITY.iter().map(|s| names.secret(s)).collect();
    let secrets = futures::future::try_join_all(
        secret_names
            .iter()
            .map(|secret| record::our_secret(conn, name, secret)),
    )
    .await?;
    Ok(backup::IDENTITY
        .iter()
        .zip(secrets)
        .map(|(suffix, secret)| {
            let data = secret
                .data
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, v.0))
                .collect();
            (suffix.to_string(), data)
        })
        .collect())
}

/// A Ready (healthy) etcd member of `name`, the lowest ordinal first.
pub async fn healthy_member(conn: &Connection, name: &str) -> Result<String, Failure> {
    let api: Api<Pod> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let selector = format!("{},{}=etcd", naming::selector(name), naming::COMPONENT);
    let mut pods = api
        .list(&ListParams::default().labels(&selector))
        .await
        .map_err(|e| conn.translate(e))?
        .items;
    pods.sort_by_key(|p| p.metadata.name.clone());
    pods.iter()
        .find(|p| is_ready(p))
        .and_then(|p| p.metadata.name.clone())
        .ok_or_else(|| {
            Failure::Failed(format!(
                "no Ready etcd member of {name} to take a snapshot in ({} etcd pods); see `{}`",
                pods.len(),
                crate::ui::hint::command(&format!("status {name}"))
            ))
        })
}

/// The controller pod of a kine/SQLite control plane (one replica), when it is Ready: k0s
/// must run there to copy its database.
pub async fn ready_controller(conn: &Connection, name: &str) -> Result<String, Failure> {
    let api: Api<Pod> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let pod = format!("{}-0", Names::new(name).statefulset());
    match api.get_opt(&pod).await.map_err(|e| conn.translate(e))? {
        Some(p) if is_ready(&p) => Ok(pod),
        found => Err(Failure::Failed(format!(
            "controller pod {pod} of {name} is {}: k0s must run there to copy its database; see `{}`",
            if found.is_some() {
                "not Ready"
            } else {
                "missing"
            },
            crate::ui::hint::command(&format!("status {name}"))
        ))),
    }
}

/// Run `script` (which runs `program`) in `container` of `pod`, its standard output
/// handed to `sink` as it arrives; standard error kept for the reason when it fails.
async fn stream_out(
    conn: &Connection,
    pod: &str,
    (container, program): (&str, &str),
    script: &str,
    doing: &str,
    sink: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<exec::Output, Failure> {
    let out = exec::stream(conn, pod, container, &["sh", "-c", script], program, sink).await?;
    if !out.success {
        return Err(Failure::Failed(format!(
            "{doing} in pod {pod} failed: {}",
            last_words(&out)
        )));
    }
    Ok(out)
}

/// The last line of standard error, else the status message.
fn last_words(out: &exec::Output) -> String {
    out.stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(out.message.as_str())
        .to_string()
}

/// Take a snapshot in etcd member `pod` and stream it into `sink` as it arrives, checking
/// etcd's integrity hash on the way.
pub async fn etcd_snapshot(
    conn: &Connection,
    pod: &str,
    mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<(CheckedData, SnapshotStatus), Failure> {
    let script = crate::core::plan::etcd::snapshot_script();
    let mut check = SnapshotCheck::default();
    let out = stream_out(
        conn,
        pod,
        ("etcd", "etcdctl"),
        &script,
        "taking an etcd snapshot",
        |chunk| {
            check.update(chunk);
            sink(chunk)
        },
    )
    .await?;
    let status = backup::snapshot_status(&out.stderr).ok_or_else(|| {
        Failure::Failed(format!(
            "etcdutl gave no status of the snapshot taken in pod {pod}: {}",
            last_words(&out)
        ))
    })?;
    let checked = check
        .finish()
        .map_err(|e| Failure::Failed(format!("{e} (taken in pod {pod})")))?;
    Ok((checked, status))
}

/// Copy kine's SQLite database in controller pod `pod` (`k0s backup`, given the
/// controller's `--config`/`--data-dir` flags) and stream it into `sink`, checking SQLite's
/// header and size on the way.
pub async fn kine_database(
    conn: &Connection,
    pod: &str,
    controller_flags: &[String],
    mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<CheckedData, Failure> {
    let script = crate::core::plan::sqlite::backup_script(controller_flags);
    let mut check = SqliteCheck::default();
    stream_out(
        conn,
        pod,
        ("controller", "k0s backup"),
        &script,
        "copying kine's database",
        |chunk| {
            check.update(chunk);
            sink(chunk)
        },
    )
    .await?;
    check
        .finish()
        .map_err(|e| Failure::Failed(format!("{e} (copied in pod {pod})")))
}
