//! Nodes, the scheduler and kubelet (pods start, then turn Ready after a delay), the volume
//! binder (claims of an existing StorageClass bind), and the load-balancer provider.

use std::time::Duration;

use serde_json::{Value, json};

use super::{put_status, record_event};
use crate::state::{NodeSpec, State, Timer, TimerAction, resource};
use crate::util;

pub fn add_node(state: &mut State, node: &NodeSpec) {
    let res = resource("", "nodes");
    let labels = json!({
        "kubernetes.io/hostname": node.name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
    });
    let stored = state
        .insert(
            res,
            "",
            json!({"metadata": {"name": node.name, "labels": labels}, "spec": {}}),
        )
        .expect("seed node");
    let mut addresses = Vec::new();
    for (kind, value) in [
        ("InternalIP", &node.internal_ip),
        ("ExternalIP", &node.external_ip),
        ("ExternalDNS", &node.external_dns),
    ] {
        if let Some(v) = value {
            addresses.push(json!({"type": kind, "address": v}));
        }
    }
    addresses.push(json!({"type": "Hostname", "address": node.name}));
    let version = state.sim.server_version.clone();
    let status = json!({
        "addresses": addresses,
        "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"}],
        "nodeInfo": {"kubeletVersion": version, "osImage": "Mothership Linux", "architecture": "amd64", "operatingSystem": "linux", "containerRuntimeVersion": "containerd://2.0.0"},
        "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
        "allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"},
    });
    put_status(state, res, &stored, status);
}

fn internal_ip(state: &State, node_name: &str) -> Option<String> {
    state
        .sim
        .nodes
        .iter()
        .find(|n| n.name == node_name)
        .and_then(|n| n.internal_ip.clone())
}

fn pod_conditions(ready: bool) -> Value {
    let now = util::now();
    let r = if ready { "True" } else { "False" };
    json!([
        {"type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": now},
        {"type": "Initialized", "status": "True", "lastTransitionTime": now},
        {"type": "Ready", "status": r, "lastTransitionTime": now},
        {"type": "ContainersReady", "status": r, "lastTransitionTime": now},
        {"type": "PodScheduled", "status": "True", "lastTransitionTime": now},
    ])
}

