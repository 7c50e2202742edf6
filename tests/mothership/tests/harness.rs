//! The harness itself: kubectl works through the proxy against the real kube-apiserver,
//! the real controllers act, kwok's pods answer `k0s` through exec, the proxy's knobs work,
//! and no process outlives the `mothership` binary, however it ends.

use std::io::{BufRead, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use mothership::{Config, Fault, Mothership};

struct Kubectl {
    ms: Mothership,
    dir: tempfile::TempDir,
}

impl Kubectl {
    fn new() -> Self {
        let ms = Mothership::start(Config::default()).expect("start mothership");
        let dir = tempfile::tempdir().unwrap();
        ms.write_kubeconfig(&dir.path().join("kubeconfig")).unwrap();
        Kubectl { ms, dir }
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> std::process::Output {
        let mut child = Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(self.dir.path().join("kubeconfig"))
            .args(args)
            .env("HOME", self.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kubectl is on PATH");
        if let Some(text) = stdin {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }

    /// `kubectl apply -f -` of `yaml`, which must succeed.
    fn apply(&self, yaml: &str) {
        let out = self.run(&["apply", "-f", "-"], Some(yaml));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args, None);
        assert!(
            out.status.success(),
            "kubectl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

fn wait_until(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let until = Instant::now() + timeout;
    while !check() {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn kubectl_works_through_the_proxy() {
    let k = Kubectl::new();
    assert!(k.ok(&["version"]).contains("Server Version: v1.36.3"));
    // Typed generators send protobuf.
    k.ok(&["create", "configmap", "x", "--from-literal=a=b"]);
    k.ok(&["label", "configmap", "x", "tier=test"]);
    assert_eq!(
        k.ok(&["get", "configmaps", "-l", "tier=test", "-o", "name"]),
        "configmap/x\n"
    );
    let applied = k.run(
        &["apply", "--server-side", "--field-manager=harness", "-f", "-"],
        Some("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied, labels: {tier: test}}\ndata: {k: v}\n"),
    );
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let managed = k.ok(&[
        "get",
        "configmap",
        "applied",
        "--show-managed-fields",
        "-o",
        "jsonpath={.metadata.managedFields[0].manager}",
    ]);
    assert_eq!(
        managed, "harness",
        "server-side apply records field ownership"
    );
    assert!(k.ok(&["get", "--raw", "/openapi/v3"]).contains("\"paths\""));
    k.ok(&["delete", "configmaps", "-l", "tier=test"]);
    assert_eq!(
        k.ok(&["get", "configmaps", "-l", "tier=test", "-o", "name"]),
        ""
    );
    let log = k.ms.requests();
    // kubectl create posts; server-side apply and label patch.
    assert_eq!(log.count("create", "configmaps"), 1, "{:?}", log.by_path());
    assert_eq!(log.count("patch", "configmaps"), 2, "{:?}", log.by_path());
    assert_eq!(
        log.count("deletecollection", "configmaps"),
        0,
        "kubectl deletes one by one"
    );
}

#[test]
fn the_real_api_server_validates_and_the_real_controllers_act() {
    let k = Kubectl::new();
    let bad = k.run(
        &["apply", "-f", "-"],
        Some("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: bad}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: b}}\n    spec: {containers: [{name: c, image: x}]}\n"),
    );
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("`selector` does not match template `labels`"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    // A StatefulSet with a claim: the scheduler places the pod, the claim is bound, kwok
    // runs the pod; deleting the owner lets the garbage collector remove the dependents.
    k.ok(&["create", "configmap", "owner"]);
    let uid = k.ok(&[
        "get",
        "configmap",
        "owner",
        "-o",
        "jsonpath={.metadata.uid}",
    ]);
    let sts = format!(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: web, ownerReferences: [{{apiVersion: v1, kind: ConfigMap, name: owner, uid: {uid}}}]}}\nspec:\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec: {{containers: [{{name: c, image: x}}]}}\n  volumeClaimTemplates:\n  - metadata: {{name: data}}\n    spec: {{accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}}}\n"
    );
    k.apply(&sts);
    wait_until("web-0 Ready", Duration::from_secs(30), || {
        k.run(
            &[
                "get",
                "pod",
                "web-0",
                "-o",
                "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}",
            ],
            None,
        )
        .stdout
            == b"True"
    });
    assert!(
        k.ok(&["get", "pod", "web-0", "-o", "jsonpath={.spec.nodeName}"])
            .starts_with("node-")
    );
    assert_eq!(
        k.ok(&["get", "pvc", "data-web-0", "-o", "jsonpath={.status.phase}"]),
        "Bound"
    );
    k.ok(&["delete", "configmap", "owner"]);
    wait_until("the garbage collector", Duration::from_secs(30), || {
        k.ok(&["get", "statefulsets", "-o", "name"]).is_empty()
    });
}

#[test]
fn exec_reaches_k0s_in_a_kwok_pod() {
    let k = Kubectl::new();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: controller, image: quay.io/k0sproject/k0s:v1.36.3-k0s.2}]}\n";
    k.apply(pod);
    wait_until("p Ready", Duration::from_secs(30), || {
        k.run(&["get", "pod", "p", "-o", "jsonpath={.status.phase}"], None)
            .stdout
            == b"Running"
    });
    wait_until("k0s answers", Duration::from_secs(10), || {
        k.run(
            &["exec", "p", "-c", "controller", "--", "k0s", "version"],
            None,
        )
        .status
        .success()
    });
    assert_eq!(
        k.ok(&["exec", "p", "-c", "controller", "--", "k0s", "version"]),
        "v1.36.3+k0s.2\n"
    );
    // Anything else runs as a local process of the simulated kubelet.
    assert_eq!(k.ok(&["exec", "p", "--", "echo", "hi"]), "hi\n");
}

/// The status of each logged request to `path` (0: dropped), in order.
fn statuses(k: &Kubectl, path: &str) -> Vec<u16> {
    k.ms.requests()
        .requests
        .iter()
        .filter(|r| r.path == path)
        .map(|r| r.status)
        .collect()
}

#[test]
fn injected_faults_latency_and_the_log() {
    let k = Kubectl::new();
    let path = format!("/api/v1/namespaces/{}/configmaps", k.ms.namespace());
    // client-go repeats a 503 that carries Retry-After; a 500 it reports.
    k.ms.inject(Fault::status("GET", &path, 1, 503).retry_after(0));
    k.ok(&["get", "configmaps"]);
    let tries = statuses(&k, &path);
    assert_eq!(tries, [503, 200]);
    k.ms.inject(Fault::status("GET", &path, 1, 500));
    let out = k.run(&["get", "configmaps"], None);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("injected failure"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A dropped connection is logged with status 0; client-go repeats the GET.
    k.ms.reset_requests();
    k.ms.inject(Fault::drop_connection("GET", &path, 1));
    k.ok(&["get", "configmaps"]);
    let tries = statuses(&k, &path);
    assert_eq!(tries, [0, 200]);
    k.ms.reset_requests();
    k.ms.set_latency(Duration::from_millis(300));
    let start = Instant::now();
    k.ok(&["get", "configmaps", "--request-timeout=5s"]);
    assert!(start.elapsed() >= Duration::from_millis(300));
    let log = k.ms.requests();
    let list = log
        .requests
        .iter()
        .find(|r| r.path == path)
        .expect("logged");
    assert_eq!(
        (list.verb.as_str(), list.status, list.user.as_str()),
        ("list", 200, "admin")
    );
    assert!(list.end_ms - list.start_ms >= 300, "{list:?}");
}

/// Kill the binary with SIGKILL: every process it started must go too.
#[test]
fn nothing_outlives_the_mothership_binary() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kc");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mothership"))
        .arg("--kubeconfig-out")
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.starts_with("mothership listening on https://127.0.0.1:"),
        "{line}"
    );
    let pid = child.id();
    let children = children_of(pid);
    assert!(
        children.len() >= 5,
        "etcd, apiserver, controller manager, scheduler, kwok: {children:?}"
    );
    unsafe {
        libc_kill(pid as i32, 9);
    }
    let _ = child.wait();
    wait_until("the children to exit", Duration::from_secs(10), || {
        children
            .iter()
            .all(|c| !std::path::Path::new(&format!("/proc/{c}")).exists() || zombie(*c))
    });
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(p) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let mut stat = String::new();
        if std::fs::File::open(format!("/proc/{p}/stat"))
            .and_then(|mut f| f.read_to_string(&mut stat))
            .is_err()
        {
            continue;
        }
        // pid (comm) state ppid ...
        let after = stat.rsplit_once(") ").map(|(_, r)| r).unwrap_or_default();
        let ppid: u32 = after
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        if ppid == pid {
            out.push(p);
        }
    }
    out
}

