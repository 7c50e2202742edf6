//! Asking a control plane's own API whether it serves: `GET /readyz` through the endpoint its
//! kubeconfig names, with the admin credentials of its `NAME-kubeconfig` Secret, so "Ready"
//! means a user's kubectl would get an answer.

use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use kube::api::Api;

use super::Connection;
use crate::core::naming::Names;
use crate::error::Failure;

/// Connections that take longer count as unreachable: an address that answers at all
/// answers a SYN in well under a second, and waits must not stall on a dropped one.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// What `/readyz` through the endpoint said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Ready,
    /// It answered, but not ready (what it said).
    NotReady(String),
    /// Nothing answered from here (why): the pods' own probes are all there is to go by.
    Unreachable(String),
}

/// Whether `host` is a Service name only the mothership's cluster resolves.
pub fn cluster_internal(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    host.ends_with(".svc") || host.ends_with(".svc.cluster.local")
}

/// How to ask a control plane's API from here: a client with its admin credentials, or why
/// it cannot be asked. Made once per wait (one read of the Secret), then asked as often as
/// needed.
pub enum Route {
    Client(kube::Client),
    Unreachable(String),
}

/// The route to control plane `name`'s API at `endpoint`.
pub async fn route(conn: &Connection, name: &str, endpoint: &str) -> Result<Route, Failure> {
    let host = endpoint
        .trim_start_matches("https://")
        .rsplit_once(':')
        .map_or(endpoint, |(h, _)| h);
    let in_cluster = std::env::var_os("KUBERNETES_SERVICE_HOST").is_some();
    if cluster_internal(host) && !in_cluster {
        return Ok(Route::Unreachable(format!(
            "{host} is a name inside the mothership's cluster"
        )));
    }
    let secret = Names::new(name).kubeconfig();
    let text = Api::<Secret>::namespaced(conn.client.clone(), &conn.namespace)
        .get(&secret)
        .await
        .map_err(|e| Failure::Failed(conn.translate(e).to_string()))?
        .data
        .and_then(|d| {
            d.get("value")
                .map(|v| String::from_utf8_lossy(&v.0).into_owned())
        })
        .ok_or_else(|| {
            Failure::Failed(format!("Secret/{secret} holds no kubeconfig (key value)"))
        })?;
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&text)
        .map_err(|e| Failure::Failed(format!("Secret/{secret}: not a kubeconfig: {e}")))?;
    let mut config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .map_err(|e| Failure::Failed(format!("Secret/{secret}: {e}")))?;
    config.connect_timeout = Some(CONNECT_TIMEOUT);
    config.read_timeout = Some(READ_TIMEOUT);
    kube::Client::try_from(config)
        .map(Route::Client)
        .map_err(|e| Failure::Failed(format!("Secret/{secret}: {e}")))
}

/// Ask the API behind `route` (at `endpoint`, for messages) for `/readyz`.
pub async fn readyz(route: &Route, endpoint: &str) -> Answer {
    let client = match route {
        Route::Client(client) => client,
        Route::Unreachable(why) => return Answer::Unreachable(why.clone()),
    };
    let request = http::Request::get("/readyz")
        .body(Vec::new())
        .expect("a GET request without a body");
    match client.request_text(request).await {
        Ok(body) if body.trim() == "ok" => Answer::Ready,
        Ok(body) => Answer::NotReady(body.trim().to_string()),
        Err(kube::Error::Api(status)) => {
            Answer::NotReady(format!("{} {}", status.code, status.message.trim()))
        }
        Err(e) => Answer::Unreachable(format!(
            "no answer from {}: {}",
            endpoint.trim_start_matches("https://"),
            root_cause(&e)
        )),
    }
}

/// The innermost cause of an error: what went wrong at the bottom (refused, timed out, an
/// unknown certificate issuer), where the outer layers only say "client error".
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::cluster_internal;

    #[test]
    fn service_names_are_inside_the_cluster() {
        assert!(cluster_internal("kmc-demo.default.svc"));
        assert!(cluster_internal("kmc-demo.default.svc.cluster.local."));
        assert!(!cluster_internal("203.0.113.10"));
        assert!(!cluster_internal("cp.example.com"));
    }
}
