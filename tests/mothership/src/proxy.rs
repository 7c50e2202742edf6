//! The TLS proxy every kubeconfig points at: it adds latency, fails chosen requests, logs
//! every request with its start and end, and passes everything else to kube-apiserver
//! untouched (protobuf, watches, and the WebSocket and SPDY upgrades of exec and attach).
//! Its own endpoints live under `/_mothership/` (the request log and faults, as JSON).

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::control::{Fault, FaultAction, LoggedRequest, RequestLog};

type Body = BoxBody<Bytes, hyper::Error>;

/// What a proxy does, changed by tests while it runs.
#[derive(Debug, Default)]
pub struct Knobs {
    pub started: Option<Instant>,
    pub latency: Duration,
    pub faults: Vec<Fault>,
    pub log: RequestLog,
    /// Answer `GET /version` as this release (the only rewritten response; doctor's version
    /// checks need older servers than the one built here).
    pub server_version: Option<String>,
}

impl Knobs {
    /// The action of the first fault this request triggers, counting it for every fault it
    /// matches.
    fn check_faults(&mut self, method: &str, path: &str) -> Option<FaultAction> {
        let mut hit = None;
        for f in self.faults.iter_mut().filter(|f| f.matches(method, path)) {
            f.seen += 1;
            if hit.is_none() && f.seen >= f.nth && f.seen < f.nth + f.times {
                hit = Some(f.action.clone());
            }
        }
        hit
    }
}

pub struct Shared {
    pub knobs: Mutex<Knobs>,
    /// Bearer tokens to user names, for the log.
    pub users: Arc<Mutex<HashMap<String, String>>>,
    upstream: SocketAddr,
    tls: tokio_rustls::TlsConnector,
}

impl Shared {
    pub fn knobs(&self) -> MutexGuard<'_, Knobs> {
        self.knobs.lock().expect("knobs lock")
    }
}

/// A running proxy; dropping it stops accepting.
pub struct Proxy {
    pub addr: SocketAddr,
    pub shared: Arc<Shared>,
    _stop: oneshot::Sender<()>,
}

impl Proxy {
    /// Listen on `addr` (on the current runtime) and forward to `upstream`, whose certificate
    /// `ca_pem` signs.
    pub async fn start(
        addr: SocketAddr,
        upstream: SocketAddr,
        ca_pem: &str,
        server_config: Arc<rustls::ServerConfig>,
        users: Arc<Mutex<HashMap<String, String>>>,
        latency: Duration,
    ) -> anyhow::Result<Proxy> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_pemfile_certs(ca_pem)? {
            roots.add(cert)?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let client = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let shared = Arc::new(Shared {
            knobs: Mutex::new(Knobs {
                latency,
                ..Default::default()
            }),
            users,
            upstream,
            tls: tokio_rustls::TlsConnector::from(Arc::new(client)),
        });
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let acceptor = tokio_rustls::TlsAcceptor::from(server_config);
        let (stop, mut stopped) = oneshot::channel();
        let accept_shared = Arc::clone(&shared);
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => {
                        let Ok((tcp, _)) = accepted else { continue };
                        let _ = tcp.set_nodelay(true);
                        let (acceptor, shared) = (acceptor.clone(), Arc::clone(&accept_shared));
                        tokio::spawn(async move {
                            let Ok(tls) = acceptor.accept(tcp).await else { return };
                            let svc = hyper::service::service_fn(move |req| handle(Arc::clone(&shared), req));
                            let _ = hyper::server::conn::http1::Builder::new()
                                .serve_connection(TokioIo::new(tls), svc)
                                .with_upgrades()
                                .await;
                        });
                    }
                }
            }
        });
        Ok(Proxy {
            addr,
            shared,
            _stop: stop,
        })
    }
}

fn rustls_pemfile_certs(
    pem: &str,
) -> anyhow::Result<Vec<rustls::pki_types::CertificateDer<'static>>> {
    use rustls::pki_types::pem::PemObject;
    Ok(
        rustls::pki_types::CertificateDer::pem_slice_iter(pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()?,
    )
}

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never: Infallible| match never {})
        .boxed()
}

fn json_response(code: u16, value: &Value) -> Response<Body> {
    Response::builder()
        .status(code)
        .header("Content-Type", "application/json")
        .body(full(value.to_string()))
        .expect("response")
}

