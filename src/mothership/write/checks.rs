//! Wave 1: reads only. Every name the control plane will use must be free (or a foreign
//! object stops the run before anything is written), the namespace must exist (or be
//! created on request), references must resolve, and NodePort needs a node address.

use std::collections::BTreeMap;

use futures::future::join_all;
use k8s_openapi::api::core::v1::PersistentVolumeClaim;

use super::Kind;
use crate::core::naming::{self, Names};
use crate::core::spec::{KineSource, Manifest, Resolved, ServiceType, Storage};
use crate::error::Failure;
use crate::mothership::{Connection, probe};

/// Every name this control plane will use, by kind.
pub fn targets(r: &Resolved) -> Vec<(Kind, String)> {
    crate::core::plan::object_names(r)
        .into_iter()
        .map(|(kind, name)| (Kind::named(kind), name))
        .collect()
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
pub struct Facts {
    pub namespace_exists: bool,
    pub node_address: Option<String>,
}

pub async fn wave1(conn: &Connection, r: &Resolved) -> Result<Facts, Failure> {
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
    // Claims that `delete --keep-data` left behind under this name.
    let claims_api: kube::Api<PersistentVolumeClaim> =
        kube::Api::namespaced(conn.client.clone(), ns);
    let claims_params = kube::api::ListParams::default().labels(&naming::selector(&r.name));
    let claims = claims_api.list_metadata(&claims_params);
    let (checks, namespace, nodes, ref_checks, claims) =
        tokio::join!(checks, namespace, nodes, ref_checks, claims);

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
                "control plane {name} already exists in namespace {ns}; change it with `k0smotron -n {ns} upgrade {name}` or `k0smotron -n {ns} scale {name}`, or remove it with `k0smotron -n {ns} delete {name}`",
                name = r.name
            )));
        }
        if !existing_ours.is_empty() {
            return Err(Failure::Failed(format!(
                "objects of control plane {} are left from an earlier run ({}); remove them with `k0smotron -n {ns} delete {}` and create again",
                r.name,
                existing_ours.join(", "),
                r.name
            )));
        }
        let claims: Vec<String> = claims
            .map_err(|e| conn.translate(e))?
            .items
            .into_iter()
            .filter_map(|c| c.metadata.name)
            .collect();
        if !claims.is_empty() {
            return Err(Failure::Usage(leftover_claims(r, &claims)));
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

/// Claims left by `delete --keep-data` hold data written under certificate authorities that
/// were deleted with the control plane: a new control plane of that name would start on
/// them with new ones (service-account tokens, node certificates and etcd's own members no
/// longer match). So `create` refuses and names the choices.
fn leftover_claims(r: &Resolved, claims: &[String]) -> String {
    let ns = &r.namespace;
    format!(
        "control plane {name} was deleted with --keep-data and left {count} in namespace {ns} ({list}); a new control plane of that name would start with new certificate authorities on that data, so nothing was written. Keep the data and pick another NAME, or remove the claims and their data with `k0smotron -n {ns} delete {name}` and create again",
        name = r.name,
        count = if claims.len() == 1 {
            "a PersistentVolumeClaim".to_string()
        } else {
            format!("{} PersistentVolumeClaims", claims.len())
        },
        list = claims.join(", "),
    )
}
