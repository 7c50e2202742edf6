//! One row per control plane, joined from a few label-selected lists (records, StatefulSets,
//! Services, pods), and its STATUS, derived every time and never stored.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Service};
use serde::Serialize;
use time::OffsetDateTime;

use super::naming;
use super::plan::record::{LAST_BACKUP_KEY, PAUSED_KEY, TTL_KEY};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    Ready,
    Progressing,
    Degraded,
    Failed,
    Incomplete,
    Expired,
    Paused,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ready => "Ready",
            Status::Progressing => "Progressing",
            Status::Degraded => "Degraded",
            Status::Failed => "Failed",
            Status::Incomplete => "Incomplete",
            Status::Expired => "Expired",
            Status::Paused => "Paused",
        }
    }
}

/// What `list` shows of one control plane (`-o json|yaml` schema, camelCase).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub name: String,
    pub namespace: String,
    pub version: String,
    pub ready: i32,
    pub desired: i32,
    pub status: Status,
    /// Why, when not Ready (a pod's state, what is missing).
    pub reason: String,
    pub service_type: String,
    pub endpoint: String,
    pub created_at: String,
    pub age_seconds: i64,
    /// RFC 3339, or null without `--ttl`.
    pub expires_at: Option<String>,
    pub storage: String,
    pub image: String,
    pub api_port: i64,
    pub konnectivity_port: i64,
    pub etcd_members: Option<i32>,
    /// RFC 3339: when the leaf certificates `create` or the last `certs renew` issued run out.
    pub certificates_expire_at: String,
    /// RFC 3339: when `backup` last wrote an archive of it, or null.
    pub last_backup_at: Option<String>,
}

/// Everything listed, in one scope (a namespace or all).
#[derive(Debug, Default)]
pub struct Inventory {
    pub records: Vec<ConfigMap>,
    pub statefulsets: Vec<StatefulSet>,
    pub services: Vec<Service>,
    pub pods: Vec<Pod>,
    /// Only `status` lists them (whether a warning about binding still holds).
    pub claims: Vec<k8s_openapi::api::core::v1::PersistentVolumeClaim>,
}

fn key(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> (String, String) {
    (
        meta.namespace.clone().unwrap_or_default(),
        meta.labels
            .as_ref()
            .and_then(|l| l.get(naming::CLUSTER))
            .cloned()
            .unwrap_or_default(),
    )
}

fn component(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> &str {
    meta.labels
        .as_ref()
        .and_then(|l| l.get(naming::COMPONENT))
        .map(String::as_str)
        .unwrap_or_default()
}

/// A container that keeps exiting: kubelet waits before each restart (CrashLoopBackOff).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Crash {
    pub pod: String,
    pub container: String,
    /// How often kubelet has started it again.
    pub restarts: i32,
    pub exit_code: Option<i32>,
    /// What the container said as it exited: from its termination message (the log's tail
    /// under `FallbackToLogsOnError`), the last line that reads as an error, else the last
    /// line. Programs often print their usage after the error that matters.
    pub log_line: Option<String>,
}

impl Crash {
    /// Exited three times: not a slow start any more (kubelet backs off 10 s, then 20 s, so
    /// this holds about 30 s after the first exit).
    pub fn persistent(&self) -> bool {
        self.restarts >= 2
    }
}

impl std::fmt::Display for Crash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "container {} of pod {} keeps exiting (CrashLoopBackOff",
            self.container, self.pod
        )?;
        if let Some(code) = self.exit_code {
            write!(f, ", exit code {code}")?;
        }
        let times = if self.restarts == 1 { "time" } else { "times" };
        write!(f, ", restarted {} {times})", self.restarts)?;
        if let Some(line) = &self.log_line {
            write!(f, "; it said: {line}")?;
        }
        Ok(())
    }
}

