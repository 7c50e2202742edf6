//! `k0smotron doctor` against the real test control plane, as a user runs it.

mod support;

use std::time::{Duration, Instant};

use mothership::{ClusterOptions, NodeSpec, Rule, User};
use serde_json::Value;
use support::*;

fn json_report(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}): {}", stdout(out)))
}

#[test]
fn every_check_green_in_two_waves_of_requests() {
    let env = Env::new();
    env.ms.reset_requests();
    let out = env.cmd().arg("doctor").output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(out.stdout.is_empty(), "the checklist goes to stderr");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("✓ ")).count(),
        16,
        "{err}"
    );
    assert!(!err.contains('✗') && !err.contains("\n! "), "{err}");
    assert!(err.contains(&format!("may create pods/exec in namespace {}", env.ns())));
    assert!(err.contains("NodePort endpoints will use 203.0.113.11 (ExternalIP)"));
    assert!(
        err.ends_with(
            "All 14 required checks passed (16 checks: 16 passed, 0 failed, 0 warned, 0 skipped).\n"
        ),
        "{err}"
    );

    let log = env.ms.requests();
    assert_eq!(log.count("create", "selfsubjectaccessreviews"), 39);
    assert_eq!(log.count("list", "storageclasses"), 1);
    assert_eq!(log.count("list", "nodes"), 1);
    assert_eq!(
        log.requests.iter().filter(|r| r.path == "/version").count(),
        1
    );
    assert_eq!(log.count("get", "namespaces"), 1);
    assert_eq!(log.total(), 43, "nothing else is asked");
}

#[test]
fn independent_checks_go_out_concurrently() {
    let env = Env::with(|c| c.latency = Duration::from_millis(250));
    let start = Instant::now();
    env.cmd().arg("doctor").assert().success();
    let elapsed = start.elapsed();
    // Two waves (version, then 41 requests at once) cost ~500 ms; one at a time would be ~10.5 s.
    assert!(
        elapsed < Duration::from_millis(2000),
        "doctor took {elapsed:?}"
    );
}

#[test]
fn json_output_for_scripts() {
    let env = Env::new();
    let out = env.cmd().args(["doctor", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report = json_report(&out);
    assert_eq!(report["ok"], true);
    assert_eq!(report["namespace"], env.ns());
    assert_eq!(report["server"], env.ms.url());
    let names: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[..3], ["reachable", "authenticated", "version"]);
    assert!(names.contains(&"permissions/pods/exec") && names.contains(&"node-addresses"));
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "pass")
    );
    assert!(stderr(&out).is_empty(), "no checklist with -o json");
    let yaml = env.cmd().args(["doctor", "-o", "yaml"]).output().unwrap();
    assert!(stdout(&yaml).starts_with("ok: true\n"), "{}", stdout(&yaml));
}

#[test]
fn wrong_token_says_401() {
    let env = Env::new();
    let bad = env.kubeconfig_for("admin", "not-the-token");
    let out = env.cmd_with(&bad).arg("doctor").output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("✓ mothership"), "the server answered: {err}");
    assert!(
        err.contains("(401 Unauthorized)") && err.contains("token or client certificate"),
        "{err}"
    );
    assert!(
        err.contains("- 14 more checks skipped: needs accepted credentials"),
        "{err}"
    );
}

#[test]
fn closed_port_is_named_within_ten_seconds() {
    let env = Env::new();
    let port = closed_port();
    let text = std::fs::read_to_string(&env.kubeconfig).unwrap();
    let url = format!("https://127.0.0.1:{port}");
    let path = env.dir.path().join("closed");
    std::fs::write(&path, text.replace(&env.ms.url(), &url)).unwrap();
    let start = Instant::now();
    let out = env.cmd_with(&path).arg("doctor").output().unwrap();
    assert!(start.elapsed() < Duration::from_secs(10));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains(&format!(
            "✗ cannot reach the mothership at {url}: connection refused"
        )),
        "{err}"
    );
}

