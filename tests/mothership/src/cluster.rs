//! A real Kubernetes control plane on loopback: etcd, kube-apiserver, kube-controller-manager
//! and kube-scheduler built from their Go modules, kwok for nodes and pods, and the helpers
//! of `helpers.rs` where no real component can run here (volumes, load balancers, k0s in
//! the pods). Every process is a child of the harness and dies with it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use k8s_openapi::api::core::v1::{Namespace, Node, ServiceAccount};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, PostParams};
use serde_json::{Value, json};

use crate::binaries::{self, Binaries};
use crate::procs::Proc;
use crate::tls;

/// A node kwok keeps Ready, with the addresses k0smotron picks NodePort hosts from.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSpec {
    pub name: String,
    pub internal_ip: Option<String>,
    pub external_ip: Option<String>,
    pub external_dns: Option<String>,
}

impl NodeSpec {
    pub fn numbered(n: usize) -> Self {
        NodeSpec {
            name: format!("node-{n}"),
            internal_ip: Some(format!("10.0.0.{}", 10 + n)),
            external_ip: Some(format!("203.0.113.{}", 10 + n)),
            external_dns: None,
        }
    }
}

/// What the cluster is made with.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    pub nodes: Vec<NodeSpec>,
    /// Time from a pod being scheduled to Running and Ready.
    pub pod_ready: Duration,
    pub default_storage_class: bool,
    /// Real nodes (kubelet, containerd, runc) beside kwok's `nodes`; see `node.rs`.
    pub real_nodes: usize,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            nodes: (1..=3).map(NodeSpec::numbered).collect(),
            pod_ready: Duration::from_millis(200),
            default_storage_class: true,
            real_nodes: 0,
        }
    }
}

/// Pods in these namespaces are scheduled but never become Running (for tests of waiting
/// and timeouts); `Mothership` hands them out one per test.
pub const UNREADY_NAMESPACES: [&str; 8] = [
    "unready-0",
    "unready-1",
    "unready-2",
    "unready-3",
    "unready-4",
    "unready-5",
    "unready-6",
    "unready-7",
];

/// The name of the default StorageClass; claims of it get a volume from `helpers.rs`.
pub const STORAGE_CLASS: &str = "standard";
pub const PROVISIONER: &str = "mothership.k0smotron.dev/hostpath";

pub struct Cluster {
    /// kube-apiserver itself (the proxies forward here).
    pub apiserver: std::net::SocketAddr,
    pub ca_pem: String,
    pub pki: tls::Pki,
    pub admin_token: String,
    /// Where the helpers listen for the k0s stand-in (`k0s` inside pods).
    pub dir: tempfile::TempDir,
    pub started_in: Duration,
    /// Stopped before the control plane.
    pub real_nodes: Vec<crate::node::RealNode>,
    // Stopped in reverse order of start when dropped.
    procs: Vec<Proc>,
}

