//! Waiting for a control plane to serve: its controller pods Ready, with their phases and
//! new Warning events (and a hint for each) shown as they happen. Polls; no watch.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Event, PersistentVolumeClaim, Pod};
use kube::api::{Api, ListParams};

use super::Connection;
use super::child_api::{self, Answer};
use crate::core::naming::{self, Names};
use crate::error::Failure;
use crate::ui::Step;

const POLL: Duration = Duration::from_millis(500);

/// What to do about a Warning event, by its reason.
pub fn hint(reason: &str) -> &'static str {
    match reason {
        "Failed" | "ErrImagePull" | "ImagePullBackOff" | "InspectFailed" => {
            "check --image and --version, and that the nodes can pull from the registry"
        }
        "FailedScheduling" => {
            "no node fits the pod: check --cpu/--memory, node capacity, taints and unbound claims"
        }
        "BackOff" | "CrashLoopBackOff" => {
            "the container keeps exiting: see `kubectl logs POD -c CONTAINER --previous`"
        }
        "ProvisioningFailed" | "FailedBinding" => {
            "the claim cannot be provisioned: pass --storage-class, install a provisioner, or use --storage kine with --persistence emptyDir"
        }
        "FailedMount" | "FailedAttachVolume" => {
            "a volume cannot be mounted: check that the referenced Secrets and ConfigMaps exist"
        }
        "Unhealthy" => {
            "a probe fails: the controller's API does not answer /readyz (or etcd is not healthy); see the container log"
        }
        _ => "see `kubectl describe` of the object",
    }
}

/// How a wait knew the control plane serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Served {
    /// Its API answered `/readyz` through the endpoint.
    Api(String),
    /// Its controllers are Ready by their own `/readyz` probe; the endpoint could not be
    /// asked from here (why).
    Pods(String),
}

impl std::fmt::Display for Served {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Served::Api(endpoint) => write!(f, "its API answers at {endpoint}"),
            Served::Pods(why) => write!(
                f,
                "ready by the controllers' /readyz probes (not asked from here: {why})"
            ),
        }
    }
}

/// Close `step` with how the wait ended.
pub fn finish(step: Step, waited: Result<Served, Failure>) -> Result<Served, Failure> {
    match &waited {
        Ok(served) => step.done(&served.to_string()),
        Err(_) => step.failed(""),
    }
    waited
}

