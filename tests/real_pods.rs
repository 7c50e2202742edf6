//! The pods `create` writes, run for real: on a real node of the test control plane
//! (kubelet, containerd, runc, CNI, CoreDNS; `tests/node`), from test images that mirror the
//! real ones. etcd is real etcd; k0s in the controller pods is the k0s test image's stand-in.

mod support;

use std::time::{Duration, Instant};

use support::*;

/// One real-pod test at a time: the node's two cores run every container, and two tests
/// side by side (six etcd members and their probes) made etcd itself miss deadlines in CI.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn real_env() -> (std::sync::MutexGuard<'static, ()>, Env) {
    let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    (turn, Env::with(|c| c.real_pods = true))
}

/// `etcdctl ARGS` in etcd pod `pod`, with the credentials the container has.
fn etcdctl(env: &Env, pod: &str, args: &[&str]) -> std::process::Output {
    let mut all = LOCAL_ETCDCTL.to_vec();
    all.splice(1..1, [pod]);
    all.extend_from_slice(args);
    kubectl(env, &all)
}

/// `kubectl exec POD -c etcd -- etcdctl` against the member itself: the container's own
/// ETCDCTL_ENDPOINTS names the Service, whose DNS answer lagged the members' readiness under
/// load in CI ("context deadline exceeded" with no address). A variable, as etcdctl refuses
/// a flag its environment also sets.
const LOCAL_ETCDCTL: [&str; 8] = [
    "exec",
    "-c",
    "etcd",
    "--",
    "env",
    "ETCDCTL_ENDPOINTS=https://127.0.0.1:2379",
    "etcdctl",
    "--command-timeout=10s",
];

/// How many members `endpoint health --cluster`, asked in `pod`, finds healthy, and what it
/// said.
fn healthy_members(env: &Env, pod: &str) -> (usize, String) {
    let health = etcdctl(env, pod, &["endpoint", "health", "--cluster"]);
    let said = text(&health);
    (
        String::from_utf8_lossy(&health.stdout)
            .matches("is healthy")
            .count(),
        said,
    )
}

/// The members etcd lists, as `name,started`.
fn members(env: &Env, pod: &str) -> Vec<String> {
    let out = etcdctl(env, pod, &["member", "list"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(", ").collect();
            (f.len() >= 3).then(|| format!("{},{}", f[2], f[1]))
        })
        .collect()
}

/// Real pods are asked through `kubectl exec`: twice a second is often enough.
fn wait_for(secs: u64, what: &str, check: impl FnMut() -> bool) {
    poll(secs, Duration::from_millis(500), what, check)
}

fn create(env: &Env, name: &str, extra: &[&str]) {
    let mut args = vec![
        "create",
        name,
        "--key-algorithm",
        "ecdsa-p256",
        "--timeout",
        "5m",
    ];
    args.extend_from_slice(extra);
    let out = run(env, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// What a person would look at when a real pod misbehaves: the pods, the events, and the
/// logs of every container of the control plane's pods.
fn diagnose(env: &Env, name: &str) -> String {
    let mut out = text(&kubectl(env, &["get", "pods", "-o", "wide"]));
    out += &text(&kubectl(
        env,
        &["get", "events", "--sort-by=.lastTimestamp"],
    ));
    let pods = kubectl(
        env,
        &[
            "get",
            "pods",
            "-o",
            "name",
            "-l",
            &format!("k0smotron.io/cluster={name}"),
        ],
    );
    for pod in String::from_utf8_lossy(&pods.stdout).lines() {
        out += &format!("--- {pod}\n");
        out += &text(&kubectl(
            env,
            &["logs", pod, "--all-containers", "--tail", "15"],
        ));
    }
    out
}

/// The command `out` succeeded; else what it said and what control plane `name` looks like.
fn succeeded(env: &Env, out: &std::process::Output, name: &str) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stderr(out),
        diagnose(env, name)
    );
}

fn put(env: &Env, pod: &str, key: &str, value: &str) {
    let out = etcdctl(env, pod, &["put", key, value]);
    assert!(out.status.success(), "{}", text(&out));
}

