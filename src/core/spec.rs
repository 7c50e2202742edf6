//! Resolving `create`'s flags and `-f` document into one fully defaulted control-plane
//! spec. Flags override the file. Every rule that can be checked without the mothership is
//! checked here, and each message names the flag (and the document field) it is about.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ResourceRequirements, Volume};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use serde_json::Value;

use super::cluster::{self, Cluster, ClusterSpec};
use super::{image, k0s_config, naming, pki::KeyAlgorithm};

/// `create`'s input as the CLI collected it; `None` means "not given".
#[derive(Debug, Clone, Default)]
pub struct CreateOptions {
    pub name: Option<String>,
    pub file: Option<Cluster>,
    pub namespace: String,
    pub version: Option<String>,
    pub image: Option<String>,
    pub replicas: Option<i64>,
    pub service_type: Option<String>,
    pub api_port: Option<i64>,
    pub konnectivity_port: Option<i64>,
    pub external_address: Option<String>,
    pub sans: Vec<String>,
    pub storage: Option<String>,
    pub datasource: Option<String>,
    pub datasource_secret: Option<String>,
    pub etcd_size: Option<String>,
    pub persistence: Option<String>,
    pub persistence_size: Option<String>,
    pub storage_class: Option<String>,
    pub host_path: Option<String>,
    pub k0s_config: Option<Value>,
    pub controller_flags: Vec<String>,
    pub manifests: Vec<String>,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub labels: Vec<String>,
    pub annotations: Vec<String>,
    pub key_algorithm: Option<KeyAlgorithm>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceType {
    ClusterIp,
    NodePort,
    LoadBalancer,
}

impl ServiceType {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::ClusterIp => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum KineSource {
    /// SQLite in the data volume (one replica only).
    Sqlite,
    Url(String),
    /// A Secret holding `K0SMOTRON_KINE_DATASOURCE_URL`.
    Secret(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Storage {
    Etcd {
        image: String,
        size: String,
        storage_class: Option<String>,
        args: Vec<String>,
        auto_delete: bool,
    },
    Kine(KineSource),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Persistence {
    EmptyDir,
    HostPath(String),
    Pvc {
        size: String,
        storage_class: Option<String>,
        auto_delete: bool,
    },
}

/// A ConfigMap or Secret mounted at `/var/lib/k0s/manifests/NAME`.
#[derive(Debug, Clone, PartialEq)]
pub enum Manifest {
    ConfigMap(String),
    Secret(String),
}

impl Manifest {
    pub fn name(&self) -> &str {
        match self {
            Manifest::ConfigMap(n) | Manifest::Secret(n) => n,
        }
    }
}

/// Everything `create` will build, every default filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub name: String,
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub replicas: i32,
    pub image: String,
    pub version: String,
    pub service_type: ServiceType,
    /// Pinned ports; `None` lets the mothership allocate (NodePort) or takes the default.
    pub api_port: Option<u16>,
    pub konnectivity_port: Option<u16>,
    pub external_address: Option<String>,
    pub sans: Vec<String>,
    pub storage: Storage,
    pub persistence: Persistence,
    pub k0s_config: Option<Value>,
    pub controller_flags: Vec<String>,
    pub manifests: Vec<Manifest>,
    /// Volumes from the document's `spec.manifests`, mounted as they are.
    pub manifest_volumes: Vec<Volume>,
    pub resources: Option<ResourceRequirements>,
    pub service_account: Option<String>,
    pub key_algorithm: KeyAlgorithm,
}

pub const DEFAULT_API_PORT: u16 = 30443;
pub const DEFAULT_KONNECTIVITY_PORT: u16 = 30132;
pub const DEFAULT_ETCD_IMAGE: &str = "quay.io/k0sproject/etcd:v3.7.1";
pub const DEFAULT_SIZE: &str = "1Gi";
pub const SQLITE: &str = "sqlite:///var/lib/k0s/db/state.db?mode=rwc&_journal=WAL";
const RESERVED_LABELS: [&str; 4] = [
    naming::MANAGED_BY,
    naming::INSTANCE,
    naming::COMPONENT,
    naming::CLUSTER,
];

fn port(value: i64, what: &str, node_port: bool) -> Result<u16, String> {
    if node_port && !(30000..=32767).contains(&value) {
        return Err(format!(
            "{what}: {value} is not a node port; with --service-type NodePort it must be in 30000-32767"
        ));
    }
    u16::try_from(value)
        .ok()
        .filter(|p| *p >= 1)
        .ok_or_else(|| format!("{what}: {value} is not a port; it must be in 1-65535"))
}

fn key_values(items: &[String], flag: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for item in items {
        let (k, v) = item
            .split_once('=')
            .ok_or_else(|| format!("{flag} {item:?}: expected KEY=VALUE"))?;
        let name = k.rsplit_once('/').map(|(_, n)| n).unwrap_or(k);
        let key_ok = !name.is_empty()
            && name.len() <= 63
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            && name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !key_ok {
            return Err(format!(
                "{flag} {item:?}: {k:?} is not a valid key (letters, digits, '-', '_', '.', optionally prefixed by a DNS name and '/')"
            ));
        }
        if RESERVED_LABELS.contains(&k) {
            return Err(format!(
                "{flag} {item:?}: {k} is set by k0smotron and cannot be overridden"
            ));
        }
        out.insert(k.to_string(), v.to_string());
    }
    Ok(out)
}

/// `--cpu REQUEST[:LIMIT]`, `--memory REQUEST[:LIMIT]` into resource requirements.
fn resources(
    cpu: Option<&str>,
    memory: Option<&str>,
    base: Option<ResourceRequirements>,
) -> Result<Option<ResourceRequirements>, String> {
    if cpu.is_none() && memory.is_none() {
        return Ok(base);
    }
    let mut r = base.unwrap_or_default();
    for (flag, value, key) in [("--cpu", cpu, "cpu"), ("--memory", memory, "memory")] {
        let Some(value) = value else { continue };
        let (req, lim) = match value.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (value, None),
        };
        for q in std::iter::once(req).chain(lim) {
            let ok = !q.is_empty()
                && q.starts_with(|c: char| c.is_ascii_digit())
                && q.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
                    .chars()
                    .all(|c| c.is_ascii_alphabetic())
                && q.len() <= 20;
            if !ok {
                return Err(format!(
                    "{flag} {value:?}: expected a quantity such as 500m, 2, 512Mi or 1Gi, optionally REQUEST:LIMIT"
                ));
            }
        }
        r.requests
            .get_or_insert_with(Default::default)
            .insert(key.into(), Quantity(req.into()));
        if let Some(l) = lim {
            r.limits
                .get_or_insert_with(Default::default)
                .insert(key.into(), Quantity(l.into()));
        }
    }
    Ok(Some(r))
}

fn check_quantity(value: &str, what: &str) -> Result<(), String> {
    let digits = value.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &value[digits.len()..];
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && ["", "Ki", "Mi", "Gi", "Ti", "k", "M", "G", "T"].contains(&unit)
    {
        Ok(())
    } else {
        Err(format!(
            "{what}: {value:?} is not a size such as 1Gi or 500Mi"
        ))
    }
}

pub fn resolve(o: CreateOptions) -> Result<Resolved, String> {
    let doc_name = o.file.as_ref().and_then(|f| f.metadata.name.clone());
    let name = o
        .name
        .clone()
        .or(doc_name)
        .ok_or("NAME is required (as an argument or metadata.name in -f)")?;
    naming::check_label(&name).map_err(|rule| format!("NAME {name:?}: {rule}"))?;
    let spec: ClusterSpec = o
        .file
        .as_ref()
        .and_then(|f| f.spec.clone())
        .unwrap_or_default();
    let (file_labels, file_annotations) = o
        .file
        .as_ref()
        .map(|f| (f.metadata.labels.clone(), f.metadata.annotations.clone()))
        .unwrap_or_default();

    let version = o
        .version
        .clone()
        .or(spec.version.clone())
        .unwrap_or_else(|| image::DEFAULT_VERSION.to_string());
    image::check_version(&version).map_err(|e| format!("--version / spec.version: {e}"))?;
    let image_repo = o
        .image
        .clone()
        .or(spec.image.clone())
        .unwrap_or_else(|| image::DEFAULT_IMAGE.to_string());
    if image_repo.is_empty()
        || image_repo.contains(char::is_whitespace)
        || image_repo
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains(':'))
    {
        return Err(format!(
            "--image / spec.image {image_repo:?}: give the repository without a tag (the tag comes from --version)"
        ));
    }

