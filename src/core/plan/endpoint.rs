//! ConfigMap `kmc-NAME-endpoint`: a manifest that k0s applies in the child cluster as
//! `kube-system/control-plane-endpoint`, so that workloads there (Cilium without kube-proxy,
//! for one) find the API server without being told. Unlike the operator, also for ClusterIP:
//! the host is always the address every worker is given (`Exposure::external_address`).

use k8s_openapi::api::core::v1::{ConfigMap, Volume};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use serde_json::json;

use super::{Exposure, meta};
use crate::core::naming::Names;
use crate::core::spec::Resolved;

pub const KEY: &str = "endpoint.yaml";

/// The manifest.
pub fn config_map(r: &Resolved, x: &Exposure, owner: Option<&OwnerReference>) -> ConfigMap {
    let host = x.external_address(r);
    let manifest = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "control-plane-endpoint", "namespace": "kube-system"},
        "data": {"apiServerHost": host, "apiServerPort": x.api_port.to_string()},
    });
    let yaml = serde_saphyr::to_string(&manifest).expect("endpoint manifest serialises");
    ConfigMap {
        metadata: meta(r, Names::new(&r.name).endpoint(), "control-plane", owner),
        data: Some([(KEY.to_string(), yaml)].into()),
        ..Default::default()
    }
}

/// The volume that mounts it under `/var/lib/k0s/manifests/`.
pub fn volume(r: &Resolved) -> Volume {
    let name = Names::new(&r.name).endpoint();
    serde_json::from_value(json!({"name": name, "configMap": {"name": name}}))
        .expect("endpoint volume")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::spec::{CreateOptions, ServiceType, resolve};

    fn resolved(service_type: &str, external: Option<&str>) -> Resolved {
        resolve(CreateOptions {
            name: Some("demo".into()),
            namespace: "ns".into(),
            service_type: Some(service_type.into()),
            external_address: external.map(String::from),
            ..Default::default()
        })
        .unwrap()
    }

    fn exposure(host: &str) -> Exposure {
        Exposure {
            api_port: 31443,
            konnectivity_port: 31132,
            host: host.into(),
            cluster_ips: vec!["10.0.0.9".into()],
        }
    }

    #[test]
    fn carries_the_external_address_and_the_api_port() {
        let r = resolved("NodePort", None);
        let cm = config_map(&r, &exposure("192.0.2.7"), None);
        assert_eq!(cm.metadata.name.as_deref(), Some("kmc-demo-endpoint"));
        let labels = cm.metadata.labels.unwrap();
        assert_eq!(labels["app.kubernetes.io/component"], "control-plane");
        assert_eq!(labels["app.kubernetes.io/instance"], "demo");
        let manifest: serde_json::Value =
            serde_saphyr::from_str(&cm.data.unwrap()[KEY]).expect("the manifest is YAML");
        assert_eq!(
            manifest,
            json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "control-plane-endpoint", "namespace": "kube-system"},
                "data": {"apiServerHost": "192.0.2.7", "apiServerPort": "31443"},
            })
        );
        assert_eq!(volume(&r).config_map.unwrap().name, "kmc-demo-endpoint");
    }

    #[test]
    fn cluster_ip_without_an_external_address_names_the_cluster_ip() {
        let r = resolved("ClusterIP", None);
        assert_eq!(r.service_type, ServiceType::ClusterIp);
        let cm = config_map(&r, &exposure("kmc-demo.ns.svc"), None);
        let manifest: serde_json::Value = serde_saphyr::from_str(&cm.data.unwrap()[KEY]).unwrap();
        assert_eq!(manifest["data"]["apiServerHost"], "10.0.0.9");
        let r = resolved("ClusterIP", Some("cp.example.com"));
        let cm = config_map(&r, &exposure("cp.example.com"), None);
        assert!(cm.data.unwrap()[KEY].contains("cp.example.com"));
    }
}
