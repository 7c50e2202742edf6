//! Everything `list` needs, in one concurrent wave of four LIST calls with label selectors
//! (records, StatefulSets, Services, pods), in one namespace or all, whatever the number of
//! control planes. Objects without `app.kubernetes.io/managed-by=k0smotron` (the
//! operator's, for one) are never taken for ours.

use k8s_openapi::NamespaceResourceScope;
use kube::api::{Api, ListParams};
use serde::de::DeserializeOwned;

use super::Connection;
use crate::core::listing::Inventory;
use crate::core::naming;
use crate::error::Failure;

fn api<K>(conn: &Connection, all_namespaces: bool) -> Api<K>
where
    K: kube::Resource<Scope = NamespaceResourceScope, DynamicType = ()>,
{
    if all_namespaces {
        Api::all(conn.client.clone())
    } else {
        Api::namespaced(conn.client.clone(), &conn.namespace)
    }
}

async fn list<K>(conn: &Connection, all: bool, selector: &str) -> Result<Vec<K>, Failure>
where
    K: kube::Resource<Scope = NamespaceResourceScope, DynamicType = ()>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug,
{
    Ok(api::<K>(conn, all)
        .list(&ListParams::default().labels(selector))
        .await
        .map_err(|e| conn.translate(e))?
        .items)
}

pub async fn collect(conn: &Connection, all_namespaces: bool) -> Result<Inventory, Failure> {
    let ours = format!("{}=k0smotron", naming::MANAGED_BY);
    let records = format!("{ours},{}=record", naming::COMPONENT);
    let (records, statefulsets, services, pods) = tokio::join!(
        list(conn, all_namespaces, &records),
        list(conn, all_namespaces, &ours),
        list(conn, all_namespaces, &ours),
        list(conn, all_namespaces, &ours)
    );
    Ok(Inventory {
        records: records?,
        statefulsets: statefulsets?,
        services: services?,
        pods: pods?,
    })
}