fn container_statuses(spec: &Value, list: &str, ready: bool, started_at: &str) -> Vec<Value> {
    let init = list == "initContainers";
    spec.get(list)
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    let state = if init {
                        json!({"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": started_at, "finishedAt": started_at}})
                    } else {
                        json!({"running": {"startedAt": started_at}})
                    };
                    json!({
                        "name": c["name"],
                        "image": c["image"],
                        "imageID": "",
                        "ready": init || ready,
                        "started": !init,
                        "restartCount": 0,
                        "state": state,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn running_status(state: &mut State, pod: &Value, ready: bool) -> Value {
    let node = util::str_at(pod, &["spec", "nodeName"])
        .unwrap_or_default()
        .to_string();
    let started = pod
        .pointer("/status/startTime")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(util::now);
    let pod_ip = match pod.pointer("/status/podIP").and_then(Value::as_str) {
        Some(ip) => ip.to_string(),
        None => {
            let n = state.next("pod-ip");
            format!("10.244.{}.{}", n / 250, n % 250 + 2)
        }
    };
    let host_ip = internal_ip(state, &node).unwrap_or_else(|| "10.0.0.1".into());
    json!({
        "phase": "Running",
        "conditions": pod_conditions(ready),
        "hostIP": host_ip,
        "hostIPs": [{"ip": host_ip}],
        "podIP": pod_ip,
        "podIPs": [{"ip": pod_ip}],
        "startTime": started,
        "qosClass": "BestEffort",
        "initContainerStatuses": container_statuses(&pod["spec"], "initContainers", ready, &started),
        "containerStatuses": container_statuses(&pod["spec"], "containers", ready, &started),
    })
}

/// Schedule pending pods onto nodes and start them.
pub fn run_pods(state: &mut State) -> bool {
    let res = resource("", "pods");
    let pending: Vec<Value> = state
        .store
        .all(res, None)
        .filter(|p| {
            !util::is_deleting(p)
                && p.pointer("/status/phase").and_then(Value::as_str) == Some("Pending")
        })
        .cloned()
        .collect();
    let mut changed = false;
    for mut pod in pending {
        if util::str_at(&pod, &["spec", "nodeName"]).is_none() {
            if state.sim.nodes.is_empty() {
                let unscheduled = json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/0 nodes are available"}]});
                if pod.get("status") != Some(&unscheduled) {
                    record_event(
                        state,
                        &pod,
                        "Warning",
                        "FailedScheduling",
                        "0/0 nodes are available: no nodes available to schedule pods.",
                        "default-scheduler",
                    );
                    changed |= put_status(state, res, &pod, unscheduled);
                }
                continue;
            }
            let n = state.next("schedule") as usize;
            let node = state.sim.nodes[n % state.sim.nodes.len()].name.clone();
            pod["spec"]["nodeName"] = json!(node);
            pod = state.store.put(res, pod);
            let ns = util::str_at(&pod, &["metadata", "namespace"]).unwrap_or_default();
            let msg = format!("Successfully assigned {ns}/{} to {node}", util::name(&pod));
            record_event(
                state,
                &pod,
                "Normal",
                "Scheduled",
                &msg,
                "default-scheduler",
            );
        }
        let ready_now = state.sim.pod_ready_delay.is_zero();
        let status = running_status(state, &pod, ready_now);
        for c in pod
            .pointer("/spec/containers")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            let image = c["image"].as_str().unwrap_or_default();
            let cname = c["name"].as_str().unwrap_or_default();
            record_event(
                state,
                &pod,
                "Normal",
                "Pulled",
                &format!("Container image \"{image}\" already present on machine"),
                "kubelet",
            );
            record_event(
                state,
                &pod,
                "Normal",
                "Created",
                &format!("Created container: {cname}"),
                "kubelet",
            );
            record_event(
                state,
                &pod,
                "Normal",
                "Started",
                &format!("Started container {cname}"),
                "kubelet",
            );
        }
        put_status(state, res, &pod, status);
        if !ready_now {
            state.timers.push(Timer {
                after: state.sim.pod_ready_delay,
                action: TimerAction::PodReady {
                    namespace: util::str_at(&pod, &["metadata", "namespace"])
                        .unwrap_or_default()
                        .into(),
                    name: util::name(&pod).into(),
                    uid: util::uid(&pod).into(),
                },
            });
        }
        changed = true;
    }
    changed
}

pub fn mark_ready(state: &mut State, ns: &str, name: &str, uid: &str) {
    let res = resource("", "pods");
    let Some(pod) = state.store.get(res, ns, name).cloned() else {
        return;
    };
    if util::uid(&pod) != uid || util::is_deleting(&pod) {
        return;
    }
    let status = running_status(state, &pod, true);
    put_status(state, res, &pod, status);
}

/// Bind claims whose StorageClass exists; warn about the others once.
pub fn bind_claims(state: &mut State) -> bool {
    let res = resource("", "persistentvolumeclaims");
    let sc_res = resource("storage.k8s.io", "storageclasses");
    let pending: Vec<Value> = state
        .store
        .all(res, None)
        .filter(|p| {
            p.pointer("/status/phase").and_then(Value::as_str) == Some("Pending")
                && !util::is_deleting(p)
        })
        .cloned()
        .collect();
    let mut changed = false;
    for pvc in pending {
        let class = util::str_at(&pvc, &["spec", "storageClassName"])
            .unwrap_or_default()
            .to_string();
        if class.is_empty() || state.store.get(sc_res, "", &class).is_none() {
            let waiting = json!({"phase": "Pending", "conditions": []});
            if pvc.get("status") != Some(&waiting) {
                let msg = if class.is_empty() {
                    "no persistent volumes available for this claim and no storage class is set"
                        .to_string()
                } else {
                    format!("storageclass.storage.k8s.io \"{class}\" not found")
                };
                record_event(
                    state,
                    &pvc,
                    "Warning",
                    "ProvisioningFailed",
                    &msg,
                    "persistentvolume-controller",
                );
                changed |= put_status(state, res, &pvc, waiting);
            }
            continue;
        }
        let mut bound = pvc.clone();
        bound["spec"]["volumeName"] = json!(format!("pvc-{}", util::uid(&pvc)));
        bound["status"] = json!({
            "phase": "Bound",
            "accessModes": pvc.pointer("/spec/accessModes").cloned().unwrap_or(json!(["ReadWriteOnce"])),
            "capacity": {"storage": pvc.pointer("/spec/resources/requests/storage").cloned().unwrap_or(json!("1Gi"))},
        });
        state.store.put(res, bound);
        changed = true;
    }
    changed
}

/// Give LoadBalancer Services an address after the configured delay.
pub fn load_balancers(state: &mut State) -> bool {
    let Some(delay) = state.sim.lb_delay else {
        return false;
    };
    let res = resource("", "services");
    let waiting: Vec<Value> = state
        .store
        .all(res, None)
        .filter(|s| {
            util::str_at(s, &["spec", "type"]) == Some("LoadBalancer")
                && s.pointer("/status/loadBalancer/ingress").is_none()
                && !state.scheduled.contains(util::uid(s))
        })
        .cloned()
        .collect();
    let mut changed = false;
    for svc in waiting {
        let (ns, name, uid) = (
            util::str_at(&svc, &["metadata", "namespace"])
                .unwrap_or_default()
                .to_string(),
            util::name(&svc).to_string(),
            util::uid(&svc).to_string(),
        );
        if delay == Duration::ZERO {
            assign_ingress(state, &ns, &name, &uid);
            changed = true;
        } else {
            state.scheduled.insert(uid.clone());
            state.timers.push(Timer {
                after: delay,
                action: TimerAction::LoadBalancer {
                    namespace: ns,
                    name,
                    uid,
                },
            });
        }
    }
    changed
}

pub fn assign_ingress(state: &mut State, ns: &str, name: &str, uid: &str) {
    let res = resource("", "services");
    state.scheduled.remove(uid);
    let Some(svc) = state.store.get(res, ns, name).cloned() else {
        return;
    };
    if util::uid(&svc) != uid || util::str_at(&svc, &["spec", "type"]) != Some("LoadBalancer") {
        return;
    }
    let n = state.next("lb-ip");
    let ip = format!("198.51.100.{}", 10 + n % 240);
    let ports: Vec<Value> = svc
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| json!({"port": p["port"], "protocol": p["protocol"]}))
                .collect()
        })
        .unwrap_or_default();
    put_status(
        state,
        res,
        &svc,
        json!({"loadBalancer": {"ingress": [{"ip": ip, "ipMode": "VIP", "ports": ports}]}}),
    );
}
