//! `k0smotron version`.

mod support;

use support::*;

#[test]
fn client_and_server_versions() {
    let env = Env::new();
    // The release the test control plane is built from.
    let server = mothership::binaries::version("KUBERNETES_VERSION").unwrap();
    let out = env.cmd().arg("version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        format!(
            "Client Version: v{}\nServer Version: {server}\n",
            env!("CARGO_PKG_VERSION")
        )
    );
    let json: serde_json::Value = serde_json::from_slice(
        &env.cmd()
            .args(["version", "-o", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(json["serverVersion"]["gitVersion"], server.as_str());
    assert_eq!(json["clientVersion"]["kubernetesApi"], "v1.33");
}

#[test]
fn unreachable_mothership_is_a_note_not_a_failure() {
    let env = Env::new();
    let path = env.dir.path().join("closed");
    let text = std::fs::read_to_string(&env.kubeconfig).unwrap().replace(
        &env.ms.url(),
        &format!("https://127.0.0.1:{}", closed_port()),
    );
    std::fs::write(&path, text).unwrap();
    let out = env.cmd_with(&path).arg("version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        format!("Client Version: v{}\n", env!("CARGO_PKG_VERSION"))
    );
    assert!(
        stderr(&out).contains("Server Version: unavailable (cannot reach the mothership"),
        "{}",
        stderr(&out)
    );
    let home = tempfile::tempdir().unwrap();
    let out = bare(home.path()).arg("version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("no kubeconfig found"));
}

#[test]
fn client_only_sends_nothing() {
    let env = Env::new();
    env.ms.reset_requests();
    env.cmd().args(["version", "--client"]).assert().success();
    assert_eq!(env.ms.requests().total(), 0);
}