/// The first container of `p` (init containers first, as they run) in CrashLoopBackOff.
pub fn crash(p: &Pod) -> Option<Crash> {
    let status = p.status.as_ref()?;
    let c = status
        .init_container_statuses
        .iter()
        .flatten()
        .chain(status.container_statuses.iter().flatten())
        .find(|c| {
            c.state
                .as_ref()
                .and_then(|s| s.waiting.as_ref())
                .and_then(|w| w.reason.as_deref())
                == Some("CrashLoopBackOff")
        })?;
    let exited = c.last_state.as_ref().and_then(|s| s.terminated.as_ref());
    Some(Crash {
        pod: p.metadata.name.clone().unwrap_or_default(),
        container: c.name.clone(),
        restarts: c.restart_count,
        exit_code: exited.map(|t| t.exit_code),
        log_line: exited
            .and_then(|t| t.message.as_deref())
            .and_then(telling_line)
            .map(|l| l.chars().take(300).collect()),
    })
}

/// The last line of `log` that reads as an error, else its last non-empty line.
fn telling_line(log: &str) -> Option<&str> {
    const ERRORS: [&str; 10] = [
        "error",
        "fatal",
        "panic",
        "fail",
        "invalid",
        "not defined",
        "unknown",
        "cannot",
        "no such",
        "denied",
    ];
    let lines = || log.lines().rev().map(str::trim).filter(|l| !l.is_empty());
    lines()
        .find(|l| {
            let l = l.to_lowercase();
            ERRORS.iter().any(|e| l.contains(e))
        })
        .or_else(|| lines().next())
}

/// The reason a pod will not become Ready by itself, if it has one.
fn pod_failure(p: &Pod) -> Option<String> {
    let status = p.status.as_ref()?;
    let name = p.metadata.name.clone().unwrap_or_default();
    let waiting = status
        .container_statuses
        .iter()
        .flatten()
        .chain(status.init_container_statuses.iter().flatten())
        .find_map(|c| c.state.as_ref()?.waiting.as_ref()?.reason.clone());
    if let Some(r) = waiting.filter(|r| {
        matches!(
            r.as_str(),
            "CrashLoopBackOff"
                | "ErrImagePull"
                | "ImagePullBackOff"
                | "InvalidImageName"
                | "CreateContainerConfigError"
                | "CreateContainerError"
        )
    }) {
        return Some(format!("{name} {r}"));
    }
    status
        .conditions
        .iter()
        .flatten()
        .find(|c| {
            c.type_ == "PodScheduled"
                && c.status == "False"
                && c.reason.as_deref() == Some("Unschedulable")
        })
        .map(|_| format!("{name} Unschedulable"))
}

fn restarted(p: &Pod) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.restart_count > 0))
}

/// The rows, sorted by namespace and name. `now` decides what has expired.
pub fn rows(inv: &Inventory, now: OffsetDateTime) -> Vec<Row> {
    let mut sets: BTreeMap<(String, String), Vec<&StatefulSet>> = BTreeMap::new();
    for s in &inv.statefulsets {
        sets.entry(key(&s.metadata)).or_default().push(s);
    }
    let mut services: BTreeMap<(String, String), &Service> = BTreeMap::new();
    for s in &inv.services {
        if component(&s.metadata) == "control-plane" {
            services.insert(key(&s.metadata), s);
        }
    }
    let mut pods: BTreeMap<(String, String), Vec<&Pod>> = BTreeMap::new();
    for p in &inv.pods {
        pods.entry(key(&p.metadata)).or_default().push(p);
    }
    let mut out: Vec<Row> = inv
        .records
        .iter()
        .map(|r| {
            let k = key(&r.metadata);
            row(
                r,
                sets.get(&k).map(Vec::as_slice).unwrap_or_default(),
                services.get(&k).copied(),
                pods.get(&k).map(Vec::as_slice).unwrap_or_default(),
                now,
            )
        })
        .collect();
    out.sort_by(|a, b| {
        natural_key(&a.namespace)
            .cmp(&natural_key(&b.namespace))
            .then_with(|| natural_key(&a.name).cmp(&natural_key(&b.name)))
    });
    out
}

