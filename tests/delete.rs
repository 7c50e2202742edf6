//! `k0smotron delete` and `k0smotron wait` against the real control plane (its garbage
//! collector and StatefulSet controller included).

mod support;

use std::time::{Duration, Instant};

use mothership::{Config, Fault};
use serde_json::json;
use support::*;

const SELECTOR_KEY: &str = "k0smotron.io/cluster";

fn ours(env: &Env, name: &str) -> Vec<String> {
    let mut left: Vec<String> = env
        .ms
        .labelled(SELECTOR_KEY, name)
        .into_iter()
        .filter(|o| !o.starts_with("Event/"))
        .collect();
    left.sort();
    left
}

#[test]
fn delete_removes_everything_and_leaves_foreign_objects() {
    let env = Env::new();
    create(&env, "doomed", &[]);
    // Not ours: the cluster label without managed-by, and an unlabelled object.
    env.ms.create(
        "configmaps",
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "doomed-notes", "labels": {SELECTOR_KEY: "doomed"}}}),
    );
    env.ms.create(
        "secrets",
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "doomed-ca-backup"}}),
    );
    env.ms.reset_requests();
    let out = run(&env, &["delete", "doomed"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "persistentvolumeclaims (data: deleted with them): etcd-data-kmc-doomed-etcd-0"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        ours(&env, "doomed"),
        vec!["ConfigMap/doomed-notes".to_string()]
    );
    let secrets = env.ms.objects("secrets");
    assert!(
        secrets
            .iter()
            .any(|s| s["metadata"]["name"] == "doomed-ca-backup")
    );
    // One collection delete per kind, never one call per object.
    let log = env.ms.requests();
    assert_eq!(
        log.count("delete", "configmaps") + log.count("delete", "secrets"),
        0
    );
    for kind in [
        "statefulsets",
        "services",
        "configmaps",
        "secrets",
        "persistentvolumeclaims",
    ] {
        assert_eq!(
            log.count("deletecollection", kind),
            1,
            "{kind}: {:?}",
            log.by_path()
        );
    }
}

