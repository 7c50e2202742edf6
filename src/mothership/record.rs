//! Finding a control plane again: by name, or the only one in the namespace, through the
//! record ConfigMap and labels `create` writes; and reading its CA. Objects without our
//! labels for that control plane are never taken for ours.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::{Api, ListParams};

use super::Connection;
use crate::core::naming::{self, Names};
use crate::core::pki::CertPair;
use crate::error::Failure;

/// What the record says about a control plane.
#[derive(Debug, Clone)]
pub struct Record {
    pub name: String,
    pub namespace: String,
    /// The URL kubeconfigs use.
    pub endpoint: String,
    /// The URL worker tokens name: the endpoint, or for ClusterIP the Service's cluster IP
    /// (a record written before k0smotron recorded it: the endpoint).
    pub worker_endpoint: String,
    /// `NodePort`, `LoadBalancer` or `ClusterIP`.
    pub service_type: String,
    pub key_algorithm: String,
    /// The k0s version it runs.
    pub version: String,
    /// Controller replicas asked for.
    pub replicas: i32,
    /// `create --create-namespace` made its namespace.
    pub created_namespace: bool,
    /// Set while paused: the replica counts to return to (controller, etcd members).
    pub paused: Option<(i32, i32)>,
    /// Its only state is SQLite in an emptyDir: gone with the pod.
    pub state_in_empty_dir: bool,
    /// SQLite holds one writer: no more than one controller.
    pub single_writer: bool,
    pub storage: String,
    /// The k0s image repository.
    pub image: String,
    /// The etcd image, with etcd storage.
    pub etcd_image: Option<String>,
    /// The start (RFC 3339) of a `certs renew` that has not finished.
    pub certs_renewal: Option<String>,
    /// When (RFC 3339) `backup` last wrote an archive of it.
    pub last_backup: Option<String>,
}

fn ours(labels: Option<&BTreeMap<String, String>>, name: &str) -> bool {
    labels.is_some_and(|l| {
        l.get(naming::MANAGED_BY).map(String::as_str) == Some("k0smotron")
            && l.get(naming::CLUSTER).map(String::as_str) == Some(name)
    })
}

pub use crate::core::plan::record::PAUSED_KEY;

fn parse_paused(v: &str) -> Option<(i32, i32)> {
    let (c, e) = v.split_once('/')?;
    Some((c.parse().ok()?, e.parse().ok()?))
}

/// Set (`Some`) or clear the paused replica counts in the record (ours, and still the one
/// read: uid and resourceVersion).
pub async fn set_paused(
    conn: &Connection,
    name: &str,
    counts: Option<(i32, i32)>,
) -> Result<(), Failure> {
    let value = counts.map(|(c, e)| format!("{c}/{e}"));
    set_data(conn, name, serde_json::json!({PAUSED_KEY: value})).await
}

/// Set keys of the record's data (`null` removes one), on the record as just read.
pub async fn set_data(
    conn: &Connection,
    name: &str,
    data: serde_json::Value,
) -> Result<(), Failure> {
    let cm = record_map(conn, name).await?;
    let api: Api<ConfigMap> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let body = serde_json::json!({ "data": data });
    super::patch::guarded(conn, &api, &cm.metadata, body, super::patch::Kind::Merge)
        .await
        .map_err(Failure::from)
}

/// Control plane `name` is paused: what to say, at once, to a command that needs its pods.
pub fn paused(name: &str) -> Failure {
    Failure::Failed(format!(
        "control plane {name} is paused (no pods run); `{}` brings it back",
        crate::ui::hint::command(&format!("resume {name}"))
    ))
}

/// The name given, or the only control plane of the namespace (none or several: exit 2,
/// listing them).
pub async fn resolve_name(conn: &Connection, name: Option<&str>) -> Result<String, Failure> {
    if let Some(n) = name {
        naming::check_label(n).map_err(|rule| Failure::Usage(format!("NAME {n:?}: {rule}")))?;
        return Ok(n.to_string());
    }
    let names = all_names(conn).await?;
    match names.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Failure::Usage(format!(
            "NAME is required: there is no control plane in namespace {}",
            conn.namespace
        ))),
        many => Err(Failure::Usage(format!(
            "NAME is required: namespace {} has {} control planes ({})",
            conn.namespace,
            many.len(),
            many.join(", ")
        ))),
    }
}

/// The names of every control plane in the namespace, sorted (one list of records).
pub async fn all_names(conn: &Connection) -> Result<Vec<String>, Failure> {
    let api: Api<ConfigMap> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let selector = format!(
        "{}=k0smotron,{}=record",
        naming::MANAGED_BY,
        naming::COMPONENT
    );
    let list = api
        .list(&ListParams::default().labels(&selector))
        .await
        .map_err(|e| conn.translate(e))?;
    let mut names: Vec<String> = list
        .items
        .iter()
        .filter_map(|cm| cm.metadata.labels.as_ref()?.get(naming::CLUSTER).cloned())
        .collect();
    names.sort();
    Ok(names)
}

