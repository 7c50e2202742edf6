//! Everything `list` needs, in one concurrent wave of four LIST calls with label selectors
//! (records, StatefulSets, Services, pods), in one namespace or all, whatever the number of
//! control planes. Objects without `app.kubernetes.io/managed-by=k0smotron` (the
//! operator's, for one) are never taken for ours.

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Container, Pod, PodSpec, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
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

/// Items per page of `list`'s reads: memory follows a page's body, not the whole list,
/// and up to this many objects of a kind still take one request.
const PAGE: u32 = 250;

/// Every object of kind `K` with labels `selector`, read a page at a time, each item cut
/// down by `reduce` to what a row needs as soon as its page is decoded.
async fn list_reduced<K>(
    conn: &Connection,
    all: bool,
    selector: &str,
    reduce: fn(&mut K),
) -> Result<Vec<K>, Failure>
where
    K: kube::Resource<Scope = NamespaceResourceScope, DynamicType = ()>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug,
{
    let api = api::<K>(conn, all);
    let mut params = ListParams::default().labels(selector).limit(PAGE);
    let mut items = Vec::new();
    loop {
        let page = api.list(&params).await.map_err(|e| conn.translate(e))?;
        items.extend(page.items.into_iter().map(|mut item| {
            reduce(&mut item);
            item
        }));
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(token) => params = params.continue_token(&token),
            None => break,
        }
    }
    items.shrink_to_fit();
    Ok(items)
}

/// What no row reads: who wrote which field, and last-applied copies.
fn reduce_meta(meta: &mut ObjectMeta) {
    meta.managed_fields = None;
    meta.annotations = None;
    meta.owner_references = None;
}

fn reduce_record(cm: &mut ConfigMap) {
    reduce_meta(&mut cm.metadata);
}

/// A row reads a StatefulSet's replicas, status and the image of each container.
fn reduce_statefulset(sts: &mut StatefulSet) {
    reduce_meta(&mut sts.metadata);
    if let Some(spec) = sts.spec.as_mut() {
        spec.volume_claim_templates = None;
        if let Some(pod) = spec.template.spec.as_mut() {
            *pod = PodSpec {
                containers: std::mem::take(&mut pod.containers)
                    .into_iter()
                    .map(|c| Container {
                        name: c.name,
                        image: c.image,
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            };
        }
        spec.template.metadata = None;
    }
}

fn reduce_service(svc: &mut Service) {
    reduce_meta(&mut svc.metadata);
}

/// A row reads a pod's status (conditions, container states), not its spec.
fn reduce_pod(pod: &mut Pod) {
    reduce_meta(&mut pod.metadata);
    pod.spec = None;
}

pub async fn collect(conn: &Connection, all_namespaces: bool) -> Result<Inventory, Failure> {
    let ours = format!("{}=k0smotron", naming::MANAGED_BY);
    let records = format!("{ours},{}=record", naming::COMPONENT);
    let (records, statefulsets, services, pods) = tokio::join!(
        list_reduced(conn, all_namespaces, &records, reduce_record),
        list_reduced(conn, all_namespaces, &ours, reduce_statefulset),
        list_reduced(conn, all_namespaces, &ours, reduce_service),
        list_reduced(conn, all_namespaces, &ours, reduce_pod)
    );
    Ok(Inventory {
        records: records?,
        statefulsets: statefulsets?,
        services: services?,
        pods: pods?,
        claims: Vec::new(),
    })
}

/// Everything of control plane `name` for `status`, in one wave: its labelled
/// StatefulSets, Services, ConfigMaps, Secrets, pods and claims, and the namespace's
/// Warning events. Returns the inventory, the Secrets, `Kind/name` of what exists, and the
/// events.
pub async fn collect_one(
    conn: &Connection,
    name: &str,
) -> Result<
    (
        Inventory,
        Vec<k8s_openapi::api::core::v1::Secret>,
        Vec<String>,
        Vec<k8s_openapi::api::core::v1::Event>,
    ),
    Failure,
> {
    use k8s_openapi::api::apps::v1::StatefulSet;
    use k8s_openapi::api::core::v1::{
        ConfigMap, Event, PersistentVolumeClaim, Pod, Secret, Service,
    };
    let sel = naming::selector(name);
    let events = async {
        Api::<Event>::namespaced(conn.client.clone(), &conn.namespace)
            .list(&ListParams::default().fields("type=Warning"))
            .await
            .map(|l| l.items)
            .map_err(|e| Failure::from(conn.translate(e)))
    };
    let (sts, svcs, cms, secrets, pods, pvcs, events) = tokio::join!(
        list::<StatefulSet>(conn, false, &sel),
        list::<Service>(conn, false, &sel),
        list::<ConfigMap>(conn, false, &sel),
        list::<Secret>(conn, false, &sel),
        list::<Pod>(conn, false, &sel),
        list::<PersistentVolumeClaim>(conn, false, &sel),
        events
    );
    let (sts, svcs, cms, secrets, pods, claims, events) =
        (sts?, svcs?, cms?, secrets?, pods?, pvcs?, events?);
    let mut present = Vec::new();
    let names = |kind: &str, metas: Vec<Option<String>>| {
        metas
            .into_iter()
            .map(|n| format!("{kind}/{}", n.unwrap_or_default()))
            .collect::<Vec<_>>()
    };
    present.extend(names(
        "StatefulSet",
        sts.iter().map(|o| o.metadata.name.clone()).collect(),
    ));
    present.extend(names(
        "Service",
        svcs.iter().map(|o| o.metadata.name.clone()).collect(),
    ));
    present.extend(names(
        "ConfigMap",
        cms.iter().map(|o| o.metadata.name.clone()).collect(),
    ));
    present.extend(names(
        "Secret",
        secrets.iter().map(|o| o.metadata.name.clone()).collect(),
    ));
    let records = cms
        .into_iter()
        .filter(|c| {
            c.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(naming::COMPONENT))
                .map(String::as_str)
                == Some("record")
        })
        .collect();
    let inv = Inventory {
        records,
        statefulsets: sts,
        services: svcs,
        pods,
        claims,
    };
    Ok((inv, secrets, present, events))
}
