//! Removing a control plane: collection deletes by its labels, one call per kind and never
//! one per object, so only objects carrying k0smotron's labels for that control plane are
//! touched. StatefulSets go first (foreground, so their pods go before them), then Services,
//! ConfigMaps and Secrets at once, then the claims unless the data is kept. Running it again
//! finishes what an interrupted run left.

use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DeleteParams, ListParams};

use super::{Connection, wait};
use crate::core::naming;
use crate::error::Failure;

/// Issue the deletes; returns the kinds whose delete failed, with the reason. With `settle`
/// the claims are swept until the StatefulSet controller can make no more; without it
/// (`--wait=false`) they are deleted once with the rest, and a later `delete` of the same
/// name removes a claim made in that instant.
pub async fn control_plane(
    conn: &Connection,
    name: &str,
    keep_data: bool,
    settle: bool,
) -> Vec<String> {
    let lp = ListParams::default().labels(&naming::selector(name));
    let kinds = wait::kinds(conn);
    let find = |plural: &str| {
        kinds
            .iter()
            .find(|(p, _)| *p == plural)
            .map(|(_, api)| api.clone())
            .expect("known kind")
    };
    let mut failed = Vec::new();
    let mut note = |plural: &str, r: Result<(), kube::Error>| {
        if let Err(e) = r {
            failed.push(format!("{plural} ({})", conn.translate(e)));
        }
    };
    let sts = find("statefulsets")
        .delete_collection(&DeleteParams::foreground(), &lp)
        .await
        .map(|_| ());
    note("statefulsets", sts);
    let bg = DeleteParams::background();
    let (services, configmaps, secrets) = (find("services"), find("configmaps"), find("secrets"));
    let (a, b, c) = tokio::join!(
        services.delete_collection(&bg, &lp),
        configmaps.delete_collection(&bg, &lp),
        secrets.delete_collection(&bg, &lp)
    );
    note("services", a.map(|_| ()));
    note("configmaps", b.map(|_| ()));
    note("secrets", c.map(|_| ()));
    if !keep_data && !settle {
        let claims = find("persistentvolumeclaims")
            .delete_collection(&bg, &lp)
            .await
            .map(|_| ());
        note("persistentvolumeclaims", claims);
    } else if !keep_data {
        // Only once the StatefulSets are gone does their controller make no more claims.
        let sets = find("statefulsets");
        let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::time::Instant::now() < until
            && sets.list(&lp).await.is_ok_and(|l| !l.items.is_empty())
        {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        note(
            "persistentvolumeclaims",
            sweep_claims_and_pods(conn, name, until).await,
        );
    }
    failed
}

/// Remove the namespace `create --create-namespace` made for `name`, if it carries our
/// labels for it and nothing but what Kubernetes puts in every namespace is left in it.
/// Returns whether it was removed.
pub async fn created_namespace(conn: &Connection, name: &str) -> Result<bool, Failure> {
    let ns_api: Api<Namespace> = Api::all(conn.client.clone());
    let Some(ns) = ns_api
        .get_opt(&conn.namespace)
        .await
        .map_err(|e| conn.translate(e))?
    else {
        return Ok(false);
    };
    let labels = ns.metadata.labels.unwrap_or_default();
    if labels.get(naming::MANAGED_BY).map(String::as_str) != Some("k0smotron")
        || labels.get(naming::CLUSTER).map(String::as_str) != Some(name)
    {
        return Ok(false);
    }
    let lp = ListParams::default();
    let kinds = wait::kinds(conn);
    let lists = futures::future::join_all(kinds.iter().map(|(_, api)| api.list(&lp))).await;
    for ((plural, _), list) in kinds.iter().zip(lists) {
        let items = list.map_err(|e| conn.translate(e))?.items;
        // Every namespace gets the cluster's root CA ConfigMap.
        let others = items.iter().filter(|o| {
            !(*plural == "configmaps" && o.metadata.name.as_deref() == Some("kube-root-ca.crt"))
        });
        if others.count() > 0 {
            return Ok(false);
        }
    }
    ns_api
        .delete(&conn.namespace, &DeleteParams::background())
        .await
        .map_err(|e| conn.translate(e))?;
    Ok(true)
}

/// Delete the claims and pods of control plane `name` by label (only ours), again until
/// none has been seen for a quiet second or `until`: the StatefulSet controller may still
/// act on a set it has not yet seen go, and make one more claim.
pub async fn sweep_claims_and_pods(
    conn: &Connection,
    name: &str,
    until: std::time::Instant,
) -> Result<(), kube::Error> {
    use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
    let claims: Api<PersistentVolumeClaim> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let pods: Api<Pod> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let lp = ListParams::default().labels(&naming::selector(name));
    let bg = DeleteParams::background();
    let mut quiet = 0;
    loop {
        let (c, p) = tokio::join!(claims.list(&lp), pods.list(&lp));
        let (c, p) = (!c?.items.is_empty(), !p?.items.is_empty());
        if c || p {
            quiet = 0;
            let (a, b) = tokio::join!(
                async {
                    if c {
                        claims.delete_collection(&bg, &lp).await.map(|_| ())
                    } else {
                        Ok(())
                    }
                },
                async {
                    if p {
                        pods.delete_collection(&bg, &lp).await.map(|_| ())
                    } else {
                        Ok(())
                    }
                }
            );
            a?;
            b?;
        } else {
            quiet += 1;
        }
        if quiet >= 4 || std::time::Instant::now() >= until {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
}
