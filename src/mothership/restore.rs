//! What `restore` does in the mothership beyond what `create` writes: hand the data (an
//! etcd snapshot, kine's SQLite database) to the pod whose restore init container waits
//! for it.

use std::io::{Read, Seek, SeekFrom};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, AttachParams};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::Connection;
use crate::core::backup::CheckedData;
use crate::core::plan::etcd::RESTORE_CONTAINER;
use crate::core::plan::receive_script;
use crate::error::Failure;
use crate::ui::Step;

/// Where the restore init container of a pod is.
enum RestoreState {
    Running,
    /// Ended, with this exit code: it no longer waits.
    Ended(i32),
    /// Not running yet: what the pod is doing.
    Before(String),
}

fn restore_state(pod: &Pod) -> RestoreState {
    let status = pod.status.as_ref();
    let state = status
        .and_then(|s| s.init_container_statuses.as_ref())
        .and_then(|c| c.iter().find(|c| c.name == RESTORE_CONTAINER))
        .and_then(|c| c.state.as_ref());
    match state {
        Some(s) if s.running.is_some() => RestoreState::Running,
        Some(s) if s.terminated.is_some() => {
            RestoreState::Ended(s.terminated.as_ref().map_or(0, |t| t.exit_code))
        }
        Some(s) => RestoreState::Before(
            s.waiting
                .as_ref()
                .and_then(|w| w.reason.clone())
                .unwrap_or_else(|| "not started".into()),
        ),
        None => RestoreState::Before(
            status
                .and_then(|s| s.phase.clone())
                .unwrap_or_else(|| "Pending".into()),
        ),
    }
}

async fn state_of(conn: &Connection, api: &Api<Pod>, pod: &str) -> Result<RestoreState, Failure> {
    Ok(
        match api.get_opt(pod).await.map_err(|e| conn.translate(e))? {
            Some(p) => restore_state(&p),
            None => RestoreState::Before("not created yet".into()),
        },
    )
}

/// What to hand over, and to whom.
pub struct Handover<'a> {
    pub pod: String,
    /// Where in the restore container the file goes (it waits for that name).
    pub file: String,
    /// "snapshot", "database": for messages.
    pub what: &'a str,
    /// Its size and SHA-256, checked in the pod before it is put in place.
    pub data: CheckedData,
}

/// Attempts at sending the data: exec's standard input is known to lose data now and then
/// (kubernetes/kubernetes#112834); a short or changed copy is found in the pod and sent
/// again.
const ATTEMPTS: u32 = 3;

/// How long one attempt may take: a minute, and a second per MiB.
fn attempt_limit(bytes: u64) -> Duration {
    Duration::from_secs(60 + bytes / (1 << 20))
}

