//! What `backup` reads from the mothership: the record's data, the identity Secrets, and an
//! etcd snapshot streamed out of a Ready member through exec.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};

use super::wait::is_ready;
use super::{Connection, exec, record};
use crate::core::backup::{self, CheckedSnapshot, SnapshotCheck, SnapshotStatus};
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

/// Take a snapshot in etcd member `pod` and stream it into `sink` as it arrives, checking
/// etcd's integrity hash on the way.
pub async fn etcd_snapshot(
    conn: &Connection,
    pod: &str,
    mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<(CheckedSnapshot, SnapshotStatus), Failure> {
    let script = crate::core::plan::etcd::snapshot_script();
    let mut check = SnapshotCheck::default();
    let out = exec::stream(
        conn,
        pod,
        "etcd",
        &["sh", "-c", &script],
        "etcdctl",
        |chunk| {
            check.update(chunk);
            sink(chunk)
        },
    )
    .await?;
    let said = || {
        out.stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or(out.message.as_str())
            .to_string()
    };
    if !out.success {
        return Err(Failure::Failed(format!(
            "taking an etcd snapshot in pod {pod} failed: {}",
            said()
        )));
    }
    let status = backup::snapshot_status(&out.stderr).ok_or_else(|| {
        Failure::Failed(format!(
            "etcdutl gave no status of the snapshot taken in pod {pod}: {}",
            said()
        ))
    })?;
    let checked = check
        .finish()
        .map_err(|e| Failure::Failed(format!("{e} (taken in pod {pod})")))?;
    Ok((checked, status))
}
