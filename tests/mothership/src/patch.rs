//! The four PATCH flavours: JSON merge patch (RFC 7386), JSON patch (RFC 6902), strategic
//! merge patch (list merge keys and `$patch` directives), and server-side apply, which is
//! approximated here as a strategic merge of the applied configuration.

use serde_json::{Map, Value};

use crate::status::{ApiError, ApiResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Merge,
    Json,
    Strategic,
    Apply,
}

impl PatchType {
    pub fn from_content_type(ct: &str) -> ApiResult<Self> {
        match ct.split(';').next().unwrap_or_default().trim() {
            "application/merge-patch+json" => Ok(PatchType::Merge),
            "application/json-patch+json" => Ok(PatchType::Json),
            "application/strategic-merge-patch+json" => Ok(PatchType::Strategic),
            "application/apply-patch+yaml" | "application/apply-patch+cbor" => Ok(PatchType::Apply),
            other => Err(ApiError::unsupported_media_type(other)),
        }
    }
}

/// Apply `patch` (already parsed) of the given type to `target`.
pub fn apply(kind: PatchType, target: &mut Value, patch: &Value) -> ApiResult<()> {
    match kind {
        PatchType::Merge => {
            if !patch.is_object() {
                return Err(ApiError::bad_request(
                    "json: cannot unmarshal non-object into a merge patch",
                ));
            }
            json_patch::merge(target, patch);
            Ok(())
        }
        PatchType::Json => {
            let ops: json_patch::Patch = serde_json::from_value(patch.clone()).map_err(|e| {
                ApiError::bad_request(format!(
                    "the server rejected our request due to an error in our request: {e}"
                ))
            })?;
            json_patch::patch(target, &ops)
                .map_err(|e| ApiError::new(422, "Invalid", e.to_string()))
        }
        PatchType::Strategic | PatchType::Apply => {
            if !patch.is_object() {
                return Err(ApiError::bad_request(
                    "unable to find api field in struct for the patch",
                ));
            }
            strategic_merge(target, patch, None);
            Ok(())
        }
    }
}

/// The merge key of a list field, from the `patchMergeKey` tags of the core types.
fn merge_key(field: &str, items: &[Value]) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets"
        | "volumeClaimTemplates" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "ownerReferences" => "uid",
        "conditions" => "type",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        // Container ports merge on containerPort, Service ports on port.
        "ports" => {
            if items.iter().any(|i| i.get("containerPort").is_some()) {
                "containerPort"
            } else {
                "port"
            }
        }
        _ => return None,
    })
}

/// Lists of scalars that merge as sets rather than being replaced.
fn is_primitive_merge_list(field: &str) -> bool {
    field == "finalizers"
}

pub fn strategic_merge(target: &mut Value, patch: &Value, _field: Option<&str>) {
    let Some(patch_map) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    if patch_map.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut replaced = patch_map.clone();
        replaced.remove("$patch");
        *target = Value::Object(replaced);
        return;
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let target_map = target.as_object_mut().expect("object");
    for (key, value) in patch_map {
        if let Some(field) = key.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(list)), Some(remove)) =
                (target_map.get_mut(field), value.as_array())
            {
                list.retain(|v| !remove.contains(v));
            }
            continue;
        }
        if key.starts_with('$') {
            // $setElementOrder and $retainKeys only order or prune; ordering is not modelled.
            continue;
        }
        match value {
            Value::Null => {
                target_map.remove(key);
            }
            Value::Object(obj) if obj.get("$patch").and_then(Value::as_str) == Some("delete") => {
                target_map.remove(key);
            }
            Value::Object(_) => {
                let slot = target_map.entry(key.clone()).or_insert(Value::Null);
                strategic_merge(slot, value, Some(key));
            }
            Value::Array(items) => {
                let current = target_map.remove(key);
                let merged = merge_list(key, current, items);
                target_map.insert(key.clone(), merged);
            }
            _ => {
                target_map.insert(key.clone(), value.clone());
            }
        }
    }
}

fn merge_list(field: &str, current: Option<Value>, items: &[Value]) -> Value {
    if items
        .iter()
        .any(|i| i.get("$patch").and_then(Value::as_str) == Some("replace"))
    {
        return Value::Array(
            items
                .iter()
                .filter(|i| i.get("$patch").is_none())
                .cloned()
                .collect(),
        );
    }
    let mut list = match current {
        Some(Value::Array(l)) => l,
        _ => Vec::new(),
    };
    if is_primitive_merge_list(field) {
        for item in items {
            if !list.contains(item) {
                list.push(item.clone());
            }
        }
        return Value::Array(list);
    }
    let Some(key) = merge_key(field, items) else {
        return Value::Array(items.to_vec());
    };
    for item in items {
        let id = item.get(key);
        let pos = id.and_then(|id| list.iter().position(|e| e.get(key) == Some(id)));
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (pos, delete) {
            (Some(p), true) => {
                list.remove(p);
            }
            (None, true) => {}
            (Some(p), false) => strategic_merge(&mut list[p], item, Some(field)),
            (None, false) => {
                let mut fresh = Value::Null;
                strategic_merge(&mut fresh, item, Some(field));
                list.push(fresh);
            }
        }
    }
    Value::Array(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strategic_merge_uses_merge_keys() {
        let mut sts = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "controller", "image": "k0s:1", "ports": [{"containerPort": 6443, "name": "api"}]},
            {"name": "sidecar", "image": "x"}
        ]}}}});
        let patch = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "controller", "image": "k0s:2", "ports": [{"containerPort": 8132, "name": "konnectivity"}]},
            {"name": "sidecar", "$patch": "delete"}
        ]}}}});
        apply(PatchType::Strategic, &mut sts, &patch).unwrap();
        let containers = sts["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap();
        assert_eq!(containers.len(), 1);
        assert_eq!(containers[0]["image"], "k0s:2");
        assert_eq!(containers[0]["ports"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn merge_patch_replaces_lists_and_deletes_nulls() {
        let mut obj = json!({"a": [1, 2], "b": {"c": 1, "d": 2}});
        apply(
            PatchType::Merge,
            &mut obj,
            &json!({"a": [3], "b": {"c": null}}),
        )
        .unwrap();
        assert_eq!(obj, json!({"a": [3], "b": {"d": 2}}));
    }

    #[test]
    fn json_patch_ops() {
        let mut obj = json!({"metadata": {"labels": {"a": "1"}}});
        let ops = json!([{"op": "add", "path": "/metadata/labels/b", "value": "2"}, {"op": "remove", "path": "/metadata/labels/a"}]);
        apply(PatchType::Json, &mut obj, &ops).unwrap();
        assert_eq!(obj, json!({"metadata": {"labels": {"b": "2"}}}));
        let bad = json!([{"op": "remove", "path": "/nope"}]);
        assert_eq!(
            apply(PatchType::Json, &mut obj, &bad).unwrap_err().code,
            422
        );
    }

    #[test]
    fn finalizers_merge_as_a_set() {
        let mut obj = json!({"metadata": {"finalizers": ["a"]}});
        apply(
            PatchType::Strategic,
            &mut obj,
            &json!({"metadata": {"finalizers": ["a", "b"]}}),
        )
        .unwrap();
        assert_eq!(obj["metadata"]["finalizers"], json!(["a", "b"]));
        apply(
            PatchType::Strategic,
            &mut obj,
            &json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}),
        )
        .unwrap();
        assert_eq!(obj["metadata"]["finalizers"], json!(["b"]));
    }
}
