//! Resolving `create`'s flags and `-f` document into one fully defaulted control-plane
//! spec. Flags override the file. Every rule that can be checked without the mothership is
//! checked here, and each message names the flag (and the document field) it is about.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ResourceRequirements, Volume};
use serde_json::Value;

use super::cluster::{ClaimTemplate, Cluster, ClusterSpec};
use super::{image, naming, pki::KeyAlgorithm};

mod controller;
mod document;
mod exposure;
mod metadata;
mod resources;
mod storage;
#[cfg(test)]
mod tests;

pub use document::to_cluster;
pub use resources::size_bytes;
pub use storage::MIN_ETCD_SIZE;

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
    pub etcd_cpu: Option<String>,
    pub etcd_memory: Option<String>,
    pub labels: Vec<String>,
    pub annotations: Vec<String>,
    pub key_algorithm: Option<KeyAlgorithm>,
    /// `--ttl`: how long the control plane is meant to live.
    pub ttl: Option<std::time::Duration>,
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
        /// The etcd container's requests and limits.
        resources: Option<ResourceRequirements>,
    },
    Kine(KineSource),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Persistence {
    EmptyDir,
    HostPath(String),
    /// A claim per replica from the user's template (its labels, annotations and spec
    /// kept), with access mode, size and class filled in where the user left them out.
    Pvc {
        claim: Box<ClaimTemplate>,
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

    /// The volume that mounts it (named after the object).
    pub fn volume(&self) -> Volume {
        let v = match self {
            Manifest::ConfigMap(n) => serde_json::json!({"name": n, "configMap": {"name": n}}),
            Manifest::Secret(n) => serde_json::json!({"name": n, "secret": {"secretName": n}}),
        };
        serde_json::from_value(v).expect("manifest volume")
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
    /// Recorded; `delete --expired` removes it once its record is older than this.
    pub ttl: Option<std::time::Duration>,
    /// `restore`: etcd starts as one member from a snapshot streamed into it (and grows to
    /// its count afterwards), not as a new cluster.
    pub restore_etcd: bool,
    /// `restore` of kine on SQLite: until this time (Unix seconds), the controller's first
    /// start waits for the database `restore` streams in (see `plan::restore`).
    pub restore_kine_until: Option<i64>,
}

pub const DEFAULT_API_PORT: u16 = 30443;
pub const DEFAULT_KONNECTIVITY_PORT: u16 = 30132;
pub const DEFAULT_ETCD_IMAGE: &str = "quay.io/k0sproject/etcd:v3.7.1";
pub const DEFAULT_SIZE: &str = "1Gi";
/// Requests when none are given, from what one control plane used on a real node
/// (docs/benchmarks.md, real k0s v1.36.3+k0s.2): the controller idle used 53–61 m CPU and
/// 342–346 MiB; an etcd member 12 m and 31 MiB idle, 53 m and 36 MiB under a small write
/// load. No limits: a CPU limit throttles a control plane that is busy only for a moment.
pub const CONTROLLER_REQUESTS: resources::Requests = resources::Requests {
    cpu: "100m",
    memory: "384Mi",
};
pub const ETCD_REQUESTS: resources::Requests = resources::Requests {
    cpu: "50m",
    memory: "64Mi",
};
pub const SQLITE: &str = "sqlite:///var/lib/k0s/db/state.db?mode=rwc&_journal=WAL";
/// k0s's data directory in the controller pod: the data volume.
pub const K0S_DATA_DIR: &str = "/var/lib/k0s";

/// The SQLite database file of kine on SQLite, as k0s finds it from the data source (a
/// relative path is under the data directory); `None` for any other storage.
pub fn sqlite_file(storage: &Storage) -> Option<String> {
    let url = match storage {
        Storage::Kine(KineSource::Sqlite) => SQLITE,
        Storage::Kine(KineSource::Url(u)) if u.starts_with("sqlite:") => u.as_str(),
        _ => return None,
    };
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    Some(match path.starts_with('/') {
        true => path.to_string(),
        false => format!("{K0S_DATA_DIR}/{path}"),
    })
}

/// Resolve `create`'s input: each concern (exposure, storage, persistence, the controller,
/// resources, metadata) in a function of its own, each message naming its flag.
pub fn resolve(o: CreateOptions) -> Result<Resolved, String> {
    let spec: ClusterSpec = o
        .file
        .as_ref()
        .and_then(|f| f.spec.clone())
        .unwrap_or_default();
    let name = o
        .name
        .clone()
        .or(o.file.as_ref().and_then(|f| f.metadata.name.clone()))
        .ok_or("NAME is required (as an argument or metadata.name in -f)")?;
    naming::check_label(&name).map_err(|rule| format!("NAME {name:?}: {rule}"))?;
    let (version, image) = release(&o, &spec)?;
    let replicas = replicas(&o, &spec)?;
    let exposure = exposure::resolve(&o, &spec)?;
    let storage = storage::resolve(&o, &spec)?;
    storage::check_replicas(&storage, replicas)?;
    exposure::check_reserved(exposure.api_port, exposure.konnectivity_port, &storage)?;
    storage::check_name_length(&name, &storage)?;
    let persistence = storage::persistence(&o, &spec)?;
    let controller = controller::resolve(&o, &spec)?;
    let resources = resources::resolve(
        [
            ("--cpu", o.cpu.as_deref()),
            ("--memory", o.memory.as_deref()),
        ],
        spec.resources.clone(),
        &CONTROLLER_REQUESTS,
    )?;
    let (labels, annotations) = metadata::resolve(&o)?;
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
        image,
        version,
        service_type: exposure.service_type,
        api_port: exposure.api_port,
        konnectivity_port: exposure.konnectivity_port,
        external_address: exposure.external_address,
        sans: exposure.sans,
        storage,
        persistence,
        k0s_config: controller.k0s_config,
        controller_flags: controller.flags,
        manifests: controller.manifests,
        manifest_volumes: spec.manifests.clone(),
        resources,
        service_account: spec.service_account.clone(),
        key_algorithm: o.key_algorithm.unwrap_or(KeyAlgorithm::Rsa2048),
        restore_etcd: false,
        restore_kine_until: None,
        ttl: match o.ttl {
            Some(t) if t.as_secs() < 60 => {
                return Err(format!(
                    "--ttl {}: must be at least 1m",
                    super::duration::format(t)
                ));
            }
            other => other,
        },
    })
}

