//! The certificates and keys of one control plane, with the operator's subjects and
//! validity (as the operator and Cluster API make them): three CAs (cluster,
//! front-proxy, etcd), the service-account key pair, the etcd leaf certificates, and client
//! certificates for admin kubeconfigs. Nothing here does I/O; time comes in as an argument,
//! and key generation is CPU work the caller runs off the async runtime.

use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};
use time::OffsetDateTime;

/// RSA-2048 as the operator and k0s use, or ECDSA P-256, much faster to generate and also
/// accepted by kube-apiserver and etcd.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum KeyAlgorithm {
    #[value(name = "rsa-2048")]
    #[serde(rename = "rsa-2048")]
    Rsa2048,
    #[value(name = "ecdsa-p256")]
    #[serde(rename = "ecdsa-p256")]
    EcdsaP256,
}

impl KeyAlgorithm {
    /// As the record names it (`keyAlgorithm`); anything else was made with RSA-2048.
    pub fn from_record(name: &str) -> Self {
        if name == KeyAlgorithm::EcdsaP256.as_str() {
            KeyAlgorithm::EcdsaP256
        } else {
            KeyAlgorithm::Rsa2048
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            KeyAlgorithm::Rsa2048 => "rsa-2048",
            KeyAlgorithm::EcdsaP256 => "ecdsa-p256",
        }
    }
}

/// A private key in the forms the Secrets hold.
pub struct Key {
    pair: KeyPair,
    /// PKCS#1 `RSA PRIVATE KEY` for RSA (what CAPI writes), PKCS#8 `PRIVATE KEY` for ECDSA.
    pub private_pem: String,
    /// PKIX `PUBLIC KEY`.
    pub public_pem: String,
}

pub fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

pub fn generate_key(alg: KeyAlgorithm) -> Result<Key, String> {
    match alg {
        KeyAlgorithm::Rsa2048 => {
            let key = rsa::PrivateKey::new(&mut rand::rng(), 2048)
                .map_err(|e| format!("RSA key generation: {e}"))?;
            let pkcs8 = key.to_pkcs8_der().map_err(|e| e.to_string())?;
            let pkcs1 = key.to_pkcs1_der().map_err(|e| e.to_string())?;
            let public = key
                .to_public_key()
                .to_public_key_der()
                .map_err(|e| e.to_string())?;
            let pair = KeyPair::from_pkcs8_der_and_sign_algo(
                &pkcs8.as_bytes().into(),
                &rcgen::PKCS_RSA_SHA256,
            )
            .map_err(|e| e.to_string())?;
            Ok(Key {
                pair,
                private_pem: pem("RSA PRIVATE KEY", pkcs1.as_bytes()),
                public_pem: pem("PUBLIC KEY", public.as_bytes()),
            })
        }
        KeyAlgorithm::EcdsaP256 => {
            let pair =
                KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(|e| e.to_string())?;
            let private_pem = pair.serialize_pem();
            let public_pem = pair.public_key_pem();
            Ok(Key {
                pair,
                private_pem,
                public_pem,
            })
        }
    }
}

/// A certificate and its key, as `tls.crt` and `tls.key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertPair {
    pub cert_pem: String,
    pub key_pem: String,
}

/// CAPI backdates certificates by five minutes against clock skew.
const BACKDATE: Duration = Duration::from_secs(300);
pub const CA_VALIDITY: Duration = Duration::from_secs(3650 * 86400);
pub const LEAF_VALIDITY: Duration = Duration::from_secs(365 * 86400);

fn validity(params: &mut CertificateParams, now: OffsetDateTime, valid_for: Duration) {
    params.not_before = now - BACKDATE;
    params.not_after = now + valid_for;
}

