//! Small controllers for what no real component does here, each a loop over the real API:
//! - volumes: claims of the default StorageClass get a PersistentVolume (which the real
//!   PV controller then binds); released volumes are deleted;
//! - load balancers: LoadBalancer Services get an ingress IP after the delay their
//!   namespace asks for (annotation `mothership.k0smotron.dev/lb-delay-ms`, a number of
//!   milliseconds or `never`; 0 without it);
//! - exec: every pod gets a kwok `Exec` object naming it, so that `k0s` run in it by kwok
//!   knows which pod it is in;
//! - k0s: the answers of `k0s` inside the pods (see `k0s.rs`), over loopback.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use k8s_openapi::api::core::v1::{
    ConfigMap, Namespace, PersistentVolume, PersistentVolumeClaim, Pod, Secret, Service,
};
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams,
};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::cluster::{PROVISIONER, STORAGE_CLASS};
use crate::k0s::{self, ExecOutput, K0sTokens, PodView};

pub const LB_DELAY_ANNOTATION: &str = "mothership.k0smotron.dev/lb-delay-ms";
/// On a pod (from its template), what `k0s token create` prints there instead of a token:
/// for tests of what k0smotron does with a malformed answer.
pub const K0S_OUTPUT_ANNOTATION: &str = "mothership.k0smotron.dev/k0s-token-output";

fn told_output(view: &PodView) -> Option<String> {
    view.pod["metadata"]["annotations"][K0S_OUTPUT_ANNOTATION]
        .as_str()
        .map(String::from)
}

/// Set on a pod once its Exec object exists; kwok's pod-ready stage waits for it.
pub const EXEC_READY_ANNOTATION: &str = "mothership.k0smotron.dev/exec";

fn pods_in(admin: &kube::Client, ns: &str) -> Api<Pod> {
    Api::namespaced(admin.clone(), ns)
}
const TICK: Duration = Duration::from_millis(100);

/// Start every helper on the current runtime.
pub fn spawn_all(
    admin: kube::Client,
    k0s_listeners: Vec<tokio::net::TcpListener>,
    tokens: Arc<Mutex<K0sTokens>>,
    volumes_root: std::path::PathBuf,
) {
    tokio::spawn(forever("volumes", admin.clone(), move |a| {
        volumes(a, volumes_root.clone())
    }));
    tokio::spawn(load_balancers(admin.clone()));
    tokio::spawn(exec_objects(admin.clone()));
    for listener in k0s_listeners {
        tokio::spawn(k0s_answers(admin.clone(), listener, Arc::clone(&tokens)));
    }
}