    let replicas = o.replicas.or(spec.replicas.map(i64::from)).unwrap_or(1);
    if replicas < 1 {
        return Err(format!(
            "--replicas / spec.replicas: {replicas} must be at least 1"
        ));
    }
    let replicas = i32::try_from(replicas)
        .map_err(|_| format!("--replicas / spec.replicas: {replicas} is too large"))?;

    let svc = spec.service.clone().unwrap_or_default();
    let service_type = match o
        .service_type
        .clone()
        .or(svc.type_.clone())
        .as_deref()
        .unwrap_or("NodePort")
    {
        "NodePort" => ServiceType::NodePort,
        "LoadBalancer" => ServiceType::LoadBalancer,
        "ClusterIP" => ServiceType::ClusterIp,
        other => {
            return Err(format!(
                "--service-type / spec.service.type {other:?}: must be NodePort, LoadBalancer or ClusterIP"
            ));
        }
    };
    let node_port = service_type == ServiceType::NodePort;
    let api_port = o
        .api_port
        .or(svc.api_port)
        .map(|p| port(p, "--api-port / spec.service.apiPort", node_port))
        .transpose()?;
    let konnectivity_port = o
        .konnectivity_port
        .or(svc.konnectivity_port)
        .map(|p| {
            port(
                p,
                "--konnectivity-port / spec.service.konnectivityPort",
                node_port,
            )
        })
        .transpose()?;
    if api_port.is_some() && api_port == konnectivity_port {
        return Err("--api-port and --konnectivity-port must differ".into());
    }