/// Wait until `replicas` controllers of `name` are Ready and, where it can be reached from
/// here, its API answers `/readyz` at `endpoint`.
pub async fn until_ready(
    conn: &Connection,
    name: &str,
    replicas: i32,
    endpoint: &str,
    timeout: Duration,
    step: &Step,
) -> Result<Served, Failure> {
    let ns = conn.namespace.as_str();
    let names = Names::new(name);
    let sts_api: Api<StatefulSet> = Api::namespaced(conn.client.clone(), ns);
    let pod_api: Api<Pod> = Api::namespaced(conn.client.clone(), ns);
    let pvc_api: Api<PersistentVolumeClaim> = Api::namespaced(conn.client.clone(), ns);
    let event_api: Api<Event> = Api::namespaced(conn.client.clone(), ns);
    let ours = ListParams::default().labels(&naming::selector(name));
    let warnings = ListParams::default().fields("type=Warning");
    let sts_name = names.statefulset();
    let start = Instant::now();
    let mut seen: HashSet<String> = HashSet::new();
    // Made when the controllers are first Ready: one read of the kubeconfig Secret per wait.
    let mut route: Option<child_api::Route> = None;
    loop {
        let (sts, pods, claims, events) = tokio::join!(
            sts_api.get(&sts_name),
            pod_api.list(&ours),
            pvc_api.list(&ours),
            event_api.list(&warnings)
        );
        let sts = sts.map_err(|e| match e {
            kube::Error::Api(s) if s.code == 404 => Failure::Failed(format!(
                "control plane {name} was deleted while waiting for it (StatefulSet/{sts_name} is gone)"
            )),
            e => Failure::Failed(conn.translate(e).to_string()),
        })?;
        let ready = sts
            .status
            .as_ref()
            .and_then(|s| s.ready_replicas)
            .unwrap_or(0);
        let pods = pods.map(|l| l.items).unwrap_or_default();
        let claims = claims.map(|l| l.items).unwrap_or_default();
        let mut uids: HashSet<String> =
            pods.iter().filter_map(|p| p.metadata.uid.clone()).collect();
        uids.extend(claims.iter().filter_map(|c| c.metadata.uid.clone()));
        let now = time::OffsetDateTime::now_utc();
        for ev in events.map(|l| l.items).unwrap_or_default() {
            let about = ev.involved_object.uid.clone().unwrap_or_default();
            let reason = ev.reason.clone().unwrap_or_default();
            let message = ev.message.clone().unwrap_or_default();
            // The scheduler records the same failure as several events (one per attempt
            // until it starts a series): say each thing once.
            // A claim that binds within its provisioner's normal time is no news: said only
            // while the cause lasts (and so later, if it does).
            if uids.contains(&about)
                && crate::core::status::lasting(&reason, &message, &claims, now)
                && seen.insert(format!("{about}\n{reason}\n{message}"))
            {
                step.warn(&format!(
                    "{}/{}: {reason}: {} ({})",
                    ev.involved_object.kind.clone().unwrap_or_default(),
                    ev.involved_object.name.clone().unwrap_or_default(),
                    message.trim(),
                    hint(&reason)
                ));
            }
        }
        let mut phases = controller_pod_states(&pods);
        if ready >= replicas {
            let route = match &mut route {
                Some(r) => r,
                None => route.insert(child_api::route(conn, name, endpoint).await?),
            };
            match child_api::readyz(route, endpoint).await {
                Answer::Ready => return Ok(Served::Api(endpoint.to_string())),
                Answer::Unreachable(why) => return Ok(Served::Pods(first_clause(&why))),
                Answer::NotReady(said) => {
                    phases.push(format!("{endpoint}/readyz: {}", first_clause(&said)))
                }
            }
        }
        // A container that has exited three times will not start by waiting longer.
        if let Some(c) = pods
            .iter()
            .filter_map(crate::core::listing::crash)
            .find(|c| c.persistent())
        {
            return Err(Failure::Failed(format!(
                "{c}; the objects stay: read `kubectl -n {ns} logs {} -c {} --previous`, then fix the spec and create again after `{}`",
                c.pod,
                c.container,
                crate::ui::hint::command(&format!("delete {name}"))
            )));
        }
        if start.elapsed() >= timeout {
            let state = if phases.is_empty() {
                "no pods yet".to_string()
            } else {
                phases.join(", ")
            };
            return Err(Failure::TimedOut(format!(
                "timed out after {} waiting for {} of StatefulSet/{} ({ready} ready; {state}); the objects stay: follow with `kubectl -n {ns} get pods -l {}` or `{}`",
                crate::core::duration::format(timeout),
                crate::ui::count(replicas, "ready replica"),
                names.statefulset(),
                naming::selector(name),
                crate::ui::hint::command(&format!("delete {name}"))
            )));
        }
        step.update(&format!(
            "{ready}/{replicas} replicas ready{}",
            if phases.is_empty() {
                String::new()
            } else {
                format!(" ({})", phases.join(", "))
            }
        ));
        tokio::time::sleep(POLL).await;
    }
}

/// The first line of an error, without the causes kube and hyper chain after it.
fn first_clause(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(160)
        .collect()
}

/// `NAME STATE` of each control-plane pod among `pods`.
pub fn controller_pod_states(pods: &[Pod]) -> Vec<String> {
    pods.iter()
        .filter(|p| {
            p.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(naming::COMPONENT))
                .map(String::as_str)
                == Some("control-plane")
        })
        .map(|p| {
            format!(
                "{} {}",
                p.metadata.name.clone().unwrap_or_default(),
                pod_state(p)
            )
        })
        .collect()
}

pub fn is_ready(p: &Pod) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

