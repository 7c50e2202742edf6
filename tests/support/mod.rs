//! Running the real k0smotron binary against the real test control plane, through a proxy
//! and in a namespace of the test's own.
#![allow(dead_code)]

use std::path::PathBuf;

use mothership::{Config, Mothership};

pub struct Env {
    pub ms: Mothership,
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
}

impl Env {
    pub fn new() -> Self {
        Self::with(|_| {})
    }

    pub fn with(f: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::default();
        f(&mut config);
        let ms = Mothership::start(config).expect("start mothership");
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        ms.write_kubeconfig(&kubeconfig).unwrap();
        Env {
            ms,
            dir,
            kubeconfig,
        }
    }

    /// The test's namespace (the kubeconfig's default).
    pub fn ns(&self) -> &str {
        self.ms.namespace()
    }

    /// A kubeconfig file for another token of the same server.
    pub fn kubeconfig_for(&self, name: &str, token: &str) -> PathBuf {
        let path = self.dir.path().join(format!("kubeconfig-{name}"));
        std::fs::write(&path, self.ms.kubeconfig_with_token(name, token)).unwrap();
        path
    }

    /// `k0smotron` with `--kubeconfig`, an empty HOME and no KUBECONFIG.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = bare(self.dir.path());
        cmd.arg("--kubeconfig").arg(&self.kubeconfig);
        cmd
    }

    pub fn cmd_with(&self, kubeconfig: &std::path::Path) -> assert_cmd::Command {
        let mut cmd = bare(self.dir.path());
        cmd.arg("--kubeconfig").arg(kubeconfig);
        cmd
    }
}

/// `k0smotron` with HOME pointing at `home` and nothing inherited that would pick a cluster.
pub fn bare(home: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("k0smotron").unwrap();
    cmd.env("HOME", home)
        .env_remove("KUBECONFIG")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env("NO_COLOR", "1");
    cmd
}

/// A local port nothing listens on.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `k0smotron ARGS` against the test's mothership. Whatever the command, stderr holds no
/// private key and neither stream holds the mothership's bearer token.
pub fn run(env: &Env, args: &[&str]) -> std::process::Output {
    let out = env.cmd().args(args).output().unwrap();
    assert_no_secrets(env, &out, &args.join(" "));
    out
}

/// Key material only where the user asked for it (stdout of `kubeconfig`, `create --dry-run
/// --show-secrets`), never on stderr; the mothership's token nowhere.
pub fn assert_no_secrets(env: &Env, out: &std::process::Output, what: &str) {
    let (o, e) = (stdout(out), stderr(out));
    assert!(
        !e.contains("PRIVATE KEY"),
        "{what}: key material on stderr: {e}"
    );
    let token = env.ms.admin_token();
    assert!(
        !o.contains(token) && !e.contains(token),
        "{what}: the mothership's bearer token in the output"
    );
}

/// `k0smotron create NAME EXTRA...` with fast keys, which must succeed.
pub fn create(env: &Env, name: &str, extra: &[&str]) {
    let out = env
        .cmd()
        .args(["create", name, "--key-algorithm", "ecdsa-p256"])
        .args(extra)
        .output()
        .unwrap();
    assert_no_secrets(env, &out, &format!("create {name}"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// `k0smotron ARGS` against the test's mothership, started in the background (stdout and
/// stderr piped), with the same environment as [`Env::cmd`].
pub fn spawn(env: &Env, args: &[&str]) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_k0smotron"))
        .arg("--kubeconfig")
        .arg(&env.kubeconfig)
        .args(args)
        .env("HOME", env.dir.path())
        .env_remove("KUBECONFIG")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Send SIGINT (Ctrl-C) to a child.
pub fn interrupt(child: &std::process::Child) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Poll `ready` every 50 ms for up to `secs` seconds.
pub fn eventually(secs: u64, what: &str, ready: impl FnMut() -> bool) {
    poll(secs, std::time::Duration::from_millis(50), what, ready)
}

/// Call `ready` every `every` until it holds, for up to `secs` seconds.
pub fn poll(secs: u64, every: std::time::Duration, what: &str, mut ready: impl FnMut() -> bool) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while !ready() {
        assert!(
            std::time::Instant::now() < until,
            "{what}: not within {secs} s"
        );
        std::thread::sleep(every);
    }
}

/// Key `key` of Secret `name` in the test's namespace, decoded.
pub fn secret_value(env: &Env, name: &str, key: &str) -> String {
    use base64::Engine;
    let secret = env
        .ms
        .objects("secrets")
        .into_iter()
        .find(|s| s["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no Secret {name}"));
    let b64 = secret["data"][key].as_str().unwrap_or_default();
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .unwrap()
}

/// A command as k0smotron prints it in a hint for a run through [`Env::cmd`]: with the
/// `--kubeconfig` that run had and the namespace it used.
pub fn hint(env: &Env, args: &str) -> String {
    format!(
        "k0smotron --kubeconfig {} -n {} {args}",
        env.kubeconfig.display(),
        env.ns()
    )
}

/// The record (ConfigMap `kmc-NAME`) of control plane `name`.
pub fn record(env: &Env, name: &str) -> serde_json::Value {
    env.ms
        .objects("configmaps")
        .into_iter()
        .find(|c| c["metadata"]["name"] == format!("kmc-{name}").as_str())
        .unwrap_or_else(|| panic!("no record of {name}"))
}

/// The CA certificate of control plane `name`, base64 as its `NAME-ca` Secret holds it.
pub fn ca_of(env: &Env, name: &str) -> String {
    let secret = env
        .ms
        .objects("secrets")
        .into_iter()
        .find(|s| s["metadata"]["name"] == format!("{name}-ca").as_str())
        .unwrap_or_else(|| panic!("no Secret {name}-ca"));
    secret["data"]["tls.crt"].as_str().unwrap().to_string()
}

/// `kubectl ARGS` as the mothership's admin, in the test's namespace.
pub fn kubectl(env: &Env, args: &[&str]) -> std::process::Output {
    std::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&env.kubeconfig)
        .args(args)
        .output()
        .expect("kubectl on PATH")
}

/// stdout and stderr of a process, together.
pub fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A field of pod `pod`, by kubectl's JSONPath (without the braces), trimmed.
pub fn pod_field(env: &Env, pod: &str, path: &str) -> String {
    let out = kubectl(
        env,
        &["get", "pod", pod, "-o", &format!("jsonpath={{{path}}}")],
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