fn get(env: &Env, pod: &str, key: &str) -> String {
    let out = etcdctl(env, pod, &["get", key, "--print-value-only"]);
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn etcd_grows_to_three_real_members_keeps_its_data_and_replaces_a_lost_one() {
    let (_turn, env) = real_env();
    create(&env, "grow", &[]);
    // Once seen empty right after create (cause not caught): asked again for a few seconds,
    // and what etcdctl said is kept for the message.
    let mut said = String::new();
    let until = Instant::now() + Duration::from_secs(20);
    while members(&env, "kmc-grow-etcd-0") != vec!["kmc-grow-etcd-0,started"] {
        said = text(&etcdctl(&env, "kmc-grow-etcd-0", &["member", "list"]));
        assert!(Instant::now() < until, "{said}\n{}", diagnose(&env, "grow"));
        std::thread::sleep(Duration::from_secs(1));
    }
    if !said.is_empty() {
        eprintln!("member list right after create said: {said}");
    }
    put(
        &env,
        "kmc-grow-etcd-0",
        "/grow/k0smotron/before",
        "one member",
    );
    let out = run(
        &env,
        &["scale", "grow", "--replicas", "3", "--timeout", "5m"],
    );
    succeeded(&env, &out, "grow");
    let mut listed = members(&env, "kmc-grow-etcd-0");
    listed.sort();
    assert_eq!(
        listed,
        vec![
            "kmc-grow-etcd-0,started",
            "kmc-grow-etcd-1,started",
            "kmc-grow-etcd-2,started"
        ],
        "{}",
        text(&etcdctl(&env, "kmc-grow-etcd-0", &["member", "list"]))
    );
    wait_for(60, "three healthy members after the scale", || {
        healthy_members(&env, "kmc-grow-etcd-1").0 == 3
    });
    // What one member held, the newest one serves; a write to it reaches the first.
    assert_eq!(
        get(&env, "kmc-grow-etcd-2", "/grow/k0smotron/before"),
        "one member"
    );
    put(
        &env,
        "kmc-grow-etcd-2",
        "/grow/k0smotron/after",
        "three members",
    );
    assert_eq!(
        get(&env, "kmc-grow-etcd-0", "/grow/k0smotron/after"),
        "three members"
    );
    // A member that loses its pod and its data comes back as a new member: the stale one
    // is removed, the replacement added, three healthy members again.
    let before: Vec<String> =
        String::from_utf8_lossy(&etcdctl(&env, "kmc-grow-etcd-0", &["member", "list"]).stdout)
            .lines()
            .filter(|l| l.contains("kmc-grow-etcd-1,"))
            .map(|l| l.split(',').next().unwrap_or_default().to_string())
            .collect();
    let out = kubectl(
        &env,
        &["delete", "pvc", "etcd-data-kmc-grow-etcd-1", "--wait=false"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = kubectl(&env, &["delete", "pod", "kmc-grow-etcd-1"]);
    assert!(out.status.success(), "{}", text(&out));
    wait_for(240, "the replacement of member 1 to join", || {
        let list = text(&etcdctl(&env, "kmc-grow-etcd-0", &["member", "list"]));
        list.matches(", started, ").count() == 3
            && list.contains("kmc-grow-etcd-1,")
            && !before.iter().any(|id| list.contains(id.as_str()))
    });
    wait_for(120, "three healthy members", || {
        healthy_members(&env, "kmc-grow-etcd-1").0 == 3
    });
    assert_eq!(
        get(&env, "kmc-grow-etcd-1", "/grow/k0smotron/after"),
        "three members"
    );
    // The controller's k0s answers through a real exec into a real container.
    let out = run(&env, &["token", "worker", "grow"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).trim().is_empty());
    let logs = kubectl(&env, &["logs", "kmc-grow-0", "-c", "controller"]);
    assert!(
        text(&logs).contains("k0s stand-in: controller running"),
        "{}",
        text(&logs)
    );

    // Backed up with three members, deleted, restored: one member from the snapshot, grown
    // back to three one at a time, each holding the data.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("grow.tar.gz");
    let file = file.to_str().unwrap();
    let out = run(&env, &["backup", "grow", "-f", file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&env, &["delete", "grow", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&env, &["restore", file, "--timeout", "5m"]);
    succeeded(&env, &out, "grow");
    assert!(
        stderr(&out).contains("Adding etcd member 3 of 3"),
        "{}",
        stderr(&out)
    );
    let mut listed = members(&env, "kmc-grow-etcd-0");
    listed.sort();
    assert_eq!(
        listed,
        vec![
            "kmc-grow-etcd-0,started",
            "kmc-grow-etcd-1,started",
            "kmc-grow-etcd-2,started"
        ]
    );
    wait_for(60, "three healthy members after the restore", || {
        healthy_members(&env, "kmc-grow-etcd-0").0 == 3
    });
    for m in 0..3 {
        assert_eq!(
            get(&env, &format!("kmc-grow-etcd-{m}"), "/grow/k0smotron/after"),
            "three members"
        );
    }
}

/// `sh -c SCRIPT` in a container; its output and whether it succeeded.
fn sh(env: &Env, pod: &str, container: &str, script: &str) -> (bool, String) {
    let out = kubectl(
        env,
        &["exec", pod, "-c", container, "--", "/bin/sh", "-c", script],
    );
    (out.status.success(), text(&out))
}

/// The test images hold what the real ones hold, as far as our pods use it: the etcd image
/// is Alpine with bash, etcd's three programs and user 1001; the k0s image is Alpine without
/// bash, with musl-utils' getent and a busybox sh that knows `pipefail`.
fn images_mirror_the_real_ones(env: &Env, name: &str) {
    let etcd = format!("kmc-{name}-etcd-0");
    for tool in [
        "bash", "grep", "cut", "touch", "sleep", "etcd", "etcdctl", "etcdutl",
    ] {
        let (ok, out) = sh(env, &etcd, "etcd", &format!("command -v {tool}"));
        assert!(ok, "the etcd image lacks {tool}: {out}");
    }
    assert_eq!(sh(env, &etcd, "etcd", "id -u").1.trim(), "1001");
    assert!(sh(env, &etcd, "etcd", "test -d /tmp -a -w /tmp").0);
    let k0s = format!("kmc-{name}-0");
    for tool in ["getent", "sed", "cp", "sleep", "grep", "cut", "k0s"] {
        let (ok, out) = sh(env, &k0s, "controller", &format!("command -v {tool}"));
        assert!(ok, "the k0s image lacks {tool}: {out}");
    }
    let (has_bash, _) = sh(env, &k0s, "controller", "command -v bash");
    assert!(!has_bash, "the real k0s image has no bash");
    assert!(sh(env, &k0s, "controller", "set -o pipefail").0);
    assert_eq!(sh(env, &k0s, "controller", "id -u").1.trim(), "0");
    // getent answers as musl-utils' does, through the cluster DNS.
    let (ok, out) = sh(
        env,
        &k0s,
        "controller",
        &format!("getent ahostsv4 {etcd}.kmc-{name}-etcd.{}.svc", env.ns()),
    );
    assert!(ok && out.contains("STREAM"), "{out}");
}

#[test]
fn pause_and_resume_keep_what_etcd_holds() {
    let (_turn, env) = real_env();
    create(&env, "nap", &[]);
    images_mirror_the_real_ones(&env, "nap");
    // Under the control plane's prefix: k0s gives kube-apiserver `--etcd-prefix=NAME`.
    put(
        &env,
        "kmc-nap-etcd-0",
        "/nap/k0smotron/kept",
        "across a pause",
    );
    let out = run(&env, &["pause", "nap"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    wait_for(120, "the paused pods to be gone", || {
        !text(&kubectl(&env, &["get", "pods"])).contains("kmc-nap")
    });
    let out = run(&env, &["resume", "nap", "--timeout", "5m"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        get(&env, "kmc-nap-etcd-0", "/nap/k0smotron/kept"),
        "across a pause"
    );
    let ca = ca_of(&env, "nap");
    let (_dir, archive) = backup_holds_what_etcd_holds(&env, "nap", "across a pause");

    // Deleted, then restored from the archive: the same data, the same identity.
    let out = run(&env, &["delete", "nap", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(
        &env,
        &["restore", archive.to_str().unwrap(), "--timeout", "5m"],
    );
    succeeded(&env, &out, "nap");
    assert_eq!(
        get(&env, "kmc-nap-etcd-0", "/nap/k0smotron/kept"),
        "across a pause"
    );
    assert_eq!(
        ca_of(&env, "nap"),
        ca,
        "the restored CA is the archived one"
    );
    // A clone: the same data under new authorities; the original only read.
    let out = run(&env, &["clone", "nap", "nap-twin", "--timeout", "5m"]);
    succeeded(&env, &out, "nap-twin");
    assert_eq!(
        get(&env, "kmc-nap-twin-etcd-0", "/nap/k0smotron/kept"),
        "across a pause"
    );
    assert_ne!(ca_of(&env, "nap-twin"), ca, "a clone has CAs of its own");
    assert_eq!(ca_of(&env, "nap"), ca);
    // Member 0 no longer waits for a snapshot: the restore step is out of the template.
    let inits = text(&kubectl(
        &env,
        &[
            "get",
            "statefulset",
            "kmc-nap-etcd",
            "-o",
            "jsonpath={.spec.template.spec.initContainers[*].name}",
        ],
    ));
    assert!(!inits.contains("restore"), "{inits}");
}

/// `backup NAME` of a control plane whose etcd holds `value`: the archive, checked with
/// tar and openssl; where it is (in a directory removed when the first is dropped).
fn backup_holds_what_etcd_holds(
    env: &Env,
    name: &str,
    value: &str,
) -> (tempfile::TempDir, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{name}.tar.gz"));
    let out = run(env, &["backup", name, "-f", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("private keys"), "{}", stderr(&out));
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    // Only the archive is left: the snapshot's temporary file is gone.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    let listed = std::process::Command::new("tar")
        .arg("tzf")
        .arg(&file)
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    let entries: Vec<&str> = listed.lines().collect();
    assert_eq!(entries.first(), Some(&"backup.json"), "{listed}");
    assert_eq!(entries.last(), Some(&"data/etcd.snapshot"), "{listed}");
    for part in [
        "record/cluster.yaml",
        "record/endpoint",
        "identity/ca/tls.key",
        "identity/proxy/tls.key",
        "identity/etcd/tls.key",
        "identity/sa/tls.key",
    ] {
        assert!(entries.contains(&part), "{part} missing: {listed}");
    }
    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    let untar = std::process::Command::new("tar")
        .arg("xzf")
        .arg(&file)
        .arg("-C")
        .arg(&unpacked)
        .status()
        .unwrap();
    assert!(untar.success());

    // etcd ends a snapshot with the SHA-256 of the rest: openssl agrees.
    let snap = std::fs::read(unpacked.join("data/etcd.snapshot")).unwrap();
    let (db, hash) = snap.split_at(snap.len() - 32);
    std::fs::write(dir.path().join("db"), db).unwrap();
    let digest = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-binary"])
        .arg(dir.path().join("db"))
        .output()
        .unwrap();
    assert_eq!(digest.stdout, hash, "the snapshot's own hash");
    // The value put before is in the database (etcd stores values as written).
    assert!(
        snap.windows(value.len()).any(|w| w == value.as_bytes()),
        "{value:?} not in the snapshot"
    );

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(unpacked.join("backup.json")).unwrap()).unwrap();
    assert_eq!(manifest["format"], "k0smotron.io/backup");
    assert_eq!(manifest["version"], 1);
    assert_eq!(manifest["name"], name);
    assert_eq!(manifest["data"]["kind"], "etcdSnapshot");
    assert_eq!(manifest["data"]["bytes"], snap.len() as u64);
    assert!(
        manifest["data"]["totalKeys"].as_i64().unwrap() > 0,
        "{manifest}"
    );
    let whole = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-r"])
        .arg(unpacked.join("data/etcd.snapshot"))
        .output()
        .unwrap();
    let whole = String::from_utf8_lossy(&whole.stdout);
    assert_eq!(
        manifest["data"]["sha256"].as_str().unwrap(),
        whole.split_whitespace().next().unwrap()
    );
    // The identity is the control plane's own: the archived CA is the Secret's.
    assert_eq!(
        std::fs::read_to_string(unpacked.join("identity/ca/tls.crt")).unwrap(),
        secret_value(env, &format!("{name}-ca"), "tls.crt")
    );
    // The record says when, and `status` and `delete` say it.
    let taken_at = manifest["takenAt"].as_str().unwrap();
    assert_eq!(record(env, name)["data"]["lastBackup"], taken_at);
    let status = run(env, &["status", name]);
    assert!(
        stdout(&status).contains(&format!("Last backup: {taken_at}")),
        "{}",
        stdout(&status)
    );
    let delete = run(env, &["delete", name, "--dry-run"]);
    assert!(
        stderr(&delete).contains(&format!("last backup: {taken_at}")),
        "{}",
        stderr(&delete)
    );

    // To standard output, for a pipe.
    let out = run(env, &["backup", name, "-f", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(&out.stdout[..2], &[0x1f, 0x8b], "gzip");
    let mut tar = std::process::Command::new("tar")
        .arg("tzf")
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    tar.stdin.take().unwrap().write_all(&out.stdout).unwrap();
    let again = tar.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&again.stdout), listed);
    (dir, file)
}

#[test]
fn a_broken_etcd_flag_ends_create_and_wait_early_and_status_says_why() {
    let (_turn, env) = real_env();
    let doc = env.dir.path().join("broken.yaml");
    std::fs::write(
        &doc,
        "apiVersion: k0smotron.io/v1beta2\nkind: Cluster\nmetadata: {name: broken}\nspec:\n  storage:\n    etcd: {args: [--no-such-flag=1]}\n",
    )
    .unwrap();
    let doc = doc.to_str().unwrap();
    let start = Instant::now();
    let out = run(
        &env,
        &[
            "create",
            "-f",
            doc,
            "--key-algorithm",
            "ecdsa-p256",
            "--timeout",
            "5m",
        ],
    );
    let took = start.elapsed();
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{err}\n{}",
        diagnose(&env, "broken")
    );
    // etcd exits at once; kubelet restarts it after 10 s and 20 s: the third exit is the
    // verdict, long before the 5 minutes.
    assert!(
        took < Duration::from_secs(120),
        "create took {took:?}: {err}"
    );
    for part in [
        "container etcd of pod kmc-broken-etcd-0 keeps exiting (CrashLoopBackOff, exit code ",
        "it said: flag provided but not defined: -no-such-flag",
        "no-such-flag",
        "logs kmc-broken-etcd-0 -c etcd --previous",
    ] {
        assert!(err.contains(part), "{part:?} not in: {err}");
    }
    // `wait` says the same at once.
    let start = Instant::now();
    let out = run(&env, &["wait", "broken", "--timeout", "5m"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(start.elapsed() < Duration::from_secs(20));
    assert!(stderr(&out).contains("no-such-flag"), "{}", stderr(&out));
    // `status` shows it too, in text and as data.
    let out = run(&env, &["status", "broken"]);
    let text = stdout(&out);
    assert!(
        text.contains("Failed: kmc-broken-etcd-0 CrashLoopBackOff; container etcd")
            && text.contains("no-such-flag"),
        "{text}"
    );
    let out = run(&env, &["status", "broken", "-o", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let crash = doc["pods"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|p| p.get("crash"))
        .unwrap_or_else(|| panic!("no crash in {doc}"));
    assert_eq!(crash["container"], "etcd");
    assert!(
        crash["exitCode"].as_i64().is_some_and(|c| c != 0),
        "{crash}"
    );
    assert!(
        crash["logLine"]
            .as_str()
            .unwrap_or_default()
            .contains("no-such-flag"),
        "{crash}"
    );
}

/// The id of container `container` of pod `pod`, as containerd knows it.
fn container_id(env: &Env, pod: &str, container: &str) -> String {
    let id = pod_field(
        env,
        pod,
        &format!(".status.containerStatuses[?(@.name==\"{container}\")].containerID"),
    );
    id.rsplit_once("://")
        .map(|(_, id)| id.to_string())
        .unwrap_or_else(|| panic!("no container id for {pod}/{container}: {id:?}"))
}

/// Freeze or thaw a container through the cgroup v1 freezer: its processes stay, and stop.
fn freeze(id: &str, state: &str) {
    let out = std::process::Command::new("find")
        .args(["/sys/fs/cgroup/freezer", "-type", "d", "-name", id])
        .output()
        .unwrap();
    let dir = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or_else(|| panic!("no freezer cgroup for container {id}"))
        .to_string();
    std::fs::write(format!("{dir}/freezer.state"), state).unwrap();
}

fn ready(env: &Env, pod: &str) -> bool {
    pod_field(env, pod, ".status.conditions[?(@.type==\"Ready\")].status") == "True"
}

#[test]
fn three_members_from_create_are_ready_only_while_they_serve_and_roll_to_a_new_etcd_one_at_a_time()
{
    let (_turn, env) = real_env();
    create(&env, "trio", &["--replicas", "3"]);
    let mut listed = members(&env, "kmc-trio-etcd-0");
    listed.sort();
    assert_eq!(
        listed,
        vec![
            "kmc-trio-etcd-0,started",
            "kmc-trio-etcd-1,started",
            "kmc-trio-etcd-2,started"
        ],
        "{}",
        diagnose(&env, "trio")
    );
    let (healthy, said) = healthy_members(&env, "kmc-trio-etcd-0");
    assert_eq!(healthy, 3, "{said}");
    put(
        &env,
        "kmc-trio-etcd-0",
        "/k0smotron/before",
        "three from the start",
    );

    // Ready means serving: with two members frozen, the third still runs but has no quorum,
    // and its probe (a health check of its own endpoint) fails; thawed, it is Ready again.
    let frozen: Vec<String> = ["kmc-trio-etcd-1", "kmc-trio-etcd-2"]
        .iter()
        .map(|p| container_id(&env, p, "etcd"))
        .collect();
    for id in &frozen {
        freeze(id, "FROZEN");
    }
    wait_for(90, "the member without quorum to turn not Ready", || {
        !ready(&env, "kmc-trio-etcd-0")
    });
    let (running, _) = sh(&env, "kmc-trio-etcd-0", "etcd", "pidof etcd");
    assert!(running, "etcd in member 0 kept running");
    for id in &frozen {
        freeze(id, "THAWED");
    }
    wait_for(90, "every member Ready again", || {
        (0..3).all(|i| ready(&env, &format!("kmc-trio-etcd-{i}")))
    });

    // An etcd upgrade replaces one member at a time: never more than one member is
    // missing or not Ready (sampled several times a second), and a write gets through
    // during the whole roll (some member always holds a quorum with another).
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (done, kubeconfig, ns) = (done.clone(), env.kubeconfig.clone(), env.ns().to_string());
        std::thread::spawn(move || {
            let mut unready = Vec::new();
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                let out = std::process::Command::new("kubectl")
                    .arg("--kubeconfig")
                    .arg(&kubeconfig)
                    .args(["-n", &ns, "get", "pods", "-l", "app.kubernetes.io/instance=trio,app.kubernetes.io/component=etcd"])
                    .args(["-o", r#"jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}"#])
                    .output();
                if let Some(out) = out.ok().filter(|o| o.status.success()) {
                    let ready = String::from_utf8_lossy(&out.stdout)
                        .lines()
                        .filter(|l| l.trim() == "True")
                        .count();
                    unready.push(3usize.saturating_sub(ready));
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            unready
        })
    };
    let writer = {
        let (done, kubeconfig, ns) = (done.clone(), env.kubeconfig.clone(), env.ns().to_string());
        std::thread::spawn(move || {
            let mut rounds: Vec<bool> = Vec::new();
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                let n = rounds.len().to_string();
                let ok = (0..3).any(|i| {
                    let pod = format!("kmc-trio-etcd-{i}");
                    std::process::Command::new("kubectl")
                        .arg("--kubeconfig")
                        .arg(&kubeconfig)
                        .args(["-n", &ns, LOCAL_ETCDCTL[0], &pod])
                        .args(&LOCAL_ETCDCTL[1..])
                        .args(["put", "/k0smotron/during", &n])
                        .output()
                        .is_ok_and(|o| o.status.success())
                });
                rounds.push(ok);
                std::thread::sleep(Duration::from_millis(500));
            }
            rounds
        })
    };
    let out = run(
        &env,
        &[
            "upgrade",
            "trio",
            "--etcd-version",
            "v3.7.3",
            "--timeout",
            "5m",
        ],
    );
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let rounds = writer.join().unwrap();
    let unready = watcher.join().unwrap();
    succeeded(&env, &out, "trio");
    let most_unready = unready.iter().copied().max().unwrap_or_default();
    assert!(
        unready.len() >= 20 && most_unready <= 1,
        "{} samples of the members during the roll, at most {most_unready} missing or not Ready at once: {unready:?}",
        unready.len()
    );
    // A leader election may turn one round away; losing quorum would turn many.
    let longest_outage = rounds
        .split(|ok| *ok)
        .map(<[bool]>::len)
        .max()
        .unwrap_or_default();
    assert!(
        rounds.len() >= 10 && longest_outage <= 1,
        "{} write rounds during the roll, at most {longest_outage} failing in a row: {rounds:?}",
        rounds.len()
    );
    // Right after the last member turned Ready, a read was once refused ("request timed
    // out") on the loaded node: the data is checked once all three report healthy.
    wait_for(60, "three healthy members after the roll", || {
        healthy_members(&env, "kmc-trio-etcd-0").0 == 3
    });
    let status = etcdctl(
        &env,
        "kmc-trio-etcd-0",
        &["endpoint", "status", "--cluster", "-w", "json"],
    );
    let versions: Vec<String> = serde_json::from_slice::<Vec<serde_json::Value>>(&status.stdout)
        .unwrap_or_else(|_| panic!("{}", text(&status)))
        .iter()
        .map(|m| {
            m["Status"]["version"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(versions, vec!["3.7.3"; 3], "{}", text(&status));
    assert_eq!(
        get(&env, "kmc-trio-etcd-2", "/k0smotron/before"),
        "three from the start"
    );
}

/// Set (or with `None` remove) annotation `key` of the test's namespace: how the k0s
/// stand-in's API behaves there.
fn annotate_namespace(env: &Env, key: &str, value: Option<&str>) {
    let arg = match value {
        Some(v) => format!("{key}={v}"),
        None => format!("{key}-"),
    };
    let out = kubectl(
        env,
        &["annotate", "namespace", env.ns(), &arg, "--overwrite"],
    );
    assert!(out.status.success(), "{}", text(&out));
}

/// How long the container `container` of `pod` has been running.
fn running_for(env: &Env, pod: &str, container: &str) -> Duration {
    let started = pod_field(
        env,
        pod,
        &format!(".status.containerStatuses[?(@.name==\"{container}\")].state.running.startedAt"),
    );
    let started =
        time::OffsetDateTime::parse(&started, &time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|e| panic!("{e}: {started:?}"));
    let ran = time::OffsetDateTime::now_utc() - started;
    Duration::from_secs_f64(ran.as_seconds_f64().max(0.0))
}

fn readyz(env: &Env, pod: &str) -> (bool, String) {
    sh(
        env,
        pod,
        "controller",
        "k0s kubectl --kubeconfig /var/lib/k0s/pki/admin.conf get --raw=/readyz",
    )
}

#[test]
fn create_and_wait_return_only_once_the_api_answers_and_a_silent_api_is_not_ready() {
    let (_turn, env) = real_env();
    // The stand-in's kube-apiserver answers 25 s after its container starts (real k0s: 8–21 s).
    let delay = Duration::from_secs(25);
    annotate_namespace(&env, mothership::k0s::API_READY_AFTER, Some("25s"));
    let out = run(
        &env,
        &[
            "create",
            "slow",
            "--storage",
            "kine",
            "--service-type",
            "ClusterIP",
            "--key-algorithm",
            "ecdsa-p256",
            "--timeout",
            "5m",
        ],
    );
    succeeded(&env, &out, "slow");
    assert!(running_for(&env, "kmc-slow-0", "controller") >= delay);
    let (ok, said) = readyz(&env, "kmc-slow-0");
    assert!(ok && said.trim() == "ok", "{said}");
    // The endpoint is a Service name: create says it went by the probes, and why.
    assert!(
        stderr(&out)
            .contains("ready by the controllers' /readyz probes (not asked from here: kmc-slow.")
            && stderr(&out).contains("is a name inside the mothership's cluster)"),
        "{}",
        stderr(&out)
    );

    // `wait` on a controller that starts again waits for its API as well.
    let out = kubectl(&env, &["delete", "pod", "kmc-slow-0"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&env, &["wait", "slow", "--timeout", "5m"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(running_for(&env, "kmc-slow-0", "controller") >= delay);

    // An API that stops answering takes the controller out of Ready (and so out of its
    // Service), while k0s keeps running and is not restarted.
    annotate_namespace(&env, mothership::k0s::API_DOWN, Some("true"));
    let until = Instant::now() + Duration::from_secs(90);
    while ready(&env, "kmc-slow-0") {
        assert!(
            Instant::now() < until,
            "the controller stayed Ready with its API silent:\n{}",
            text(&kubectl(&env, &["describe", "pod", "kmc-slow-0"]))
        );
        std::thread::sleep(Duration::from_secs(1));
    }
    let (ok, said) = sh(&env, "kmc-slow-0", "controller", "k0s status");
    assert!(ok, "k0s keeps running: {said}");
    assert_eq!(
        pod_field(
            &env,
            "kmc-slow-0",
            ".status.containerStatuses[0].restartCount"
        ),
        "0"
    );
    let out = run(&env, &["status", "slow"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    annotate_namespace(&env, mothership::k0s::API_DOWN, None);
    wait_for(60, "the controller to be Ready again", || {
        ready(&env, "kmc-slow-0")
    });
}

/// Where kine keeps its SQLite database in the controller pod.
const KINE_DB: &str = "/var/lib/k0s/db/state.db";

/// `file` into `path` in the controller container of `pod`, through `kubectl exec -i`.
/// exec's standard input loses data now and then (kubernetes/kubernetes#112834): of 15
/// `kubectl exec -i … cat > FILE` of 110,000 bytes on the real node, 6 left 0 or 32,768
/// bytes and exited 0. So the size is checked there, and the copy tried again (as
/// `restore` checks and retries what it hands over).
fn put_file(env: &Env, pod: &str, path: &str, file: &std::path::Path) {
    let bytes = std::fs::metadata(file).unwrap().len();
    let script = format!(
        "mkdir -p \"$(dirname {path})\" && head -c {bytes} > {path}.part && test \"$(wc -c < {path}.part)\" -eq {bytes} && mv {path}.part {path}"
    );
    let mut said = String::new();
    for _ in 0..5 {
        let put = std::process::Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&env.kubeconfig)
            .args([
                "exec",
                "-i",
                pod,
                "-c",
                "controller",
                "--",
                "sh",
                "-c",
                &script,
            ])
            .stdin(std::fs::File::open(file).unwrap())
            .output()
            .unwrap();
        if put.status.success() {
            return;
        }
        said = text(&put);
    }
    panic!("could not put {} bytes into {pod}:{path}: {said}", bytes);
}

/// Two files' bytes are the same (said by size and SHA-256, not byte by byte).
fn assert_same(got: &[u8], want: &[u8], what: &str) {
    use sha2::Digest;
    let sum = |b: &[u8]| {
        let hex: String = sha2::Sha256::digest(b)
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect();
        format!("{} bytes, SHA-256 {hex}", b.len())
    };
    assert_eq!(sum(got), sum(want), "{what}");
}

/// The bytes of kine's database in controller pod `pod`.
fn kine_db(env: &Env, pod: &str) -> Vec<u8> {
    let out = kubectl(
        env,
        &["exec", pod, "-c", "controller", "--", "cat", KINE_DB],
    );
    assert!(out.status.success(), "{}", text(&out));
    out.stdout
}

#[test]
fn kines_sqlite_database_survives_backup_delete_restore_and_clone_byte_for_byte() {
    let (_turn, env) = real_env();
    create(&env, "lite", &["--storage", "kine"]);
    // A database SQLite itself wrote (Python's sqlite3), where kine keeps it: the stand-in
    // runs no kine, and real k0s's copy of a live database is checked in real_k0s.rs.
    let dir = tempfile::tempdir().unwrap();
    let made = dir.path().join("state.db");
    let python = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys\n\
             db = sqlite3.connect(sys.argv[1])\n\
             db.execute('create table kine (name text, value blob)')\n\
             db.executemany('insert into kine values (?, ?)', [('/registry/configmaps/default/kept', b'before the backup')] + [('/registry/filler/%d' % i, b'x' * 500) for i in range(200)])\n\
             db.commit()",
        ])
        .arg(&made)
        .output()
        .unwrap();
    assert!(python.status.success(), "{}", text(&python));
    let original = std::fs::read(&made).unwrap();
    put_file(&env, "kmc-lite-0", KINE_DB, &made);
    assert_same(&kine_db(&env, "kmc-lite-0"), &original, "the database put");

    let archive = dir.path().join("lite.tar.gz");
    let out = run(&env, &["backup", "lite", "-f", archive.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Copying kine's SQLite database in kmc-lite-0"),
        "{}",
        stderr(&out)
    );
    let listed = std::process::Command::new("tar")
        .arg("tzf")
        .arg(&archive)
        .output()
        .unwrap();
    assert_eq!(
        stdout(&listed).lines().last(),
        Some("data/kine.db"),
        "{}",
        stdout(&listed)
    );
    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    let untar = std::process::Command::new("tar")
        .arg("xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&unpacked)
        .status()
        .unwrap();
    assert!(untar.success());
    assert_eq!(
        std::fs::read(unpacked.join("data/kine.db")).unwrap(),
        original
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(unpacked.join("backup.json")).unwrap()).unwrap();
    assert_eq!(manifest["data"]["kind"], "kineSqlite", "{manifest}");
    assert_eq!(manifest["data"]["pod"], "kmc-lite-0");
    let digest = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-r"])
        .arg(unpacked.join("data/kine.db"))
        .output()
        .unwrap();
    assert_eq!(
        manifest["data"]["sha256"].as_str().unwrap(),
        stdout(&digest).split_whitespace().next().unwrap()
    );
    // SQLite reads the copy: the row written before is there.
    let read = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys\n\
             print(sqlite3.connect(sys.argv[1]).execute(\"select value from kine where name = '/registry/configmaps/default/kept'\").fetchone()[0].decode())",
        ])
        .arg(unpacked.join("data/kine.db"))
        .output()
        .unwrap();
    assert_eq!(stdout(&read).trim(), "before the backup", "{}", text(&read));

    // Deleted, restored: the database is back before k0s first starts, byte for byte.
    let ca = ca_of(&env, "lite");
    let out = run(&env, &["delete", "lite", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let started = Instant::now();
    let out = run(
        &env,
        &["restore", archive.to_str().unwrap(), "--timeout", "5m"],
    );
    succeeded(&env, &out, "lite");
    eprintln!("restore took {:.1?}", started.elapsed());
    assert!(
        stderr(&out).contains("Handing kine's SQLite database to the controller"),
        "{}",
        stderr(&out)
    );
    assert_same(
        &kine_db(&env, "kmc-lite-0"),
        &original,
        "the restored database",
    );
    assert_eq!(ca_of(&env, "lite"), ca);
    // The restore container took it and ended; the controller started once, on it.
    assert_eq!(
        pod_field(
            &env,
            "kmc-lite-0",
            ".status.initContainerStatuses[?(@.name==\"restore\")].state.terminated.exitCode"
        ),
        "0"
    );
    assert_eq!(
        pod_field(
            &env,
            "kmc-lite-0",
            ".status.containerStatuses[?(@.name==\"controller\")].restartCount"
        ),
        "0"
    );

    // A clone: the same database under new authorities.
    let out = run(&env, &["clone", "lite", "lite-twin", "--timeout", "5m"]);
    succeeded(&env, &out, "lite-twin");
    assert_same(
        &kine_db(&env, "kmc-lite-twin-0"),
        &original,
        "the clone's database",
    );
    assert_ne!(ca_of(&env, "lite-twin"), ca);
    // From the archive alone, as a CI template: the data under an identity of its own.
    let out = run(
        &env,
        &[
            "restore",
            archive.to_str().unwrap(),
            "--name",
            "lite-seeded",
            "--new-identity",
            "--timeout",
            "5m",
        ],
    );
    succeeded(&env, &out, "lite-seeded");
    assert_same(
        &kine_db(&env, "kmc-lite-seeded-0"),
        &original,
        "the seeded copy's database",
    );
    let seeded = ca_of(&env, "lite-seeded");
    assert!(seeded != ca && seeded != ca_of(&env, "lite-twin"));
}
