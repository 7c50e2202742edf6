//! `k0smotron list` and lifetimes (`create --ttl`, `delete --expired`) against the real
//! control plane.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::*;

fn rows(env: &Env, extra: &[&str]) -> Vec<Value> {
    let out = env
        .cmd()
        .args(["list", "-o", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn row(env: &Env, name: &str) -> Value {
    rows(env, &[])
        .into_iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("{name} listed"))
}

fn kubectl(env: &Env, args: &[&str]) {
    let out = std::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&env.kubeconfig)
        .args(args)
        .env("HOME", env.dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "kubectl {args:?}: {}", stderr(&out));
}

fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let until = std::time::Instant::now() + Duration::from_secs(30);
    while !check() {
        assert!(std::time::Instant::now() < until, "timed out: {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn none_then_a_table_json_wide_and_name() {
    let env = Env::new();
    let out = run(&env, &["list"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains(&format!(
            "No control planes found in namespace {}",
            env.ns()
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(rows(&env, &[]), Vec::<Value>::new());
    // The k0smotron operator's objects (no managed-by label) are never ours.
    env.ms.create(
        "configmaps",
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kmc-operated", "labels": {
            "app.kubernetes.io/instance": "operated", "app.kubernetes.io/component": "record", "k0smotron.io/cluster": "operated"}}}),
    );
    assert_eq!(rows(&env, &[]), Vec::<Value>::new());

    create(&env, "alpha", &[]);
    create(
        &env,
        "beta",
        &["--storage", "kine", "--no-wait", "--ttl", "2h"],
    );
    let out = run(&env, &["list"]);
    let text = stdout(&out);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "NAME", "VERSION", "READY", "STATUS", "SERVICE", "ENDPOINT", "AGE"
        ]
    );
    let alpha: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(
        &alpha[..5],
        ["alpha", "v1.36.3+k0s.2", "1/1", "Ready", "NodePort"],
        "{text}"
    );
    assert!(alpha[5].starts_with("https://203.0.113.11:"), "{text}");

    let a = row(&env, "alpha");
    assert_eq!(a["namespace"], env.ns());
    assert_eq!(a["storage"], "etcd");
    assert_eq!(a["etcdMembers"], 1);
    assert_eq!(a["expiresAt"], Value::Null);
    assert!(a["ageSeconds"].as_i64().unwrap() >= 0);
    assert!(a["createdAt"].as_str().unwrap().ends_with('Z'));
    let b = row(&env, "beta");
    assert_eq!(b["storage"], "kine");
    let created = time::OffsetDateTime::parse(
        b["createdAt"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let expires = time::OffsetDateTime::parse(
        b["expiresAt"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(expires - created, time::Duration::hours(2));

    assert_eq!(stdout(&run(&env, &["list", "-o", "name"])), "alpha\nbeta\n");
    let wide = stdout(&run(&env, &["list", "-o", "wide"]));
    assert!(
        wide.lines().next().unwrap().contains("STORAGE   IMAGE"),
        "{wide}"
    );
    assert!(wide.contains("quay.io/k0sproject/k0s"), "{wide}");
}

#[test]
fn one_wave_of_four_lists_whatever_the_count() {
    // Latency at the proxy, so that a LIST answered at once under load does not end before
    // the next is sent and count as a wave of its own.
    let env = Env::with(|c| c.latency = Duration::from_millis(100));
    create(&env, "one", &["--no-wait", "--storage", "kine"]);
    env.ms.reset_requests();
    run(&env, &["list"]);
    let with_one = env.ms.requests();
    for n in ["two", "three", "four"] {
        create(&env, n, &["--no-wait", "--storage", "kine"]);
    }
    env.ms.reset_requests();
    run(&env, &["list"]);
    let with_four = env.ms.requests();
    let lists =
        |log: &mothership::RequestLog| log.requests.iter().filter(|r| r.verb == "list").count();
    assert_eq!(lists(&with_one), 4, "{:?}", with_one.by_path());
    assert_eq!(lists(&with_four), 4);
    assert_eq!(with_one.total(), with_four.total());
    assert_eq!(with_four.waves(|r| r.verb == "list"), 1);
}

#[test]
fn names_are_listed_as_people_count() {
    let env = Env::new();
    for n in ["cp-10", "cp-2", "cp-1"] {
        create(&env, n, &["--no-wait", "--storage", "kine"]);
    }
    let out = run(&env, &["list", "-o", "name"]);
    assert_eq!(stdout(&out), "cp-1\ncp-2\ncp-10\n");
}

#[test]
fn statuses_follow_what_happens_to_the_objects() {
    let env = Env::new();
    create(&env, "shrunk", &["--storage", "kine"]);
    create(&env, "broken", &["--storage", "kine"]);
    create(&env, "old", &["--storage", "kine", "--ttl", "1h"]);
    // Scaled below what was asked, by hand.
    kubectl(
        &env,
        &["scale", "statefulset", "kmc-shrunk", "--replicas=0"],
    );
    eventually("shrunk Degraded", || {
        row(&env, "shrunk")["status"] == "Degraded"
    });
    // Part of the set deleted by hand.
    kubectl(&env, &["delete", "service", "kmc-broken-nodeport"]);
    assert_eq!(row(&env, "broken")["status"], "Incomplete");
    // A lifetime that has run out (the record made to say one second).
    kubectl(
        &env,
        &[
            "patch",
            "configmap",
            "kmc-old",
            "--type=merge",
            "-p",
            r#"{"data":{"ttlSeconds":"1"}}"#,
        ],
    );
    eventually("old Expired", || row(&env, "old")["status"] == "Expired");
    // -A sees them too, with the namespace, and those of other namespaces.
    let second = format!("{}-two", env.ns());
    create(
        &env,
        "elsewhere",
        &[
            "-n",
            &second,
            "--create-namespace",
            "--storage",
            "kine",
            "--no-wait",
        ],
    );
    let all = rows(&env, &["-A"]);
    assert!(
        all.iter()
            .any(|r| r["name"] == "old" && r["namespace"] == env.ns())
    );
    assert!(
        all.iter()
            .any(|r| r["name"] == "elsewhere" && r["namespace"] == second.as_str())
    );
    let text = stdout(&run(&env, &["list", "-A"]));
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(&header[..2], ["NAMESPACE", "NAME"], "as kubectl: {text}");

    // The janitor: a dry run names it, then only the expired one goes.
    let out = run(&env, &["delete", "--expired", "--dry-run"]);
    assert_eq!(stdout(&out), format!("{}/old\n", env.ns()));
    let out = run(&env, &["delete", "--expired"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let left: Vec<String> = rows(&env, &[])
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(left, ["broken", "shrunk"]);
    assert_eq!(
        run(&env, &["delete", "old", "-A"]).status.code(),
        Some(2),
        "-A only with --expired or --all"
    );
}

#[test]
fn status_of_a_healthy_and_a_broken_control_plane() {
    let env = Env::new();
    create(&env, "fine", &[]);
    let out = run(&env, &["status"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!(
            "Control plane fine in namespace {}: Ready: 1/1 controllers Ready at https://",
            env.ns()
        )),
        "{text}"
    );
    for line in [
        "  ✓ StatefulSet/kmc-fine-etcd",
        "  ✓ ConfigMap/kmc-fine-endpoint",
        "  ✓ Secret/fine-ca until ",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
    assert!(
        text.contains("kmc-fine-0") && text.contains("Running") && text.contains("node-"),
        "{text}"
    );

    // A kubeconfig Secret renewed for only ten days is warned about; still Ready.
    let out = run(
        &env,
        &["kubeconfig", "fine", "--refresh-secret", "--expiry", "10d"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&env, &["status", "fine", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cert = report["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["certificate"] == "Secret/fine-kubeconfig client certificate")
        .unwrap();
    assert_eq!(cert["warn"], true);
    assert!(cert["daysLeft"].as_i64().unwrap() <= 10);
    assert!(
        report["verdict"]
            .as_str()
            .unwrap()
            .contains("expiring within 30 days: Secret/fine-kubeconfig client certificate"),
        "{report}"
    );

    kubectl(&env, &["delete", "statefulset", "kmc-fine-etcd"]);
    let out = run(&env, &["status", "fine"]);
    assert_eq!(out.status.code(), Some(1), "not Ready is exit 1");
    let text = stdout(&out);
    assert!(
        text.contains("Incomplete: missing: etcd StatefulSet"),
        "{text}"
    );
    assert!(
        text.contains("  ✗ StatefulSet/kmc-fine-etcd (missing)"),
        "{text}"
    );
    let out = run(&env, &["status", "nothing"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no control plane nothing in namespace"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_crash_looping_pod_is_failed() {
    let env = Env::new();
    // kwok makes the pods of this control plane crash-loop instead of Ready.
    let out = env
        .cmd()
        .args([
            "create",
            "crashy",
            "--key-algorithm",
            "ecdsa-p256",
            "--storage",
            "kine",
            "--timeout",
            "5m",
        ])
        .args(["--annotation", "mothership.k0smotron.dev/crash-loop=yes"])
        .output()
        .unwrap();
    // A container that has exited three times ends the wait at once, well before 5m.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "container controller of pod kmc-crashy-0 keeps exiting (CrashLoopBackOff, restarted 5 times)"
        ),
        "{}",
        stderr(&out)
    );
    eventually("crashy Failed", || {
        row(&env, "crashy")["status"] == "Failed"
    });
    assert_eq!(
        row(&env, "crashy")["reason"],
        "kmc-crashy-0 CrashLoopBackOff"
    );
    let out = run(&env, &["status", "crashy"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("Failed: kmc-crashy-0 CrashLoopBackOff"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn listing_two_hundred_costs_what_listing_one_does() {
    // With no latency, a LIST answered at once under load could end before the next one
    // was sent, and count as a wave of its own (seen once in 12 runs on a loaded machine).
    let env = Env::with(|c| c.latency = Duration::from_millis(100));
    let record = |name: &str| {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("kmc-{name}"), "labels": {
            "app.kubernetes.io/managed-by": "k0smotron", "app.kubernetes.io/instance": name,
            "app.kubernetes.io/component": "record", "k0smotron.io/cluster": name}},
            "data": {"cluster.yaml": "spec:\n  replicas: 1\n  version: v1.36.3+k0s.2\n  service: {type: NodePort}\n  storage: {type: kine}\n", "endpoint": "https://192.0.2.1:30443"}})
    };
    env.ms.create("configmaps", record("cp-0"));
    env.ms.reset_requests();
    assert_eq!(rows(&env, &[]).len(), 1);
    let one = env.ms.requests();
    // Records alone are enough for the count (their sets are missing: Incomplete).
    for i in 1..200 {
        env.ms.create("configmaps", record(&format!("cp-{i}")));
    }
    env.ms.reset_requests();
    let listed = rows(&env, &[]);
    assert_eq!(listed.len(), 200);
    assert!(listed.iter().all(|r| r["status"] == "Incomplete"));
    let many = env.ms.requests();
    assert_eq!(
        one.total(),
        many.total(),
        "{:?} vs {:?}",
        one.by_path(),
        many.by_path()
    );
    assert_eq!(many.waves(|r| r.verb == "list"), 1);
}
