//! The mothership is never lost: `connect`/`disconnect`, `kubeconfig --merge`, `create
//! --merge/--kubeconfig-out`, and `delete` of the current control plane, with kubectl
//! reading the same kubeconfig.

mod support;

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;
use support::*;

/// `kubectl --kubeconfig FILE ARGS`, which must succeed; its stdout.
fn kubectl(env: &Env, args: &[&str]) -> String {
    let out = std::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&env.kubeconfig)
        .args(args)
        .output()
        .expect("kubectl on PATH");
    assert!(out.status.success(), "kubectl {args:?}: {}", stderr(&out));
    stdout(&out).trim().to_string()
}

fn current_context(env: &Env) -> String {
    kubectl(env, &["config", "current-context"])
}

#[test]
fn connect_switches_and_every_command_keeps_using_the_mothership() {
    let env = Env::new();
    create(&env, "demo", &["--no-wait"]);
    let mothership = current_context(&env);

    let out = run(&env, &["connect", "demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("Switched to context k0smotron-demo"),
        "{}",
        stderr(&out)
    );
    assert_eq!(current_context(&env), "k0smotron-demo");
    // kubectl reads the file, extension and all.
    let view: Value =
        serde_json::from_str(&kubectl(&env, &["config", "view", "-o", "json"])).unwrap();
    let ctx = view["contexts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "k0smotron-demo")
        .unwrap();
    assert_eq!(
        ctx["context"]["extensions"][0]["name"], "k0smotron.io/mothership",
        "{ctx}"
    );

    // With the child current, k0smotron still talks to the mothership, and says so once.
    let out = run(&env, &["list", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["name"], "demo");
    let note = format!(
        "The current context k0smotron-demo is control plane demo's; using its mothership, context {mothership}"
    );
    assert_eq!(stderr(&out).matches(&note).count(), 1, "{}", stderr(&out));
    let out = run(&env, &["wait", "demo", "--timeout", "60s"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&env, &["token", "worker", "demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // Back, and nothing else removed.
    let out = run(&env, &["disconnect"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(current_context(&env), mothership);
    assert!(kubectl(&env, &["config", "get-contexts", "-o", "name"]).contains("k0smotron-demo"));
    let out = run(&env, &["disconnect"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not one `k0smotron connect` wrote"),
        "{}",
        stderr(&out)
    );

    // Deleting the current control plane switches back instead of leaving no context.
    assert_eq!(run(&env, &["connect", "demo"]).status.code(), Some(0));
    let out = run(&env, &["delete", "demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("Switched to context {mothership}")),
        "{}",
        stderr(&out)
    );
    assert_eq!(current_context(&env), mothership);
    assert!(!kubectl(&env, &["config", "get-contexts", "-o", "name"]).contains("k0smotron-demo"));
    let out = run(&env, &["list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn create_writes_the_kubeconfig_a_ci_job_needs() {
    let env = Env::new();
    let file = env.dir.path().join("out/ci.kubeconfig");
    let out = run(
        &env,
        &[
            "create",
            "ci",
            "--key-algorithm",
            "ecdsa-p256",
            "--kubeconfig-out",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&file).unwrap();
    let record = env
        .ms
        .objects("configmaps")
        .into_iter()
        .find(|c| c["metadata"]["name"] == "kmc-ci")
        .unwrap();
    let endpoint = record["data"]["endpoint"].as_str().unwrap();
    assert!(text.contains(&format!("server: {endpoint}\n")), "{text}");
    assert!(text.contains("current-context: k0smotron-ci\n"), "{text}");

    let mothership = current_context(&env);
    let out = run(
        &env,
        &[
            "create",
            "ci2",
            "--no-wait",
            "--key-algorithm",
            "ecdsa-p256",
            "--merge",
            "--switch-context",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(current_context(&env), "k0smotron-ci2");
    let out = run(&env, &["list", "-o", "name"]);
    assert_eq!(stdout(&out), "ci\nci2\n", "{}", stderr(&out));
    assert_eq!(run(&env, &["disconnect"]).status.code(), Some(0));
    assert_eq!(current_context(&env), mothership);

    // Checked before anything is sent.
    env.ms.reset_requests();
    for (args, needle) in [
        (
            &[
                "create",
                "x",
                "--kubeconfig-out",
                env.dir.path().to_str().unwrap(),
            ][..],
            "--kubeconfig-out",
        ),
        (&["create", "x", "--switch-context"][..], "--merge"),
        (&["create", "x", "--dry-run", "--merge"][..], "--merge"),
    ] {
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(env.ms.requests().total(), 0);
}
