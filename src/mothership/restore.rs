//! What `restore` does in the mothership beyond what `create` writes: hand the data (an
//! etcd snapshot, kine's SQLite database) to the pod whose restore init container waits
//! for it.

use std::io::{Read, Seek, SeekFrom};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, AttachParams};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::Connection;
use crate::core::plan::etcd::RESTORE_CONTAINER;
use crate::core::plan::receive_script;
use crate::error::Failure;
use crate::ui::Step;

/// Whether the restore init container of `pod` runs; otherwise what the pod is doing.
fn restore_running(pod: &Pod) -> Result<(), String> {
    let status = pod.status.as_ref();
    let state = status
        .and_then(|s| s.init_container_statuses.as_ref())
        .and_then(|c| c.iter().find(|c| c.name == RESTORE_CONTAINER))
        .and_then(|c| c.state.as_ref());
    match state {
        Some(s) if s.running.is_some() => Ok(()),
        Some(s) => Err(s
            .waiting
            .as_ref()
            .and_then(|w| w.reason.clone())
            .or_else(|| s.terminated.as_ref().map(|_| "finished".to_string()))
            .unwrap_or_else(|| "not started".into())),
        None => Err(status
            .and_then(|s| s.phase.clone())
            .unwrap_or_else(|| "Pending".into())),
    }
}

/// What to hand over, and to whom.
pub struct Handover<'a> {
    pub pod: String,
    /// Where in the restore container the file goes (it waits for that name).
    pub file: String,
    /// "snapshot", "database": for messages.
    pub what: &'a str,
    /// Its size and SHA-256, checked in the pod before it is put in place.
    pub bytes: u64,
    pub sha256: String,
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
        let state = match api.get_opt(pod).await.map_err(|e| conn.translate(e))? {
            Some(p) => restore_running(&p),
            None => Err("not created yet".to_string()),
        };
        match state {
            Ok(()) => break,
            Err(doing) if start.elapsed() >= timeout => {
                return Err(Failure::TimedOut(format!(
                    "timed out after {} waiting for pod {pod} to take the {what} (it is {doing})",
                    crate::core::duration::format(timeout)
                )));
            }
            Err(doing) => step.update(&format!("pod {pod}: {doing}")),
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
        let sent = tokio::time::timeout(attempt_limit(to.bytes), send(conn, &api, to, data))
            .await
            .unwrap_or_else(|_| {
                Err(format!(
                    "it did not arrive whole within {}",
                    crate::core::duration::format(attempt_limit(to.bytes))
                ))
            });
        match sent {
            Ok(()) => return Ok(()),
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
    let script = receive_script(to.bytes, &to.sha256, &to.file);
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
