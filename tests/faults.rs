//! Faults at every request position of `create`, `delete`, `upgrade`, `scale` and
//! `token worker`: a 500, a 503, a 429 with Retry-After, a dropped connection and a 409 are
//! injected into the n-th request the command sends (for every n a clean run of it sends).
//! Each case ends in one of two ways: the command succeeds (it retried what was safe to
//! retry), or it exits 1 naming what failed and leaves the mothership as the rules of that
//! command say; the objects of another control plane and an object nobody labelled are
//! never touched. Every output is searched for key material and the mothership's tokens.

mod support;

use std::collections::BTreeMap;
use std::process::Output;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use mothership::{Fault, FaultAction};
use serde_json::{Value, json};
use support::*;

const INSTANCE: &str = "k0smotron.io/cluster";
/// Cases run at once, each worker in a namespace and behind a proxy of its own.
const WORKERS: usize = 4;

/// One sweep at a time (each already runs `WORKERS` cases at once): a command's clean run
/// is counted on a quiet machine, so its polls are not inflated by another sweep's load.
static ONE_SWEEP_AT_A_TIME: Mutex<()> = Mutex::new(());

fn my_turn() -> std::sync::MutexGuard<'static, ()> {
    ONE_SWEEP_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The five ways one request fails.
#[derive(Debug, Clone, Copy)]
enum Injected {
    ServerError,
    Unavailable,
    TooManyRequests,
    Dropped,
    Conflict,
}

const ALL: [Injected; 5] = [
    Injected::ServerError,
    Injected::Unavailable,
    Injected::TooManyRequests,
    Injected::Dropped,
    Injected::Conflict,
];

impl Injected {
    fn at(self, nth: u32) -> Fault {
        let status = |code, retry_after| FaultAction::Status { code, retry_after };
        let action = match self {
            Injected::ServerError => status(500, None),
            Injected::Unavailable => status(503, None),
            Injected::TooManyRequests => status(429, Some(1)),
            Injected::Dropped => FaultAction::Drop,
            Injected::Conflict => status(409, None),
        };
        Fault::nth_request(nth, action)
    }
}

/// One worker's place: its namespace, a control plane that is not the one under test, and
/// a ConfigMap nobody labelled.
struct Place {
    env: Env,
    untouchable: BTreeMap<String, (String, String)>,
}

impl Place {
    fn new() -> Self {
        let env = Env::new();
        // Ready, so its controllers have made all they make (claims, pods) before any case.
        create(&env, "bystander", &[]);
        env.ms.create(
            "configmaps",
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "kmc-foreign", "labels": {"app": "someone-else"}},
                   "data": {"owner": "not k0smotron"}}),
        );
        let mut place = Place {
            env,
            untouchable: BTreeMap::new(),
        };
        place.untouchable = place.others();
        place
    }

    /// The bystander's objects and the unlabelled ones are as they were.
    fn assert_untouched(&self, what: &str) {
        assert_eq!(
            self.others(),
            self.untouchable,
            "{what}: touched another's objects"
        );
    }

    /// uid and resourceVersion of the objects no case may touch: the bystander control
    /// plane's and those without our labels. (Objects of cases are left aside: the case's own
    /// change, and earlier cases' may still be going away.)
    fn others(&self) -> BTreeMap<String, (String, String)> {
        let mut out = BTreeMap::new();
        for plural in [
            "configmaps",
            "secrets",
            "services",
            "statefulsets",
            "persistentvolumeclaims",
        ] {
            for o in self.env.ms.objects(plural) {
                let meta = &o["metadata"];
                let owner = &meta["labels"][INSTANCE];
                if !(owner.is_null() || owner == "bystander") {
                    continue;
                }
                // Controllers write the status of StatefulSets and claims, which moves
                // resourceVersion; what we would change is the spec (generation) or the data.
                let version = match plural {
                    "statefulsets" => meta["generation"].to_string(),
                    "persistentvolumeclaims" => String::new(),
                    _ => meta["resourceVersion"].to_string(),
                };
                out.insert(
                    format!("{}/{}", o["kind"].as_str().unwrap(), meta["name"]),
                    (meta["uid"].to_string(), version),
                );
            }
        }
        out
    }

    /// Out of the next case's way, without waiting (the checks leave other cases' objects
    /// aside), straight to kube-apiserver.
    fn forget(&self, name: &str) {
        self.env.ms.delete_labelled(INSTANCE, name);
    }

    fn left(&self, name: &str) -> Vec<String> {
        self.env.ms.labelled(INSTANCE, name)
    }

    /// Run `args` with `fault` armed, the fault cleared afterwards.
    fn run_with(&self, fault: Fault, args: &[&str]) -> Output {
        self.env.ms.clear_faults();
        self.env.ms.inject(fault);
        // With -v, so what verbose output says is searched for secrets too.
        let verbose: Vec<&str> = std::iter::once("-v").chain(args.iter().copied()).collect();
        let out = run(&self.env, &verbose);
        self.env.ms.clear_faults();
        out
    }

    /// Requests a clean run of `args` sends.
    fn count(&self, args: &[&str]) -> u32 {
        self.env.ms.reset_requests();
        let out = run(&self.env, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        self.env.ms.requests().total() as u32
    }
}

