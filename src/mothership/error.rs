//! Turning kube-rs errors into sentences a person can act on.

use kube::core::Status;

use crate::error::Failure;

/// Why a request to the mothership failed.
#[derive(Debug, thiserror::Error)]
pub enum MothershipError {
    #[error("cannot reach the mothership at {url}: {cause}")]
    Unreachable { url: String, cause: String },
    #[error(
        "TLS verification of the mothership at {url} failed: {cause}; check the certificate-authority-data of the kubeconfig's cluster entry and that the server address matches the certificate"
    )]
    Tls { url: String, cause: String },
    #[error(
        "the mothership at {url} rejected the credentials of context {context:?} (401 Unauthorized): the token or client certificate in the kubeconfig is wrong or has expired"
    )]
    Unauthorized { url: String, context: String },
    #[error("permission denied: {message}; an RBAC rule granting {rule} is missing")]
    Forbidden { message: String, rule: String },
    #[error("{message} ({code} {reason})")]
    Api {
        code: u16,
        reason: String,
        message: String,
    },
    #[error("the mothership at {url} closed the connection before answering: {cause}")]
    Dropped { url: String, cause: String },
    #[error("request to the mothership at {url} failed: {cause}")]
    Other { url: String, cause: String },
}

/// A request that failed fails the command (exit 1), with the sentence as the message.
impl From<MothershipError> for Failure {
    fn from(e: MothershipError) -> Self {
        Failure::Failed(e.to_string())
    }
}

/// Where the failed request was going, to word the error.
pub struct Context<'a> {
    pub url: &'a str,
    pub context: &'a str,
}

pub fn translate(err: kube::Error, ctx: &Context) -> MothershipError {
    let url = ctx.url.to_string();
    match err {
        kube::Error::Api(status) => from_status(*status, ctx),
        other => {
            let chain = chain(&other);
            let lower = chain.join(": ").to_lowercase();
            let innermost = chain.last().cloned().unwrap_or_default();
            // A dropped connection comes first: rustls words it as a missing close_notify.
            if is_dropped(&lower) {
                MothershipError::Dropped {
                    url,
                    cause: innermost,
                }
            } else if lower.contains("certificate")
                || lower.contains("unknownissuer")
                || lower.contains("handshake")
            {
                MothershipError::Tls {
                    url,
                    cause: innermost,
                }
            } else if lower.contains("connection refused") {
                MothershipError::Unreachable {
                    url,
                    cause: "connection refused (nothing listens on that address and port)".into(),
                }
            } else if lower.contains("deadline has elapsed")
                || lower.contains("timed out")
                || lower.contains("timeout")
            {
                MothershipError::Unreachable {
                    url,
                    cause: "no answer within the connect timeout (a firewall or a wrong address?)"
                        .into(),
                }
            } else if lower.contains("dns error")
                || lower.contains("failed to lookup")
                || lower.contains("name or service not known")
            {
                MothershipError::Unreachable {
                    url,
                    cause: format!("cannot resolve the host name ({innermost})"),
                }
            } else if lower.contains("network is unreachable") || lower.contains("no route to host")
            {
                MothershipError::Unreachable {
                    url,
                    cause: innermost,
                }
            } else {
                MothershipError::Other {
                    url,
                    cause: chain.join(": "),
                }
            }
        }
    }
}

fn from_status(status: Status, ctx: &Context) -> MothershipError {
    match status.code {
        401 => MothershipError::Unauthorized {
            url: ctx.url.to_string(),
            context: ctx.context.to_string(),
        },
        403 => {
            let rule = rbac_rule(&status.message).unwrap_or_else(|| "this access".into());
            MothershipError::Forbidden {
                message: status.message,
                rule,
            }
        }
        code => MothershipError::Api {
            code,
            reason: status.reason,
            message: status.message,
        },
    }
}

/// From `User "u" cannot create resource "pods/exec" in API group "" in the namespace "n"`,
/// the rule that would allow it.
fn rbac_rule(message: &str) -> Option<String> {
    let after = message.split(" cannot ").nth(1)?;
    let verb = after.split_whitespace().next()?;
    let resource = after.split("resource \"").nth(1)?.split('"').next()?;
    let group = after.split("API group \"").nth(1)?.split('"').next()?;
    let scope = match after
        .split("the namespace \"")
        .nth(1)
        .and_then(|s| s.split('"').next())
    {
        Some(ns) => format!("in namespace {ns}"),
        None => "at the cluster scope".into(),
    };
    Some(format!(
        "verbs [{verb}] on resources [{resource}] in apiGroups [\"{group}\"] {scope}"
    ))
}

/// The messages of an error and its sources, without repeats.
/// Whether an error chain (lower-cased) says an open connection broke before the answer.
pub(crate) fn is_dropped(lower: &str) -> bool {
    [
        "close_notify",
        "unexpected eof",
        "connection reset",
        "connection closed",
        "broken pipe",
        "incomplete message",
    ]
    .iter()
    .any(|words| lower.contains(words))
}

pub(crate) fn chain(err: &dyn std::error::Error) -> Vec<String> {
    let mut out = vec![err.to_string()];
    let mut cur = err.source();
    while let Some(e) = cur {
        let text = e.to_string();
        if !out.iter().any(|o| o.ends_with(&text)) {
            out.push(text);
        }
        cur = e.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_names_the_missing_rule() {
        let msg = "pods \"kmc-x-0\" is forbidden: User \"ci\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"ci\"";
        assert_eq!(
            rbac_rule(msg).unwrap(),
            "verbs [create] on resources [pods/exec] in apiGroups [\"\"] in namespace ci"
        );
        let cluster = "nodes is forbidden: User \"ci\" cannot list resource \"nodes\" in API group \"\" at the cluster scope";
        assert!(
            rbac_rule(cluster)
                .unwrap()
                .ends_with("at the cluster scope")
        );
    }
}
