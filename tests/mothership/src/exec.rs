//! Pod exec over WebSocket with the `v5.channel.k8s.io` and `v4.channel.k8s.io`
//! subprotocols: one channel byte per frame (1 stdout, 2 stderr, 3 status), then a normal
//! close (1000), as the kubelet's stream server does.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role};

use crate::k0s::{self, ExecOutput};
use crate::server::{Body, ExecCall, Shared, json_response};
use crate::state::resource;
use crate::status::ApiError;
use crate::util;

const PROTOCOLS: &[&str] = &["v5.channel.k8s.io", "v4.channel.k8s.io"];

fn bad_request(msg: String) -> Response<Body> {
    json_response(400, &ApiError::bad_request(msg).to_status())
}

pub fn handle(
    shared: &Arc<Shared>,
    req: Request<Incoming>,
    ns: &str,
    pod_name: &str,
    q: &HashMap<String, Vec<String>>,
) -> Response<Body> {
    let pod = match shared.with_state(|s| s.get(resource("", "pods"), ns, pod_name)) {
        Ok(p) => p,
        Err(e) => return json_response(e.code, &e.to_status()),
    };
    let phase = util::str_at(&pod, &["status", "phase"]).unwrap_or("Pending");
    if phase == "Succeeded" || phase == "Failed" {
        return bad_request(format!(
            "cannot exec into a container in a completed pod; current phase is {phase}"
        ));
    }
    let containers: Vec<String> = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let container = match q.get("container").and_then(|v| v.first()) {
        Some(c) if containers.contains(c) => c.clone(),
        Some(c) => return bad_request(format!("container {c} is not valid for pod {pod_name}")),
        None if containers.len() == 1 => containers[0].clone(),
        None => {
            return bad_request(format!(
                "a container name must be specified for pod {pod_name}, choose one of: [{}]",
                containers.join(" ")
            ));
        }
    };
    if phase != "Running" {
        return bad_request(format!(
            "unable to upgrade connection: container not found (\"{container}\")"
        ));
    }
    let command = q.get("command").cloned().unwrap_or_default();
    if command.is_empty() {
        return bad_request("you must specify at least 1 command".into());
    }
    let headers = req.headers();
    let is_ws = headers
        .get("Upgrade")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let Some(key) = headers.get("Sec-WebSocket-Key").filter(|_| is_ws) else {
        return bad_request("Upgrade request required".into());
    };
    let offered: Vec<String> = headers
        .get_all("Sec-WebSocket-Protocol")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|p| p.trim().to_string()))
        .collect();
    let Some(protocol) = PROTOCOLS.iter().find(|p| offered.iter().any(|o| o == *p)) else {
        return bad_request(format!(
            "unable to upgrade connection: none of the offered subprotocols {offered:?} is supported"
        ));
    };
    let accept = derive_accept_key(key.as_bytes());
    let want_stdout = q
        .get("stdout")
        .and_then(|v| v.first())
        .is_some_and(|v| v == "true" || v == "1");
    let want_stderr = q
        .get("stderr")
        .and_then(|v| v.first())
        .is_some_and(|v| v == "true" || v == "1");
    let call = ExecCall {
        namespace: ns.to_string(),
        pod: pod_name.to_string(),
        container,
        command,
    };
    let shared = Arc::clone(shared);
    tokio::spawn(async move {
        let upgraded = match hyper::upgrade::on(req).await {
            Ok(u) => u,
            Err(e) => {
                eprintln!("mothership: exec upgrade failed: {e}");
                return;
            }
        };
        let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
        let output = run(&shared, &call);
        if let Err(e) = stream(ws, output, want_stdout, want_stderr, &call.command).await {
            eprintln!("mothership: exec stream failed: {e}");
        }
    });
    Response::builder()
        .status(101)
        .header("Upgrade", "websocket")
        .header("Connection", "Upgrade")
        .header("Sec-WebSocket-Accept", accept)
        .header("Sec-WebSocket-Protocol", *protocol)
        .body(Full::new(Bytes::new()))
        .expect("response")
}

fn run(shared: &Arc<Shared>, call: &ExecCall) -> ExecOutput {
    let hook = shared.exec_hook.lock().expect("hook lock").clone();
    if let Some(out) = hook.and_then(|h| h(call)) {
        return out;
    }
    shared.with_state(|s| {
        let pod = s
            .store
            .get(resource("", "pods"), &call.namespace, &call.pod)
            .cloned()
            .unwrap_or(Value::Null);
        k0s::run(s, &pod, &call.container, &call.command)
    })
}

/// The Status the kubelet writes on the error channel.
fn exit_status(out: &ExecOutput, command: &[String]) -> Value {
    if out.exit_code == 0 {
        return json!({"metadata": {}, "status": "Success"});
    }
    json!({
        "metadata": {},
        "status": "Failure",
        "message": format!("command terminated with non-zero exit code: error executing command [{}], exit code {}", command.join(" "), out.exit_code),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": out.exit_code.to_string()}]},
    })
}

async fn stream<S>(
    mut ws: WebSocketStream<S>,
    out: ExecOutput,
    want_stdout: bool,
    want_stderr: bool,
    command: &[String],
) -> Result<(), tokio_tungstenite::tungstenite::Error>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let frame = |channel: u8, data: &[u8]| {
        let mut v = Vec::with_capacity(data.len() + 1);
        v.push(channel);
        v.extend_from_slice(data);
        Message::Binary(Bytes::from(v))
    };
    if want_stdout && !out.stdout.is_empty() {
        ws.send(frame(1, &out.stdout)).await?;
    }
    if want_stderr && !out.stderr.is_empty() {
        ws.send(frame(2, &out.stderr)).await?;
    }
    ws.send(frame(3, exit_status(&out, command).to_string().as_bytes()))
        .await?;
    ws.send(Message::Close(Some(CloseFrame {
        code: CloseCode::Normal,
        reason: "".into(),
    })))
    .await?;
    // Let the client finish the close handshake.
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(msg) = ws.next().await {
            if msg.is_err() {
                break;
            }
        }
    })
    .await;
    Ok(())
}
