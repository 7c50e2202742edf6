//! `mothership`: a Kubernetes API test server for k0smotron's tests.
//!
//! It serves the REST API over HTTPS closely enough that kube-rs and the real kubectl work
//! against it: discovery, storage semantics with Status errors, bearer-token auth with
//! RBAC-style rules and SelfSubjectAccessReview, simulated controllers (StatefulSet pods and
//! PVCs, node ports, cluster IPs, load balancers, nodes), pod exec that answers like k0s,
//! and knobs for latency and injected faults, with a request log.

pub mod auth;
pub mod binaries;
pub mod control;
mod controllers;
mod discovery;
mod exec;
pub mod k0s;
mod names;
mod patch;
pub mod resources;
mod selector;
mod server;
pub mod state;
mod status;
mod store;
mod strategy;
mod tls;
mod util;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use base64::Engine;
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

pub use auth::{Rule, User};
pub use control::{Fault, FaultAction, LoggedRequest, RequestLog};
pub use k0s::ExecOutput;
pub use server::ExecCall;
pub use state::{NodeSpec, Simulation, State, TimerAction};

/// How to start a test server.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub sim: Simulation,
    pub latency: Duration,
    /// Users besides the admin (whose token the default kubeconfig carries).
    pub users: Vec<User>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:0".parse().expect("address"),
            sim: Simulation::default(),
            latency: Duration::ZERO,
            users: Vec::new(),
        }
    }
}

/// A running server; dropping it stops it.
pub struct Mothership {
    addr: SocketAddr,
    ca_pem: String,
    admin_token: String,
    shared: Arc<server::Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn random_token() -> String {
    use rand::RngExt;
    let bytes: [u8; 24] = rand::rng().random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl Mothership {
    /// Start on its own thread and runtime; returns once it is listening.
    pub fn start(config: Config) -> anyhow::Result<Self> {
        let pki = tls::generate()?;
        let listener = std::net::TcpListener::bind(config.addr)
            .with_context(|| format!("cannot listen on {}", config.addr))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let admin_token = random_token();
        let mut users = vec![User::admin(admin_token.clone())];
        users.extend(config.users);
        let shared = Arc::new(server::Shared {
            state: Mutex::new(State::new(config.sim)),
            users: Mutex::new(users),
            control: Mutex::new(control::Control {
                latency: config.latency,
                ..Default::default()
            }),
            exec_hook: Mutex::new(None),
            server_address: addr.to_string(),
        });
        let (tx, rx) = oneshot::channel();
        let acceptor = tokio_rustls::TlsAcceptor::from(pki.server_config);
        let loop_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("mothership".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("mothership runtime");
                rt.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                    accept_loop(listener, acceptor, loop_shared, rx).await;
                });
                rt.shutdown_timeout(Duration::from_millis(200));
            })?;
        Ok(Mothership {
            addr,
            ca_pem: pki.ca_pem,
            admin_token,
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// A kubeconfig for the admin.
    pub fn kubeconfig(&self) -> String {
        self.kubeconfig_with_token("admin", &self.admin_token)
    }

    /// A kubeconfig whose context `mothership` uses `token` (any string; unknown ones get 401).
    pub fn kubeconfig_with_token(&self, user: &str, token: &str) -> String {
        kubeconfig_yaml(&self.url(), &self.ca_pem, user, token)
    }

    pub fn write_kubeconfig(&self, path: &Path) -> anyhow::Result<()> {
        write_private(path, &self.kubeconfig())
    }

    /// Register a further user (token and rules).
    pub fn add_user(&self, user: User) {
        self.shared.users.lock().expect("users lock").push(user);
    }

    pub fn requests(&self) -> RequestLog {
        self.shared.control().log.clone()
    }

    pub fn reset_requests(&self) {
        self.shared.control().log.requests.clear();
    }

    pub fn inject(&self, fault: Fault) {
        self.shared.control().faults.push(fault);
    }

    pub fn clear_faults(&self) {
        self.shared.control().faults.clear();
    }

    pub fn set_latency(&self, latency: Duration) {
        self.shared.control().latency = latency;
    }

    /// Answer exec calls with `hook` first; `None` from it falls back to the k0s emulation.
    pub fn set_exec_hook(
        &self,
        hook: impl Fn(&ExecCall) -> Option<ExecOutput> + Send + Sync + 'static,
    ) {
        *self.shared.exec_hook.lock().expect("hook lock") = Some(Arc::new(hook));
    }

    /// Every stored object of a resource (by plural, e.g. `"configmaps"`), in all namespaces.
    pub fn objects(&self, plural: &str) -> Vec<serde_json::Value> {
        let res = resources::RESOURCES
            .iter()
            .find(|r| r.plural == plural)
            .expect("known resource");
        self.with_state(|s| s.store.all(res, None).cloned().collect())
    }

    /// Objects of any kind whose labels include `key=value`, as `Kind/name`.
    pub fn labelled(&self, key: &str, value: &str) -> Vec<String> {
        self.with_state(|s| {
            s.store
                .objects
                .values()
                .filter(|o| {
                    o.pointer("/metadata/labels")
                        .and_then(|l| l.get(key))
                        .and_then(|v| v.as_str())
                        == Some(value)
                })
                .map(|o| {
                    format!(
                        "{}/{}",
                        o["kind"].as_str().unwrap_or_default(),
                        o["metadata"]["name"].as_str().unwrap_or_default()
                    )
                })
                .collect()
        })
    }

    /// Read or change the state directly (simulation switches, seeding objects in tests).
    pub fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut s = self.shared.state.lock().expect("state lock");
        let out = f(&mut s);
        // Timers requested here run at once: there may be no runtime on this thread.
        let timers = std::mem::take(&mut s.timers);
        for t in timers {
            s.fire(&t.action);
        }
        out
    }
}

impl Drop for Mothership {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    shared: Arc<server::Shared>,
    mut shutdown: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else { continue };
                let acceptor = acceptor.clone();
                let shared = Arc::clone(&shared);
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else { return };
                    let svc = hyper::service::service_fn(move |req| server::service(Arc::clone(&shared), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), svc)
                        .with_upgrades()
                        .await;
                });
            }
        }
    }
}

pub fn kubeconfig_yaml(server: &str, ca_pem: &str, user: &str, token: &str) -> String {
    let ca = base64::engine::general_purpose::STANDARD.encode(ca_pem);
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: mothership\n  cluster:\n    server: {server}\n    certificate-authority-data: {ca}\ncontexts:\n- name: mothership\n  context:\n    cluster: mothership\n    user: {user}\ncurrent-context: mothership\nusers:\n- name: {user}\n  user:\n    token: {token}\n"
    )
}

/// Write a file holding credentials with mode 0600.
pub fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    opts.mode(0o600);
    let mut f = opts
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(contents.as_bytes())?;
    Ok(())
}
