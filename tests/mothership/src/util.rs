//! Small helpers: the resources tests read by plural, and a few JSON accessors.

use kube::api::ApiResource;
use serde_json::Value;

/// Namespaced kinds tests look at by label.
pub const NAMESPACED: [&str; 7] = [
    "statefulsets",
    "services",
    "configmaps",
    "secrets",
    "persistentvolumeclaims",
    "pods",
    "events",
];

/// The API resource of a plural, and whether it is namespaced.
pub fn resource(plural: &str) -> (ApiResource, bool) {
    let (group, version, kind, namespaced) = match plural {
        "statefulsets" => ("apps", "v1", "StatefulSet", true),
        "services" => ("", "v1", "Service", true),
        "configmaps" => ("", "v1", "ConfigMap", true),
        "secrets" => ("", "v1", "Secret", true),
        "persistentvolumeclaims" => ("", "v1", "PersistentVolumeClaim", true),
        "pods" => ("", "v1", "Pod", true),
        "events" => ("", "v1", "Event", true),
        "serviceaccounts" => ("", "v1", "ServiceAccount", true),
        "namespaces" => ("", "v1", "Namespace", false),
        "nodes" => ("", "v1", "Node", false),
        "persistentvolumes" => ("", "v1", "PersistentVolume", false),
        "storageclasses" => ("storage.k8s.io", "v1", "StorageClass", false),
        other => panic!("the test harness does not know resource {other:?}"),
    };
    let api_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    (
        ApiResource {
            group: group.into(),
            version: version.into(),
            api_version,
            kind: kind.into(),
            plural: plural.into(),
        },
        namespaced,
    )
}

/// RFC 3339 in UTC to the second, as the API server writes timestamps.
pub fn rfc3339(t: time::OffsetDateTime) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    t.to_offset(time::UtcOffset::UTC)
        .format(&fmt)
        .expect("timestamp format")
}

pub fn meta(obj: &Value) -> &Value {
    obj.get("metadata").unwrap_or(&Value::Null)
}

pub fn str_at<'a>(obj: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = obj;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()
}

pub fn name(obj: &Value) -> &str {
    str_at(obj, &["metadata", "name"]).unwrap_or_default()
}

/// Whether a pod's Ready condition is True.
pub fn pod_ready(pod: &Value) -> bool {
    pod.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

/// Whether k0s runs in the pod: a container of it is running (kwok makes a pod Running and
/// Ready at once; on a real node the container runs before its readiness probe passes).
pub fn pod_running(pod: &Value) -> bool {
    pod.pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .is_some_and(|cs| cs.iter().any(|c| c["state"]["running"].is_object()))
}
