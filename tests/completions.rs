//! The scripts in `completions/` are what `k0smotron completion SHELL` prints.
//! Regenerate them with `UPDATE_COMPLETIONS=1 cargo test --test completions`.

mod support;

const FILES: &[(&str, &str)] = &[
    ("bash", "completions/k0smotron.bash"),
    ("zsh", "completions/_k0smotron"),
    ("fish", "completions/k0smotron.fish"),
    ("powershell", "completions/_k0smotron.ps1"),
    ("elvish", "completions/k0smotron.elv"),
];

#[test]
fn committed_completions_are_current() {
    let home = tempfile::tempdir().unwrap();
    for (shell, file) in FILES {
        let out = support::bare(home.path())
            .args(["completion", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        if std::env::var_os("UPDATE_COMPLETIONS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &out.stdout).unwrap();
            continue;
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "{file} is stale: run UPDATE_COMPLETIONS=1 cargo test --test completions"
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("doctor") && text.contains("kubeconfig"),
            "{shell} completion lists commands and flags"
        );
    }
}

/// Dynamic completion (`source <(COMPLETE=bash k0smotron)`): names of control planes come
/// from the mothership; fish's protocol is the simplest to drive (the words so far, the last
/// being completed; one candidate per line).
#[test]
fn control_plane_names_come_from_the_mothership_within_a_second() {
    let env = support::Env::new();
    support::create(&env, "alpha", &["--no-wait"]);
    support::create(&env, "beta", &["--no-wait"]);
    let complete = |kubeconfig: &std::path::Path, words: &[&str]| {
        let started = std::time::Instant::now();
        let out = support::bare(env.dir.path())
            .env("COMPLETE", "fish")
            .env("KUBECONFIG", kubeconfig)
            .arg("--")
            .args(words)
            .output()
            .unwrap();
        (out, started.elapsed())
    };
    let (out, _) = complete(&env.kubeconfig, &["k0smotron", "status", ""]);
    assert!(out.status.success(), "{}", support::stderr(&out));
    let lines: Vec<String> = support::stdout(&out).lines().map(String::from).collect();
    assert!(
        lines.contains(&"alpha".to_string()) && lines.contains(&"beta".to_string()),
        "{lines:?}"
    );
    let (out, _) = complete(&env.kubeconfig, &["k0smotron", "delete", "al"]);
    assert_eq!(support::stdout(&out).trim(), "alpha");

    // A mothership that does not answer: no names, nothing on stderr, within the budget.
    let dead = env.dir.path().join("dead.kubeconfig");
    let server = format!("https://127.0.0.1:{}", support::closed_port());
    std::fs::write(
        &dead,
        mothership::kubeconfig_yaml(&server, &mothership::unrelated_ca_pem(), "x", "y"),
    )
    .unwrap();
    let (out, took) = complete(&dead, &["k0smotron", "status", ""]);
    assert!(out.status.success());
    // Only what clap knows offline (the flags); no names, no error.
    let text = support::stdout(&out);
    assert!(text.lines().all(|l| l.starts_with("--")), "{text}");
    assert_eq!(support::stderr(&out), "");
    assert!(took < std::time::Duration::from_millis(1500), "{took:?}");
}

/// `k0smotron completion bash | head -1`: the reader goes away early, and nothing panics.
#[test]
fn a_closed_stdout_is_no_panic() {
    use std::io::Read;
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_k0smotron"))
            .args(["completion", shell])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 8];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The pipe is closed here, before the script is written whole.
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{shell}: {err}");
        assert_eq!(out.status.code(), Some(0), "{shell}: {err}");
    }
}

/// A negative duration names its flag and is exit 2, wherever a duration is taken.
#[test]
fn negative_durations_name_their_flag() {
    let home = tempfile::tempdir().unwrap();
    for (args, flag) in [
        (&["token", "worker", "x", "--expiry", "-1h"][..], "--expiry"),
        (&["kubeconfig", "x", "--expiry", "-2h"][..], "--expiry"),
        (&["wait", "x", "--timeout", "-5m"][..], "--timeout"),
        (&["create", "x", "--ttl", "-1h"][..], "--ttl"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_k0smotron"))
            .args(args)
            .env("HOME", home.path())
            .env_remove("KUBECONFIG")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(flag) && err.contains("is negative"),
            "{args:?}: {err}"
        );
    }
}
