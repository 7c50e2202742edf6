//! `k0smotron backup` where no etcd runs (kwok's pods only pretend): what it refuses, and
//! that it writes nothing then. The archive itself, from real etcd, is tested in
//! `real_pods.rs`.

mod support;

use support::*;

#[test]
fn bad_targets_are_refused_before_any_request() {
    let env = Env::new();
    env.ms.reset_requests();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir").join("demo.tar.gz");
    let cases: [(Vec<&str>, &str); 3] = [
        (
            vec!["backup", "demo", "-f", missing.to_str().unwrap()],
            "does not exist",
        ),
        (
            vec!["backup", "demo", "-f", dir.path().to_str().unwrap()],
            "is a directory",
        ),
        (vec!["backup", "demo", "-o", "json"], "prints no data"),
    ];
    for (args, says) in cases {
        let out = run(&env, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        if args.contains(&"-f") {
            assert!(stderr(&out).contains("--file"), "{}", stderr(&out));
        }
    }
    assert_eq!(env.ms.requests().total(), 0);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn what_cannot_be_backed_up_fails_with_the_reason_and_leaves_no_file() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.tar.gz");
    let file = file.to_str().unwrap();

    let out = run(&env, &["backup", "ghost", "-f", file]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no control plane ghost"),
        "{}",
        stderr(&out)
    );

    // kine on SQLite: not copied yet, and said so.
    create(&env, "lite", &["--storage", "kine"]);
    let out = run(&env, &["backup", "lite", "-f", file]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("SQLite"), "{}", stderr(&out));

    // etcd whose members only pretend to run: the snapshot cannot be taken.
    create(&env, "pretend", &[]);
    let out = run(&env, &["backup", "pretend", "-f", file]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("snapshot"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // Nothing recorded a backup that was not taken, and `status` and `delete` say so.
    assert!(record(&env, "pretend")["data"]["lastBackup"].is_null());
    let status = run(&env, &["status", "pretend"]);
    assert!(
        stdout(&status).contains("Last backup: none"),
        "{}",
        stdout(&status)
    );
    let delete = run(&env, &["delete", "pretend", "--dry-run"]);
    assert!(
        stderr(&delete).contains("no backup taken") && stderr(&delete).contains("backup pretend"),
        "{}",
        stderr(&delete)
    );
}
