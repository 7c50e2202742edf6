//! Simulated controllers. They run synchronously after every write until nothing changes,
//! so a response already reflects them; delays (pod readiness, load-balancer addresses) are
//! timers the server runs.

mod gc;
mod kubelet;
mod statefulset;

use serde_json::{Value, json};

use crate::state::{State, TimerAction, resource};
use crate::util;

/// Objects a fresh cluster has: namespaces, nodes, the default StorageClass, `kubernetes` Service.
pub fn seed(state: &mut State) {
    let ns = resource("", "namespaces");
    for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        state
            .insert(ns, "", json!({"metadata": {"name": name}}))
            .expect("seed namespace");
    }
    for node in state.sim.nodes.clone() {
        kubelet::add_node(state, &node);
    }
    if state.sim.default_storage_class {
        let sc = crate::resources::find("storage.k8s.io", "v1", "storageclasses").expect("sc");
        state
            .insert(sc, "", json!({
                "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
                "provisioner": "rancher.io/local-path",
                "volumeBindingMode": "Immediate",
            }))
            .expect("seed storage class");
    }
    state
        .insert(resource("", "services"), "default", json!({
            "metadata": {"name": "kubernetes", "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "targetPort": 6443}]},
        }))
        .expect("seed kubernetes service");
    settle(state);
}

pub fn settle(state: &mut State) {
    for _ in 0..1000 {
        let mut changed = gc::terminate_namespaces(state);
        changed |= gc::collect(state);
        if state.sim.statefulsets {
            changed |= statefulset::reconcile(state);
        }
        if state.sim.kubelet {
            changed |= kubelet::run_pods(state);
        }
        if state.sim.volume_binding {
            changed |= kubelet::bind_claims(state);
        }
        if state.sim.load_balancers {
            changed |= kubelet::load_balancers(state);
        }
        if !changed {
            return;
        }
    }
    eprintln!("mothership: controllers did not settle after 1000 rounds");
}

pub fn fire(state: &mut State, action: &TimerAction) {
    match action {
        TimerAction::PodReady {
            namespace,
            name,
            uid,
        } => kubelet::mark_ready(state, namespace, name, uid),
        TimerAction::LoadBalancer {
            namespace,
            name,
            uid,
        } => kubelet::assign_ingress(state, namespace, name, uid),
    }
}

/// Replace `status` if it differs; true when something was written.
fn put_status(
    state: &mut State,
    res: &'static crate::resources::Resource,
    obj: &Value,
    status: Value,
) -> bool {
    if obj.get("status") == Some(&status) {
        return false;
    }
    let mut updated = obj.clone();
    updated["status"] = status;
    state.store.put(res, updated);
    true
}

/// Record an Event about `involved`, as the kubelet and controllers do.
fn record_event(
    state: &mut State,
    involved: &Value,
    kind: &str,
    reason: &str,
    message: &str,
    component: &str,
) {
    if !state.sim.events {
        return;
    }
    let ns = util::str_at(involved, &["metadata", "namespace"])
        .unwrap_or("default")
        .to_string();
    let n = state.next("event");
    let now = util::now();
    let event = json!({
        "metadata": {"name": format!("{}.{:016x}", util::name(involved), 0x1870_0000_0000_0000u64 + n as u64)},
        "involvedObject": {
            "kind": involved["kind"],
            "namespace": ns,
            "name": util::name(involved),
            "uid": util::uid(involved),
            "apiVersion": involved["apiVersion"],
        },
        "reason": reason,
        "message": message,
        "source": {"component": component},
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
        "type": kind,
        "reportingComponent": component,
        "reportingInstance": "",
    });
    let _ = state.insert(resource("", "events"), &ns, event);
}
