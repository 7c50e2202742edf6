//! The controller side: the k0s config ConfigMap, the entrypoint script, and the
//! control-plane StatefulSet (operator 2.4–2.6).

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use serde_json::{Value, json};

use super::{Exposure, endpoint, meta, selector_labels};
use crate::core::image;
use crate::core::k0s_config::{self, Generated};
use crate::core::naming::Names;
use crate::core::spec::{KineSource, Persistence, Resolved, SQLITE, Storage};

pub const KINE_PLACEHOLDER: &str = "__K0SMOTRON_KINE_DATASOURCE_URL_PLACEHOLDER__";
const SCRIPT_KEY: &str = "k0smotron-entrypoint.sh";
/// How long an exec probe of the controller may take: `k0s status` took up to about a
/// second on a loaded two-core node, so kubelet's default of 1 s would fail healthy ones.
pub const PROBE_TIMEOUT_SECONDS: i32 = 5;
/// How long a controller may take to serve its API before kubelet starts it again: real
/// k0s served in 8–21 s on a loaded two-core machine; this covers a cold start on a small
/// node with a slow etcd many times over.
pub const STARTUP_BUDGET_SECONDS: i32 = 300;
const STARTUP_PERIOD_SECONDS: i32 = 2;
/// The admin kubeconfig k0s writes into its data directory.
const ADMIN_KUBECONFIG: &str = "/var/lib/k0s/pki/admin.conf";

fn storage(r: &Resolved) -> Value {
    let names = Names::new(&r.name);
    match &r.storage {
        Storage::Etcd { .. } => json!({
            "type": "etcd",
            "etcd": {"externalCluster": {
                "endpoints": [format!("https://{}:2379", names.etcd())],
                "etcdPrefix": r.name,
                "caFile": "/var/lib/k0s/pki/etcd-ca.crt",
                "clientCertFile": "/var/lib/k0s/pki/apiserver-etcd-client.crt",
                "clientKeyFile": "/var/lib/k0s/pki/apiserver-etcd-client.key",
            }}
        }),
        Storage::Kine(source) => {
            let ds = match source {
                KineSource::Sqlite => SQLITE.to_string(),
                KineSource::Url(u) => u.clone(),
                // Filled in by the entrypoint from the Secret, so the URL never sits in a ConfigMap.
                KineSource::Secret(_) => KINE_PLACEHOLDER.to_string(),
            };
            json!({"type": "kine", "kine": {"dataSource": ds}})
        }
    }
}

