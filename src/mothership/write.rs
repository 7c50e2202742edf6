//! Writing a planned control plane to the mothership in four sequential waves:
//! 1. reads: every target name (collisions), the namespace, node addresses, referenced
//!    Secrets and ConfigMaps;
//! 2. the record and the Service (its allocations feed the configuration);
//! 3. everything else at once, plus the patches that finish the record and the Service;
//! 4. the StatefulSets.
//!
//! A failure removes what this run wrote, newest first, unless told to keep it.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures::future::join_all;
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service};
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams,
    Preconditions,
};
use serde_json::json;

use super::{Connection, MothershipError, probe};
use crate::core::naming::{self, Names};
use crate::core::pki::{CertPair, Pki};
use crate::core::plan::{self, Exposure, Object};
use crate::core::spec::{KineSource, Manifest, Resolved, ServiceType, Storage};
use crate::error::Failure;
use crate::ui::Ui;

const FIELD_MANAGER: &str = "k0smotron";

pub struct WriteOptions {
    pub keep_on_failure: bool,
    pub create_namespace: bool,
    pub lb_timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    ConfigMap,
    Secret,
    Service,
    StatefulSet,
    Namespace,
}

impl Kind {
    fn of(o: &Object) -> Kind {
        match o {
            Object::ConfigMap(_) => Kind::ConfigMap,
            Object::Secret(_) => Kind::Secret,
            Object::Service(_) => Kind::Service,
            Object::StatefulSet(_) => Kind::StatefulSet,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Kind::ConfigMap => "ConfigMap",
            Kind::Secret => "Secret",
            Kind::Service => "Service",
            Kind::StatefulSet => "StatefulSet",
            Kind::Namespace => "Namespace",
        }
    }

    /// The API for this kind in `ns` (namespaces are cluster-scoped).
    fn api(self, conn: &Connection, ns: &str) -> Api<DynamicObject> {
        let ar = match self {
            Kind::ConfigMap => ApiResource::erase::<ConfigMap>(&()),
            Kind::Secret => ApiResource::erase::<Secret>(&()),
            Kind::Service => ApiResource::erase::<Service>(&()),
            Kind::StatefulSet => ApiResource::erase::<StatefulSet>(&()),
            Kind::Namespace => {
                return Api::all_with(conn.client.clone(), &ApiResource::erase::<Namespace>(&()));
            }
        };
        Api::namespaced_with(conn.client.clone(), ns, &ar)
    }
}

/// What this run created, to undo newest first.
#[derive(Default)]
struct Ledger(Vec<(Kind, String, String)>);

pub struct Written {
    pub exposure: Exposure,
    pub warnings: Vec<String>,
}

fn pp() -> PostParams {
    PostParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    }
}

fn typed<K>(conn: &Connection, ns: &str) -> Api<K>
where
    K: kube::Resource<Scope = NamespaceResourceScope, DynamicType = ()>,
{
    Api::namespaced(conn.client.clone(), ns)
}

/// Every name this control plane will use, by kind.
fn targets(r: &Resolved) -> Vec<(Kind, String)> {
    let n = Names::new(&r.name);
    let mut t = vec![
        (Kind::ConfigMap, n.record()),
        (Kind::Service, n.service(r.service_type.as_str())),
        (Kind::ConfigMap, n.k0s_config()),
        (Kind::ConfigMap, n.entrypoint()),
        (Kind::StatefulSet, n.statefulset()),
        (Kind::Secret, n.kubeconfig()),
    ];
    for purpose in ["ca", "proxy", "etcd", "sa"] {
        t.push((Kind::Secret, n.secret(purpose)));
    }
    if matches!(r.storage, Storage::Etcd { .. }) {
        for purpose in crate::core::pki::ETCD_LEAVES {
            t.push((Kind::Secret, n.secret(purpose)));
        }
        t.push((Kind::Service, n.etcd()));
        t.push((Kind::StatefulSet, n.etcd()));
    }
    t
}

