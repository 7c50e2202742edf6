//! Undoing a failed run: what it created, newest first, only objects with the uid it
//! created (so nothing someone else made in between is touched), and the claims of its
//! StatefulSets by label.

use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use kube::api::{DeleteParams, ListParams, Preconditions};

use super::{Ledger, typed};
use crate::core::naming;
use crate::core::spec::Resolved;
use crate::mothership::Connection;
use crate::ui::Ui;

/// Remove what this run wrote, newest first, and any claims its StatefulSets made.
pub async fn rollback(conn: &Connection, r: &Resolved, ledger: &Ledger, ui: &Ui) {
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
    if ledger
        .0
        .iter()
        .any(|(k, _, _)| *k == super::Kind::StatefulSet)
    {
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
