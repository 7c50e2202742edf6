//! The test server through kube-rs: every storage, auth, controller, exec and knob behaviour
//! the CLI relies on, checked against the API conventions.

mod common;

use std::time::Duration;

use common::*;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{
    ConfigMap, Namespace, PersistentVolumeClaim, Pod, Secret, Service,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status as ExecStatus;
use kube::api::{Api, AttachParams, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::core::{DynamicObject, Status};
use mothership::{Fault, NodeSpec, Rule, User};
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;

fn api_status(err: kube::Error) -> Status {
    match err {
        kube::Error::Api(s) => *s,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn cm(name: &str, labels: Value) -> ConfigMap {
    serde_json::from_value(
        json!({"metadata": {"name": name, "labels": labels}, "data": {"k": "v"}}),
    )
    .unwrap()
}

#[tokio::test]
async fn create_get_and_their_errors() {
    let ms = start();
    let c = client(&ms).await;
    let cms: Api<ConfigMap> = Api::namespaced(c.clone(), "default");
    let created = cms
        .create(&PostParams::default(), &cm("one", json!({})))
        .await
        .unwrap();
    assert!(!created.metadata.uid.clone().unwrap().is_empty());
    assert!(created.metadata.resource_version.is_some());
    assert!(created.metadata.creation_timestamp.is_some());

    let dup = api_status(
        cms.create(&PostParams::default(), &cm("one", json!({})))
            .await
            .unwrap_err(),
    );
    assert_eq!((dup.code, dup.reason.as_str()), (409, "AlreadyExists"));
    assert_eq!(dup.message, "configmaps \"one\" already exists");

    let missing = api_status(cms.get("nope").await.unwrap_err());
    assert_eq!(
        (
            missing.code,
            missing.reason.as_str(),
            missing.message.as_str()
        ),
        (404, "NotFound", "configmaps \"nope\" not found")
    );

    let elsewhere: Api<ConfigMap> = Api::namespaced(c.clone(), "no-such-ns");
    let no_ns = api_status(
        elsewhere
            .create(&PostParams::default(), &cm("x", json!({})))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (no_ns.code, no_ns.message.as_str()),
        (404, "namespaces \"no-such-ns\" not found")
    );

    let bad = api_status(
        cms.create(&PostParams::default(), &cm("Bad_Name", json!({})))
            .await
            .unwrap_err(),
    );
    assert_eq!((bad.code, bad.reason.as_str()), (422, "Invalid"));
    assert!(bad.message.starts_with("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"), "{}", bad.message);
    assert_eq!(bad.details.unwrap().causes[0].field, "metadata.name");

    let svcs: Api<Service> = Api::namespaced(c.clone(), "default");
    let svc: Service = serde_json::from_value(
        json!({"metadata": {"name": "9svc"}, "spec": {"ports": [{"port": 80}]}}),
    )
    .unwrap();
    let bad_svc = api_status(svcs.create(&PostParams::default(), &svc).await.unwrap_err());
    assert!(
        bad_svc.message.contains("a DNS-1035 label"),
        "{}",
        bad_svc.message
    );

    let generated: ConfigMap =
        serde_json::from_value(json!({"metadata": {"generateName": "gen-"}})).unwrap();
    let g = cms
        .create(&PostParams::default(), &generated)
        .await
        .unwrap();
    let name = g.metadata.name.unwrap();
    assert!(name.starts_with("gen-") && name.len() == 9, "{name}");

    // Dry run validates and answers but stores nothing.
    let dry = PostParams {
        dry_run: true,
        ..Default::default()
    };
    cms.create(&dry, &cm("dry", json!({}))).await.unwrap();
    assert!(cms.get_opt("dry").await.unwrap().is_none());
}

#[tokio::test]
async fn replace_needs_the_current_resource_version() {
    let ms = start();
    let cms: Api<ConfigMap> = Api::namespaced(client(&ms).await, "default");
    let first = cms
        .create(&PostParams::default(), &cm("rv", json!({})))
        .await
        .unwrap();
    let mut second = first.clone();
    second.data = Some([("k".to_string(), "2".to_string())].into());
    let stored = cms
        .replace("rv", &PostParams::default(), &second)
        .await
        .unwrap();
    assert_ne!(
        stored.metadata.resource_version,
        first.metadata.resource_version
    );
    let stale = api_status(
        cms.replace("rv", &PostParams::default(), &second)
            .await
            .unwrap_err(),
    );
    assert_eq!((stale.code, stale.reason.as_str()), (409, "Conflict"));
    assert!(
        stale.message.contains("the object has been modified"),
        "{}",
        stale.message
    );
    // An update that changes nothing keeps the resourceVersion, as the real server does.
    let same = cms
        .replace("rv", &PostParams::default(), &stored)
        .await
        .unwrap();
    assert_eq!(
        same.metadata.resource_version,
        stored.metadata.resource_version
    );
}

#[tokio::test]
async fn label_and_field_selectors() {
    let ms = start();
    let c = client(&ms).await;
    let cms: Api<ConfigMap> = Api::namespaced(c.clone(), "default");
    for (n, labels) in [
        ("a", json!({"app": "k0smotron", "tier": "cp"})),
        ("b", json!({"app": "k0smotron", "tier": "etcd"})),
        ("c", json!({"app": "other"})),
    ] {
        cms.create(&PostParams::default(), &cm(n, labels))
            .await
            .unwrap();
    }
    let names = |l: kube::core::ObjectList<ConfigMap>| -> Vec<String> {
        l.items
            .into_iter()
            .map(|i| i.metadata.name.unwrap())
            .collect()
    };
    for (sel, want) in [
        ("app=k0smotron", vec!["a", "b"]),
        ("app==k0smotron,tier=cp", vec!["a"]),
        ("app!=k0smotron", vec!["c"]),
        ("tier in (cp,etcd)", vec!["a", "b"]),
        ("tier notin (cp)", vec!["b", "c"]),
        ("tier", vec!["a", "b"]),
        ("!tier", vec!["c"]),
    ] {
        let got = names(cms.list(&ListParams::default().labels(sel)).await.unwrap());
        assert_eq!(got, want, "selector {sel}");
    }
    let by_name = names(
        cms.list(&ListParams::default().fields("metadata.name=b"))
            .await
            .unwrap(),
    );
    assert_eq!(by_name, vec!["b"]);
    let bad = api_status(
        cms.list(&ListParams::default().labels("tier in (cp"))
            .await
            .unwrap_err(),
    );
    assert_eq!(bad.code, 400);
    let bad_field = api_status(
        cms.list(&ListParams::default().fields("data.k=v"))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (bad_field.code, bad_field.message.as_str()),
        (400, "field label not supported: data.k")
    );

    let secrets: Api<Secret> = Api::namespaced(c.clone(), "kube-public");
    for (n, t) in [("s1", "Opaque"), ("s2", "bootstrap.kubernetes.io/token")] {
        let s: Secret = serde_json::from_value(
            json!({"metadata": {"name": n}, "type": t, "stringData": {"x": "y"}}),
        )
        .unwrap();
        secrets.create(&PostParams::default(), &s).await.unwrap();
    }
    let all: Api<Secret> = Api::all(c.clone());
    let tokens = all
        .list(&ListParams::default().fields("type=bootstrap.kubernetes.io/token"))
        .await
        .unwrap();
    assert_eq!(tokens.items.len(), 1);
    assert_eq!(
        tokens.items[0].data.as_ref().unwrap()["x"].0,
        b"y",
        "stringData lands in data"
    );
    let in_ns = all
        .list(&ListParams::default().fields("metadata.namespace=kube-public"))
        .await
        .unwrap();
    assert_eq!(in_ns.items.len(), 2);
}

#[tokio::test]
async fn merge_json_strategic_and_apply_patches() {
    let ms = start();
    let c = client(&ms).await;
    let cms: Api<ConfigMap> = Api::namespaced(c.clone(), "default");
    cms.create(&PostParams::default(), &cm("p", json!({"a": "1"})))
        .await
        .unwrap();
    let merged = cms
        .patch(
            "p",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"b": "2", "a": null}}})),
        )
        .await
        .unwrap();
    assert_eq!(
        merged.metadata.labels.unwrap(),
        [("b".to_string(), "2".to_string())].into()
    );
    let ops: json_patch_ops::Ops =
        serde_json::from_value(json!([{"op": "add", "path": "/data/j", "value": "x"}])).unwrap();
    let jp = cms
        .patch("p", &PatchParams::default(), &Patch::<()>::Json(ops))
        .await
        .unwrap();
    assert_eq!(jp.data.unwrap()["j"], "x");
    let missing = api_status(
        cms.patch("none", &PatchParams::default(), &Patch::Merge(json!({})))
            .await
            .unwrap_err(),
    );
    assert_eq!(missing.code, 404);

    // Server-side apply creates, then updates.
    let ssa = PatchParams::apply("conformance").force();
    let applied = cms
        .patch("ssa", &ssa, &Patch::Apply(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ssa"}, "data": {"a": "1"}})))
        .await
        .unwrap();
    assert_eq!(applied.data.unwrap()["a"], "1");
    let again = cms
        .patch("ssa", &ssa, &Patch::Apply(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ssa"}, "data": {"a": "2"}})))
        .await
        .unwrap();
    assert_eq!(again.data.unwrap()["a"], "2");

    // Strategic merge: containers merge on name, $patch: delete removes one.
    let sts: Api<StatefulSet> = Api::namespaced(c.clone(), "default");
    sts.create(&PostParams::default(), &statefulset("smp", 1))
        .await
        .unwrap();
    let patched = sts
        .patch(
            "smp",
            &PatchParams::default(),
            &Patch::Strategic(json!({"spec": {"template": {"spec": {"containers": [
                {"name": "controller", "image": "quay.io/k0sproject/k0s:v1.36.4-k0s.0"},
                {"name": "sidecar", "image": "busybox:1"}
            ]}}}})),
        )
        .await
        .unwrap();
    let containers = patched.spec.unwrap().template.spec.unwrap().containers;
    assert_eq!(containers.len(), 2);
    assert_eq!(
        containers[0].image.as_deref(),
        Some("quay.io/k0sproject/k0s:v1.36.4-k0s.0")
    );
    assert!(
        containers[0].ports.as_ref().is_some_and(|p| p.len() == 1),
        "ports survive the merge"
    );
    let removed = sts
        .patch("smp", &PatchParams::default(), &Patch::Strategic(json!({"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}}}})))
        .await
        .unwrap();
    assert_eq!(
        removed
            .spec
            .unwrap()
            .template
            .spec
            .unwrap()
            .containers
            .len(),
        1
    );
    // Immutable StatefulSet fields are refused.
    let immutable = api_status(
        sts.patch(
            "smp",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"serviceName": "other"}})),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(immutable.code, 422);
    assert!(
        immutable
            .message
            .contains("updates to statefulset spec for fields other than"),
        "{}",
        immutable.message
    );
}

mod json_patch_ops {
    pub type Ops = json_patch::Patch;
}

fn statefulset(name: &str, replicas: i32) -> StatefulSet {
    serde_json::from_value(json!({
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "controller", "image": "quay.io/k0sproject/k0s:v1.36.3-k0s.2", "ports": [{"name": "api", "containerPort": 30443}]}]}
            },
            "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]
        }
    }))
    .unwrap()
}