/// The labels of `kind/name`, if it exists.
async fn target_labels(
    conn: &Connection,
    ns: &str,
    kind: Kind,
    name: String,
) -> Result<Option<BTreeMap<String, String>>, kube::Error> {
    Ok(kind
        .api(conn, ns)
        .get_opt(&name)
        .await?
        .map(|o| o.metadata.labels.unwrap_or_default()))
}

fn ours(labels: &BTreeMap<String, String>, name: &str) -> bool {
    labels.get(naming::MANAGED_BY).map(String::as_str) == Some("k0smotron")
        && labels.get(naming::CLUSTER).map(String::as_str) == Some(name)
}

/// What wave 1 learned.
struct Facts {
    namespace_exists: bool,
    node_address: Option<String>,
}

async fn wave1(conn: &Connection, r: &Resolved) -> Result<Facts, Failure> {
    let ns = r.namespace.as_str();
    let targets = targets(r);
    let checks = join_all(
        targets
            .iter()
            .map(|(k, n)| target_labels(conn, ns, *k, n.clone())),
    );
    let namespace = target_labels(conn, ns, Kind::Namespace, ns.to_string());
    let want_nodes = r.service_type == ServiceType::NodePort && r.external_address.is_none();
    let nodes = async {
        if want_nodes {
            Some(probe::nodes(conn).await)
        } else {
            None
        }
    };
    let mut refs: Vec<(Kind, String, &str)> = r
        .manifests
        .iter()
        .map(|m| match m {
            Manifest::ConfigMap(n) => (Kind::ConfigMap, n.clone(), "--manifests"),
            Manifest::Secret(n) => (Kind::Secret, n.clone(), "--manifests"),
        })
        .collect();
    if let Storage::Kine(KineSource::Secret(s)) = &r.storage {
        refs.push((Kind::Secret, s.clone(), "--datasource-secret"));
    }
    let ref_checks = join_all(
        refs.iter()
            .map(|(k, n, _)| target_labels(conn, ns, *k, n.clone())),
    );
    let (checks, namespace, nodes, ref_checks) = tokio::join!(checks, namespace, nodes, ref_checks);

    // Reading namespaces is cluster-scoped; a namespace-scoped role may not. Then assume it
    // exists: if it does not, the first write says so and the run is rolled back.
    let namespace_exists = match namespace {
        Ok(found) => found.is_some(),
        Err(kube::Error::Api(s)) if s.code == 403 => true,
        Err(e) => return Err(conn.translate(e).into()),
    };
    if namespace_exists {
        let mut existing_ours = Vec::new();
        for ((kind, name), found) in targets.iter().zip(checks) {
            match found.map_err(|e| conn.translate(e))? {
                None => {}
                Some(labels) if ours(&labels, &r.name) => {
                    existing_ours.push(format!("{}/{name}", kind.name()))
                }
                Some(_) => {
                    return Err(Failure::Failed(format!(
                        "{}/{name} already exists in namespace {ns} and does not belong to control plane {}; nothing was written (pick another NAME or namespace)",
                        kind.name(),
                        r.name
                    )));
                }
            }
        }
        if existing_ours
            .iter()
            .any(|o| o == &format!("ConfigMap/{}", Names::new(&r.name).record()))
        {
            return Err(Failure::Failed(format!(
                "control plane {} already exists in namespace {ns}; change it with `k0smotron upgrade` or `k0smotron scale`, or remove it with `k0smotron delete {}` (until those commands land: `kubectl -n {ns} delete statefulsets,services,configmaps,secrets,persistentvolumeclaims -l {}`)",
                r.name,
                r.name,
                naming::selector(&r.name)
            )));
        }
        if !existing_ours.is_empty() {
            return Err(Failure::Failed(format!(
                "objects of control plane {} are left from an earlier run ({}); remove them with `kubectl -n {ns} delete statefulsets,services,configmaps,secrets,persistentvolumeclaims -l {}` and create again",
                r.name,
                existing_ours.join(", "),
                naming::selector(&r.name)
            )));
        }
        for ((_, name, flag), found) in refs.iter().zip(ref_checks) {
            if found.map_err(|e| conn.translate(e))?.is_none() {
                return Err(Failure::Failed(format!(
                    "{flag} {name}: no such object in namespace {ns}"
                )));
            }
        }
    }
    let node_address = match nodes {
        Some(Ok(list)) => crate::core::doctor::node_endpoint(&list).map(|(_, a)| a),
        Some(Err(e)) => {
            return Err(Failure::Failed(format!(
                "cannot find a node address for NodePort exposure ({e}); pass --external-address"
            )));
        }
        None => None,
    };
    if want_nodes && node_address.is_none() {
        return Err(Failure::Failed(
            "no node reports an address for NodePort exposure; pass --external-address".into(),
        ));
    }
    Ok(Facts {
        namespace_exists,
        node_address,
    })
}

