//! Where the control plane keeps its state: etcd beside it or kine (SQLite or an external
//! database), and the controller's data volume.

use k8s_openapi::api::core::v1::PersistentVolumeClaimSpec;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::resources::{self, check_quantity, size_bytes};
use super::{
    CreateOptions, DEFAULT_ETCD_IMAGE, DEFAULT_SIZE, ETCD_REQUESTS, KineSource, Persistence,
    Storage,
};
use crate::core::cluster::{ClaimTemplate, ClusterSpec};
use crate::core::naming;

/// The smallest etcd volume: below it the quota that leaves room for the WAL and a second
/// copy of the database (`plan::etcd::quota_bytes`) is too small for a control plane.
pub const MIN_ETCD_SIZE: &str = "768Mi";

/// Flags, then the document, then etcd.
pub fn resolve(o: &CreateOptions, spec: &ClusterSpec) -> Result<Storage, String> {
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
    match storage_type.as_str() {
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
            if size_bytes(&size) < size_bytes(MIN_ETCD_SIZE) {
                return Err(format!(
                    "--etcd-size / spec.storage.etcd.persistence.size {size:?}: must be at least {MIN_ETCD_SIZE} (etcd's WAL and a second copy of its database share the volume)"
                ));
            }
            check_etcd_args(&etcd.args)?;
            let resources = resources::resolve(
                [
                    ("--etcd-cpu", o.etcd_cpu.as_deref()),
                    ("--etcd-memory", o.etcd_memory.as_deref()),
                ],
                etcd.resources.clone(),
                &ETCD_REQUESTS,
            )?;
            Ok(Storage::Etcd {
                image: etcd.image.unwrap_or_else(|| DEFAULT_ETCD_IMAGE.to_string()),
                size,
                storage_class: o.storage_class.clone().or(persistence.storage_class),
                args: etcd.args,
                auto_delete: etcd.auto_delete_pvcs.unwrap_or(false),
                resources,
            })
        }
        "kine" => {
            for (flag, given) in [
                ("--etcd-size", o.etcd_size.is_some()),
                ("--etcd-cpu", o.etcd_cpu.is_some()),
                ("--etcd-memory", o.etcd_memory.is_some()),
            ] {
                if given {
                    return Err(format!("{flag} needs --storage etcd"));
                }
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
            Ok(Storage::Kine(source))
        }
        other => Err(format!(
            "--storage / spec.storage.type {other:?}: must be etcd or kine"
        )),
    }
}

/// Settings the etcd container already passes through its environment: etcd refuses to
/// start when a variable and the same flag are both given.
const ETCD_ENV_FLAGS: [&str; 2] = ["--initial-cluster", "--initial-cluster-state"];

fn check_etcd_args(args: &[String]) -> Result<(), String> {
    for arg in args {
        let flag = arg.split('=').next().unwrap_or_default();
        if ETCD_ENV_FLAGS.contains(&flag) {
            return Err(format!(
                "spec.storage.etcd.args {arg:?}: k0smotron sets {flag} itself (from the member count)"
            ));
        }
    }
    Ok(())
}

/// SQLite holds one writer: more replicas need etcd or an external database.
pub fn check_replicas(storage: &Storage, replicas: i32) -> Result<(), String> {
    let single_writer = matches!(storage, Storage::Kine(KineSource::Sqlite))
        || matches!(storage, Storage::Kine(KineSource::Url(u)) if u.starts_with("sqlite:"));
    if replicas > 1 && single_writer {
        return Err(format!(
            "--replicas {replicas}: more than one replica needs --storage etcd or an external database (--datasource / --datasource-secret); SQLite holds one writer"
        ));
    }
    Ok(())
}

/// Every derived name must stay a valid label; etcd adds the longest suffix.
pub fn check_name_length(name: &str, storage: &Storage) -> Result<(), String> {
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

    Ok(())
}

/// The controller's data volume: emptyDir, hostPath or a claim per replica.
pub fn persistence(o: &CreateOptions, spec: &ClusterSpec) -> Result<Persistence, String> {
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
    match persistence_type.as_str() {
        "emptyDir" => Ok(Persistence::EmptyDir),
        "hostPath" => {
            let path = o
                .host_path
                .clone()
                .or(doc_persistence.host_path.clone())
                .ok_or("--persistence hostPath needs --host-path PATH")?;
            if !path.starts_with('/') {
                return Err(format!("--host-path {path:?}: must be an absolute path"));
            }
            Ok(Persistence::HostPath(path))
        }
        "pvc" => Ok(Persistence::Pvc {
            claim: Box::new(claim_template(
                o,
                doc_persistence
                    .persistent_volume_claim
                    .clone()
                    .unwrap_or_default(),
            )?),
            auto_delete: doc_persistence.auto_delete_pvcs.unwrap_or(false),
        }),
        other => Err(format!(
            "--persistence / spec.persistence.type {other:?}: must be emptyDir, hostPath or pvc"
        )),
    }
}

/// The user's claim template with what is missing filled in: access mode ReadWriteOnce,
/// the size (`--persistence-size` wins) and the class (`--storage-class` wins). Everything
/// else (other access modes, volumeMode, selector, volumeName, labels, annotations) is kept.
/// The name is always the data volume's, so it is not taken from the document.
fn claim_template(o: &CreateOptions, mut claim: ClaimTemplate) -> Result<ClaimTemplate, String> {
    let mut spec: PersistentVolumeClaimSpec = claim.spec.take().unwrap_or_default();
    if spec.access_modes.as_ref().is_none_or(Vec::is_empty) {
        spec.access_modes = Some(vec!["ReadWriteOnce".into()]);
    }
    let requests = spec
        .resources
        .get_or_insert_with(Default::default)
        .requests
        .get_or_insert_with(Default::default);
    let size = o
        .persistence_size
        .clone()
        .or(requests.get("storage").map(|q| q.0.clone()))
        .unwrap_or_else(|| DEFAULT_SIZE.to_string());
    check_quantity(
        &size,
        "--persistence-size / spec.persistence.persistentVolumeClaim.spec.resources.requests.storage",
    )?;
    requests.insert("storage".into(), Quantity(size));
    if let Some(class) = &o.storage_class {
        spec.storage_class_name = Some(class.clone());
    }
    claim.metadata.name = None;
    claim.metadata.namespace = None;
    claim.spec = Some(spec);
    Ok(claim)
}
