//! `k0smotron create` against the real test control plane, as a user runs it.

mod support;

use std::time::{Duration, Instant};

use mothership::{ClusterOptions, Fault, LoadBalancers, LoggedRequest, Rule, User};
use serde_json::{Value, json};
use support::*;

const SELECTOR_KEY: &str = "k0smotron.io/cluster";

/// Everything `create` and its wait touch in the namespace.
const NAMESPACED: [&str; 9] = [
    "configmaps",
    "secrets",
    "services",
    "statefulsets",
    "pods",
    "pods/exec",
    "persistentvolumeclaims",
    "events",
    "serviceaccounts",
];

fn create(env: &Env, args: &[&str]) -> std::process::Output {
    env.cmd()
        .arg("create")
        .args(args)
        .args(["--key-algorithm", "ecdsa-p256"])
        .output()
        .unwrap()
}

fn find<'a>(list: &'a [Value], name: &str) -> &'a Value {
    list.iter()
        .find(|o| o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("{name} not found"))
}

fn k0s_yaml(env: &Env, name: &str) -> Value {
    let cm = env.ms.objects("configmaps");
    let text = find(&cm, &format!("kmc-{name}-config"))["data"]["K0SMOTRON_K0S_YAML"]
        .as_str()
        .unwrap()
        .to_string();
    serde_saphyr::from_str(&text).unwrap()
}

fn is_write(r: &LoggedRequest) -> bool {
    matches!(r.verb.as_str(), "create" | "patch" | "update" | "delete")
}

/// Requests that changed something, since the log was last reset.
fn writes(env: &Env) -> usize {
    env.ms
        .requests()
        .requests
        .iter()
        .filter(|r| is_write(r))
        .count()
}

