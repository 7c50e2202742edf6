//! Undoing a failed run: what it created, newest first, only objects with the uid it
//! created (so nothing someone else made in between is touched), and the claims of its
//! StatefulSets by label.

use kube::api::{DeleteParams, Preconditions};

use super::Ledger;
use crate::core::naming;
use crate::core::spec::Resolved;
use crate::mothership::Connection;
use crate::ui::Ui;

/// Remove what this run wrote, newest first, and any claims its StatefulSets made; what
/// could not be removed.
pub async fn rollback(conn: &Connection, r: &Resolved, ledger: &Ledger, ui: &Ui) -> Vec<String> {
    if ledger.0.is_empty() {
        return Vec::new();
    }
    let step = ui.step("Removing what this run wrote");
    let ns = r.namespace.as_str();
    let mut left = Vec::new();
    for (kind, name, uid) in ledger.0.iter().rev() {
        // A StatefulSet goes in the foreground: it is gone only once its pods are, after
        // which its controller makes no more claims.
        let propagation = if *kind == super::Kind::StatefulSet {
            DeleteParams::foreground()
        } else {
            DeleteParams::background()
        };
        let dp = DeleteParams {
            preconditions: Some(Preconditions {
                uid: Some(uid.clone()),
                resource_version: None,
            }),
            ..propagation
        };
        let result = kind.api(conn, ns).delete(name, &dp).await.map(|_| ());
        match result {
            Ok(()) => {}
            Err(kube::Error::Api(s)) if s.code == 404 => {}
            Err(e) => left.push(format!("{}/{name} ({})", kind.name(), conn.translate(e))),
        }
    }
    let sets: Vec<&String> = ledger
        .0
        .iter()
        .filter(|(k, _, _)| *k == super::Kind::StatefulSet)
        .map(|(_, name, _)| name)
        .collect();
    if !sets.is_empty() {
        // Claims the StatefulSet controller was still making would outlive a delete issued
        // before the sets are gone.
        let api = super::Kind::StatefulSet.api(conn, ns);
        let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut terminating = Vec::new();
        loop {
            terminating.clear();
            for name in &sets {
                if matches!(api.get_opt(name).await, Ok(Some(_))) {
                    terminating.push(name.to_string());
                }
            }
            if terminating.is_empty() || std::time::Instant::now() >= until {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        // Deleted, but the garbage collector has not removed their pods yet.
        for name in terminating {
            left.push(format!("StatefulSet/{name} (still terminating after 30 s)"));
        }
        // Then the claims, and any pod the StatefulSet controller still made.
        if let Err(e) = crate::mothership::delete::sweep_claims_and_pods(conn, &r.name, until).await
        {
            left.push(format!(
                "claims and pods -l {} ({})",
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
    left
}
