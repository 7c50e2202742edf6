//! Changing the replica counts of a control plane's StatefulSets (only ours, and only the
//! one just read), and waiting for its pods to be gone.

use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};

use super::{Connection, MothershipError};
use crate::core::naming::{self, Names};
use crate::error::Failure;
use crate::ui::Step;

/// The replicas of `kmc-NAME` and of `kmc-NAME-etcd` (0 when it has none).
pub async fn current(conn: &Connection, name: &str) -> Result<(i32, i32), Failure> {
    let n = Names::new(name);
    let (controller, etcd) = (n.statefulset(), n.etcd());
    let (c, e) = tokio::join!(get(conn, name, &controller), get(conn, name, &etcd));
    let replicas = |s: Option<StatefulSet>| s.and_then(|s| s.spec?.replicas).unwrap_or(0);
    Ok((replicas(c?), replicas(e?)))
}

async fn get(conn: &Connection, name: &str, sts: &str) -> Result<Option<StatefulSet>, Failure> {
    let api: Api<StatefulSet> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let found = api.get_opt(sts).await.map_err(|e| conn.translate(e))?;
    Ok(found.filter(|s| {
        s.metadata.labels.as_ref().is_some_and(|l| {
            l.get(naming::MANAGED_BY).map(String::as_str) == Some("k0smotron")
                && l.get(naming::CLUSTER).map(String::as_str) == Some(name)
        })
    }))
}

fn missing(name: &str, sts: &str) -> Failure {
    Failure::Failed(format!(
        "StatefulSet {sts} of {name} is missing; `{}` shows what else is",
        crate::ui::hint::command(&format!("status {name}"))
    ))
}

/// Tries at a guarded StatefulSet patch: the StatefulSet controller writes the status now and
/// then, which moves the resourceVersion the patch carries.
const CONFLICT_ATTEMPTS: u32 = 5;

