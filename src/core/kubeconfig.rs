//! Kubeconfig files k0smotron writes, with the operator's names
//! (as the operator writes it): cluster `NAME-k0s`, user `NAME-admin`,
//! context `NAME-admin@NAME-k0s`.

use base64::Engine;

use super::pki::CertPair;

pub fn admin(name: &str, server: &str, ca_pem: &str, client: &CertPair) -> String {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let cluster = format!("{name}-k0s");
    let user = format!("{name}-admin");
    let context = format!("{user}@{cluster}");
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: {cluster}\n  cluster:\n    server: {server}\n    certificate-authority-data: {}\ncontexts:\n- name: {context}\n  context:\n    cluster: {cluster}\n    user: {user}\ncurrent-context: {context}\nusers:\n- name: {user}\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n",
        b64(ca_pem),
        b64(&client.cert_pem),
        b64(&client.key_pem)
    )
}

/// `https://host:port`, with brackets around an IPv6 literal.
pub fn server_url(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("https://[{host}]:{port}")
    } else {
        format!("https://{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_urls() {
        let pair = CertPair {
            cert_pem: "C".into(),
            key_pem: "K".into(),
        };
        let kc = admin("demo", "https://203.0.113.11:31443", "CA", &pair);
        assert!(kc.contains("current-context: demo-admin@demo-k0s\n"));
        assert!(kc.contains("    server: https://203.0.113.11:31443\n"));
        assert_eq!(server_url("fd00::1", 6443), "https://[fd00::1]:6443");
    }
}