/// The commands of the sweeps print no key material at all, on either stream.
fn assert_no_secrets_anywhere(env: &Env, out: &Output, what: &str) {
    assert_no_secrets(env, out, what);
    assert!(
        !stdout(out).contains("PRIVATE KEY"),
        "{what}: key material on stdout"
    );
}

/// A failure says what failed: the `error:` line names the step or request, with the cause.
fn assert_failed_clearly(out: &Output, what: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{what}: {err}");
    let line = err
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("{what}: no error line: {err}"));
    assert!(line.len() > "error: ".len() + 20, "{what}: {err}");
}

/// Run `case` for every (fault, position) over `WORKERS` places at once; `prepare` runs
/// once per place. A case gets its own control plane name (`prefix` and its number), which
/// is deleted when the case breaks a rule, so one broken case does not break the next.
/// Returns the number of cases and how many ended in success.
fn sweep<P: Sync>(
    positions: u32,
    prefix: &str,
    prepare: impl Fn(&Place) -> P + Sync,
    case: impl Fn(&Place, &P, &str, Injected, u32) -> bool + Sync,
) -> (usize, usize) {
    let cases: Vec<(Injected, u32)> = ALL
        .iter()
        .flat_map(|&f| (1..=positions).map(move |n| (f, n)))
        .collect();
    let next = AtomicUsize::new(0);
    let succeeded = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| {
                let place = Place::new();
                let prepared = prepare(&place);
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&(fault, nth)) = cases.get(i) else {
                        break;
                    };
                    let name = format!("{prefix}{i}");
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        case(&place, &prepared, &name, fault, nth)
                    }));
                    if outcome.is_err() {
                        place.forget(&name);
                    }
                    match outcome {
                        Ok(true) => {
                            succeeded.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(false) => {}
                        Err(e) => {
                            let msg = e
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_default();
                            failures
                                .lock()
                                .unwrap()
                                .push(format!("{fault:?} at request {nth}: {msg}"));
                        }
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} cases broke the rules:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
    eprintln!(
        "{} cases ({} positions x 5 faults): {} succeeded, {} failed cleanly",
        cases.len(),
        positions,
        succeeded.load(Ordering::SeqCst),
        cases.len() - succeeded.load(Ordering::SeqCst)
    );
    (cases.len(), succeeded.load(Ordering::SeqCst))
}

fn create_args(name: &str) -> Vec<&str> {
    vec!["create", name, "--no-wait", "--key-algorithm", "ecdsa-p256"]
}

fn count_once(args: impl Fn(&str) -> Vec<String>, setup: impl Fn(&Place, &str)) -> u32 {
    let place = Place::new();
    setup(&place, "counted");
    let args = args("counted");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let started = std::time::Instant::now();
    let n = place.count(&args);
    eprintln!(
        "{args:?}: {n} requests in {:.1?} on a clean run",
        started.elapsed()
    );
    n
}

