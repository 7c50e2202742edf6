//! `k0smotron pause` and `resume` against the real StatefulSet controller.

mod support;

use std::collections::BTreeMap;

use mothership::Fault;
use support::*;

/// uid of each Secret, ConfigMap and claim of the control plane.
fn uids(env: &Env, name: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for plural in ["secrets", "configmaps", "persistentvolumeclaims"] {
        for o in env.ms.objects(plural) {
            if o["metadata"]["labels"]["k0smotron.io/cluster"] == name {
                out.insert(
                    format!("{plural}/{}", o["metadata"]["name"].as_str().unwrap()),
                    o["metadata"]["uid"].as_str().unwrap().to_string(),
                );
            }
        }
    }
    out
}

fn status_of(env: &Env, name: &str) -> String {
    let out = run(env, &["list", "-o", "json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    rows.iter()
        .find(|r| r["name"] == name)
        .map(|r| r["status"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

#[test]
fn pause_keeps_everything_and_resume_returns_to_ready() {
    let env = Env::new();
    create(&env, "nap", &[]);
    let before = uids(&env, "nap");
    assert!(
        before
            .keys()
            .any(|k| k.starts_with("persistentvolumeclaims/"))
    );
    let out = run(&env, &["pause", "nap"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("returns to 1 controller and 1 etcd member"),
        "{}",
        stderr(&out)
    );
    assert!(env.ms.objects("pods").is_empty(), "no pods while paused");
    assert_eq!(status_of(&env, "nap"), "Paused");
    assert_eq!(
        uids(&env, "nap"),
        before,
        "Secrets, ConfigMaps and claims kept"
    );
    // Pausing again is harmless.
    assert_eq!(run(&env, &["pause", "nap"]).status.code(), Some(0));

    let out = run(&env, &["resume", "nap"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Control plane nap serves at"),
        "{}",
        stderr(&out)
    );
    assert_eq!(status_of(&env, "nap"), "Ready");
    assert_eq!(uids(&env, "nap"), before);
    let out = run(&env, &["resume", "nap"]);
    assert!(stderr(&out).contains("nap is not paused; nothing to do"));
}

#[test]
fn sqlite_on_an_empty_dir_is_refused_without_force() {
    let env = Env::new();
    create(&env, "fragile", &["--storage", "kine", "--no-wait"]);
    let out = run(&env, &["pause", "fragile"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("SQLite on an emptyDir volume"),
        "{}",
        stderr(&out)
    );
    assert_ne!(status_of(&env, "fragile"), "Paused", "nothing was changed");
    let out = run(&env, &["pause", "fragile", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(status_of(&env, "fragile"), "Paused");
}

#[test]
fn an_interrupted_pause_is_finished_by_running_it_again() {
    let env = Env::new();
    create(&env, "halfway", &[]);
    let path = format!(
        "/apis/apps/v1/namespaces/{}/statefulsets/kmc-halfway-etcd",
        env.ns()
    );
    env.ms.inject(Fault::status("PATCH", &path, 1, 500));
    let out = run(&env, &["pause", "halfway"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        status_of(&env, "halfway"),
        "Paused",
        "the record says so first"
    );
    env.ms.clear_faults();
    let out = run(&env, &["pause", "halfway"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(env.ms.objects("pods").is_empty());
    let out = run(&env, &["resume", "halfway"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(status_of(&env, "halfway"), "Ready");
}

fn sts_replicas(env: &Env, name: &str) -> i64 {
    env.ms
        .objects("statefulsets")
        .into_iter()
        .find(|s| s["metadata"]["name"] == name)
        .and_then(|s| s["spec"]["replicas"].as_i64())
        .unwrap_or(-1)
}

#[test]
fn scale_grows_etcd_one_member_at_a_time_and_never_shrinks_it() {
    let env = Env::new();
    create(&env, "grow", &[]);
    env.ms.reset_requests();
    let out = run(&env, &["scale", "grow", "--replicas", "3"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let two = err
        .find("Adding etcd member 2 of 3")
        .expect("member 2 first");
    let three = err
        .find("Adding etcd member 3 of 3")
        .expect("then member 3");
    assert!(two < three, "{err}");
    // One patch per member, each after the previous was Ready.
    let path = format!(
        "/apis/apps/v1/namespaces/{}/statefulsets/kmc-grow-etcd",
        env.ns()
    );
    let patches: Vec<_> = env
        .ms
        .requests()
        .requests
        .into_iter()
        .filter(|r| r.method == "PATCH" && r.path == path)
        .collect();
    assert_eq!(patches.len(), 2, "{patches:?}");
    assert_eq!(
        (
            sts_replicas(&env, "kmc-grow"),
            sts_replicas(&env, "kmc-grow-etcd")
        ),
        (3, 3)
    );
    let etcd = env
        .ms
        .objects("statefulsets")
        .into_iter()
        .find(|s| s["metadata"]["name"] == "kmc-grow-etcd")
        .unwrap();
    let env_var = &etcd["spec"]["template"]["spec"]["containers"][0]["env"][0];
    assert_eq!(env_var["name"], "ETCD_INITIAL_CLUSTER");
    assert_eq!(
        env_var["value"]
            .as_str()
            .unwrap()
            .matches("=https://")
            .count(),
        3
    );
    let row = run(&env, &["export", "grow", "-o", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&row.stdout).unwrap();
    assert_eq!(doc["spec"]["replicas"], 3, "the record follows");

    let out = run(&env, &["scale", "grow", "--replicas", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        (
            sts_replicas(&env, "kmc-grow"),
            sts_replicas(&env, "kmc-grow-etcd")
        ),
        (1, 3),
        "etcd never shrinks"
    );
}

#[test]
fn scale_refuses_what_cannot_work() {
    let env = Env::new();
    create(&env, "lite", &["--storage", "kine", "--no-wait"]);
    let out = run(&env, &["scale", "lite", "--replicas", "2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("SQLite, which holds one writer"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        run(&env, &["scale", "lite", "--replicas", "0"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(sts_replicas(&env, "kmc-lite"), 1, "nothing changed");
}

fn image_of(env: &Env, sts: &str, container: usize) -> String {
    env.ms
        .objects("statefulsets")
        .into_iter()
        .find(|s| s["metadata"]["name"] == sts)
        .map(|s| {
            s["spec"]["template"]["spec"]["containers"][container]["image"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .unwrap_or_default()
}

#[test]
fn upgrade_rolls_the_controllers_one_minor_at_a_time() {
    let env = Env::new();
    create(&env, "up", &["--version", "v1.35.7+k0s.0"]);
    // Two minors, a downgrade: refused, nothing changed.
    for (v, why) in [
        ("v1.37.1+k0s.0", "one minor version at a time"),
        ("v1.34.2+k0s.0", "older"),
    ] {
        let out = run(&env, &["upgrade", "up", "--version", v]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains(why), "{}", stderr(&out));
    }
    assert_eq!(
        image_of(&env, "kmc-up", 0),
        "quay.io/k0sproject/k0s:v1.35.7-k0s.0"
    );
    // An interrupted upgrade (the StatefulSet patch fails) is finished by running it again.
    let path = format!("/apis/apps/v1/namespaces/{}/statefulsets/kmc-up", env.ns());
    env.ms.inject(Fault::status("PATCH", &path, 1, 500));
    let out = run(&env, &["upgrade", "up", "--version", "v1.36.3+k0s.2"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // The record and the StatefulSet disagree: Progressing, naming what differs.
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&run(&env, &["list", "-o", "json"]).stdout).unwrap();
    let row = rows.iter().find(|r| r["name"] == "up").unwrap();
    assert_eq!(row["status"], "Progressing");
    assert!(row["reason"].as_str().unwrap().contains("runs quay.io/k0sproject/k0s:v1.35.7-k0s.0, the record asks for quay.io/k0sproject/k0s:v1.36.3-k0s.2"), "{row}");
    env.ms.clear_faults();
    let out = run(&env, &["upgrade", "up", "--version", "v1.36.3+k0s.2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        image_of(&env, "kmc-up", 0),
        "quay.io/k0sproject/k0s:v1.36.3-k0s.2"
    );
    // The pods were rolled (kwok reports the image of the template they run).
    let pod = env
        .ms
        .objects("pods")
        .into_iter()
        .find(|p| p["metadata"]["name"] == "kmc-up-0")
        .unwrap();
    assert_eq!(
        pod["spec"]["containers"][0]["image"],
        "quay.io/k0sproject/k0s:v1.36.3-k0s.2"
    );
    assert_eq!(
        image_of(&env, "kmc-up-etcd", 0),
        "quay.io/k0sproject/etcd:v3.7.1",
        "etcd untouched"
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&run(&env, &["export", "up", "-o", "json"]).stdout).unwrap();
    assert_eq!(
        doc["spec"]["version"], "v1.36.3+k0s.2",
        "the record follows"
    );
    let out = run(&env, &["upgrade", "up", "--version", "v1.36.3+k0s.2"]);
    assert!(
        stderr(&out).contains("already runs v1.36.3+k0s.2; nothing to do"),
        "{}",
        stderr(&out)
    );
    // --force allows a downgrade; etcd goes one minor at a time.
    let out = run(
        &env,
        &[
            "upgrade",
            "up",
            "--version",
            "v1.35.7+k0s.0",
            "--force",
            "--no-wait",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&env, &["upgrade", "up", "--etcd-version", "v3.9.0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("etcd upgrades one minor version at a time"),
        "{}",
        stderr(&out)
    );
    let out = run(&env, &["upgrade", "up", "--etcd-version", "v3.7.2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        image_of(&env, "kmc-up-etcd", 0),
        "quay.io/k0sproject/etcd:v3.7.2"
    );
}

#[test]
fn an_upgrade_that_fails_at_the_record_changes_nothing() {
    let env = Env::new();
    create(
        &env,
        "safe",
        &[
            "--version",
            "v1.35.7+k0s.0",
            "--storage",
            "kine",
            "--no-wait",
        ],
    );
    let path = format!("/api/v1/namespaces/{}/configmaps/kmc-safe", env.ns());
    env.ms.inject(Fault::status("PATCH", &path, 1, 500));
    let out = run(&env, &["upgrade", "safe", "--version", "v1.36.3+k0s.2"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        image_of(&env, "kmc-safe", 0),
        "quay.io/k0sproject/k0s:v1.35.7-k0s.0"
    );
    env.ms.clear_faults();
    let out = run(&env, &["upgrade", "safe", "--version", "v1.36.3+k0s.2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        image_of(&env, "kmc-safe", 0),
        "quay.io/k0sproject/k0s:v1.36.3-k0s.2"
    );
}

#[test]
fn a_paused_control_plane_is_said_at_once_by_wait_token_and_kubeconfig() {
    let env = Env::new();
    create(&env, "nap", &["--no-wait"]);
    assert_eq!(run(&env, &["pause", "nap"]).status.code(), Some(0));
    let said = format!(
        "control plane nap is paused (no pods run); `{}` brings it back",
        hint(&env, "resume nap")
    );
    for args in [
        &["wait", "nap", "--timeout", "60s"][..],
        &["token", "worker", "nap", "--timeout", "60s"][..],
    ] {
        let started = std::time::Instant::now();
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(&said), "{args:?}: {}", stderr(&out));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{args:?} took {:?}",
            started.elapsed()
        );
    }
    let out = run(&env, &["kubeconfig", "nap"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "control plane nap is paused: this kubeconfig works once `{}` brings it back",
            hint(&env, "resume nap")
        )),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("current-context: k0smotron-nap"));
    // Waiting for it to go is still a wait.
    let out = run(
        &env,
        &["wait", "nap", "--for", "deleted", "--timeout", "2s"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

#[test]
fn hints_carry_the_flags_that_run_them_as_printed() {
    let env = Env::new();
    create(&env, "flags", &["--no-wait"]);
    let out = run(&env, &["--context", "mothership", "pause", "flags"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = format!(
        "`k0smotron --kubeconfig {} --context mothership -n {} resume flags`",
        env.kubeconfig.display(),
        env.ns()
    );
    assert!(stderr(&out).contains(&printed), "{}", stderr(&out));
    // Run as printed, it works.
    let command = printed.trim_matches('`');
    let words: Vec<&str> = command.split_whitespace().skip(1).collect();
    let again = support::bare(env.dir.path()).args(&words).output().unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
}

#[test]
fn scale_says_what_happens_to_etcd_in_plain_numbers() {
    let env = Env::new();
    create(&env, "grow", &["--no-wait"]);
    let out = run(&env, &["scale", "grow", "--replicas", "2"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "etcd keeps 3 members: an odd count for its quorum, and members are only ever added"
        ),
        "{err}"
    );
    assert!(
        err.contains("Waiting for 2 controller replicas of grow"),
        "{err}"
    );
    assert!(!err.contains("(s)"), "{err}");
}
