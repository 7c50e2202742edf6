//! `k0smotron certs renew`: new leaf certificates from the kept CAs, pods rolled, and a rerun
//! that finishes an interrupted renewal, against the real control plane.

mod support;

use std::collections::BTreeMap;

use base64::Engine;
use mothership::Fault;
use serde_json::Value;
use support::*;

fn secret(env: &Env, name: &str) -> Value {
    env.ms
        .objects("secrets")
        .into_iter()
        .find(|s| s["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no Secret {name}"))
}

/// The certificate (PEM) in a leaf Secret: `tls.crt`, or the kubeconfig's client certificate.
fn leaf_pem(env: &Env, secret_name: &str) -> String {
    if secret_name.ends_with("-kubeconfig") {
        let kubeconfig = secret_value(env, secret_name, "value");
        let b64 = kubeconfig
            .lines()
            .find_map(|l| l.trim().strip_prefix("client-certificate-data: "))
            .unwrap()
            .to_string();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap(),
        )
        .unwrap()
    } else {
        secret_value(env, secret_name, "tls.crt")
    }
}

/// `openssl verify -CAfile CA LEAF` succeeds.
fn verified_by(env: &Env, ca_secret: &str, leaf: &str) {
    let dir = env.dir.path();
    std::fs::write(dir.join("ca.pem"), secret_value(env, ca_secret, "tls.crt")).unwrap();
    std::fs::write(dir.join("leaf.pem"), leaf).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["verify", "-CAfile"])
        .arg(dir.join("ca.pem"))
        .arg(dir.join("leaf.pem"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl verify {leaf:.40}… against {ca_secret}: {}{}",
        stdout(&out),
        stderr(&out)
    );
}

fn record_data(env: &Env, name: &str) -> BTreeMap<String, String> {
    let cm = env
        .ms
        .objects("configmaps")
        .into_iter()
        .find(|c| c["metadata"]["name"] == format!("kmc-{name}").as_str())
        .unwrap();
    serde_json::from_value(cm["data"].clone()).unwrap()
}

fn template_annotation(env: &Env, sts: &str) -> Option<String> {
    env.ms
        .objects("statefulsets")
        .into_iter()
        .find(|s| s["metadata"]["name"] == sts)
        .and_then(|s| {
            s["spec"]["template"]["metadata"]["annotations"]["k0smotron.io/certs-renewal"]
                .as_str()
                .map(String::from)
        })
}

fn pod_uids(env: &Env) -> Vec<String> {
    env.ms
        .objects("pods")
        .into_iter()
        .map(|p| p["metadata"]["uid"].as_str().unwrap().to_string())
        .collect()
}

const LEAVES: [&str; 4] = [
    "r-apiserver-etcd-client",
    "r-etcd-server",
    "r-etcd-peer",
    "r-kubeconfig",
];