/// Control plane `name` does not exist here: say so at once, with the names it may be a
/// typo of in this namespace and the namespaces that have one of that name (one list of
/// records in every namespace, or in this one where that is not allowed).
pub async fn not_found(conn: &Connection, name: &str) -> Failure {
    let ns = &conn.namespace;
    let selector = format!(
        "{}=k0smotron,{}=record",
        naming::MANAGED_BY,
        naming::COMPONENT
    );
    let lp = ListParams::default().labels(&selector);
    let everywhere = Api::<ConfigMap>::all(conn.client.clone())
        .list_metadata(&lp)
        .await;
    let listed = match everywhere {
        Ok(l) => Some(l.items),
        Err(_) => Api::<ConfigMap>::namespaced(conn.client.clone(), ns)
            .list_metadata(&lp)
            .await
            .ok()
            .map(|l| l.items),
    };
    let records: Vec<(String, String)> = listed
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let cluster = m.metadata.labels.as_ref()?.get(naming::CLUSTER)?.clone();
            Some((m.metadata.namespace.unwrap_or_default(), cluster))
        })
        .collect();
    let here: Vec<String> = records
        .iter()
        .filter(|(n, _)| n == ns)
        .map(|(_, c)| c.clone())
        .collect();
    let mut elsewhere: Vec<&str> = records
        .iter()
        .filter(|(n, c)| c == name && n != ns)
        .map(|(n, _)| n.as_str())
        .collect();
    elsewhere.sort();
    let close = naming::close_matches(name, &here);
    let mut message = format!("no control plane {name} in namespace {ns}");
    if !close.is_empty() {
        message.push_str(&format!("; did you mean {}?", close.join(" or ")));
    }
    if !elsewhere.is_empty() {
        message.push_str(&format!(
            "; namespace {} has one of that name (-n {})",
            elsewhere.join(", "),
            elsewhere[0]
        ));
    }
    if close.is_empty() && elsewhere.is_empty() {
        message.push_str(&format!(
            " (ConfigMap {} with k0smotron's labels); create it with `k0smotron -n {ns} create {name}`",
            Names::new(name).record()
        ));
    }
    Failure::Failed(message)
}

/// The record ConfigMap of control plane `name`, if it is ours.
async fn record_map(conn: &Connection, name: &str) -> Result<ConfigMap, Failure> {
    let api: Api<ConfigMap> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let found = api
        .get_opt(&Names::new(name).record())
        .await
        .map_err(|e| conn.translate(e))?
        .filter(|cm| ours(cm.metadata.labels.as_ref(), name));
    match found {
        Some(cm) => Ok(cm),
        None => Err(not_found(conn, name).await),
    }
}

/// The `k0smotron.io/v1beta2` Cluster document the record holds, as written.
pub async fn document(conn: &Connection, name: &str) -> Result<String, Failure> {
    record_map(conn, name)
        .await?
        .data
        .unwrap_or_default()
        .remove("cluster.yaml")
        .ok_or_else(|| Failure::Failed(format!("the record of {name} holds no cluster.yaml")))
}

/// The record of control plane `name`.
pub async fn read(conn: &Connection, name: &str) -> Result<Record, Failure> {
    read_with_data(conn, name).await.map(|(record, _)| record)
}

/// The record of control plane `name`, and everything it holds (for `backup`, in one read).
pub async fn read_with_data(
    conn: &Connection,
    name: &str,
) -> Result<(Record, BTreeMap<String, String>), Failure> {
    let cm = record_map(conn, name).await?;
    let data = cm.data.unwrap_or_default();
    let field = |key: &str| data.get(key).cloned().unwrap_or_default();
    let endpoint = field("endpoint");
    if endpoint.is_empty() {
        return Err(Failure::Failed(format!(
            "control plane {name} has no endpoint in its record yet: its create did not finish; remove it with `{}` and create it again",
            crate::ui::hint::command(&format!("delete {name}"))
        )));
    }
    let doc: serde_json::Value = serde_saphyr::from_str(&field("cluster.yaml")).unwrap_or_default();
    let record = Record {
        name: name.to_string(),
        namespace: conn.namespace.clone(),
        worker_endpoint: data
            .get(crate::core::plan::record::WORKER_ENDPOINT_KEY)
            .cloned()
            .unwrap_or_else(|| endpoint.clone()),
        endpoint,
        service_type: doc
            .pointer("/spec/service/type")
            .and_then(|v| v.as_str())
            .unwrap_or("NodePort")
            .to_string(),
        key_algorithm: field("keyAlgorithm"),
        version: doc
            .pointer("/spec/version")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string(),
        replicas: doc
            .pointer("/spec/replicas")
            .and_then(|v| v.as_i64())
            .and_then(|r| i32::try_from(r).ok())
            .unwrap_or(1),
        created_namespace: data.get("createdNamespace").map(String::as_str) == Some("true"),
        paused: data.get(PAUSED_KEY).and_then(|v| parse_paused(v)),
        single_writer: doc.pointer("/spec/storage/type").and_then(|v| v.as_str()) == Some("kine")
            && doc
                .pointer("/spec/storage/kine/dataSourceURL")
                .and_then(|v| v.as_str())
                .is_some_and(|u| u.starts_with("sqlite:")),
        storage: doc
            .pointer("/spec/storage/type")
            .and_then(|v| v.as_str())
            .unwrap_or("etcd")
            .to_string(),
        image: doc
            .pointer("/spec/image")
            .and_then(|v| v.as_str())
            .unwrap_or(crate::core::image::DEFAULT_IMAGE)
            .to_string(),
        etcd_image: doc
            .pointer("/spec/storage/etcd/image")
            .and_then(|v| v.as_str())
            .map(String::from),
        certs_renewal: data.get(crate::core::certs::RENEWAL_KEY).cloned(),
        last_backup: data
            .get(crate::core::plan::record::LAST_BACKUP_KEY)
            .cloned(),
        state_in_empty_dir: doc.pointer("/spec/storage/type").and_then(|v| v.as_str())
            == Some("kine")
            && doc
                .pointer("/spec/storage/kine/dataSourceURL")
                .and_then(|v| v.as_str())
                .is_some_and(|u| u.starts_with("sqlite:"))
            && doc
                .pointer("/spec/persistence/type")
                .and_then(|v| v.as_str())
                == Some("emptyDir"),
    };
    Ok((record, data))
}

