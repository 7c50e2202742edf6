//! Kubeconfig files k0smotron writes, with the operator's names
//! (as the operator writes it): cluster `NAME-k0s`, user `NAME-admin`,
//! context `NAME-admin@NAME-k0s`.

use base64::Engine;

use super::pki::CertPair;

/// The names of a kubeconfig's cluster, user and context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryNames {
    pub cluster: String,
    pub user: String,
    pub context: String,
}

impl EntryNames {
    /// The operator's names, for the `NAME-kubeconfig` Secret.
    pub fn operator(name: &str) -> Self {
        let cluster = format!("{name}-k0s");
        let user = format!("{name}-admin");
        EntryNames {
            context: format!("{user}@{cluster}"),
            cluster,
            user,
        }
    }

    /// One name for all three (`k0smotron-NAME` by default for `k0smotron kubeconfig`).
    pub fn same(name: &str) -> Self {
        EntryNames {
            cluster: name.into(),
            user: name.into(),
            context: name.into(),
        }
    }
}

/// A kubeconfig with one cluster, user and context, using a client certificate.
pub fn render(names: &EntryNames, server: &str, ca_pem: &str, client: &CertPair) -> String {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let EntryNames {
        cluster,
        user,
        context,
    } = names;
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: {cluster}\n  cluster:\n    server: {server}\n    certificate-authority-data: {}\ncontexts:\n- name: {context}\n  context:\n    cluster: {cluster}\n    user: {user}\ncurrent-context: {context}\nusers:\n- name: {user}\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n",
        b64(ca_pem),
        b64(&client.cert_pem),
        b64(&client.key_pem)
    )
}

pub fn admin(name: &str, server: &str, ca_pem: &str, client: &CertPair) -> String {
    render(&EntryNames::operator(name), server, ca_pem, client)
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