/// A CA as CAPI makes one: CN `kubernetes`, ten years, key usages keyEncipherment,
/// digitalSignature and certSign, path length 0. (CAPI uses serial 0; RFC 5280 wants a
/// positive serial, so rcgen's random one is kept.)
pub fn ca(key: &Key, now: OffsetDateTime) -> Result<CertPair, String> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
    params
        .distinguished_name
        .push(DnType::CommonName, "kubernetes");
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyCertSign,
    ];
    validity(&mut params, now, CA_VALIDITY);
    let cert = params.self_signed(&key.pair).map_err(|e| e.to_string())?;
    Ok(CertPair {
        cert_pem: cert.pem(),
        key_pem: key.private_pem.clone(),
    })
}

/// What a leaf certificate says about its holder.
pub struct LeafSpec<'a> {
    pub common_name: &'a str,
    pub organization: Option<&'a str>,
    pub hosts: &'a [String],
    pub server: bool,
    pub client: bool,
    pub valid_for: Duration,
}

/// A certificate signed by `ca` for `key`.
pub fn leaf(
    spec: &LeafSpec,
    key: &Key,
    ca: &CertPair,
    now: OffsetDateTime,
) -> Result<CertPair, String> {
    let ca_key =
        KeyPair::from_pem(&ca_key_pkcs8_pem(&ca.key_pem)?).map_err(|e| format!("CA key: {e}"))?;
    let issuer = Issuer::from_ca_cert_pem(&ca.cert_pem, ca_key)
        .map_err(|e| format!("CA certificate: {e}"))?;
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
    params
        .distinguished_name
        .push(DnType::CommonName, spec.common_name);
    if let Some(o) = spec.organization {
        params.distinguished_name.push(DnType::OrganizationName, o);
    }
    for host in spec.hosts {
        let san = match host.parse::<std::net::IpAddr>() {
            Ok(ip) => SanType::IpAddress(ip),
            Err(_) => SanType::DnsName(
                host.as_str()
                    .try_into()
                    .map_err(|e| format!("SAN {host:?}: {e}"))?,
            ),
        };
        params.subject_alt_names.push(san);
    }
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    if spec.server {
        params
            .extended_key_usages
            .push(ExtendedKeyUsagePurpose::ServerAuth);
    }
    if spec.client {
        params
            .extended_key_usages
            .push(ExtendedKeyUsagePurpose::ClientAuth);
    }
    params.use_authority_key_identifier_extension = true;
    validity(&mut params, now, spec.valid_for);
    let cert = params
        .signed_by(&key.pair, &issuer)
        .map_err(|e| e.to_string())?;
    Ok(CertPair {
        cert_pem: cert.pem(),
        key_pem: key.private_pem.clone(),
    })
}

/// rcgen reads PKCS#8; a CA key kept as PKCS#1 (`RSA PRIVATE KEY`) is converted first.
fn ca_key_pkcs8_pem(key_pem: &str) -> Result<String, String> {
    if !key_pem.contains("BEGIN RSA PRIVATE KEY") {
        return Ok(key_pem.to_string());
    }
    use rsa::pkcs1::DecodeRsaPrivateKey;
    let key = rsa::PrivateKey::from_pkcs1_pem(key_pem).map_err(|e| format!("CA key: {e}"))?;
    let der = key.to_pkcs8_der().map_err(|e| e.to_string())?;
    Ok(pem("PRIVATE KEY", der.as_bytes()))
}

/// The etcd leaf purposes and whether each is a server, a client, or both (cfssl's default
/// profile gives all three both usages).
pub const ETCD_LEAVES: [&str; 3] = ["apiserver-etcd-client", "etcd-server", "etcd-peer"];

/// The hosts of the etcd leaf certificates: loopback, the headless Service's names and
/// wildcards for its pods (`cluster.local` as the operator hard-codes it).
pub fn etcd_hosts(etcd_service: &str, namespace: &str) -> Vec<String> {
    let s = etcd_service;
    let ns = namespace;
    vec![
        "127.0.0.1".into(),
        "localhost".into(),
        s.to_string(),
        format!("{s}.{ns}.svc"),
        format!("{s}.{ns}.svc.cluster.local"),
        format!("*.{s}"),
        format!("*.{s}.{ns}.svc"),
        format!("*.{s}.{ns}.svc.cluster.local"),
    ]
}

