//! docs/getting-started.md, typed as written: every line of its `sh` blocks runs in order in
//! a shell whose `~/.kube/config` is the test mothership's, with the real binary on PATH.
//! The few lines that need what the test mothership does not have are named below, each
//! with the reason, and must still be in the guide.

mod support;

use support::*;

/// Lines the test cannot run, and why.
const NOT_RUN: [(&str, &str); 7] = [
    ("./install.sh", ".ci/install-check installs from a checkout"),
    (
        "kubectl --kubeconfig demo.kubeconfig get namespaces",
        "asks the child cluster, and k0s does not run in the test mothership's pods",
    ),
    (
        "kubectl get namespaces",
        "asks the child cluster (the current context after connect)",
    ),
    (
        "sudo k0s install worker --token-file demo.token",
        "needs a worker machine",
    ),
    ("sudo k0s start", "needs a worker machine"),
    (
        "k0smotron -n control-planes backup demo -f demo.backup.tar.gz",
        "takes a snapshot in a running etcd, and the test mothership's pods only pretend to run (real_pods.rs backs up real etcd)",
    ),
    (
        "k0smotron -n control-planes restore demo.backup.tar.gz",
        "needs that archive (real_pods.rs restores one)",
    ),
];

/// The lines of the guide's `sh` code blocks, in order.
fn guide_lines() -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/getting-started.md");
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = Vec::new();
    let mut in_sh = false;
    for line in text.lines() {
        match line.trim() {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            l if in_sh && !l.is_empty() => lines.push(l.to_string()),
            _ => {}
        }
    }
    lines
}

#[test]
fn the_getting_started_guide_works_typed_as_written() {
    let env = Env::new();
    let home = env.dir.path().join("home");
    std::fs::create_dir_all(home.join(".kube")).unwrap();
    let config = home.join(".kube/config");
    env.ms.write_kubeconfig(&config).unwrap();
    let work = env.dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_k0smotron"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let kubectl_context = |what: &str| {
        let out = std::process::Command::new("kubectl")
            .args(["config", "current-context"])
            .env("HOME", &home)
            .env_remove("KUBECONFIG")
            .output()
            .unwrap();
        assert!(out.status.success(), "{what}: {}", stderr(&out));
        stdout(&out).trim().to_string()
    };
    let mothership = kubectl_context("before");

    let lines = guide_lines();
    for (line, _) in NOT_RUN {
        assert!(
            lines.iter().any(|l| l == line),
            "{line:?} is no longer in the guide: take it off NOT_RUN"
        );
    }
    let mut ran = 0;
    for line in &lines {
        if NOT_RUN.iter().any(|(l, _)| l == line) {
            continue;
        }
        let out = std::process::Command::new("bash")
            .args(["-c", line])
            .current_dir(&work)
            .env("HOME", &home)
            .env("PATH", &path)
            .env_remove("KUBECONFIG")
            .env_remove("KUBERNETES_SERVICE_HOST")
            .env("NO_COLOR", "1")
            .env("NEW_K0S_VERSION", "v1.36.3+k0s.2")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "`{line}` exited {:?}:\n{}{}",
            out.status.code(),
            stdout(&out),
            stderr(&out)
        );
        assert!(!stderr(&out).contains("PRIVATE KEY"), "`{line}`");
        ran += 1;
    }
    assert!(ran >= 15, "{ran} lines ran");
    // The files the guide makes, and the context it leaves: the mothership's again.
    for file in ["demo.kubeconfig", "demo.token", "kc", "worker.token"] {
        let text = std::fs::read_to_string(work.join(file)).unwrap();
        assert!(!text.is_empty(), "{file}");
    }
    assert_eq!(kubectl_context("after"), mothership);
}