async fn create_object(conn: &Connection, ns: &str, o: &Object) -> Result<String, MothershipError> {
    let object: DynamicObject = serde_json::to_value(o)
        .and_then(serde_json::from_value)
        .expect("planned objects serialise");
    let created = Kind::of(o)
        .api(conn, ns)
        .create(&pp(), &object)
        .await
        .map_err(|e| conn.translate(e))?;
    Ok(created.metadata.uid.unwrap_or_default())
}

/// Note what a wave created in the ledger; the first failure, as a sentence.
fn settle_wave(
    objects: &[Object],
    results: Vec<Result<String, MothershipError>>,
    ledger: &mut Ledger,
) -> Option<String> {
    let mut first_error = None;
    for (o, res) in objects.iter().zip(results) {
        match res {
            Ok(uid) => ledger.0.push((Kind::of(o), o.name().to_string(), uid)),
            Err(e) => {
                first_error.get_or_insert(write_failure(&o.describe(), &e));
            }
        }
    }
    first_error
}

fn write_failure(what: &str, e: &MothershipError) -> String {
    format!("writing {what} failed: {e}")
}

/// One `create` run: where it writes, what, and how.
pub struct Run<'a> {
    pub conn: &'a Connection,
    pub resolved: &'a Resolved,
    pub opts: &'a WriteOptions,
    pub ui: &'a Ui,
    pub cli_version: &'a str,
}

/// Write everything. `pki` is the key generation started before any request.
pub async fn write(
    run: &Run<'_>,
    pki: tokio::task::JoinHandle<Result<(Pki, CertPair), String>>,
) -> Result<Written, Failure> {
    let (conn, r, opts, ui) = (run.conn, run.resolved, run.opts, run.ui);
    let step = ui.step("Checking names and references");
    let facts = match wave1(conn, r).await {
        Ok(f) => f,
        Err(e) => {
            step.failed("stopped before writing anything");
            return Err(e);
        }
    };
    step.done(&format!(
        "{} names free in namespace {}",
        targets(r).len(),
        r.namespace
    ));
    let mut ledger = Ledger::default();
    let result = write_waves(run, pki, facts, &mut ledger).await;
    match result {
        Ok(w) => Ok(w),
        Err(e) => {
            if opts.keep_on_failure {
                let kept: Vec<String> = ledger
                    .0
                    .iter()
                    .map(|(k, n, _)| format!("{}/{n}", k.name()))
                    .collect();
                ui.note(&format!(
                    "--keep-on-failure: left in place: {}",
                    if kept.is_empty() {
                        "nothing".into()
                    } else {
                        kept.join(", ")
                    }
                ));
            } else {
                rollback(conn, r, &ledger, ui).await;
            }
            Err(e)
        }
    }
}

