//! What `create --dry-run` writes for the options around the default shape: each test here
//! checks one thing a real cluster or real k0s would trip over, through the real binary and
//! without a mothership.

mod support;

use serde_json::Value;
use support::*;

/// `create NAME ARGS --dry-run --show-secrets -o json`: exit code, objects, stderr.
fn dry_run(args: &[&str]) -> (Option<i32>, Vec<Value>, String) {
    let home = tempfile::tempdir().unwrap();
    let out = bare(home.path())
        .args(["create", "--dry-run", "--show-secrets", "-o", "json"])
        .args(["--key-algorithm", "ecdsa-p256", "-n", "cp"])
        .args(args)
        .output()
        .unwrap();
    let items = serde_json::from_slice::<Value>(&out.stdout)
        .ok()
        .and_then(|l| l["items"].as_array().cloned())
        .unwrap_or_default();
    (out.status.code(), items, stderr(&out))
}

fn planned(args: &[&str]) -> Vec<Value> {
    let (code, items, err) = dry_run(args);
    assert_eq!(code, Some(0), "{args:?}: {err}");
    items
}

fn refused(args: &[&str], needles: &[&str]) {
    let (code, _, err) = dry_run(args);
    assert_eq!(code, Some(2), "{args:?}: {err}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: {n:?} not in {err}");
    }
}

fn find<'a>(items: &'a [Value], kind: &str, name: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["kind"] == kind && i["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind}/{name}"))
}

fn k0s_config(items: &[Value], name: &str) -> Value {
    let cm = find(items, "ConfigMap", &format!("kmc-{name}-config"));
    serde_saphyr::from_str(cm["data"]["K0SMOTRON_K0S_YAML"].as_str().unwrap()).unwrap()
}

fn endpoint_manifest(items: &[Value], name: &str) -> Value {
    let cm = find(items, "ConfigMap", &format!("kmc-{name}-endpoint"));
    serde_saphyr::from_str(cm["data"]["endpoint.yaml"].as_str().unwrap()).unwrap()
}

fn record_document(items: &[Value], name: &str) -> Value {
    let cm = find(items, "ConfigMap", &format!("kmc-{name}"));
    serde_saphyr::from_str(cm["data"]["cluster.yaml"].as_str().unwrap()).unwrap()
}

/// The `server:` of the admin kubeconfig in Secret `NAME-kubeconfig`.
fn kubeconfig_server(items: &[Value], name: &str) -> String {
    let secret = find(items, "Secret", &format!("{name}-kubeconfig"));
    let text = base64_decode(secret["data"]["value"].as_str().unwrap());
    let doc: Value = serde_saphyr::from_str(&text).unwrap();
    doc["clusters"][0]["cluster"]["server"]
        .as_str()
        .unwrap()
        .to_string()
}

fn base64_decode(text: &str) -> String {
    use base64::Engine;
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap(),
    )
    .unwrap()
}

fn pod_spec<'a>(items: &'a [Value], statefulset: &str) -> &'a Value {
    &find(items, "StatefulSet", statefulset)["spec"]["template"]["spec"]
}

fn container<'a>(items: &'a [Value], statefulset: &str, name: &str) -> &'a Value {
    let pod = pod_spec(items, statefulset);
    pod["containers"]
        .as_array()
        .unwrap()
        .iter()
        .chain(pod["initContainers"].as_array().into_iter().flatten())
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no container {name} in {statefulset}"))
}

fn etcd_command(items: &[Value], name: &str) -> String {
    container(items, &format!("kmc-{name}-etcd"), "etcd")["command"][2]
        .as_str()
        .unwrap()
        .to_string()
}

