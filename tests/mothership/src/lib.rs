//! `mothership`: a real Kubernetes control plane for k0smotron's tests.
//!
//! kube-apiserver, etcd, kube-controller-manager and kube-scheduler, built from their Go
//! modules (`tests/cluster`), run on loopback; kwok plays the nodes and kubelets; small
//! helpers provision volumes, give LoadBalancer Services an address and answer `k0s` inside
//! the control-plane pods. Each [`Mothership`] is one test's view of it: its own namespace
//! and its own TLS proxy in front of kube-apiserver, with latency, injected faults and a
//! request log. One control plane is shared by all tests of a process unless a test asks for
//! one of its own (other nodes, no default StorageClass).

pub mod binaries;
pub mod cluster;
pub mod control;
mod helpers;
pub mod k0s;
pub mod node;
mod procs;
pub mod proxy;
mod tls;
mod users;
mod util;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use anyhow::Context;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, PostParams};
use serde_json::json;

pub use cluster::{ClusterOptions, NodeSpec};
pub use control::{Fault, FaultAction, LoggedRequest, RequestLog};
pub use k0s::ExecOutput;
pub use users::{Rule, User};

/// When LoadBalancer Services of a test's namespace get an address.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LoadBalancers {
    After(Duration),
    Never,
}

/// How to start one test's view of the control plane.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the proxy listens.
    pub addr: SocketAddr,
    /// Added to every request at the proxy.
    pub latency: Duration,
    pub load_balancers: LoadBalancers,
    /// `false`: the test's pods are scheduled but never become Running.
    pub pods_ready: bool,
    /// The release `GET /version` reports, if not the real one.
    pub server_version: Option<String>,
    /// `Some`: a control plane of this test's own, made with these options.
    pub cluster: Option<ClusterOptions>,
    /// The test's pods run for real: on the shared control plane with a real node (or on
    /// the real nodes of `cluster`), chosen by its namespace's node selector.
    pub real_pods: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:0".parse().expect("address"),
            latency: Duration::ZERO,
            load_balancers: LoadBalancers::After(Duration::ZERO),
            pods_ready: true,
            server_version: None,
            cluster: None,
            real_pods: false,
        }
    }
}

/// A control plane and the runtime its helpers and proxies run on.
pub struct Harness {
    pub cluster: cluster::Cluster,
    pub admin: kube::Client,
    runtime: tokio::runtime::Runtime,
}

impl Harness {
    pub fn start(opts: &ClusterOptions) -> anyhow::Result<Harness> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("mothership")
            .enable_all()
            .build()?;
        let (cluster, admin) = runtime.block_on(async {
            let k0s = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let cluster = cluster::Cluster::start(opts, k0s.local_addr()?.port()).await?;
            let admin = cluster::client(&cluster.admin_kubeconfig()).await?;
            // The k0s stand-in of a real pod asks on its node's bridge address.
            let mut listeners = vec![k0s];
            for node in &cluster.real_nodes {
                listeners.push(
                    tokio::net::TcpListener::bind((node.gateway, node::K0S_ANSWERS_PORT))
                        .await
                        .with_context(|| format!("listening on {}", node.gateway))?,
                );
            }
            helpers::spawn_all(
                admin.clone(),
                listeners,
                Arc::new(Mutex::new(Default::default())),
                cluster.dir.path().join("volumes"),
            );
            anyhow::Ok((cluster, admin))
        })?;
        Ok(Harness {
            cluster,
            admin,
            runtime,
        })
    }

    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }
}

/// The control plane with one real node that the tests of this process asking for real
/// pods share, started on first use.
pub fn shared_real() -> anyhow::Result<&'static Harness> {
    static SHARED: OnceLock<Result<Harness, String>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            Harness::start(&ClusterOptions {
                real_nodes: 1,
                ..ClusterOptions::default()
            })
            .map_err(|e| format!("{e:#}"))
        })
        .as_ref()
        .map_err(|e| {
            anyhow::anyhow!("starting the test control plane with a real node failed: {e}")
        })
}

/// The control plane every test of this process shares, started on first use.
pub fn shared() -> anyhow::Result<&'static Harness> {
    static SHARED: OnceLock<Result<Harness, String>> = OnceLock::new();
    SHARED
        .get_or_init(|| Harness::start(&ClusterOptions::default()).map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| anyhow::anyhow!("starting the test control plane failed: {e}"))
}

