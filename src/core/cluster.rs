//! The `k0smotron.io/v1beta2` `Cluster` document: what `create -f` reads, what the record
//! keeps, and what `export` will hand to the operator. Only the fields the CLI implements are
//! accepted; anything else is an error naming it. `v1beta1` documents are converted the way
//! the operator converts them.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{PersistentVolumeClaimSpec, ResourceRequirements, Volume};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const API_VERSION: &str = "k0smotron.io/v1beta2";
const V1BETA1: &str = "k0smotron.io/v1beta1";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Metadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Cluster {
    pub api_version: String,
    pub kind: String,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub spec: Option<ClusterSpec>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistence: Option<PersistenceSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<StorageSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k0s_config: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manifests: Vec<Volume>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub control_plane_flags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceSpec {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_port: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub konnectivity_port: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PersistenceSpec {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_volume_claim: Option<ClaimTemplate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_path: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "autoDeletePVCs"
    )]
    pub auto_delete_pvcs: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClaimTemplate {
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<PersistentVolumeClaimSpec>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StorageSpec {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etcd: Option<EtcdSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kine: Option<KineSpec>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EtcdSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistence: Option<EtcdPersistence>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "autoDeletePVCs"
    )]
    pub auto_delete_pvcs: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EtcdPersistence {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KineSpec {
    #[serde(
        rename = "dataSourceURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub data_source_url: Option<String>,
    #[serde(
        rename = "dataSourceSecretName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub data_source_secret_name: Option<String>,
}

/// The v1beta1 spec, for conversion only.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct V1Beta1Spec {
    replicas: Option<i32>,
    image: Option<String>,
    version: Option<String>,
    external_address: Option<String>,
    service: Option<ServiceSpec>,
    persistence: Option<PersistenceSpec>,
    #[serde(rename = "kineDataSourceURL")]
    kine_data_source_url: Option<String>,
    kine_data_source_secret_name: Option<String>,
    etcd: Option<EtcdSpec>,
    k0s_config: Option<Value>,
    #[serde(default)]
    manifests: Vec<Volume>,
    #[serde(default)]
    controller_plane_flags: Vec<String>,
    resources: Option<ResourceRequirements>,
    service_account: Option<String>,
}

impl V1Beta1Spec {
    fn convert(self) -> ClusterSpec {
        let kine =
            self.kine_data_source_url.is_some() || self.kine_data_source_secret_name.is_some();
        let storage = if kine {
            StorageSpec {
                type_: Some("kine".into()),
                etcd: None,
                kine: Some(KineSpec {
                    data_source_url: self.kine_data_source_url,
                    data_source_secret_name: self.kine_data_source_secret_name,
                }),
            }
        } else {
            StorageSpec {
                type_: Some("etcd".into()),
                etcd: self.etcd,
                kine: None,
            }
        };
        ClusterSpec {
            replicas: self.replicas,
            image: self.image,
            version: self.version,
            external_address: self.external_address,
            service: self.service,
            persistence: self.persistence,
            storage: Some(storage),
            k0s_config: self.k0s_config,
            manifests: self.manifests,
            control_plane_flags: self.controller_plane_flags,
            resources: self.resources,
            service_account: self.service_account,
        }
    }
}

/// Read a Cluster document (YAML or JSON). `source` names it in errors.
pub fn parse(text: &str, source: &str) -> Result<Cluster, String> {
    let raw: Value =
        serde_saphyr::from_str(text).map_err(|e| format!("{source}: not a YAML document: {e}"))?;
    let api_version = raw
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let kind = raw.get("kind").and_then(Value::as_str).unwrap_or_default();
    if kind != "Cluster" {
        return Err(format!("{source}: kind must be Cluster (got {kind:?})"));
    }
    let fail = |e: serde_json::Error| format!("{source}: {}", e.to_string().replace("`", "\""));
    match api_version.as_str() {
        API_VERSION => serde_json::from_value::<Cluster>(raw).map_err(fail),
        V1BETA1 => {
            let mut raw = raw;
            let spec = raw.get_mut("spec").map(Value::take).unwrap_or(Value::Null);
            let old: V1Beta1Spec = if spec.is_null() {
                V1Beta1Spec::default()
            } else {
                serde_json::from_value(spec).map_err(fail)?
            };
            raw["apiVersion"] = Value::String(API_VERSION.into());
            let mut doc: Cluster = serde_json::from_value(raw).map_err(fail)?;
            doc.spec = Some(old.convert());
            Ok(doc)
        }
        other => Err(format!(
            "{source}: apiVersion must be {API_VERSION} or {V1BETA1} (got {other:?})"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1beta2_documents_parse_and_unknown_fields_are_named() {
        let doc = parse(
            "apiVersion: k0smotron.io/v1beta2\nkind: Cluster\nmetadata: {name: demo}\nspec:\n  replicas: 3\n  service: {type: NodePort, apiPort: 31443}\n  storage: {type: etcd, etcd: {persistence: {size: 2Gi}}}\n",
            "demo.yaml",
        )
        .unwrap();
        let spec = doc.spec.unwrap();
        assert_eq!(spec.replicas, Some(3));
        assert_eq!(spec.service.unwrap().api_port, Some(31443));
        let err = parse(
            "apiVersion: k0smotron.io/v1beta2\nkind: Cluster\nspec: {ingress: {apiHost: x}}\n",
            "c.yaml",
        )
        .unwrap_err();
        assert!(
            err.starts_with("c.yaml: unknown field \"ingress\""),
            "{err}"
        );
        let nested = parse(
            "apiVersion: k0smotron.io/v1beta2\nkind: Cluster\nspec: {service: {typ: NodePort}}\n",
            "c.yaml",
        )
        .unwrap_err();
        assert!(nested.contains("unknown field \"typ\""), "{nested}");
    }

    #[test]
    fn v1beta1_converts_like_the_operator() {
        let doc = parse(
            "apiVersion: k0smotron.io/v1beta1\nkind: Cluster\nmetadata: {name: old}\nspec:\n  kineDataSourceURL: postgres://db/k0s\n  controllerPlaneFlags: [--debug]\n",
            "old.yaml",
        )
        .unwrap();
        assert_eq!(doc.api_version, API_VERSION);
        let spec = doc.spec.unwrap();
        let storage = spec.storage.unwrap();
        assert_eq!(storage.type_.as_deref(), Some("kine"));
        assert_eq!(
            storage.kine.unwrap().data_source_url.as_deref(),
            Some("postgres://db/k0s")
        );
        assert_eq!(spec.control_plane_flags, vec!["--debug"]);
        let etcd = parse(
            "apiVersion: k0smotron.io/v1beta1\nkind: Cluster\nspec: {etcd: {image: e:1}}\n",
            "x",
        )
        .unwrap();
        assert_eq!(
            etcd.spec
                .unwrap()
                .storage
                .unwrap()
                .etcd
                .unwrap()
                .image
                .as_deref(),
            Some("e:1")
        );
    }

    #[test]
    fn wrong_kind_or_version() {
        assert!(
            parse("apiVersion: v1\nkind: ConfigMap\n", "x")
                .unwrap_err()
                .contains("kind must be Cluster")
        );
        assert!(
            parse("apiVersion: k0smotron.io/v2\nkind: Cluster\n", "x")
                .unwrap_err()
                .contains("apiVersion must be")
        );
    }
}