/// An injected failure, worded as kube-apiserver words these statuses.
fn injected(code: u16, retry_after: Option<u64>) -> Response<Body> {
    let (reason, message) = match code {
        409 => ("Conflict", "injected conflict"),
        429 => (
            "TooManyRequests",
            "the server has received too many requests and has asked us to try again later",
        ),
        500 => ("InternalError", "Internal error occurred: injected failure"),
        503 => (
            "ServiceUnavailable",
            "the server is currently unable to handle the request",
        ),
        504 => (
            "Timeout",
            "the server was unable to return a response in the time allotted",
        ),
        _ => ("", "injected failure"),
    };
    let mut status = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": message, "reason": reason, "code": code});
    if let Some(secs) = retry_after {
        status["details"] = json!({"retryAfterSeconds": secs});
    }
    let mut resp = json_response(code, &status);
    if let Some(secs) = retry_after {
        resp.headers_mut()
            .insert("Retry-After", secs.to_string().parse().expect("header"));
    }
    resp
}

/// The connection is closed without an answer (hyper closes it when the service fails).
#[derive(Debug)]
pub struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("injected: connection dropped")
    }
}

impl std::error::Error for Dropped {}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<Body>, Dropped> {
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or_default().to_string();
    let method = req.method().clone();
    if path.starts_with("/_mothership/") {
        return Ok(control_endpoint(&shared, method.as_str(), &path, req).await);
    }
    let (latency, fault, started) = {
        let mut k = shared.knobs();
        let started = *k.started.get_or_insert_with(Instant::now);
        (k.latency, k.check_faults(method.as_str(), &path), started)
    };
    let start_ms = started.elapsed().as_millis() as u64;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let (verb, resource) = classify(method.as_str(), &path, &query);
    let user = req
        .headers()
        .get("Authorization")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .and_then(|t| {
            shared
                .users
                .lock()
                .expect("users lock")
                .get(t.trim())
                .cloned()
        })
        .unwrap_or_default();
    let outcome = match fault {
        Some(FaultAction::Drop) => Err(Dropped),
        Some(FaultAction::Status { code, retry_after }) => Ok(injected(code, retry_after)),
        None => Ok(forward(&shared, req).await),
    };
    let entry = LoggedRequest {
        method: method.to_string(),
        path,
        query,
        verb,
        resource,
        status: outcome.as_ref().map(|r| r.status().as_u16()).unwrap_or(0),
        user,
        start_ms,
        end_ms: started.elapsed().as_millis() as u64,
    };
    shared.knobs().log.requests.push(entry);
    outcome
}

fn bad_gateway(e: impl std::fmt::Display) -> Response<Body> {
    Response::builder()
        .status(StatusCode::BAD_GATEWAY)
        .body(full(format!("mothership proxy: kube-apiserver: {e}\n")))
        .expect("response")
}

/// Send the request to kube-apiserver on a connection of its own and stream the answer
/// back; an upgrade (exec) is spliced through byte for byte.
async fn forward(shared: &Arc<Shared>, mut req: Request<Incoming>) -> Response<Body> {
    let tcp = match tokio::net::TcpStream::connect(shared.upstream).await {
        Ok(t) => t,
        Err(e) => return bad_gateway(e),
    };
    let _ = tcp.set_nodelay(true);
    let name = ServerName::IpAddress(shared.upstream.ip().into());
    let tls = match shared.tls.connect(name, tcp).await {
        Ok(t) => t,
        Err(e) => return bad_gateway(e),
    };
    let (mut sender, conn) = match hyper::client::conn::http1::handshake(TokioIo::new(tls)).await {
        Ok(x) => x,
        Err(e) => return bad_gateway(e),
    };
    tokio::spawn(conn.with_upgrades());
    let downstream = req
        .headers()
        .contains_key(hyper::header::UPGRADE)
        .then(|| hyper::upgrade::on(&mut req));
    let version_override = (req.method() == hyper::Method::GET && req.uri().path() == "/version")
        .then(|| shared.knobs().server_version.clone())
        .flatten();
    let mut resp = match sender.send_request(req).await {
        Ok(r) => r,
        Err(e) => return bad_gateway(e),
    };
    if resp.status() == StatusCode::SWITCHING_PROTOCOLS
        && let Some(downstream) = downstream
    {
        let upstream = hyper::upgrade::on(&mut resp);
        tokio::spawn(async move {
            if let (Ok(down), Ok(up)) = tokio::join!(downstream, upstream) {
                let (mut down, mut up) = (TokioIo::new(down), TokioIo::new(up));
                let _ = tokio::io::copy_bidirectional(&mut down, &mut up).await;
            }
        });
    }
    if let Some(version) = version_override {
        return rewrite_version(resp, &version).await;
    }
    resp.map(|b| b.boxed())
}

async fn rewrite_version(resp: Response<Incoming>, version: &str) -> Response<Body> {
    let (parts, body) = resp.into_parts();
    let Ok(bytes) = body.collect().await.map(|c| c.to_bytes()) else {
        return bad_gateway("reading /version");
    };
    let mut doc: Value = serde_json::from_slice(&bytes).unwrap_or(json!({}));
    let numbers: Vec<&str> = version.trim_start_matches('v').split('.').collect();
    doc["gitVersion"] = json!(version);
    doc["major"] = json!(numbers.first().copied().unwrap_or_default());
    doc["minor"] = json!(numbers.get(1).copied().unwrap_or_default());
    let mut out = Response::from_parts(parts, full(doc.to_string()));
    out.headers_mut().remove(hyper::header::CONTENT_LENGTH);
    out
}