    let external_address = o
        .external_address
        .clone()
        .or(spec.external_address.clone())
        .filter(|a| !a.is_empty());
    if let Some(addr) = &external_address {
        let host = addr.trim_start_matches('[').trim_end_matches(']');
        let ok = host.parse::<std::net::IpAddr>().is_ok()
            || (host.len() <= 253
                && host
                    .split('.')
                    .all(|l| naming::check_label(&l.to_ascii_lowercase()).is_ok()));
        if !ok || host == "0.0.0.0" || host == "::" {
            return Err(format!(
                "--external-address / spec.externalAddress {addr:?}: must be an IP address or a DNS name"
            ));
        }
    }
    for san in &o.sans {
        let ok = san.parse::<std::net::IpAddr>().is_ok()
            || san
                .trim_start_matches("*.")
                .split('.')
                .all(|l| naming::check_label(&l.to_ascii_lowercase()).is_ok());
        if !ok {
            return Err(format!(
                "--san {san:?}: must be an IP address or a DNS name"
            ));
        }
    }

    // Storage: flags, then the document, then etcd.
    let doc_storage = spec.storage.clone().unwrap_or_default();
    let kine_flags = o.datasource.is_some() || o.datasource_secret.is_some();
    let storage_type = o
        .storage
        .clone()
        .or(doc_storage.type_.clone())
        .unwrap_or_else(|| {
            if kine_flags {
                "kine".into()
            } else {
                "etcd".into()
            }
        });
    if o.datasource.is_some() && o.datasource_secret.is_some() {
        return Err("--datasource and --datasource-secret are mutually exclusive".into());
    }
    let storage = match storage_type.as_str() {
        "etcd" => {
            if kine_flags {
                return Err("--datasource and --datasource-secret need --storage kine".into());
            }
            let etcd = doc_storage.etcd.clone().unwrap_or_default();
            let persistence = etcd.persistence.clone().unwrap_or_default();
            let size = o
                .etcd_size
                .clone()
                .or(persistence.size)
                .unwrap_or_else(|| DEFAULT_SIZE.to_string());
            check_quantity(&size, "--etcd-size / spec.storage.etcd.persistence.size")?;
            Storage::Etcd {
                image: etcd.image.unwrap_or_else(|| DEFAULT_ETCD_IMAGE.to_string()),
                size,
                storage_class: o.storage_class.clone().or(persistence.storage_class),
                args: etcd.args,
                auto_delete: etcd.auto_delete_pvcs.unwrap_or(false),
            }
        }
        "kine" => {
            if o.etcd_size.is_some() {
                return Err("--etcd-size needs --storage etcd".into());
            }
            let kine = doc_storage.kine.clone().unwrap_or_default();
            let source = if let Some(url) = &o.datasource {
                KineSource::Url(url.clone())
            } else if let Some(secret) = &o.datasource_secret {
                KineSource::Secret(secret.clone())
            } else if let Some(url) = kine.data_source_url {
                KineSource::Url(url)
            } else if let Some(secret) = kine.data_source_secret_name {
                KineSource::Secret(secret)
            } else {
                KineSource::Sqlite
            };
            match &source {
                KineSource::Url(url) if !url.contains("://") => {
                    return Err(format!(
                        "--datasource {url:?}: must be a kine data source URL such as postgres://user:pass@host/db or mysql://..."
                    ));
                }
                KineSource::Secret(s) => {
                    naming::check_label(s).map_err(|r| format!("--datasource-secret {s:?}: {r}"))?
                }
                _ => {}
            }
            Storage::Kine(source)
        }
        other => {
            return Err(format!(
                "--storage / spec.storage.type {other:?}: must be etcd or kine"
            ));
        }
    };
    let single_writer = matches!(storage, Storage::Kine(KineSource::Sqlite))
        || matches!(&storage, Storage::Kine(KineSource::Url(u)) if u.starts_with("sqlite:"));
    if replicas > 1 && single_writer {
        return Err(format!(
            "--replicas {replicas}: more than one replica needs --storage etcd or an external database (--datasource / --datasource-secret); SQLite holds one writer"
        ));
    }
    let max = naming::max_name_len(matches!(storage, Storage::Etcd { .. }));
    if name.len() > max {
        return Err(format!(
            "NAME {name:?}: must be at most {max} characters with {} storage, so that every derived name and the StatefulSet revision labels stay within 63",
            if max == naming::max_name_len(true) {
                "etcd"
            } else {
                "kine"
            }
        ));
    }