#[test]
fn silent_server_times_out_within_ten_seconds() {
    let env = Env::new();
    // Accepts TCP connections and never says a word.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let hold = std::thread::spawn(move || {
        let mut held = Vec::new();
        for _ in 0..4 {
            match listener.accept() {
                Ok((s, _)) => held.push(s),
                Err(_) => break,
            }
        }
        std::thread::sleep(Duration::from_secs(8));
    });
    let path = env.dir.path().join("silent");
    std::fs::write(
        &path,
        std::fs::read_to_string(&env.kubeconfig)
            .unwrap()
            .replace(&env.ms.url(), &url),
    )
    .unwrap();
    let start = Instant::now();
    let out = env
        .cmd_with(&path)
        .args(["doctor", "--connect-timeout", "2s"])
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    assert!(
        elapsed < Duration::from_secs(10) && elapsed >= Duration::from_secs(2),
        "{elapsed:?}"
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!(
            "cannot reach the mothership at {url}: no answer within the connect timeout"
        )),
        "{}",
        stderr(&out)
    );
    drop(hold);
}

#[test]
fn untrusted_certificate_is_a_tls_error() {
    let env = Env::new();
    // Our server's address with another CA.
    let text = mothership::kubeconfig_yaml(
        &env.ms.url(),
        &mothership::unrelated_ca_pem(),
        "admin",
        env.ms.admin_token(),
    );
    let path = env.dir.path().join("wrong-ca");
    std::fs::write(&path, text).unwrap();
    let out = env.cmd_with(&path).arg("doctor").output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains(&format!(
            "TLS verification of the mothership at {} failed",
            env.ms.url()
        )),
        "{err}"
    );
    assert!(err.contains("certificate-authority-data"), "{err}");
}

#[test]
fn read_only_user_gets_each_missing_permission_named() {
    let env = Env::new();
    let token = env.ms.add_user(User::read_only("auditor"));
    let kc = env.kubeconfig_for("auditor", &token);
    let out = env.cmd_with(&kc).arg("doctor").output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for resource in [
        "statefulsets.apps",
        "services",
        "configmaps",
        "secrets",
        "persistentvolumeclaims",
    ] {
        let line = format!(
            "✗ may not create, patch, delete, deletecollection {resource} in namespace {}",
            env.ns()
        );
        assert!(err.contains(&line), "missing line {line:?} in\n{err}");
    }
    assert!(
        err.contains(&format!(
            "✗ may not create pods/exec in namespace {}",
            env.ns()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("✓ may get, list pods in namespace {}", env.ns())),
        "{err}"
    );
    assert!(
        err.contains(
            "6 of 14 required checks failed (16 checks: 10 passed, 6 failed, 0 warned, 0 skipped)"
        ),
        "{err}"
    );

    let out = env
        .cmd_with(&kc)
        .args(["doctor", "-o", "json"])
        .output()
        .unwrap();
    let report = json_report(&out);
    assert_eq!(report["ok"], false);
    let secrets = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "permissions/secrets")
        .unwrap();
    assert_eq!(
        secrets["missing"],
        serde_json::json!(["create", "patch", "delete", "deletecollection"])
    );
}

#[test]
fn permissions_are_asked_in_the_chosen_namespace() {
    let env = Env::new();
    let team = format!("{}-team", env.ns());
    let token = env.ms.add_user(User::new(
        "team",
        vec![
            Rule::new(&["*"], &["*"]).in_namespaces(&[&team]),
            Rule::new(&["get", "list"], &["nodes", "storageclasses"]),
        ],
    ));
    let kc = env.kubeconfig_for("team", &token);
    env.cmd_with(&kc)
        .args(["doctor", "-n", &team])
        .assert()
        .success();
    let out = env.cmd_with(&kc).arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(&format!(
        "✗ may not create, get, list, patch, delete, deletecollection secrets in namespace {}",
        env.ns()
    )));
}

#[test]
fn old_server_fails_the_version_check() {
    let env = Env::with(|c| c.server_version = Some("v1.27.16".into()));
    let out = env.cmd().arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("✗ Kubernetes v1.27.16 is too old: k0smotron needs 1.28 or newer"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn server_older_than_supported_is_a_warning() {
    let env = Env::with(|c| c.server_version = Some("v1.30.2".into()));
    let out = env.cmd().arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains(
        "! Kubernetes v1.30.2 should work, but k0smotron is built and tested for 1.33 and newer"
    ));
}

#[test]
fn missing_storage_class_and_internal_only_nodes_are_warnings() {
    // Cluster-wide: a control plane of this test's own.
    let env = Env::with(|c| {
        c.cluster = Some(ClusterOptions {
            default_storage_class: false,
            nodes: vec![NodeSpec {
                name: "n1".into(),
                internal_ip: Some("10.0.0.7".into()),
                external_ip: None,
                external_dns: None,
            }],
            ..ClusterOptions::default()
        })
    });
    let out = env.cmd().arg("doctor").output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "warnings do not fail: {err}");
    assert!(
        err.contains("! no default StorageClass: etcd storage and --persistence pvc need one"),
        "{err}"
    );
    assert!(
        err.contains("! nodes have only internal addresses; NodePort endpoints will use 10.0.0.7"),
        "{err}"
    );
    assert!(err.contains(", 2 warned, 0 skipped)"), "{err}");
}