/// Read StatefulSet `sts` of control plane `name` and patch it with what `change` makes of
/// it (`None`: nothing to change), guarded by what was read. A 409 means it changed since:
/// read it again and decide again. `Ok(false)`: nothing was changed.
async fn read_and_patch(
    conn: &Connection,
    name: &str,
    sts: &str,
    kind: super::patch::Kind,
    change: impl Fn(Option<&StatefulSet>) -> Result<Option<serde_json::Value>, Failure>,
) -> Result<bool, Failure> {
    let api: Api<StatefulSet> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let mut attempt = 1;
    loop {
        let current = get(conn, name, sts).await?;
        let Some(body) = change(current.as_ref())? else {
            return Ok(false);
        };
        let read = &current
            .expect("a change needs something to change")
            .metadata;
        match super::patch::guarded(conn, &api, read, body, kind).await {
            Ok(()) => return Ok(true),
            Err(MothershipError::Api { code: 409, .. }) if attempt < CONFLICT_ATTEMPTS => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Set the replicas of StatefulSet `sts` of control plane `name`, if it exists and is ours.
pub async fn set(conn: &Connection, name: &str, sts: &str, replicas: i32) -> Result<(), Failure> {
    let body = serde_json::json!({"spec": {"replicas": replicas}});
    read_and_patch(conn, name, sts, super::patch::Kind::Merge, |current| {
        Ok(current.map(|_| body.clone()))
    })
    .await
    .map(drop)
}

/// Wait until no pod of control plane `name` is left.
pub async fn until_no_pods(
    conn: &Connection,
    name: &str,
    timeout: Duration,
    step: &Step,
) -> Result<(), Failure> {
    let api: Api<Pod> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let lp = ListParams::default().labels(&naming::selector(name));
    let start = Instant::now();
    loop {
        let pods = api.list(&lp).await.map_err(|e| conn.translate(e))?.items;
        if pods.is_empty() {
            return Ok(());
        }
        if start.elapsed() >= timeout {
            return Err(Failure::TimedOut(format!(
                "timed out after {} waiting for the pods of {name} to stop ({} left)",
                crate::core::duration::format(timeout),
                pods.len()
            )));
        }
        step.update(&format!(
            "{} left",
            crate::ui::count(pods.len() as i64, "pod")
        ));
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Grow etcd to `members`: replicas and the initial cluster its new members join with
/// (one strategic patch; existing members ignore the initial cluster once they have data).
pub async fn set_etcd_members(conn: &Connection, name: &str, members: i32) -> Result<(), Failure> {
    let sts = Names::new(name).etcd();
    let body = serde_json::json!({
        "spec": {"replicas": members, "template": {"spec": {"containers": [{
            "name": "etcd",
            "env": [{"name": "ETCD_INITIAL_CLUSTER", "value": crate::core::plan::etcd::initial_cluster(&sts, members)}],
        }]}}},
    });
    read_and_patch(conn, name, &sts, super::patch::Kind::Strategic, |current| {
        current.ok_or_else(|| missing(name, &sts))?;
        Ok(Some(body.clone()))
    })
    .await
    .map(drop)
}

/// Take init container `container` out of StatefulSet `sts` of control plane `name` (a
/// rolling update of its pods). `Ok(false)`: it was not there.
pub async fn remove_init_container(
    conn: &Connection,
    name: &str,
    sts: &str,
    container: &str,
) -> Result<bool, Failure> {
    let body = serde_json::json!({"spec": {"template": {"spec": {"initContainers": [
        {"name": container, "$patch": "delete"},
    ]}}}});
    read_and_patch(conn, name, sts, super::patch::Kind::Strategic, |current| {
        let current = current.ok_or_else(|| missing(name, sts))?;
        let present = current
            .spec
            .as_ref()
            .and_then(|s| s.template.spec.as_ref())
            .and_then(|p| p.init_containers.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.name == container));
        Ok(present.then(|| body.clone()))
    })
    .await
}

/// Grow etcd of control plane `name` from `from` to `to` members, one at a time: each new
/// member joins a healthy cluster, and the members before it run the new template (its
/// initial cluster changed, so the StatefulSet restarts them one at a time) before the
/// next is added or this returns.
pub async fn grow_etcd(
    conn: &Connection,
    name: &str,
    from: i32,
    to: i32,
    timeout: Duration,
    ui: &crate::ui::Ui,
) -> Result<(), Failure> {
    let sts = Names::new(name).etcd();
    for m in from + 1..=to {
        let step = ui.step(&format!("Adding etcd member {m} of {to}"));
        let grown = async {
            set_etcd_members(conn, name, m).await?;
            until_rolled_out(conn, &sts, timeout, &step).await
        }
        .await;
        step.end(grown)?;
    }
    Ok(())
}

/// Set the image of container `container` and init container `init` of StatefulSet `sts`
/// of control plane `name` (a rolling update of its pods). `Ok(false)`: already so.
pub async fn set_image(
    conn: &Connection,
    name: &str,
    sts: &str,
    (container, init): (&str, &str),
    image: &str,
) -> Result<bool, Failure> {
    let body = serde_json::json!({
        "spec": {"template": {"spec": {
            "containers": [{"name": container, "image": image}],
            "initContainers": [{"name": init, "image": image}],
        }}},
    });
    read_and_patch(conn, name, sts, super::patch::Kind::Strategic, |current| {
        let current = current.ok_or_else(|| missing(name, sts))?;
        let pod = current.spec.as_ref().and_then(|s| s.template.spec.as_ref());
        let now = pod
            .and_then(|p| p.containers.iter().find(|c| c.name == container))
            .and_then(|c| c.image.as_deref());
        Ok((now != Some(image)).then(|| body.clone()))
    })
    .await
}

/// Set annotation `key` of the pod template of StatefulSet `sts` of control plane `name` to
/// `value` (a rolling restart of its pods). `Ok(false)`: already so.
pub async fn set_template_annotation(
    conn: &Connection,
    name: &str,
    sts: &str,
    key: &str,
    value: &str,
) -> Result<bool, Failure> {
    let body = serde_json::json!({
        "spec": {"template": {"metadata": {"annotations": {key: value}}}},
    });
    read_and_patch(conn, name, sts, super::patch::Kind::Merge, |current| {
        let current = current.ok_or_else(|| missing(name, sts))?;
        let now = current
            .spec
            .as_ref()
            .and_then(|s| s.template.metadata.as_ref())
            .and_then(|m| m.annotations.as_ref())
            .and_then(|a| a.get(key));
        Ok((now.map(String::as_str) != Some(value)).then(|| body.clone()))
    })
    .await
}

/// Wait until StatefulSet `sts` has rolled every pod to its current template and they are
/// Ready.
pub async fn until_rolled_out(
    conn: &Connection,
    sts: &str,
    timeout: Duration,
    step: &Step,
) -> Result<(), Failure> {
    let api: Api<StatefulSet> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let start = Instant::now();
    loop {
        let s = api.get(sts).await.map_err(|e| conn.translate(e))?;
        let want = s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        let generation = s.metadata.generation.unwrap_or(0);
        let st = s.status.unwrap_or_default();
        let updated = st.updated_replicas.unwrap_or(0);
        let ready = st.ready_replicas.unwrap_or(0);
        let done = st.observed_generation.unwrap_or(0) >= generation
            && updated >= want
            && ready >= want
            && st.current_revision == st.update_revision;
        if done {
            return Ok(());
        }
        if start.elapsed() >= timeout {
            return Err(Failure::TimedOut(format!(
                "timed out after {} waiting for StatefulSet/{sts} to roll out ({updated}/{want} updated, {ready} Ready); run the same command again to go on",
                crate::core::duration::format(timeout)
            )));
        }
        step.update(&format!("{updated}/{want} updated, {ready} Ready"));
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