/// Secret `secret_name` of control plane `name`, if it carries our labels for it.
pub async fn our_secret(
    conn: &Connection,
    name: &str,
    secret_name: &str,
) -> Result<Secret, Failure> {
    let api: Api<Secret> = Api::namespaced(conn.client.clone(), &conn.namespace);
    api.get_opt(secret_name)
        .await
        .map_err(|e| conn.translate(e))?
        .filter(|s| ours(s.metadata.labels.as_ref(), name))
        .ok_or_else(|| {
            Failure::Failed(format!(
                "Secret {secret_name} of control plane {name} is missing in namespace {} (or is not k0smotron's)",
                conn.namespace
            ))
        })
}

/// The cluster CA (`NAME-ca`), certificate and key.
pub async fn cluster_ca(conn: &Connection, name: &str) -> Result<CertPair, Failure> {
    let secret_name = Names::new(name).secret("ca");
    let secret = our_secret(conn, name, &secret_name).await?;
    let data = secret.data.unwrap_or_default();
    let text = |key: &str| {
        data.get(key)
            .and_then(|b| String::from_utf8(b.0.clone()).ok())
            .ok_or_else(|| Failure::Failed(format!("Secret {secret_name} has no {key}")))
    };
    Ok(CertPair {
        cert_pem: text("tls.crt")?,
        key_pem: text("tls.key")?,
    })
}

/// Replace the admin kubeconfig in Secret `NAME-kubeconfig` (only ours for this control
/// plane), as the operator renews it.
pub async fn replace_kubeconfig_secret(
    conn: &Connection,
    name: &str,
    kubeconfig: &str,
) -> Result<(), Failure> {
    use base64::Engine;
    let secret_name = Names::new(name).kubeconfig();
    let api: Api<Secret> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let secret = our_secret(conn, name, &secret_name).await?;
    let body = serde_json::json!({
        "data": {"value": base64::engine::general_purpose::STANDARD.encode(kubeconfig)},
    });
    super::patch::guarded(
        conn,
        &api,
        &secret.metadata,
        body,
        super::patch::Kind::Merge,
    )
    .await
    .map_err(Failure::from)
}

/// Write `replicas` into the record's Cluster document.
pub async fn set_replicas(conn: &Connection, name: &str, replicas: i32) -> Result<(), Failure> {
    update_spec(conn, name, |spec| {
        spec["replicas"] = serde_json::json!(replicas)
    })
    .await
}

/// Change the `spec` of the record's Cluster document (ours, and still the one read).
pub async fn update_spec(
    conn: &Connection,
    name: &str,
    change: impl FnOnce(&mut serde_json::Value),
) -> Result<(), Failure> {
    let cm = record_map(conn, name).await?;
    let text = cm
        .data
        .as_ref()
        .and_then(|d| d.get("cluster.yaml"))
        .cloned()
        .unwrap_or_default();
    let mut doc: serde_json::Value = serde_saphyr::from_str(&text)
        .map_err(|e| Failure::Failed(format!("the record of {name}: {e}")))?;
    change(&mut doc["spec"]);
    let text = serde_saphyr::to_string(&doc).map_err(|e| Failure::Failed(e.to_string()))?;
    let api: Api<ConfigMap> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let body = serde_json::json!({"data": {"cluster.yaml": text}});
    super::patch::guarded(conn, &api, &cm.metadata, body, super::patch::Kind::Merge)
        .await
        .map_err(Failure::from)
}