/// A free loopback port below the kernel's ephemeral range (32768 and up by default): a
/// port the kernel handed out and took back can go to any outgoing connection (kubectl,
/// kubelet, an exec stream) before the server that is to listen there starts.
pub(crate) fn free_port() -> anyhow::Result<u16> {
    use rand::RngExt;
    for _ in 0..200 {
        let port = rand::rng().random_range(20000..32768);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    anyhow::bail!("no free loopback port between 20000 and 32767")
}

fn random_token() -> String {
    use rand::RngExt;
    let bytes: [u8; 24] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A kubeconfig for `server` with a bearer token.
pub fn kubeconfig(server: &str, ca_pem: &str, user: &str, token: &str, namespace: &str) -> String {
    use base64::Engine;
    let ca = base64::engine::general_purpose::STANDARD.encode(ca_pem);
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: mothership\n  cluster:\n    server: {server}\n    certificate-authority-data: {ca}\ncontexts:\n- name: mothership\n  context:\n    cluster: mothership\n    user: {user}\n    namespace: {namespace}\ncurrent-context: mothership\nusers:\n- name: {user}\n  user:\n    token: {token}\n"
    )
}

/// A kube-rs client for a kubeconfig text.
pub async fn client(kubeconfig_yaml: &str) -> anyhow::Result<kube::Client> {
    let kc = kube::config::Kubeconfig::from_yaml(kubeconfig_yaml)?;
    let config =
        kube::Config::from_custom_kubeconfig(kc, &kube::config::KubeConfigOptions::default())
            .await?;
    Ok(kube::Client::try_from(config)?)
}

impl Cluster {
    /// The admin's kubeconfig straight to kube-apiserver (no proxy).
    pub fn admin_kubeconfig(&self) -> String {
        kubeconfig(
            &format!("https://{}", self.apiserver),
            &self.ca_pem,
            "admin",
            &self.admin_token,
            "default",
        )
    }

    pub fn bin_dir(&self) -> PathBuf {
        self.dir.path().join("bin")
    }

    /// Start every process and wait until the API is ready, the nodes are Ready and the
    /// `default` ServiceAccount exists. `k0s_port` is where the k0s stand-in connects.
    pub async fn start(opts: &ClusterOptions, k0s_port: u16) -> anyhow::Result<Cluster> {
        let started = Instant::now();
        let bins = tokio::task::spawn_blocking(binaries::ensure).await??;
        let dir = scratch_dir("mothership")?;
        let d = dir.path();
        let pki = tls::generate()?;
        let (sa_key, sa_pub) = tls::service_account_keys()?;
        let admin_token = random_token();
        for (name, text) in [
            ("ca.crt", pki.ca_pem.as_str()),
            ("server.crt", &pki.server_cert_pem),
            ("server.key", &pki.server_key_pem),
            ("sa.key", &sa_key),
            ("sa.pub", &sa_pub),
        ] {
            crate::write_private(&d.join(name), text)?;
        }
        crate::write_private(
            &d.join("tokens.csv"),
            &format!("{admin_token},admin,admin,\"system:masters\"\n"),
        )?;
        let (etcd_client, etcd_peer, api_port, kwok_port) =
            (free_port()?, free_port()?, free_port()?, free_port()?);
        let apiserver: std::net::SocketAddr = format!("127.0.0.1:{api_port}").parse()?;
        let mut cluster = Cluster {
            apiserver,
            ca_pem: pki.ca_pem.clone(),
            pki,
            admin_token,
            dir,
            started_in: Duration::ZERO,
            real_nodes: Vec::new(),
            procs: Vec::new(),
        };
        let d = cluster.dir.path().to_path_buf();
        cluster.run(
            "etcd",
            Command::new(bins.etcd()).args([
                &format!("--data-dir={}", d.join("etcd").display()),
                &format!("--listen-client-urls=http://127.0.0.1:{etcd_client}"),
                &format!("--advertise-client-urls=http://127.0.0.1:{etcd_client}"),
                &format!("--listen-peer-urls=http://127.0.0.1:{etcd_peer}"),
                &format!("--initial-advertise-peer-urls=http://127.0.0.1:{etcd_peer}"),
                &format!("--initial-cluster=default=http://127.0.0.1:{etcd_peer}"),
                "--unsafe-no-fsync=true",
                "--log-level=warn",
            ]),
        )?;
        cluster.run(
            "kube-apiserver",
            Command::new(bins.kube_apiserver()).args(apiserver_args(&d, etcd_client, api_port)),
        )?;
        let admin = client(&cluster.admin_kubeconfig()).await?;
        cluster.wait_ready(&admin).await?;
        crate::write_private(&d.join("admin.kubeconfig"), &cluster.admin_kubeconfig())?;
        let kc = d.join("admin.kubeconfig");
        cluster.run(
            "kube-controller-manager",
            Command::new(bins.kube_controller_manager()).args([
                &format!("--kubeconfig={}", kc.display()),
                "--leader-elect=false",
                "--secure-port=0",
                "--controllers=*",
                &format!(
                    "--service-account-private-key-file={}",
                    d.join("sa.key").display()
                ),
                &format!("--root-ca-file={}", d.join("ca.crt").display()),
                "--concurrent-statefulset-syncs=10",
                // kwok renews node leases; on two busy cores it can be late, and a node
                // marked NotReady takes its pods' readiness with it for good.
                "--node-monitor-grace-period=1h",
            ]),
        )?;
        cluster.run(
            "kube-scheduler",
            Command::new(bins.kube_scheduler()).args([
                &format!("--kubeconfig={}", kc.display()),
                "--leader-elect=false",
                "--secure-port=0",
            ]),
        )?;
        install_exec_crd(&admin, &bins).await?;
        let k0s_bin = d.join("bin");
        std::fs::create_dir_all(&k0s_bin)?;
        write_executable(&k0s_bin.join("k0s"), K0S_STAND_IN)?;
        std::fs::write(d.join("kwok.yaml"), kwok_config(&bins, opts.pod_ready)?)?;
        let path = format!(
            "{}:{}",
            k0s_bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut kwok = Command::new(bins.kwok());
        kwok.args([
            &format!("--kubeconfig={}", kc.display()),
            &format!("--config={}", d.join("kwok.yaml").display()),
            // Only its own nodes: a real node's kubelet reports for itself, and kwok would
            // mark the real pods Running with made-up addresses.
            "--manage-nodes-with-label-selector=type=kwok",
            &format!("--server-address=127.0.0.1:{kwok_port}"),
            &format!("--node-port={kwok_port}"),
            "--node-ip=127.0.0.1",
            "--enable-crds=Exec",
        ])
        .env("PATH", path)
        .env("K0SMOTRON_HARNESS_PORT", k0s_port.to_string());
        cluster.run("kwok", &mut kwok)?;
        seed(&admin, opts).await?;
        if opts.real_nodes > 0 {
            crate::node::remove_leftovers();
            let node_bins = tokio::task::spawn_blocking(binaries::ensure_node).await??;
            for i in 0..opts.real_nodes {
                let node =
                    crate::node::RealNode::start(&node_bins, &d, &kc, i, !opts.nodes.is_empty())?;
                cluster.real_nodes.push(node);
            }
        }
        cluster.wait_seeded(&admin, opts).await?;
        cluster.started_in = started.elapsed();
        Ok(cluster)
    }

    fn run(&mut self, name: &str, cmd: &mut Command) -> anyhow::Result<()> {
        let log = self.dir.path().join(format!("{name}.log"));
        let proc = Proc::spawn(name, std::mem::replace(cmd, Command::new("true")), &log)?;
        self.procs.push(proc);
        Ok(())
    }

    /// A process that exited, with the end of its log.
    fn crashed(&mut self) -> Option<String> {
        let dir = self.dir.path().to_path_buf();
        self.procs.iter_mut().find_map(|p| {
            let status = p.exited()?;
            let log =
                std::fs::read_to_string(dir.join(format!("{}.log", p.name))).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(15).collect();
            Some(format!(
                "{} exited ({status}):\n{}",
                p.name,
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            ))
        })
    }

    async fn poll<F, Fut>(
        &mut self,
        what: &str,
        timeout: Duration,
        mut check: F,
    ) -> anyhow::Result<()>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let until = Instant::now() + timeout;
        loop {
            if check().await {
                return Ok(());
            }
            if let Some(crash) = self.crashed() {
                bail!("the test control plane failed while waiting for {what}: {crash}");
            }
            if Instant::now() > until {
                bail!(
                    "the test control plane was not ready within {timeout:?}: waiting for {what} (logs in {})",
                    self.dir.path().display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn wait_ready(&mut self, admin: &kube::Client) -> anyhow::Result<()> {
        self.poll(
            "kube-apiserver /readyz",
            Duration::from_secs(90),
            || async {
                let req = http::Request::get("/readyz")
                    .body(Vec::new())
                    .expect("request");
                matches!(admin.request_text(req).await.as_deref(), Ok("ok"))
            },
        )
        .await
    }

    async fn wait_seeded(
        &mut self,
        admin: &kube::Client,
        opts: &ClusterOptions,
    ) -> anyhow::Result<()> {
        let sa: Api<ServiceAccount> = Api::namespaced(admin.clone(), "default");
        self.poll(
            "the default ServiceAccount",
            Duration::from_secs(60),
            || async { sa.get_opt("default").await.ok().flatten().is_some() },
        )
        .await?;
        let nodes: Api<Node> = Api::all(admin.clone());
        let want = opts.nodes.len() + opts.real_nodes;
        self.poll(
            "the nodes to be Ready",
            Duration::from_secs(120),
            || async {
                let Ok(list) = nodes.list(&Default::default()).await else {
                    return false;
                };
                list.items
                    .iter()
                    .filter(|n| {
                        n.status
                            .as_ref()
                            .and_then(|s| s.conditions.as_ref())
                            .is_some_and(|c| {
                                c.iter().any(|c| c.type_ == "Ready" && c.status == "True")
                            })
                    })
                    .count()
                    == want
            },
        )
        .await
    }
}

fn apiserver_args(d: &Path, etcd_client: u16, api_port: u16) -> Vec<String> {
    let f = |name: &str| d.join(name).display().to_string();
    vec![
        format!("--etcd-servers=http://127.0.0.1:{etcd_client}"),
        "--bind-address=127.0.0.1".into(),
        format!("--secure-port={api_port}"),
        format!("--tls-cert-file={}", f("server.crt")),
        format!("--tls-private-key-file={}", f("server.key")),
        format!("--client-ca-file={}", f("ca.crt")),
        format!("--token-auth-file={}", f("tokens.csv")),
        "--authorization-mode=Node,RBAC".into(),
        format!("--service-account-issuer=https://127.0.0.1:{api_port}"),
        format!("--service-account-key-file={}", f("sa.pub")),
        format!("--service-account-signing-key-file={}", f("sa.key")),
        "--service-cluster-ip-range=10.96.0.0/16".into(),
        "--service-node-port-range=30000-32767".into(),
        "--allow-privileged=true".into(),
        // No real endpoints to reconcile; kwok's kubelet is reached by the node's Hostname
        // address, which is `localhost`.
        "--endpoint-reconciler-type=none".into(),
        "--kubelet-preferred-address-types=Hostname".into(),
        // Namespaces choose the real nodes for their pods (node selector and toleration
        // annotations) without a change to what k0smotron writes.
        "--enable-admission-plugins=PodNodeSelector,PodTolerationRestriction".into(),
        format!("--cert-dir={}", f("apiserver-certs")),
        "--profiling=false".into(),
    ]
}

fn write_executable(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

/// `k0s` inside a simulated pod: kwok runs it as a local process with the pod and container
/// in its environment (from the pod's Exec object); it asks the harness, which answers as k0s
/// would, over a line protocol on loopback (bash and coreutils only).
const K0S_STAND_IN: &str = r#"#!/bin/bash
# k0s in a simulated control-plane pod: the test harness answers as k0s would.
set -eu
exec 3<>"/dev/tcp/127.0.0.1/${K0SMOTRON_HARNESS_PORT}"
{
  printf '%s\n%s\n%s\n' "${K0SMOTRON_POD}" "${K0SMOTRON_CONTAINER:-}" "$#"
  for arg in "$@"; do printf '%s' "$arg" | base64 -w0; echo; done
} >&3
read -r code <&3
read -r out <&3 || true
read -r err <&3 || true
printf '%s' "$out" | base64 -d
printf '%s' "$err" | base64 -d >&2
exit "$code"
"#;

/// Pods annotated so (from their template: `create --annotation`) crash-loop: kwok marks
/// their containers CrashLoopBackOff instead of making them Ready.
pub const CRASH_ANNOTATION: &str = "mothership.k0smotron.dev/crash-loop";

/// A stage of ours for [`CRASH_ANNOTATION`]: Running, not Ready, the container waiting in
/// CrashLoopBackOff with restarts, as a kubelet reports a container that keeps exiting.
fn crash_stage() -> Value {
    json!({
        "apiVersion": "kwok.x-k8s.io/v1alpha1",
        "kind": "Stage",
        "metadata": {"name": "pod-crash-loop"},
        "spec": {
            "resourceRef": {"apiGroup": "v1", "kind": "Pod"},
            "selector": {"matchExpressions": [
                {"key": ".metadata.deletionTimestamp", "operator": "DoesNotExist"},
                {"key": format!(".metadata.annotations[\"{CRASH_ANNOTATION}\"]"), "operator": "Exists"},
                {"key": ".status.phase", "operator": "In", "values": ["Pending"]},
            ]},
            "next": {"statusTemplate": "{{ $now := Now }}\nphase: Running\nconditions:\n- type: Ready\n  status: \"False\"\n  lastTransitionTime: {{ $now | Quote }}\ncontainerStatuses:\n{{ range .spec.containers }}\n- name: {{ .name | Quote }}\n  image: {{ .image | Quote }}\n  ready: false\n  restartCount: 5\n  state:\n    waiting:\n      reason: CrashLoopBackOff\n      message: back-off restarting failed container\n{{ end }}\n"},
        },
    })
}

/// kwok's configuration: its own stages for nodes and pods, with the pod-ready delay and the
/// namespaces whose pods stay Pending.
fn kwok_config(bins: &Binaries, pod_ready: Duration) -> anyhow::Result<String> {
    let dir = bins.kwok_manifests();
    let mut docs = Vec::new();
    for file in ["node-initialize.yaml", "pod-ready.yaml", "pod-delete.yaml"] {
        let text = std::fs::read_to_string(dir.join(file))
            .with_context(|| format!("reading kwok's {file}"))?;
        let mut stage: Value = serde_saphyr::from_str(&text)?;
        if file == "pod-ready.yaml" {
            stage["spec"]["delay"] = json!({"durationMilliseconds": pod_ready.as_millis() as u64});
            stage["spec"]["selector"]["matchExpressions"]
                .as_array_mut()
                .context("pod-ready stage selector")?
                .extend([
                    json!({"key": ".metadata.namespace", "operator": "NotIn", "values": UNREADY_NAMESPACES}),
                    json!({"key": format!(".metadata.annotations[\"{}\"]", crate::helpers::EXEC_READY_ANNOTATION), "operator": "Exists"}),
                    json!({"key": format!(".metadata.annotations[\"{CRASH_ANNOTATION}\"]"), "operator": "DoesNotExist"}),
                ]);
        }
        docs.push(serde_saphyr::to_string(&stage)?);
    }
    docs.push(serde_saphyr::to_string(&crash_stage())?);
    Ok(docs.join("---\n"))
}

async fn install_exec_crd(admin: &kube::Client, bins: &Binaries) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(bins.kwok_manifests().join("kwok.x-k8s.io_execs.yaml"))?;
    let crd: CustomResourceDefinition = serde_saphyr::from_str(&text)?;
    let api: Api<CustomResourceDefinition> = Api::all(admin.clone());
    api.create(&PostParams::default(), &crd).await?;
    Ok(())
}

/// Nodes, the default StorageClass and the namespaces whose pods never become Ready.
async fn seed(admin: &kube::Client, opts: &ClusterOptions) -> anyhow::Result<()> {
    let pp = PostParams::default();
    let nodes: Api<Node> = Api::all(admin.clone());
    for n in &opts.nodes {
        let mut addresses = vec![json!({"type": "Hostname", "address": "localhost"})];
        for (kind, value) in [
            ("InternalIP", &n.internal_ip),
            ("ExternalIP", &n.external_ip),
            ("ExternalDNS", &n.external_dns),
        ] {
            if let Some(v) = value {
                addresses.push(json!({"type": kind, "address": v}));
            }
        }
        let node: Node = serde_json::from_value(json!({
            "metadata": {"name": n.name, "labels": {"kubernetes.io/hostname": n.name, "type": "kwok"},
                         "annotations": {"node.alpha.kubernetes.io/ttl": "0", "kwok.x-k8s.io/node": "fake"}},
            "status": {"addresses": addresses},
        }))?;
        nodes.create(&pp, &node).await?;
    }
    if opts.default_storage_class {
        let sc: StorageClass = serde_json::from_value(json!({
            "metadata": {"name": STORAGE_CLASS, "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": PROVISIONER,
            "volumeBindingMode": "Immediate",
            "reclaimPolicy": "Delete",
        }))?;
        Api::<StorageClass>::all(admin.clone())
            .create(&pp, &sc)
            .await?;
    }
    let namespaces: Api<Namespace> = Api::all(admin.clone());
    for ns in UNREADY_NAMESPACES {
        let ns: Namespace = serde_json::from_value(json!({"metadata": {"name": ns}}))?;
        namespaces.create(&pp, &ns).await?;
    }
    Ok(())
}

/// A second kube-apiserver (with an etcd of its own) set up from a control plane's PKI the
/// way k0s sets up its own: client CA = `NAME-ca`, serving certificate signed by it,
/// request-header CA = `NAME-proxy`, service-account keys = `NAME-sa`, and etcd serving with
/// `NAME-etcd-server` while kube-apiserver connects with `NAME-apiserver-etcd-client`, both
/// verified against `NAME-etcd`. It shows that Kubernetes itself accepts what k0smotron
/// mints.
pub struct ChildApiserver {
    pub url: String,
    _procs: Vec<Proc>,
    pub dir: tempfile::TempDir,
}

/// The files of [`start_child_apiserver`], in one directory.
pub const CHILD_FILES: [&str; 11] = [
    "ca.crt",
    "server.crt",
    "server.key",
    "front-proxy-ca.crt",
    "sa.pub",
    "sa.key",
    "etcd-ca.crt",
    "etcd-server.crt",
    "etcd-server.key",
    "apiserver-etcd-client.crt",
    "apiserver-etcd-client.key",
];

/// A directory for one control plane's data, named `KIND-PID-…`. The control plane every
/// test of a process shares lives in a static, which is never dropped, so its directory
/// (etcd's data, hundreds of MB) outlives the process: each new one first removes those
/// whose process is gone.
fn scratch_dir(kind: &str) -> anyhow::Result<tempfile::TempDir> {
    let tmp = std::env::temp_dir();
    let prefix = format!("{kind}-");
    for entry in std::fs::read_dir(&tmp)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if let Some(pid) = pid
            && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    Ok(tempfile::Builder::new()
        .prefix(&format!("{kind}-{}-", std::process::id()))
        .tempdir_in(tmp)?)
}

/// Start it from the files [`CHILD_FILES`] in `pki`; returns once `/readyz` answers.
pub fn start_child_apiserver(pki: &Path) -> anyhow::Result<ChildApiserver> {
    let bins = binaries::ensure()?;
    let dir = scratch_dir("child-apiserver")?;
    let f = |name: &str| pki.join(name).display().to_string();
    let (etcd_client, etcd_peer, api_port) = (free_port()?, free_port()?, free_port()?);
    let mut procs = Vec::new();
    let mut etcd = Command::new(bins.etcd());
    etcd.args([
        format!("--data-dir={}", dir.path().join("etcd").display()),
        format!("--listen-client-urls=https://127.0.0.1:{etcd_client}"),
        format!("--advertise-client-urls=https://127.0.0.1:{etcd_client}"),
        format!("--listen-peer-urls=http://127.0.0.1:{etcd_peer}"),
        format!("--initial-advertise-peer-urls=http://127.0.0.1:{etcd_peer}"),
        format!("--initial-cluster=default=http://127.0.0.1:{etcd_peer}"),
        "--client-cert-auth=true".into(),
        format!("--trusted-ca-file={}", f("etcd-ca.crt")),
        format!("--cert-file={}", f("etcd-server.crt")),
        format!("--key-file={}", f("etcd-server.key")),
        "--unsafe-no-fsync=true".into(),
        "--log-level=warn".into(),
    ]);
    procs.push(Proc::spawn("etcd", etcd, &dir.path().join("etcd.log"))?);
    let mut api = Command::new(bins.kube_apiserver());
    api.args([
        format!("--etcd-servers=https://127.0.0.1:{etcd_client}"),
        format!("--etcd-cafile={}", f("etcd-ca.crt")),
        format!("--etcd-certfile={}", f("apiserver-etcd-client.crt")),
        format!("--etcd-keyfile={}", f("apiserver-etcd-client.key")),
        "--bind-address=127.0.0.1".into(),
        format!("--secure-port={api_port}"),
        format!("--tls-cert-file={}", f("server.crt")),
        format!("--tls-private-key-file={}", f("server.key")),
        format!("--client-ca-file={}", f("ca.crt")),
        format!("--requestheader-client-ca-file={}", f("front-proxy-ca.crt")),
        "--requestheader-username-headers=X-Remote-User".into(),
        "--requestheader-group-headers=X-Remote-Group".into(),
        "--authorization-mode=Node,RBAC".into(),
        format!("--service-account-issuer=https://127.0.0.1:{api_port}"),
        format!("--service-account-key-file={}", f("sa.pub")),
        format!("--service-account-signing-key-file={}", f("sa.key")),
        "--service-cluster-ip-range=10.97.0.0/16".into(),
        "--endpoint-reconciler-type=none".into(),
        format!("--cert-dir={}", dir.path().join("certs").display()),
    ]);
    let log = dir.path().join("kube-apiserver.log");
    procs.push(Proc::spawn("kube-apiserver", api, &log)?);
    let url = format!("https://127.0.0.1:{api_port}");
    let until = Instant::now() + Duration::from_secs(90);
    loop {
        if ready_without_auth(api_port) {
            break;
        }
        if let Some(status) = procs.iter_mut().find_map(|p| p.exited()) {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(10).collect();
            bail!(
                "the child kube-apiserver or its etcd exited ({status}): {}",
                tail.join("\n")
            );
        }
        if Instant::now() > until {
            bail!(
                "the child kube-apiserver was not ready within 90 s (logs in {})",
                dir.path().display()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(ChildApiserver {
        url,
        _procs: procs,
        dir,
    })
}

/// `GET /readyz` as an anonymous client (allowed by the default RBAC), without verifying
/// the serving certificate: only readiness is asked here.
fn ready_without_auth(port: u16) -> bool {
    let out = Command::new("curl")
        .args([
            "-sk",
            "--max-time",
            "2",
            &format!("https://127.0.0.1:{port}/readyz"),
        ])
        .output();
    matches!(out, Ok(o) if o.stdout == b"ok")
}