fn zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| s.rsplit_once(") ").is_some_and(|(_, r)| r.starts_with('Z')))
        .unwrap_or(true)
}

#[test]
fn worker_tokens_carry_the_pods_ca_and_endpoint() {
    let k = Kubectl::new();
    // What k0s reads in a control-plane pod: the CA it mounts and its config.
    let ca = mothership::unrelated_ca_pem();
    let ca_b64 = base64::engine::general_purpose::STANDARD.encode(&ca);
    let objects = format!(
        "apiVersion: v1\nkind: Secret\nmetadata: {{name: cp-ca}}\ndata: {{tls.crt: {ca_b64}}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cp-config}}\ndata:\n  K0SMOTRON_K0S_YAML: |\n    apiVersion: k0s.k0sproject.io/v1beta1\n    kind: ClusterConfig\n    spec: {{api: {{port: 31443, externalAddress: 192.0.2.9}}}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {{name: cp-0}}\nspec:\n  containers: [{{name: controller, image: k0s:v1.36.3-k0s.2, envFrom: [{{configMapRef: {{name: cp-config}}}}], volumeMounts: [{{name: certs, mountPath: /certs}}]}}]\n  volumes: [{{name: certs, secret: {{secretName: cp-ca}}}}]\n"
    );
    k.apply(&objects);
    wait_until("cp-0 Ready", Duration::from_secs(30), || {
        k.run(&["exec", "cp-0", "--", "k0s", "status"], None)
            .status
            .success()
    });
    let token = k.ok(&[
        "exec",
        "cp-0",
        "-c",
        "controller",
        "--",
        "k0s",
        "token",
        "create",
        "--role=worker",
    ]);
    let kubeconfig = mothership::k0s::decode_join_token(&token).expect("a join token");
    assert!(
        kubeconfig.contains("server: https://192.0.2.9:31443"),
        "{kubeconfig}"
    );
    assert!(
        kubeconfig.contains(&format!("certificate-authority-data: {ca_b64}")),
        "{kubeconfig}"
    );
    assert!(
        kubeconfig.contains("name: kubelet-bootstrap"),
        "{kubeconfig}"
    );
    let id = mothership::k0s::join_token_id(&kubeconfig).expect("a bootstrap token");
    assert!(
        k.ok(&[
            "exec",
            "cp-0",
            "--",
            "k0s",
            "token",
            "list",
            "--role=worker"
        ])
        .contains(&id)
    );
}