/// The Kubernetes verb and resource (`pods/exec` for a subresource) of a request, for the
/// log; both empty for discovery and health paths.
pub fn classify(method: &str, path: &str, query: &str) -> (String, String) {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let rest: &[&str] = match segs.as_slice() {
        ["api", "v1", rest @ ..] => rest,
        ["apis", _, _, rest @ ..] => rest,
        _ => &[],
    };
    let tail = match rest {
        ["namespaces", _, tail @ ..] if !tail.is_empty() => tail,
        _ => rest,
    };
    let Some(plural) = tail.first() else {
        return (String::new(), String::new());
    };
    let named = tail.len() >= 2;
    let resource = match tail.get(2) {
        Some(sub) => format!("{plural}/{sub}"),
        None => plural.to_string(),
    };
    let watch = query
        .split('&')
        .any(|kv| kv == "watch=true" || kv == "watch=1");
    let verb = match (method, named) {
        ("GET", _) if watch => "watch",
        ("GET", true) => "get",
        ("GET", false) => "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", true) => "delete",
        ("DELETE", false) => "deletecollection",
        _ => "",
    };
    (verb.to_string(), resource)
}

async fn control_endpoint(
    shared: &Shared,
    method: &str,
    path: &str,
    req: Request<Incoming>,
) -> Response<Body> {
    match (method, path) {
        ("GET", "/_mothership/requests") => json_response(200, &shared.knobs().log.to_json()),
        ("DELETE", "/_mothership/requests") => {
            shared.knobs().log.requests.clear();
            json_response(200, &json!({"total": 0}))
        }
        ("POST", "/_mothership/faults") => {
            let body = req
                .into_body()
                .collect()
                .await
                .map(|c| c.to_bytes())
                .unwrap_or_default();
            let list = match serde_json::from_slice::<Value>(&body) {
                Ok(v) if v.is_array() => v,
                Ok(v) => json!([v]),
                Err(e) => {
                    return json_response(400, &json!({"message": format!("invalid JSON: {e}")}));
                }
            };
            match serde_json::from_value::<Vec<Fault>>(list) {
                Ok(faults) => {
                    let n = faults.len();
                    shared.knobs().faults.extend(faults);
                    json_response(201, &json!({"added": n}))
                }
                Err(e) => json_response(400, &json!({"message": format!("invalid fault: {e}")})),
            }
        }
        ("DELETE", "/_mothership/faults") => {
            shared.knobs().faults.clear();
            json_response(200, &json!({"faults": 0}))
        }
        _ => json_response(404, &json!({"message": "no such endpoint"})),
    }
}

#[cfg(test)]
mod tests {
    use super::{Fault, Knobs, classify};

    #[test]
    fn nth_matching_request_fails_times_times() {
        let mut k = Knobs::default();
        k.faults
            .push(Fault::status("POST", "*/configmaps", 2, 500).times(2));
        let post = "/api/v1/namespaces/d/configmaps";
        assert!(k.check_faults("POST", post).is_none(), "1st");
        assert!(k.check_faults("GET", post).is_none(), "another method");
        assert!(k.check_faults("POST", post).is_some(), "2nd");
        assert!(k.check_faults("POST", post).is_some(), "3rd");
        assert!(k.check_faults("POST", post).is_none(), "4th");
    }

    #[test]
    fn verbs_and_resources() {
        let c = |m, p, q| classify(m, p, q);
        assert_eq!(
            c("GET", "/api/v1/namespaces/d/configmaps", ""),
            ("list".into(), "configmaps".into())
        );
        assert_eq!(
            c("GET", "/api/v1/namespaces/d/configmaps/x", ""),
            ("get".into(), "configmaps".into())
        );
        assert_eq!(
            c("GET", "/api/v1/namespaces/d", ""),
            ("get".into(), "namespaces".into())
        );
        assert_eq!(
            c("GET", "/api/v1/nodes", "watch=true"),
            ("watch".into(), "nodes".into())
        );
        assert_eq!(
            c("POST", "/api/v1/namespaces/d/pods/p/exec", ""),
            ("create".into(), "pods/exec".into())
        );
        assert_eq!(
            c(
                "DELETE",
                "/apis/apps/v1/namespaces/d/statefulsets",
                "labelSelector=a"
            ),
            ("deletecollection".into(), "statefulsets".into())
        );
        assert_eq!(
            c("GET", "/apis/apps/v1", ""),
            (String::new(), String::new())
        );
        assert_eq!(c("GET", "/version", ""), (String::new(), String::new()));
    }
}
