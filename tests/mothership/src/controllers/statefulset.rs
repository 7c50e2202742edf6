//! The StatefulSet controller: pods `<name>-<ordinal>` (OrderedReady or Parallel), PVCs from
//! volumeClaimTemplates, scale up and down, rolling updates highest ordinal first, status.

use serde_json::{Value, json};

use super::put_status;
use crate::state::{State, resource};
use crate::store::DeleteOptions;
use crate::util;

fn ordinal(sts_name: &str, pod_name: &str) -> Option<i64> {
    pod_name
        .strip_prefix(sts_name)?
        .strip_prefix('-')?
        .parse()
        .ok()
}

pub fn reconcile(state: &mut State) -> bool {
    let sts_res = resource("apps", "statefulsets");
    let all: Vec<Value> = state
        .store
        .all(sts_res, None)
        .filter(|s| !util::is_deleting(s))
        .cloned()
        .collect();
    let mut changed = false;
    for sts in all {
        changed |= reconcile_one(state, &sts);
    }
    changed
}

fn owned_pods(state: &State, ns: &str, owner_uid: &str) -> Vec<Value> {
    state
        .store
        .all(resource("", "pods"), Some(ns))
        .filter(|p| util::owner_uids(p).iter().any(|u| u == owner_uid))
        .cloned()
        .collect()
}

fn reconcile_one(state: &mut State, sts: &Value) -> bool {
    let pods_res = resource("", "pods");
    let ns = util::str_at(sts, &["metadata", "namespace"])
        .unwrap_or_default()
        .to_string();
    let name = util::name(sts).to_string();
    let uid = util::uid(sts).to_string();
    let spec = &sts["spec"];
    let replicas = spec["replicas"].as_i64().unwrap_or(1);
    let parallel = spec["podManagementPolicy"] == "Parallel";
    let rolling = spec.pointer("/updateStrategy/type").and_then(Value::as_str) != Some("OnDelete");
    let revision = format!("{name}-{}", util::short_hash(&spec["template"]));

    let pods = owned_pods(state, &ns, &uid);
    let mut by_ordinal: Vec<(i64, Value)> = pods
        .into_iter()
        .filter_map(|p| ordinal(&name, util::name(&p)).map(|o| (o, p)))
        .collect();
    by_ordinal.sort_by_key(|(o, _)| *o);

    // Scale down: remove ordinals past the end, highest first.
    let excess: Vec<String> = by_ordinal
        .iter()
        .rev()
        .filter(|(o, _)| *o >= replicas)
        .map(|(_, p)| util::name(p).to_string())
        .collect();
    if !excess.is_empty() {
        for pod in excess {
            let _ = state
                .store
                .delete(pods_res, &ns, &pod, &DeleteOptions::default());
        }
        return true;
    }

    // Scale up: Parallel creates every missing pod, OrderedReady one at a time behind Ready pods.
    let mut created = false;
    for i in 0..replicas {
        let existing = by_ordinal.iter().find(|(o, _)| *o == i);
        match existing {
            Some((_, p)) if util::is_deleting(p) => break,
            Some((_, p)) => {
                if !parallel && !util::pod_ready(p) {
                    break;
                }
            }
            None => {
                create_pod(state, sts, i, &revision);
                created = true;
                if !parallel {
                    break;
                }
            }
        }
    }
    if created {
        return true;
    }

    // Rolling update once every pod is Ready: replace the highest ordinal on an old revision.
    let all_ready =
        by_ordinal.len() as i64 == replicas && by_ordinal.iter().all(|(_, p)| util::pod_ready(p));
    if rolling && all_ready {
        let partition = spec
            .pointer("/updateStrategy/rollingUpdate/partition")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let stale = by_ordinal.iter().rev().find(|(o, p)| {
            *o >= partition
                && util::str_at(p, &["metadata", "labels", "controller-revision-hash"])
                    != Some(&revision)
        });
        if let Some((_, p)) = stale {
            let pod = util::name(p).to_string();
            let _ = state
                .store
                .delete(pods_res, &ns, &pod, &DeleteOptions::default());
            return true;
        }
    }

    let pods: Vec<Value> = by_ordinal.into_iter().map(|(_, p)| p).collect();
    let count = |f: &dyn Fn(&Value) -> bool| pods.iter().filter(|p| f(p)).count();
    let ready = count(&util::pod_ready);
    let updated = count(&|p| {
        util::str_at(p, &["metadata", "labels", "controller-revision-hash"]) == Some(&revision)
    });
    let current_revision = if updated == pods.len() {
        revision.clone()
    } else {
        sts.pointer("/status/currentRevision")
            .and_then(Value::as_str)
            .unwrap_or(&revision)
            .to_string()
    };
    let current = count(&|p| {
        util::str_at(p, &["metadata", "labels", "controller-revision-hash"])
            == Some(&current_revision)
    });
    let status = json!({
        "observedGeneration": util::meta(sts)["generation"],
        "replicas": pods.len(),
        "readyReplicas": ready,
        "availableReplicas": ready,
        "currentReplicas": current,
        "updatedReplicas": updated,
        "currentRevision": current_revision,
        "updateRevision": revision,
        "collisionCount": 0,
    });
    put_status(state, resource("apps", "statefulsets"), sts, status)
}