/// Run `step` every tick; errors (the API restarting, a conflict) are retried next tick.
async fn forever<F, Fut>(_name: &'static str, admin: kube::Client, step: F)
where
    F: Fn(kube::Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), kube::Error>>,
{
    loop {
        let _ = step(admin.clone()).await;
        tokio::time::sleep(TICK).await;
    }
}

fn ignore_conflict(r: Result<(), kube::Error>) -> Result<(), kube::Error> {
    match r {
        Err(kube::Error::Api(s)) if s.code == 409 => Ok(()),
        other => other,
    }
}

/// Claims get a hostPath volume in a directory of `root`, open to every user (etcd runs as
/// 1001, and fsGroup does not reach hostPath volumes): on a real node a pod really writes
/// there; kwok's pods never look.
async fn volumes(admin: kube::Client, root: std::path::PathBuf) -> Result<(), kube::Error> {
    let claims: Api<PersistentVolumeClaim> = Api::all(admin.clone());
    let pvs: Api<PersistentVolume> = Api::all(admin.clone());
    let volumes = pvs.list(&ListParams::default()).await?;
    let bound_to: HashSet<String> = volumes
        .items
        .iter()
        .filter_map(|pv| pv.spec.as_ref()?.claim_ref.as_ref()?.uid.clone())
        .collect();
    for pv in &volumes.items {
        let ours = pv.metadata.annotations.as_ref().is_some_and(|a| {
            a.get("pv.kubernetes.io/provisioned-by").map(String::as_str) == Some(PROVISIONER)
        });
        let released = pv.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Released");
        if ours && released {
            let name = pv.metadata.name.clone().unwrap_or_default();
            if pvs.delete(&name, &DeleteParams::default()).await.is_ok()
                && let Some(path) = pv.spec.as_ref().and_then(|s| s.host_path.as_ref())
                && path.path.starts_with(&*root.to_string_lossy())
            {
                let _ = std::fs::remove_dir_all(&path.path);
            }
        }
    }
    for claim in claims.list(&ListParams::default()).await?.items {
        let spec = claim.spec.clone().unwrap_or_default();
        let uid = claim.metadata.uid.clone().unwrap_or_default();
        let pending = claim.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Pending");
        if !pending
            || spec.storage_class_name.as_deref() != Some(STORAGE_CLASS)
            || spec.volume_name.is_some()
            || bound_to.contains(&uid)
        {
            continue;
        }
        let size = spec
            .resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage"))
            .map(|q| q.0.clone())
            .unwrap_or_else(|| "1Gi".into());
        let path = root.join(&uid);
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::create_dir_all(&path);
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o777));
        }
        let pv: PersistentVolume = serde_json::from_value(json!({
            "metadata": {"name": format!("pvc-{uid}"), "annotations": {"pv.kubernetes.io/provisioned-by": PROVISIONER}},
            "spec": {
                "capacity": {"storage": size},
                "accessModes": spec.access_modes.clone().unwrap_or_else(|| vec!["ReadWriteOnce".into()]),
                "persistentVolumeReclaimPolicy": "Delete",
                "storageClassName": STORAGE_CLASS,
                "hostPath": {"path": path},
                "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                             "namespace": claim.metadata.namespace, "name": claim.metadata.name, "uid": uid},
            },
        }))
        .expect("volume");
        ignore_conflict(pvs.create(&PostParams::default(), &pv).await.map(|_| ()))?;
    }
    Ok(())
}

fn lb_delay(ns: Option<&Namespace>) -> Option<Duration> {
    let value = ns
        .and_then(|n| n.metadata.annotations.as_ref())
        .and_then(|a| a.get(LB_DELAY_ANNOTATION))
        .map(String::as_str)
        .unwrap_or("0");
    match value {
        "never" => None,
        ms => Some(Duration::from_millis(ms.parse().unwrap_or(0))),
    }
}

async fn load_balancers(admin: kube::Client) {
    let services: Api<Service> = Api::all(admin.clone());
    let namespaces: Api<Namespace> = Api::all(admin.clone());
    let mut first_seen: HashMap<String, Instant> = HashMap::new();
    let mut next_ip = 100u32;
    loop {
        if let Ok(list) = services.list(&ListParams::default()).await {
            for svc in list.items {
                let is_lb =
                    svc.spec.as_ref().and_then(|s| s.type_.as_deref()) == Some("LoadBalancer");
                let has_ingress = svc
                    .status
                    .as_ref()
                    .and_then(|s| s.load_balancer.as_ref())
                    .and_then(|l| l.ingress.as_ref())
                    .is_some_and(|i| !i.is_empty());
                if !is_lb || has_ingress {
                    continue;
                }
                let uid = svc.metadata.uid.clone().unwrap_or_default();
                let seen = *first_seen.entry(uid).or_insert_with(Instant::now);
                let ns_name = svc.metadata.namespace.clone().unwrap_or_default();
                let ns = namespaces.get_opt(&ns_name).await.ok().flatten();
                let Some(delay) = lb_delay(ns.as_ref()) else {
                    continue;
                };
                if seen.elapsed() < delay {
                    continue;
                }
                next_ip += 1;
                let ip = format!("198.51.{}.{}", 100 + next_ip / 250, next_ip % 250 + 1);
                let patch = json!({"status": {"loadBalancer": {"ingress": [{"ip": ip}]}}});
                let api: Api<Service> = Api::namespaced(admin.clone(), &ns_name);
                let _ = api
                    .patch_status(
                        svc.metadata.name.as_deref().unwrap_or_default(),
                        &PatchParams::default(),
                        &Patch::Merge(&patch),
                    )
                    .await;
            }
        }
        tokio::time::sleep(TICK).await;
    }
}

