//! The k0s `ClusterConfig` a control plane runs with: generated values merged over what the
//! user supplied, the way the operator merges them (mergo with override: maps merge
//! recursively, generated scalars and lists replace the user's), with one exception:
//! `spec.api.sans` is the union of both, since certificates without the user's names break
//! TLS for everyone who uses them.

use serde_json::{Map, Value, json};

pub const API_VERSION: &str = "k0s.k0sproject.io/v1beta1";

/// Deep-merge `generated` over `user`: objects merge key by key, anything else from
/// `generated` wins. Keys only the user set are kept.
pub fn merge(user: &mut Value, generated: &Value) {
    match (user, generated) {
        (Value::Object(u), Value::Object(g)) => {
            for (k, gv) in g {
                match u.get_mut(k) {
                    Some(uv) if uv.is_object() && gv.is_object() => merge(uv, gv),
                    _ => {
                        u.insert(k.clone(), gv.clone());
                    }
                }
            }
        }
        (u, g) => *u = g.clone(),
    }
}

/// The user's config must be a `k0s.k0sproject.io/v1beta1` ClusterConfig.
pub fn check_user_config(doc: &Value) -> Result<(), String> {
    if !doc.is_object() {
        return Err("must be a YAML mapping (a k0s ClusterConfig)".into());
    }
    match doc.get("apiVersion").and_then(Value::as_str) {
        Some(API_VERSION) => {}
        Some(other) => {
            return Err(format!(
                "apiVersion {other:?} is not supported; use {API_VERSION}"
            ));
        }
        None => return Err(format!("apiVersion is missing; use {API_VERSION}")),
    }
    match doc.get("kind").and_then(Value::as_str) {
        Some("ClusterConfig") | None => Ok(()),
        Some(other) => Err(format!("kind {other:?} is not a ClusterConfig")),
    }
}

/// The sorted SAN list: the external address, the Service's DNS names and its cluster IPs
/// (and the user's own SANs), deduplicated.
pub fn sans(
    external_address: &str,
    service: &str,
    namespace: &str,
    cluster_ips: &[String],
    user: &[String],
) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    if !external_address.is_empty() {
        all.push(external_address.to_string());
    }
    all.push(service.to_string());
    all.push(format!("{service}.{namespace}"));
    all.push(format!("{service}.{namespace}.svc"));
    all.push(format!("{service}.{namespace}.svc.cluster.local"));
    all.extend(cluster_ips.iter().cloned());
    all.extend(user.iter().cloned());
    all.sort();
    all.dedup();
    all
}

/// What the generated part of the config is made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated<'a> {
    pub api_port: u16,
    pub konnectivity_port: u16,
    /// `spec.api.externalAddress`; `None` leaves it out (and the user's value, if any, stays).
    pub external_address: Option<&'a str>,
    pub sans: &'a [String],
    /// `spec.storage`, already built for etcd or kine.
    pub storage: Value,
}

/// The final document: the generated spec over the user's config (or alone).
pub fn render(user: Option<&Value>, g: &Generated) -> Value {
    let mut sans: Vec<Value> = g.sans.iter().map(|s| json!(s)).collect();
    let user_sans = user
        .and_then(|u| u.pointer("/spec/api/sans"))
        .and_then(Value::as_array);
    for san in user_sans.into_iter().flatten() {
        if !sans.contains(san) {
            sans.push(san.clone());
        }
    }
    let mut api = Map::new();
    api.insert("port".into(), json!(g.api_port));
    api.insert("sans".into(), Value::Array(sans));
    let nllb = user
        .and_then(|u| u.pointer("/spec/network/nodeLocalLoadBalancing/enabled"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if let (false, Some(address)) = (nllb, g.external_address) {
        api.insert("externalAddress".into(), json!(address));
    }
    let generated = json!({
        "apiVersion": API_VERSION,
        "kind": "ClusterConfig",
        "spec": {
            "api": api,
            "konnectivity": {"agentPort": g.konnectivity_port},
            "storage": g.storage,
        }
    });
    match user {
        Some(u) => {
            let mut merged = u.clone();
            merge(&mut merged, &generated);
            merged
        }
        None => generated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(sans: &[String]) -> Generated<'_> {
        Generated {
            api_port: 30443,
            konnectivity_port: 30132,
            external_address: Some("203.0.113.11"),
            sans,
            storage: json!({"type": "kine", "kine": {"dataSource": "sqlite:///var/lib/k0s/db/state.db?mode=rwc&_journal=WAL"}}),
        }
    }

    #[test]
    fn generated_values_win_and_user_keys_stay() {
        let user = json!({"apiVersion": API_VERSION, "kind": "ClusterConfig", "metadata": {"name": "k0s"},
            "spec": {"api": {"port": 6443, "extraArgs": {"v": "2"}}, "network": {"provider": "calico"}}});
        let sans = vec!["a".to_string()];
        let out = render(Some(&user), &generated(&sans));
        assert_eq!(out["spec"]["api"]["port"], 30443, "generated scalar wins");
        assert_eq!(
            out["spec"]["api"]["extraArgs"]["v"], "2",
            "user keys are kept"
        );
        assert_eq!(
            out["spec"]["network"]["provider"], "calico",
            "the operator's unit test keeps it"
        );
        assert_eq!(out["metadata"]["name"], "k0s");
        assert_eq!(out["spec"]["api"]["sans"], json!(["a"]));
    }

    #[test]
    fn the_users_sans_are_added_to_the_generated_ones() {
        let user = json!({"apiVersion": API_VERSION,
            "spec": {"api": {"sans": ["cp.example.com", "a", "192.0.2.9"]}}});
        let sans = vec!["a".to_string(), "b".to_string()];
        let out = render(Some(&user), &generated(&sans));
        assert_eq!(
            out["spec"]["api"]["sans"],
            json!(["a", "b", "cp.example.com", "192.0.2.9"]),
            "generated first, then the user's in their order, each once"
        );
    }

    #[test]
    fn node_local_load_balancing_keeps_the_external_address_out() {
        let user = json!({"apiVersion": API_VERSION, "spec": {"network": {"nodeLocalLoadBalancing": {"enabled": true}}}});
        let out = render(Some(&user), &generated(&[]));
        assert!(out["spec"]["api"].get("externalAddress").is_none());
    }

    #[test]
    fn sans_are_sorted_and_unique() {
        let s = sans(
            "203.0.113.11",
            "kmc-demo-nodeport",
            "ns",
            &["10.96.0.12".into()],
            &["203.0.113.11".into(), "cp.example.com".into()],
        );
        assert_eq!(
            s,
            vec![
                "10.96.0.12",
                "203.0.113.11",
                "cp.example.com",
                "kmc-demo-nodeport",
                "kmc-demo-nodeport.ns",
                "kmc-demo-nodeport.ns.svc",
                "kmc-demo-nodeport.ns.svc.cluster.local"
            ]
        );
    }

    #[test]
    fn user_config_must_be_v1beta1() {
        assert!(
            check_user_config(&json!({"apiVersion": API_VERSION, "kind": "ClusterConfig"})).is_ok()
        );
        assert!(
            check_user_config(&json!({"apiVersion": "k0s.k0sproject.io/v1beta2"}))
                .unwrap_err()
                .contains("not supported")
        );
        assert!(check_user_config(&json!("x")).is_err());
    }
}