#[test]
fn bad_input_exits_2_without_a_request() {
    let env = Env::new();
    env.ms.reset_requests();
    for (args, needle) in [
        (
            &["doctor", "-n", "Not_A_Namespace"][..],
            "-n/--namespace \"Not_A_Namespace\"",
        ),
        (
            &["doctor", "-o", "wide"][..],
            "--output wide: not supported by `doctor`",
        ),
        (&["doctor", "--connect-timeout", "5"][..], "has no unit"),
        (&["doctor", "--bogus"][..], "unexpected argument '--bogus'"),
        (
            &["doctor", "--context", "nope"][..],
            "--context: no context named \"nope\" in the kubeconfig (available: mothership)",
        ),
    ] {
        let out = env.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
    let missing = env.dir.path().join("no-such-file");
    let out = env.cmd_with(&missing).arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--kubeconfig: ") && stderr(&out).contains("does not exist"));
    assert_eq!(
        env.ms.requests().total(),
        0,
        "no request reached the mothership"
    );
}

#[test]
fn kubeconfig_list_and_context_namespace_like_kubectl() {
    let env = Env::new();
    let dir = env.dir.path();
    // The first file sets no current-context; the second points at our server with a namespace.
    let unused = dir.join("first");
    std::fs::write(
        &unused,
        "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n",
    )
    .unwrap();
    let team = dir.join("second");
    let text = std::fs::read_to_string(&env.kubeconfig).unwrap().replace(
        &format!("    namespace: {}\n", env.ns()),
        "    namespace: team-b\n",
    );
    std::fs::write(&team, text).unwrap();
    let list = std::env::join_paths([dir.join("absent"), unused, team]).unwrap();
    let out = bare(dir)
        .env("KUBECONFIG", &list)
        .args(["doctor", "-o", "json"])
        .output()
        .unwrap();
    // team-b does not exist: said, and required.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json_report(&out);
    assert_eq!(report["namespace"], "team-b");
    let check = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "namespace")
        .unwrap();
    assert_eq!(check["status"], "fail", "{check}");
    assert!(
        check["message"]
            .as_str()
            .unwrap()
            .contains("pass --create-namespace"),
        "{check}"
    );
    let out = bare(dir)
        .env("KUBECONFIG", &list)
        .args(["doctor", "-o", "json", "-n", "other"])
        .output()
        .unwrap();
    assert_eq!(json_report(&out)["namespace"], "other");
}

#[test]
fn no_kubeconfig_anywhere_says_how_to_point_at_one() {
    let home = tempfile::tempdir().unwrap();
    let out = bare(home.path()).arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no kubeconfig found")
            && stderr(&out).contains("pass --kubeconfig PATH or set KUBECONFIG"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn transient_failures_are_retried() {
    let env = Env::new();
    env.ms
        .inject(mothership::Fault::status("GET", "/version", 1, 500));
    env.ms.inject(mothership::Fault::drop_connection(
        "POST",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        3,
    ));
    env.ms
        .inject(mothership::Fault::status("GET", "/api/v1/nodes", 1, 503).retry_after(0));
    env.ms.reset_requests();
    let out = env.cmd().arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = env.ms.requests();
    assert_eq!(
        log.requests.iter().filter(|r| r.path == "/version").count(),
        2,
        "500 on /version, then success"
    );
    assert_eq!(
        log.count("create", "selfsubjectaccessreviews"),
        40,
        "the dropped review was asked again"
    );
    assert!(log.count("list", "nodes") >= 2);
}

#[test]
fn a_persistent_server_error_is_reported_after_bounded_retries() {
    let env = Env::new();
    env.ms
        .inject(mothership::Fault::status("GET", "/version", 1, 500).times(10));
    let out = env.cmd().arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("Internal error occurred: injected failure (500 InternalError)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        env.ms
            .requests()
            .requests
            .iter()
            .filter(|r| r.path == "/version")
            .count(),
        3,
        "three attempts, no more"
    );
}
