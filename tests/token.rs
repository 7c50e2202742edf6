//! `k0smotron token`: join tokens through exec into a Ready controller pod of the real
//! control plane (kwok's kubelet runs `k0s`, which the harness answers in k0s's formats).

mod support;

use std::time::{Duration, Instant};

use base64::Engine;
use mothership::{Config, Rule, User};
use serde_json::Value;
use support::*;

fn token(env: &Env, args: &[&str]) -> std::process::Output {
    env.cmd().arg("token").args(args).output().unwrap()
}

fn listed(env: &Env, name: &str) -> Vec<Value> {
    let out = env
        .cmd()
        .args(["token", "list", name, "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
}

#[test]
fn a_worker_token_carries_the_ca_and_the_endpoint_and_can_be_listed_and_invalidated() {
    let env = Env::new();
    create(&env, "edge", &[]);
    env.ms.reset_requests();
    let out = token(&env, &["worker", "--expiry", "2h"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(
        printed.ends_with('\n') && printed.trim().lines().count() == 1,
        "{printed:?}"
    );
    assert!(
        stderr(&out).contains("k0s install worker --token-file FILE")
            && stderr(&out).contains("k0s v1.36.3+k0s.2"),
        "{}",
        stderr(&out)
    );
    // base64 -d | gunzip, as a user checks it.
    let kubeconfig = mothership::k0s::decode_join_token(&printed).unwrap();
    let endpoint = record(&env, "edge")["data"]["endpoint"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        kubeconfig.contains(&format!("server: {endpoint}\n")),
        "{kubeconfig}"
    );
    assert!(
        kubeconfig.contains(&format!(
            "certificate-authority-data: {}\n",
            ca_of(&env, "edge")
        )),
        "{kubeconfig}"
    );
    assert!(
        kubeconfig.contains("- name: kubelet-bootstrap\n"),
        "{kubeconfig}"
    );
    // Two reads and the pod list in one wave, then one exec.
    let log = env.ms.requests();
    assert_eq!(
        log.count("create", "pods/exec") + log.count("get", "pods/exec"),
        1,
        "{:?}",
        log.by_path()
    );

    let id = mothership::k0s::join_token_id(&kubeconfig).expect("a bootstrap token");
    let rows = listed(&env, "edge");
    let row = rows
        .iter()
        .find(|r| r["id"] == id.as_str())
        .expect("listed");
    assert_eq!(row["role"], "worker");
    // The expiry reached k0s: about two hours from now.
    let expires = time::OffsetDateTime::parse(
        row["expiresAt"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let left = expires - time::OffsetDateTime::now_utc();
    assert!(
        left > time::Duration::minutes(118) && left <= time::Duration::minutes(121),
        "{left}"
    );

    let out = token(&env, &["invalidate", "edge", &id]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("token {id} invalidated")));
    assert!(listed(&env, "edge").iter().all(|r| r["id"] != id.as_str()));
    let out = token(&env, &["invalidate", "edge", &id]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("has no token {id}")),
        "{}",
        stderr(&out)
    );
    token(&env, &["invalidate", "edge", &id, "--ignore-not-found"]);
}

#[test]
fn controller_tokens_are_refused_and_the_long_form_gives_worker_tokens() {
    let env = Env::new();
    create(&env, "ha", &[]);
    // A controller token names k0s's join API on port 9443, which nothing exposes: none is
    // printed, nothing is asked of the mothership, and the message says how to add one.
    env.ms.reset_requests();
    for args in [
        &["token", "controller", "ha"][..],
        &["join-token", "ha", "--role", "controller"][..],
    ] {
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{args:?}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains("join API (port 9443"), "{err}");
        assert!(err.contains("k0smotron scale ha --replicas N"), "{err}");
    }
    assert_eq!(env.ms.requests().total(), 0);

    let out = env
        .cmd()
        .args(["join-token", "ha", "--role", "worker", "--expiry", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("this token never expires"),
        "{}",
        stderr(&out)
    );
    let kubeconfig = mothership::k0s::decode_join_token(&stdout(&out)).unwrap();
    assert!(
        kubeconfig.contains("- name: kubelet-bootstrap\n"),
        "{kubeconfig}"
    );
    let rows = listed(&env, "ha");
    assert!(
        rows.iter()
            .any(|r| r["role"] == "worker" && r["expiresAt"] == ""),
        "{rows:?}"
    );
}

#[test]
fn name_is_needed_unless_there_is_exactly_one() {
    let env = Env::new();
    env.ms.reset_requests();
    let out = token(&env, &["worker"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("there is no control plane in namespace"),
        "{}",
        stderr(&out)
    );
    create(&env, "one", &[]);
    assert_eq!(token(&env, &["worker"]).status.code(), Some(0));
    create(&env, "two", &[]);
    let out = token(&env, &["worker"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("has 2 control planes (one, two)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_input_exits_2_without_a_request() {
    let env = Env::new();
    env.ms.reset_requests();
    for (args, needle) in [
        (
            &["worker", "x", "--expiry", "500d"][..],
            "--expiry: \"500d\" is longer than a year",
        ),
        (&["worker", "x", "--expiry", "soon"][..], "--expiry:"),
        (
            &["worker", "x", "-o", "json"][..],
            "`token list` takes -o json|yaml",
        ),
        (&["invalidate", "x", "Not-An-Id"][..], "ID \"Not-An-Id\""),
    ] {
        let out = token(&env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
    let out = token(&env, &["invalidate", "x"]);
    assert_eq!(out.status.code(), Some(2), "clap wants an ID");
    assert_eq!(env.ms.requests().total(), 0);
}

#[test]
fn without_a_ready_pod_it_waits_then_names_the_pods() {
    let env = Env::with(|c: &mut Config| c.pods_ready = false);
    let out = env
        .cmd()
        .args([
            "create",
            "stuck",
            "--no-wait",
            "--key-algorithm",
            "ecdsa-p256",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let start = Instant::now();
    let out = token(&env, &["worker", "stuck", "--timeout", "5s"]);
    assert!(start.elapsed() >= Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no Ready controller pod of stuck after 5s (kmc-stuck-0 Pending)"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn exec_refused_by_rbac_names_pods_exec() {
    let env = Env::new();
    create(&env, "locked", &[]);
    let ns = env.ms.namespace().to_string();
    let bearer = env.ms.add_user(User::new(
        "no-exec",
        vec![Rule::new(&["get", "list", "watch"], &["*"]).in_namespaces(&[&ns])],
    ));
    let kc = env.kubeconfig_for("no-exec", &bearer);
    let out = env
        .cmd_with(&kc)
        .args(["token", "worker", "locked"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("may not create pods/exec in namespace {ns}")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn what_k0s_printed_is_checked_and_the_server_rewritten() {
    let env = Env::new();
    // The harness's k0s prints this instead of a token in pods annotated so.
    create(
        &env,
        "garbled",
        &[
            "--annotation",
            "mothership.k0smotron.dev/k0s-token-output=Error: out of tokens",
        ],
    );
    let out = token(&env, &["worker", "garbled"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("k0s printed something that is not a worker join token"),
        "{err}"
    );
    assert!(err.contains("Error: out of tokens"), "{err}");
    assert!(out.stdout.is_empty());

    // ClusterIP: the Service's cluster IP is k0s's external address, so the token names it
    // as k0s printed it.
    create(&env, "inside", &["--service-type", "ClusterIP"]);
    let out = token(&env, &["worker", "inside"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let kubeconfig = mothership::k0s::decode_join_token(&stdout(&out)).unwrap();
    let cluster_ip = |svc: &str| {
        env.ms
            .objects("services")
            .into_iter()
            .find(|s| s["metadata"]["name"] == svc)
            .unwrap()["spec"]["clusterIP"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let endpoint = format!("https://{}:30443", cluster_ip("kmc-inside"));
    assert!(
        kubeconfig.contains(&format!("server: {endpoint}\n")),
        "{kubeconfig}"
    );
    // With node-local load balancing k0s gets no external address and names the pod's IP:
    // the token is pointed at the recorded endpoint and encoded again.
    let config = env.dir.path().join("nllb.yaml");
    std::fs::write(
        &config,
        "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nspec:\n  network:\n    nodeLocalLoadBalancing: {enabled: true}\n",
    )
    .unwrap();
    create(
        &env,
        "nllb",
        &[
            "--service-type",
            "ClusterIP",
            "--k0s-config",
            config.to_str().unwrap(),
        ],
    );
    let out = env
        .cmd()
        .args(["-v", "token", "worker", "nllb"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("k0s named another server"),
        "{}",
        stderr(&out)
    );
    let kubeconfig = mothership::k0s::decode_join_token(&stdout(&out)).unwrap();
    let endpoint = format!("https://{}:30443", cluster_ip("kmc-nllb"));
    assert!(
        kubeconfig.contains(&format!("server: {endpoint}\n")),
        "{kubeconfig}"
    );
    let gz = base64::engine::general_purpose::STANDARD
        .decode(stdout(&out).trim())
        .unwrap();
    assert_eq!(&gz[..3], &[0x1f, 0x8b, 0x08], "gzip as k0s writes it");
}

#[test]
fn a_missing_name_fails_at_once_with_close_matches_and_other_namespaces() {
    let env = Env::new();
    create(&env, "mycluster", &["--no-wait"]);
    let other = format!("{}-other", env.ns());
    create(
        &env,
        "elsewhere",
        &["--no-wait", "-n", &other, "--create-namespace"],
    );
    let started = Instant::now();
    let out = token(&env, &["worker", "mycluste"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "no control plane mycluste in namespace {}; did you mean mycluster?",
            env.ns()
        )),
        "{err}"
    );
    let out = token(&env, &["worker", "elsewhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!(
            "namespace {other} has one of that name (-n {other})"
        )),
        "{}",
        stderr(&out)
    );
    let out = run(&env, &["status", "nothing-like-it"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!(
            "create it with `k0smotron -n {} create nothing-like-it`",
            env.ns()
        )),
        "{}",
        stderr(&out)
    );
}
