//! `status NAME`: everything about one control plane, decided from what was listed: the
//! spec of its record, each object it should have (present or missing), its pods, recent
//! Warning events, certificate expiries and a verdict (the status `list` shows).

use k8s_openapi::api::core::v1::{Event, PersistentVolumeClaim, Pod, Secret};
use serde::Serialize;
use time::OffsetDateTime;

use super::listing::{Crash, Inventory, Row, Status, crash};
use super::pki;

/// How long a provisioner may take to bind a new claim (seconds) before the scheduler's
/// complaint about it counts.
pub const CLAIM_GRACE_SECONDS: i64 = 60;

/// Whether the cause of a Warning event lasts. The scheduler says a pod "has unbound
/// immediate PersistentVolumeClaims" for the moment between a claim's creation and its
/// binding, which is normal: that counts only while one of `claims` is unbound and either
/// has no StorageClass or is older than [`CLAIM_GRACE_SECONDS`]. A failed startup probe is
/// how a controller starts. Every other warning counts.
pub fn lasting(
    reason: &str,
    message: &str,
    claims: &[PersistentVolumeClaim],
    now: OffsetDateTime,
) -> bool {
    // The controller's startup probe fails by design until its API answers; past its
    // budget kubelet restarts the container, and that is news of its own.
    if reason == "Unhealthy" && message.starts_with("Startup probe failed") {
        return false;
    }
    if reason != "FailedScheduling" || !message.contains("unbound immediate PersistentVolumeClaims")
    {
        return true;
    }
    claims.iter().any(|c| {
        let bound = c.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound");
        // No class (and none by default, which admission would have written in): no
        // provisioner will ever bind it, so there is nothing to wait for.
        let classless = c
            .spec
            .as_ref()
            .and_then(|s| s.storage_class_name.as_deref())
            .is_none_or(str::is_empty);
        let age = c
            .metadata
            .creation_timestamp
            .as_ref()
            .and_then(|t| OffsetDateTime::from_unix_timestamp(t.0.as_second()).ok())
            .map_or(i64::MAX, |created| (now - created).whole_seconds());
        !bound && (classless || age >= CLAIM_GRACE_SECONDS)
    })
}

/// Certificates with less than this left are warned about.
pub const WARN_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectState {
    pub kind: String,
    pub name: String,
    pub present: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodState {
    pub name: String,
    pub phase: String,
    pub ready: bool,
    pub restarts: i32,
    pub node: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crash: Option<Crash>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    pub object: String,
    pub reason: String,
    pub message: String,
    pub count: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertState {
    /// `Secret/key` (or `Secret/kubeconfig client certificate`).
    pub certificate: String,
    pub not_after: String,
    pub days_left: i64,
    pub warn: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    #[serde(flatten)]
    pub summary: Row,
    pub objects: Vec<ObjectState>,
    pub pods: Vec<PodState>,
    pub warnings: Vec<Warning>,
    pub certificates: Vec<CertState>,
    /// One line: the status and why.
    pub verdict: String,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.summary.status == Status::Ready
    }
}

fn pod_state(p: &Pod) -> PodState {
    let status = p.status.clone().unwrap_or_default();
    PodState {
        name: p.metadata.name.clone().unwrap_or_default(),
        phase: status.phase.clone().unwrap_or_else(|| "Pending".into()),
        ready: status
            .conditions
            .iter()
            .flatten()
            .any(|c| c.type_ == "Ready" && c.status == "True"),
        restarts: status
            .container_statuses
            .iter()
            .flatten()
            .map(|c| c.restart_count)
            .sum(),
        node: p
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default(),
        crash: crash(p),
    }
}

/// The PEM certificates whose expiry matters: the CA of `NAME-ca`, the etcd leaves, and the
/// client certificate inside `NAME-kubeconfig`.
fn certificates(name: &str, secrets: &[Secret], now: OffsetDateTime) -> Vec<CertState> {
    use base64::Engine;
    let mut out = Vec::new();
    let mut push = |what: String, pem: &str| {
        if let Ok(end) = pki::not_after(pem) {
            let days = (end - now).whole_days();
            out.push(CertState {
                certificate: what,
                not_after: end
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                days_left: days,
                warn: days < WARN_DAYS,
            });
        }
    };
    let text = |s: &Secret, key: &str| {
        s.data
            .as_ref()
            .and_then(|d| d.get(key))
            .and_then(|b| String::from_utf8(b.0.clone()).ok())
    };
    let mut sorted: Vec<&Secret> = secrets.iter().collect();
    sorted.sort_by_key(|s| s.metadata.name.clone());
    for s in sorted {
        let secret = s.metadata.name.clone().unwrap_or_default();
        if secret == format!("{name}-kubeconfig") {
            let client = text(s, "value").and_then(|kc| {
                let doc: serde_json::Value = serde_saphyr::from_str(&kc).ok()?;
                let b64 = doc["users"][0]["user"]["client-certificate-data"]
                    .as_str()?
                    .to_string();
                String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b64).ok()?).ok()
            });
            if let Some(pem) = client {
                push(format!("Secret/{secret} client certificate"), &pem);
            }
        } else if secret == format!("{name}-sa") {
            // A key pair, not a certificate.
        } else if let Some(pem) = text(s, "tls.crt") {
            push(format!("Secret/{secret}"), &pem);
        }
    }
    out
}