enum Owned {
    Shared(&'static Harness),
    Own(Box<Harness>),
}

/// One test's view: a namespace of its own and a proxy of its own. Dropping it removes the
/// namespace (on a shared control plane) and stops the proxy.
pub struct Mothership {
    harness: Owned,
    proxy: Option<proxy::Proxy>,
    namespace: String,
    admin_token: String,
    users: Arc<Mutex<HashMap<String, String>>>,
}

fn random_suffix() -> String {
    use rand::RngExt;
    let n: u32 = rand::rng().random();
    format!("{n:08x}")
}

impl Mothership {
    pub fn start(config: Config) -> anyhow::Result<Self> {
        let harness = match &config.cluster {
            Some(opts) => Owned::Own(Box::new(Harness::start(opts)?)),
            None if config.real_pods => Owned::Shared(shared_real()?),
            None => Owned::Shared(shared()?),
        };
        let h = match &harness {
            Owned::Shared(h) => *h,
            Owned::Own(h) => h.as_ref(),
        };
        let namespace = if config.pods_ready {
            format!("t-{}", random_suffix())
        } else {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let i = NEXT.fetch_add(1, Ordering::SeqCst);
            cluster::UNREADY_NAMESPACES
                .get(i)
                .context("every namespace whose pods never become ready is taken")?
                .to_string()
        };
        let admin_token = h.cluster.admin_token.clone();
        let users = Arc::new(Mutex::new(HashMap::from([(
            admin_token.clone(),
            "admin".to_string(),
        )])));
        let lb = match config.load_balancers {
            LoadBalancers::After(d) => d.as_millis().to_string(),
            LoadBalancers::Never => "never".into(),
        };
        let proxy = h.block_on(async {
            let namespaces: Api<Namespace> = Api::all(h.admin.clone());
            let mut annotations = json!({helpers::LB_DELAY_ANNOTATION: lb});
            if config.real_pods {
                // Admission puts the node selector and the toleration on every pod.
                annotations["scheduler.alpha.kubernetes.io/node-selector"] =
                    json!(format!("{}=true", node::REAL_NODE_LABEL));
                annotations["scheduler.alpha.kubernetes.io/defaultTolerations"] = json!(
                    json!([{"key": node::REAL_NODE_LABEL, "operator": "Exists", "effect": "NoSchedule"}])
                        .to_string()
                );
            }
            let ns: Namespace = serde_json::from_value(json!({"metadata": {
                "name": namespace, "annotations": annotations}}))?;
            if config.pods_ready {
                namespaces.create(&PostParams::default(), &ns).await?;
            } else {
                namespaces
                    .patch(
                        &namespace,
                        &kube::api::PatchParams::default(),
                        &kube::api::Patch::Merge(&ns),
                    )
                    .await?;
            }
            let proxy = proxy::Proxy::start(
                config.addr,
                h.cluster.apiserver,
                &h.cluster.ca_pem,
                Arc::clone(&h.cluster.pki.server_config),
                Arc::clone(&users),
                config.latency,
            )
            .await?;
            proxy.shared.knobs().server_version = config.server_version.clone();
            anyhow::Ok(proxy)
        })?;
        Ok(Mothership {
            harness,
            proxy: Some(proxy),
            namespace,
            admin_token,
            users,
        })
    }

    /// The real nodes of this test's control plane.
    pub fn real_nodes(&self) -> &[node::RealNode] {
        &self.harness().cluster.real_nodes
    }

    fn harness(&self) -> &Harness {
        match &self.harness {
            Owned::Shared(h) => h,
            Owned::Own(h) => h,
        }
    }

    fn proxy(&self) -> &proxy::Proxy {
        self.proxy.as_ref().expect("proxy runs")
    }

    /// The test's namespace (the kubeconfig's context namespace).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    pub fn addr(&self) -> SocketAddr {
        self.proxy().addr
    }

    pub fn url(&self) -> String {
        format!("https://{}", self.addr())
    }

    pub fn ca_pem(&self) -> &str {
        &self.harness().cluster.ca_pem
    }

    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// The admin's kubeconfig through this test's proxy, in this test's namespace.
    pub fn kubeconfig(&self) -> String {
        self.kubeconfig_with_token("admin", &self.admin_token)
    }

    /// A kubeconfig whose user `user` presents `token`.
    pub fn kubeconfig_with_token(&self, user: &str, token: &str) -> String {
        cluster::kubeconfig(&self.url(), self.ca_pem(), user, token, &self.namespace)
    }

    pub fn write_kubeconfig(&self, path: &Path) -> anyhow::Result<()> {
        write_private(path, &self.kubeconfig())
    }

    /// A user limited by `user.rules` (a ServiceAccount of this namespace with Roles and
    /// ClusterRoles bound to it); returns its token.
    pub fn add_user(&self, user: User) -> String {
        let h = self.harness();
        let token = h
            .block_on(users::create(&h.admin, &self.namespace, &user))
            .expect("create a limited user");
        self.users
            .lock()
            .expect("users lock")
            .insert(token.clone(), user.name.clone());
        token
    }

    pub fn requests(&self) -> RequestLog {
        self.proxy().shared.knobs().log.clone()
    }

