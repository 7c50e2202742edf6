//! `k0smotron kubeconfig`: a client certificate minted from the control plane's CA, checked
//! with openssl and, above all, accepted (or refused) by a real kube-apiserver set up from
//! the control plane's own PKI the way k0s sets up its own.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use base64::Engine;
use k0smotron::core::pki::{self, KeyAlgorithm, LeafSpec};
use serde_json::Value;
use support::*;

fn kubeconfig(env: &Env, args: &[&str]) -> std::process::Output {
    env.cmd().arg("kubeconfig").args(args).output().unwrap()
}

fn field<'a>(kubeconfig: &'a str, key: &str) -> &'a str {
    kubeconfig
        .lines()
        .find_map(|l| l.trim().strip_prefix(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("{key} in {kubeconfig}"))
}

fn decode(b64: &str) -> String {
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .unwrap()
}

fn openssl(args: &[&str], dir: &Path) -> String {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn an_admin_kubeconfig_before_any_pod_is_ready() {
    // Latency at the proxy, so that the wave check below sees the two reads overlap even
    // when the machine is loaded.
    let env = Env::with(|c| c.latency = std::time::Duration::from_millis(100));
    create(&env, "early", &["--no-wait"]);
    env.ms.reset_requests();
    let out = kubeconfig(&env, &["early"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("current-context: k0smotron-early\n"),
        "{text}"
    );
    let record = env
        .ms
        .objects("configmaps")
        .into_iter()
        .find(|c| c["metadata"]["name"] == "kmc-early")
        .unwrap();
    assert_eq!(
        field(&text, "server"),
        record["data"]["endpoint"].as_str().unwrap()
    );
    assert_eq!(
        decode(field(&text, "certificate-authority-data")),
        secret_value(&env, "early-ca", "tls.crt")
    );
    // No exec: one list-free wave of two reads.
    let log = env.ms.requests();
    assert_eq!(log.count("create", "pods/exec"), 0);
    assert_eq!(log.waves(|r| !r.verb.is_empty()), 1, "{:?}", log.by_path());

    let dir = env.dir.path();
    std::fs::write(
        dir.join("ca.crt"),
        secret_value(&env, "early-ca", "tls.crt"),
    )
    .unwrap();
    std::fs::write(
        dir.join("client.crt"),
        decode(field(&text, "client-certificate-data")),
    )
    .unwrap();
    assert!(openssl(&["verify", "-CAfile", "ca.crt", "client.crt"], dir).contains("OK"));
    let subject = openssl(
        &[
            "x509",
            "-noout",
            "-subject",
            "-enddate",
            "-in",
            "client.crt",
        ],
        dir,
    );
    assert!(
        subject.contains("CN = admin, O = system:masters"),
        "{subject}"
    );
    // The default expiry is a year.
    let year = time::OffsetDateTime::now_utc() + time::Duration::days(365);
    assert!(subject.contains(&format!("{}", year.year())), "{subject}");
}

#[test]
fn name_may_be_left_out_when_there_is_one() {
    let env = Env::new();
    let out = kubeconfig(&env, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("there is no control plane in namespace"),
        "{}",
        stderr(&out)
    );
    create(&env, "only", &["--no-wait"]);
    let out = kubeconfig(&env, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("k0smotron-only"));
    create(&env, "second", &["--no-wait", "--storage", "kine"]);
    let out = kubeconfig(&env, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("has 2 control planes (only, second)"),
        "{}",
        stderr(&out)
    );
    let out = kubeconfig(&env, &["missing"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no control plane missing in namespace"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_flags_exit_2_without_a_request() {
    let env = Env::new();
    env.ms.reset_requests();
    for (args, needle) in [
        (
            &["x", "--server", "http://h:1"][..],
            "--server \"http://h:1\": must be an https URL",
        ),
        (&["x", "--expiry", "ten"][..], "--expiry:"),
        (&["x", "--expiry", "0"][..], "--expiry: must be more than 0"),
        (
            &["x", "--group", "a,b"][..],
            "--group \"a,b\": must be non-empty and without commas",
        ),
        (&["x", "-o", "wide"][..], "wide"),
    ] {
        let out = kubeconfig(&env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(env.ms.requests().total(), 0);
}

#[test]
fn other_identities_json_and_a_cluster_ip_warning() {
    let env = Env::new();
    create(&env, "inner", &["--no-wait", "--service-type", "ClusterIP"]);
    let out = kubeconfig(
        &env,
        &[
            "inner",
            "--user",
            "bob",
            "--group",
            "dev",
            "--group",
            "ops",
            "--context-name",
            "mine",
            "--expiry",
            "2d",
            "-o",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("only pods in the mothership can use it; pass --server"),
        "{}",
        stderr(&out)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["current-context"], "mine");
    assert_eq!(doc["users"][0]["name"], "mine");
    let cert = decode(
        doc["users"][0]["user"]["client-certificate-data"]
            .as_str()
            .unwrap(),
    );
    let dir = env.dir.path();
    std::fs::write(dir.join("bob.crt"), cert).unwrap();
    let text = openssl(
        &["x509", "-noout", "-subject", "-enddate", "-in", "bob.crt"],
        dir,
    );
    assert!(
        text.contains("CN = bob, O = dev, O = ops") || text.contains("CN = bob, O = \"dev,ops\""),
        "{text}"
    );
    let two_days = time::OffsetDateTime::now_utc() + time::Duration::days(2);
    assert!(text.contains(&format!(" {} ", two_days.day())), "{text}");
    // Longer than the CA lives is refused.
    let out = kubeconfig(&env, &["inner", "--expiry", "4000d"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("longer than the CA of inner has left"),
        "{}",
        stderr(&out)
    );
}

/// Write the files a child kube-apiserver needs, from the control plane's Secrets, and a
/// serving certificate for 127.0.0.1 signed by its CA (as k0s issues its own).
fn child_pki(env: &Env, name: &str, dir: &Path) {
    let ca = pki::CertPair {
        cert_pem: secret_value(env, &format!("{name}-ca"), "tls.crt"),
        key_pem: secret_value(env, &format!("{name}-ca"), "tls.key"),
    };
    let key = pki::generate_key(KeyAlgorithm::EcdsaP256).unwrap();
    let serving = pki::leaf(
        &LeafSpec {
            common_name: "kube-apiserver",
            organization: None,
            hosts: &["127.0.0.1".to_string(), "localhost".to_string()],
            server: true,
            client: false,
            valid_for: Duration::from_secs(86400),
        },
        &key,
        &ca,
        time::OffsetDateTime::now_utc(),
    )
    .unwrap();
    let files = [
        ("ca.crt", ca.cert_pem.clone()),
        ("server.crt", serving.cert_pem),
        ("server.key", serving.key_pem),
        (
            "front-proxy-ca.crt",
            secret_value(env, &format!("{name}-proxy"), "tls.crt"),
        ),
        (
            "sa.pub",
            secret_value(env, &format!("{name}-sa"), "tls.crt"),
        ),
        (
            "sa.key",
            secret_value(env, &format!("{name}-sa"), "tls.key"),
        ),
        (
            "etcd-ca.crt",
            secret_value(env, &format!("{name}-etcd"), "tls.crt"),
        ),
        (
            "etcd-server.crt",
            secret_value(env, &format!("{name}-etcd-server"), "tls.crt"),
        ),
        (
            "etcd-server.key",
            secret_value(env, &format!("{name}-etcd-server"), "tls.key"),
        ),
        (
            "apiserver-etcd-client.crt",
            secret_value(env, &format!("{name}-apiserver-etcd-client"), "tls.crt"),
        ),
        (
            "apiserver-etcd-client.key",
            secret_value(env, &format!("{name}-apiserver-etcd-client"), "tls.key"),
        ),
    ];
    assert_eq!(files.len(), mothership::cluster::CHILD_FILES.len());
    for (file, text) in files {
        mothership::write_private(&dir.join(file), &text).unwrap();
    }
}

fn kubectl(kubeconfig: &Path, home: &Path, args: &[&str]) -> std::process::Output {
    Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .env("HOME", home)
        .output()
        .unwrap()
}

#[test]
fn a_real_kube_apiserver_on_the_control_planes_pki_accepts_it() {
    let env = Env::new();
    // RSA, the default: the CA and client keys as the operator makes them.
    let out = env
        .cmd()
        .args(["create", "real", "--no-wait"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dir = env.dir.path().join("child");
    std::fs::create_dir_all(&dir).unwrap();
    child_pki(&env, "real", &dir);
    let child = mothership::cluster::start_child_apiserver(&dir).expect("child kube-apiserver");
    let home = env.dir.path();

    let write = |file: &str, args: &[&str]| {
        let mut all = vec!["real", "--server", child.url.as_str()];
        all.extend_from_slice(args);
        let out = kubeconfig(&env, &all);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let path = home.join(file);
        std::fs::write(&path, &out.stdout).unwrap();
        path
    };
    let admin = write("admin.kc", &[]);
    let ok = kubectl(&admin, home, &["get", "namespaces", "-o", "name"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(
        stdout(&ok).contains("namespace/kube-system"),
        "{}",
        stdout(&ok)
    );

    let bob = write("bob.kc", &["--user", "bob", "--group", "dev"]);
    let refused = kubectl(&bob, home, &["get", "namespaces"]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("User \"bob\" cannot list resource \"namespaces\""),
        "authenticated as bob, refused by RBAC: {}",
        stderr(&refused)
    );

    // A certificate past its end is refused by authentication.
    let short = write("short.kc", &["--expiry", "2s"]);
    std::thread::sleep(Duration::from_secs(3));
    let expired = kubectl(&short, home, &["get", "namespaces"]);
    assert!(!expired.status.success());
    assert!(
        stderr(&expired).contains("Unauthorized")
            || stderr(&expired).contains("provide credentials"),
        "{}",
        stderr(&expired)
    );

    // The NAME-kubeconfig Secret that create wrote works too (pointed at the child).
    let secret_kc = secret_value(&env, "real-kubeconfig", "value");
    let server = field(&secret_kc, "server").to_string();
    let path = home.join("secret.kc");
    std::fs::write(&path, secret_kc.replace(&server, &child.url)).unwrap();
    let ok = kubectl(&path, home, &["get", "namespaces", "-o", "name"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
}

/// A kubeconfig with two other clusters, written as kubectl writes it.
const OTHERS: &str = "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: AAAA\n    server: https://prod.example.com:6443\n  name: prod\n- cluster:\n    server: https://staging.example.com:6443\n  name: staging\ncontexts:\n- context:\n    cluster: prod\n    namespace: apps\n    user: prod-admin\n  name: prod\n- context:\n    cluster: staging\n    user: staging-admin\n  name: staging\nkind: Config\npreferences: {}\nusers:\n- name: prod-admin\n  user:\n    token: prod-token\n- name: staging-admin\n  user:\n    token: staging-token\n";

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn merge_into_the_kubeconfig_kubectl_uses() {
    let env = Env::new();
    create(&env, "merged", &["--no-wait"]);
    let home = env.dir.path();
    let others = home.join("others.kc");
    std::fs::write(&others, OTHERS).unwrap();
    // KUBECONFIG lists the other file first (it sets no current-context, so the
    // mothership's file decides where k0smotron connects); new entries go to it.
    let list = std::env::join_paths([others.clone(), env.kubeconfig.clone()]).unwrap();
    let merge = |extra: &[&str]| {
        let out = bare(home)
            .env("KUBECONFIG", &list)
            .args(["kubeconfig", "merged", "--merge"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(out.stdout.is_empty(), "nothing on stdout with --merge");
        stderr(&out)
    };
    let err = merge(&[]);
    assert!(
        err.contains(&format!("Merged into {}", others.display())),
        "{err}"
    );
    let text = std::fs::read_to_string(&others).unwrap();
    for line in OTHERS.lines() {
        assert!(text.contains(line), "{line:?} was lost:\n{text}");
    }
    assert_eq!(mode(&others), 0o600);
    let kc = |args: &[&str]| {
        let out = Command::new("kubectl")
            .args(args)
            .env("KUBECONFIG", &list)
            .env("HOME", home)
            .output()
            .unwrap();
        assert!(out.status.success(), "kubectl {args:?}: {}", stderr(&out));
        stdout(&out)
    };
    let contexts = kc(&["config", "get-contexts", "-o", "name"]);
    for c in ["prod", "staging", "mothership", "k0smotron-merged"] {
        assert!(contexts.lines().any(|l| l == c), "{c} in {contexts}");
    }
    // Again, switching: the entry is replaced (not doubled) and becomes current.
    let err = merge(&["--switch-context"]);
    assert!(
        err.contains("Switched to context k0smotron-merged"),
        "{err}"
    );
    assert_eq!(
        kc(&["config", "current-context"]).trim(),
        "k0smotron-merged"
    );
    let doc: Value = serde_saphyr::from_str(&std::fs::read_to_string(&others).unwrap()).unwrap();
    assert_eq!(doc["clusters"].as_array().unwrap().len(), 3);
    // The mothership's own file was not touched.
    assert!(
        !std::fs::read_to_string(&env.kubeconfig)
            .unwrap()
            .contains("k0smotron-merged")
    );
    // --output with --merge is a usage error; --switch-context needs --merge.
    let out = env
        .cmd()
        .args(["kubeconfig", "merged", "--merge", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = env
        .cmd()
        .args(["kubeconfig", "merged", "--switch-context"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn two_merges_at_once_both_land() {
    let env = Env::new();
    create(&env, "left", &["--no-wait"]);
    create(&env, "right", &["--no-wait", "--storage", "kine"]);
    let target = env.dir.path().join("shared.kc");
    std::fs::copy(&env.kubeconfig, &target).unwrap();
    for _ in 0..3 {
        let run = |name: &str| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("k0smotron"))
                .args(["--kubeconfig"])
                .arg(&target)
                .args(["kubeconfig", name, "--merge"])
                .env("HOME", env.dir.path())
                .env_remove("KUBECONFIG")
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        };
        let (mut a, mut b) = (run("left"), run("right"));
        assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
    }
    let doc: Value = serde_saphyr::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    let mut names: Vec<&str> = doc["contexts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["k0smotron-left", "k0smotron-right", "mothership"],
        "{doc}"
    );
    assert_eq!(mode(&target), 0o600);
    assert!(!env.dir.path().join("shared.kc.lock").exists());
}

#[test]
fn refresh_secret_renews_the_admin_kubeconfig() {
    let env = Env::new();
    create(&env, "renew", &["--no-wait"]);
    let before = secret_value(&env, "renew-kubeconfig", "value");
    let out = kubeconfig(&env, &["renew", "--refresh-secret", "--expiry", "30d"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("Renewed Secret renew-kubeconfig"),
        "{}",
        stderr(&out)
    );
    let after = secret_value(&env, "renew-kubeconfig", "value");
    assert_ne!(before, after);
    assert_eq!(
        field(&after, "current-context"),
        field(&before, "current-context")
    );
    assert_eq!(field(&after, "server"), field(&before, "server"));
    let dir = env.dir.path();
    std::fs::write(
        dir.join("ca.crt"),
        secret_value(&env, "renew-ca", "tls.crt"),
    )
    .unwrap();
    std::fs::write(
        dir.join("renewed.crt"),
        decode(field(&after, "client-certificate-data")),
    )
    .unwrap();
    assert!(openssl(&["verify", "-CAfile", "ca.crt", "renewed.crt"], dir).contains("OK"));
    let end = openssl(&["x509", "-noout", "-enddate", "-in", "renewed.crt"], dir);
    let month = time::OffsetDateTime::now_utc() + time::Duration::days(30);
    assert!(end.contains(&format!(" {} ", month.year())), "{end}");
    let out = kubeconfig(&env, &["renew", "--refresh-secret", "--user", "bob"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the Secret holds the admin kubeconfig"
    );
}
