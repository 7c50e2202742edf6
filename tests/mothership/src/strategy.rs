//! What the real registry does per kind on create and update, before anything is stored:
//! defaulting, validation, and Service IP and node-port allocation
//! (pkg/registry/core/service/ipallocator and portallocator in Kubernetes).

use std::collections::BTreeSet;

use base64::Engine;
use rand::RngExt;
use serde_json::{Value, json};

use crate::resources::Resource;
use crate::status::{ApiError, ApiResult, FieldError};
use crate::store::Store;
use crate::util;

pub const NODE_PORT_RANGE: std::ops::RangeInclusive<u16> = 30000..=32767;

/// Counters for values the API server hands out.
#[derive(Debug)]
pub struct Allocators {
    next_cluster_ip: u32,
}

impl Default for Allocators {
    fn default() -> Self {
        // 10.96.0.1 is the `kubernetes` Service; allocation starts after it.
        Allocators {
            next_cluster_ip: 10,
        }
    }
}

pub fn prepare(
    alloc: &mut Allocators,
    store: &Store,
    res: &Resource,
    old: Option<&Value>,
    obj: &mut Value,
) -> ApiResult<()> {
    match res.kind {
        "Secret" => secret(obj),
        "Namespace" => {
            let name = util::name(obj).to_string();
            util::meta_mut(obj)
                .entry("labels")
                .or_insert(json!({}))
                .as_object_mut()
                .map(|l| l.insert("kubernetes.io/metadata.name".into(), json!(name)));
            if obj.pointer("/spec/finalizers").is_none() {
                obj["spec"] = json!({"finalizers": ["kubernetes"]});
            }
            if old.is_none() {
                obj["status"] = json!({"phase": "Active"});
            }
            Ok(())
        }
        "Service" => service(alloc, store, old, obj),
        "StatefulSet" => statefulset(old, obj),
        "Pod" => {
            if obj
                .pointer("/spec/containers")
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty)
            {
                return Err(ApiError::invalid(
                    "Pod",
                    util::name(obj),
                    vec![FieldError::required("spec.containers", "")],
                ));
            }
            pod_spec_defaults(&mut obj["spec"]);
            if old.is_none() {
                obj["status"] = json!({"phase": "Pending", "qosClass": "BestEffort"});
            }
            Ok(())
        }
        "PersistentVolumeClaim" => {
            if obj.pointer("/spec/volumeMode").is_none() {
                obj["spec"]["volumeMode"] = json!("Filesystem");
            }
            if obj.pointer("/spec/storageClassName").is_none()
                && let Some(default) = default_storage_class(store)
            {
                obj["spec"]["storageClassName"] = json!(default);
            }
            if old.is_none() {
                obj["status"] = json!({"phase": "Pending"});
            }
            Ok(())
        }
        "StorageClass" => {
            let o = obj.as_object_mut().expect("object");
            o.entry("reclaimPolicy").or_insert(json!("Delete"));
            o.entry("volumeBindingMode").or_insert(json!("Immediate"));
            Ok(())
        }
        _ => Ok(()),
    }
}

pub fn default_storage_class(store: &Store) -> Option<String> {
    let sc = crate::resources::find("storage.k8s.io", "v1", "storageclasses")?;
    store
        .all(sc, None)
        .find(|s| {
            let ann = util::meta(s).get("annotations");
            [
                "storageclass.kubernetes.io/is-default-class",
                "storageclass.beta.kubernetes.io/is-default-class",
            ]
            .iter()
            .any(|k| ann.and_then(|a| a.get(*k)).and_then(Value::as_str) == Some("true"))
        })
        .map(|s| util::name(s).to_string())
}