#[test]
fn renew_issues_new_leaves_from_the_kept_cas_and_rolls_every_pod() {
    let env = Env::new();
    create(&env, "r", &[]);
    let before: Vec<String> = LEAVES.iter().map(|s| leaf_pem(&env, s)).collect();
    let cas: Vec<Value> = ["r-ca", "r-etcd", "r-proxy", "r-sa"]
        .iter()
        .map(|s| secret(&env, s)["metadata"]["resourceVersion"].clone())
        .collect();
    let pods_before = pod_uids(&env);
    assert_eq!(pods_before.len(), 2, "one controller and one etcd pod");

    let out = run(&env, &["certs", "renew", "r"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    for line in [
        "Issuing new leaf certificates from the kept CAs",
        "4 issued, valid until",
        "Rolling etcd, one member at a time",
        "Rolling the controllers, one at a time",
        "the CAs are kept",
    ] {
        assert!(err.contains(line), "{line:?} not in {err}");
    }
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));

    // New leaves, each verified by openssl against the CA that was kept.
    for (secret_name, old) in LEAVES.iter().zip(&before) {
        let new = leaf_pem(&env, secret_name);
        assert_ne!(&new, old, "{secret_name} was not renewed");
        let ca = if secret_name.ends_with("-kubeconfig") {
            "r-ca"
        } else {
            "r-etcd"
        };
        verified_by(&env, ca, &new);
    }
    let cas_after: Vec<Value> = ["r-ca", "r-etcd", "r-proxy", "r-sa"]
        .iter()
        .map(|s| secret(&env, s)["metadata"]["resourceVersion"].clone())
        .collect();
    assert_eq!(cas, cas_after, "the CAs are untouched");

    // The pods were replaced, and the record says when the leaves were issued.
    let data = record_data(&env, "r");
    let stamp = data["certsRenewedAt"].clone();
    assert!(!data.contains_key("certsRenewal"), "{data:?}");
    assert_eq!(
        template_annotation(&env, "kmc-r").as_deref(),
        Some(stamp.as_str())
    );
    assert_eq!(
        template_annotation(&env, "kmc-r-etcd").as_deref(),
        Some(stamp.as_str())
    );
    let pods_after = pod_uids(&env);
    assert_eq!(pods_after.len(), 2);
    assert!(
        pods_after.iter().all(|p| !pods_before.contains(p)),
        "every pod was replaced"
    );
    let out = run(&env, &["list", "-o", "json"]);
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let expires = rows[0]["certificatesExpireAt"].as_str().unwrap();
    let year_on = format!("{}", stamp[..4].parse::<i32>().unwrap() + 1);
    assert!(expires.starts_with(&year_on), "{expires} vs {stamp}");
    assert_eq!(rows[0]["status"], "Ready");

    // The admin kubeconfig Secret still names the endpoint and the same CA.
    let kubeconfig = secret_value(&env, "r-kubeconfig", "value");
    assert!(
        kubeconfig.contains(&format!("server: {}", data["endpoint"])),
        "{kubeconfig}"
    );
}

#[test]
fn an_interrupted_renewal_is_shown_and_finished_by_running_it_again() {
    let env = Env::new();
    create(&env, "r", &[]);
    let peer = format!("/api/v1/namespaces/{}/secrets/r-etcd-peer", env.ns());
    env.ms.inject(Fault::status("PATCH", &peer, 1, 500));
    let out = run(&env, &["certs", "renew", "r"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    env.ms.clear_faults();
    let begun = record_data(&env, "r")["certsRenewal"].clone();
    let out = run(&env, &["list", "-o", "json"]);
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["status"], "Progressing", "{rows:?}");
    assert!(
        rows[0]["reason"].as_str().unwrap().contains(&format!(
            "`k0smotron -n {} certs renew r` finishes it",
            env.ns()
        )),
        "{rows:?}"
    );
    let peer_before = leaf_pem(&env, "r-etcd-peer");
    let server_before = leaf_pem(&env, "r-etcd-server");

    env.ms.reset_requests();
    let out = run(&env, &["certs", "renew", "r"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("Finishing the renewal of r begun at {begun}")),
        "{}",
        stderr(&out)
    );
    // Only what the first run did not write is written again.
    let secret_patches: Vec<String> = env
        .ms
        .requests()
        .requests
        .iter()
        .filter(|r| r.verb == "patch" && r.resource == "secrets")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(secret_patches, vec![peer], "{secret_patches:?}");
    assert_ne!(leaf_pem(&env, "r-etcd-peer"), peer_before);
    assert_eq!(leaf_pem(&env, "r-etcd-server"), server_before);
    let data = record_data(&env, "r");
    assert_eq!(data["certsRenewedAt"], begun);
    assert!(!data.contains_key("certsRenewal"));
}

#[test]
fn renew_needs_a_valid_name_and_an_existing_control_plane() {
    let env = Env::new();
    env.ms.reset_requests();
    let out = run(&env, &["certs", "renew", "Bad_Name"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("NAME \"Bad_Name\""),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.ms.requests().total(), 0);
    let out = run(&env, &["certs", "renew", "ghost"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no control plane ghost in namespace"),
        "{}",
        stderr(&out)
    );
}
