//! End to end on a real cluster: real pods, real k0s, a real child API server.
//!
//! Ignored by default; run with a kubeconfig for a mothership that can pull
//! quay.io/k0sproject/k0s and has a default StorageClass (kind has both):
//!
//! ```text
//! K0SMOTRON_E2E_KUBECONFIG=~/.kube/config cargo test --test e2e -- --ignored --nocapture
//! ```
//!
//! It works in a namespace of its own (`k0smotron-e2e-<random>`) and removes it at the end.

mod support;

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;
use support::{stderr, stdout};

struct Real {
    kubeconfig: PathBuf,
    namespace: String,
    home: tempfile::TempDir,
}

impl Real {
    fn new() -> Real {
        let kubeconfig = std::env::var_os("K0SMOTRON_E2E_KUBECONFIG").expect(
            "set K0SMOTRON_E2E_KUBECONFIG to the kubeconfig of a real mothership (see tests/e2e.rs)",
        );
        let suffix = format!("{:08x}", rand_suffix());
        let real = Real {
            kubeconfig: PathBuf::from(kubeconfig),
            namespace: format!("k0smotron-e2e-{suffix}"),
            home: tempfile::tempdir().unwrap(),
        };
        let out = real.kubectl(&["create", "namespace", &real.namespace]);
        assert!(out.status.success(), "{}", stderr(&out));
        real
    }

    fn k0smotron(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_k0smotron"))
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(["-n", &self.namespace])
            .args(args)
            .env("HOME", self.home.path())
            .env("NO_COLOR", "1")
            .env_remove("KUBECONFIG")
            .output()
            .unwrap()
    }

    fn kubectl(&self, args: &[&str]) -> Output {
        Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.k0smotron(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "k0smotron {args:?}:\n{}",
            stderr(&out)
        );
        stdout(&out)
    }
}

impl Drop for Real {
    fn drop(&mut self) {
        let _ = self.kubectl(&["delete", "namespace", &self.namespace, "--wait=false"]);
    }
}

fn rand_suffix() -> u32 {
    let mut bytes = [0u8; 4];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .unwrap();
    u32::from_le_bytes(bytes)
}

#[test]
#[ignore = "needs a real mothership: K0SMOTRON_E2E_KUBECONFIG"]
fn a_control_plane_on_a_real_cluster_from_create_to_delete() {
    let real = Real::new();
    real.ok(&["doctor"]);

    real.ok(&[
        "create",
        "e2e",
        "--service-type",
        "NodePort",
        "--timeout",
        "10m",
    ]);

    // The kubeconfig reaches the child API server.
    let kc = real.home.path().join("e2e.kubeconfig");
    std::fs::write(&kc, real.ok(&["kubeconfig", "e2e"])).unwrap();
    let out = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&kc)
        .args(["get", "namespaces", "-o", "name"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("namespace/kube-system"),
        "{}",
        stdout(&out)
    );

    // The join token decodes to a kubeconfig whose server answers.
    let token = real.ok(&["token", "worker", "e2e"]);
    let decoded = Command::new("sh")
        .args(["-c", "base64 -d | gunzip"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(token.trim().as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let join = String::from_utf8_lossy(&decoded.stdout).into_owned();
    let server = join
        .lines()
        .find_map(|l| l.trim().strip_prefix("server: "))
        .unwrap_or_else(|| panic!("no server in the token: {join}"))
        .trim_start_matches("https://")
        .to_string();
    let addr = std::net::ToSocketAddrs::to_socket_addrs(&server)
        .unwrap()
        .next()
        .unwrap();
    std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("the token's server {server} does not answer: {e}"));

    let rows: Vec<Value> = serde_json::from_str(&real.ok(&["list", "-o", "json"])).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["status"], "Ready", "{rows:?}");
    real.ok(&["status", "e2e"]);

    real.ok(&["delete", "e2e", "--yes"]);
    let out = real.kubectl(&[
        "get",
        "statefulsets,services,configmaps,secrets,pods,persistentvolumeclaims",
        "-n",
        &real.namespace,
        "-l",
        "k0smotron.io/cluster=e2e",
        "-o",
        "name",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "", "left after delete");
}