    // Persistence of the controller's data volume.
    let doc_persistence = spec.persistence.clone().unwrap_or_default();
    let persistence_type = o
        .persistence
        .clone()
        .or(doc_persistence.type_.clone())
        .unwrap_or_else(|| "emptyDir".into());
    if o.host_path.is_some() && persistence_type != "hostPath" {
        return Err("--host-path needs --persistence hostPath".into());
    }
    if o.persistence_size.is_some() && persistence_type != "pvc" {
        return Err("--persistence-size needs --persistence pvc".into());
    }
    let persistence = match persistence_type.as_str() {
        "emptyDir" => Persistence::EmptyDir,
        "hostPath" => {
            let path = o
                .host_path
                .clone()
                .or(doc_persistence.host_path.clone())
                .ok_or("--persistence hostPath needs --host-path PATH")?;
            if !path.starts_with('/') {
                return Err(format!("--host-path {path:?}: must be an absolute path"));
            }
            Persistence::HostPath(path)
        }
        "pvc" => {
            let claim = doc_persistence
                .persistent_volume_claim
                .clone()
                .unwrap_or_default();
            let claim_spec = claim.spec.unwrap_or_default();
            let doc_size = claim_spec
                .resources
                .as_ref()
                .and_then(|r| r.requests.as_ref())
                .and_then(|r| r.get("storage"))
                .map(|q| q.0.clone());
            let size = o
                .persistence_size
                .clone()
                .or(doc_size)
                .unwrap_or_else(|| DEFAULT_SIZE.to_string());
            check_quantity(&size, "--persistence-size")?;
            Persistence::Pvc {
                size,
                storage_class: o.storage_class.clone().or(claim_spec.storage_class_name),
                auto_delete: doc_persistence.auto_delete_pvcs.unwrap_or(false),
            }
        }
        other => {
            return Err(format!(
                "--persistence / spec.persistence.type {other:?}: must be emptyDir, hostPath or pvc"
            ));
        }
    };

