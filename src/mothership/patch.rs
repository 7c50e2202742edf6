//! Changing an object k0smotron read a moment ago, and only that one: the patch carries
//! the uid and resourceVersion that were read, so the mothership refuses it (409) when the
//! object was replaced or changed in between.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, Patch, PatchParams};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Connection, MothershipError};

/// The field manager of every write.
pub const FIELD_MANAGER: &str = "k0smotron";

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// JSON merge patch: maps merge, lists are replaced.
    Merge,
    /// Strategic merge patch: container lists merge by name.
    Strategic,
}

/// Patch `read` (as it was read) with `body`.
pub async fn guarded<K>(
    conn: &Connection,
    api: &Api<K>,
    read: &ObjectMeta,
    mut body: Value,
    kind: Kind,
) -> Result<(), MothershipError>
where
    K: Clone + DeserializeOwned + std::fmt::Debug,
{
    body["metadata"]["uid"] = serde_json::json!(read.uid);
    body["metadata"]["resourceVersion"] = serde_json::json!(read.resource_version);
    let name = read.name.clone().unwrap_or_default();
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    let result = match kind {
        Kind::Merge => api.patch(&name, &params, &Patch::Merge(&body)).await,
        Kind::Strategic => api.patch(&name, &params, &Patch::Strategic(&body)).await,
    };
    result.map(|_| ()).map_err(|e| conn.translate(e))
}