fn exec_resource() -> ApiResource {
    ApiResource {
        group: "kwok.x-k8s.io".into(),
        version: "v1alpha1".into(),
        api_version: "kwok.x-k8s.io/v1alpha1".into(),
        kind: "Exec".into(),
        plural: "execs".into(),
    }
}

/// The Exec object of a pod: one target per container, each with the pod and container in
/// the environment of what kwok runs; owned by the pod, so it goes with it.
fn exec_object(pod: &Pod) -> DynamicObject {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    let containers: Vec<String> = pod
        .spec
        .iter()
        .flat_map(|s| s.containers.iter().map(|c| c.name.clone()))
        .collect();
    let execs: Vec<Value> = containers
        .iter()
        .map(|c| {
            json!({"containers": [c], "local": {"envs": [
                {"name": "K0SMOTRON_POD", "value": format!("{ns}/{name}")},
                {"name": "K0SMOTRON_CONTAINER", "value": c},
            ]}})
        })
        .collect();
    serde_json::from_value(json!({
        "apiVersion": "kwok.x-k8s.io/v1alpha1",
        "kind": "Exec",
        "metadata": {"name": name, "namespace": ns, "ownerReferences": [{
            "apiVersion": "v1", "kind": "Pod", "name": name, "uid": pod.metadata.uid,
        }]},
        "spec": {"execs": execs},
    }))
    .expect("exec object")
}

async fn exec_objects(admin: kube::Client) {
    let pods: Api<Pod> = Api::all(admin.clone());
    let mut done: HashSet<String> = HashSet::new();
    loop {
        if let Ok(list) = pods.list(&ListParams::default()).await {
            for pod in list.items {
                let uid = pod.metadata.uid.clone().unwrap_or_default();
                if done.contains(&uid) {
                    continue;
                }
                let ns = pod.metadata.namespace.clone().unwrap_or_default();
                let api: Api<DynamicObject> =
                    Api::namespaced_with(admin.clone(), &ns, &exec_resource());
                let object = exec_object(&pod);
                let name = pod.metadata.name.clone().unwrap_or_default();
                let written = match api.create(&PostParams::default(), &object).await {
                    Err(kube::Error::Api(s)) if s.code == 409 => {
                        // A pod of the same name that is gone: point the object at this one.
                        let patch = json!({"metadata": {"ownerReferences": object.metadata.owner_references}});
                        api.patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
                            .await
                            .map(|_| ())
                    }
                    other => other.map(|_| ()),
                };
                // Only now may kwok make the pod Ready (its stage waits for this mark), so a
                // Ready pod always answers exec.
                let marked = written.is_ok()
                    && pods_in(&admin, &ns)
                        .patch(
                            &name,
                            &PatchParams::default(),
                            &Patch::Merge(&json!({
                                "metadata": {"annotations": {EXEC_READY_ANNOTATION: "true"}}
                            })),
                        )
                        .await
                        .is_ok();
                if marked {
                    done.insert(uid);
                }
            }
        }
        tokio::time::sleep(TICK).await;
    }
}