fn write(dir: &tempfile::TempDir, file: &str, text: &str) -> String {
    let path = dir.path().join(file);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn sans_from_the_k0s_config_are_added_to_the_generated_ones() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        &dir,
        "k0s.yaml",
        "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nspec:\n  api:\n    sans: [cp.internal.example.com, 192.0.2.50, 10.0.0.9]\n",
    );
    let items = planned(&[
        "sans",
        "--k0s-config",
        &config,
        "--external-address",
        "203.0.113.5",
        "--san",
        "10.0.0.9",
    ]);
    let sans: Vec<String> = k0s_config(&items, "sans")["spec"]["api"]["sans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    for want in [
        "203.0.113.5",
        "kmc-sans-nodeport.cp.svc",
        "cp.internal.example.com",
        "192.0.2.50",
        "10.0.0.9",
    ] {
        assert!(sans.contains(&want.to_string()), "{want}: {sans:?}");
    }
    let mut unique = sans.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), sans.len(), "each once: {sans:?}");
    // The user's come after the generated ones, in their order.
    let at = |s: &str| sans.iter().position(|x| x == s).unwrap();
    assert!(at("kmc-sans-nodeport.cp.svc") < at("cp.internal.example.com"));
    assert!(at("cp.internal.example.com") < at("192.0.2.50"));
}

#[test]
fn etcd_resources_reach_the_container_and_the_record() {
    let items = planned(&["res", "--etcd-cpu", "100m", "--etcd-memory", "256Mi:512Mi"]);
    let resources = &container(&items, "kmc-res-etcd", "etcd")["resources"];
    assert_eq!(resources["requests"]["cpu"], "100m");
    assert_eq!(resources["requests"]["memory"], "256Mi");
    assert_eq!(resources["limits"]["memory"], "512Mi");
    assert_eq!(
        record_document(&items, "res")["spec"]["storage"]["etcd"]["resources"],
        *resources
    );
    // From a document: the flags win key by key.
    let dir = tempfile::tempdir().unwrap();
    let doc = write(
        &dir,
        "c.yaml",
        "apiVersion: k0smotron.io/v1beta2\nkind: Cluster\nmetadata: {name: doc}\nspec:\n  storage:\n    etcd:\n      resources: {requests: {cpu: 50m, memory: 128Mi}}\n",
    );
    let items = planned(&["-f", &doc, "--etcd-memory", "300Mi"]);
    let resources = &container(&items, "kmc-doc-etcd", "etcd")["resources"];
    assert_eq!(resources["requests"]["cpu"], "50m");
    assert_eq!(resources["requests"]["memory"], "300Mi");
    refused(
        &["k", "--storage", "kine", "--etcd-cpu", "1"],
        &["--etcd-cpu needs --storage etcd"],
    );
    refused(&["k", "--etcd-memory", "lots"], &["--etcd-memory \"lots\""]);
}

