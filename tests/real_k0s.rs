//! Opt-in: real k0s in the controller pods, on the real node (`K0SMOTRON_TEST_K0S` names a
//! k0s binary a developer built by hand: it is on no registry; `K0SMOTRON_TEST_K0S_BIN_DIR`
//! adds konnectivity-server and kine). Ignored without it; run with
//! `cargo test --test real_k0s -- --ignored` (docs/mothership.md).

mod support;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use support::*;

/// One real control plane at a time: each runs kube-apiserver, and the timings are reported.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn real_k0s_env() -> Env {
    assert!(
        mothership::node::real_k0s().is_some(),
        "the real-k0s suite needs {}=/path/to/k0s (see docs/mothership.md)",
        mothership::node::REAL_K0S_ENV
    );
    Env::with(|c| c.real_pods = true)
}

/// The admin kubeconfig `kubeconfig NAME` prints, written to a file.
fn admin_kubeconfig(env: &Env, name: &str) -> std::path::PathBuf {
    let out = run(env, &["kubeconfig", name]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let file = env
        .dir
        .path()
        .join(format!("{name}-{}.kubeconfig", std::process::id()));
    std::fs::write(&file, &out.stdout).unwrap();
    file
}

/// `kubectl ARGS` against control plane `name` with `kubeconfig`, reaching its controller
/// pod's address (nothing here routes a Service's) under the name the kubeconfig's server
/// has, so its certificate is checked as a worker would check it.
fn child(
    env: &Env,
    name: &str,
    kubeconfig: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    let text = std::fs::read_to_string(kubeconfig).unwrap();
    let server = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("server: ").map(str::to_string))
        .expect("a server in the kubeconfig");
    let host = server
        .trim_start_matches("https://")
        .rsplit_once(':')
        .map(|(h, _)| h.to_string())
        .unwrap_or_default();
    let pod = format!("kmc-{name}-0");
    let ip = pod_field(env, &pod, ".status.podIP");
    let port = pod_field(
        env,
        &pod,
        ".spec.containers[0].ports[?(@.name==\"api\")].containerPort",
    );
    std::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["--server", &format!("https://{ip}:{port}")])
        .args(["--tls-server-name", &host])
        .args(args)
        .output()
        .unwrap()
}

/// `create NAME` with `extra` flags, waiting up to 10 minutes for real k0s.
fn create_real(env: &Env, name: &str, extra: &[&str]) {
    let mut args = vec!["--timeout", "10m"];
    args.extend_from_slice(extra);
    create(env, name, &args);
}

/// Create control plane `name` with `extra` flags, then prove it serves: the admin
/// kubeconfig `kubeconfig NAME` prints lists the child's namespaces with kubectl (reaching
/// the controller pod's address, as nothing here routes a Service's), and `token worker`
/// returns a token real k0s made, for the recorded endpoint and the control plane's CA.
fn serves(name: &str, extra: &[&str]) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let env = real_k0s_env();
    let start = Instant::now();
    create_real(&env, name, extra);
    let created = start.elapsed();

    let kubeconfig = admin_kubeconfig(&env, name);
    poll(
        120,
        Duration::from_secs(1),
        "the child's API to list its namespaces",
        || {
            stdout(&child(
                &env,
                name,
                &kubeconfig,
                &["get", "namespaces", "-o", "name"],
            ))
            .contains("namespace/kube-system")
        },
    );
    let serving = start.elapsed();

    let out = run(&env, &["token", "worker", name]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let token = mothership::k0s::decode_join_token(&stdout(&out)).unwrap();
    let endpoint = record(&env, name)["data"]["endpoint"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(token.contains(&format!("server: {endpoint}\n")), "{token}");
    assert!(
        token.contains(&format!(
            "certificate-authority-data: {}\n",
            ca_of(&env, name)
        )),
        "{token}"
    );
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!(
        "real k0s, {name} ({}): create returned after {:.1} s, the API listed namespaces after {:.1} s; load {}",
        if extra.is_empty() {
            "etcd".to_string()
        } else {
            extra.join(" ")
        },
        created.as_secs_f64(),
        serving.as_secs_f64(),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}

#[test]
#[ignore = "needs K0SMOTRON_TEST_K0S (a k0s built by hand)"]
fn etcd_serves_its_api() {
    serves("k0s-etcd", &[]);
}

#[test]
#[ignore = "needs K0SMOTRON_TEST_K0S (a k0s built by hand) and kine in K0SMOTRON_TEST_K0S_BIN_DIR"]
fn kine_on_an_empty_dir_serves_its_api() {
    serves("k0s-kine", &["--storage", "kine"]);
}

#[test]
#[ignore = "needs K0SMOTRON_TEST_K0S (a k0s built by hand) and kine in K0SMOTRON_TEST_K0S_BIN_DIR"]
fn kine_on_a_claim_serves_its_api() {
    serves(
        "k0s-kine-pvc",
        &["--storage", "kine", "--persistence", "pvc"],
    );
}

#[test]
#[ignore = "needs K0SMOTRON_TEST_K0S (a k0s built by hand)"]
fn a_restored_control_plane_keeps_its_objects_and_its_old_kubeconfig() {
    restored_keeps_a_configmap("k0s-kept", &[]);
}

#[test]
#[ignore = "needs K0SMOTRON_TEST_K0S (a k0s built by hand) and kine in K0SMOTRON_TEST_K0S_BIN_DIR"]
fn kine_on_sqlite_backs_up_a_live_database_and_restores_it() {
    restored_keeps_a_configmap("k0s-lite", &["--storage", "kine"]);
}

/// create NAME (with `extra`), a ConfigMap in it, backup, delete, restore: the admin
/// kubeconfig from before the backup reads the ConfigMap.
fn restored_keeps_a_configmap(name: &str, extra: &[&str]) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let env = real_k0s_env();
    create_real(&env, name, extra);
    let old = admin_kubeconfig(&env, name);
    poll(
        120,
        Duration::from_secs(1),
        "a ConfigMap created in the child",
        || {
            child(
                &env,
                name,
                &old,
                &[
                    "create",
                    "configmap",
                    "kept",
                    "--from-literal",
                    "before=the backup",
                ],
            )
            .status
            .success()
        },
    );
    let file = env.dir.path().join(format!("{name}.tar.gz"));
    let out = run(&env, &["backup", name, "-f", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    eprintln!("{}", stderr(&out));
    let out = run(&env, &["delete", name, "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let start = Instant::now();
    let out = run(
        &env,
        &["restore", file.to_str().unwrap(), "--timeout", "10m"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let restored = start.elapsed();
    // The kubeconfig from before the backup: same CA, a client certificate it signed.
    let mut value = String::new();
    poll(
        120,
        Duration::from_secs(1),
        "the ConfigMap from before the backup",
        || {
            let out = child(
                &env,
                name,
                &old,
                &["get", "configmap", "kept", "-o", "jsonpath={.data.before}"],
            );
            value = stdout(&out);
            out.status.success()
        },
    );
    assert_eq!(value, "the backup");
    eprintln!(
        "real k0s {extra:?}, restore returned after {:.1} s; the old kubeconfig read the ConfigMap after {:.1} s",
        restored.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
}