    /// The instant the request log's milliseconds count from (`start_ms`, `end_ms`).
    pub fn request_clock(&self) -> std::time::Instant {
        *self
            .proxy()
            .shared
            .knobs()
            .started
            .get_or_insert_with(std::time::Instant::now)
    }

    pub fn reset_requests(&self) {
        self.proxy().shared.knobs().log.requests.clear();
    }

    pub fn inject(&self, fault: Fault) {
        self.proxy().shared.knobs().faults.push(fault);
    }

    pub fn clear_faults(&self) {
        self.proxy().shared.knobs().faults.clear();
    }

    pub fn set_latency(&self, latency: Duration) {
        self.proxy().shared.knobs().latency = latency;
    }

    /// A kube-rs client of the admin, straight to kube-apiserver (not logged), and a way to
    /// run its futures.
    pub fn admin(&self) -> kube::Client {
        self.harness().admin.clone()
    }

    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.harness().block_on(f)
    }

    /// Every object of a resource (by plural, e.g. `"configmaps"`) in the test's namespace,
    /// or of the whole cluster for cluster-scoped ones, as JSON.
    pub fn objects(&self, plural: &str) -> Vec<serde_json::Value> {
        let (ar, namespaced) = util::resource(plural);
        let api: Api<DynamicObject> = if namespaced {
            Api::namespaced_with(self.admin(), &self.namespace, &ar)
        } else {
            Api::all_with(self.admin(), &ar)
        };
        let list = self
            .block_on(api.list(&ListParams::default()))
            .unwrap_or_else(|e| panic!("listing {plural}: {e}"));
        list.items
            .into_iter()
            .map(|o| {
                let mut v = serde_json::to_value(o).expect("object");
                v["kind"] = json!(ar.kind);
                v
            })
            .collect()
    }

    /// Objects of the namespace (of the kinds k0smotron writes, and pods and claims) whose
    /// labels include `key=value`, as `Kind/name`.
    pub fn labelled(&self, key: &str, value: &str) -> Vec<String> {
        let mut out = Vec::new();
        for plural in util::NAMESPACED {
            let (ar, _) = util::resource(plural);
            let api: Api<DynamicObject> = Api::namespaced_with(self.admin(), &self.namespace, &ar);
            let lp = ListParams::default().labels(&format!("{key}={value}"));
            let list = self
                .block_on(api.list(&lp))
                .unwrap_or_else(|e| panic!("listing {plural}: {e}"));
            for o in list.items {
                out.push(format!(
                    "{}/{}",
                    ar.kind,
                    o.metadata.name.unwrap_or_default()
                ));
            }
        }
        out
    }

    /// Delete every object of the namespace labelled `key=value` (of the kinds k0smotron
    /// writes, and pods and claims), one collection delete per kind, without waiting.
    pub fn delete_labelled(&self, key: &str, value: &str) {
        for plural in util::NAMESPACED {
            let (ar, _) = util::resource(plural);
            let api: Api<DynamicObject> = Api::namespaced_with(self.admin(), &self.namespace, &ar);
            let lp = ListParams::default().labels(&format!("{key}={value}"));
            self.block_on(api.delete_collection(&kube::api::DeleteParams::background(), &lp))
                .unwrap_or_else(|e| panic!("deleting {plural} -l {key}={value}: {e}"));
        }
    }

    /// Create an object of `plural` in the test's namespace (a foreign object, for tests).
    pub fn create(&self, plural: &str, object: serde_json::Value) {
        let (ar, _) = util::resource(plural);
        let api: Api<DynamicObject> = Api::namespaced_with(self.admin(), &self.namespace, &ar);
        let obj: DynamicObject = serde_json::from_value(object).expect("object");
        self.block_on(api.create(&PostParams::default(), &obj))
            .unwrap_or_else(|e| panic!("creating a {plural}: {e}"));
    }
}

impl Drop for Mothership {
    fn drop(&mut self) {
        self.proxy.take();
        if let Owned::Shared(h) = self.harness
            && !self.namespace.starts_with("unready-")
        {
            let api: Api<Namespace> = Api::all(h.admin.clone());
            let _ = h.block_on(api.delete(&self.namespace, &DeleteParams::background()));
        }
    }
}

/// A CA certificate that signed nothing here (for tests of TLS verification).
pub fn unrelated_ca_pem() -> String {
    tls::generate().expect("a CA").ca_pem
}

/// A kubeconfig text for `server` with a bearer token.
pub fn kubeconfig_yaml(server: &str, ca_pem: &str, user: &str, token: &str) -> String {
    cluster::kubeconfig(server, ca_pem, user, token, "default")
}

/// Write a file holding credentials with mode 0600.
pub fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(contents.as_bytes())?;
    Ok(())
}