fn pod_state(p: &Pod) -> String {
    let status = p.status.clone().unwrap_or_default();
    let waiting = status.container_statuses.iter().flatten().find_map(|c| {
        c.state
            .as_ref()
            .and_then(|s| s.waiting.as_ref())
            .and_then(|w| w.reason.clone())
    });
    match (waiting, is_ready(p)) {
        (Some(reason), _) => reason,
        (None, true) => "Ready".into(),
        (None, false) => status.phase.unwrap_or_else(|| "Pending".into()),
    }
}

/// The kinds a control plane is made of, as (plural, API), for waiting on and deleting by
/// label.
pub fn kinds(conn: &Connection) -> Vec<(&'static str, Api<kube::api::DynamicObject>)> {
    use k8s_openapi::api::core::v1::{ConfigMap, Secret, Service};
    use kube::api::{ApiResource, DynamicObject};
    let ns = conn.namespace.as_str();
    let api = |ar: ApiResource| Api::<DynamicObject>::namespaced_with(conn.client.clone(), ns, &ar);
    vec![
        ("statefulsets", api(ApiResource::erase::<StatefulSet>(&()))),
        ("services", api(ApiResource::erase::<Service>(&()))),
        ("configmaps", api(ApiResource::erase::<ConfigMap>(&()))),
        ("secrets", api(ApiResource::erase::<Secret>(&()))),
        ("pods", api(ApiResource::erase::<Pod>(&()))),
        (
            "persistentvolumeclaims",
            api(ApiResource::erase::<PersistentVolumeClaim>(&())),
        ),
    ]
}

/// `Kind/name` of every object of control plane `name` that is left (one wave of lists;
/// claims only when `claims`).
pub async fn remaining(
    conn: &Connection,
    name: &str,
    claims: bool,
) -> Result<Vec<String>, Failure> {
    remaining_of(conn, name, claims, None).await
}

/// The same, listing only the kinds (plurals) in `only` when given.
async fn remaining_of(
    conn: &Connection,
    name: &str,
    claims: bool,
    only: Option<&HashSet<String>>,
) -> Result<Vec<String>, Failure> {
    let lp = ListParams::default().labels(&naming::selector(name));
    let kinds: Vec<_> = kinds(conn)
        .into_iter()
        .filter(|(plural, _)| claims || *plural != "persistentvolumeclaims")
        .filter(|(plural, _)| only.is_none_or(|o| o.contains(*plural)))
        .collect();
    let lists = futures::future::join_all(kinds.iter().map(|(_, api)| api.list(&lp))).await;
    let mut left = Vec::new();
    for ((plural, _), list) in kinds.iter().zip(lists) {
        for o in list.map_err(|e| conn.translate(e))?.items {
            left.push(format!("{plural}/{}", o.metadata.name.unwrap_or_default()));
        }
    }
    Ok(left)
}

/// Wait until nothing of control plane `name` is left (claims too unless `keep_claims`).
/// Each poll lists only the kinds that still had objects; when those are empty, one last
/// look at every kind (the StatefulSet controller can still make a claim late).
pub async fn until_deleted(
    conn: &Connection,
    name: &str,
    keep_claims: bool,
    timeout: Duration,
    step: &Step,
) -> Result<(), Failure> {
    let start = Instant::now();
    let mut only: Option<HashSet<String>> = None;
    loop {
        let left = remaining_of(conn, name, !keep_claims, only.as_ref()).await?;
        if left.is_empty() {
            if only.take().is_none() {
                return Ok(());
            }
            continue;
        }
        only = Some(
            left.iter()
                .filter_map(|o| o.split_once('/').map(|(plural, _)| plural.to_string()))
                .collect(),
        );
        if start.elapsed() >= timeout {
            return Err(Failure::TimedOut(format!(
                "timed out after {} waiting for {name} to be deleted; left: {}",
                crate::core::duration::format(timeout),
                left.join(", ")
            )));
        }
        step.update(&format!(
            "{} left",
            crate::ui::count(left.len() as i64, "object")
        ));
        tokio::time::sleep(POLL).await;
    }
}