fn create_pod(state: &mut State, sts: &Value, ordinal: i64, revision: &str) {
    let ns = util::str_at(sts, &["metadata", "namespace"])
        .unwrap_or_default()
        .to_string();
    let sts_name = util::name(sts);
    let pod_name = format!("{sts_name}-{ordinal}");
    let template = &sts["spec"]["template"];
    let mut labels = template
        .pointer("/metadata/labels")
        .cloned()
        .unwrap_or(json!({}));
    labels["statefulset.kubernetes.io/pod-name"] = json!(pod_name);
    labels["controller-revision-hash"] = json!(revision);
    labels["apps.kubernetes.io/pod-index"] = json!(ordinal.to_string());
    let mut spec = template.get("spec").cloned().unwrap_or(json!({}));
    spec["hostname"] = json!(pod_name);
    if let Some(svc) = sts
        .pointer("/spec/serviceName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        spec["subdomain"] = json!(svc);
    }
    let claims = sts
        .pointer("/spec/volumeClaimTemplates")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for vct in &claims {
        let claim = format!("{}-{}-{}", util::name(vct), sts_name, ordinal);
        ensure_claim(state, sts, vct, &claim);
        let volumes = spec
            .as_object_mut()
            .expect("pod spec")
            .entry("volumes")
            .or_insert(json!([]));
        if let Some(vs) = volumes.as_array_mut() {
            vs.retain(|v| v["name"] != vct["metadata"]["name"]);
            vs.push(
                json!({"name": util::name(vct), "persistentVolumeClaim": {"claimName": claim}}),
            );
        }
    }
    let mut metadata = json!({
        "name": pod_name,
        "labels": labels,
        "ownerReferences": [util::controller_ref(sts)],
    });
    if let Some(ann) = template.pointer("/metadata/annotations") {
        metadata["annotations"] = ann.clone();
    }
    let pod = json!({"metadata": metadata, "spec": spec});
    if let Err(e) = state.insert(resource("", "pods"), &ns, pod) {
        eprintln!(
            "mothership: statefulset {ns}/{sts_name}: cannot create pod {pod_name}: {}",
            e.message
        );
    }
}

/// The claim for one pod; kept across pod restarts and, unless the retention policy says
/// Delete, after the StatefulSet is gone.
fn ensure_claim(state: &mut State, sts: &Value, vct: &Value, claim: &str) {
    let ns = util::str_at(sts, &["metadata", "namespace"])
        .unwrap_or_default()
        .to_string();
    let pvc_res = resource("", "persistentvolumeclaims");
    if state.store.get(pvc_res, &ns, claim).is_some() {
        return;
    }
    let mut labels = vct
        .pointer("/metadata/labels")
        .cloned()
        .unwrap_or(json!({}));
    if let Some(sel) = sts
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
    {
        for (k, v) in sel {
            labels[k] = v.clone();
        }
    }
    let mut metadata = json!({"name": claim, "labels": labels});
    if let Some(ann) = vct.pointer("/metadata/annotations") {
        metadata["annotations"] = ann.clone();
    }
    if sts
        .pointer("/spec/persistentVolumeClaimRetentionPolicy/whenDeleted")
        .and_then(Value::as_str)
        == Some("Delete")
    {
        metadata["ownerReferences"] = json!([util::controller_ref(sts)]);
    }
    let pvc = json!({"metadata": metadata, "spec": vct.get("spec").cloned().unwrap_or(json!({}))});
    if let Err(e) = state.insert(pvc_res, &ns, pvc) {
        eprintln!(
            "mothership: cannot create claim {ns}/{claim}: {}",
            e.message
        );
    }
}
