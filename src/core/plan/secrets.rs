//! Certificate Secrets (`NAME-ca`, `-proxy`, `-etcd`, `-sa`, and the etcd leaves) and the
//! admin kubeconfig Secret `NAME-kubeconfig`, all `type: cluster.x-k8s.io/secret` as the
//! operator writes them (2.8, 3.1).

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

use super::{Exposure, meta};
use crate::core::kubeconfig;
use crate::core::naming::Names;
use crate::core::pki::{CertPair, Pki};
use crate::core::spec::Resolved;

pub const SECRET_TYPE: &str = "cluster.x-k8s.io/secret";

fn secret(
    r: &Resolved,
    name: String,
    component: &str,
    data: BTreeMap<String, ByteString>,
    owner: Option<&OwnerReference>,
) -> Secret {
    let mut metadata = meta(r, name, component, owner);
    // Cluster API's label, which the operator puts on these Secrets.
    metadata
        .labels
        .get_or_insert_with(Default::default)
        .insert("cluster.x-k8s.io/cluster-name".into(), r.name.clone());
    Secret {
        metadata,
        type_: Some(SECRET_TYPE.into()),
        data: Some(data),
        ..Default::default()
    }
}

fn tls(pair: &CertPair) -> BTreeMap<String, ByteString> {
    BTreeMap::from([
        (
            "tls.crt".to_string(),
            ByteString(pair.cert_pem.clone().into_bytes()),
        ),
        (
            "tls.key".to_string(),
            ByteString(pair.key_pem.clone().into_bytes()),
        ),
    ])
}

pub fn certificates(r: &Resolved, pki: &Pki, owner: Option<&OwnerReference>) -> Vec<Secret> {
    let names = Names::new(&r.name);
    let mut out = vec![
        secret(r, names.secret("ca"), "certificates", tls(&pki.ca), owner),
        secret(
            r,
            names.secret("proxy"),
            "certificates",
            tls(&pki.proxy),
            owner,
        ),
        secret(
            r,
            names.secret("etcd"),
            "certificates",
            tls(&pki.etcd_ca),
            owner,
        ),
        secret(r, names.secret("sa"), "certificates", tls(&pki.sa), owner),
    ];
    for (purpose, pair) in &pki.etcd_leaves {
        out.push(secret(
            r,
            names.secret(purpose),
            "certificates",
            tls(pair),
            owner,
        ));
    }
    out
}

pub fn kubeconfig(
    r: &Resolved,
    x: &Exposure,
    ca: &CertPair,
    admin: &CertPair,
    owner: Option<&OwnerReference>,
) -> Secret {
    let text = kubeconfig::admin(&r.name, &x.endpoint(), &ca.cert_pem, admin);
    let data = BTreeMap::from([("value".to_string(), ByteString(text.into_bytes()))]);
    secret(
        r,
        Names::new(&r.name).kubeconfig(),
        "kubeconfig",
        data,
        owner,
    )
}
