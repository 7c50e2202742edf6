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

    // kine on SQLite whose controller only pretends to run: `k0s backup` cannot run.
    create(&env, "lite", &["--storage", "kine"]);
    let out = run(&env, &["backup", "lite", "-f", file]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("copying kine's database in pod kmc-lite-0 failed"),
        "{}",
        stderr(&out)
    );

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
        stderr(&delete).contains("no backup taken (`k0smotron backup`"),
        "{}",
        stderr(&delete)
    );
}

/// An archive made by hand with tar: `backup.json` holding `manifest`, then `extra` files.
fn handmade(dir: &std::path::Path, manifest: &str, extra: &[(&str, &str)]) -> std::path::PathBuf {
    let root = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("backup.json"), manifest).unwrap();
    let mut names = vec!["backup.json".to_string()];
    for (path, text) in extra {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        names.push(path.to_string());
    }
    let file = dir.join("handmade.tar.gz");
    let ok = std::process::Command::new("tar")
        .arg("czf")
        .arg(&file)
        .arg("-C")
        .arg(&root)
        .args(&names)
        .status()
        .unwrap();
    assert!(ok.success());
    file
}

/// Control plane `ext` on an external database (backed up without an exec, which kwok's
/// pods cannot take), and its archive.
fn backed_up_external(env: &Env) -> (tempfile::TempDir, std::path::PathBuf) {
    create(
        env,
        "ext",
        &["--datasource", "postgres://db.example:5432/k0s"],
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ext.tar.gz");
    let out = run(env, &["backup", "ext", "-f", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    (dir, file)
}

#[test]
fn damaged_cut_foreign_and_newer_archives_are_refused_before_any_request() {
    let env = Env::new();
    // A real archive to damage.
    let (dir, good) = backed_up_external(&env);
    let bytes = std::fs::read(&good).unwrap();

    let cut = dir.path().join("cut.tar.gz");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0xff;
    let damaged = dir.path().join("damaged.tar.gz");
    std::fs::write(&damaged, &flipped).unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not an archive\n").unwrap();
    let newer = handmade(
        &dir.path().join("newer"),
        r#"{"format": "k0smotron.io/backup", "version": 2}"#,
        &[],
    );
    let foreign = handmade(
        &dir.path().join("foreign"),
        r#"{"format": "velero.io/backup", "version": 1}"#,
        &[],
    );
    env.ms.reset_requests();
    for (file, says) in [
        (&cut, "damaged or cut short"),
        (&damaged, ""),
        (&text, "damaged or cut short"),
        (&newer, "format version 2"),
        (&foreign, "not a k0smotron backup"),
        (&dir.path().join("missing.tar.gz"), "No such file"),
    ] {
        let out = run(&env, &["restore", file.to_str().unwrap(), "--name", "copy"]);
        assert_eq!(out.status.code(), Some(2), "{file:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{file:?}: {}", stderr(&out));
    }
    assert_eq!(
        env.ms.requests().total(),
        0,
        "nothing asked, nothing written"
    );
}

#[test]
fn an_external_database_control_plane_comes_back_as_the_same_identity() {
    let env = Env::new();
    let (_dir, file) = backed_up_external(&env);
    let listed = std::process::Command::new("tar")
        .arg("xzOf")
        .arg(&file)
        .arg("backup.json")
        .output()
        .unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(manifest["data"]["kind"], "notIncluded", "{manifest}");

    let ca = ca_of(&env, "ext");
    let out = run(&env, &["delete", "ext", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&env, &["restore", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(ca_of(&env, "ext"), ca);
    // Under another name beside it: the same authorities, its own objects.
    let out = run(
        &env,
        &["restore", file.to_str().unwrap(), "--name", "ext-copy"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(ca_of(&env, "ext-copy"), ca);
    // From standard input, as from a pipe.
    let out = env
        .cmd()
        .args(["restore", "-", "--name", "ext-piped"])
        .pipe_stdin(&file)
        .unwrap()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(ca_of(&env, "ext-piped"), ca);
    // A new identity on the same external database: refused before any request.
    env.ms.reset_requests();
    let out = run(
        &env,
        &[
            "restore",
            file.to_str().unwrap(),
            "--name",
            "ext-new",
            "--new-identity",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--new-identity") && stderr(&out).contains("external database"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.ms.requests().total(), 0);
    // A name already taken is refused before anything is written, as create refuses it.
    let out = run(&env, &["restore", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(ca_of(&env, "ext"), ca);
}

/// The objects labelled for control plane `name` in namespace `ns`, as `Kind/name`.
fn labelled_in(env: &Env, ns: &str, name: &str) -> Vec<String> {
    let out = kubectl(
        env,
        &[
            "-n",
            ns,
            "get",
            "statefulsets,services,configmaps,secrets",
            "-l",
            &format!("k0smotron.io/cluster={name}"),
            "-o",
            "name",
        ],
    );
    let mut names: Vec<String> = stdout(&out).lines().map(String::from).collect();
    names.sort();
    names
}

fn ca_in(env: &Env, ns: &str, name: &str) -> String {
    stdout(&kubectl(
        env,
        &[
            "-n",
            ns,
            "get",
            "secret",
            &format!("{name}-ca"),
            "-o",
            "jsonpath={.data.tls\\.crt}",
        ],
    ))
}

#[test]
fn clone_refuses_a_shared_database_and_move_carries_the_same_identity() {
    let env = Env::new();
    create(
        &env,
        "seed",
        &["--datasource", "postgres://db.example:5432/k0s"],
    );
    let ca = ca_of(&env, "seed");

    // A clone would share the external database: refused, nothing written.
    let out = run(&env, &["clone", "seed", "seedling"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("external database"),
        "{}",
        stderr(&out)
    );
    assert!(labelled_in(&env, env.ns(), "seedling").is_empty());
    let out = run(&env, &["clone", "seed", "seed"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    let other = format!("{}-moved", env.ns());
    let made = kubectl(&env, &["create", "namespace", &other]);
    assert!(made.status.success(), "{}", text(&made));
    let before = labelled_in(&env, env.ns(), "seed");
    let out = run(&env, &["move", "seed", "--to-namespace", &other]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        ca_in(&env, &other, "seed"),
        ca,
        "moved as the same identity"
    );
    assert_eq!(
        labelled_in(&env, &other, "seed"),
        before,
        "the same objects"
    );
    assert!(
        labelled_in(&env, env.ns(), "seed").is_empty(),
        "the original is gone"
    );
    // On the same mothership its node ports were the original's: new ones, said so.
    assert!(
        stderr(&out).contains("workers need a new token"),
        "{}",
        stderr(&out)
    );

    // Where the name is taken, nothing moves and the original stays.
    create(
        &env,
        "stay",
        &["--datasource", "postgres://db.example:5432/k0s"],
    );
    let taken = kubectl(&env, &["-n", &other, "create", "configmap", "kmc-stay"]);
    assert!(taken.status.success(), "{}", text(&taken));
    let before = labelled_in(&env, env.ns(), "stay");
    let out = run(&env, &["move", "stay", "--to-namespace", &other]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("is untouched"), "{}", stderr(&out));
    assert_eq!(labelled_in(&env, env.ns(), "stay"), before);
    assert!(labelled_in(&env, &other, "stay").is_empty());
    let out = run(&env, &["move", "stay"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// Go age's `age` and `age-keygen` (the reference implementation), and a new key pair in
/// `dir`: the identity file and its recipient.
fn age_key(dir: &std::path::Path, name: &str) -> (std::path::PathBuf, String) {
    let bin = mothership::binaries::ensure_age().unwrap();
    let key = dir.join(name);
    let ok = std::process::Command::new(bin.join("age-keygen"))
        .arg("-o")
        .arg(&key)
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", stderr(&ok));
    let public = std::process::Command::new(bin.join("age-keygen"))
        .arg("-y")
        .arg(&key)
        .output()
        .unwrap();
    (key, stdout(&public).trim().to_string())
}

fn go_age(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let bin = mothership::binaries::ensure_age().unwrap();
    std::process::Command::new(bin.join("age"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn an_encrypted_archive_opens_with_its_identity_and_with_go_age_only() {
    let env = Env::new();
    create(
        &env,
        "ext",
        &["--datasource", "postgres://db.example:5432/k0s"],
    );
    let ca = ca_of(&env, "ext");
    let dir = tempfile::tempdir().unwrap();
    let (key, recipient) = age_key(dir.path(), "key.txt");
    let (other_key, other) = age_key(dir.path(), "other.txt");

    // A recipient that is not one is refused before any request.
    env.ms.reset_requests();
    for (bad, says) in [
        ("age1notakey", "not a valid recipient"),
        ("ssh-ed25519 AAAAC3Nza", "SSH keys are not supported"),
        (
            "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX",
            "starts with age1",
        ),
    ] {
        let out = run(&env, &["backup", "ext", "--encrypt-to", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--encrypt-to") && stderr(&out).contains(says),
            "{bad}: {}",
            stderr(&out)
        );
    }
    assert_eq!(env.ms.requests().total(), 0);

    // Encrypted to two recipients, in the default file name (`.age` added).
    let out = env
        .cmd()
        .current_dir(dir.path())
        .args([
            "backup",
            "ext",
            "--encrypt-to",
            &recipient,
            "--encrypt-to",
            &other,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("encrypted with age to 2 recipients"),
        "{}",
        stderr(&out)
    );
    let sealed = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".backup.tar.gz.age"))
        .expect("the archive under its default name");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&sealed).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let bytes = std::fs::read(&sealed).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n-> X25519 "));

    // Go age opens it with either identity: a gzip'd tar, its manifest first.
    for id in [&key, &other_key] {
        let opened = dir.path().join("opened.tar.gz");
        let out = go_age(&[
            "-d".as_ref(),
            "-i".as_ref(),
            id.as_os_str(),
            "-o".as_ref(),
            opened.as_os_str(),
            sealed.as_os_str(),
        ]);
        assert!(out.status.success(), "age -d: {}", stderr(&out));
        let listed = std::process::Command::new("tar")
            .arg("tzf")
            .arg(&opened)
            .output()
            .unwrap();
        assert!(listed.status.success(), "{}", stderr(&listed));
        assert_eq!(
            stdout(&listed).lines().next(),
            Some("backup.json"),
            "{}",
            stdout(&listed)
        );
    }

    // Refused before any request: no identity, the wrong one, a changed byte, cut short,
    // an identity file that is not one.
    let (stranger, _) = age_key(dir.path(), "stranger.txt");
    let damaged = dir.path().join("damaged.age");
    let mut flipped = bytes.clone();
    let at = bytes.len() - 40;
    flipped[at] ^= 0x01;
    std::fs::write(&damaged, &flipped).unwrap();
    let cut = dir.path().join("cut.age");
    std::fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    let not_a_key = dir.path().join("notes.txt");
    std::fs::write(&not_a_key, "my notes\n").unwrap();
    let sealed_arg = sealed.to_str().unwrap();
    env.ms.reset_requests();
    for (args, says) in [
        (vec![sealed_arg], "encrypted with age: pass --identity"),
        (
            vec![sealed_arg, "-i", stranger.to_str().unwrap()],
            "encrypted to 2 other recipients, and none of the given identities is one of them",
        ),
        (
            vec![damaged.to_str().unwrap(), "-i", key.to_str().unwrap()],
            "does not authenticate",
        ),
        (
            vec![cut.to_str().unwrap(), "-i", key.to_str().unwrap()],
            "does not authenticate",
        ),
        (
            vec![sealed_arg, "-i", not_a_key.to_str().unwrap()],
            "--identity",
        ),
    ] {
        let mut full = vec!["restore"];
        full.extend(&args);
        full.extend(["--name", "copy"]);
        let out = run(&env, &full);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        if !says.starts_with("--") {
            assert!(
                stderr(&out).contains("nothing was written"),
                "{}",
                stderr(&out)
            );
        }
    }
    assert_eq!(
        env.ms.requests().total(),
        0,
        "nothing asked, nothing written"
    );

    // The right identity restores it: the same authorities.
    let out = run(
        &env,
        &[
            "restore",
            sealed_arg,
            "--name",
            "ext-copy",
            "--identity",
            key.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(ca_of(&env, "ext-copy"), ca);

    // What Go age encrypts (binary and armored, from standard input), restore opens.
    let plain = dir.path().join("plain.tar.gz");
    let out = run(&env, &["backup", "ext", "-f", plain.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for (armor, name) in [(false, "ext-go"), (true, "ext-armored")] {
        let file = dir.path().join(format!("{name}.age"));
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "-r".as_ref(),
            recipient.as_ref(),
            "-o".as_ref(),
            file.as_os_str(),
        ];
        if armor {
            args.push("-a".as_ref());
        }
        args.push(plain.as_os_str());
        let out = go_age(&args);
        assert!(out.status.success(), "age -r: {}", stderr(&out));
        let out = env
            .cmd()
            .args(["restore", "-", "--name", name, "-i", key.to_str().unwrap()])
            .pipe_stdin(&file)
            .unwrap()
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert_eq!(ca_of(&env, name), ca);
    }
}

/// One kubeconfig holding `here`'s context (`mothership`, current) and `there`'s, renamed
/// `there` (its cluster and user too, so the merge keeps both).
fn two_contexts(here: &Env, there: &Env) -> std::path::PathBuf {
    let renamed = here.dir.path().join("there.kubeconfig");
    let renamed_text = there
        .ms
        .kubeconfig()
        .replace("mothership", "there")
        .replace("user: admin", "user: there-admin")
        .replace("- name: admin", "- name: there-admin");
    std::fs::write(&renamed, renamed_text).unwrap();
    let merged = std::process::Command::new("kubectl")
        .env(
            "KUBECONFIG",
            format!("{}:{}", here.kubeconfig.display(), renamed.display()),
        )
        .args(["config", "view", "--flatten"])
        .output()
        .unwrap();
    assert!(merged.status.success(), "{}", text(&merged));
    let both = here.dir.path().join("both.kubeconfig");
    std::fs::write(&both, &merged.stdout).unwrap();
    both
}

/// uid and resourceVersion (generation for StatefulSets) of what `name` has in `env`.
fn versions_of(env: &Env, name: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for plural in ["configmaps", "secrets", "services", "statefulsets"] {
        for o in env.ms.objects(plural) {
            let meta = &o["metadata"];
            if meta["labels"]["k0smotron.io/cluster"] != name {
                continue;
            }
            let version = match plural {
                "statefulsets" => meta["generation"].to_string(),
                _ => meta["resourceVersion"].to_string(),
            };
            out.push((
                format!("{}/{}", o["kind"], meta["name"]),
                meta["uid"].to_string(),
                version,
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn move_to_another_mothership_carries_it_and_a_failure_there_leaves_the_original() {
    let here = Env::new();
    let there = Env::with(|c| c.cluster = Some(mothership::ClusterOptions::default()));
    let both = two_contexts(&here, &there);
    let source = |name: &str| {
        create(
            &here,
            name,
            &["--datasource", "postgres://db.example:5432/k0s"],
        );
    };
    let move_to_there = |name: &str| {
        here.cmd_with(&both)
            .args(["move", name, "--to-context", "there"])
            .output()
            .unwrap()
    };

    // A clean move: the same identity there, nothing left here.
    source("far");
    let ca = ca_of(&here, "far");
    there.ms.reset_requests();
    let out = move_to_there("far");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sent_there = there.ms.requests().total();
    assert_eq!(ca_of(&there, "far"), ca, "moved as the same identity");
    assert!(labelled_in(&here, here.ns(), "far").is_empty());
    assert!(!labelled_in(&there, there.ns(), "far").is_empty());
    eprintln!(
        "move to another mothership: {sent_there} requests there\n{}",
        stderr(&out)
    );

    // Each write there fails in turn (a 500, which no write retries): the move says the
    // original is untouched, which it is, and leaves nothing there.
    let writes: Vec<u32> = there
        .ms
        .requests()
        .requests
        .iter()
        .enumerate()
        .filter(|(_, r)| r.method != "GET")
        .map(|(i, _)| i as u32 + 1)
        .collect();
    eprintln!("writes there at requests {writes:?}");
    let mut failed = 0;
    for (i, &nth) in writes.iter().enumerate() {
        let name = format!("far-{i}");
        source(&name);
        let before = versions_of(&here, &name);
        there.ms.inject(mothership::Fault::nth_request(
            nth,
            mothership::FaultAction::Status {
                code: 500,
                retry_after: None,
            },
        ));
        let out = move_to_there(&name);
        there.ms.clear_faults();
        let what = format!("move {name} with a 500 at request {nth} there");
        if out.status.success() {
            assert!(labelled_in(&here, here.ns(), &name).is_empty(), "{what}");
            assert!(!labelled_in(&there, there.ns(), &name).is_empty(), "{what}");
        } else {
            assert_eq!(out.status.code(), Some(1), "{what}: {}", stderr(&out));
            assert!(
                stderr(&out).contains("is untouched"),
                "{what}: {}",
                stderr(&out)
            );
            failed += 1;
            assert_eq!(
                versions_of(&here, &name),
                before,
                "{what}: original touched"
            );
            eventually(60, &format!("{what}: nothing left there"), || {
                labelled_in(&there, there.ns(), &name).is_empty()
            });
        }
    }
    eprintln!(
        "{failed} of {} moves with a failed write there ended with the original untouched",
        writes.len()
    );
    assert!(
        failed > 0,
        "no injected failure ended a move: the faults missed"
    );
}

/// The script a restore init container runs to take the data (busybox sh and applets in the
/// pod; the same commands here): only a file of the given size and SHA-256 is put in place.
#[test]
fn the_receiving_script_keeps_only_a_whole_unchanged_file() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("restore.db");
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
    let sha: String = sha2::Sha256::digest(&data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let script =
        k0smotron::core::plan::receive_script(data.len() as u64, &sha, target.to_str().unwrap());
    let feed = |input: &[u8]| {
        let mut child = std::process::Command::new("sh")
            .args(["-c", &script])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    };
    let short = feed(&data[..32_768]);
    assert!(!short.status.success());
    assert!(
        stderr(&short).contains("32768 of 100000 bytes arrived"),
        "{}",
        stderr(&short)
    );
    let mut changed = data.clone();
    changed[50_000] ^= 1;
    let out = feed(&changed);
    assert!(
        stderr(&out).contains("differ (SHA-256)"),
        "{}",
        stderr(&out)
    );
    assert!(!target.exists(), "nothing put in place");
    let out = feed(&data);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&target).unwrap(), data);
}