/// `stringData` is write-only: it is merged into `data` (base64) and dropped.
fn secret(obj: &mut Value) -> ApiResult<()> {
    let o = obj.as_object_mut().expect("object");
    if let Some(Value::Object(string_data)) = o.remove("stringData") {
        let data = o.entry("data").or_insert(json!({}));
        for (k, v) in string_data {
            let text = v.as_str().unwrap_or_default();
            data[&k] = json!(base64::engine::general_purpose::STANDARD.encode(text));
        }
    }
    o.entry("type").or_insert(json!("Opaque"));
    if let Some(Value::Object(data)) = o.get("data") {
        for (k, v) in data {
            let ok = v
                .as_str()
                .is_some_and(|s| base64::engine::general_purpose::STANDARD.decode(s).is_ok());
            if !ok {
                return Err(ApiError::bad_request(format!(
                    "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data in data[{k:?}]"
                )));
            }
        }
    }
    Ok(())
}

fn used_node_ports(store: &Store, except_uid: &str) -> BTreeSet<u16> {
    let svc = crate::resources::find("", "v1", "services").expect("services");
    store
        .all(svc, None)
        .filter(|s| util::uid(s) != except_uid)
        .flat_map(|s| {
            s.pointer("/spec/ports")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|p| p.get("nodePort").and_then(Value::as_u64).map(|n| n as u16))
        .collect()
}

fn used_cluster_ips(store: &Store) -> BTreeSet<String> {
    let svc = crate::resources::find("", "v1", "services").expect("services");
    store
        .all(svc, None)
        .filter_map(|s| util::str_at(s, &["spec", "clusterIP"]).map(str::to_string))
        .collect()
}

fn service(
    alloc: &mut Allocators,
    store: &Store,
    old: Option<&Value>,
    obj: &mut Value,
) -> ApiResult<()> {
    let name = util::name(obj).to_string();
    let invalid = |errs: Vec<FieldError>| ApiError::invalid("Service", &name, errs);
    let spec = obj
        .get_mut("spec")
        .filter(|s| s.is_object())
        .ok_or_else(|| invalid(vec![FieldError::required("spec.ports", "")]))?;
    let ty = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP")
        .to_string();
    const TYPES: &[&str] = &["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];
    if !TYPES.contains(&ty.as_str()) {
        return Err(invalid(vec![FieldError::unsupported(
            "spec.type",
            json!(ty),
            TYPES,
        )]));
    }
    spec["type"] = json!(ty);
    let wants_node_ports = ty == "NodePort" || ty == "LoadBalancer";
    let ports = spec.get_mut("ports").and_then(Value::as_array_mut);
    let Some(ports) = ports.filter(|p| !p.is_empty()) else {
        return Err(invalid(vec![FieldError::required("spec.ports", "")]));
    };
    let old_ports: Vec<Value> = old
        .and_then(|o| o.pointer("/spec/ports"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut errs = Vec::new();
    let multiple = ports.len() > 1;
    let uid = old.map(util::uid).unwrap_or_default().to_string();
    let mut used = used_node_ports(store, &uid);
    for (i, p) in ports.iter_mut().enumerate() {
        let port = p.get("port").and_then(Value::as_u64).unwrap_or(0);
        if !(1..=65535).contains(&port) {
            errs.push(FieldError::invalid(
                format!("spec.ports[{i}].port"),
                p["port"].clone(),
                "must be between 1 and 65535, inclusive",
            ));
        }
        if multiple
            && p.get("name")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
        {
            errs.push(FieldError::required(format!("spec.ports[{i}].name"), ""));
        }
        let o = p.as_object_mut().expect("port object");
        o.entry("protocol").or_insert(json!("TCP"));
        o.entry("targetPort").or_insert(json!(port));
        if !wants_node_ports {
            o.remove("nodePort");
            continue;
        }
        match o.get("nodePort").and_then(Value::as_u64) {
            Some(np) => {
                if !NODE_PORT_RANGE.contains(&(np as u16)) || np > 65535 {
                    errs.push(FieldError::invalid(
                        format!("spec.ports[{i}].nodePort"),
                        json!(np),
                        format!("provided port is not in the valid range. The range of valid ports is {}-{}", NODE_PORT_RANGE.start(), NODE_PORT_RANGE.end()),
                    ));
                } else if !used.insert(np as u16) {
                    errs.push(FieldError::invalid(
                        format!("spec.ports[{i}].nodePort"),
                        json!(np),
                        "provided port is already allocated",
                    ));
                }
            }
            None => {
                // Keep the port allocated for the same service port on update.
                let kept = old_ports
                    .iter()
                    .find(|op| {
                        op.get("port") == o.get("port") && op.get("protocol") == o.get("protocol")
                    })
                    .and_then(|op| op.get("nodePort").and_then(Value::as_u64))
                    .filter(|np| !used.contains(&(*np as u16)));
                let np = match kept {
                    Some(np) => np as u16,
                    None => random_free_port(&used).ok_or_else(|| {
                        ApiError::internal("failed to allocate a nodePort: range is full")
                    })?,
                };
                used.insert(np);
                o.insert("nodePort".into(), json!(np));
            }
        }
    }
    if !errs.is_empty() {
        return Err(invalid(errs));
    }
    let s = spec.as_object_mut().expect("spec");
    s.entry("sessionAffinity").or_insert(json!("None"));
    if wants_node_ports {
        s.entry("externalTrafficPolicy").or_insert(json!("Cluster"));
    } else {
        s.remove("externalTrafficPolicy");
    }
    if ty != "ExternalName" {
        let old_ip = old
            .and_then(|o| util::str_at(o, &["spec", "clusterIP"]))
            .map(str::to_string);
        let asked = s
            .get("clusterIP")
            .and_then(Value::as_str)
            .filter(|ip| !ip.is_empty())
            .map(str::to_string);
        let ip = match (old_ip, asked) {
            (Some(old), Some(new)) if old != new => {
                return Err(invalid(vec![FieldError::invalid(
                    "spec.clusterIPs[0]",
                    json!([new]),
                    "may not change once set",
                )]));
            }
            (Some(old), _) => old,
            (None, Some(asked)) => asked,
            (None, None) => next_cluster_ip(alloc, store),
        };
        s.insert("clusterIP".into(), json!(ip));
        s.insert("clusterIPs".into(), json!([ip]));
        s.entry("ipFamilies").or_insert(json!(["IPv4"]));
        s.entry("ipFamilyPolicy").or_insert(json!("SingleStack"));
        s.entry("internalTrafficPolicy").or_insert(json!("Cluster"));
    }
    // A new Service, or one that is no longer a LoadBalancer, has no load-balancer status.
    if old.is_none() || ty != "LoadBalancer" {
        obj["status"] = json!({"loadBalancer": {}});
    }
    Ok(())
}

fn random_free_port(used: &BTreeSet<u16>) -> Option<u16> {
    let size = NODE_PORT_RANGE.len();
    if used.len() >= size {
        return None;
    }
    let mut rng = rand::rng();
    loop {
        let p = rng.random_range(NODE_PORT_RANGE);
        if !used.contains(&p) {
            return Some(p);
        }
    }
}

fn next_cluster_ip(alloc: &mut Allocators, store: &Store) -> String {
    let used = used_cluster_ips(store);
    loop {
        let n = alloc.next_cluster_ip;
        alloc.next_cluster_ip += 1;
        let ip = format!("10.96.{}.{}", (n >> 8) & 0xff, n & 0xff);
        if n & 0xff != 0 && !used.contains(&ip) {
            return ip;
        }
    }
}

pub fn pod_spec_defaults(spec: &mut Value) {
    let Some(s) = spec.as_object_mut() else {
        return;
    };
    s.entry("restartPolicy").or_insert(json!("Always"));
    s.entry("dnsPolicy").or_insert(json!("ClusterFirst"));
    s.entry("schedulerName")
        .or_insert(json!("default-scheduler"));
    s.entry("terminationGracePeriodSeconds")
        .or_insert(json!(30));
    s.entry("securityContext").or_insert(json!({}));
    for list in ["initContainers", "containers"] {
        if let Some(cs) = s.get_mut(list).and_then(Value::as_array_mut) {
            for c in cs.iter_mut().filter_map(Value::as_object_mut) {
                let latest = c
                    .get("image")
                    .and_then(Value::as_str)
                    .is_some_and(|i| i.ends_with(":latest") || !i.contains(':'));
                c.entry("imagePullPolicy").or_insert(json!(if latest {
                    "Always"
                } else {
                    "IfNotPresent"
                }));
                c.entry("terminationMessagePath")
                    .or_insert(json!("/dev/termination-log"));
                c.entry("terminationMessagePolicy").or_insert(json!("File"));
                c.entry("resources").or_insert(json!({}));
            }
        }
    }
}

const STS_MUTABLE: &[&str] = &[
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "revisionHistoryLimit",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
];

fn statefulset(old: Option<&Value>, obj: &mut Value) -> ApiResult<()> {
    let name = util::name(obj).to_string();
    let spec = obj
        .get_mut("spec")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| {
            ApiError::invalid(
                "StatefulSet",
                &name,
                vec![FieldError::required("spec.selector", "")],
            )
        })?;
    spec.entry("replicas").or_insert(json!(1));
    spec.entry("podManagementPolicy")
        .or_insert(json!("OrderedReady"));
    spec.entry("updateStrategy")
        .or_insert(json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}));
    spec.entry("revisionHistoryLimit").or_insert(json!(10));
    spec.entry("persistentVolumeClaimRetentionPolicy")
        .or_insert(json!({"whenDeleted": "Retain", "whenScaled": "Retain"}));
    if let Some(t) = spec.get_mut("template") {
        pod_spec_defaults(&mut t["spec"]);
    }
    if let Some(vcts) = spec
        .get_mut("volumeClaimTemplates")
        .and_then(Value::as_array_mut)
    {
        for v in vcts.iter_mut() {
            v["apiVersion"] = json!("v1");
            v["kind"] = json!("PersistentVolumeClaim");
            if v.pointer("/spec/volumeMode").is_none() {
                v["spec"]["volumeMode"] = json!("Filesystem");
            }
        }
    }
    let mut errs = Vec::new();
    let selector = spec.get("selector").cloned().unwrap_or(Value::Null);
    if selector.is_null() {
        errs.push(FieldError::required("spec.selector", ""));
    } else {
        let labels = spec
            .get("template")
            .and_then(|t| t.pointer("/metadata/labels"))
            .cloned();
        match crate::selector::LabelSelector::from_label_selector_object(&selector) {
            Ok(sel) if sel.matches(labels.as_ref()) => {}
            Ok(_) => errs.push(FieldError::invalid(
                "spec.template.metadata.labels",
                labels.unwrap_or(Value::Null),
                "`selector` does not match template `labels`",
            )),
            Err(e) => errs.push(FieldError::invalid("spec.selector", selector.clone(), e)),
        }
    }
    if spec
        .get("template")
        .and_then(|t| t.pointer("/spec/containers"))
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        errs.push(FieldError::required("spec.template.spec.containers", ""));
    }
    if spec
        .get("replicas")
        .and_then(Value::as_i64)
        .is_some_and(|r| r < 0)
    {
        errs.push(FieldError::invalid(
            "spec.replicas",
            spec["replicas"].clone(),
            "must be greater than or equal to 0",
        ));
    }
    if let Some(old_spec) = old.and_then(|o| o.get("spec")).and_then(Value::as_object) {
        let changed_fixed = old_spec
            .keys()
            .chain(spec.keys())
            .filter(|k| !STS_MUTABLE.contains(&k.as_str()))
            .any(|k| old_spec.get(k) != spec.get(k));
        if changed_fixed {
            errs.push(FieldError::forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
        }
    }
    if !errs.is_empty() {
        return Err(ApiError::invalid("StatefulSet", &name, errs));
    }
    if old.is_none() {
        obj["status"] = json!({"replicas": 0, "availableReplicas": 0});
    }
    Ok(())
}