#[test]
fn the_claim_template_from_a_document_is_passed_through() {
    let dir = tempfile::tempdir().unwrap();
    let doc = write(
        &dir,
        "c.yaml",
        "apiVersion: k0smotron.io/v1beta2\nkind: Cluster\nmetadata: {name: claim}\nspec:\n  storage: {type: kine}\n  persistence:\n    type: pvc\n    persistentVolumeClaim:\n      metadata:\n        name: ignored\n        labels: {backup: daily}\n        annotations: {note: kept}\n      spec:\n        accessModes: [ReadWriteOncePod]\n        volumeMode: Filesystem\n        volumeName: pv-claim-0\n        selector: {matchLabels: {disk: ssd}}\n        resources: {requests: {storage: 2Gi}}\n",
    );
    let items = planned(&["-f", &doc]);
    let sts = find(&items, "StatefulSet", "kmc-claim");
    let template = &sts["spec"]["volumeClaimTemplates"][0];
    assert_eq!(template["metadata"]["name"], "kmc-claim", "the data volume");
    assert_eq!(template["metadata"]["labels"]["backup"], "daily");
    assert_eq!(
        template["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "k0smotron"
    );
    assert_eq!(template["metadata"]["annotations"]["note"], "kept");
    let spec = &template["spec"];
    assert_eq!(spec["accessModes"], serde_json::json!(["ReadWriteOncePod"]));
    assert_eq!(spec["volumeMode"], "Filesystem");
    assert_eq!(spec["volumeName"], "pv-claim-0");
    assert_eq!(spec["selector"]["matchLabels"]["disk"], "ssd");
    assert_eq!(spec["resources"]["requests"]["storage"], "2Gi");
    // Flags fill in over the document; missing access modes default to ReadWriteOnce.
    let items = planned(&[
        "-f",
        &doc,
        "--persistence-size",
        "3Gi",
        "--storage-class",
        "fast",
    ]);
    let spec = &find(&items, "StatefulSet", "kmc-claim")["spec"]["volumeClaimTemplates"][0]["spec"];
    assert_eq!(spec["resources"]["requests"]["storage"], "3Gi");
    assert_eq!(spec["storageClassName"], "fast");
    assert_eq!(spec["accessModes"], serde_json::json!(["ReadWriteOncePod"]));
    let items = planned(&["plain", "--storage", "kine", "--persistence", "pvc"]);
    let spec = &find(&items, "StatefulSet", "kmc-plain")["spec"]["volumeClaimTemplates"][0]["spec"];
    assert_eq!(spec["accessModes"], serde_json::json!(["ReadWriteOnce"]));
    assert_eq!(spec["resources"]["requests"]["storage"], "1Gi");
}

#[test]
fn ports_that_k0s_binds_inside_the_pod_are_refused() {
    let lb = ["--service-type", "LoadBalancer"];
    for (port, flag, owner) in [
        ("9443", "--api-port", "k0s's own API"),
        (
            "8133",
            "--konnectivity-port",
            "konnectivity-server's admin port",
        ),
        ("10257", "--api-port", "kube-controller-manager"),
        ("10259", "--konnectivity-port", "kube-scheduler"),
    ] {
        let mut args = vec!["p", flag, port];
        args.extend(lb);
        refused(&args, &[flag, &format!("{port} is taken"), owner]);
    }
    // kine's embedded etcd peers on 2380; with etcd beside it, 2380 is free in the pod.
    refused(
        &[
            "p",
            "--storage",
            "kine",
            "--api-port",
            "2380",
            "--service-type",
            "ClusterIP",
        ],
        &["2380 is taken", "kine's embedded etcd"],
    );
    planned(&["p", "--api-port", "2380", "--service-type", "ClusterIP"]);
    // The same rule for a document.
    let dir = tempfile::tempdir().unwrap();
    let doc = write(
        &dir,
        "c.yaml",
        "apiVersion: k0smotron.io/v1beta2\nkind: Cluster\nmetadata: {name: p}\nspec:\n  service: {type: LoadBalancer, apiPort: 6443, konnectivityPort: 9443}\n",
    );
    refused(
        &["-f", &doc],
        &["spec.service.konnectivityPort", "9443 is taken"],
    );
}

#[test]
fn an_ipv6_external_address_is_a_bare_host_outside_urls() {
    for given in ["[2001:db8::1]", "2001:db8::1"] {
        let items = planned(&[
            "six",
            "--service-type",
            "LoadBalancer",
            "--external-address",
            given,
        ]);
        let api = &k0s_config(&items, "six")["spec"]["api"];
        assert_eq!(api["externalAddress"], "2001:db8::1", "{given}");
        assert!(
            api["sans"]
                .as_array()
                .unwrap()
                .contains(&"2001:db8::1".into()),
            "{api}"
        );
        assert_eq!(
            endpoint_manifest(&items, "six")["data"]["apiServerHost"],
            "2001:db8::1"
        );
        assert_eq!(
            record_document(&items, "six")["spec"]["externalAddress"],
            "2001:db8::1"
        );
        let record = find(&items, "ConfigMap", "kmc-six");
        assert_eq!(record["data"]["endpoint"], "https://[2001:db8::1]:30443");
        assert_eq!(
            kubeconfig_server(&items, "six"),
            "https://[2001:db8::1]:30443"
        );
        let text = serde_json::to_string(&items).unwrap();
        assert!(
            !text.contains("\"[2001:db8::1]\""),
            "{given}: a bracketed host"
        );
    }
    refused(
        &["six", "--external-address", "[cp.example.com]"],
        &["--external-address / spec.externalAddress"],
    );
}

#[test]
fn etcd_members_wait_for_dns_in_any_address_family() {
    let items = planned(&["dns"]);
    let check = container(&items, "kmc-dns-etcd", "dns-check")["command"][2]
        .as_str()
        .unwrap()
        .to_string();
    assert!(check.contains("getent ahosts \""), "{check}");
    assert!(!check.contains("ahostsv4"), "{check}");
}

/// A dry run knows no cluster IP: the Service's name stands in for it wherever workers are
/// given an address (`create` writes the cluster IP there; tests/create.rs checks that).
#[test]
fn cluster_ip_gives_workers_one_address_everywhere() {
    let items = planned(&["inner", "--service-type", "ClusterIP"]);
    let host = "kmc-inner.cp.svc";
    let config = k0s_config(&items, "inner");
    assert_eq!(config["spec"]["api"]["externalAddress"], host);
    assert_eq!(
        endpoint_manifest(&items, "inner")["data"]["apiServerHost"],
        host
    );
    let endpoint = format!("https://{host}:30443");
    let record = &find(&items, "ConfigMap", "kmc-inner")["data"];
    assert_eq!(record["endpoint"], endpoint.as_str());
    assert_eq!(record["workerEndpoint"], endpoint.as_str());
    assert_eq!(
        record_document(&items, "inner")["spec"]["externalAddress"],
        ""
    );
    assert_eq!(kubeconfig_server(&items, "inner"), endpoint);
    // No other address for workers in the k0s configuration: no konnectivity or API
    // address of its own, no node-local load balancing that would keep it out.
    assert!(
        config["spec"]["konnectivity"]
            .get("externalAddress")
            .is_none()
    );
    assert!(config["spec"]["api"].get("address").is_none());
    let mounts = container(&items, "kmc-inner", "controller")["volumeMounts"].clone();
    assert!(
        mounts
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["mountPath"] == "/var/lib/k0s/manifests/kmc-inner-endpoint"),
        "{mounts}"
    );
}