/// The etcd leaf of `purpose` (one of [`ETCD_LEAVES`]) for `key`, signed by the etcd CA.
pub fn etcd_leaf(
    purpose: &str,
    key: &Key,
    etcd_ca: &CertPair,
    hosts: &[String],
    now: OffsetDateTime,
) -> Result<CertPair, String> {
    let spec = LeafSpec {
        common_name: purpose,
        organization: Some(purpose),
        hosts,
        server: true,
        client: true,
        valid_for: LEAF_VALIDITY,
    };
    leaf(&spec, key, etcd_ca, now)
}

/// The client certificate of the admin kubeconfig in Secret `NAME-kubeconfig`.
pub fn admin_client(
    alg: KeyAlgorithm,
    ca: &CertPair,
    now: OffsetDateTime,
) -> Result<CertPair, String> {
    client_cert(
        alg,
        ca,
        "admin",
        &["system:masters".into()],
        LEAF_VALIDITY,
        now,
    )
}

/// Each job on a thread of its own (key generation is CPU-bound); the results in order.
pub fn on_threads<T, F>(jobs: Vec<F>) -> Result<Vec<T>, String>
where
    F: FnOnce() -> Result<T, String> + Send,
    T: Send,
{
    std::thread::scope(|s| {
        let handles: Vec<_> = jobs.into_iter().map(|job| s.spawn(job)).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("key generation panicked".into()))
            })
            .collect()
    })
}

/// Everything a new control plane needs, generated once and shared by all replicas.
pub struct Pki {
    pub ca: CertPair,
    pub proxy: CertPair,
    pub etcd_ca: CertPair,
    /// `tls.crt` holds the PUBLIC KEY, `tls.key` the private key (the operator's `NAME-sa`).
    pub sa: CertPair,
    /// `(purpose, pair)` for etcd storage; empty otherwise.
    pub etcd_leaves: Vec<(String, CertPair)>,
}

/// Generate every key in parallel (threads, not async tasks), then sign.
pub fn generate(
    alg: KeyAlgorithm,
    etcd_service: Option<(&str, &str)>,
    now: OffsetDateTime,
) -> Result<Pki, String> {
    let count = if etcd_service.is_some() { 7 } else { 4 };
    let mut keys = on_threads((0..count).map(|_| move || generate_key(alg)).collect())?.into_iter();
    let mut next = || keys.next().expect("one key per certificate");
    let ca_pair = ca(&next(), now)?;
    let proxy = ca(&next(), now)?;
    let etcd_ca = ca(&next(), now)?;
    let sa_key = next();
    let sa = CertPair {
        cert_pem: sa_key.public_pem.clone(),
        key_pem: sa_key.private_pem.clone(),
    };
    let mut etcd_leaves = Vec::new();
    if let Some((service, namespace)) = etcd_service {
        let hosts = etcd_hosts(service, namespace);
        for purpose in ETCD_LEAVES {
            etcd_leaves.push((
                purpose.to_string(),
                etcd_leaf(purpose, &next(), &etcd_ca, &hosts, now)?,
            ));
        }
    }
    Ok(Pki {
        ca: ca_pair,
        proxy,
        etcd_ca,
        sa,
        etcd_leaves,
    })
}

