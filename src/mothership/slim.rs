//! Row-sized views of listed objects. A page of `list` is decoded straight into these,
//! skipping every field no row reads (a pod's spec, managed fields, a StatefulSet's
//! volume claims), then turned into the Kubernetes types with only those fields set. The
//! full objects of a page are never built: at 500 control planes they were most of
//! `list`'s memory.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec, StatefulSetStatus};
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, Pod, PodSpec, PodStatus, PodTemplateSpec, Service,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use serde::Deserialize;

/// One page of a LIST: its items and the token for the next page.
#[derive(Deserialize)]
pub struct Page<T> {
    #[serde(default)]
    pub metadata: PageMeta,
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
}

#[derive(Default, Deserialize)]
pub struct PageMeta {
    #[serde(rename = "continue")]
    pub continue_: Option<String>,
}

/// What a row reads of any object's metadata: who it is, its labels, when it was made.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    name: Option<String>,
    namespace: Option<String>,
    labels: Option<BTreeMap<String, String>>,
    creation_timestamp: Option<Time>,
}

impl From<Meta> for ObjectMeta {
    fn from(m: Meta) -> Self {
        ObjectMeta {
            name: m.name,
            namespace: m.namespace,
            labels: m.labels,
            creation_timestamp: m.creation_timestamp,
            ..Default::default()
        }
    }
}

/// A record: its data holds the spec and the dates a row shows.
#[derive(Deserialize)]
pub struct Record {
    metadata: Meta,
    data: Option<BTreeMap<String, String>>,
}

impl From<Record> for ConfigMap {
    fn from(r: Record) -> Self {
        ConfigMap {
            metadata: r.metadata.into(),
            data: r.data,
            ..Default::default()
        }
    }
}

/// A StatefulSet: its replicas, status and the image of each container.
#[derive(Deserialize)]
pub struct Set {
    metadata: Meta,
    spec: Option<SetSpec>,
    status: Option<StatefulSetStatus>,
}

#[derive(Deserialize)]
struct SetSpec {
    replicas: Option<i32>,
    template: Option<Template>,
}

#[derive(Deserialize)]
struct Template {
    spec: Option<TemplateSpec>,
}

#[derive(Deserialize)]
struct TemplateSpec {
    #[serde(default)]
    containers: Vec<NamedImage>,
}

#[derive(Deserialize)]
struct NamedImage {
    name: String,
    image: Option<String>,
}

impl From<Set> for StatefulSet {
    fn from(s: Set) -> Self {
        let spec = s.spec.map(|spec| StatefulSetSpec {
            replicas: spec.replicas,
            template: PodTemplateSpec {
                spec: spec.template.and_then(|t| t.spec).map(|t| PodSpec {
                    containers: t
                        .containers
                        .into_iter()
                        .map(|c| Container {
                            name: c.name,
                            image: c.image,
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        });
        StatefulSet {
            metadata: s.metadata.into(),
            spec,
            status: s.status,
        }
    }
}

/// A Service: a row only needs to know it is there.
#[derive(Deserialize)]
pub struct Present {
    metadata: Meta,
}

impl From<Present> for Service {
    fn from(s: Present) -> Self {
        Service {
            metadata: s.metadata.into(),
            ..Default::default()
        }
    }
}

/// A pod: its status (conditions, container states), not its spec.
#[derive(Deserialize)]
pub struct Running {
    metadata: Meta,
    status: Option<PodStatus>,
}

impl From<Running> for Pod {
    fn from(p: Running) -> Self {
        Pod {
            metadata: p.metadata.into(),
            status: p.status,
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_page_keeps_what_rows_read_and_drops_the_rest() {
        let page: Page<Set> = serde_json::from_value(json!({
            "metadata": {"continue": "abc", "resourceVersion": "7"},
            "items": [{
                "metadata": {"name": "kmc-a", "namespace": "ns", "labels": {"x": "y"},
                    "creationTimestamp": "2026-12-06T01:00:00Z",
                    "managedFields": [{"manager": "k0smotron"}], "annotations": {"a": "b"}},
                "spec": {"replicas": 3, "serviceName": "kmc-a",
                    "selector": {"matchLabels": {"x": "y"}},
                    "volumeClaimTemplates": [{"metadata": {"name": "data"}}],
                    "template": {"metadata": {"labels": {"x": "y"}}, "spec": {
                        "containers": [{"name": "controller", "image": "k0s:1", "args": ["a"]}]}}},
                "status": {"replicas": 3, "readyReplicas": 2}
            }]
        }))
        .unwrap();
        assert_eq!(page.metadata.continue_.as_deref(), Some("abc"));
        let sts: StatefulSet = page.items.into_iter().next().unwrap().into();
        assert_eq!(sts.metadata.name.as_deref(), Some("kmc-a"));
        assert_eq!(sts.metadata.labels.as_ref().unwrap()["x"], "y");
        assert!(sts.metadata.managed_fields.is_none() && sts.metadata.annotations.is_none());
        let spec = sts.spec.unwrap();
        assert_eq!(spec.replicas, Some(3));
        assert!(spec.volume_claim_templates.is_none());
        let containers = spec.template.spec.unwrap().containers;
        assert_eq!(containers[0].image.as_deref(), Some("k0s:1"));
        assert!(containers[0].args.is_none());
        assert_eq!(sts.status.unwrap().ready_replicas, Some(2));
    }

    #[test]
    fn an_empty_list_has_no_items_and_no_next_page() {
        let page: Page<Running> = serde_json::from_value(json!({"metadata": {}})).unwrap();
        assert!(page.items.is_empty() && page.metadata.continue_.is_none());
    }
}
