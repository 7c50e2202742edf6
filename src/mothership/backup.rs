//! What `backup` reads from the mothership: the record's data, the identity Secrets, and
//! the data streamed out through exec: an etcd snapshot from a Ready member, or kine's
//! SQLite database from the Ready controller.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};

use super::wait::is_ready;
use super::{Connection, exec, record};
use std::io::{Seek, Write};

use crate::core::backup::{self, CheckedData, DataCheck, SnapshotStatus};
use crate::core::naming::{self, Names};
use crate::error::Failure;
use crate::ui::Step;

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

/// The last line of standard error, else the status message.
fn last_words(out: &exec::Output) -> String {
    out.stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(out.message.as_str())
        .to_string()
}

/// Copies out through exec: standard output can end early with no error
/// (kubernetes/kubernetes#124571). A copy that fails its check is taken again, up to
/// three times; a command that fails is not.
const ATTEMPTS: u32 = 3;

/// Run `script` (which runs `program`) in `container` of `pod` and keep its standard
/// output in `file`, checked by `new_check`'s check on the way; the check's result and what
/// the command said. A command that fails ends it, with the last line it said.
async fn copy_checked(
    conn: &Connection,
    pod: &str,
    (container, program, doing): (&str, &str, &str),
    script: &str,
    file: &mut std::fs::File,
    new_check: impl Fn() -> DataCheck,
    step: &Step,
) -> Result<(CheckedData, exec::Output), Failure> {
    let mut attempt = 1;
    loop {
        file.set_len(0)
            .and_then(|()| file.rewind())
            .map_err(|e| Failure::Failed(format!("keeping the copy: {e}")))?;
        let mut check = new_check();
        let out = exec::stream(
            conn,
            pod,
            container,
            &["sh", "-c", script],
            program,
            |chunk| {
                check.update(chunk);
                file.write_all(chunk)
            },
        )
        .await?;
        if !out.success {
            return Err(Failure::Failed(format!(
                "{doing} in pod {pod} failed: {}",
                last_words(&out)
            )));
        }
        match check.finish() {
            Ok(checked) => return Ok((checked, out)),
            Err(why) if attempt < ATTEMPTS => {
                attempt += 1;
                step.update(&format!(
                    "{why}; taking it again (attempt {attempt} of {ATTEMPTS})"
                ));
            }
            Err(why) => {
                return Err(Failure::Failed(format!(
                    "{why} (in pod {pod}, {ATTEMPTS} attempts)"
                )));
            }
        }
    }
}

/// Take a snapshot in etcd member `pod` into `file`, checking etcd's integrity hash on the
/// way.
pub async fn etcd_snapshot(
    conn: &Connection,
    pod: &str,
    file: &mut std::fs::File,
    step: &Step,
) -> Result<(CheckedData, SnapshotStatus), Failure> {
    let script = crate::core::plan::etcd::snapshot_script();
    let (checked, out) = copy_checked(
        conn,
        pod,
        ("etcd", "etcdctl", "taking an etcd snapshot"),
        &script,
        file,
        DataCheck::etcd,
        step,
    )
    .await?;
    let status = backup::snapshot_status(&out.stderr).ok_or_else(|| {
        Failure::Failed(format!(
            "etcdutl gave no status of the snapshot taken in pod {pod}: {}",
            last_words(&out)
        ))
    })?;
    Ok((checked, status))
}

/// Copy kine's SQLite database in controller pod `pod` (`k0s backup`, given the
/// controller's `--config`/`--data-dir` flags) into `file`, checking SQLite's header and
/// size on the way.
pub async fn kine_database(
    conn: &Connection,
    pod: &str,
    controller_flags: &[String],
    file: &mut std::fs::File,
    step: &Step,
) -> Result<CheckedData, Failure> {
    let script = crate::core::plan::sqlite::backup_script(controller_flags);
    let (checked, _) = copy_checked(
        conn,
        pod,
        ("controller", "k0s backup", "copying kine's database"),
        &script,
        file,
        DataCheck::sqlite,
        step,
    )
    .await?;
    Ok(checked)
}