/// The PKI of a restored control plane: its kept authorities (cluster CA, front-proxy CA,
/// etcd CA, service-account key) and, for etcd storage, new etcd leaves for the etcd
/// Service `etcd_service` in its namespace, signed by the kept etcd CA.
pub fn from_authorities(
    alg: KeyAlgorithm,
    [ca, proxy, etcd_ca, sa]: [CertPair; 4],
    etcd_service: Option<(&str, &str)>,
    now: OffsetDateTime,
) -> Result<Pki, String> {
    let mut etcd_leaves = Vec::new();
    if let Some((service, namespace)) = etcd_service {
        let keys = on_threads(
            ETCD_LEAVES
                .iter()
                .map(|_| move || generate_key(alg))
                .collect(),
        )?;
        let hosts = etcd_hosts(service, namespace);
        for (purpose, key) in ETCD_LEAVES.iter().zip(keys) {
            etcd_leaves.push((
                purpose.to_string(),
                etcd_leaf(purpose, &key, &etcd_ca, &hosts, now)?,
            ));
        }
    }
    Ok(Pki {
        ca,
        proxy,
        etcd_ca,
        sa,
        etcd_leaves,
    })
}

/// When a CA certificate (PEM) stops being valid.
pub fn not_after(cert_pem: &str) -> Result<OffsetDateTime, String> {
    let (_, pem) = x509_parser::pem::parse_x509_pem(cert_pem.as_bytes())
        .map_err(|e| format!("not a PEM certificate: {e}"))?;
    let cert = pem
        .parse_x509()
        .map_err(|e| format!("not an X.509 certificate: {e}"))?;
    Ok(cert.validity().not_after.to_datetime())
}

/// A client certificate for a kubeconfig, signed by the cluster CA.
pub fn client_cert(
    alg: KeyAlgorithm,
    ca: &CertPair,
    user: &str,
    groups: &[String],
    valid_for: Duration,
    now: OffsetDateTime,
) -> Result<CertPair, String> {
    let key = generate_key(alg)?;
    let org = (!groups.is_empty()).then(|| groups.join(","));
    let spec = LeafSpec {
        common_name: user,
        organization: org.as_deref(),
        hosts: &[],
        server: false,
        client: true,
        valid_for,
    };
    leaf(&spec, &key, ca, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(n: u64) -> Duration {
        Duration::from_secs(86400 * n)
    }

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap()
    }

    #[test]
    fn ecdsa_pki_has_every_piece() {
        let pki = generate(
            KeyAlgorithm::EcdsaP256,
            Some(("kmc-demo-etcd", "ns")),
            now(),
        )
        .unwrap();
        assert!(pki.ca.cert_pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(pki.sa.cert_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(pki.etcd_leaves.len(), 3);
        let client = client_cert(
            KeyAlgorithm::EcdsaP256,
            &pki.ca,
            "admin",
            &["system:masters".into()],
            days(365),
            now(),
        )
        .unwrap();
        assert!(client.key_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    }

    #[test]
    fn rsa_keys_are_pkcs1_as_capi_writes_them() {
        let key = generate_key(KeyAlgorithm::Rsa2048).unwrap();
        assert!(
            key.private_pem
                .starts_with("-----BEGIN RSA PRIVATE KEY-----\n")
        );
        let ca_pair = ca(&key, now()).unwrap();
        // A CA kept as PKCS#1 can sign again (as `kubeconfig` will, from the Secret).
        let client = client_cert(
            KeyAlgorithm::EcdsaP256,
            &ca_pair,
            "admin",
            &[],
            days(1),
            now(),
        )
        .unwrap();
        assert!(client.cert_pem.contains("BEGIN CERTIFICATE"));
    }

    #[test]
    fn etcd_hosts_follow_the_operator() {
        let hosts = etcd_hosts("kmc-demo-etcd", "ns");
        assert_eq!(hosts[4], "kmc-demo-etcd.ns.svc.cluster.local");
        assert_eq!(hosts[7], "*.kmc-demo-etcd.ns.svc.cluster.local");
    }

    #[test]
    fn pem_lines_are_64_wide() {
        let p = pem("X", &[0u8; 100]);
        assert!(
            p.lines()
                .skip(1)
                .take_while(|l| !l.starts_with("-----"))
                .all(|l| l.len() <= 64)
        );
    }
}