    let k0s_config = o.k0s_config.clone().or(spec.k0s_config.clone());
    if let Some(cfg) = &k0s_config {
        k0s_config::check_user_config(cfg)
            .map_err(|e| format!("--k0s-config / spec.k0sConfig: {e}"))?;
    }
    let mut controller_flags = spec.control_plane_flags.clone();
    controller_flags.extend(o.controller_flags.iter().cloned());
    for f in &controller_flags {
        if !f.starts_with("--") {
            return Err(format!(
                "--controller-flag {f:?}: must be a k0s controller flag such as --debug or --labels=a=b"
            ));
        }
    }
    let mut manifests = Vec::new();
    for m in &o.manifests {
        let manifest = match m.split_once('/') {
            Some(("configmap" | "cm", n)) => Manifest::ConfigMap(n.to_string()),
            Some(("secret", n)) => Manifest::Secret(n.to_string()),
            Some(_) => {
                return Err(format!(
                    "--manifests {m:?}: expected NAME, configmap/NAME or secret/NAME"
                ));
            }
            None => Manifest::ConfigMap(m.clone()),
        };
        naming::check_label(manifest.name()).map_err(|r| format!("--manifests {m:?}: {r}"))?;
        if manifests
            .iter()
            .any(|x: &Manifest| x.name() == manifest.name())
        {
            return Err(format!("--manifests {m:?}: given twice"));
        }
        manifests.push(manifest);
    }
    let resources = resources(
        o.cpu.as_deref(),
        o.memory.as_deref(),
        spec.resources.clone(),
    )?;
    let mut labels = file_labels;
    for k in labels.keys() {
        if RESERVED_LABELS.contains(&k.as_str()) {
            return Err(format!(
                "metadata.labels: {k} is set by k0smotron and cannot be overridden"
            ));
        }
    }
    labels.extend(key_values(&o.labels, "--label")?);
    let mut annotations = file_annotations;
    annotations.extend(key_values(&o.annotations, "--annotation")?);
    let namespace = if o.namespace.is_empty() {
        "default".to_string()
    } else {
        o.namespace.clone()
    };

