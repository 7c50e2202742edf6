//! Many control planes at once for the listing benchmark: the objects `create --dry-run`
//! plans, written straight to kube-apiserver (not through the measured proxy), then a wait
//! until the StatefulSet controller and kwok have made and started every pod.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams, PostParams};
use mothership::Mothership;
use serde_json::Value;

/// Requests to kube-apiserver in flight at once while populating.
const IN_FLIGHT: usize = 32;

/// The planned objects of control plane `name` (fast keys; the keys do not matter here).
fn plan(binary: &Path, ms: &Mothership, name: &str) -> anyhow::Result<Vec<Value>> {
    let out = Command::new(binary)
        .args(["create", name, "--dry-run", "--show-secrets", "-o", "json"])
        .args([
            "--key-algorithm",
            "ecdsa-p256",
            "--namespace",
            ms.namespace(),
        ])
        .env("NO_COLOR", "1")
        .output()?;
    if !out.status.success() {
        bail!("create --dry-run: {}", String::from_utf8_lossy(&out.stderr));
    }
    let list: Value = serde_json::from_slice(&out.stdout)?;
    let mut items = list["items"].as_array().context("items")?.clone();
    // The dry run's stand-in node ports are the same for every control plane; let the
    // mothership allocate, as `create` does.
    for item in items.iter_mut().filter(|i| i["kind"] == "Service") {
        for port in item["spec"]["ports"].as_array_mut().into_iter().flatten() {
            if let Some(port) = port.as_object_mut() {
                port.remove("nodePort");
            }
        }
    }
    // Without the default requests: the listing does not read them, and the real node's
    // two cores could not hold the requests of 50 control planes (their use, measured, fits).
    for item in items.iter_mut().filter(|i| i["kind"] == "StatefulSet") {
        let pod = &mut item["spec"]["template"]["spec"];
        for c in pod["containers"].as_array_mut().into_iter().flatten() {
            if let Some(c) = c.as_object_mut() {
                c.remove("resources");
            }
        }
    }
    Ok(items)
}

fn api_for(ms: &Mothership, object: &Value) -> anyhow::Result<Api<DynamicObject>> {
    let (group, version) = match object["apiVersion"].as_str().context("apiVersion")? {
        v if v.contains('/') => v.split_once('/').context("group/version")?,
        v => ("", v),
    };
    let kind = object["kind"].as_str().context("kind")?;
    let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind));
    Ok(Api::namespaced_with(ms.admin(), ms.namespace(), &resource))
}

/// Write control planes `from..to` (named `fleet-NNN`).
pub fn add(binary: &Path, ms: &Mothership, from: usize, to: usize) -> anyhow::Result<()> {
    let mut objects = Vec::new();
    for i in from..to {
        objects.extend(plan(binary, ms, &format!("fleet-{i:03}"))?);
    }
    let results: Vec<anyhow::Result<()>> = ms.block_on(
        futures::stream::iter(objects)
            .map(|o| async move {
                let obj: DynamicObject = serde_json::from_value(o.clone())?;
                api_for(ms, &o)?
                    .create(&PostParams::default(), &obj)
                    .await
                    .with_context(|| format!("{} {}", o["kind"], o["metadata"]["name"]))?;
                Ok(())
            })
            .buffer_unordered(IN_FLIGHT)
            .collect(),
    );
    results.into_iter().collect()
}

/// What a pod must be to count as settled.
#[derive(Clone, Copy, Debug)]
pub enum Settled {
    /// Running (kwok's pods, which are never probed).
    Running,
    /// Ready (real pods, by their probes).
    Ready,
}

impl Settled {
    fn holds(self, p: &Pod) -> bool {
        let status = p.status.as_ref();
        match self {
            Settled::Running => status.and_then(|s| s.phase.as_deref()) == Some("Running"),
            Settled::Ready => status
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True")),
        }
    }
}

/// Wait until `want` pods of ours in the namespace are `until`; how long that took.
pub fn settle(
    ms: &Mothership,
    want: usize,
    until: Settled,
    limit: Duration,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let pods: Api<Pod> = Api::namespaced(ms.admin(), ms.namespace());
    let lp = ListParams::default().labels("app.kubernetes.io/managed-by=k0smotron");
    loop {
        let list = ms.block_on(pods.list(&lp))?;
        let settled = list.items.iter().filter(|p| until.holds(p)).count();
        if settled >= want {
            return Ok(started.elapsed());
        }
        if started.elapsed() > limit {
            bail!("{settled} of {want} pods {until:?} after {limit:?}");
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}
