//! What the mothership allocated for the Service (ports, cluster IPs, a load-balancer
//! address), turned into the endpoint everything else is configured with.

use super::WRITING;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Service;

use super::typed;
use crate::core::naming::Names;
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

pub async fn wait_for_load_balancer(
    conn: &Connection,
    r: &Resolved,
    step: &crate::ui::Step,
    timeout: Duration,
) -> Result<Service, Failure> {
    let name = Names::new(&r.name).service("LoadBalancer");
    let api = typed::<Service>(conn, &r.namespace);
    let start = Instant::now();
    loop {
        let svc = api
            .get(&name)
            .await
            .map_err(|e| Failure::Failed(conn.translate(e).to_string()))?;
        let has = svc
            .status
            .as_ref()
            .and_then(|s| s.load_balancer.as_ref())
            .and_then(|l| l.ingress.as_ref())
            .is_some_and(|i| {
                i.first()
                    .is_some_and(|x| x.ip.is_some() || x.hostname.is_some())
            });
        if has {
            return Ok(svc);
        }
        if start.elapsed() >= timeout {
            return Err(Failure::Failed(format!(
                "Service/{name} got no load-balancer address within {}: is a load-balancer controller running in the mothership? Use --external-address, or --service-type NodePort",
                crate::core::duration::format(timeout)
            )));
        }
        step.update(&format!(
            "waiting for a load-balancer address ({}s)",
            start.elapsed().as_secs()
        ));
        crate::mothership::interrupt::checkpoint(WRITING)?;
        tokio::time::sleep(Duration::from_millis(500).min(timeout)).await;
    }
}
