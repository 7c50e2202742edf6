//! How the control plane is reached: Service type, pinned ports, external address, SANs.

use super::{CreateOptions, ServiceType};
use crate::core::cluster::ClusterSpec;
use crate::core::naming;

pub struct Exposure {
    pub service_type: ServiceType,
    pub api_port: Option<u16>,
    pub konnectivity_port: Option<u16>,
    pub external_address: Option<String>,
    pub sans: Vec<String>,
}

pub fn resolve(o: &CreateOptions, spec: &ClusterSpec) -> Result<Exposure, String> {
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
        check_address(addr)?;
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
    Ok(Exposure {
        service_type,
        api_port,
        konnectivity_port,
        external_address,
        sans: o.sans.clone(),
    })
}

fn check_address(addr: &str) -> Result<(), String> {
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
    Ok(())
}

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