/// The k0s version (canonical form) and the image repository.
fn release(o: &CreateOptions, spec: &ClusterSpec) -> Result<(String, String), String> {
    let version = o
        .version
        .clone()
        .or(spec.version.clone())
        .unwrap_or_else(|| image::DEFAULT_VERSION.to_string());
    image::check_version(&version).map_err(|e| format!("--version / spec.version: {e}"))?;
    let repo = o
        .image
        .clone()
        .or(spec.image.clone())
        .unwrap_or_else(|| image::DEFAULT_IMAGE.to_string());
    if repo.is_empty()
        || repo.contains(char::is_whitespace)
        || repo
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains(':'))
    {
        return Err(format!(
            "--image / spec.image {repo:?}: give the repository without a tag (the tag comes from --version)"
        ));
    }
    Ok((image::canonical_version(&version), repo))
}

fn replicas(o: &CreateOptions, spec: &ClusterSpec) -> Result<i32, String> {
    let replicas = o.replicas.or(spec.replicas.map(i64::from)).unwrap_or(1);
    if replicas < 1 {
        return Err(format!(
            "--replicas / spec.replicas: {replicas} must be at least 1"
        ));
    }
    i32::try_from(replicas)
        .map_err(|_| format!("--replicas / spec.replicas: {replicas} is too large"))
}