fn owned_by(owner: &ConfigMap) -> Value {
    json!([{"apiVersion": "v1", "kind": "ConfigMap", "name": owner.metadata.name, "uid": owner.metadata.uid, "controller": true, "blockOwnerDeletion": true}])
}

#[tokio::test]
async fn deletion_propagation_and_finalizers() {
    let ms = start();
    let c = client(&ms).await;
    let cms: Api<ConfigMap> = Api::namespaced(c.clone(), "default");
    let make_pair = |suffix: &'static str| {
        let cms = cms.clone();
        async move {
            let owner = cms
                .create(
                    &PostParams::default(),
                    &cm(&format!("owner-{suffix}"), json!({})),
                )
                .await
                .unwrap();
            let mut dep = cm(&format!("dep-{suffix}"), json!({}));
            dep.metadata.owner_references = serde_json::from_value(owned_by(&owner)).unwrap();
            cms.create(&PostParams::default(), &dep).await.unwrap();
            owner
        }
    };

    make_pair("bg").await;
    let done = cms
        .delete("owner-bg", &DeleteParams::background())
        .await
        .unwrap();
    assert!(done.is_right(), "deleted at once: a Success Status");
    assert!(
        cms.get_opt("dep-bg").await.unwrap().is_none(),
        "background: dependent collected"
    );

    make_pair("orphan").await;
    cms.delete("owner-orphan", &DeleteParams::orphan())
        .await
        .unwrap();
    let orphan = cms.get("dep-orphan").await.unwrap();
    assert!(
        orphan.metadata.owner_references.is_none(),
        "orphan: dependent kept, reference removed"
    );

    // Foreground: the owner waits for a dependent that has its own finalizer.
    make_pair("fg").await;
    cms.patch(
        "dep-fg",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": ["test/hold"]}})),
    )
    .await
    .unwrap();
    let pending = cms
        .delete("owner-fg", &DeleteParams::foreground())
        .await
        .unwrap();
    assert!(pending.is_left(), "the owner lingers");
    let owner = cms.get("owner-fg").await.unwrap();
    assert!(owner.metadata.deletion_timestamp.is_some());
    assert!(
        owner
            .metadata
            .finalizers
            .unwrap()
            .contains(&"foregroundDeletion".to_string())
    );
    let dep = cms.get("dep-fg").await.unwrap();
    assert!(
        dep.metadata.deletion_timestamp.is_some(),
        "the dependent is being deleted"
    );
    cms.patch(
        "dep-fg",
        &PatchParams::default(),
        &Patch::Json::<()>(
            serde_json::from_value(json!([{"op": "remove", "path": "/metadata/finalizers"}]))
                .unwrap(),
        ),
    )
    .await
    .unwrap();
    assert!(cms.get_opt("dep-fg").await.unwrap().is_none());
    assert!(
        cms.get_opt("owner-fg").await.unwrap().is_none(),
        "owner goes once its dependents are gone"
    );

    // Preconditions.
    cms.create(&PostParams::default(), &cm("pre", json!({})))
        .await
        .unwrap();
    let dp = DeleteParams {
        preconditions: Some(kube::api::Preconditions {
            uid: Some("wrong".into()),
            resource_version: None,
        }),
        ..Default::default()
    };
    assert_eq!(
        api_status(cms.delete("pre", &dp).await.unwrap_err()).code,
        409
    );

    // Collection delete by label.
    for n in ["l1", "l2", "l3"] {
        cms.create(
            &PostParams::default(),
            &cm(n, json!({"batch": if n == "l3" { "b" } else { "a" }})),
        )
        .await
        .unwrap();
    }
    let gone = cms
        .delete_collection(
            &DeleteParams::default(),
            &ListParams::default().labels("batch=a"),
        )
        .await
        .unwrap();
    assert_eq!(gone.left().unwrap().items.len(), 2);
    let left = cms
        .list(&ListParams::default().labels("batch"))
        .await
        .unwrap();
    assert_eq!(left.items.len(), 1);
}

