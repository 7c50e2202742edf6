//! The Service that exposes the control plane (operator 2.7): ports `api` and
//! `konnectivity`, each port, target port and (for NodePort) node port the same number.

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use serde_json::{Value, json};

use super::{Exposure, meta, selector_labels};
use crate::core::naming::Names;
use crate::core::spec::{self, Resolved, ServiceType};

fn ports(api: u16, konn: u16, node_ports: bool) -> Value {
    let port = |name: &str, p: u16| {
        let mut v = json!({"name": name, "port": p, "targetPort": p, "protocol": "TCP"});
        if node_ports {
            v["nodePort"] = json!(p);
        }
        v
    };
    json!([port("api", api), port("konnectivity", konn)])
}

/// The Service as first written. With NodePort and no pinned ports, node ports are left to
/// the mothership (the ports are the documented defaults until `service_ports_patch`).
pub fn service(
    r: &Resolved,
    owner: Option<&OwnerReference>,
    exposure: Option<&Exposure>,
) -> Service {
    let names = Names::new(&r.name);
    let (api, konn) = match exposure {
        Some(x) => (x.api_port, x.konnectivity_port),
        None => (
            r.api_port.unwrap_or(spec::DEFAULT_API_PORT),
            r.konnectivity_port
                .unwrap_or(spec::DEFAULT_KONNECTIVITY_PORT),
        ),
    };
    let pinned_or_known =
        exposure.is_some() || (r.api_port.is_some() && r.konnectivity_port.is_some());
    let mut ports = ports(
        api,
        konn,
        r.service_type == ServiceType::NodePort && pinned_or_known,
    );
    if r.service_type == ServiceType::NodePort && !pinned_or_known {
        // Pin what was given; leave the rest to the allocator.
        if let Some(p) = r.api_port {
            ports[0]["nodePort"] = json!(p);
        }
        if let Some(p) = r.konnectivity_port {
            ports[1]["nodePort"] = json!(p);
        }
    }
    let spec = json!({
        "type": r.service_type.as_str(),
        "selector": selector_labels(r, "control-plane"),
        "ports": ports,
    });
    Service {
        metadata: meta(
            r,
            names.service(r.service_type.as_str()),
            "control-plane",
            owner,
        ),
        spec: Some(serde_json::from_value(spec).expect("service spec")),
        ..Default::default()
    }
}

/// The merge patch that makes port and target port follow the allocated node ports and
/// adds the owner reference.
pub fn service_ports_patch(r: &Resolved, x: &Exposure, owner: &OwnerReference) -> Value {
    let node_ports = r.service_type == ServiceType::NodePort;
    json!({
        "metadata": {"ownerReferences": [owner]},
        "spec": {"ports": ports(x.api_port, x.konnectivity_port, node_ports)},
    })
}
