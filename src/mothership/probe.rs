//! Read-only questions to the mothership: its version, what we may do, StorageClasses and
//! node addresses.

use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use k8s_openapi::api::core::v1::Node;
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::version::Info;
use kube::api::{Api, ListParams, PostParams};

use super::{Connection, MothershipError, retry};
use crate::core::doctor::{NodeInfo, Permission, StorageClassInfo};

pub async fn server_version(conn: &Connection) -> Result<Info, MothershipError> {
    conn.client
        .apiserver_version()
        .await
        .map_err(|e| conn.translate(e))
}

/// Ask every review at once (one concurrent wave). `None`: that review could not be asked.
pub async fn access_reviews(conn: &Connection, perms: &[Permission]) -> Vec<Option<bool>> {
    let api: Api<SelfSubjectAccessReview> = Api::all(conn.client.clone());
    let asks = perms.iter().map(|p| {
        let review = SelfSubjectAccessReview {
            spec: SelfSubjectAccessReviewSpec {
                resource_attributes: Some(ResourceAttributes {
                    verb: Some(p.verb.to_string()),
                    group: Some(p.group.to_string()),
                    resource: Some(p.resource.to_string()),
                    subresource: (!p.subresource.is_empty()).then(|| p.subresource.to_string()),
                    namespace: p.namespaced.then(|| conn.namespace.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let api = api.clone();
        async move {
            // A review changes nothing, so asking again is safe.
            let answer = retry::side_effect_free(|| async {
                api.create(&PostParams::default(), &review)
                    .await
                    .map_err(|e| conn.translate(e))
            })
            .await;
            answer.ok().and_then(|r| r.status).map(|s| s.allowed)
        }
    });
    futures::future::join_all(asks).await
}

/// LIST every object of a cluster-scoped kind.
async fn list_all<K>(conn: &Connection) -> Result<Vec<K>, MothershipError>
where
    K: kube::Resource<DynamicType = ()> + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let api: Api<K> = Api::all(conn.client.clone());
    let list = api
        .list(&ListParams::default())
        .await
        .map_err(|e| conn.translate(e))?;
    Ok(list.items)
}

const DEFAULT_CLASS: &[&str] = &[
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
];

pub async fn storage_classes(conn: &Connection) -> Result<Vec<StorageClassInfo>, MothershipError> {
    Ok(list_all::<StorageClass>(conn)
        .await?
        .into_iter()
        .map(|sc| {
            let is_default = sc.metadata.annotations.as_ref().is_some_and(|a| {
                DEFAULT_CLASS
                    .iter()
                    .any(|k| a.get(*k).map(String::as_str) == Some("true"))
            });
            StorageClassInfo {
                name: sc.metadata.name.unwrap_or_default(),
                is_default,
            }
        })
        .collect())
}

/// Whether the connection's namespace exists; `Err` when it cannot be read (a role
/// limited to one namespace may not read Namespace objects).
pub async fn namespace_exists(conn: &Connection) -> Result<bool, MothershipError> {
    let api: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(conn.client.clone());
    api.get_opt(&conn.namespace)
        .await
        .map(|n| n.is_some())
        .map_err(|e| conn.translate(e))
}

pub async fn nodes(conn: &Connection) -> Result<Vec<NodeInfo>, MothershipError> {
    Ok(list_all::<Node>(conn)
        .await?
        .into_iter()
        .map(|n| NodeInfo {
            name: n.metadata.name.unwrap_or_default(),
            addresses: n
                .status
                .and_then(|s| s.addresses)
                .unwrap_or_default()
                .into_iter()
                .map(|a| (a.type_, a.address))
                .collect(),
        })
        .collect())
}
