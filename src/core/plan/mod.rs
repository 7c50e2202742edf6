//! The exact list of objects one control plane is made of: a pure function of the resolved
//! spec, what the mothership allocated (the exposure), and the generated PKI. The same
//! function feeds `create --dry-run` and `create`.

mod controller;
mod endpoint;
pub mod etcd;
#[cfg(test)]
mod golden;
pub mod record;
mod secrets;
mod service;
pub mod sqlite;

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Secret, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use serde::Serialize;

use super::naming::{self, Names};
use super::pki::{CertPair, Pki};
use super::spec::{Resolved, ServiceType, Storage};

pub use service::{service, service_ports_patch};

/// One object to write.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Object {
    ConfigMap(ConfigMap),
    Secret(Secret),
    Service(Box<Service>),
    StatefulSet(Box<StatefulSet>),
}

/// What a Secret value reads as in `create --dry-run` without `--show-secrets`: a rendered
/// control plane pasted into a CI log must not leak a CA key.
pub const REDACTED: &str = "<hidden: k0smotron create --dry-run --show-secrets prints it>";

/// The objects with every Secret value replaced by [`REDACTED`] (as `stringData`, so the
/// result is still a valid Secret); keys stay, so the shape can be reviewed.
pub fn redacted(objects: &[Object]) -> Vec<Object> {
    objects
        .iter()
        .map(|o| match o {
            Object::Secret(s) => {
                let keys = s
                    .data
                    .iter()
                    .flat_map(|d| d.keys())
                    .chain(s.string_data.iter().flat_map(|d| d.keys()));
                let hidden: BTreeMap<String, String> =
                    keys.map(|k| (k.clone(), REDACTED.to_string())).collect();
                Object::Secret(Secret {
                    data: None,
                    string_data: Some(hidden),
                    ..s.clone()
                })
            }
            other => other.clone(),
        })
        .collect()
}

impl Object {
    pub fn kind(&self) -> &'static str {
        match self {
            Object::ConfigMap(_) => "ConfigMap",
            Object::Secret(_) => "Secret",
            Object::Service(_) => "Service",
            Object::StatefulSet(_) => "StatefulSet",
        }
    }

    pub fn metadata(&self) -> &ObjectMeta {
        match self {
            Object::ConfigMap(o) => &o.metadata,
            Object::Secret(o) => &o.metadata,
            Object::Service(o) => &o.metadata,
            Object::StatefulSet(o) => &o.metadata,
        }
    }

    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or_default()
    }

    /// `Kind/name`, for messages.
    pub fn describe(&self) -> String {
        format!("{}/{}", self.kind(), self.name())
    }
}

/// What the mothership decided (or, for `--dry-run`, the documented stand-ins).
#[derive(Debug, Clone, PartialEq)]
pub struct Exposure {
    pub api_port: u16,
    pub konnectivity_port: u16,
    /// The host workers and kubeconfigs use: external address, node or load-balancer
    /// address, or the Service's DNS name for ClusterIP.
    pub host: String,
    pub cluster_ips: Vec<String>,
}

impl Exposure {
    pub fn endpoint(&self) -> String {
        super::kubeconfig::server_url(&self.host, self.api_port)
    }

