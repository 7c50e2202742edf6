//! `certs renew`: the leaf Secrets of a control plane, read with the CAs that sign them, and
//! written again with new certificates. Each Secret written carries the renewal it belongs
//! to, so a rerun of an interrupted renewal writes only what is still old.

use base64::Engine;
use futures::future::join_all;
use k8s_openapi::api::core::v1::Secret;
use kube::api::Api;

use super::{Connection, record};
use crate::core::certs::{Leaf, RENEWAL_ANNOTATION};
use crate::core::kubeconfig;
use crate::core::pki::CertPair;
use crate::error::Failure;

/// A leaf Secret as read, and the CA that signs its certificate.
pub struct LeafSecret {
    pub leaf: Leaf,
    pub secret: Secret,
    pub ca: CertPair,
}

impl LeafSecret {
    /// Written by renewal `stamp` already.
    pub fn renewed_by(&self, stamp: &str) -> bool {
        self.secret
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(RENEWAL_ANNOTATION))
            .map(String::as_str)
            == Some(stamp)
    }
}

fn text(secret: &Secret, key: &str) -> Result<String, Failure> {
    secret
        .data
        .as_ref()
        .and_then(|d| d.get(key))
        .and_then(|b| String::from_utf8(b.0.clone()).ok())
        .ok_or_else(|| {
            Failure::Failed(format!(
                "Secret {} has no {key}",
                secret.metadata.name.clone().unwrap_or_default()
            ))
        })
}

/// The CA `secret_name` (ours for `name`) as a certificate and key.
async fn ca(conn: &Connection, name: &str, secret_name: &str) -> Result<CertPair, Failure> {
    let secret = record::our_secret(conn, name, secret_name).await?;
    Ok(CertPair {
        cert_pem: text(&secret, "tls.crt")?,
        key_pem: text(&secret, "tls.key")?,
    })
}

/// Every leaf Secret of `leaves` and the CAs behind them (each read once), in one wave.
pub async fn read(
    conn: &Connection,
    name: &str,
    leaves: &[Leaf],
) -> Result<Vec<LeafSecret>, Failure> {
    let mut ca_names: Vec<String> = leaves.iter().map(|l| l.ca_secret(name)).collect();
    ca_names.sort();
    ca_names.dedup();
    let leaf_names: Vec<String> = leaves.iter().map(|l| l.secret(name)).collect();
    let (secrets, cas) = tokio::join!(
        join_all(leaf_names.iter().map(|s| record::our_secret(conn, name, s))),
        join_all(ca_names.iter().map(|s| ca(conn, name, s)))
    );
    let cas: Vec<CertPair> = cas.into_iter().collect::<Result<_, _>>()?;
    leaves
        .iter()
        .zip(secrets)
        .map(|(leaf, secret)| {
            let at = ca_names
                .iter()
                .position(|n| *n == leaf.ca_secret(name))
                .expect("every CA was read");
            Ok(LeafSecret {
                leaf: *leaf,
                secret: secret?,
                ca: cas[at].clone(),
            })
        })
        .collect()
}

/// Write `cert` into the Secret of `current`, marked with renewal `stamp`: `tls.crt` and
/// `tls.key`, or for the admin kubeconfig a new `value` pointing at `endpoint`. Guarded by
/// the Secret as it was read.
pub async fn write(
    conn: &Connection,
    name: &str,
    current: &LeafSecret,
    cert: &CertPair,
    endpoint: &str,
    stamp: &str,
) -> Result<(), Failure> {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let data = match current.leaf {
        Leaf::Etcd(_) => serde_json::json!({
            "tls.crt": b64(&cert.cert_pem),
            "tls.key": b64(&cert.key_pem),
        }),
        Leaf::AdminKubeconfig => serde_json::json!({
            "value": b64(&kubeconfig::admin(name, endpoint, &current.ca.cert_pem, cert)),
        }),
    };
    let body = serde_json::json!({
        "metadata": {"annotations": {RENEWAL_ANNOTATION: stamp}},
        "data": data,
    });
    let api: Api<Secret> = Api::namespaced(conn.client.clone(), &conn.namespace);
    super::patch::guarded(
        conn,
        &api,
        &current.secret.metadata,
        body,
        super::patch::Kind::Merge,
    )
    .await
    .map_err(Failure::from)
}
