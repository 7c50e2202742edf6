//! Object names and labels of one control plane, as the operator names them
//! (including the operator's md5 shortening of long names), plus the labels k0smotron finds them by.

use std::collections::BTreeMap;

use md5::{Digest, Md5};

/// Problems with `name` as an RFC 1123 label (namespaces, most of our object names).
pub fn check_label(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("must not be empty".into());
    }
    if name.len() > 63 {
        return Err(format!(
            "must be at most 63 characters (it has {})",
            name.len()
        ));
    }
    let ok = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err("must consist of lower-case letters, digits and '-', and start and end with a letter or digit".into())
    }
}

/// The names among `known` that `name` may be a typo of (at most two edits away), closest
/// first; `name` itself is not one.
pub fn close_matches<'a>(name: &str, known: &'a [String]) -> Vec<&'a str> {
    let mut scored: Vec<(usize, &str)> = known
        .iter()
        .filter(|k| k.as_str() != name)
        .map(|k| (edit_distance(name, k), k.as_str()))
        .filter(|(d, _)| *d <= 2)
        .collect();
    scored.sort();
    scored.into_iter().map(|(_, k)| k).collect()
}

/// Levenshtein distance (insertions, deletions, substitutions).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// The operator's `shortName`: longer than 63 characters becomes the first 57, `-`, and the
/// first five hex digits of the md5 of the whole name.
pub fn short_name(name: &str) -> String {
    if name.len() <= 63 {
        return name.to_string();
    }
    let digest = Md5::digest(name.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}", &name[..57], &hex[..5])
}

/// The longest StatefulSet name whose pods still get a valid `controller-revision-hash`
/// label (`<statefulset>-<hash of up to 10 characters>`, at most 63).
const MAX_STATEFULSET_NAME: usize = 63 - 11;

/// The longest control-plane name for which every derived name and label stays valid.
pub fn max_name_len(etcd: bool) -> usize {
    // `kmc-NAME` for the control plane; `kmc-NAME-etcd` when etcd runs beside it.
    let suffix = if etcd {
        "kmc--etcd".len()
    } else {
        "kmc-".len()
    };
    MAX_STATEFULSET_NAME - suffix
}

/// Every name of one control plane `NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    pub cluster: String,
}

impl Names {
    pub fn new(cluster: &str) -> Self {
        Names {
            cluster: cluster.to_string(),
        }
    }

    pub fn statefulset(&self) -> String {
        short_name(&format!("kmc-{}", self.cluster))
    }
    pub fn service(&self, service_type: &str) -> String {
        match service_type {
            "NodePort" => short_name(&format!("kmc-{}-nodeport", self.cluster)),
            "LoadBalancer" => short_name(&format!("kmc-{}-lb", self.cluster)),
            _ => short_name(&format!("kmc-{}", self.cluster)),
        }
    }
    pub fn k0s_config(&self) -> String {
        short_name(&format!("kmc-{}-config", self.cluster))
    }
    pub fn entrypoint(&self) -> String {
        short_name(&format!("kmc-entrypoint-{}-config", self.cluster))
    }
    /// The manifest k0s applies in the child cluster as `kube-system/control-plane-endpoint`.
    pub fn endpoint(&self) -> String {
        short_name(&format!("kmc-{}-endpoint", self.cluster))
    }
    pub fn etcd(&self) -> String {
        short_name(&format!("kmc-{}-etcd", self.cluster))
    }
    /// The record ConfigMap every other object is owned by.
    pub fn record(&self) -> String {
        short_name(&format!("kmc-{}", self.cluster))
    }
    /// Certificate Secrets are not shortened (`<name>-<purpose>`), nor is the kubeconfig Secret.
    pub fn secret(&self, purpose: &str) -> String {
        format!("{}-{purpose}", self.cluster)
    }
    pub fn kubeconfig(&self) -> String {
        format!("{}-kubeconfig", self.cluster)
    }
}

pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
pub const INSTANCE: &str = "app.kubernetes.io/instance";
pub const COMPONENT: &str = "app.kubernetes.io/component";
pub const CLUSTER: &str = "k0smotron.io/cluster";

/// Labels on every object of control plane `name` with this component .
pub fn labels(name: &str, component: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (MANAGED_BY.to_string(), "k0smotron".to_string()),
        (INSTANCE.to_string(), name.to_string()),
        (COMPONENT.to_string(), component.to_string()),
        (CLUSTER.to_string(), name.to_string()),
    ])
}

/// The selector that finds every object of one control plane.
pub fn selector(name: &str) -> String {
    format!("{MANAGED_BY}=k0smotron,{CLUSTER}={name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_name() {
        let known: Vec<String> = ["mycluster", "ci-42", "ci-43", "other"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(close_matches("mycluste", &known), vec!["mycluster"]);
        assert_eq!(close_matches("ci-4", &known), vec!["ci-42", "ci-43"]);
        assert!(close_matches("mycluster", &known).is_empty());
        assert!(close_matches("zzz", &known).is_empty());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn short_name_matches_the_operator_test_vector() {
        // k0smotroncluster_types_test.go
        assert_eq!(
            short_name("kmc-prometheus-dk-enc-nodes-basic-sep17-v5-lg5hz-njttw-config-nginx"),
            "kmc-prometheus-dk-enc-nodes-basic-sep17-v5-lg5hz-njttw-co-c79c4"
        );
        assert_eq!(short_name("kmc-demo"), "kmc-demo");
    }

    #[test]
    fn names_follow_the_operator() {
        let n = Names::new("demo");
        assert_eq!(n.entrypoint(), "kmc-entrypoint-demo-config");
        assert_eq!(n.service("NodePort"), "kmc-demo-nodeport");
        assert_eq!(n.service("LoadBalancer"), "kmc-demo-lb");
        assert_eq!(n.service("ClusterIP"), "kmc-demo");
        assert_eq!(
            n.secret("apiserver-etcd-client"),
            "demo-apiserver-etcd-client"
        );
        assert_eq!(n.kubeconfig(), "demo-kubeconfig");
    }

    #[test]
    fn name_limits_keep_revision_labels_valid() {
        assert_eq!(max_name_len(true), 43);
        assert_eq!(max_name_len(false), 48);
        let longest = "a".repeat(max_name_len(true));
        assert!(Names::new(&longest).etcd().len() + 11 <= 63);
    }

    #[test]
    fn label_rule() {
        assert!(check_label("ci-42").is_ok());
        assert!(check_label("CI").is_err());
        assert!(check_label("-a").is_err());
        assert!(check_label(&"a".repeat(64)).unwrap_err().contains("63"));
    }

    #[test]
    fn labels_and_selector() {
        let l = labels("ci-42", "etcd");
        assert_eq!(l[COMPONENT], "etcd");
        assert_eq!(
            selector("ci-42"),
            "app.kubernetes.io/managed-by=k0smotron,k0smotron.io/cluster=ci-42"
        );
    }
}