#[tokio::test]
async fn deleting_a_namespace_deletes_its_contents() {
    let ms = start();
    let c = client(&ms).await;
    let nss: Api<Namespace> = Api::all(c.clone());
    let ns: Namespace = serde_json::from_value(json!({"metadata": {"name": "doomed"}})).unwrap();
    nss.create(&PostParams::default(), &ns).await.unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(c.clone(), "doomed");
    cms.create(&PostParams::default(), &cm("held", json!({})))
        .await
        .unwrap();
    cms.patch(
        "held",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": ["test/hold"]}})),
    )
    .await
    .unwrap();
    nss.delete("doomed", &DeleteParams::default())
        .await
        .unwrap();
    let terminating = nss.get("doomed").await.unwrap();
    assert_eq!(
        terminating.status.unwrap().phase.as_deref(),
        Some("Terminating")
    );
    let refused = api_status(
        cms.create(&PostParams::default(), &cm("late", json!({})))
            .await
            .unwrap_err(),
    );
    assert_eq!(refused.code, 403);
    assert!(
        refused.message.contains("because it is being terminated"),
        "{}",
        refused.message
    );
    cms.patch(
        "held",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
    assert!(nss.get_opt("doomed").await.unwrap().is_none());
}

#[tokio::test]
async fn statefulset_controller_pods_claims_scaling_and_rollout() {
    let ms = start_with(|c| c.sim.pod_ready_delay = Duration::from_millis(300));
    let c = client(&ms).await;
    let sts: Api<StatefulSet> = Api::namespaced(c.clone(), "default");
    let pods: Api<Pod> = Api::namespaced(c.clone(), "default");
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(c.clone(), "default");
    let mut s = statefulset("kmc-demo", 3);
    s.spec.as_mut().unwrap().pod_management_policy = Some("Parallel".into());
    let created = sts.create(&PostParams::default(), &s).await.unwrap();
    let list = pods
        .list(&ListParams::default().labels("app=kmc-demo"))
        .await
        .unwrap();
    assert_eq!(list.items.len(), 3);
    let p0 = pods.get("kmc-demo-0").await.unwrap();
    let owner = &p0.metadata.owner_references.as_ref().unwrap()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.uid.as_str(), owner.controller),
        (
            "StatefulSet",
            created.metadata.uid.as_deref().unwrap(),
            Some(true)
        )
    );
    assert_eq!(
        p0.status.as_ref().unwrap().phase.as_deref(),
        Some("Running")
    );
    let ready = |p: &Pod| {
        p.status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
    };
    assert!(!ready(&p0), "not Ready before the delay");
    let claim = pvcs.get("data-kmc-demo-0").await.unwrap();
    assert_eq!(claim.status.unwrap().phase.as_deref(), Some("Bound"));
    assert_eq!(
        claim.spec.unwrap().storage_class_name.as_deref(),
        Some("standard")
    );

    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(ready(&pods.get("kmc-demo-0").await.unwrap()));
    let status = sts.get("kmc-demo").await.unwrap().status.unwrap();
    assert_eq!(
        (
            status.replicas,
            status.ready_replicas,
            status.updated_replicas
        ),
        (3, Some(3), Some(3))
    );

    sts.patch(
        "kmc-demo",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"replicas": 1}})),
    )
    .await
    .unwrap();
    assert_eq!(
        pods.list(&ListParams::default().labels("app=kmc-demo"))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    assert!(
        pvcs.get_opt("data-kmc-demo-2").await.unwrap().is_some(),
        "claims outlive scale-down (Retain)"
    );

    let before = pods
        .get("kmc-demo-0")
        .await
        .unwrap()
        .metadata
        .labels
        .unwrap()["controller-revision-hash"]
        .clone();
    sts.patch("kmc-demo", &PatchParams::default(), &Patch::Strategic(json!({"spec": {"template": {"spec": {"containers": [{"name": "controller", "image": "quay.io/k0sproject/k0s:v1.36.4-k0s.0"}]}}}}))).await.unwrap();
    let rolled = pods.get("kmc-demo-0").await.unwrap();
    assert_ne!(
        rolled.metadata.labels.unwrap()["controller-revision-hash"],
        before,
        "template change rolls the pod"
    );
    assert_eq!(
        rolled.spec.unwrap().containers[0].image.as_deref(),
        Some("quay.io/k0sproject/k0s:v1.36.4-k0s.0")
    );
    let generation = sts.get("kmc-demo").await.unwrap();
    assert_eq!(generation.metadata.generation, Some(3));

    // Deleting the StatefulSet collects its pods (Background GC); the claims stay.
    sts.delete("kmc-demo", &DeleteParams::default())
        .await
        .unwrap();
    assert!(
        pods.list(&ListParams::default().labels("app=kmc-demo"))
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(
        pvcs.list(&ListParams::default().labels("app=kmc-demo"))
            .await
            .unwrap()
            .items
            .len(),
        3
    );
}

#[tokio::test]
async fn ordered_ready_creates_one_pod_at_a_time() {
    let ms = start_with(|c| c.sim.pod_ready_delay = Duration::from_millis(200));
    let c = client(&ms).await;
    let sts: Api<StatefulSet> = Api::namespaced(c.clone(), "default");
    let pods: Api<Pod> = Api::namespaced(c.clone(), "default");
    sts.create(&PostParams::default(), &statefulset("ordered", 2))
        .await
        .unwrap();
    assert_eq!(
        pods.list(&ListParams::default().labels("app=ordered"))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        pods.list(&ListParams::default().labels("app=ordered"))
            .await
            .unwrap()
            .items
            .len(),
        2
    );
}

fn service(name: &str, ty: &str, node_port: Option<u16>) -> Service {
    let mut port = json!({"name": "api", "port": 30443, "targetPort": 30443});
    if let Some(np) = node_port {
        port["nodePort"] = json!(np);
    }
    serde_json::from_value(
        json!({"metadata": {"name": name}, "spec": {"type": ty, "selector": {"app": name},
        "ports": [port, {"name": "konnectivity", "port": 30132}]}}),
    )
    .unwrap()
}

#[tokio::test]
async fn services_get_cluster_ips_node_ports_and_load_balancers() {
    let ms = start_with(|c| c.sim.lb_delay = Some(Duration::from_millis(200)));
    let c = client(&ms).await;
    let svcs: Api<Service> = Api::namespaced(c.clone(), "default");
    let cip = svcs
        .create(&PostParams::default(), &service("kmc-a", "ClusterIP", None))
        .await
        .unwrap();
    let spec = cip.spec.unwrap();
    assert!(spec.cluster_ip.unwrap().starts_with("10.96."));
    assert!(spec.ports.unwrap().iter().all(|p| p.node_port.is_none()));

    let np = svcs
        .create(
            &PostParams::default(),
            &service("kmc-b-nodeport", "NodePort", None),
        )
        .await
        .unwrap();
    let ports: Vec<i32> = np
        .spec
        .unwrap()
        .ports
        .unwrap()
        .iter()
        .map(|p| p.node_port.unwrap())
        .collect();
    assert!(
        ports.iter().all(|p| (30000..=32767).contains(p)),
        "{ports:?}"
    );
    assert_ne!(ports[0], ports[1]);

    let pinned = svcs
        .create(
            &PostParams::default(),
            &service("kmc-c-nodeport", "NodePort", Some(31443)),
        )
        .await
        .unwrap();
    assert_eq!(
        pinned.spec.unwrap().ports.unwrap()[0].node_port,
        Some(31443)
    );
    let taken = api_status(
        svcs.create(
            &PostParams::default(),
            &service("kmc-d-nodeport", "NodePort", Some(31443)),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!((taken.code, taken.reason.as_str()), (422, "Invalid"));
    assert!(
        taken.message.ends_with(
            "spec.ports[0].nodePort: Invalid value: 31443: provided port is already allocated"
        ),
        "{}",
        taken.message
    );
    let range = api_status(
        svcs.create(
            &PostParams::default(),
            &service("kmc-e-nodeport", "NodePort", Some(80)),
        )
        .await
        .unwrap_err(),
    );
    assert!(
        range.message.contains(
            "provided port is not in the valid range. The range of valid ports is 30000-32767"
        ),
        "{}",
        range.message
    );

    let lb = svcs
        .create(
            &PostParams::default(),
            &service("kmc-f-lb", "LoadBalancer", None),
        )
        .await
        .unwrap();
    assert!(
        lb.status.unwrap().load_balancer.unwrap().ingress.is_none(),
        "no address before the delay"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let lb = svcs.get("kmc-f-lb").await.unwrap();
    let ip = lb.status.unwrap().load_balancer.unwrap().ingress.unwrap()[0]
        .ip
        .clone()
        .unwrap();
    assert!(ip.starts_with("198.51.100."), "{ip}");
}

#[tokio::test]
async fn load_balancer_that_never_answers() {
    let ms = start_with(|c| c.sim.lb_delay = None);
    let svcs: Api<Service> = Api::namespaced(client(&ms).await, "default");
    svcs.create(
        &PostParams::default(),
        &service("kmc-never-lb", "LoadBalancer", None),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let lb = svcs.get("kmc-never-lb").await.unwrap();
    assert!(lb.status.unwrap().load_balancer.unwrap().ingress.is_none());
}

#[tokio::test]
async fn nodes_storage_classes_and_version() {
    let ms = start_with(|c| {
        c.sim.nodes = vec![NodeSpec {
            name: "edge".into(),
            internal_ip: Some("10.1.0.5".into()),
            external_ip: None,
            external_dns: Some("edge.example.com".into()),
        }];
        c.sim.default_storage_class = false;
        c.sim.server_version = "v1.27.9".into();
    });
    let c = client(&ms).await;
    let nodes: Api<k8s_openapi::api::core::v1::Node> = Api::all(c.clone());
    let list = nodes.list(&ListParams::default()).await.unwrap();
    assert_eq!(list.items.len(), 1);
    let addrs = list.items[0]
        .status
        .as_ref()
        .unwrap()
        .addresses
        .clone()
        .unwrap();
    assert!(
        addrs
            .iter()
            .any(|a| a.type_ == "ExternalDNS" && a.address == "edge.example.com")
    );
    let scs: Api<k8s_openapi::api::storage::v1::StorageClass> = Api::all(c.clone());
    assert!(
        scs.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let v = c.apiserver_version().await.unwrap();
    assert_eq!(
        (v.major.as_str(), v.minor.as_str(), v.git_version.as_str()),
        ("1", "27", "v1.27.9")
    );
    // Without a StorageClass, claims stay Pending with a warning event.
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(c.clone(), "default");
    let pvc: PersistentVolumeClaim = serde_json::from_value(json!({"metadata": {"name": "orphan-claim"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}})).unwrap();
    pvcs.create(&PostParams::default(), &pvc).await.unwrap();
    assert_eq!(
        pvcs.get("orphan-claim")
            .await
            .unwrap()
            .status
            .unwrap()
            .phase
            .as_deref(),
        Some("Pending")
    );
    let events: Api<k8s_openapi::api::core::v1::Event> = Api::namespaced(c.clone(), "default");
    let warnings = events
        .list(&ListParams::default().fields("involvedObject.name=orphan-claim,type=Warning"))
        .await
        .unwrap();
    assert_eq!(warnings.items.len(), 1);
}

#[tokio::test]
async fn authentication_and_authorization() {
    let ms = start();
    ms.add_user(User::read_only("reader", "reader-token"));
    ms.add_user(User {
        name: "ci".into(),
        token: "ci-token".into(),
        rules: Some(vec![
            Rule::new(&["*"], &["configmaps"]).in_namespaces(&["ci"]),
        ]),
    });
    let wrong = client_for(&ms.kubeconfig_with_token("admin", "wrong")).await;
    let cms: Api<ConfigMap> = Api::namespaced(wrong, "default");
    let unauth = api_status(cms.list(&ListParams::default()).await.unwrap_err());
    assert_eq!((unauth.code, unauth.reason.as_str()), (401, "Unauthorized"));

    let reader = client_for(&ms.kubeconfig_with_token("reader", "reader-token")).await;
    let cms: Api<ConfigMap> = Api::namespaced(reader.clone(), "default");
    cms.list(&ListParams::default()).await.unwrap();
    let denied = api_status(
        cms.create(&PostParams::default(), &cm("x", json!({})))
            .await
            .unwrap_err(),
    );
    assert_eq!((denied.code, denied.reason.as_str()), (403, "Forbidden"));
    assert_eq!(
        denied.message,
        "configmaps is forbidden: User \"reader\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"default\""
    );
    let sts: Api<StatefulSet> = Api::namespaced(reader.clone(), "default");
    let denied = api_status(sts.delete("x", &DeleteParams::default()).await.unwrap_err());
    assert_eq!(
        denied.message,
        "statefulsets.apps \"x\" is forbidden: User \"reader\" cannot delete resource \"statefulsets\" in API group \"apps\" in the namespace \"default\""
    );

    let review = |verb: &str, resource: &str, sub: &str, ns: &str| {
        json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
               "spec": {"resourceAttributes": {"verb": verb, "resource": resource, "subresource": sub, "namespace": ns, "group": ""}}})
    };
    let ssar: Api<DynamicObject> = Api::all_with(
        client_for(&ms.kubeconfig_with_token("ci", "ci-token")).await,
        &kube::core::ApiResource {
            group: "authorization.k8s.io".into(),
            version: "v1".into(),
            api_version: "authorization.k8s.io/v1".into(),
            kind: "SelfSubjectAccessReview".into(),
            plural: "selfsubjectaccessreviews".into(),
        },
    );
    for (verb, res, sub, ns, want) in [
        ("create", "configmaps", "", "ci", true),
        ("create", "configmaps", "", "default", false),
        ("create", "pods", "exec", "ci", false),
        ("list", "nodes", "", "", false),
    ] {
        let obj: DynamicObject = serde_json::from_value(review(verb, res, sub, ns)).unwrap();
        let answer = ssar.create(&PostParams::default(), &obj).await.unwrap();
        assert_eq!(
            answer.data["status"]["allowed"],
            json!(want),
            "{verb} {res}/{sub} in {ns:?}"
        );
    }
}

async fn exec(pods: &Api<Pod>, pod: &str, cmd: &[&str]) -> (String, String, ExecStatus) {
    let mut p = pods
        .exec(
            pod,
            cmd.iter().copied(),
            &AttachParams::default().stdout(true).stderr(true),
        )
        .await
        .unwrap();
    let (mut out, mut err) = (String::new(), String::new());
    let mut so = p.stdout().unwrap();
    let mut se = p.stderr().unwrap();
    let status = p.take_status().unwrap();
    so.read_to_string(&mut out).await.unwrap();
    se.read_to_string(&mut err).await.unwrap();
    let status = status.await.unwrap();
    (out, err, status)
}

#[tokio::test]
async fn exec_answers_like_k0s() {
    let ms = start();
    let c = client(&ms).await;
    let k0s_yaml = "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nspec:\n  api:\n    externalAddress: 203.0.113.11\n    port: 31443\n  storage:\n    type: etcd\n";
    for (plural, obj) in control_plane_objects("demo", TEST_CA, k0s_yaml) {
        let ar = match plural {
            "secrets" => kube::core::ApiResource::erase::<Secret>(&()),
            "configmaps" => kube::core::ApiResource::erase::<ConfigMap>(&()),
            _ => kube::core::ApiResource::erase::<StatefulSet>(&()),
        };
        let api: Api<DynamicObject> = Api::namespaced_with(c.clone(), "default", &ar);
        api.create(
            &PostParams::default(),
            &serde_json::from_value(obj).unwrap(),
        )
        .await
        .unwrap();
    }
    let pods: Api<Pod> = Api::namespaced(c.clone(), "default");
    let (out, _, status) = exec(&pods, "kmc-demo-0", &["k0s", "status"]).await;
    assert_eq!(status.status.as_deref(), Some("Success"));
    assert!(out.starts_with("Version: v1.36.3+k0s.2\n"), "{out}");

    let (token, _, _) = exec(
        &pods,
        "kmc-demo-0",
        &["k0s", "token", "create", "--role=worker", "--expiry=1h"],
    )
    .await;
    assert!(token.ends_with('\n') && token.starts_with("H4sI"));
    let kubeconfig = gunzip_token(&token);
    assert!(
        kubeconfig.contains("    server: https://203.0.113.11:31443\n"),
        "{kubeconfig}"
    );
    assert!(kubeconfig.contains("- name: kubelet-bootstrap\n"));
    let ca_b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, TEST_CA);
    assert!(kubeconfig.contains(&format!("certificate-authority-data: {ca_b64}")));
    let secret = kubeconfig
        .lines()
        .find_map(|l| l.trim().strip_prefix("token: "))
        .unwrap()
        .to_string();
    let (id, rest) = secret.split_once('.').unwrap();
    assert!(
        id.len() == 6
            && rest.len() == 16
            && secret
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.')
    );

    let (ctl, _, _) = exec(
        &pods,
        "kmc-demo-0",
        &["k0s", "token", "create", "--role", "controller"],
    )
    .await;
    let ctl_config = gunzip_token(&ctl);
    assert!(
        ctl_config.contains("server: https://203.0.113.11:9443")
            && ctl_config.contains("user: controller-bootstrap")
    );

    let (list, _, _) = exec(
        &pods,
        "kmc-demo-0",
        &["k0s", "token", "list", "--role=worker"],
    )
    .await;
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(lines[0].starts_with("ID ") && lines[1].starts_with(id) && lines[1].contains("worker"));
    let (_, err, status) = exec(&pods, "kmc-demo-0", &["k0s", "token", "list"]).await;
    assert!(err.contains("unsupported role \"\""), "{err}");
    assert_eq!(status.reason.as_deref(), Some("NonZeroExitCode"));

    let (out, _, _) = exec(&pods, "kmc-demo-0", &["k0s", "token", "invalidate", id]).await;
    assert_eq!(out, format!("token {id} deleted successfully\n"));
    let (list, _, _) = exec(
        &pods,
        "kmc-demo-0",
        &["k0s", "token", "list", "--role=worker"],
    )
    .await;
    assert_eq!(list.lines().count(), 1, "only the header is left: {list}");

    let (_, err, status) = exec(&pods, "kmc-demo-0", &["kubeadm", "init"]).await;
    assert_eq!(err, "sh: kubeadm: not found\n");
    assert_eq!(
        status.details.unwrap().causes.unwrap()[0]
            .message
            .as_deref(),
        Some("127")
    );
}

#[tokio::test]
async fn exec_is_refused_for_pods_that_are_not_running() {
    let ms = start_with(|c| c.sim.kubelet = false);
    let c = client(&ms).await;
    let pods: Api<Pod> = Api::namespaced(c, "default");
    let pod: Pod = serde_json::from_value(json!({"metadata": {"name": "idle"}, "spec": {"containers": [{"name": "c", "image": "busybox:1"}]}})).unwrap();
    pods.create(&PostParams::default(), &pod).await.unwrap();
    let err = pods
        .exec("idle", ["true"], &AttachParams::default())
        .await
        .err()
        .expect("refused");
    assert!(format!("{err:?}").contains("400"), "{err:?}");
}

#[tokio::test]
async fn faults_latency_and_the_request_log() {
    let ms = start();
    let c = client(&ms).await;
    let cms: Api<ConfigMap> = Api::namespaced(c.clone(), "default");
    ms.reset_requests();
    ms.inject(Fault::status(
        "POST",
        "/api/v1/namespaces/*/configmaps",
        2,
        500,
    ));
    cms.create(&PostParams::default(), &cm("f1", json!({})))
        .await
        .unwrap();
    let failed = api_status(
        cms.create(&PostParams::default(), &cm("f2", json!({})))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (failed.code, failed.reason.as_str()),
        (500, "InternalError")
    );
    cms.create(&PostParams::default(), &cm("f2", json!({})))
        .await
        .unwrap();

    // kube-rs retries 429 by itself; the log shows both attempts.
    ms.inject(
        Fault::status("GET", "/api/v1/namespaces/default/configmaps/f1", 1, 429).retry_after(1),
    );
    cms.get("f1").await.unwrap();
    let log = ms.requests();
    assert_eq!(log.count("create", "configmaps"), 3);
    assert_eq!(log.count("get", "configmaps"), 2);
    assert!(log.requests.iter().any(|r| r.status == 429));

    ms.inject(Fault::drop_connection("GET", "*/configmaps/f2", 1));
    let dropped = cms.get("f2").await;
    assert!(
        matches!(dropped, Err(ref e) if !matches!(e, kube::Error::Api(_))),
        "a dropped connection is a transport error, not an API error or a success: {dropped:?}"
    );

    ms.set_latency(Duration::from_millis(150));
    let t = std::time::Instant::now();
    cms.get("f1").await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(150));
    ms.set_latency(Duration::ZERO);

    // The same log over HTTP, for scripts.
    let req = http::Request::get("/_mothership/requests")
        .body(Vec::new())
        .unwrap();
    let text = c.request_text(req).await.unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        doc["total"].as_u64().unwrap() as usize,
        ms.requests().total()
    );
    assert!(doc["byVerb"]["create"].as_u64().unwrap() >= 3);
    let req = http::Request::delete("/_mothership/requests")
        .body(Vec::new())
        .unwrap();
    c.request_text(req).await.unwrap();
    assert_eq!(ms.requests().total(), 0);
}

#[tokio::test]
async fn discovery_lists_what_the_cli_uses() {
    let ms = start();
    let c = client(&ms).await;
    let d = kube::Discovery::new(c.clone()).run().await.unwrap();
    for (group, kind) in [
        ("", "Pod"),
        ("", "Secret"),
        ("apps", "StatefulSet"),
        ("storage.k8s.io", "StorageClass"),
        ("authorization.k8s.io", "SelfSubjectAccessReview"),
    ] {
        let g = d.get(group).unwrap_or_else(|| panic!("group {group:?}"));
        assert!(
            g.recommended_resources()
                .iter()
                .any(|(r, _)| r.kind == kind),
            "{kind}"
        );
    }
}