pub fn k0s_config(r: &Resolved, x: &Exposure, owner: Option<&OwnerReference>) -> ConfigMap {
    let names = Names::new(&r.name);
    let sans = k0s_config::sans(
        &x.host,
        &names.service(r.service_type.as_str()),
        &r.namespace,
        &x.cluster_ips,
        &r.sans,
    );
    let generated = Generated {
        api_port: x.api_port,
        konnectivity_port: x.konnectivity_port,
        external_address: Some(x.external_address(r)),
        sans: &sans,
        storage: storage(r),
    };
    let doc = k0s_config::render(r.k0s_config.as_ref(), &generated);
    let yaml = serde_saphyr::to_string(&doc).expect("k0s config serialises");
    ConfigMap {
        metadata: meta(r, names.k0s_config(), "config", owner),
        data: Some([("K0SMOTRON_K0S_YAML".to_string(), yaml)].into()),
        ..Default::default()
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `k0s controller` flags: the user's, then `--config` and `--enable-dynamic-config` unless
/// the user gave them (the operator's `getControllerFlags`).
pub fn controller_flags(r: &Resolved) -> Vec<String> {
    let given = |name: &str| {
        r.controller_flags
            .iter()
            .any(|f| f == name || f.starts_with(&format!("{name}=")))
    };
    let mut flags = r.controller_flags.clone();
    if !given("--config") {
        flags.push("--config=/etc/k0s/k0s.yaml".into());
    }
    if !given("--enable-dynamic-config") {
        flags.push("--enable-dynamic-config".into());
    }
    flags
}

pub fn entrypoint_script(r: &Resolved) -> String {
    let flags: Vec<String> = controller_flags(r).iter().map(|f| shell_quote(f)).collect();
    format!(
        r#"#!/bin/sh
# Written by k0smotron: starts k0s with the configuration of ConfigMap {config}.
set -e
mkdir -p /etc/k0s
printf '%s\n' "$K0SMOTRON_K0S_YAML" > /etc/k0s/k0s.yaml
if [ -n "${{K0SMOTRON_KINE_DATASOURCE_URL:-}}" ]; then
  # The data source comes from a Secret; escape what sed treats specially before substituting.
  url=$(printf '%s' "$K0SMOTRON_KINE_DATASOURCE_URL" | sed -e 's/[&/\]/\\&/g')
  sed -i "s/{placeholder}/$url/" /etc/k0s/k0s.yaml
fi
exec k0s controller {flags}
"#,
        config = Names::new(&r.name).k0s_config(),
        placeholder = KINE_PLACEHOLDER,
        flags = flags.join(" ")
    )
}

pub fn entrypoint(r: &Resolved, owner: Option<&OwnerReference>) -> ConfigMap {
    ConfigMap {
        metadata: meta(r, Names::new(&r.name).entrypoint(), "entrypoint", owner),
        data: Some([(SCRIPT_KEY.to_string(), entrypoint_script(r))].into()),
        ..Default::default()
    }
}

/// The lowest port k0s must listen on, if it is a privileged one (below 1024).
pub fn privileged_port(x: &Exposure) -> Option<u16> {
    Some(x.api_port.min(x.konnectivity_port)).filter(|p| *p < 1024)
}

/// Volumes mounted under `/var/lib/k0s/manifests/`: the document's own, `--manifests`, and
/// the endpoint manifest, once each by name (a document exported from the operator may
/// list the endpoint volume already).
fn manifest_volumes(r: &Resolved) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let all = r
        .manifest_volumes
        .iter()
        .cloned()
        .chain(r.manifests.iter().map(|m| m.volume()))
        .chain(std::iter::once(endpoint::volume(r)));
    for v in all {
        let v = serde_json::to_value(v).expect("volume");
        if !out.iter().any(|o| o["name"] == v["name"]) {
            out.push(v);
        }
    }
    out
}

/// A hostPath directory is shared by every pod on its node, and anti-affinity only prefers
/// other nodes: each pod keeps its data in a directory of its own, named after the pod.
const POD_NAME_VAR: &str = "K0SMOTRON_POD_NAME";

fn data_mount(r: &Resolved, volume: &str) -> Value {
    match r.persistence {
        Persistence::HostPath(_) => {
            json!({"name": volume, "mountPath": "/var/lib/k0s", "subPathExpr": format!("$({POD_NAME_VAR})")})
        }
        _ => json!({"name": volume, "mountPath": "/var/lib/k0s"}),
    }
}

/// The variable `subPathExpr` expands, where the data volume is a hostPath (else none).
fn pod_name_env(r: &Resolved) -> Value {
    match r.persistence {
        Persistence::HostPath(_) => {
            json!([{"name": POD_NAME_VAR, "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}])
        }
        _ => json!(null),
    }
}

/// Anti-affinity that spreads replicas over zones, then nodes (operator 2.4).
pub fn anti_affinity(selector: &Value) -> Value {
    let term = |weight: i32, key: &str| json!({"weight": weight, "podAffinityTerm": {"labelSelector": {"matchLabels": selector}, "topologyKey": key}});
    json!({"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        term(100, "topology.kubernetes.io/zone"),
        term(50, "kubernetes.io/hostname"),
    ]}})
}

fn projection(secret: &str, items: [(&str, &str); 2]) -> Value {
    json!({"secret": {"name": secret, "items": items.iter().map(|(k, p)| json!({"key": k, "path": p})).collect::<Vec<_>>()}})
}

pub fn statefulset(r: &Resolved, x: &Exposure, owner: Option<&OwnerReference>) -> StatefulSet {
    let names = Names::new(&r.name);
    let sts = names.statefulset();
    let image = image::image(&r.image, &r.version);
    let selector = json!(selector_labels(r, "control-plane"));
    let mut pod_labels = r.labels.clone();
    pod_labels.extend(selector_labels(r, "control-plane"));
    pod_labels.insert(crate::core::naming::CLUSTER.into(), r.name.clone());

    let etcd = matches!(r.storage, Storage::Etcd { .. });
    let mut sources = vec![
        projection(
            &names.secret("ca"),
            [("tls.crt", "ca.crt"), ("tls.key", "ca.key")],
        ),
        projection(
            &names.secret("sa"),
            [("tls.crt", "sa.pub"), ("tls.key", "sa.key")],
        ),
        projection(
            &names.secret("proxy"),
            [
                ("tls.crt", "front-proxy-ca.crt"),
                ("tls.key", "front-proxy-ca.key"),
            ],
        ),
        projection(
            &names.secret("etcd"),
            [("tls.crt", "etcd-ca.crt"), ("tls.key", "etcd-ca.key")],
        ),
    ];
    if etcd {
        sources.push(projection(
            &names.secret("apiserver-etcd-client"),
            [
                ("tls.crt", "apiserver-etcd-client.crt"),
                ("tls.key", "apiserver-etcd-client.key"),
            ],
        ));
    }
    let mut volumes = vec![
        json!({"name": names.entrypoint(), "configMap": {"name": names.entrypoint(), "defaultMode": 0o744, "items": [{"key": SCRIPT_KEY, "path": SCRIPT_KEY}]}}),
        json!({"name": "certs", "projected": {"sources": sources}}),
    ];
    let data_volume = sts.clone();
    let mut claim_templates = Vec::new();
    let mut retention = None;
    match &r.persistence {
        Persistence::EmptyDir => volumes.push(json!({"name": data_volume, "emptyDir": {}})),
        Persistence::HostPath(path) => volumes.push(
            json!({"name": data_volume, "hostPath": {"path": path, "type": "DirectoryOrCreate"}}),
        ),
        Persistence::Pvc { claim, auto_delete } => {
            // Ours win over the user's labels: selectors and `delete` find claims by them.
            let m = meta(r, data_volume.clone(), "control-plane", None);
            let mut labels = claim.metadata.labels.clone();
            labels.extend(m.labels.unwrap_or_default());
            let mut template =
                json!({"metadata": {"name": m.name, "labels": labels}, "spec": claim.spec});
            if !claim.metadata.annotations.is_empty() {
                template["metadata"]["annotations"] = json!(claim.metadata.annotations);
            }
            claim_templates.push(template);
            if *auto_delete {
                retention = Some(json!({"whenDeleted": "Delete", "whenScaled": "Retain"}));
            }
        }
    }
    let data_mount = data_mount(r, &data_volume);
    let mut mounts = vec![
        json!({"name": names.entrypoint(), "mountPath": "/k0smotron-entrypoint.sh", "subPath": SCRIPT_KEY}),
        data_mount.clone(),
    ];
    for v in &manifest_volumes(r) {
        let name = v["name"].as_str().unwrap_or_default();
        mounts.push(json!({"name": name, "mountPath": format!("/var/lib/k0s/manifests/{name}"), "readOnly": true}));
        volumes.push(v.clone());
    }
    let mut env_from = vec![json!({"configMapRef": {"name": names.k0s_config()}})];
    if let Storage::Kine(KineSource::Secret(secret)) = &r.storage {
        env_from.push(json!({"secretRef": {"name": secret}}));
    }
    // Ready exactly when kube-apiserver answers /readyz. Its anonymous access is off, so
    // the probe asks through `k0s kubectl` with the admin kubeconfig k0s writes into its
    // data directory. The startup probe asks often (a controller is usable the moment it
    // answers) for up to STARTUP_BUDGET_SECONDS, a cold start on a small node; liveness
    // only asks whether k0s runs, so a slow API never restarts it.
    let api_ready = |period: i32, failures: i32| json!({"exec": {"command": ["k0s", "kubectl", "--kubeconfig", ADMIN_KUBECONFIG, "get", "--raw=/readyz"]}, "periodSeconds": period, "timeoutSeconds": PROBE_TIMEOUT_SECONDS, "failureThreshold": failures});
    let k0s_runs = json!({"exec": {"command": ["k0s", "status"]}, "periodSeconds": 10, "timeoutSeconds": PROBE_TIMEOUT_SECONDS, "failureThreshold": 6});
    let mut controller = json!({
        "name": "controller",
        "env": pod_name_env(r),
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "terminationMessagePolicy": "FallbackToLogsOnError",
        "args": ["/bin/sh", "-c", "/k0smotron-entrypoint.sh"],
        "ports": [
            {"name": "api", "containerPort": x.api_port, "protocol": "TCP"},
            {"name": "konnectivity", "containerPort": x.konnectivity_port, "protocol": "TCP"},
        ],
        "envFrom": env_from,
        "startupProbe": api_ready(STARTUP_PERIOD_SECONDS, STARTUP_BUDGET_SECONDS / STARTUP_PERIOD_SECONDS),
        "readinessProbe": api_ready(10, 2),
        "livenessProbe": k0s_runs,
        "volumeMounts": mounts,
    });
    if let Some(res) = &r.resources {
        controller["resources"] = serde_json::to_value(res).expect("resources");
    }
    let certs_init = json!({
        "name": "certs-init",
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "terminationMessagePolicy": "FallbackToLogsOnError",
        // Copy the CA material into an empty PKI directory: k0s then issues every leaf of
        // its own anew at each pod start, with the current SANs and a fresh year (it keeps
        // leaves it finds whose CA it did not make, so on a kept volume they would expire).
        "command": ["/bin/sh", "-c", "rm -rf /var/lib/k0s/pki && mkdir -p /var/lib/k0s/pki && cp /certs-init/*.* /var/lib/k0s/pki/"],
        "env": pod_name_env(r),
        "volumeMounts": [
            {"name": "certs", "mountPath": "/certs-init"},
            data_mount.clone(),
        ],
    });
    let mut inits = vec![certs_init];
    if let (Some(until), Some(db)) = (
        r.restore_kine_until,
        crate::core::spec::sqlite_file(&r.storage),
    ) {
        inits.push(super::sqlite::restore_container(
            &db,
            until,
            &image,
            &data_mount,
            &pod_name_env(r),
        ));
    }
    let mut pod_spec = json!({
        "automountServiceAccountToken": false,
        "affinity": anti_affinity(&selector),
        "initContainers": inits,
        "containers": [controller],
        "volumes": volumes,
    });
    if let Some(port) = privileged_port(x) {
        // k0s runs kube-apiserver and konnectivity-server as unprivileged users, which may
        // not bind ports below 1024. `ip_unprivileged_port_start` is a namespaced sysctl
        // that Kubernetes counts as safe: it lowers the limit inside this pod's network
        // namespace only, needs no capability, package or network access at start, and
        // works with any k0s image (the operator instead installs libcap with apk and
        // setcaps kube-apiserver in a loop).
        pod_spec["securityContext"] = json!({"sysctls": [
            {"name": "net.ipv4.ip_unprivileged_port_start", "value": port.to_string()},
        ]});
    }
    if let Some(sa) = &r.service_account {
        pod_spec["serviceAccountName"] = json!(sa);
    }
    let mut template_meta = json!({"labels": pod_labels});
    if !r.annotations.is_empty() {
        template_meta["annotations"] = json!(r.annotations);
    }
    let mut spec = json!({
        "replicas": r.replicas,
        "selector": {"matchLabels": selector},
        "template": {"metadata": template_meta, "spec": pod_spec},
    });
    if !claim_templates.is_empty() {
        spec["volumeClaimTemplates"] = json!(claim_templates);
    }
    if let Some(policy) = retention {
        spec["persistentVolumeClaimRetentionPolicy"] = policy;
    }
    StatefulSet {
        metadata: meta(r, sts, "control-plane", owner),
        spec: Some(serde_json::from_value(spec).expect("control-plane statefulset spec")),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::spec::{CreateOptions, resolve};

    fn plan(service_type: &str, api_port: u16) -> StatefulSet {
        let r = resolve(CreateOptions {
            name: Some("demo".into()),
            namespace: "ns".into(),
            service_type: Some(service_type.into()),
            api_port: Some(api_port.into()),
            ..Default::default()
        })
        .unwrap();
        let x = Exposure {
            api_port,
            konnectivity_port: 8132,
            host: "192.0.2.1".into(),
            cluster_ips: vec![],
        };
        statefulset(&r, &x, None)
    }

    fn sysctls(sts: &StatefulSet) -> Value {
        let pod = sts.spec.as_ref().unwrap().template.spec.as_ref().unwrap();
        json!(
            pod.security_context
                .as_ref()
                .and_then(|c| c.sysctls.clone())
        )
    }

    #[test]
    fn a_privileged_api_port_lowers_the_pod_port_limit() {
        for port in [443, 1023] {
            let sts = plan("LoadBalancer", port);
            assert_eq!(
                sysctls(&sts),
                json!([{"name": "net.ipv4.ip_unprivileged_port_start", "value": port.to_string()}]),
                "port {port}"
            );
            let c = &sts.spec.unwrap().template.spec.unwrap().containers[0];
            assert_eq!(c.ports.as_ref().unwrap()[0].container_port, i32::from(port));
        }
    }

    #[test]
    fn unprivileged_ports_leave_the_pod_alone() {
        // 1024 is the first port an unprivileged user may bind.
        for port in [1024, 6443, 30443] {
            assert_eq!(
                sysctls(&plan("LoadBalancer", port)),
                Value::Null,
                "port {port}"
            );
        }
        // The entrypoint is the same in both cases: no package installs, no setcap loop.
        let r = resolve(CreateOptions {
            name: Some("demo".into()),
            api_port: Some(443),
            service_type: Some("LoadBalancer".into()),
            ..Default::default()
        })
        .unwrap();
        let script = entrypoint_script(&r);
        assert!(!script.contains("setcap") && !script.contains("apk"));
    }

    #[test]
    fn endpoint_manifest_is_mounted_once() {
        let sts = plan("NodePort", 31443);
        let pod = sts.spec.unwrap().template.spec.unwrap();
        let mounts = pod.containers[0].volume_mounts.clone().unwrap();
        let endpoint: Vec<_> = mounts
            .iter()
            .filter(|m| m.name == "kmc-demo-endpoint")
            .collect();
        assert_eq!(endpoint.len(), 1);
        assert_eq!(
            endpoint[0].mount_path,
            "/var/lib/k0s/manifests/kmc-demo-endpoint"
        );
    }

    #[test]
    fn a_kine_restore_waits_for_the_database_on_the_data_volume_until_its_deadline() {
        let x = Exposure {
            api_port: 30443,
            konnectivity_port: 30132,
            host: "192.0.2.1".into(),
            cluster_ips: vec![],
        };
        for persistence in ["emptyDir", "hostPath"] {
            let mut r = resolve(CreateOptions {
                name: Some("demo".into()),
                namespace: "ns".into(),
                storage: Some("kine".into()),
                persistence: Some(persistence.into()),
                host_path: (persistence == "hostPath").then(|| "/srv/k0s".into()),
                ..Default::default()
            })
            .unwrap();
            let plain = statefulset(&r, &x, None);
            let inits = |sts: &StatefulSet| -> Vec<Value> {
                let pod = sts.spec.as_ref().unwrap().template.spec.as_ref().unwrap();
                json!(pod.init_containers).as_array().unwrap().clone()
            };
            assert_eq!(inits(&plain).len(), 1, "create has certs-init only");
            r.restore_kine_until = Some(1_800_000_000);
            let restoring = inits(&statefulset(&r, &x, None));
            let names: Vec<&str> = restoring
                .iter()
                .map(|c| c["name"].as_str().unwrap())
                .collect();
            assert_eq!(names, ["certs-init", "restore"], "{persistence}");
            let restore = &restoring[1];
            // The same data volume (and the same sub-path on a hostPath) as the controller.
            assert_eq!(
                restore["volumeMounts"][0], restoring[0]["volumeMounts"][1],
                "{persistence}"
            );
            let env = restore["env"].as_array().unwrap();
            assert!(
                env.iter()
                    .any(|e| e["name"] == "K0SMOTRON_RESTORE_UNTIL" && e["value"] == "1800000000")
            );
            assert_eq!(
                env.iter().any(|e| e["name"] == POD_NAME_VAR),
                persistence == "hostPath"
            );
            let script = restore["command"][2].as_str().unwrap();
            assert!(script.contains("db=/var/lib/k0s/db/state.db"), "{script}");
            assert!(
                script.contains(super::super::sqlite::RESTORE_FILE),
                "{script}"
            );
        }
    }
}
