//! The record: ConfigMap `kmc-NAME` with the resolved Cluster document, the endpoint and
//! the CLI version. Every other object is owned by it.

use k8s_openapi::api::core::v1::ConfigMap;

use super::{Exposure, meta};
use crate::core::naming::Names;
use crate::core::spec::{self, Resolved, ServiceType};

/// The record key `pause` writes: `CONTROLLERS/ETCD`, the replica counts `resume` returns to.
pub const PAUSED_KEY: &str = "pausedReplicas";

/// The record key of the URL worker tokens name (differs from `endpoint` for ClusterIP,
/// whose workers get the cluster IP).
pub const WORKER_ENDPOINT_KEY: &str = "workerEndpoint";

/// The record key of `create --ttl`, in seconds.
pub const TTL_KEY: &str = "ttlSeconds";

/// The record key `backup` writes: when (RFC 3339) the last archive was taken.
pub const LAST_BACKUP_KEY: &str = "lastBackup";

/// `exposure` is `None` while the mothership has not allocated anything yet.
pub fn record(r: &Resolved, exposure: Option<&Exposure>, cli_version: &str) -> ConfigMap {
    let mut data = std::collections::BTreeMap::new();
    let (api, konn, host) = match exposure {
        // A ClusterIP control plane's cluster IP is the mothership's choice, not part of the
        // spec: a `create -f` of the export gets a Service (and an address) of its own.
        Some(x) if r.service_type == ServiceType::ClusterIp => (
            x.api_port,
            x.konnectivity_port,
            r.external_address.clone().unwrap_or_default(),
        ),
        Some(x) => (x.api_port, x.konnectivity_port, x.host.clone()),
        None => (
            r.api_port.unwrap_or(spec::DEFAULT_API_PORT),
            r.konnectivity_port
                .unwrap_or(spec::DEFAULT_KONNECTIVITY_PORT),
            r.external_address.clone().unwrap_or_default(),
        ),
    };
    let doc = spec::to_cluster(r, api, konn, &host);
    data.insert(
        "cluster.yaml".to_string(),
        serde_saphyr::to_string(&doc).expect("cluster document serialises"),
    );
    if let Some(x) = exposure {
        data.insert("endpoint".to_string(), x.endpoint());
        data.insert(WORKER_ENDPOINT_KEY.to_string(), x.worker_endpoint(r));
    }
    data.insert(
        "keyAlgorithm".to_string(),
        r.key_algorithm.as_str().to_string(),
    );
    data.insert("cliVersion".to_string(), cli_version.to_string());
    if let Some(ttl) = r.ttl {
        // The expiry is the record's creationTimestamp (the mothership's clock) plus this.
        data.insert(TTL_KEY.to_string(), ttl.as_secs().to_string());
    }
    ConfigMap {
        metadata: meta(r, Names::new(&r.name).record(), "record", None),
        data: Some(data),
        ..Default::default()
    }
}
