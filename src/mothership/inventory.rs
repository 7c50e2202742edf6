//! Everything `list` needs, in one concurrent wave of four LIST calls with label selectors
//! (records, StatefulSets, Services, pods), in one namespace or all, read in pages of 250
//! and decoded into only what a row reads. Objects without `app.kubernetes.io/managed-by=k0smotron` (the
//! operator's, for one) are never taken for ours.

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Service};
use kube::api::{Api, ListParams};
use serde::de::DeserializeOwned;

use super::Connection;
use super::slim::{self, Page};
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

/// Every object of kind `K` with labels `selector`, read a page at a time, each page
/// decoded into `Slim` (only what a row reads; see `slim`).
async fn list_slim<K, Slim>(conn: &Connection, all: bool, selector: &str) -> Result<Vec<K>, Failure>
where
    K: kube::Resource<Scope = NamespaceResourceScope, DynamicType = ()> + From<Slim>,
    Slim: DeserializeOwned + Send + 'static,
{
    let url = K::url_path(&(), (!all).then_some(conn.namespace.as_str()));
    let mut params = ListParams::default().labels(selector).limit(PAGE);
    let mut items = Vec::new();
    loop {
        let request = kube::core::Request::new(&url)
            .list(&params)
            .map_err(|e| conn.translate(kube::Error::BuildRequest(e)))?;
        let page: Page<Slim> = decode_as_it_arrives(&conn.client, request)
            .await
            .map_err(|e| conn.translate(e))?;
        items.extend(page.items.into_iter().map(K::from));
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(token) => params = params.continue_token(&token),
            None => break,
        }
    }
    items.shrink_to_fit();
    Ok(items)
}

/// A response body decoded while it arrives, on a blocking thread fed chunk by chunk: the
/// whole body is never held (a page of 250 pods is about 3 MB of JSON, and `list` reads
/// four kinds at once).
async fn decode_as_it_arrives<T>(
    client: &kube::Client,
    request: http::Request<Vec<u8>>,
) -> Result<T, kube::Error>
where
    T: DeserializeOwned + Send + 'static,
{
    use futures::AsyncBufReadExt;
    let body = client.request_stream(request).await?;
    let (chunks, arriving) = tokio::sync::mpsc::channel::<Vec<u8>>(8);
    let decoder = tokio::task::spawn_blocking(move || {
        // Through a BufReader: serde_json reads a byte at a time, and std reads those
        // straight from a BufReader's buffer.
        serde_json::from_reader::<_, T>(std::io::BufReader::new(Chunks {
            arriving,
            current: Vec::new(),
            read: 0,
        }))
    });
    let mut body = Box::pin(body);
    loop {
        let chunk = body.fill_buf().await.map_err(kube::Error::ReadEvents)?;
        if chunk.is_empty() {
            break;
        }
        let len = chunk.len();
        // The decoder stopped early (a malformed body): its error is the one to report.
        if chunks.send(chunk.to_vec()).await.is_err() {
            break;
        }
        body.consume_unpin(len);
    }
    drop(chunks);
    decoder
        .await
        .map_err(|e| kube::Error::ReadEvents(std::io::Error::other(e)))?
        .map_err(kube::Error::SerdeError)
}

/// The chunks of a body as one `Read`, for the decoder's thread.
struct Chunks {
    arriving: tokio::sync::mpsc::Receiver<Vec<u8>>,
    current: Vec<u8>,
    read: usize,
}

impl std::io::Read for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.read == self.current.len() {
            match self.arriving.blocking_recv() {
                Some(next) => (self.current, self.read) = (next, 0),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len() - self.read);
        buf[..n].copy_from_slice(&self.current[self.read..self.read + n]);
        self.read += n;
        Ok(n)
    }
}

pub async fn collect(conn: &Connection, all_namespaces: bool) -> Result<Inventory, Failure> {
    let ours = format!("{}=k0smotron", naming::MANAGED_BY);
    let records = format!("{ours},{}=record", naming::COMPONENT);
    let (records, statefulsets, services, pods) = tokio::join!(
        list_slim::<ConfigMap, slim::Record>(conn, all_namespaces, &records),
        list_slim::<StatefulSet, slim::Set>(conn, all_namespaces, &ours),
        list_slim::<Service, slim::Present>(conn, all_namespaces, &ours),
        list_slim::<Pod, slim::Running>(conn, all_namespaces, &ours)
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