/// Wait until the restore init container of `to.pod` waits, then send it the bytes of
/// `data` through exec; the container takes it from there.
pub async fn hand_over(
    conn: &Connection,
    to: &Handover<'_>,
    data: &mut std::fs::File,
    timeout: Duration,
    step: &Step,
) -> Result<(), Failure> {
    let (pod, what) = (&to.pod, to.what);
    let api: Api<Pod> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let start = Instant::now();
    loop {
        match state_of(conn, &api, pod).await? {
            RestoreState::Running => break,
            RestoreState::Ended(code) => {
                return Err(Failure::Failed(format!(
                    "the restore container of pod {pod} ended (exit code {code}) before it was given the {what}: see `kubectl logs {pod} -c {RESTORE_CONTAINER}`"
                )));
            }
            RestoreState::Before(doing) if start.elapsed() >= timeout => {
                return Err(Failure::TimedOut(format!(
                    "timed out after {} waiting for pod {pod} to take the {what} (it is {doing})",
                    crate::core::duration::format(timeout)
                )));
            }
            RestoreState::Before(doing) => step.update(&format!("pod {pod}: {doing}")),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let mut attempt = 1;
    loop {
        step.update(&match attempt {
            1 => format!("sending it to pod {pod}"),
            n => format!("sending it to pod {pod} again (attempt {n} of {ATTEMPTS})"),
        });
        data.seek(SeekFrom::Start(0))
            .map_err(|e| Failure::Failed(format!("reading the {what} back: {e}")))?;
        let limit = attempt_limit(to.data.bytes);
        let sent = tokio::time::timeout(limit, send(conn, &api, to, data))
            .await
            .unwrap_or_else(|_| {
                Err(format!(
                    "it did not arrive whole within {}",
                    crate::core::duration::format(limit)
                ))
            });
        match sent {
            Ok(()) => return Ok(()),
            // The container took it and went on; only the answer was lost on the way.
            Err(_) if matches!(state_of(conn, &api, pod).await?, RestoreState::Ended(0)) => {
                return Ok(());
            }
            Err(why) if attempt == ATTEMPTS => {
                return Err(Failure::Failed(format!(
                    "pod {pod} did not take the {what} in {ATTEMPTS} attempts: {why}"
                )));
            }
            Err(_) => attempt += 1,
        }
    }
}

/// One attempt: the receiving script in the restore container, fed `data`; why it failed.
async fn send(
    conn: &Connection,
    api: &Api<Pod>,
    to: &Handover<'_>,
    data: &mut std::fs::File,
) -> Result<(), String> {
    let script = receive_script(to.data.bytes, &to.data.sha256, &to.file);
    let ap = AttachParams::default()
        .container(RESTORE_CONTAINER)
        .stdin(true)
        .stdout(false)
        .stderr(true);
    let mut process = api
        .exec(&to.pod, ["sh", "-c", script.as_str()], &ap)
        .await
        .map_err(|e| conn.translate(e).to_string())?;
    let mut stdin = process.stdin().expect("stdin requested");
    let mut stderr = process.stderr().expect("stderr requested");
    let status = process.take_status();
    let feed = async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = data.read(&mut buf)?;
            if n == 0 {
                break;
            }
            stdin.write_all(&buf[..n]).await?;
        }
        stdin.flush().await
    };
    let mut said = String::new();
    let (fed, _) = tokio::join!(feed, stderr.read_to_string(&mut said));
    fed.map_err(|e| format!("sending: {e}"))?;
    let status = match status {
        Some(s) => s.await,
        None => None,
    };
    let _ = process.join().await;
    match status {
        Some(s) if s.status.as_deref() != Some("Success") => Err(said
            .lines()
            .last()
            .map(String::from)
            .or(s.message)
            .unwrap_or_default()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(restore: serde_json::Value) -> Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "kmc-demo-0"},
            "status": {"phase": "Pending", "initContainerStatuses": [
                {"name": "certs-init", "ready": true, "restartCount": 0, "image": "k0s", "imageID": "",
                 "state": {"terminated": {"exitCode": 0}}},
                {"name": RESTORE_CONTAINER, "ready": false, "restartCount": 0, "image": "k0s", "imageID": "",
                 "state": restore},
            ]},
        }))
        .unwrap()
    }

    #[test]
    fn the_restore_container_is_read_by_its_own_state() {
        assert!(matches!(
            restore_state(&pod(serde_json::json!({"running": {}}))),
            RestoreState::Running
        ));
        assert!(matches!(
            restore_state(&pod(serde_json::json!({"terminated": {"exitCode": 0}}))),
            RestoreState::Ended(0)
        ));
        assert!(matches!(
            restore_state(&pod(serde_json::json!({"terminated": {"exitCode": 1}}))),
            RestoreState::Ended(1)
        ));
        assert!(matches!(
            restore_state(&pod(serde_json::json!({"waiting": {"reason": "PodInitializing"}}))),
            RestoreState::Before(r) if r == "PodInitializing"
        ));
        // certs-init having ended says nothing of the restore container.
        let no_status: Pod =
            serde_json::from_value(serde_json::json!({"status": {"phase": "Pending"}})).unwrap();
        assert!(matches!(restore_state(&no_status), RestoreState::Before(r) if r == "Pending"));
    }
}