/// Build the report. `expected` is `(kind, name)` of every object the set should have
/// (from the plan); `present` is `Kind/name` of what was found.
pub fn report(
    summary: Row,
    expected: &[(&str, String)],
    present: &[String],
    inv: &Inventory,
    secrets: &[Secret],
    events: &[Event],
    now: OffsetDateTime,
) -> Report {
    let objects = expected
        .iter()
        .map(|(kind, name)| ObjectState {
            kind: kind.to_string(),
            name: name.clone(),
            present: present.contains(&format!("{kind}/{name}")),
        })
        .collect();
    let mut pods: Vec<PodState> = inv.pods.iter().map(pod_state).collect();
    pods.sort_by(|a, b| a.name.cmp(&b.name));
    let pod_uids: Vec<String> = inv
        .pods
        .iter()
        .filter_map(|p| p.metadata.uid.clone())
        .collect();
    let mut recent: Vec<&Event> = events
        .iter()
        .filter(|e| {
            e.involved_object
                .uid
                .as_ref()
                .is_some_and(|u| pod_uids.contains(u))
        })
        .filter(|e| {
            lasting(
                e.reason.as_deref().unwrap_or_default(),
                e.message.as_deref().unwrap_or_default(),
                &inv.claims,
                now,
            )
        })
        .collect();
    recent.sort_by_key(|e| e.metadata.creation_timestamp.as_ref().map(|t| t.0));
    // Newest first; the same object, reason and message once, with the counts added up.
    let mut warnings: Vec<Warning> = Vec::new();
    for e in recent.iter().rev() {
        let w = Warning {
            object: format!(
                "{}/{}",
                e.involved_object.kind.clone().unwrap_or_default(),
                e.involved_object.name.clone().unwrap_or_default()
            ),
            reason: e.reason.clone().unwrap_or_default(),
            message: e.message.clone().unwrap_or_default().trim().to_string(),
            count: e.count.unwrap_or(1),
        };
        let same = warnings
            .iter()
            .position(|x| (&x.object, &x.reason, &x.message) == (&w.object, &w.reason, &w.message));
        match same {
            Some(i) => warnings[i].count += w.count,
            None if warnings.len() < 10 => warnings.push(w),
            None => {}
        }
    }
    let certificates = certificates(&summary.name, secrets, now);
    let mut verdict = match summary.status {
        Status::Ready => format!(
            "Ready: {}/{} controllers Ready at {}",
            summary.ready, summary.desired, summary.endpoint
        ),
        s => format!("{}: {}", s.as_str(), summary.reason),
    };
    // Why a pod fails, in its own words, where the status alone cannot say.
    if let Some(c) = pods
        .iter()
        .find_map(|p| p.crash.as_ref())
        .filter(|_| summary.status != Status::Ready)
    {
        verdict.push_str(&format!("; {c}"));
    }
    let soon: Vec<&str> = certificates
        .iter()
        .filter(|c| c.warn)
        .map(|c| c.certificate.as_str())
        .collect();
    if !soon.is_empty() {
        verdict.push_str(&format!(
            "; expiring within {WARN_DAYS} days: {}",
            soon.join(", ")
        ));
    }
    Report {
        summary,
        objects,
        pods,
        warnings,
        certificates,
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(phase: &str, created: &str) -> PersistentVolumeClaim {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "etcd-data-kmc-x-etcd-0", "creationTimestamp": created},
            "spec": {"storageClassName": "standard"},
            "status": {"phase": phase},
        }))
        .unwrap()
    }

    #[test]
    fn a_claim_that_binds_in_time_is_no_warning() {
        let now = OffsetDateTime::parse(
            "2026-12-02T10:00:00Z",
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        let unbound = "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available";
        let young = [claim("Pending", "2026-12-02T09:59:50Z")];
        let old = [claim("Pending", "2026-12-02T09:58:00Z")];
        let bound = [claim("Bound", "2026-12-02T09:50:00Z")];
        assert!(!lasting("FailedScheduling", unbound, &young, now));
        assert!(!lasting("FailedScheduling", unbound, &bound, now));
        assert!(lasting("FailedScheduling", unbound, &old, now));
        let mut classless = claim("Pending", "2026-12-02T09:59:50Z");
        classless.spec = None;
        assert!(lasting("FailedScheduling", unbound, &[classless], now));
        assert!(lasting(
            "FailedScheduling",
            "0/1 nodes are available: Insufficient cpu",
            &bound,
            now
        ));
        assert!(lasting("BackOff", "Back-off pulling image", &[], now));
    }
}