    /// The address workers are given: k0s's `spec.api.externalAddress`, the endpoint
    /// manifest, the server of worker tokens. The endpoint's host, except for ClusterIP
    /// without `--external-address`: there it is the Service's cluster IP. That one is
    /// stable, spreads over every controller, and needs no DNS: pods of the child cluster
    /// (konnectivity agents) resolve names with the child's DNS, which knows no mothership
    /// Service. Without any, k0s would hand out the address of whichever controller pod
    /// wrote the manifests, which changes on restart and reaches one konnectivity-server of
    /// N. A dry run knows no cluster IP and shows the Service's name instead.
    pub fn external_address<'a>(&'a self, r: &Resolved) -> &'a str {
        match (
            r.service_type,
            &r.external_address,
            self.cluster_ips.first(),
        ) {
            (ServiceType::ClusterIp, None, Some(ip)) => ip,
            _ => &self.host,
        }
    }

    /// `https://HOST:PORT` of [`Self::external_address`]: what worker tokens name.
    pub fn worker_endpoint(&self, r: &Resolved) -> String {
        super::kubeconfig::server_url(self.external_address(r), self.api_port)
    }

    /// Stand-ins for a dry run: pinned or default ports, the external address or a
    /// placeholder under the reserved `.invalid` domain, no cluster IPs.
    pub fn dry_run(r: &Resolved) -> Self {
        let host = match (&r.external_address, r.service_type) {
            (Some(a), _) => a.clone(),
            (None, ServiceType::NodePort) => "node-address.invalid".to_string(),
            (None, ServiceType::LoadBalancer) => "load-balancer.invalid".to_string(),
            (None, ServiceType::ClusterIp) => cluster_ip_host(r),
        };
        Exposure {
            api_port: r.api_port.unwrap_or(super::spec::DEFAULT_API_PORT),
            konnectivity_port: r
                .konnectivity_port
                .unwrap_or(super::spec::DEFAULT_KONNECTIVITY_PORT),
            host,
            cluster_ips: Vec::new(),
        }
    }
}

/// A ClusterIP control plane is reached by its Service's DNS name, from inside the mothership only.
pub fn cluster_ip_host(r: &Resolved) -> String {
    format!(
        "{}.{}.svc",
        Names::new(&r.name).service(r.service_type.as_str()),
        r.namespace
    )
}

/// Labels and annotations of an object of component `component`.
fn meta(r: &Resolved, name: String, component: &str, owner: Option<&OwnerReference>) -> ObjectMeta {
    let mut labels: BTreeMap<String, String> = r.labels.clone();
    labels.extend(naming::labels(&r.name, component));
    ObjectMeta {
        name: Some(name),
        namespace: Some(r.namespace.clone()),
        labels: Some(labels),
        annotations: (!r.annotations.is_empty()).then(|| r.annotations.clone()),
        owner_references: owner.map(|o| vec![o.clone()]),
        ..Default::default()
    }
}

/// The labels selectors use: only ones that never change.
fn selector_labels(r: &Resolved, component: &str) -> BTreeMap<String, String> {
    let mut l = naming::labels(&r.name, component);
    l.remove(naming::CLUSTER);
    l
}