#[test]
fn create_rolls_back_or_succeeds_at_every_fault() {
    let _turn = my_turn();
    let positions = count_once(
        |n| create_args(n).iter().map(|s| s.to_string()).collect(),
        |_, _| {},
    );
    assert!(positions >= 30, "{positions} requests");
    sweep(
        positions,
        "c",
        |_| (),
        |place, _, name, fault, nth| {
            let name = name.to_string();
            let what = format!("create {name}, {fault:?} at request {nth}");
            let out = place.run_with(fault.at(nth), &create_args(&name));
            assert_no_secrets_anywhere(&place.env, &out, &what);
            let ok = out.status.success();
            if ok {
                let objects = place.left(&name);
                assert!(objects.len() >= 15, "{what}: {objects:?}");
            } else {
                assert_failed_clearly(&out, &what);
                // A StatefulSet deleted in the foreground may outlive the command while the
                // garbage collector (busy with the other cases) removes its pods.
                eventually(60, &format!("{what}: rollback"), || {
                    place.left(&name).is_empty()
                });
            }
            place.assert_untouched(&what);
            place.forget(&name);
            ok
        },
    );
}

#[test]
fn delete_finishes_when_run_again_after_any_fault() {
    let _turn = my_turn();
    let setup = |place: &Place, name: &str| {
        let out = run(&place.env, &create_args(name));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    };
    let positions = count_once(|n| vec!["delete".into(), n.into(), "--yes".into()], setup);
    sweep(
        positions,
        "d",
        |_| (),
        |place, _, name, fault, nth| {
            let name = name.to_string();
            let what = format!("delete {name}, {fault:?} at request {nth}");
            setup(place, &name);
            let out = place.run_with(fault.at(nth), &["delete", &name, "--yes"]);
            assert_no_secrets_anywhere(&place.env, &out, &what);
            let ok = out.status.success();
            if !ok {
                assert_failed_clearly(&out, &what);
                let again = run(
                    &place.env,
                    &["delete", &name, "--yes", "--ignore-not-found"],
                );
                assert_eq!(
                    again.status.code(),
                    Some(0),
                    "{what}: rerun: {}",
                    stderr(&again)
                );
            }
            assert_eq!(
                place.left(&name),
                Vec::<String>::new(),
                "{what}: left behind"
            );
            place.assert_untouched(&what);
            ok
        },
    );
}

fn record_version(place: &Place, name: &str) -> String {
    let record = place
        .env
        .ms
        .objects("configmaps")
        .into_iter()
        .find(|o| o["metadata"]["name"] == format!("kmc-{name}"))
        .expect("record");
    let doc: Value = serde_saphyr::from_str(record["data"]["cluster.yaml"].as_str().unwrap())
        .unwrap_or_else(|e| panic!("{e}: {record}"));
    doc["spec"]["version"].as_str().unwrap().to_string()
}

