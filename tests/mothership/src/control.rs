//! Injected faults and the request log of the proxy.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What an injected fault does to a matching request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum FaultAction {
    /// Answer with this status code (and a `Retry-After` header for 429/503 when given).
    Status { code: u16, retry_after: Option<u64> },
    /// Close the connection without answering.
    Drop,
}

/// Fail the `nth` (1-based) request matching `method` and the `path` glob (`*` matches any
/// run of characters), and the `times - 1` matching requests after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    #[serde(default)]
    pub method: Option<String>,
    pub path: String,
    #[serde(default = "one")]
    pub nth: u32,
    #[serde(default = "one")]
    pub times: u32,
    pub action: FaultAction,
    #[serde(default, skip_deserializing)]
    pub seen: u32,
}

fn one() -> u32 {
    1
}

impl Fault {
    pub fn status(method: &str, path: &str, nth: u32, code: u16) -> Self {
        Fault {
            method: Some(method.to_string()),
            path: path.to_string(),
            nth,
            times: 1,
            action: FaultAction::Status {
                code,
                retry_after: None,
            },
            seen: 0,
        }
    }

    pub fn drop_connection(method: &str, path: &str, nth: u32) -> Self {
        Fault {
            action: FaultAction::Drop,
            ..Fault::status(method, path, nth, 0)
        }
    }

    /// Fail the `nth` request of any kind, whatever its method and path.
    pub fn nth_request(nth: u32, action: FaultAction) -> Self {
        Fault {
            method: None,
            path: "*".to_string(),
            nth,
            times: 1,
            action,
            seen: 0,
        }
    }

    pub fn retry_after(mut self, secs: u64) -> Self {
        if let FaultAction::Status { retry_after, .. } = &mut self.action {
            *retry_after = Some(secs);
        }
        self
    }

    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && glob(&self.path, path)
    }
}

pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(pos) => rest = &rest[pos + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// One API request as the server saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    /// The Kubernetes verb (get, list, create, update, patch, delete, deletecollection), or "" for discovery.
    pub verb: String,
    pub resource: String,
    pub status: u16,
    pub user: String,
    /// Milliseconds since the server started, when the request arrived and when it was answered.
    pub start_ms: u64,
    pub end_ms: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestLog {
    pub requests: Vec<LoggedRequest>,
}

impl RequestLog {
    pub fn total(&self) -> usize {
        self.requests.len()
    }

    /// Requests with this verb on this resource (`"pods/exec"` for subresources).
    pub fn count(&self, verb: &str, resource: &str) -> usize {
        self.requests
            .iter()
            .filter(|r| r.verb == verb && r.resource == resource)
            .count()
    }

    pub fn by_verb(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for r in &self.requests {
            *m.entry(r.verb.clone()).or_default() += 1;
        }
        m
    }

    pub fn by_path(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for r in &self.requests {
            *m.entry(format!("{} {}", r.method, r.path)).or_default() += 1;
        }
        m
    }

    /// Sequential waves among the requests that match `filter`: a wave starts when a request
    /// arrives after every earlier one was answered.
    pub fn waves(&self, filter: impl Fn(&LoggedRequest) -> bool) -> usize {
        let mut reqs: Vec<&LoggedRequest> = self.requests.iter().filter(|r| filter(r)).collect();
        reqs.sort_by_key(|r| r.start_ms);
        let mut waves = 0;
        let mut busy_until = None;
        for r in reqs {
            if busy_until.is_none_or(|end| r.start_ms >= end) {
                waves += 1;
                busy_until = Some(r.end_ms);
            } else {
                busy_until = busy_until.max(Some(r.end_ms));
            }
        }
        waves
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "total": self.total(),
            "byVerb": self.by_verb(),
            "byPath": self.by_path(),
            "requests": self.requests,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob(
            "/api/v1/namespaces/*/secrets*",
            "/api/v1/namespaces/default/secrets/x"
        ));
        assert!(!glob(
            "/api/v1/namespaces/*/secrets",
            "/api/v1/namespaces/default/configmaps"
        ));
        assert!(glob("*", "/anything"));
    }
}
