//! The leaf certificates a control plane keeps in Secrets, when they run out, and new ones
//! from the certificate authorities it keeps (so kubeconfigs and joined workers, which trust
//! the CAs, keep trusting it). k0s issues its own leaves inside the controller pod at every
//! pod start (`certs-init` empties its PKI directory first), so rolling the pods renews those.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use super::naming::Names;
use super::pki::{self, CertPair, KeyAlgorithm};

/// Record key: the renewal under way (RFC 3339 of its start); cleared when it is done.
pub const RENEWAL_KEY: &str = "certsRenewal";
/// Record key: when the last renewal began (RFC 3339), so `list` knows the leaves' age.
pub const RENEWED_KEY: &str = "certsRenewedAt";
/// Annotation on a leaf Secret, and on the pod templates: the renewal it belongs to.
pub const RENEWAL_ANNOTATION: &str = "k0smotron.io/certs-renewal";

/// A leaf certificate kept in a Secret of the control plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf {
    /// One of [`pki::ETCD_LEAVES`], signed by the etcd CA (`NAME-etcd`).
    Etcd(&'static str),
    /// The client certificate inside `NAME-kubeconfig`, signed by the cluster CA (`NAME-ca`).
    AdminKubeconfig,
}

impl Leaf {
    pub fn secret(self, name: &str) -> String {
        let n = Names::new(name);
        match self {
            Leaf::Etcd(purpose) => n.secret(purpose),
            Leaf::AdminKubeconfig => n.kubeconfig(),
        }
    }

    /// The Secret of the CA that signs it.
    pub fn ca_secret(self, name: &str) -> String {
        let n = Names::new(name);
        match self {
            Leaf::Etcd(_) => n.secret("etcd"),
            Leaf::AdminKubeconfig => n.secret("ca"),
        }
    }
}

/// The leaves of a control plane: the etcd ones only with etcd storage.
pub fn leaves(etcd: bool) -> Vec<Leaf> {
    let mut all: Vec<Leaf> = Vec::new();
    if etcd {
        all.extend(pki::ETCD_LEAVES.iter().map(|p| Leaf::Etcd(p)));
    }
    all.push(Leaf::AdminKubeconfig);
    all
}

/// A new leaf, as `create` issues it: a fresh key, the same names, a year from `now`.
/// `etcd_hosts` are the etcd leaves' names ([`pki::etcd_hosts`]).
pub fn reissue(
    leaf: Leaf,
    ca: &CertPair,
    alg: KeyAlgorithm,
    etcd_hosts: &[String],
    now: OffsetDateTime,
) -> Result<CertPair, String> {
    match leaf {
        Leaf::Etcd(purpose) => {
            pki::etcd_leaf(purpose, &pki::generate_key(alg)?, ca, etcd_hosts, now)
        }
        Leaf::AdminKubeconfig => pki::admin_client(alg, ca, now),
    }
}

/// [`reissue`] for every `(leaf, signing CA)` at once, each key on a thread of its own.
pub fn reissue_all(
    wanted: &[(Leaf, CertPair)],
    alg: KeyAlgorithm,
    etcd_hosts: &[String],
    now: OffsetDateTime,
) -> Result<Vec<(Leaf, CertPair)>, String> {
    pki::on_threads(
        wanted
            .iter()
            .map(|(leaf, ca)| move || reissue(*leaf, ca, alg, etcd_hosts, now).map(|c| (*leaf, c)))
            .collect(),
    )
}

/// When the leaves `create` or the last `certs renew` issued run out: a year after the later
/// of the record's creation and the last renewal's start. (`status` reads each one.)
pub fn leaves_expire_at(
    created: OffsetDateTime,
    record: &BTreeMap<String, String>,
) -> OffsetDateTime {
    let renewed = record.get(RENEWED_KEY).and_then(|t| {
        OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
    });
    let issued = renewed.map_or(created, |r| r.max(created));
    issued + time::Duration::try_from(pki::LEAF_VALIDITY).expect("a year fits")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_and_their_cas() {
        assert_eq!(leaves(false), vec![Leaf::AdminKubeconfig]);
        let all = leaves(true);
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].secret("demo"), "demo-apiserver-etcd-client");
        assert_eq!(all[0].ca_secret("demo"), "demo-etcd");
        assert_eq!(Leaf::AdminKubeconfig.secret("demo"), "demo-kubeconfig");
        assert_eq!(Leaf::AdminKubeconfig.ca_secret("demo"), "demo-ca");
    }

    #[test]
    fn a_renewal_moves_the_expiry() {
        let created = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let mut data = BTreeMap::new();
        assert_eq!(
            leaves_expire_at(created, &data),
            created + time::Duration::days(365)
        );
        data.insert(RENEWED_KEY.to_string(), "2024-06-01T00:00:00Z".to_string());
        assert_eq!(
            leaves_expire_at(created, &data).date().to_string(),
            "2025-06-01"
        );
    }

    #[test]
    fn reissued_leaves_are_signed_by_the_kept_ca() {
        let now = OffsetDateTime::now_utc();
        let alg = KeyAlgorithm::EcdsaP256;
        let ca = pki::ca(&pki::generate_key(alg).unwrap(), now).unwrap();
        let hosts = pki::etcd_hosts("kmc-demo-etcd", "ns");
        for leaf in leaves(true) {
            let cert = reissue(leaf, &ca, alg, &hosts, now).unwrap();
            let end = pki::not_after(&cert.cert_pem).unwrap();
            let off = (end - now - time::Duration::days(365)).abs();
            assert!(off < time::Duration::seconds(2), "{leaf:?}: {off}");
            assert!(cert.key_pem.contains("PRIVATE KEY"));
        }
    }
}