async fn write_waves(
    run: &Run<'_>,
    pki: tokio::task::JoinHandle<Result<(Pki, CertPair), String>>,
    facts: Facts,
    ledger: &mut Ledger,
) -> Result<Written, Failure> {
    let (conn, r, opts, ui, cli_version) =
        (run.conn, run.resolved, run.opts, run.ui, run.cli_version);
    let ns = r.namespace.as_str();
    let names = Names::new(&r.name);
    if !facts.namespace_exists {
        if !opts.create_namespace {
            return Err(Failure::Failed(format!(
                "namespace {ns} does not exist; create it first or pass --create-namespace"
            )));
        }
        let namespace: Namespace = serde_json::from_value(
            json!({"metadata": {"name": ns, "labels": naming::labels(&r.name, "namespace")}}),
        )
        .expect("namespace");
        let created = Api::<Namespace>::all(conn.client.clone())
            .create(&pp(), &namespace)
            .await
            .map_err(|e| {
                Failure::Failed(write_failure(
                    &format!("Namespace/{ns}"),
                    &conn.translate(e),
                ))
            })?;
        ledger.0.push((
            Kind::Namespace,
            ns.to_string(),
            created.metadata.uid.unwrap_or_default(),
        ));
    }

    // Wave 2: the record (every other object's owner) and the Service.
    let step = ui.step("Exposing the control plane");
    let mut record = plan::record(r, None, cli_version);
    if !facts.namespace_exists {
        record
            .data
            .get_or_insert_with(Default::default)
            .insert("createdNamespace".into(), "true".into());
    }
    let service = plan::service(r, None, None);
    let svc_api = typed::<Service>(conn, ns);
    let (cm_api, params) = (typed::<ConfigMap>(conn, ns), pp());
    let (rec, svc) = tokio::join!(
        cm_api.create(&params, &record),
        svc_api.create(&params, &service)
    );
    let rec = rec.map(|c| c.metadata.uid.unwrap_or_default());
    if let Ok(uid) = &rec {
        ledger
            .0
            .push((Kind::ConfigMap, names.record(), uid.clone()));
    }
    if let Ok(s) = &svc {
        ledger.0.push((
            Kind::Service,
            names.service(r.service_type.as_str()),
            s.metadata.uid.clone().unwrap_or_default(),
        ));
    }
    let record_uid = match rec {
        Ok(uid) => uid,
        Err(e) => {
            step.failed("");
            return Err(Failure::Failed(write_failure(
                &format!("ConfigMap/{}", names.record()),
                &conn.translate(e),
            )));
        }
    };
    let mut svc = match svc {
        Ok(s) => s,
        Err(e) => {
            step.failed("");
            return Err(Failure::Failed(write_failure(
                &format!("Service/{}", names.service(r.service_type.as_str())),
                &conn.translate(e),
            )));
        }
    };
    if r.service_type == ServiceType::LoadBalancer && r.external_address.is_none() {
        svc = wait_for_load_balancer(conn, r, &step, opts.lb_timeout).await?;
    }
    let exposure = exposure_from(r, &svc, facts.node_address.as_deref())?;
    let mut warnings = Vec::new();
    if r.service_type == ServiceType::ClusterIp {
        warnings.push(format!(
            "{} is a ClusterIP address: only pods in the mothership can reach it",
            exposure.endpoint()
        ));
    }
    step.done(&exposure.endpoint());

    // Keys were generated meanwhile.
    let (pki, admin) = pki
        .await
        .map_err(|e| Failure::Failed(format!("key generation stopped: {e}")))?
        .map_err(|e| Failure::Failed(format!("key generation failed: {e}")))?;

    // Wave 3: everything but the StatefulSets, plus the patches that finish record and Service.
    let step = ui.step("Writing configuration and certificates");
    let owner = plan::owner_reference(&names.record(), &record_uid);
    let rest = plan::rest(r, &exposure, &pki, &admin, Some(&owner));
    let final_record = plan::record(r, Some(&exposure), cli_version);
    let record_patch = json!({"data": final_record.data});
    let service_patch = plan::service_ports_patch(r, &exposure, &owner);
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    let (cm_api, record_name, service_name) = (
        typed::<ConfigMap>(conn, ns),
        names.record(),
        names.service(r.service_type.as_str()),
    );
    let (record_patch, service_patch) = (Patch::Merge(&record_patch), Patch::Merge(&service_patch));
    let patches = async {
        let (cm, sv) = tokio::join!(
            cm_api.patch(&record_name, &params, &record_patch),
            svc_api.patch(&service_name, &params, &service_patch)
        );
        [
            cm.map(|_| ()).map_err(|e| {
                write_failure(&format!("ConfigMap/{record_name}"), &conn.translate(e))
            }),
            sv.map(|_| ())
                .map_err(|e| write_failure(&format!("Service/{service_name}"), &conn.translate(e))),
        ]
    };
    let creates = join_all(rest.objects.iter().map(|o| create_object(conn, ns, o)));
    let (patched, created) = tokio::join!(patches, creates);
    let mut first_error = settle_wave(&rest.objects, created, ledger);
    for p in patched {
        if let Err(e) = p {
            first_error.get_or_insert(e);
        }
    }
    if let Some(e) = first_error {
        step.failed("");
        return Err(Failure::Failed(e));
    }
    step.done(&format!("{} objects", rest.objects.len() + 2));

    // Wave 4: the StatefulSets, once everything they mount exists.
    let step = ui.step("Starting the control plane");
    let created = join_all(rest.statefulsets.iter().map(|o| create_object(conn, ns, o))).await;
    let first_error = settle_wave(&rest.statefulsets, created, ledger);
    if let Some(e) = first_error {
        step.failed("");
        return Err(Failure::Failed(e));
    }
    step.done(
        &rest
            .statefulsets
            .iter()
            .map(Object::describe)
            .collect::<Vec<_>>()
            .join(", "),
    );
    Ok(Written { exposure, warnings })
}

