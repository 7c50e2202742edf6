//! Helpers shared by the conformance suites.
#![allow(dead_code)]

use std::io::Read;

use base64::Engine;
use kube::config::{KubeConfigOptions, Kubeconfig};
use mothership::{Config, Mothership};
use serde_json::{Value, json};

pub fn start() -> Mothership {
    Mothership::start(Config::default()).expect("start mothership")
}

pub fn start_with(f: impl FnOnce(&mut Config)) -> Mothership {
    let mut config = Config::default();
    f(&mut config);
    Mothership::start(config).expect("start mothership")
}

pub async fn client_for(kubeconfig: &str) -> kube::Client {
    let kc = Kubeconfig::from_yaml(kubeconfig).expect("kubeconfig parses");
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .expect("config");
    kube::Client::try_from(config).expect("client")
}

pub async fn client(ms: &Mothership) -> kube::Client {
    client_for(&ms.kubeconfig()).await
}

pub fn gunzip_token(token: &str) -> String {
    let clean: String = token.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let gz = base64::engine::general_purpose::STANDARD
        .decode(clean)
        .expect("token is base64");
    let mut out = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut out)
        .expect("token is gzip");
    out
}

/// The objects a k0s control-plane pod needs for `k0s token create`: the `NAME-ca` Secret it
/// mounts, its k0s config ConfigMap, and a StatefulSet wired to both.
pub fn control_plane_objects(
    name: &str,
    ca_pem: &str,
    k0s_yaml: &str,
) -> Vec<(&'static str, Value)> {
    let ca = base64::engine::general_purpose::STANDARD.encode(ca_pem);
    vec![
        (
            "secrets",
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": format!("{name}-ca")},
            "type": "cluster.x-k8s.io/secret", "data": {"tls.crt": ca, "tls.key": ""}}),
        ),
        (
            "configmaps",
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("kmc-{name}-config")},
            "data": {"K0SMOTRON_K0S_YAML": k0s_yaml}}),
        ),
        (
            "statefulsets",
            json!({
                "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": format!("kmc-{name}")},
                "spec": {
                    "replicas": 1,
                    "selector": {"matchLabels": {"app": "k0smotron", "cluster": name}},
                    "template": {
                        "metadata": {"labels": {"app": "k0smotron", "cluster": name}},
                        "spec": {
                            "containers": [{"name": "controller", "image": "quay.io/k0sproject/k0s:v1.36.3-k0s.2",
                                "envFrom": [{"configMapRef": {"name": format!("kmc-{name}-config")}}],
                                "volumeMounts": [{"name": "certs", "mountPath": "/certs-init"}]}],
                            "volumes": [{"name": "certs", "projected": {"sources": [
                                {"secret": {"name": format!("{name}-ca"), "items": [{"key": "tls.crt", "path": "ca.crt"}, {"key": "tls.key", "path": "ca.key"}]}}
                            ]}}]
                        }
                    }
                }
            }),
        ),
    ]
}

pub const TEST_CA: &str =
    "-----BEGIN CERTIFICATE-----\nMIIBdGVzdC1jYQ==\n-----END CERTIFICATE-----\n";

/// `kubectl` when it is new enough for these checks (WebSocket exec, 1.30+). Set
/// `K0SMOTRON_REQUIRE_KUBECTL=1` to fail instead of skipping when it is not.
pub fn kubectl() -> Option<std::path::PathBuf> {
    let found = std::process::Command::new("kubectl")
        .args(["version", "--client", "-o", "json"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| serde_json::from_slice::<Value>(&o.stdout).ok())
        .and_then(|v| {
            v["clientVersion"]["minor"]
                .as_str()
                .map(|m| m.trim_end_matches('+').to_string())
        })
        .and_then(|m| m.parse::<u32>().ok())
        .filter(|minor| *minor >= 30);
    match found {
        Some(_) => Some("kubectl".into()),
        None if std::env::var("K0SMOTRON_REQUIRE_KUBECTL").is_ok_and(|v| v == "1") => {
            panic!("K0SMOTRON_REQUIRE_KUBECTL=1 but no kubectl >= 1.30 on PATH")
        }
        None => {
            eprintln!("skipping: no kubectl >= 1.30 on PATH");
            None
        }
    }
}
