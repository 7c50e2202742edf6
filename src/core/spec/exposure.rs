//! How the control plane is reached: Service type, pinned ports, external address, SANs.

use super::{CreateOptions, KineSource, ServiceType, Storage};
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
    // Node ports are one per mothership: a document written for another name (an export)
    // keeps its ports for that one, and this one gets its own, unless flags pin them.
    let document_name = o.file.as_ref().and_then(|f| f.metadata.name.as_deref());
    let renamed = node_port
        && o.name.is_some()
        && document_name.is_some_and(|d| Some(d) != o.name.as_deref());
    let svc = if renamed {
        crate::core::cluster::ServiceSpec {
            api_port: None,
            konnectivity_port: None,
            ..svc
        }
    } else {
        svc
    };
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
        .filter(|a| !a.is_empty())
        .map(|a| host(&a))
        .transpose()?;
    let mut sans = Vec::new();
    for san in &o.sans {
        let bare = unbracket(san);
        let ok = bare.parse::<std::net::IpAddr>().is_ok()
            || (bare == san.as_str()
                && san
                    .trim_start_matches("*.")
                    .split('.')
                    .all(|l| naming::check_label(&l.to_ascii_lowercase()).is_ok()));
        if !ok {
            return Err(format!(
                "--san {san:?}: must be an IP address or a DNS name"
            ));
        }
        sans.push(bare.to_string());
    }
    Ok(Exposure {
        service_type,
        api_port,
        konnectivity_port,
        external_address,
        sans,
    })
}

/// `[2001:db8::1]` as k0s wants a host: without brackets (they belong inside URLs only,
/// where `kubeconfig::server_url` adds them).
fn unbracket(addr: &str) -> &str {
    match addr.strip_prefix('[').and_then(|a| a.strip_suffix(']')) {
        Some(inner) if inner.parse::<std::net::Ipv6Addr>().is_ok() => inner,
        _ => addr,
    }
}

/// The external address as a bare host: an IP address (IPv6 without brackets) or a DNS name.
fn host(addr: &str) -> Result<String, String> {
    let host = unbracket(addr);
    let ok = host.parse::<std::net::IpAddr>().is_ok()
        || (host.len() <= 253
            && host
                .split('.')
                .all(|l| naming::check_label(&l.to_ascii_lowercase()).is_ok()));
    if !ok || host == "0.0.0.0" || host == "::" {
        return Err(format!(
            "--external-address / spec.externalAddress {addr:?}: must be an IP address or a DNS name (an IPv6 address with or without brackets)"
        ));
    }
    Ok(host.to_string())
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

/// Ports that k0s's own processes bind inside the controller pod, and who binds them:
/// the API or konnectivity port on one of them crash-loops the pod.
fn reserved_ports(storage: &Storage) -> Vec<(u16, &'static str)> {
    let mut ports = vec![
        (8133, "konnectivity-server's admin port"),
        (10257, "kube-controller-manager"),
        (10259, "kube-scheduler"),
    ];
    match storage {
        Storage::Kine(KineSource::Sqlite) => {
            ports.push((2380, "the peer port of kine's embedded etcd"))
        }
        Storage::Kine(_) => {
            ports.push((9443, "k0s's own API (the controller join API)"));
            ports.push((2380, "the peer port of kine's embedded etcd"));
        }
        Storage::Etcd { .. } => ports.push((9443, "k0s's own API (the controller join API)")),
    }
    ports
}

/// Refuse an API or konnectivity port that a k0s process already binds in the pod.
pub fn check_reserved(
    api_port: Option<u16>,
    konnectivity_port: Option<u16>,
    storage: &Storage,
) -> Result<(), String> {
    let reserved = reserved_ports(storage);
    for (port, what) in [
        (api_port, "--api-port / spec.service.apiPort"),
        (
            konnectivity_port,
            "--konnectivity-port / spec.service.konnectivityPort",
        ),
    ] {
        let Some(port) = port else { continue };
        if let Some((_, owner)) = reserved.iter().find(|(p, _)| *p == port) {
            return Err(format!(
                "{what}: {port} is taken inside the controller pod by {owner}; pick another port"
            ));
        }
    }
    Ok(())
}