fn exposure_from(
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

async fn wait_for_load_balancer(
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
        tokio::time::sleep(Duration::from_millis(500).min(timeout)).await;
    }
}

/// Remove what this run wrote, newest first, and any claims its StatefulSets made.
async fn rollback(conn: &Connection, r: &Resolved, ledger: &Ledger, ui: &Ui) {
    if ledger.0.is_empty() {
        return;
    }
    let step = ui.step("Removing what this run wrote");
    let ns = r.namespace.as_str();
    let mut left = Vec::new();
    for (kind, name, uid) in ledger.0.iter().rev() {
        let dp = DeleteParams {
            preconditions: Some(Preconditions {
                uid: Some(uid.clone()),
                resource_version: None,
            }),
            ..DeleteParams::background()
        };
        let result = kind.api(conn, ns).delete(name, &dp).await.map(|_| ());
        match result {
            Ok(()) => {}
            Err(kube::Error::Api(s)) if s.code == 404 => {}
            Err(e) => left.push(format!("{}/{name} ({})", kind.name(), conn.translate(e))),
        }
    }
    if ledger.0.iter().any(|(k, _, _)| *k == Kind::StatefulSet) {
        let claims = typed::<PersistentVolumeClaim>(conn, ns);
        if let Err(e) = claims
            .delete_collection(
                &DeleteParams::background(),
                &ListParams::default().labels(&naming::selector(&r.name)),
            )
            .await
        {
            left.push(format!(
                "PersistentVolumeClaims -l {} ({})",
                naming::selector(&r.name),
                conn.translate(e)
            ));
        }
    }
    if left.is_empty() {
        step.done(&format!("{} objects removed", ledger.0.len()));
    } else {
        step.failed(&format!("could not remove: {}", left.join(", ")));
    }
}