fn controller_image(place: &Place, name: &str) -> String {
    place
        .env
        .ms
        .objects("statefulsets")
        .into_iter()
        .find(|o| o["metadata"]["name"] == format!("kmc-{name}"))
        .expect("controller StatefulSet")["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Each place upgrades one control plane patch release after patch release: an upgrade
/// that failed leaves the old or the new version in the record, and its rerun finishes it.
#[test]
fn upgrade_leaves_old_or_new_and_a_rerun_finishes() {
    let _turn = my_turn();
    let version = |patch: usize| format!("v1.35.{patch}+k0s.0");
    let setup = |place: &Place, name: &str| {
        create(&place.env, name, &["--version", &version(0)]);
    };
    let positions = count_once(
        |n| vec!["upgrade".into(), n.into(), "--version".into(), version(1)],
        setup,
    );
    // The patch each place's control plane runs now.
    let patch = Mutex::new(BTreeMap::<String, usize>::new());
    sweep(
        positions,
        "u",
        |place| {
            setup(place, "up");
            patch.lock().unwrap().insert(place.env.ns().to_string(), 0);
        },
        |place, _, _, fault, nth| {
            let what = format!("upgrade, {fault:?} at request {nth}");
            let old = patch.lock().unwrap()[place.env.ns()];
            let (from, to) = (version(old), version(old + 1));
            let out = place.run_with(fault.at(nth), &["upgrade", "up", "--version", &to]);
            assert_no_secrets_anywhere(&place.env, &out, &what);
            let ok = out.status.success();
            let recorded = record_version(place, "up");
            if ok {
                assert_eq!(recorded, to, "{what}");
            } else {
                assert_failed_clearly(&out, &what);
                assert!(
                    recorded == from || recorded == to,
                    "{what}: record says {recorded}"
                );
                let again = run(&place.env, &["upgrade", "up", "--version", &to]);
                assert_eq!(
                    again.status.code(),
                    Some(0),
                    "{what}: rerun: {}",
                    stderr(&again)
                );
                assert_eq!(record_version(place, "up"), to, "{what}");
            }
            assert_eq!(
                controller_image(place, "up"),
                format!("quay.io/k0sproject/k0s:{}", to.replace('+', "-")),
                "{what}"
            );
            place.assert_untouched(&what);
            patch
                .lock()
                .unwrap()
                .insert(place.env.ns().to_string(), old + 1);
            ok
        },
    );
}

/// A control plane scaled, then checked: Ready (so `status` exits 0) and cleaned up.
fn scale_case(place: &Place, name: &str, what: &str, fault: Fault, create_flags: &[&str]) -> bool {
    create(&place.env, name, create_flags);
    let args = ["scale", name, "--replicas", "3"];
    let out = place.run_with(fault, &args);
    assert_no_secrets_anywhere(&place.env, &out, what);
    let ok = out.status.success();
    if !ok {
        assert_failed_clearly(&out, what);
        let again = run(&place.env, &args);
        assert_eq!(
            again.status.code(),
            Some(0),
            "{what}: rerun: {}",
            stderr(&again)
        );
    }
    let status = run(&place.env, &["status", name, "-o", "json"]);
    assert_eq!(status.status.code(), Some(0), "{what}: {}", stdout(&status));
    let report: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(
        (&report["desired"], &report["ready"]),
        (&json!(3), &json!(3)),
        "{what}: {report}"
    );
    place.assert_untouched(what);
    place.forget(name);
    ok
}

/// kine on an external database: one StatefulSet, so every position of the record and
/// controller steps is reached in a few seconds per case.
const KINE: [&str; 2] = ["--datasource", "postgres://k0s@db.example:5432/k0s"];

/// Every request position of growing a control plane from one controller to three.
#[test]
fn scale_is_finished_by_running_it_again() {
    let _turn = my_turn();
    let positions = count_once(
        |n| vec!["scale".into(), n.into(), "--replicas".into(), "3".into()],
        |place, name| create(&place.env, name, &KINE),
    );
    sweep(
        positions,
        "s",
        |_| (),
        |place, _, name, fault, nth| {
            let what = format!("scale {name}, {fault:?} at request {nth}");
            scale_case(place, name, &what, fault.at(nth), &KINE)
        },
    );
}

/// Growing etcd from one member to three (one member at a time, each awaited) with each of
/// its writes failed: every request position would take a quarter of an hour on two cores,
/// the reads are the same GETs the sweep above covers, and the writes are where a
/// half-done change could be left.
#[test]
fn etcd_growth_is_finished_by_running_it_again_after_any_failed_write() {
    let _turn = my_turn();
    let place = Place::new();
    create(&place.env, "counted", &[]);
    place.env.ms.reset_requests();
    let out = run(&place.env, &["scale", "counted", "--replicas", "3"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let writes: Vec<String> = place
        .env
        .ms
        .requests()
        .requests
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.path.clone())
        .collect();
    assert!(writes.len() >= 3, "{writes:?}");
    let positions = writes.len() as u32;
    drop(place);
    sweep(
        positions,
        "e",
        |_| (),
        |place, _, name, fault, nth| {
            let what = format!("etcd growth {name}, {fault:?} at write {nth} of {positions}");
            let mut at = fault.at(nth);
            at.method = Some("PATCH".into());
            scale_case(place, name, &what, at, &[])
        },
    );
}

#[test]
fn token_worker_succeeds_or_says_why() {
    let _turn = my_turn();
    let setup = |place: &Place, name: &str| create(&place.env, name, &[]);
    let positions = count_once(|n| vec!["token".into(), "worker".into(), n.into()], setup);
    sweep(
        positions,
        "t",
        |place| setup(place, "tok"),
        |place, _, _, fault, nth| {
            let what = format!("token worker, {fault:?} at request {nth}");
            let out = place.run_with(fault.at(nth), &["token", "worker", "tok"]);
            assert_no_secrets_anywhere(&place.env, &out, &what);
            let ok = out.status.success();
            if ok {
                let token = stdout(&out);
                assert!(
                    mothership::k0s::decode_join_token(token.trim()).is_ok(),
                    "{what}: {token}"
                );
            } else {
                assert_failed_clearly(&out, &what);
            }
            place.assert_untouched(&what);
            ok
        },
    );
}

#[test]
fn two_creates_of_one_name_at_once_one_wins_and_the_winner_is_intact() {
    let env = Env::with(|c| c.latency = std::time::Duration::from_millis(50));
    for round in 0..4 {
        let name = format!("race{round}");
        let args = create_args(&name);
        let children = [spawn(&env, &args), spawn(&env, &args)];
        let outs: Vec<Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        for out in &outs {
            assert_no_secrets_anywhere(&env, out, &name);
        }
        let winners: Vec<&Output> = outs.iter().filter(|o| o.status.success()).collect();
        assert_eq!(
            winners.len(),
            1,
            "{name}: {}\n---\n{}",
            stderr(&outs[0]),
            stderr(&outs[1])
        );
        let loser = outs.iter().find(|o| !o.status.success()).unwrap();
        assert_failed_clearly(loser, &name);
        assert!(
            stderr(loser).contains("already exists"),
            "{}",
            stderr(loser)
        );
        let out = run(&env, &["wait", &name, "--for", "ready", "--timeout", "60s"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let status = run(&env, &["status", &name, "-o", "json"]);
        assert_eq!(status.status.code(), Some(0), "{name}: {}", stdout(&status));
    }
}

/// `create NAME` in the background, once it is waiting (both StatefulSets written); the
/// pods of `env` never become Ready.
fn create_and_wait_in_background(env: &Env, name: &str) -> std::process::Child {
    let child = spawn(
        env,
        &[
            "create",
            name,
            "--key-algorithm",
            "ecdsa-p256",
            "--timeout",
            "60s",
        ],
    );
    eventually(20, "the StatefulSets", || {
        env.ms
            .labelled(INSTANCE, name)
            .iter()
            .filter(|o| o.starts_with("StatefulSet/"))
            .count()
            == 2
    });
    child
}

#[test]
fn delete_while_create_waits_ends_both_cleanly() {
    let env = Env::with(|c| c.pods_ready = false);
    let waiting = create_and_wait_in_background(&env, "doomed");
    let out = run(&env, &["delete", "doomed", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let started = std::time::Instant::now();
    let out = waiting.wait_with_output().unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_failed_clearly(&out, "create");
    assert!(
        stderr(&out).contains("control plane doomed was deleted while waiting for it"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.ms.labelled(INSTANCE, "doomed"), Vec::<String>::new());
}

#[test]
fn ctrl_c_while_writing_removes_what_was_written() {
    let env = Env::with(|c| c.latency = std::time::Duration::from_millis(300));
    let child = spawn(&env, &create_args("cut"));
    // Once the first write is under way (wave 2: the record and the Service).
    eventually(20, "the first write", || {
        env.ms
            .requests()
            .requests
            .iter()
            .any(|r| r.method == "POST")
    });
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(
        err.contains(
            "error: interrupted (Ctrl-C) while writing the control plane; everything this run wrote was removed"
        ),
        "{err}"
    );
    assert!(err.contains("Removing what this run wrote"), "{err}");
    assert_eq!(env.ms.labelled(INSTANCE, "cut"), Vec::<String>::new());
    // Nothing was half-written: the same create succeeds afterwards.
    let out = run(&env, &create_args("cut"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn ctrl_c_while_waiting_leaves_the_control_plane_and_says_so() {
    let env = Env::with(|c| c.pods_ready = false);
    let child = create_and_wait_in_background(&env, "left");
    std::thread::sleep(std::time::Duration::from_millis(300));
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(
        err.contains(&format!(
            "interrupted (Ctrl-C) while waiting: control plane left is written and keeps starting; `{}` waits again, `{}` removes it",
            hint(&env, "wait left"),
            hint(&env, "delete left")
        )),
        "{err}"
    );
    assert!(env.ms.labelled(INSTANCE, "left").len() >= 16);
}

/// uid and version (resourceVersion, or generation for StatefulSets) of every object of
/// control plane `name` in the place's namespace.
fn versions_of(place: &Place, name: &str) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    for plural in ["configmaps", "secrets", "services", "statefulsets"] {
        for o in place.env.ms.objects(plural) {
            let meta = &o["metadata"];
            if meta["labels"][INSTANCE] != name {
                continue;
            }
            let version = match plural {
                "statefulsets" => meta["generation"].to_string(),
                _ => meta["resourceVersion"].to_string(),
            };
            out.insert(
                format!("{}/{}", o["kind"].as_str().unwrap(), meta["name"]),
                (meta["uid"].to_string(), version),
            );
        }
    }
    out
}

/// What control plane `name` has in namespace `ns`, as `kind/name`.
fn labelled_in(place: &Place, ns: &str, name: &str) -> Vec<String> {
    let out = kubectl(
        &place.env,
        &[
            "-n",
            ns,
            "get",
            "statefulsets,services,configmaps,secrets",
            "-l",
            &format!("{INSTANCE}={name}"),
            "-o",
            "name",
        ],
    );
    stdout(&out).lines().map(String::from).collect()
}

fn forget_in(place: &Place, ns: &str, name: &str) {
    let _ = kubectl(
        &place.env,
        &[
            "-n",
            ns,
            "delete",
            "statefulsets,services,configmaps,secrets,persistentvolumeclaims",
            "-l",
            &format!("{INSTANCE}={name}"),
            "--wait=false",
        ],
    );
}

#[test]
fn move_leaves_the_original_untouched_at_every_fault() {
    let _turn = my_turn();
    // kine on an external database: moved without an exec, which kwok's pods cannot take.
    let create_source = |place: &Place, name: &str| {
        let out = run(
            &place.env,
            &[
                "create",
                name,
                "--key-algorithm",
                "ecdsa-p256",
                "--datasource",
                "postgres://db.example:5432/k0s",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    };
    let prepare = |place: &Place| {
        let to = format!("{}-to", place.env.ns());
        let made = kubectl(&place.env, &["create", "namespace", &to]);
        assert!(made.status.success(), "{}", text(&made));
        to
    };
    let positions = {
        let place = Place::new();
        let to = prepare(&place);
        create_source(&place, "counted");
        let n = place.count(&["move", "counted", "--to-namespace", &to]);
        eprintln!("move: {n} requests on a clean run");
        n
    };
    assert!(positions >= 40, "{positions} requests");
    sweep(positions, "m", prepare, |place, to, name, fault, nth| {
        let what = format!("move {name}, {fault:?} at request {nth}");
        create_source(place, name);
        let before = versions_of(place, name);
        let out = place.run_with(fault.at(nth), &["move", name, "--to-namespace", to]);
        assert_no_secrets_anywhere(&place.env, &out, &what);
        let ok = out.status.success();
        let err = stderr(&out);
        if ok {
            assert!(
                !labelled_in(place, to, name).is_empty(),
                "{what}: not moved"
            );
            eventually(60, &format!("{what}: original gone"), || {
                place.left(name).is_empty()
            });
        } else if err.contains("could not be removed") {
            // Only the last step, deleting the original, failed: the moved one serves.
            assert_failed_clearly(&out, &what);
            assert!(!labelled_in(place, to, name).is_empty(), "{what}: {err}");
        } else {
            assert_failed_clearly(&out, &what);
            assert!(err.contains("is untouched"), "{what}: {err}");
            assert_eq!(versions_of(place, name), before, "{what}: original touched");
            eventually(60, &format!("{what}: the restore removed"), || {
                labelled_in(place, to, name).is_empty()
            });
        }
        place.assert_untouched(&what);
        place.forget(name);
        forget_in(place, to, name);
        ok
    });
}