#[test]
fn create_refuses_the_claims_that_delete_keep_data_left_until_they_go() {
    let env = Env::new();
    create(&env, "again", &["--no-wait"]);
    let out = run(&env, &["delete", "again", "--keep-data"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    env.ms.reset_requests();
    let out = run(
        &env,
        &[
            "create",
            "again",
            "--no-wait",
            "--key-algorithm",
            "ecdsa-p256",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    for needle in [
        "control plane again was deleted with --keep-data",
        "etcd-data-kmc-again-etcd-0",
        "new certificate authorities",
        &format!("k0smotron -n {} delete again", env.ns()),
    ] {
        assert!(err.contains(needle), "{needle:?} not in {err}");
    }
    let writes = env
        .ms
        .requests()
        .requests
        .iter()
        .filter(|r| r.verb != "get" && r.verb != "list" && r.verb != "watch")
        .count();
    assert_eq!(writes, 0, "nothing is written");
    assert_eq!(
        ours(&env, "again"),
        vec!["PersistentVolumeClaim/etcd-data-kmc-again-etcd-0".to_string()]
    );
    // The way out the message names: the claims go, and the name is free again.
    let out = run(&env, &["delete", "again"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    create(&env, "again", &["--no-wait"]);
}

#[test]
fn keep_data_not_found_and_names_are_required() {
    let env = Env::new();
    create(&env, "kept", &[]);
    // --dry-run says what would go and deletes nothing.
    let before = ours(&env, "kept");
    let out = run(&env, &["delete", "kept", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("statefulsets: kmc-kept")
            && stderr(&out).contains("nothing was deleted"),
        "{}",
        stderr(&out)
    );
    assert_eq!(ours(&env, "kept"), before);
    let out = run(&env, &["delete", "kept", "--keep-data"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        ours(&env, "kept"),
        vec!["PersistentVolumeClaim/etcd-data-kmc-kept-etcd-0".to_string()]
    );
    // The claim alone is what is left; deleting again takes it.
    let out = run(&env, &["delete", "kept"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(ours(&env, "kept").is_empty());
    let out = run(&env, &["delete", "kept"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no control plane kept in namespace"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        run(&env, &["delete", "kept", "--ignore-not-found"])
            .status
            .code(),
        Some(0)
    );
    env.ms.reset_requests();
    assert_eq!(
        run(&env, &["delete"]).status.code(),
        Some(2),
        "delete never guesses"
    );
    assert_eq!(
        run(&env, &["delete", "--all"]).status.code(),
        Some(2),
        "--all needs --yes"
    );
    assert_eq!(run(&env, &["delete", "Bad_Name"]).status.code(), Some(2));
    assert_eq!(env.ms.requests().total(), 0);
}

#[test]
fn all_with_yes_and_a_created_namespace_goes_too() {
    let env = Env::new();
    let fresh = format!("{}-own", env.ns());
    create(
        &env,
        "a",
        &["-n", &fresh, "--create-namespace", "--no-wait"],
    );
    create(&env, "b", &["-n", &fresh, "--no-wait", "--storage", "kine"]);
    let out = run(&env, &["-n", &fresh, "delete", "--all", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("Removed namespace {fresh}")),
        "{}",
        stderr(&out)
    );
    let until = Instant::now() + Duration::from_secs(30);
    while env
        .ms
        .objects("namespaces")
        .iter()
        .any(|n| n["metadata"]["name"] == fresh.as_str() && n["status"]["phase"] != "Terminating")
    {
        assert!(Instant::now() < until, "namespace still there");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_failure_at_every_delete_is_finished_by_running_again() {
    for kind in [
        "apis/apps/v1/namespaces/NS/statefulsets",
        "api/v1/namespaces/NS/services",
        "api/v1/namespaces/NS/configmaps",
        "api/v1/namespaces/NS/secrets",
        "api/v1/namespaces/NS/persistentvolumeclaims",
    ] {
        let env = Env::new();
        create(&env, "flaky", &[]);
        env.ms.create(
            "configmaps",
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "bystander"}}),
        );
        let path = format!("/{}", kind.replace("NS", env.ns()));
        env.ms.inject(Fault::status("DELETE", &path, 1, 500));
        let out = run(&env, &["delete", "flaky"]);
        assert_eq!(out.status.code(), Some(1), "{kind}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("failed; left: "),
            "{kind}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains(&format!(
                "run `{}` again to finish",
                hint(&env, "delete flaky")
            )),
            "{kind}: {}",
            stderr(&out)
        );
        env.ms.clear_faults();
        // The garbage collector may have finished the job already (the record owns the
        // rest), so the rerun accepts finding nothing.
        let out = run(&env, &["delete", "flaky", "--ignore-not-found"]);
        assert_eq!(out.status.code(), Some(0), "{kind} rerun: {}", stderr(&out));
        assert!(
            ours(&env, "flaky").is_empty(),
            "{kind}: {:?}",
            ours(&env, "flaky")
        );
        assert!(
            env.ms
                .objects("configmaps")
                .iter()
                .any(|c| c["metadata"]["name"] == "bystander")
        );
    }
}

#[test]
fn on_a_terminal_it_asks_and_no_means_nothing() {
    let env = Env::new();
    create(&env, "asked", &["--no-wait"]);
    // `--no-wait` returns before the StatefulSet controller makes etcd's claim; the prompt
    // below lists it, so wait for it (under load in CI it came after the prompt once).
    eventually(60, "etcd's claim", || {
        ours(&env, "asked")
            .contains(&"PersistentVolumeClaim/etcd-data-kmc-asked-etcd-0".to_string())
    });
    // `script` gives the command a pseudo-terminal; "n" answers the prompt.
    let cmd = format!(
        "{} --kubeconfig {} delete asked",
        assert_cmd::cargo::cargo_bin("k0smotron").display(),
        env.kubeconfig.display()
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("printf 'n\\r' | script -qec '{cmd}' /dev/null"))
        .env("HOME", env.dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        text.contains("Delete asked and everything listed?"),
        "{text}"
    );
    assert!(text.contains("Nothing was deleted"), "{text}");
    assert!(!text.contains("error:"), "a no is an answer: {text}");
    assert_eq!(out.status.code(), Some(0), "{text}");
    // One line per kind, the claims called out as data.
    assert!(
        text.contains("\n  statefulsets: kmc-asked, kmc-asked-etcd"),
        "{text}"
    );
    assert!(
        text.contains(
            "\n  persistentvolumeclaims (data: deleted with them): etcd-data-kmc-asked-etcd-0"
        ),
        "{text}"
    );
    assert!(
        ours(&env, "asked")
            .iter()
            .any(|o| o == "ConfigMap/kmc-asked")
    );
}

#[test]
fn wait_for_ready_for_deleted_and_timeouts() {
    let env = Env::new();
    create(&env, "later", &["--no-wait"]);
    let out = run(&env, &["wait", "later", "--timeout", "1m"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Control plane later serves at https://"),
        "{}",
        stderr(&out)
    );
    let out = run(&env, &["wait", "missing"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        run(&env, &["wait", "missing", "--for", "deleted"])
            .status
            .code(),
        Some(0)
    );
    // --wait=false returns once the deletes are accepted: no polling, a few waves.
    env.ms.reset_requests();
    let out = run(&env, &["delete", "later", "--wait=false"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = env.ms.requests();
    assert_eq!(
        log.count("deletecollection", "persistentvolumeclaims"),
        1,
        "{:?}",
        log.requests
    );
    let waves = log.waves(|_| true);
    assert!(waves <= 5, "{waves} waves: {:?}", log.requests);
    let out = run(
        &env,
        &["wait", "later", "--for", "deleted", "--timeout", "1m"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(ours(&env, "later").is_empty());

    let stuck = Env::with(|c: &mut Config| c.pods_ready = false);
    create(&stuck, "never", &["--no-wait"]);
    let out = run(&stuck, &["wait", "never", "--timeout", "5s"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("kmc-never-0 Pending"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_merged_kubeconfig_entry_goes_with_it() {
    let env = Env::new();
    create(&env, "tidy", &["--no-wait"]);
    create(&env, "other", &["--no-wait", "--storage", "kine"]);
    // Both merged into the kubeconfig in use (here the mothership's own file).
    for name in ["tidy", "other"] {
        let out = run(&env, &["kubeconfig", name, "--merge"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let out = run(&env, &["delete", "tidy"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Removed k0smotron-tidy from"),
        "{}",
        stderr(&out)
    );
    let text = std::fs::read_to_string(&env.kubeconfig).unwrap();
    assert!(!text.contains("k0smotron-tidy"), "{text}");
    assert!(text.contains("name: k0smotron-other"), "{text}");
    assert!(text.contains("current-context: mothership"), "{text}");
    // The harness's own context still works.
    assert_eq!(run(&env, &["list", "-o", "name"]).status.code(), Some(0));
}
