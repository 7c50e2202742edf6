//! The resolved spec written back as a `k0smotron.io/v1beta2` Cluster document.

use super::{KineSource, Persistence, Resolved, SQLITE, Storage};
use crate::core::cluster::{self, Cluster};
use crate::core::naming;

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
            resources,
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
                resources: resources.clone(),
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
        Persistence::Pvc { claim, auto_delete } => PersistenceSpec {
            type_: Some("pvc".into()),
            persistent_volume_claim: Some(ClaimTemplate {
                metadata: Metadata {
                    name: Some(naming::Names::new(&r.name).statefulset()),
                    ..claim.metadata.clone()
                },
                spec: claim.spec.clone(),
            }),
            host_path: None,
            auto_delete_pvcs: Some(*auto_delete),
        },
    };
    let mut manifests = r.manifest_volumes.clone();
    manifests.extend(r.manifests.iter().map(super::Manifest::volume));
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