/// The pod, the ConfigMaps its containers take their environment from, and the Secrets it
/// mounts.
async fn pod_view(admin: &kube::Client, ns: &str, name: &str) -> Result<PodView, kube::Error> {
    let pod = Api::<Pod>::namespaced(admin.clone(), ns).get(name).await?;
    let pod = serde_json::to_value(pod).expect("pod");
    let namespace = Api::<Namespace>::all(admin.clone()).get(ns).await?;
    let cluster = crate::util::str_at(&pod, &["metadata", "labels", "k0smotron.io/cluster"])
        .unwrap_or_default()
        .to_string();
    let members = Api::<Pod>::namespaced(admin.clone(), ns)
        .list(&ListParams::default().labels(&format!(
            "k0smotron.io/cluster={cluster},app.kubernetes.io/component=etcd"
        )))
        .await?
        .items;
    let ready = members
        .iter()
        .filter(|m| {
            m.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
        })
        .count();
    let mut view = PodView {
        pod: pod.clone(),
        namespace_annotations: namespace
            .metadata
            .annotations
            .unwrap_or_default()
            .into_iter()
            .collect(),
        etcd_members: (ready, members.len()),
        ..Default::default()
    };
    let configmaps: Api<ConfigMap> = Api::namespaced(admin.clone(), ns);
    for n in k0s::names_of_env_configmaps(&pod) {
        if let Some(cm) = configmaps.get_opt(&n).await? {
            view.configmaps
                .insert(n, serde_json::to_value(cm).expect("configmap"));
        }
    }
    let secrets: Api<Secret> = Api::namespaced(admin.clone(), ns);
    for n in k0s::names_of_secrets(&pod) {
        if let Some(s) = secrets.get_opt(&n).await? {
            view.secrets
                .insert(n, serde_json::to_value(s).expect("secret"));
        }
    }
    Ok(view)
}

/// `NS/NAME` of the running pod with address `ip`.
async fn pod_at(admin: &kube::Client, ip: std::net::IpAddr) -> Option<String> {
    let pods: Api<Pod> = Api::all(admin.clone());
    let lp = ListParams::default().fields(&format!("status.podIP={ip},status.phase=Running"));
    let pod = pods.list(&lp).await.ok()?.items.into_iter().next()?;
    Some(format!(
        "{}/{}",
        pod.metadata.namespace.unwrap_or_default(),
        pod.metadata.name.unwrap_or_default()
    ))
}

async fn k0s_answers(
    admin: kube::Client,
    listener: tokio::net::TcpListener,
    tokens: Arc<Mutex<K0sTokens>>,
) {
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            continue;
        };
        let (admin, tokens) = (admin.clone(), Arc::clone(&tokens));
        tokio::spawn(async move {
            let _ = answer(admin, stream, peer.ip(), tokens).await;
        });
    }
}

/// One `k0s` call: the pod (`NS/NAME`, or empty from a real pod, which is then found by its
/// address), the container, the argument count and each argument in base64, a line each;
/// the answer is the exit code, then stdout and stderr in base64, a line each.
async fn answer(
    admin: kube::Client,
    stream: tokio::net::TcpStream,
    peer: std::net::IpAddr,
    tokens: Arc<Mutex<K0sTokens>>,
) -> anyhow::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut next = async || {
        lines
            .next_line()
            .await?
            .ok_or_else(|| anyhow::anyhow!("short request"))
    };
    let pod = next().await?;
    let container = next().await?;
    let count: usize = next().await?.trim().parse()?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut args = Vec::with_capacity(count);
    for _ in 0..count {
        args.push(String::from_utf8(b64.decode(next().await?.trim())?)?);
    }
    let pod = if pod.is_empty() {
        pod_at(&admin, peer).await.unwrap_or_default()
    } else {
        pod
    };
    let (ns, name) = pod.split_once('/').unwrap_or(("", &pod));
    let out = match pod_view(&admin, ns, name).await {
        Ok(view)
            if args.starts_with(&["token".to_string(), "create".to_string()])
                && told_output(&view).is_some() =>
        {
            ExecOutput::ok(told_output(&view).unwrap_or_default())
        }
        Ok(view) => {
            // A real pod's stand-in does not know its container: the pod's first, as kubectl
            // picks by default (the controller pod has one).
            let container = match container.as_str() {
                "" => view
                    .pod
                    .pointer("/spec/containers/0/name")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                c => c.to_string(),
            };
            let mut tokens = tokens.lock().expect("tokens lock");
            k0s::run(&mut tokens, &view, &container, &args)
        }
        Err(e) => ExecOutput::fail(1, format!("Error: reading pod {pod}: {e}\n")),
    };
    let reply = format!(
        "{}\n{}\n{}\n",
        out.exit_code,
        b64.encode(&out.stdout),
        b64.encode(&out.stderr)
    );
    write.write_all(reply.as_bytes()).await?;
    write.shutdown().await?;
    Ok(())
}