#[test]
fn the_etcd_quota_follows_the_volume_size() {
    let quota = |items: &[Value], name: &str| {
        let cmd = etcd_command(items, name);
        cmd.split_whitespace()
            .filter_map(|w| w.trim_matches('\'').strip_prefix("--quota-backend-bytes="))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    // (1 GiB - 320 MiB of WAL) / 2 = 352 MiB.
    assert_eq!(
        quota(&planned(&["q"]), "q"),
        vec![(352u64 << 20).to_string()]
    );
    assert_eq!(
        quota(&planned(&["q", "--etcd-size", "4Gi"]), "q"),
        vec![(1888u64 << 20).to_string()]
    );
    refused(
        &["q", "--etcd-size", "512Mi"],
        &["--etcd-size", "at least 768Mi"],
    );
    // A quota the user set is the only one.
    let dir = tempfile::tempdir().unwrap();
    let doc = write(
        &dir,
        "c.yaml",
        "apiVersion: k0smotron.io/v1beta2\nkind: Cluster\nmetadata: {name: q}\nspec:\n  storage:\n    etcd: {args: [--quota-backend-bytes=1073741824]}\n",
    );
    assert_eq!(quota(&planned(&["-f", &doc]), "q"), vec!["1073741824"]);
}

#[test]
fn host_path_gives_each_pod_a_directory_of_its_own() {
    let items = planned(&[
        "hp",
        "--datasource",
        "postgres://db.example.com/k0s",
        "--replicas",
        "3",
        "--persistence",
        "hostPath",
        "--host-path",
        "/var/lib/cp",
    ]);
    for name in ["controller", "certs-init"] {
        let c = container(&items, "kmc-hp", name);
        let data = c["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["mountPath"] == "/var/lib/k0s")
            .unwrap();
        assert_eq!(data["subPathExpr"], "$(K0SMOTRON_POD_NAME)", "{name}");
        let env = c["env"].as_array().unwrap();
        assert!(
            env.iter().any(|e| e["name"] == "K0SMOTRON_POD_NAME"
                && e["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"),
            "{name}: {env:?}"
        );
    }
}

#[test]
fn every_probe_has_a_timeout_a_loaded_node_meets() {
    let items = planned(&["probes"]);
    let mut seen = 0;
    for c in [
        container(&items, "kmc-probes", "controller"),
        container(&items, "kmc-probes-etcd", "etcd"),
    ] {
        for probe in ["readinessProbe", "livenessProbe", "startupProbe"] {
            if c[probe].is_null() {
                continue;
            }
            seen += 1;
            let timeout = c[probe]["timeoutSeconds"].as_i64().unwrap_or(1);
            assert!(timeout >= 5, "{} {probe}: {timeout} s", c["name"]);
        }
    }
    assert!(seen >= 3, "{seen} probes");
}
