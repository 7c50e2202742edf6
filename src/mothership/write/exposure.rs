//! What the mothership allocated for the Service (ports, cluster IPs, a load-balancer
//! address), turned into the endpoint everything else is configured with.

use super::WRITING;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Service;

use super::typed;
use crate::core::plan::{self, Exposure};
use crate::core::spec::{Resolved, ServiceType};
use crate::error::Failure;
use crate::mothership::Connection;

pub fn exposure_from(
    r: &Resolved,
    svc: &Service,
    node_address: Option<&str>,
) -> Result<Exposure, Failure> {
    let spec = svc.spec.clone().unwrap_or_default();
    let cluster_ips = spec
        .cluster_ips
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|ip| ip != "None")
        .collect();
    let port_of = |name: &str, node: bool| {
        spec.ports
            .as_ref()
            .and_then(|ps| ps.iter().find(|p| p.name.as_deref() == Some(name)))
            .and_then(|p| if node { p.node_port } else { Some(p.port) })
    };
    let node = r.service_type == ServiceType::NodePort;
    let api_port = port_of("api", node).and_then(|p| u16::try_from(p).ok());
    let konn_port = port_of("konnectivity", node).and_then(|p| u16::try_from(p).ok());
    let (Some(api_port), Some(konnectivity_port)) = (api_port, konn_port) else {
        return Err(Failure::Failed(format!(
            "the mothership did not allocate the ports of Service {}",
            svc.metadata.name.clone().unwrap_or_default()
        )));
    };
    let host = match (&r.external_address, r.service_type) {
        (Some(a), _) => a.clone(),
        (None, ServiceType::NodePort) => node_address.unwrap_or_default().to_string(),
        (None, ServiceType::LoadBalancer) => {
            let ingress = svc
                .status
                .as_ref()
                .and_then(|s| s.load_balancer.as_ref())
                .and_then(|l| l.ingress.as_ref())
                .and_then(|i| i.first());
            ingress
                .and_then(|i| i.ip.clone().or(i.hostname.clone()))
                .unwrap_or_default()
        }
        (None, ServiceType::ClusterIp) => plan::cluster_ip_host(r),
    };
    Ok(Exposure {
        api_port,
        konnectivity_port,
        host,
        cluster_ips,
    })
}

fn has_address(svc: &Service) -> bool {
    svc.status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|l| l.ingress.as_ref())
        .and_then(|i| i.first())
        .is_some_and(|x| x.ip.is_some() || x.hostname.is_some())
}

/// Watch Service `name` until it has a load-balancer address: one request however long
/// the cloud takes. From `known` (the Service as written) the watch starts at its
/// resourceVersion; without it, at the Service's state once it exists (so the watch may
/// start before the Service is written). A watch the server ends (or expires) is taken up
/// again.
pub async fn wait_for_load_balancer(
    conn: &Connection,
    (ns, name): (&str, &str),
    known: Option<&Service>,
    step: &crate::ui::Step,
    timeout: Duration,
) -> Result<Service, Failure> {
    use futures::StreamExt;
    use kube::api::{WatchEvent, WatchParams};
    if let Some(svc) = known.filter(|s| has_address(s)) {
        return Ok(svc.clone());
    }
    let api = typed::<Service>(conn, ns);
    let failure = |e: kube::Error| Failure::Failed(conn.translate(e).to_string());
    let start = Instant::now();
    let mut version = known
        .and_then(|s| s.metadata.resource_version.clone())
        .unwrap_or_default();
    step.update("waiting for a load-balancer address");
    loop {
        let left = timeout.saturating_sub(start.elapsed());
        if left.is_zero() {
            return Err(Failure::Failed(format!(
                "Service/{name} got no load-balancer address within {}: is a load-balancer controller running in the mothership? Use --external-address, or --service-type NodePort",
                crate::core::duration::format(timeout)
            )));
        }
        // Under the client's read timeout (60 s): a quiet watch is not a dead connection.
        let secs = left.as_secs().clamp(1, 50) as u32;
        let params = WatchParams::default()
            .fields(&format!("metadata.name={name}"))
            .timeout(secs);
        let mut events = api.watch(&params, &version).await.map_err(failure)?.boxed();
        let watched = async {
            while let Some(event) = events.next().await {
                match event.map_err(failure)? {
                    WatchEvent::Added(svc) | WatchEvent::Modified(svc) => {
                        if has_address(&svc) {
                            return Ok(Some(svc));
                        }
                        version = svc.metadata.resource_version.clone().unwrap_or_default();
                    }
                    WatchEvent::Deleted(_) => {
                        return Err(Failure::Failed(format!(
                            "Service/{name} was deleted while waiting for its load-balancer address"
                        )));
                    }
                    WatchEvent::Bookmark(b) => version = b.metadata.resource_version,
                    // Expired (410): start again from the Service's state now.
                    WatchEvent::Error(_) => {
                        version = String::new();
                        return Ok(None);
                    }
                }
            }
            Ok(None)
        };
        let found = tokio::select! {
            found = watched => found?,
            () = crate::mothership::interrupt::pressed() => {
                return Err(crate::mothership::interrupt::checkpoint(WRITING).unwrap_err());
            }
        };
        if let Some(svc) = found {
            return Ok(svc);
        }
    }
}