/// A sort key that orders numbers by value: `cp-2` before `cp-10`, as people count.
pub fn natural_key(text: &str) -> Vec<(String, u128)> {
    let mut key = Vec::new();
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut digits = c.to_string();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            key.push((
                std::mem::take(&mut word),
                digits.parse().unwrap_or(u128::MAX),
            ));
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        key.push((word, 0));
    }
    key
}

fn row(
    record: &ConfigMap,
    sets: &[&StatefulSet],
    service: Option<&Service>,
    pods: &[&Pod],
    now: OffsetDateTime,
) -> Row {
    let (namespace, name) = key(&record.metadata);
    let data = record.data.clone().unwrap_or_default();
    let doc: serde_json::Value = data
        .get("cluster.yaml")
        .and_then(|y| serde_saphyr::from_str(y).ok())
        .unwrap_or_default();
    let spec = &doc["spec"];
    let desired = spec["replicas"].as_i64().unwrap_or(1) as i32;
    let storage = spec["storage"]["type"]
        .as_str()
        .unwrap_or("etcd")
        .to_string();
    let controller = sets
        .iter()
        .find(|s| component(&s.metadata) == "control-plane");
    let etcd = sets.iter().find(|s| component(&s.metadata) == "etcd");
    let ready = controller
        .and_then(|s| s.status.as_ref()?.ready_replicas)
        .unwrap_or(0);
    let created = record
        .metadata
        .creation_timestamp
        .as_ref()
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t.0.as_second()).ok())
        .unwrap_or(now);
    let expires = data
        .get(TTL_KEY)
        .and_then(|s| s.parse::<i64>().ok())
        .map(|secs| created + time::Duration::seconds(secs));
    let rfc3339 = |t: OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let mut missing = Vec::new();
    if controller.is_none() {
        missing.push("controller StatefulSet");
    }
    if storage == "etcd" && etcd.is_none() {
        missing.push("etcd StatefulSet");
    }
    if service.is_none() {
        missing.push("Service");
    }
    let failure = pods.iter().find_map(|p| pod_failure(p));
    let scaled_down = controller
        .and_then(|s| s.spec.as_ref()?.replicas)
        .is_some_and(|r| r < desired);
    let paused = data.get(PAUSED_KEY);
    let certs_end = super::certs::leaves_expire_at(created, &data);
    let certs_days = (certs_end - now).whole_days();
    let renew = format!("`k0smotron -n {namespace} certs renew {name}`");
    let (status, reason) = if expires.is_some_and(|e| e <= now) {
        (Status::Expired, "past its --ttl".to_string())
    } else if let Some(counts) = paused {
        (
            Status::Paused,
            format!("paused; resume returns to {counts} (controllers/etcd)"),
        )
    } else if !missing.is_empty() {
        (
            Status::Incomplete,
            format!("missing: {}", missing.join(", ")),
        )
    } else if let Some(f) = failure {
        (Status::Failed, f)
    } else if certs_end <= now {
        (
            Status::Degraded,
            format!(
                "its certificates expired at {}; {renew} issues new ones",
                rfc3339(certs_end)
            ),
        )
    } else if let Some(begun) = data.get(super::certs::RENEWAL_KEY) {
        (
            Status::Progressing,
            format!("a certificate renewal begun at {begun} has not finished; {renew} finishes it"),
        )
    } else if let Some(differs) = disagreement(spec, controller) {
        (Status::Progressing, differs)
    } else if ready >= desired && certs_days < super::status::WARN_DAYS {
        (
            Status::Ready,
            format!("its certificates expire in {certs_days} days; {renew} issues new ones"),
        )
    } else if ready >= desired {
        (Status::Ready, String::new())
    } else if scaled_down {
        (
            Status::Degraded,
            format!("the StatefulSet was scaled below {desired}"),
        )
    } else if pods.iter().any(|p| restarted(p)) {
        (Status::Degraded, "a pod restarted and is not Ready".into())
    } else {
        (Status::Progressing, format!("{ready}/{desired} Ready"))
    };
    Row {
        name,
        namespace,
        version: spec["version"].as_str().unwrap_or_default().to_string(),
        ready,
        desired,
        status,
        reason,
        service_type: spec["service"]["type"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        endpoint: data.get("endpoint").cloned().unwrap_or_default(),
        created_at: rfc3339(created),
        age_seconds: (now - created).whole_seconds().max(0),
        expires_at: expires.map(rfc3339),
        storage,
        image: spec["image"].as_str().unwrap_or_default().to_string(),
        api_port: spec["service"]["apiPort"].as_i64().unwrap_or_default(),
        konnectivity_port: spec["service"]["konnectivityPort"]
            .as_i64()
            .unwrap_or_default(),
        etcd_members: etcd.and_then(|s| s.spec.as_ref()?.replicas),
        certificates_expire_at: rfc3339(certs_end),
        last_backup_at: data.get(LAST_BACKUP_KEY).cloned(),
    }
}