#[test]
fn node_port_control_plane_end_to_end() {
    let env = Env::new();
    env.ms.reset_requests();
    let out = create(&env, &["demo"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(out.stdout.is_empty(), "progress goes to stderr");

    let svc = find(&env.ms.objects("services"), "kmc-demo-nodeport").clone();
    let ports = svc["spec"]["ports"].as_array().unwrap();
    let api = ports.iter().find(|p| p["name"] == "api").unwrap();
    let np = api["nodePort"].as_u64().unwrap();
    assert!((30000..=32767).contains(&np));
    assert_eq!(
        (api["port"].as_u64(), api["targetPort"].as_u64()),
        (Some(np), Some(np)),
        "k0s listens on the node port"
    );
    assert_eq!(svc["metadata"]["ownerReferences"][0]["name"], "kmc-demo");

    let cfg = k0s_yaml(&env, "demo");
    assert_eq!(cfg["spec"]["api"]["port"].as_u64(), Some(np));
    assert_eq!(cfg["spec"]["api"]["externalAddress"], "203.0.113.11");
    let sans: Vec<&str> = cfg["spec"]["api"]["sans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let cluster_ip = svc["spec"]["clusterIP"].as_str().unwrap();
    assert!(
        sans.contains(&cluster_ip)
            && sans.contains(&"203.0.113.11")
            && sans.contains(&format!("kmc-demo-nodeport.{}.svc.cluster.local", env.ns()).as_str())
    );
    let mut sorted = sans.clone();
    sorted.sort();
    assert_eq!(sans, sorted);

    let sts = find(&env.ms.objects("statefulsets"), "kmc-demo").clone();
    let container = &sts["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["image"], "quay.io/k0sproject/k0s:v1.36.3-k0s.2");
    assert_eq!(container["ports"][0]["containerPort"].as_u64(), Some(np));

    let record = find(&env.ms.objects("configmaps"), "kmc-demo").clone();
    let endpoint = format!("https://203.0.113.11:{np}");
    assert_eq!(record["data"]["endpoint"], endpoint.as_str());
    assert!(
        record["data"]["cluster.yaml"]
            .as_str()
            .unwrap()
            .contains(&format!("apiPort: {np}"))
    );
    assert!(
        err.contains(&format!("Control plane demo serves at {endpoint}")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "  {}\n",
            hint(&env, "kubeconfig demo > demo.kubeconfig")
        )),
        "{err}"
    );

    let mut ours = env.ms.labelled(SELECTOR_KEY, "demo");
    ours.sort();
    for expected in [
        "ConfigMap/kmc-demo",
        "ConfigMap/kmc-demo-config",
        "ConfigMap/kmc-entrypoint-demo-config",
        "Secret/demo-ca",
        "Secret/demo-proxy",
        "Secret/demo-etcd",
        "Secret/demo-sa",
        "Secret/demo-kubeconfig",
        "Secret/demo-apiserver-etcd-client",
        "Secret/demo-etcd-server",
        "Secret/demo-etcd-peer",
        "Service/kmc-demo-nodeport",
        "Service/kmc-demo-etcd",
        "StatefulSet/kmc-demo",
        "StatefulSet/kmc-demo-etcd",
        "Pod/kmc-demo-0",
        "Pod/kmc-demo-etcd-0",
        "PersistentVolumeClaim/etcd-data-kmc-demo-etcd-0",
    ] {
        assert!(
            ours.contains(&expected.to_string()),
            "{expected} missing from {ours:?}"
        );
    }

    // Placed by the real scheduler, the etcd claim bound by the real PV controller.
    for pod in env.ms.objects("pods") {
        assert!(
            pod["spec"]["nodeName"]
                .as_str()
                .is_some_and(|n| n.starts_with("node-")),
            "{pod}"
        );
    }
    let claims = env.ms.objects("persistentvolumeclaims");
    assert_eq!(
        find(&claims, "etcd-data-kmc-demo-etcd-0")["status"]["phase"],
        "Bound"
    );

    // Writes: record and Service; 12 objects and 2 patches; 2 StatefulSets.
    let log = env.ms.requests();
    assert_eq!(log.requests.iter().filter(|r| is_write(r)).count(), 18);
    assert_eq!(log.count("create", "statefulsets"), 2);
    assert_eq!(
        log.count("patch", "services") + log.count("patch", "configmaps"),
        2
    );
}

/// Four sequential waves of requests, or the timeline of every request.
fn assert_four_waves(log: &mothership::RequestLog) {
    assert_eq!(
        log.waves(|_| true),
        4,
        "{:#?}",
        log.requests
            .iter()
            .map(|r| (r.start_ms, r.end_ms, &r.verb, &r.path))
            .collect::<Vec<_>>()
    );
}

#[test]
fn four_sequential_waves_before_waiting() {
    let env = Env::with(|c| c.latency = Duration::from_millis(200));
    let start = Instant::now();
    let out = create(&env, &["waves", "--no-wait"]);
    let elapsed = start.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = env.ms.requests();
    assert_four_waves(&log);
    // Four waves at 200 ms each; one request at a time would take over 6 s.
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[test]
fn a_load_balancer_costs_no_wave_of_its_own() {
    // The address comes 700 ms after the Service: watched beside wave 2's writes.
    let env = Env::with(|c| {
        c.latency = Duration::from_millis(100);
        c.load_balancers = LoadBalancers::After(Duration::from_millis(700));
    });
    let out = create(
        &env,
        &["lbwaves", "--service-type", "LoadBalancer", "--no-wait"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = env.ms.requests();
    assert_four_waves(&log);
    assert_eq!(log.count("watch", "services"), 1);
}

#[test]
fn pinned_ports_and_two_control_planes_side_by_side() {
    // Pinned in the static band of the node-port range (its first 86 ports), which
    // kube-apiserver hands out only when the rest is used up, so control planes of other
    // tests on the same mothership cannot take them first.
    let env = Env::new();
    let a = create(
        &env,
        &[
            "alpha",
            "--api-port",
            "30011",
            "--konnectivity-port",
            "30012",
        ],
    );
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    let b = create(&env, &["beta"]);
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    assert_eq!(
        k0s_yaml(&env, "alpha")["spec"]["api"]["port"].as_u64(),
        Some(30011)
    );
    let beta = k0s_yaml(&env, "beta")["spec"]["api"]["port"]
        .as_u64()
        .unwrap();
    assert_ne!(beta, 30011);
    // A third asking for a taken port fails cleanly and leaves nothing behind.
    let c = create(&env, &["gamma", "--api-port", "30011"]);
    assert_eq!(c.status.code(), Some(1));
    assert!(
        stderr(&c).contains("provided port is already allocated"),
        "{}",
        stderr(&c)
    );
    assert!(env.ms.labelled(SELECTOR_KEY, "gamma").is_empty());
}

#[test]
fn load_balancer_address_is_awaited() {
    let env = Env::with(|c| c.load_balancers = LoadBalancers::After(Duration::from_millis(700)));
    let out = create(&env, &["lb", "--service-type", "LoadBalancer"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let cfg = k0s_yaml(&env, "lb");
    let host = cfg["spec"]["api"]["externalAddress"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(host.starts_with("198.51.100."), "{host}");
    assert_eq!(cfg["spec"]["api"]["port"].as_u64(), Some(30443));
    assert!(stderr(&out).contains(&format!("serves at https://{host}:30443")));
    // The address costs one watch of the Service, however long it takes: no polling.
    let log = env.ms.requests();
    assert_eq!(log.count("watch", "services"), 1, "{:?}", log.by_path());
    let gets = log
        .requests
        .iter()
        .filter(|r| r.verb == "get" && r.path.ends_with("/services/kmc-lb-lb"))
        .count();
    assert_eq!(
        gets,
        1,
        "only the check that the name is free: {:?}",
        log.by_path()
    );
}

#[test]
fn load_balancer_timeout_is_a_clear_error() {
    let env = Env::with(|c| c.load_balancers = LoadBalancers::Never);
    let out = create(
        &env,
        &["lb", "--service-type", "LoadBalancer", "--lb-timeout", "1s"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("Service/kmc-lb-lb got no load-balancer address within 1s"),
        "{err}"
    );
    assert!(
        env.ms.labelled(SELECTOR_KEY, "lb").is_empty(),
        "rolled back"
    );
}

#[test]
fn cluster_ip_uses_the_service_name_and_warns() {
    let env = Env::new();
    let out = create(&env, &["inner", "--service-type", "ClusterIP"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // Workers (kubelet, kube-proxy, konnectivity agents in the child's pods, which resolve
    // names with the child's DNS) are given the Service's cluster IP everywhere; the admin
    // kubeconfig names the Service.
    let services = env.ms.objects("services");
    let cluster_ip = find(&services, "kmc-inner")["spec"]["clusterIP"]
        .as_str()
        .unwrap()
        .to_string();
    let k0s = k0s_yaml(&env, "inner");
    assert_eq!(
        k0s["spec"]["api"]["externalAddress"],
        cluster_ip.as_str(),
        "{k0s}"
    );
    let sans = k0s["spec"]["api"]["sans"].as_array().unwrap();
    let service = format!("kmc-inner.{}.svc", env.ns());
    assert!(sans.contains(&service.as_str().into()), "{sans:?}");
    assert!(sans.contains(&cluster_ip.as_str().into()), "{sans:?}");
    let configmaps = env.ms.objects("configmaps");
    let record = &find(&configmaps, "kmc-inner")["data"];
    assert_eq!(
        record["endpoint"],
        format!("https://{service}:30443").as_str(),
        "the kubeconfig server is the Service name"
    );
    assert_eq!(
        record["workerEndpoint"],
        format!("https://{cluster_ip}:30443").as_str()
    );
    let manifest: Value = serde_saphyr::from_str(
        find(&configmaps, "kmc-inner-endpoint")["data"]["endpoint.yaml"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["data"]["apiServerHost"], cluster_ip.as_str());
    // The cluster IP is the mothership's choice, not the spec's: export leaves it out.
    let cluster: Value = serde_saphyr::from_str(record["cluster.yaml"].as_str().unwrap()).unwrap();
    assert_eq!(cluster["spec"]["externalAddress"], "", "{cluster}");
    assert!(
        err.contains("only pods in the mothership can reach it"),
        "{err}"
    );
}

#[test]
fn kine_with_each_persistence() {
    let env = Env::new();
    for (name, args) in [
        ("kine-empty", vec!["--storage", "kine"]),
        (
            "kine-pvc",
            vec![
                "--storage",
                "kine",
                "--persistence",
                "pvc",
                "--persistence-size",
                "2Gi",
            ],
        ),
        (
            "kine-host",
            vec![
                "--storage",
                "kine",
                "--persistence",
                "hostPath",
                "--host-path",
                "/var/lib/cp",
            ],
        ),
    ] {
        let mut all = vec![name];
        all.extend(args);
        let out = create(&env, &all);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert_eq!(k0s_yaml(&env, name)["spec"]["storage"]["type"], "kine");
        let ours = env.ms.labelled(SELECTOR_KEY, name);
        // The etcd CA Secret exists for every storage type (as the operator makes it); etcd itself does not.
        for etcd in [
            format!("StatefulSet/kmc-{name}-etcd"),
            format!("Service/kmc-{name}-etcd"),
            format!("Secret/{name}-etcd-server"),
        ] {
            assert!(!ours.contains(&etcd), "{name}: {etcd} in {ours:?}");
        }
    }
    let claims = env.ms.objects("persistentvolumeclaims");
    let claim = find(&claims, "kmc-kine-pvc-kmc-kine-pvc-0");
    assert_eq!(claim["status"]["phase"], "Bound");
    assert_eq!(claim["spec"]["resources"]["requests"]["storage"], "2Gi");
    let sts = env.ms.objects("statefulsets");
    let host = find(&sts, "kmc-kine-host");
    let volumes = host["spec"]["template"]["spec"]["volumes"]
        .as_array()
        .unwrap();
    assert!(
        volumes
            .iter()
            .any(|v| v["hostPath"]["path"] == "/var/lib/cp")
    );
}

#[test]
fn existing_control_plane_gets_a_hint_and_no_write() {
    let env = Env::new();
    assert_eq!(create(&env, &["twice"]).status.code(), Some(0));
    env.ms.reset_requests();
    // RSA keys (the default) take a while: the name is refused without waiting for them,
    // and nothing of them is printed after the error.
    let out = env.cmd().args(["create", "twice"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let ns = env.ns();
    assert!(
        err.contains(&format!(
            "control plane twice already exists in namespace {ns}; change it with `k0smotron -n {ns} upgrade twice` or `k0smotron -n {ns} scale twice`, or remove it with `k0smotron -n {ns} delete twice`"
        )),
        "{err}"
    );
    assert!(!err.contains("until those commands land"), "{err}");
    assert!(!err.contains("Generating certificates"), "{err}");
    assert!(
        err.trim_end().lines().last().unwrap().starts_with("error:"),
        "{err}"
    );
    assert_eq!(writes(&env), 0);
}

#[test]
fn a_foreign_object_with_a_colliding_name_is_left_alone() {
    let env = Env::new();
    let foreign = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kmc-victim-config", "labels": {"owner": "someone-else"}}, "data": {"keep": "me"}});
    env.ms.create("configmaps", foreign);
    let before = find(&env.ms.objects("configmaps"), "kmc-victim-config").clone();
    env.ms.reset_requests();
    let out = create(&env, &["victim"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("ConfigMap/kmc-victim-config already exists in namespace {} and does not belong to control plane victim", env.ns())), "{err}");
    let after = find(&env.ms.objects("configmaps"), "kmc-victim-config").clone();
    assert_eq!(after, before, "untouched");
    assert_eq!(writes(&env), 0, "nothing written");
}

#[test]
fn a_failure_at_every_write_position_leaves_nothing_and_a_rerun_succeeds() {
    // All 18 writes of an etcd control plane: 2 in wave 2, 14 in wave 3, 2 in wave 4.
    let positions: Vec<(&str, &str, u32)> = vec![
        ("POST", "/api/v1/namespaces/NS/configmaps", 1),
        ("POST", "/api/v1/namespaces/NS/services", 1),
        ("PATCH", "/api/v1/namespaces/NS/configmaps/kmc-fail", 1),
        (
            "PATCH",
            "/api/v1/namespaces/NS/services/kmc-fail-nodeport",
            1,
        ),
        ("POST", "/api/v1/namespaces/NS/secrets", 1),
        ("POST", "/api/v1/namespaces/NS/secrets", 2),
        ("POST", "/api/v1/namespaces/NS/secrets", 3),
        ("POST", "/api/v1/namespaces/NS/secrets", 4),
        ("POST", "/api/v1/namespaces/NS/secrets", 5),
        ("POST", "/api/v1/namespaces/NS/secrets", 6),
        ("POST", "/api/v1/namespaces/NS/secrets", 7),
        ("POST", "/api/v1/namespaces/NS/secrets", 8),
        ("POST", "/api/v1/namespaces/NS/configmaps", 2),
        ("POST", "/api/v1/namespaces/NS/configmaps", 3),
        ("POST", "/api/v1/namespaces/NS/configmaps", 4),
        ("POST", "/api/v1/namespaces/NS/services", 2),
        ("POST", "/apis/apps/v1/namespaces/NS/statefulsets", 1),
        ("POST", "/apis/apps/v1/namespaces/NS/statefulsets", 2),
    ];
    assert_eq!(positions.len(), 18);
    for (method, path, nth) in positions {
        let env = Env::new();
        let path = &path.replace("NS", env.ns());
        env.ms.inject(Fault::status(method, path, nth, 500));
        let out = create(&env, &["fail"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{method} {path} #{nth}: {err}");
        assert!(
            err.contains("failed: Internal error occurred: injected failure"),
            "{method} {path} #{nth}: {err}"
        );
        let left = env.ms.labelled(SELECTOR_KEY, "fail");
        assert!(
            left.is_empty(),
            "{method} {path} #{nth}: left behind {left:?}"
        );
        env.ms.clear_faults();
        let again = create(&env, &["fail"]);
        assert_eq!(
            again.status.code(),
            Some(0),
            "{method} {path} #{nth} rerun: {}",
            stderr(&again)
        );
    }
}

#[test]
fn keep_on_failure_leaves_the_objects() {
    let env = Env::new();
    env.ms.inject(Fault::status(
        "POST",
        &format!("/apis/apps/v1/namespaces/{}/statefulsets", env.ns()),
        1,
        500,
    ));
    let out = create(&env, &["kept", "--keep-on-failure"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--keep-on-failure: left in place:"),
        "{}",
        stderr(&out)
    );
    assert!(
        env.ms
            .labelled(SELECTOR_KEY, "kept")
            .contains(&"ConfigMap/kmc-kept".to_string())
    );
}

#[test]
fn no_wait_returns_before_ready_and_timeout_exits_3() {
    let env = Env::with(|c| c.pods_ready = false);
    let start = Instant::now();
    let out = create(&env, &["quick", "--no-wait"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(
        stderr(&out).contains("Control plane quick is starting at"),
        "{}",
        stderr(&out)
    );

    let out = create(&env, &["slow", "--timeout", "5s"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("timed out after 5s waiting for 1 ready replica of StatefulSet/kmc-slow (0 ready; kmc-slow-0 Pending)"), "{err}");
    assert!(
        !env.ms.labelled(SELECTOR_KEY, "slow").is_empty(),
        "objects stay after a wait timeout"
    );
}

#[test]
fn a_claim_that_binds_in_its_normal_time_is_no_warning() {
    let env = Env::new();
    let out = create(&env, &["binds"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // The scheduler did complain for the moment before the claim bound...
    let events = env.ms.objects("events");
    let complained = events.iter().any(|e| {
        e["involvedObject"]["name"] == "kmc-binds-etcd-0" && e["reason"] == "FailedScheduling"
    });
    // ...and neither create, wait nor status repeats it.
    assert!(!err.contains("FailedScheduling"), "{err}");
    for args in [&["wait", "binds"][..], &["status", "binds"][..]] {
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("FailedScheduling"),
            "{}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("unbound"), "{}", stderr(&out));
    }
    let out = run(&env, &["status", "binds", "-o", "json"]);
    let status: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(status["warnings"], json!([]), "{status}");
    assert!(
        complained,
        "the scheduler's complaint is what is being left out"
    );
}

#[test]
fn warning_events_are_shown_with_a_hint() {
    // Cluster-wide: a control plane of this test's own, without a default StorageClass.
    let env = Env::with(|c| {
        c.cluster = Some(ClusterOptions {
            default_storage_class: false,
            // Time for the claim's event to show before the controller is Ready.
            pod_ready: Duration::from_millis(1500),
            ..ClusterOptions::default()
        })
    });
    let out = create(&env, &["events"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // The PV controller reports a claim without a class as a Normal event (FailedBinding);
    // the Warning is the scheduler's, about the etcd pod.
    assert!(err.contains("! Pod/kmc-events-etcd-0: FailedScheduling: 0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims"), "{err}");
    assert!(
        err.contains(
            "(no node fits the pod: check --cpu/--memory, node capacity, taints and unbound claims)"
        ),
        "{err}"
    );
    assert_eq!(
        err.matches("! Pod/kmc-events-etcd-0: FailedScheduling")
            .count(),
        1,
        "each warning once: {err}"
    );
}

#[test]
fn create_namespace_only_when_asked() {
    let env = Env::new();
    let fresh = format!("{}-fresh", env.ns());
    let out = create(&env, &["ns1", "-n", &fresh]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(&format!(
        "namespace {fresh} does not exist; create it first or pass --create-namespace"
    )));
    let out = create(&env, &["ns1", "-n", &fresh, "--create-namespace"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let namespace = env
        .ms
        .objects("namespaces")
        .into_iter()
        .find(|n| n["metadata"]["name"] == fresh.as_str())
        .expect("created");
    assert_eq!(
        namespace["metadata"]["labels"]["k0smotron.io/cluster"],
        "ns1"
    );
    assert!(
        stderr(&out).contains(&format!("✓ Creating namespace {fresh}")),
        "{}",
        stderr(&out)
    );
    let record = kubectl_json(&env, &["-n", &fresh, "get", "configmap", "kmc-ns1"]);
    assert_eq!(record["data"]["createdNamespace"], "true");
}

#[test]
fn a_refused_write_names_its_step_and_the_error_comes_last() {
    let env = Env::new();
    let token = env.ms.add_user(User::read_only("viewer"));
    let kc = env.kubeconfig_for("viewer", &token);
    let out = env
        .cmd_with(&kc)
        .args(["create", "refused", "--key-algorithm", "ecdsa-p256"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    // The step that wrote is the one that failed, naming the object it could not write.
    assert!(
        err.contains(
            "✗ Recording and exposing the control plane: ConfigMap/kmc-refused was not written"
        ),
        "{err}"
    );
    let last = lines.last().copied().unwrap_or_default();
    assert!(
        last.starts_with("error: writing ConfigMap/kmc-refused failed: permission denied"),
        "{err}"
    );
    assert_eq!(err.matches("error:").count(), 1, "{err}");
}

#[test]
fn a_namespace_scoped_role_is_enough() {
    let env = Env::new();
    let token = env.ms.add_user(User::new(
        "team",
        vec![
            // Not `namespaces`: a Role in a namespace that grants it may read that namespace.
            Rule::new(&["*"], &NAMESPACED).in_namespaces(&[env.ns()]),
            Rule::new(&["get", "list"], &["nodes"]),
        ],
    ));
    let kc = env.kubeconfig_for("team", &token);
    let out = env
        .cmd_with(&kc)
        .args(["create", "scoped", "--key-algorithm", "ecdsa-p256"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let denied = env
        .ms
        .requests()
        .requests
        .iter()
        .filter(|r| r.status == 403)
        .count();
    assert_eq!(denied, 1, "only the namespace read was refused");
}

#[test]
fn kubectl_sees_the_objects_and_openssl_verifies_the_certificates() {
    if std::process::Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_err()
    {
        assert!(
            std::env::var("K0SMOTRON_REQUIRE_KUBECTL").as_deref() != Ok("1"),
            "kubectl required"
        );
        return;
    }
    let env = Env::new();
    let out = env
        .cmd()
        .args(["create", "seen", "--key-algorithm", "rsa-2048"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let kubectl = |args: &[&str]| {
        let out = std::process::Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&env.kubeconfig)
            .arg("--cache-dir")
            .arg(env.dir.path().join("cache"))
            .args(args)
            .env("HOME", env.dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "kubectl {args:?}: {}", stderr(&out));
        stdout(&out)
    };
    let names = kubectl(&[
        "get",
        "statefulsets,services,configmaps,secrets",
        "-l",
        "app.kubernetes.io/managed-by=k0smotron,k0smotron.io/cluster=seen",
        "-o",
        "name",
    ]);
    assert_eq!(names.lines().count(), 16, "{names}");
    let component = kubectl(&[
        "get",
        "secret",
        "seen-ca",
        "-o",
        "jsonpath={.metadata.labels.app\\.kubernetes\\.io/component} {.type}",
    ]);
    assert_eq!(component, "certificates cluster.x-k8s.io/secret");

    let dir = env.dir.path();
    let b64 = |jsonpath: &str, object: &str| {
        use base64::Engine;
        let text = kubectl(&["get", object, "-o", &format!("jsonpath={jsonpath}")]);
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .unwrap()
    };
    std::fs::write(
        dir.join("ca.crt"),
        b64("{.data.tls\\.crt}", "secret/seen-ca"),
    )
    .unwrap();
    let kubeconfig = String::from_utf8(b64("{.data.value}", "secret/seen-kubeconfig")).unwrap();
    let client = kubeconfig
        .lines()
        .find_map(|l| l.trim().strip_prefix("client-certificate-data: "))
        .unwrap();
    use base64::Engine;
    std::fs::write(
        dir.join("admin.crt"),
        base64::engine::general_purpose::STANDARD
            .decode(client)
            .unwrap(),
    )
    .unwrap();
    let verify = std::process::Command::new("openssl")
        .args(["verify", "-CAfile"])
        .arg(dir.join("ca.crt"))
        .arg(dir.join("admin.crt"))
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "openssl verify: {}{}",
        stdout(&verify),
        stderr(&verify)
    );
    let subject = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-subject", "-in"])
        .arg(dir.join("admin.crt"))
        .output()
        .unwrap();
    assert!(
        stdout(&subject).contains("CN = admin, O = system:masters"),
        "{}",
        stdout(&subject)
    );
    let ca = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-subject", "-text", "-in"])
        .arg(dir.join("ca.crt"))
        .output()
        .unwrap();
    let text = stdout(&ca);
    assert!(
        text.contains("subject=CN = kubernetes")
            && text.contains("CA:TRUE, pathlen:0")
            && text.contains("rsaEncryption")
            && text.contains("Public-Key: (2048 bit)"),
        "{text}"
    );
}

#[test]
fn a_worker_token_from_the_pod_and_the_garbage_collector_after_the_record() {
    let env = Env::new();
    let out = create(&env, &["gc"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let endpoint = find(&env.ms.objects("configmaps"), "kmc-gc")["data"]["endpoint"]
        .as_str()
        .unwrap()
        .to_string();
    // kubectl exec into the controller pod: the real path to k0s.
    let kubectl = |args: &[&str]| {
        std::process::Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&env.kubeconfig)
            .args(args)
            .env("HOME", env.dir.path())
            .output()
            .unwrap()
    };
    let token = kubectl(&[
        "exec",
        "kmc-gc-0",
        "-c",
        "controller",
        "--",
        "k0s",
        "token",
        "create",
        "--role=worker",
    ]);
    assert!(token.status.success(), "{}", stderr(&token));
    let kubeconfig = mothership::k0s::decode_join_token(&stdout(&token)).expect("a join token");
    assert!(
        kubeconfig.contains(&format!("server: {endpoint}")),
        "{kubeconfig}"
    );
    assert!(
        kubeconfig.contains("name: kubelet-bootstrap"),
        "{kubeconfig}"
    );

    // Everything is owned by the record: deleting it lets the garbage collector do the rest.
    let deleted = kubectl(&["delete", "configmap", "kmc-gc"]);
    assert!(deleted.status.success(), "{}", stderr(&deleted));
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let left: Vec<String> = env
            .ms
            .labelled(SELECTOR_KEY, "gc")
            .into_iter()
            .filter(|o| !o.starts_with("PersistentVolumeClaim/") && !o.starts_with("Event/"))
            .collect();
        if left.is_empty() {
            break;
        }
        assert!(Instant::now() < until, "left after 30 s: {left:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn bad_input_exits_2_without_a_request() {
    let env = Env::new();
    env.ms.reset_requests();
    for (args, needle) in [
        (&["Bad_Name"][..], "NAME \"Bad_Name\""),
        (
            &["x", "--replicas", "0"][..],
            "--replicas / spec.replicas: 0 must be at least 1",
        ),
        (
            &["x", "--storage", "kine", "--replicas", "2"][..],
            "more than one replica needs --storage etcd",
        ),
        (&["x", "--api-port", "443"][..], "443 is not a node port"),
        (
            &["x", "--service-type", "LoadBalancer", "--api-port", "9443"][..],
            "--api-port / spec.service.apiPort: 9443 is taken inside the controller pod by k0s's own API",
        ),
        (&["x", "--version", "v1.36"][..], "--version / spec.version"),
        (
            &["x", "-o", "wide"][..],
            "--output wide: not supported by `create`",
        ),
        (
            &["x", "-f", "/nonexistent.yaml"][..],
            "-f /nonexistent.yaml",
        ),
    ] {
        let out = create(&env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(env.ms.requests().total(), 0);
}

#[test]
fn a_missing_manifests_reference_stops_before_writing() {
    let env = Env::new();
    env.ms.reset_requests();
    let out = create(&env, &["refs", "--manifests", "addons"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!(
            "--manifests addons: no such object in namespace {}",
            env.ns()
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(writes(&env), 0);
}

#[test]
fn dry_run_needs_no_mothership() {
    let home = tempfile::tempdir().unwrap();
    let out = bare(home.path())
        .args([
            "create",
            "demo",
            "--dry-run",
            "-o",
            "json",
            "--key-algorithm",
            "ecdsa-p256",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 16);
    assert_eq!(items[0]["metadata"]["name"], "kmc-demo");
    assert!(
        items
            .iter()
            .all(|i| i["metadata"]["ownerReferences"].is_null())
    );
}

#[test]
fn dry_run_hides_secret_values_unless_asked() {
    let home = tempfile::tempdir().unwrap();
    let dry_run = |extra: &[&str]| {
        bare(home.path())
            .args([
                "create",
                "demo",
                "--dry-run",
                "--key-algorithm",
                "ecdsa-p256",
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let hidden = dry_run(&[]);
    assert_eq!(hidden.status.code(), Some(0), "{}", stderr(&hidden));
    let text = stdout(&hidden);
    assert!(
        !text.contains("PRIVATE KEY") && !text.contains("CERTIFICATE"),
        "{text}"
    );
    assert!(
        stderr(&hidden).contains("add --show-secrets to print keys and certificates"),
        "{}",
        stderr(&hidden)
    );
    let secrets: Vec<Value> = serde_saphyr::from_multiple::<Value>(&text)
        .unwrap()
        .into_iter()
        .filter(|o| o["kind"] == "Secret")
        .collect();
    assert_eq!(secrets.len(), 8);
    for s in &secrets {
        assert!(s["data"].is_null(), "{s}");
        let values = s["stringData"].as_object().unwrap();
        assert!(!values.is_empty());
        assert!(
            values
                .values()
                .all(|v| v == "<hidden: k0smotron create --dry-run --show-secrets prints it>"),
            "{s}"
        );
    }

    let shown = dry_run(&["--show-secrets", "-o", "json"]);
    assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
    let list: Value = serde_json::from_slice(&shown.stdout).unwrap();
    let ca = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["metadata"]["name"] == "demo-ca")
        .unwrap();
    let key = base64_decode(ca["data"]["tls.key"].as_str().unwrap());
    assert!(key.contains("PRIVATE KEY"), "{key}");

    let alone = bare(home.path())
        .args(["create", "demo", "--show-secrets"])
        .output()
        .unwrap();
    assert_eq!(alone.status.code(), Some(2));
    assert!(stderr(&alone).contains("--dry-run"), "{}", stderr(&alone));
}

fn base64_decode(text: &str) -> String {
    let out = std::process::Command::new("base64")
        .arg("-d")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(text.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn v1beta1_document_from_a_file() {
    let env = Env::new();
    let path = env.dir.path().join("old.yaml");
    std::fs::write(&path, "apiVersion: k0smotron.io/v1beta1\nkind: Cluster\nmetadata: {name: legacy}\nspec:\n  kineDataSourceURL: postgres://db/k0s\n  replicas: 2\n").unwrap();
    let out = create(&env, &["-f", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let cfg = k0s_yaml(&env, "legacy");
    assert_eq!(
        cfg["spec"]["storage"]["kine"]["dataSource"],
        "postgres://db/k0s"
    );
}

/// `kubectl ARGS -o json` as the admin, parsed.
fn kubectl_json(env: &Env, args: &[&str]) -> Value {
    let out = std::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&env.kubeconfig)
        .args(args)
        .args(["-o", "json"])
        .env("HOME", env.dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "kubectl {args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn create_prints_what_it_created_as_data_and_silent_commands_refuse_output() {
    let env = Env::new();
    let out = create(&env, &["data", "-o", "json", "--storage", "kine"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        !text.contains("PRIVATE KEY") && !text.contains("CERTIFICATE"),
        "{text}"
    );
    let created: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(created["name"], "data");
    assert_eq!(created["namespace"], env.ns());
    assert_eq!(created["ready"], true);
    assert_eq!(created["kubeconfigSecret"], "data-kubeconfig");
    let record = find(&env.ms.objects("configmaps"), "kmc-data")["data"].clone();
    assert_eq!(created["endpoint"], record["endpoint"]);
    assert_eq!(created["workerEndpoint"], record["workerEndpoint"]);
    let objects: Vec<&str> = created["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    assert!(objects.contains(&"StatefulSet/kmc-data"), "{objects:?}");
    let yaml = create(
        &env,
        &["data2", "-o", "yaml", "--storage", "kine", "--no-wait"],
    );
    assert_eq!(yaml.status.code(), Some(0), "{}", stderr(&yaml));
    let doc: Value = serde_saphyr::from_str(&stdout(&yaml)).unwrap();
    assert_eq!(doc["ready"], false);

    env.ms.reset_requests();
    for args in [
        &["wait", "data", "-o", "json"][..],
        &["pause", "data", "-o", "yaml"][..],
        &["scale", "data", "--replicas", "1", "-o", "json"][..],
        &["delete", "data", "-o", "json"][..],
    ] {
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("prints no data"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(env.ms.requests().total(), 0);
}
