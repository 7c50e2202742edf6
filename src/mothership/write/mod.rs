//! Writing a planned control plane to the mothership in four sequential waves:
//! 1. reads: every target name (collisions), the namespace, node addresses, referenced
//!    Secrets and ConfigMaps;
//! 2. the record and the Service (its allocations feed the configuration);
//! 3. everything else at once, plus the patches that finish the record and the Service;
//! 4. the StatefulSets.
//!
//! A failure removes what this run wrote, newest first, unless told to keep it.

mod checks;
mod exposure;
mod rollback;

use std::time::Duration;

use futures::future::join_all;
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Secret, Service};
use kube::api::{Api, ApiResource, DynamicObject, Patch, PatchParams, PostParams};
use serde_json::json;

use self::checks::{Facts, targets, wave1};
use self::exposure::{exposure_from, wait_for_load_balancer};
use self::rollback::rollback;
use super::{Connection, MothershipError};
use crate::core::naming::{self, Names};
use crate::core::pki::{CertPair, Pki};
use crate::core::plan::{self, Exposure, Object, Rest};
use crate::core::spec::{Resolved, ServiceType};
use crate::error::Failure;
use crate::ui::Ui;

use super::interrupt::checkpoint;
use super::patch::FIELD_MANAGER;

/// What an interrupted create was doing, for the message.
const WRITING: &str = "while writing the control plane";

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
    /// The kind of a planned object, by its `kind`.
    fn named(kind: &str) -> Kind {
        match kind {
            "ConfigMap" => Kind::ConfigMap,
            "Secret" => Kind::Secret,
            "Service" => Kind::Service,
            "StatefulSet" => Kind::StatefulSet,
            other => panic!("no object of kind {other} is planned"),
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
    let text = e.to_string();
    let hint = if text.contains("port is already allocated") {
        // A node port is one per mothership: another Service (another control plane, or
        // this one's original when a document was exported) holds it.
        "; another Service of the mothership has that node port: pin free ones with --api-port and --konnectivity-port, or leave both out (and out of spec.service) to have ports allocated"
    } else {
        ""
    };
    format!("writing {what} failed: {text}{hint}")
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
pub async fn write(run: &Run<'_>, pki: Keys) -> Result<Written, Failure> {
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
    checkpoint("before writing anything; nothing was written")?;
    let mut ledger = Ledger::default();
    let result = write_waves(run, pki, facts, &mut ledger).await;
    match result {
        Ok(w) => Ok(w),
        Err(Failure::Interrupted(doing)) if !opts.keep_on_failure => {
            let left = rollback(conn, r, &ledger, ui).await;
            Err(Failure::Interrupted(if left.is_empty() {
                format!("{doing}; everything this run wrote was removed")
            } else {
                format!(
                    "{doing}; could not remove {} (`{}` removes what is left)",
                    left.join(", "),
                    crate::ui::hint::command(&format!("delete {}", r.name))
                )
            }))
        }
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

/// The key generation started before any request (on blocking threads), as a future.
pub type Keys =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(Pki, CertPair), Failure>> + Send>>;

/// Waves 2 to 4, each a function of its own; every object created goes into the ledger.
async fn write_waves(
    run: &Run<'_>,
    keys: Keys,
    facts: Facts,
    ledger: &mut Ledger,
) -> Result<Written, Failure> {
    if !facts.namespace_exists {
        create_namespace(run, ledger).await?;
        checkpoint(WRITING)?;
    }
    let step = run.ui.step("Recording and exposing the control plane");
    let r = run.resolved;
    let service_name = Names::new(&r.name).service(r.service_type.as_str());
    let load_balancer = r.service_type == ServiceType::LoadBalancer && r.external_address.is_none();
    // The load-balancer address is watched from the moment the Service is written, in the
    // same wave: a watch without a resourceVersion first reports the Service as it is.
    let at = (r.namespace.as_str(), service_name.as_str());
    let (recorded, watched) = {
        let mut record = std::pin::pin!(record_and_service(run, &facts, ledger));
        let mut watch = std::pin::pin!(async {
            if load_balancer {
                Some(wait_for_load_balancer(run.conn, at, None, &step, run.opts.lb_timeout).await)
            } else {
                None
            }
        });
        let mut watched = None;
        let recorded = loop {
            tokio::select! {
                recorded = &mut record => break recorded,
                w = &mut watch, if watched.is_none() => watched = Some(w),
            }
        };
        match (recorded.is_ok(), watched) {
            (true, None) => (recorded, watch.await),
            (_, watched) => (recorded, watched.flatten()),
        }
    };
    let (record_uid, service) = match recorded {
        Ok(written) => written,
        Err((object, e)) => {
            step.failed(&format!("{object} was not written"));
            return Err(e);
        }
    };
    if let Err(e) = checkpoint(WRITING) {
        step.failed("interrupted");
        return Err(e);
    }
    let service = match watched {
        // Ours: a run that lost the race for the name removes its Service again.
        Some(Ok(seen)) if seen.metadata.uid == service.metadata.uid => seen,
        Some(Ok(_)) => {
            wait_for_load_balancer(run.conn, at, Some(&service), &step, run.opts.lb_timeout).await?
        }
        Some(Err(e)) => {
            step.failed("no load-balancer address");
            return Err(e);
        }
        None => service,
    };
    let exposure = exposure_from(r, &service, facts.node_address.as_deref())?;
    let mut warnings = Vec::new();
    if r.service_type == ServiceType::ClusterIp {
        warnings.push(format!(
            "{} is a ClusterIP address: only pods in the mothership can reach it",
            exposure.endpoint()
        ));
    }
    step.done(&exposure.endpoint());

    // Keys were generated meanwhile.
    let (pki, admin) = keys.await?;
    let names = Names::new(&r.name);
    let owner = plan::owner_reference(&names.record(), &record_uid);
    let rest = plan::rest(r, &exposure, &pki, &admin, Some(&owner));
    checkpoint(WRITING)?;
    configuration(run, &exposure, &owner, &rest, ledger).await?;
    checkpoint(WRITING)?;
    statefulsets(run, &rest, ledger).await?;
    Ok(Written { exposure, warnings })
}

/// With `--create-namespace`, the namespace first (labelled, and removed again on rollback).
async fn create_namespace(run: &Run<'_>, ledger: &mut Ledger) -> Result<(), Failure> {
    let (conn, r) = (run.conn, run.resolved);
    let ns = r.namespace.as_str();
    if !run.opts.create_namespace {
        return Err(Failure::Failed(format!(
            "namespace {ns} does not exist; create it first or pass --create-namespace"
        )));
    }
    let namespace: Namespace = serde_json::from_value(
        json!({"metadata": {"name": ns, "labels": naming::labels(&r.name, "namespace")}}),
    )
    .expect("namespace");
    let step = run.ui.step(&format!("Creating namespace {ns}"));
    let created = match Api::<Namespace>::all(conn.client.clone())
        .create(&pp(), &namespace)
        .await
    {
        Ok(created) => created,
        Err(e) => {
            step.failed(&format!("Namespace/{ns} was not written"));
            let message = write_failure(&format!("Namespace/{ns}"), &conn.translate(e));
            return Err(Failure::Failed(message));
        }
    };
    step.done("");
    ledger.0.push((
        Kind::Namespace,
        ns.to_string(),
        created.metadata.uid.unwrap_or_default(),
    ));
    Ok(())
}

/// Wave 2: the record (every other object's owner) and the Service, whose allocations feed
/// the configuration. Returns the record's uid and the Service as created, or the object
/// that was not written and why.
async fn record_and_service(
    run: &Run<'_>,
    facts: &Facts,
    ledger: &mut Ledger,
) -> Result<(String, Service), (String, Failure)> {
    let (conn, r) = (run.conn, run.resolved);
    let ns = r.namespace.as_str();
    let names = Names::new(&r.name);
    let mut record = plan::record(r, None, run.cli_version);
    if !facts.namespace_exists {
        record
            .data
            .get_or_insert_with(Default::default)
            .insert("createdNamespace".into(), "true".into());
    }
    let service = plan::service(r, None, None);
    let params = pp();
    let (cm_api, svc_api) = (typed::<ConfigMap>(conn, ns), typed::<Service>(conn, ns));
    let (rec, mut svc) = tokio::join!(
        cm_api.create(&params, &record),
        svc_api.create(&params, &service)
    );
    let service_name = names.service(r.service_type.as_str());
    // The record is the lock between two runs creating the same name at once: the one
    // whose record was written wins, and the other removes its Service when it sees it
    // lost, so the winner asks again for a moment rather than both failing.
    if rec.is_ok() {
        let until = std::time::Instant::now() + Duration::from_secs(5);
        while matches!(&svc, Err(kube::Error::Api(s)) if s.code == 409)
            && std::time::Instant::now() < until
        {
            tokio::time::sleep(Duration::from_millis(200)).await;
            svc = svc_api.create(&params, &service).await;
        }
    }
    if let Ok(c) = &rec {
        ledger.0.push((
            Kind::ConfigMap,
            names.record(),
            c.metadata.uid.clone().unwrap_or_default(),
        ));
    }
    if let Ok(s) = &svc {
        ledger.0.push((
            Kind::Service,
            service_name.clone(),
            s.metadata.uid.clone().unwrap_or_default(),
        ));
    }
    let failed = |what: String, e: kube::Error| {
        let message = write_failure(&what, &conn.translate(e));
        (what, Failure::Failed(message))
    };
    let rec = rec.map_err(|e| failed(format!("ConfigMap/{}", names.record()), e))?;
    let svc = svc.map_err(|e| failed(format!("Service/{service_name}"), e))?;
    Ok((rec.metadata.uid.unwrap_or_default(), svc))
}

/// Wave 3: every Secret and ConfigMap (and the etcd Service) at once, plus the two patches
/// that finish what wave 2 wrote: the record gets the endpoint, the Service its owner and
/// the ports k0s listens on.
async fn configuration(
    run: &Run<'_>,
    exposure: &Exposure,
    owner: &k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference,
    rest: &Rest,
    ledger: &mut Ledger,
) -> Result<(), Failure> {
    let (conn, r) = (run.conn, run.resolved);
    let ns = r.namespace.as_str();
    let names = Names::new(&r.name);
    let step = run.ui.step("Writing configuration and certificates");
    let final_record = plan::record(r, Some(exposure), run.cli_version);
    let record_patch = json!({"data": final_record.data});
    let service_patch = plan::service_ports_patch(r, exposure, owner);
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    let (record_name, service_name) = (names.record(), names.service(r.service_type.as_str()));
    let (cm_api, svc_api) = (typed::<ConfigMap>(conn, ns), typed::<Service>(conn, ns));
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
    Ok(())
}

/// Wave 4: the StatefulSets, once everything they mount exists.
async fn statefulsets(run: &Run<'_>, rest: &Rest, ledger: &mut Ledger) -> Result<(), Failure> {
    let (conn, ns) = (run.conn, run.resolved.namespace.as_str());
    let step = run.ui.step("Starting the control plane");
    let created = join_all(rest.statefulsets.iter().map(|o| create_object(conn, ns, o))).await;
    if let Some(e) = settle_wave(&rest.statefulsets, created, ledger) {
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
    Ok(())
}