/// What the controller StatefulSet runs that the record does not ask for (an upgrade under
/// way or interrupted), if anything.
fn disagreement(spec: &serde_json::Value, controller: Option<&&StatefulSet>) -> Option<String> {
    let version = spec["version"].as_str()?;
    let repo = spec["image"]
        .as_str()
        .unwrap_or(super::image::DEFAULT_IMAGE);
    let want = super::image::image(repo, version);
    let sts = controller?;
    let runs = sts
        .spec
        .as_ref()?
        .template
        .spec
        .as_ref()?
        .containers
        .iter()
        .find(|c| c.name == "controller")?
        .image
        .clone()?;
    (runs != want).then(|| {
        format!(
            "StatefulSet {} runs {runs}, the record asks for {want}",
            sts.metadata.name.clone().unwrap_or_default()
        )
    })
}

/// `5d`, `3h`, `12m`, `40s`: the largest unit, as kubectl prints ages.
pub fn age(seconds: i64) -> String {
    match seconds {
        s if s >= 86400 => format!("{}d", s / 86400),
        s if s >= 3600 => format!("{}h", s / 3600),
        s if s >= 60 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_as_people_count() {
        let mut names = vec!["cp-10", "cp-2", "cp-1", "ci", "cp-1a"];
        names.sort_by_key(|n| natural_key(n));
        assert_eq!(names, vec!["ci", "cp-1", "cp-1a", "cp-2", "cp-10"]);
    }
    use serde_json::json;

    fn obj<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
        serde_json::from_value(v).unwrap()
    }

    fn labels(component: &str) -> serde_json::Value {
        json!({"app.kubernetes.io/managed-by": "k0smotron", "k0smotron.io/cluster": "cp", "app.kubernetes.io/component": component})
    }

    fn inventory(
        ttl: Option<&str>,
        ready: i32,
        sts_replicas: i32,
        pod_status: serde_json::Value,
    ) -> Inventory {
        let mut data = json!({"cluster.yaml": "spec:\n  replicas: 1\n  version: v1.36.3+k0s.2\n  service: {type: NodePort, apiPort: 31443, konnectivityPort: 31132}\n  storage: {type: kine}\n", "endpoint": "https://192.0.2.1:31443"});
        if let Some(t) = ttl {
            data[TTL_KEY] = json!(t);
        }
        Inventory {
            records: vec![obj(
                json!({"metadata": {"name": "kmc-cp", "namespace": "ns", "labels": labels("record"), "creationTimestamp": "2026-11-24T10:00:00Z"}, "data": data}),
            )],
            statefulsets: vec![obj(
                json!({"metadata": {"name": "kmc-cp", "namespace": "ns", "labels": labels("control-plane")}, "spec": {"replicas": sts_replicas, "selector": {}, "template": {}}, "status": {"replicas": 1, "readyReplicas": ready}}),
            )],
            services: vec![obj(
                json!({"metadata": {"name": "kmc-cp-nodeport", "namespace": "ns", "labels": labels("control-plane")}}),
            )],
            pods: vec![obj(
                json!({"metadata": {"name": "kmc-cp-0", "namespace": "ns", "labels": labels("control-plane")}, "status": pod_status}),
            )],
            claims: Vec::new(),
        }
    }

    fn at(s: &str) -> OffsetDateTime {
        OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap()
    }

    #[test]
    fn a_crash_loop_names_the_container_its_exit_code_and_last_log_line() {
        let status = |restarts: i32| {
            json!({
                "initContainerStatuses": [{"name": "init", "image": "x", "imageID": "", "ready": true, "restartCount": 0, "state": {"terminated": {"exitCode": 0}}}],
                "containerStatuses": [{"name": "etcd", "image": "x", "imageID": "", "ready": false, "restartCount": restarts,
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                    "lastState": {"terminated": {"exitCode": 2, "message": "starting\nflag provided but not defined: -bogus\nUsage:\n\n  etcd [flags]\n\n"}}}]
            })
        };
        let pod = |restarts| -> Pod {
            serde_json::from_value(
                json!({"metadata": {"name": "kmc-cp-etcd-0"}, "status": status(restarts)}),
            )
            .unwrap()
        };
        let c = crash(&pod(1)).expect("a crash");
        assert!(!c.persistent(), "exited twice is still a slow start");
        assert!(crash(&pod(2)).unwrap().persistent());
        assert_eq!(
            c.to_string(),
            "container etcd of pod kmc-cp-etcd-0 keeps exiting (CrashLoopBackOff, exit code 2, restarted 1 time); it said: flag provided but not defined: -bogus"
        );
        let running: Pod = serde_json::from_value(json!({"metadata": {"name": "p"}, "status": {"containerStatuses": [{"name": "etcd", "image": "x", "imageID": "", "ready": true, "restartCount": 3, "state": {"running": {}}}]}})).unwrap();
        assert_eq!(crash(&running), None);
        assert_eq!(telling_line("a\nb\n"), Some("b"));
        assert_eq!(telling_line("\n \n"), None);
    }

    #[test]
    fn statuses() {
        let now = at("2026-11-24T12:00:00Z");
        let status = |inv: &Inventory| rows(inv, now)[0].status;
        assert_eq!(status(&inventory(None, 1, 1, json!({}))), Status::Ready);
        assert_eq!(
            status(&inventory(None, 0, 1, json!({"phase": "Pending"}))),
            Status::Progressing
        );
        assert_eq!(status(&inventory(None, 0, 0, json!({}))), Status::Degraded);
        let crash = json!({"containerStatuses": [{"name": "controller", "image": "x", "imageID": "", "ready": false, "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]});
        let row = &rows(&inventory(None, 0, 1, crash), now)[0];
        assert_eq!(
            (row.status, row.reason.as_str()),
            (Status::Failed, "kmc-cp-0 CrashLoopBackOff")
        );
        let unschedulable = json!({"conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]});
        assert_eq!(
            status(&inventory(None, 0, 1, unschedulable)),
            Status::Failed
        );
        let mut gone = inventory(None, 1, 1, json!({}));
        gone.services.clear();
        assert_eq!(status(&gone), Status::Incomplete);
        // Created at 10:00 with a 1h lifetime: expired at 12:00; a 3h one is not.
        let row = &rows(&inventory(Some("3600"), 1, 1, json!({})), now)[0];
        assert_eq!(row.status, Status::Expired);
        assert_eq!(row.expires_at.as_deref(), Some("2026-11-24T11:00:00Z"));
        assert_eq!(
            status(&inventory(Some("10800"), 1, 1, json!({}))),
            Status::Ready
        );
        assert_eq!(row.age_seconds, 7200);
        assert_eq!(age(7200), "2h");
    }
}