    Ok(Resolved {
        name,
        namespace,
        labels,
        annotations,
        replicas,
        image: image_repo,
        version: image::canonical_version(&version),
        service_type,
        api_port,
        konnectivity_port,
        external_address,
        sans: o.sans.clone(),
        storage,
        persistence,
        k0s_config,
        controller_flags,
        manifests,
        manifest_volumes: spec.manifests.clone(),
        resources,
        service_account: spec.service_account.clone(),
        key_algorithm: o.key_algorithm.unwrap_or(KeyAlgorithm::Rsa2048),
    })
}

/// The resolved spec as a `k0smotron.io/v1beta2` Cluster (the record, `export`).
pub fn to_cluster(
    r: &Resolved,
    api_port: u16,
    konnectivity_port: u16,
    external_address: &str,
) -> Cluster {
    use cluster::*;
    let storage = match &r.storage {
        Storage::Etcd {
            image,
            size,
            storage_class,
            args,
            auto_delete,
        } => StorageSpec {
            type_: Some("etcd".into()),
            etcd: Some(EtcdSpec {
                image: Some(image.clone()),
                args: args.clone(),
                persistence: Some(EtcdPersistence {
                    storage_class: storage_class.clone(),
                    size: Some(size.clone()),
                }),
                auto_delete_pvcs: Some(*auto_delete),
                resources: None,
            }),
            kine: None,
        },
        Storage::Kine(source) => StorageSpec {
            type_: Some("kine".into()),
            etcd: None,
            kine: Some(match source {
                KineSource::Sqlite => KineSpec {
                    data_source_url: Some(SQLITE.into()),
                    data_source_secret_name: None,
                },
                KineSource::Url(u) => KineSpec {
                    data_source_url: Some(u.clone()),
                    data_source_secret_name: None,
                },
                KineSource::Secret(s) => KineSpec {
                    data_source_url: None,
                    data_source_secret_name: Some(s.clone()),
                },
            }),
        },
    };
    let persistence = match &r.persistence {
        Persistence::EmptyDir => PersistenceSpec {
            type_: Some("emptyDir".into()),
            ..Default::default()
        },
        Persistence::HostPath(p) => PersistenceSpec {
            type_: Some("hostPath".into()),
            host_path: Some(p.clone()),
            ..Default::default()
        },
        Persistence::Pvc {
            size,
            storage_class,
            auto_delete,
        } => {
            let claim: k8s_openapi::api::core::v1::PersistentVolumeClaimSpec =
                serde_json::from_value(serde_json::json!({
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": size}},
                    "storageClassName": storage_class,
                }))
                .expect("claim spec");
            PersistenceSpec {
                type_: Some("pvc".into()),
                persistent_volume_claim: Some(ClaimTemplate {
                    metadata: Metadata {
                        name: Some(naming::Names::new(&r.name).statefulset()),
                        ..Default::default()
                    },
                    spec: Some(claim),
                }),
                host_path: None,
                auto_delete_pvcs: Some(*auto_delete),
            }
        }
    };
    let mut manifests = r.manifest_volumes.clone();
    manifests.extend(r.manifests.iter().map(super::plan::manifest_volume));
    Cluster {
        api_version: cluster::API_VERSION.into(),
        kind: "Cluster".into(),
        metadata: Metadata {
            name: Some(r.name.clone()),
            namespace: Some(r.namespace.clone()),
            labels: r.labels.clone(),
            annotations: r.annotations.clone(),
        },
        spec: Some(ClusterSpec {
            replicas: Some(r.replicas),
            image: Some(r.image.clone()),
            version: Some(r.version.clone()),
            external_address: Some(external_address.to_string()),
            service: Some(ServiceSpec {
                type_: Some(r.service_type.as_str().into()),
                api_port: Some(api_port.into()),
                konnectivity_port: Some(konnectivity_port.into()),
            }),
            persistence: Some(persistence),
            storage: Some(storage),
            k0s_config: r.k0s_config.clone(),
            manifests,
            control_plane_flags: r.controller_flags.clone(),
            resources: r.resources.clone(),
            service_account: r.service_account.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(name: &str) -> CreateOptions {
        CreateOptions {
            name: Some(name.into()),
            namespace: "ns".into(),
            ..Default::default()
        }
    }

    #[test]
    fn defaults() {
        let r = resolve(opts("demo")).unwrap();
        assert_eq!(r.version, "v1.36.3+k0s.2");
        assert_eq!(r.image, "quay.io/k0sproject/k0s");
        assert_eq!(r.service_type, ServiceType::NodePort);
        assert_eq!(r.replicas, 1);
        assert!(matches!(r.storage, Storage::Etcd { ref size, .. } if size == "1Gi"));
        assert_eq!(r.persistence, Persistence::EmptyDir);
        assert_eq!(r.key_algorithm, KeyAlgorithm::Rsa2048);
    }

    #[test]
    fn flags_override_the_file() {
        let file = cluster::parse(
            "apiVersion: k0smotron.io/v1beta2\nkind: Cluster\nmetadata: {name: from-file, labels: {team: a}}\nspec: {replicas: 3, version: v1.35.7+k0s.0, service: {type: LoadBalancer}}\n",
            "f",
        )
        .unwrap();
        let r = resolve(CreateOptions {
            file: Some(file),
            replicas: Some(5),
            namespace: "ns".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            (r.name.as_str(), r.replicas, r.version.as_str()),
            ("from-file", 5, "v1.35.7+k0s.0")
        );
        assert_eq!(r.service_type, ServiceType::LoadBalancer);
        assert_eq!(r.labels["team"], "a");
    }

    #[test]
    fn each_rule_names_its_flag() {
        let cases: Vec<(CreateOptions, &str)> = vec![
            (opts("Demo"), "NAME \"Demo\""),
            (
                opts(&"a".repeat(44)),
                "at most 43 characters with etcd storage",
            ),
            (
                CreateOptions {
                    version: Some("latest".into()),
                    ..opts("d")
                },
                "--version / spec.version",
            ),
            (
                CreateOptions {
                    replicas: Some(0),
                    ..opts("d")
                },
                "--replicas / spec.replicas: 0 must be at least 1",
            ),
            (
                CreateOptions {
                    api_port: Some(80),
                    ..opts("d")
                },
                "--api-port / spec.service.apiPort: 80 is not a node port",
            ),
            (
                CreateOptions {
                    api_port: Some(70000),
                    service_type: Some("LoadBalancer".into()),
                    ..opts("d")
                },
                "it must be in 1-65535",
            ),
            (
                CreateOptions {
                    api_port: Some(31000),
                    konnectivity_port: Some(31000),
                    ..opts("d")
                },
                "must differ",
            ),
            (
                CreateOptions {
                    storage: Some("kine".into()),
                    replicas: Some(3),
                    ..opts("d")
                },
                "more than one replica needs --storage etcd",
            ),
            (
                CreateOptions {
                    datasource: Some("x".into()),
                    datasource_secret: Some("y".into()),
                    ..opts("d")
                },
                "mutually exclusive",
            ),
            (
                CreateOptions {
                    storage: Some("etcd".into()),
                    datasource: Some("postgres://x".into()),
                    ..opts("d")
                },
                "need --storage kine",
            ),
            (
                CreateOptions {
                    host_path: Some("/x".into()),
                    ..opts("d")
                },
                "--host-path needs --persistence hostPath",
            ),
            (
                CreateOptions {
                    persistence: Some("hostPath".into()),
                    ..opts("d")
                },
                "needs --host-path PATH",
            ),
            (
                CreateOptions {
                    service_type: Some("Ingress".into()),
                    ..opts("d")
                },
                "must be NodePort, LoadBalancer or ClusterIP",
            ),
            (
                CreateOptions {
                    labels: vec!["k0smotron.io/cluster=x".into()],
                    ..opts("d")
                },
                "cannot be overridden",
            ),
            (
                CreateOptions {
                    labels: vec!["novalue".into()],
                    ..opts("d")
                },
                "expected KEY=VALUE",
            ),
            (
                CreateOptions {
                    cpu: Some("lots".into()),
                    ..opts("d")
                },
                "--cpu \"lots\"",
            ),
            (
                CreateOptions {
                    k0s_config: Some(serde_json::json!({"apiVersion": "v1"})),
                    ..opts("d")
                },
                "--k0s-config / spec.k0sConfig",
            ),
            (
                CreateOptions {
                    image: Some("repo/k0s:v1".into()),
                    ..opts("d")
                },
                "without a tag",
            ),
            (
                CreateOptions {
                    external_address: Some("not an address".into()),
                    ..opts("d")
                },
                "--external-address",
            ),
        ];
        for (o, needle) in cases {
            let err = resolve(o).unwrap_err();
            assert!(err.contains(needle), "{err:?} should contain {needle:?}");
        }
    }

    #[test]
    fn kine_with_an_external_database_may_have_replicas() {
        let r = resolve(CreateOptions {
            datasource: Some("postgres://db/k0s".into()),
            replicas: Some(3),
            ..opts("d")
        })
        .unwrap();
        assert_eq!(
            r.storage,
            Storage::Kine(KineSource::Url("postgres://db/k0s".into()))
        );
        assert_eq!(naming::max_name_len(false), 48);
        assert!(
            resolve(CreateOptions {
                storage: Some("kine".into()),
                ..opts(&"a".repeat(48))
            })
            .is_ok()
        );
    }

    #[test]
    fn resources_from_flags() {
        let r = resolve(CreateOptions {
            cpu: Some("500m:2".into()),
            memory: Some("1Gi".into()),
            ..opts("d")
        })
        .unwrap();
        let res = r.resources.unwrap();
        assert_eq!(res.requests.unwrap()["cpu"].0, "500m");
        assert_eq!(res.limits.unwrap()["cpu"].0, "2");
    }
}
