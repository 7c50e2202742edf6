//! Running `k0s` in a control-plane pod (container `controller`), as the operator does for
//! join tokens: a Ready pod is picked (or awaited, with the pod states shown), the command's
//! output is collected, and a refused exec becomes a sentence naming `pods/exec`.

use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, AttachParams, ListParams};
use tokio::io::AsyncReadExt;

use super::Connection;
use super::wait::{controller_pod_states, is_ready};
use crate::core::naming;
use crate::error::Failure;
use crate::ui::Ui;

const POLL: Duration = Duration::from_millis(500);

fn selector(name: &str) -> String {
    format!(
        "{}=k0smotron,{}={name},{}=control-plane",
        naming::MANAGED_BY,
        naming::INSTANCE,
        naming::COMPONENT
    )
}

/// A Ready controller pod of control plane `name` (the lowest ordinal), waiting up to
/// `timeout` for one.
pub async fn ready_pod(
    conn: &Connection,
    name: &str,
    timeout: Duration,
    ui: &Ui,
) -> Result<String, Failure> {
    let api: Api<Pod> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let lp = ListParams::default().labels(&selector(name));
    let start = Instant::now();
    let mut step = None;
    loop {
        let mut pods = api.list(&lp).await.map_err(|e| conn.translate(e))?.items;
        pods.sort_by_key(|p| p.metadata.name.clone());
        if let Some(p) = pods.iter().find(|p| is_ready(p)) {
            if let Some(s) = step.take() {
                crate::ui::Step::done(s, "");
            }
            return Ok(p.metadata.name.clone().unwrap_or_default());
        }
        let states = controller_pod_states(&pods);
        let states = if states.is_empty() {
            "no pods".to_string()
        } else {
            states.join(", ")
        };
        if start.elapsed() >= timeout {
            if let Some(s) = step.take() {
                crate::ui::Step::failed(s, "");
            }
            return Err(Failure::TimedOut(format!(
                "no Ready controller pod of {name} after {} ({states}); see `k0smotron -n {} status {name}` or `kubectl -n {} get pods -l {}`",
                crate::core::duration::format(timeout),
                conn.namespace,
                conn.namespace,
                selector(name)
            )));
        }
        step.get_or_insert_with(|| {
            ui.step(&format!("Waiting for a Ready controller pod of {name}"))
        })
        .update(&states);
        tokio::time::sleep(POLL).await;
    }
}

/// What a command printed, and whether it succeeded.
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub success: bool,
    /// The reason the command failed, as the kubelet reported it.
    pub message: String,
}

/// Run `k0s ARGS` in container `controller` of `pod`.
pub async fn k0s(conn: &Connection, pod: &str, args: &[&str]) -> Result<Output, Failure> {
    let mut command = vec!["k0s"];
    command.extend_from_slice(args);
    let mut out = Vec::new();
    let ran = stream(conn, pod, "controller", &command, "k0s", |chunk| {
        out.extend_from_slice(chunk);
        Ok(())
    })
    .await?;
    Ok(Output {
        stdout: String::from_utf8_lossy(&out).into_owned(),
        ..ran
    })
}

/// Run `command` in `container` of `pod`, handing its standard output to `sink` chunk by
/// chunk as it arrives (it may be large, and binary); standard error is collected. `what`
/// names the program in messages. The returned output's `stdout` is empty.
pub async fn stream(
    conn: &Connection,
    pod: &str,
    container: &str,
    command: &[&str],
    what: &str,
    mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<Output, Failure> {
    let api: Api<Pod> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let ap = AttachParams::default()
        .container(container)
        .stdin(false)
        .stdout(true)
        .stderr(true);
    let mut process = api
        .exec(pod, command.to_vec(), &ap)
        .await
        .map_err(|e| exec_error(conn, pod, what, e))?;
    let mut stdout = process.stdout().expect("stdout requested");
    let mut stderr = process.stderr().expect("stderr requested");
    let status = process.take_status();
    let read_out = async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = stdout.read(&mut buf).await?;
            if n == 0 {
                return Ok::<_, std::io::Error>(());
            }
            sink(&buf[..n])?;
        }
    };
    let mut err = String::new();
    let (a, b) = tokio::join!(read_out, stderr.read_to_string(&mut err));
    a.and(b.map(|_| ()))
        .map_err(|e| Failure::Failed(format!("reading {what}'s output in pod {pod}: {e}")))?;
    let status = match status {
        Some(s) => s.await,
        None => None,
    };
    let _ = process.join().await;
    let success = status
        .as_ref()
        .is_none_or(|s| s.status.as_deref() == Some("Success"));
    let message = status.and_then(|s| s.message).unwrap_or_default();
    Ok(Output {
        stdout: String::new(),
        stderr: err,
        success,
        message,
    })
}

fn exec_error(conn: &Connection, pod: &str, what: &str, e: kube::Error) -> Failure {
    use kube::client::UpgradeConnectionError;
    let forbidden = match &e {
        kube::Error::UpgradeConnection(UpgradeConnectionError::ProtocolSwitch(code)) => {
            code.as_u16() == 403
        }
        kube::Error::Api(s) => s.code == 403,
        _ => false,
    };
    if forbidden {
        return Failure::Failed(format!(
            "permission denied: may not create pods/exec in namespace {} (running {what} in pod {pod}); an RBAC rule granting create on pods/exec is missing",
            conn.namespace
        ));
    }
    Failure::Failed(format!(
        "running {what} in pod {pod} failed: {}",
        conn.translate(e)
    ))
}