/// The owner reference every object carries to the record ConfigMap.
pub fn owner_reference(record_name: &str, record_uid: &str) -> OwnerReference {
    OwnerReference {
        api_version: "v1".into(),
        kind: "ConfigMap".into(),
        name: record_name.into(),
        uid: record_uid.into(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// `(kind, name)` of every object a control plane is made of.
pub fn object_names(r: &Resolved) -> Vec<(&'static str, String)> {
    let n = Names::new(&r.name);
    let mut t = vec![
        ("ConfigMap", n.record()),
        ("Service", n.service(r.service_type.as_str())),
        ("ConfigMap", n.k0s_config()),
        ("ConfigMap", n.entrypoint()),
        ("StatefulSet", n.statefulset()),
        ("Secret", n.kubeconfig()),
        ("ConfigMap", n.endpoint()),
    ];
    for purpose in ["ca", "proxy", "etcd", "sa"] {
        t.push(("Secret", n.secret(purpose)));
    }
    if matches!(r.storage, Storage::Etcd { .. }) {
        for purpose in super::pki::ETCD_LEAVES {
            t.push(("Secret", n.secret(purpose)));
        }
        t.push(("Service", n.etcd()));
        t.push(("StatefulSet", n.etcd()));
    }
    t
}

/// Everything `create` writes after the record and the Service, in write order
/// (Secrets and ConfigMaps, the etcd Service; then the StatefulSets).
pub struct Rest {
    pub objects: Vec<Object>,
    pub statefulsets: Vec<Object>,
}

pub fn rest(
    r: &Resolved,
    x: &Exposure,
    pki: &Pki,
    admin: &CertPair,
    owner: Option<&OwnerReference>,
) -> Rest {
    let mut objects: Vec<Object> = secrets::certificates(r, pki, owner)
        .into_iter()
        .map(Object::Secret)
        .collect();
    objects.push(Object::Secret(secrets::kubeconfig(
        r, x, &pki.ca, admin, owner,
    )));
    objects.push(Object::ConfigMap(controller::k0s_config(r, x, owner)));
    objects.push(Object::ConfigMap(controller::entrypoint(r, owner)));
    objects.push(Object::ConfigMap(endpoint::config_map(r, x, owner)));
    let mut statefulsets = Vec::new();
    if matches!(r.storage, Storage::Etcd { .. }) {
        objects.push(Object::Service(Box::new(etcd::service(r, owner))));
        statefulsets.push(Object::StatefulSet(Box::new(etcd::statefulset(r, owner))));
    }
    statefulsets.push(Object::StatefulSet(Box::new(controller::statefulset(
        r, x, owner,
    ))));
    Rest {
        objects,
        statefulsets,
    }
}

pub use record::record;

/// The whole control plane in write order, for `--dry-run`: no owner references (they need
/// the record's uid, which the mothership assigns).
pub fn dry_run(r: &Resolved, pki: &Pki, admin: &CertPair, cli_version: &str) -> Vec<Object> {
    let x = Exposure::dry_run(r);
    let mut all = vec![
        Object::ConfigMap(record(r, Some(&x), cli_version)),
        Object::Service(Box::new(service(r, None, Some(&x)))),
    ];
    let rest = rest(r, &x, pki, admin, None);
    all.extend(rest.objects);
    all.extend(rest.statefulsets);
    all
}

/// Run by `restore` in a restore init container: exactly `bytes` bytes from standard
/// input into a part file beside `file`, renamed to `file` (which the container waits
/// for) once it has that size and SHA-256; otherwise it fails saying what arrived.
pub fn receive_script(bytes: u64, sha256: &str, file: &str) -> String {
    format!(
        "set -e; head -c {bytes} > {file}.part; \
got=\"$(wc -c < {file}.part)\"; \
if [ \"$got\" -ne {bytes} ]; then echo \"$got of {bytes} bytes arrived\" >&2; exit 1; fi; \
if [ \"$(sha256sum < {file}.part | cut -d' ' -f1)\" != {sha256} ]; then echo \"the bytes that arrived differ (SHA-256)\" >&2; exit 1; fi; \
mv {file}.part {file}"
    )
}

#[cfg(test)]
mod redaction {
    use k8s_openapi::ByteString;

    use super::*;

    #[test]
    fn secret_values_are_hidden_and_everything_else_is_kept() {
        let secret = Secret {
            metadata: ObjectMeta {
                name: Some("kmc-x-ca".into()),
                ..Default::default()
            },
            data: Some(BTreeMap::from([(
                "ca.key".to_string(),
                ByteString(b"-----BEGIN PRIVATE KEY-----".to_vec()),
            )])),
            string_data: Some(BTreeMap::from([("token".to_string(), "abc".to_string())])),
            ..Default::default()
        };
        let config = ConfigMap {
            data: Some(BTreeMap::from([("k".to_string(), "v".to_string())])),
            ..Default::default()
        };
        let out = redacted(&[Object::Secret(secret), Object::ConfigMap(config.clone())]);
        let Object::Secret(s) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(s.data, None);
        assert_eq!(s.metadata.name.as_deref(), Some("kmc-x-ca"));
        let values = s.string_data.clone().unwrap();
        assert_eq!(
            values.keys().collect::<Vec<_>>(),
            vec!["ca.key", "token"],
            "keys stay"
        );
        assert!(values.values().all(|v| v == REDACTED));
        assert_eq!(out[1], Object::ConfigMap(config));
    }
}
