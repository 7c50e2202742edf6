//! k0s join tokens: base64 of a gzipped kubeconfig whose user is `kubelet-bootstrap`
//! (workers) or `controller-bootstrap` (controllers) with a bootstrap token
//! `[a-z0-9]{6}.[a-z0-9]{16}`. What `k0s token create --role=worker` prints is checked before
//! it is handed out, and its server is pointed at the recorded endpoint when k0s chose another
//! one. Only worker tokens are handed out: a controller token names k0s's join API
//! (`https://<externalAddress>:9443`), which a hosted control plane does not expose, so no
//! rewrite could make it usable.
//! Also the table `k0s token list` prints, and expiries as k0s reads them.

use std::io::{Read, Write};
use std::time::Duration;

use base64::Engine;

/// The user of a worker token's kubeconfig.
const WORKER_BOOTSTRAP_USER: &str = "kubelet-bootstrap";

/// A checked join token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinToken {
    /// The token as handed out (base64, no whitespace).
    pub encoded: String,
    pub server: String,
    /// The bootstrap token's ID (before the dot), which `token invalidate` takes.
    pub id: String,
    /// Whether the server was rewritten to the recorded endpoint.
    pub rewritten: bool,
}

fn show(printed: &str) -> String {
    let t = printed.trim();
    if t.is_empty() {
        "nothing".to_string()
    } else if t.len() > 200 {
        format!("{:?}…", &t[..200])
    } else {
        format!("{t:?}")
    }
}

fn bootstrap_token_ok(token: &str) -> bool {
    let Some((id, secret)) = token.split_once('.') else {
        return false;
    };
    let ok = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    ok(id, 6) && ok(secret, 16)
}

/// The kubeconfig inside a token.
pub fn decode(token: &str) -> Result<String, String> {
    let clean: String = token.chars().filter(|c| !c.is_whitespace()).collect();
    let gz = base64::engine::general_purpose::STANDARD
        .decode(&clean)
        .map_err(|e| format!("not base64 ({e})"))?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut text)
        .map_err(|e| format!("not a gzipped text ({e})"))?;
    Ok(text)
}

/// A token as k0s encodes one: gzip at best compression, then base64.
pub fn encode(kubeconfig: &str) -> String {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(kubeconfig.as_bytes())
        .expect("writing to memory");
    let bytes = gz.finish().expect("writing to memory");
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Check what `k0s token create --role=worker` printed and point it at `endpoint`.
pub fn check_worker(printed: &str, endpoint: &str) -> Result<JoinToken, String> {
    let bad = |why: String| {
        format!(
            "k0s printed something that is not a worker join token ({why}): {}",
            show(printed)
        )
    };
    let kubeconfig = decode(printed).map_err(bad)?;
    let doc: serde_json::Value = serde_saphyr::from_str(&kubeconfig)
        .map_err(|e| bad(format!("the kubeconfig inside does not parse: {e}")))?;
    let user = &doc["users"][0];
    if user["name"] != WORKER_BOOTSTRAP_USER {
        return Err(bad(format!(
            "its user is {}, not {WORKER_BOOTSTRAP_USER}",
            user["name"]
        )));
    }
    let token = user["user"]["token"].as_str().unwrap_or_default();
    if !bootstrap_token_ok(token) {
        return Err(bad("it carries no bootstrap token".into()));
    }
    let server = doc["clusters"][0]["cluster"]["server"]
        .as_str()
        .filter(|s| s.starts_with("https://"))
        .ok_or_else(|| bad("it names no https server".into()))?
        .to_string();
    if doc["clusters"][0]["cluster"]["certificate-authority-data"]
        .as_str()
        .is_none_or(str::is_empty)
    {
        return Err(bad("it carries no CA".into()));
    }
    let id = token.split('.').next().unwrap_or_default().to_string();
    if server == endpoint {
        let encoded: String = printed.chars().filter(|c| !c.is_whitespace()).collect();
        return Ok(JoinToken {
            encoded,
            server,
            id,
            rewritten: false,
        });
    }
    // Only the server line changes; everything else stays as k0s wrote it.
    let rewritten: String = kubeconfig
        .lines()
        .map(|l| match l.trim_start().strip_prefix("server: ") {
            Some(s) if s == server => {
                format!("{}server: {endpoint}", &l[..l.len() - l.trim_start().len()])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if kubeconfig.ends_with('\n') { "\n" } else { "" };
    Ok(JoinToken {
        encoded: encode(&rewritten),
        server: endpoint.to_string(),
        id,
        rewritten: true,
    })
}

/// The longest expiry k0smotron asks for: a token that outlives a year is a credential
/// nobody remembers.
pub const MAX_EXPIRY: Duration = Duration::from_secs(366 * 86400);

/// `--expiry` as k0s reads it (Go durations; `d` for days is translated to hours); `0`
/// means a token that never expires. Returns the value to pass to k0s.
pub fn expiry(text: &str) -> Result<(Duration, String), String> {
    let d = super::duration::parse(text)?;
    if d > MAX_EXPIRY {
        return Err(format!(
            "{text:?} is longer than a year; ask for less, or 0 for a token that never expires"
        ));
    }
    if d.is_zero() {
        return Ok((d, "0s".into()));
    }
    if d < Duration::from_secs(1) {
        return Err(format!("{text:?} is less than a second"));
    }
    Ok((d, super::duration::format(d)))
}

/// One row of `k0s token list`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Listed {
    pub id: String,
    pub role: String,
    /// RFC 3339, or empty for a token that never expires.
    pub expires_at: String,
}

/// Parse the table k0s prints (`ID ROLE EXPIRES AT`), or its "No k0s join tokens found".
pub fn parse_list(printed: &str) -> Result<Vec<Listed>, String> {
    let mut lines = printed.lines().filter(|l| !l.trim().is_empty());
    let Some(header) = lines.next() else {
        return Ok(Vec::new());
    };
    if header.trim() == "No k0s join tokens found" {
        return Ok(Vec::new());
    }
    if !header.starts_with("ID") || !header.contains("ROLE") {
        return Err(format!(
            "k0s token list printed something unexpected: {}",
            show(printed)
        ));
    }
    Ok(lines
        .map(|l| {
            let mut cols = l.split_whitespace();
            Listed {
                id: cols.next().unwrap_or_default().to_string(),
                role: cols.next().unwrap_or_default().to_string(),
                expires_at: cols.next().unwrap_or_default().to_string(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kubeconfig(user: &str, token: &str, server: &str) -> String {
        format!(
            "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: Q0E=\n    server: {server}\n  name: k0s\ncontexts:\n- context:\n    cluster: k0s\n    user: {user}\n  name: k0s\ncurrent-context: k0s\nkind: Config\nusers:\n- name: {user}\n  user:\n    token: {token}\n"
        )
    }

    #[test]
    fn a_token_for_the_endpoint_is_handed_out_as_printed() {
        let t = encode(&kubeconfig(
            "kubelet-bootstrap",
            "abcdef.0123456789abcdef",
            "https://192.0.2.1:30443",
        ));
        let printed = format!("{}\n{}\n", &t[..20], &t[20..]);
        let checked = check_worker(&printed, "https://192.0.2.1:30443").unwrap();
        assert_eq!(checked.encoded, t);
        assert_eq!(checked.id, "abcdef");
        assert!(!checked.rewritten);
    }

    #[test]
    fn another_server_is_rewritten_and_nothing_else() {
        let original = kubeconfig(
            "kubelet-bootstrap",
            "abcdef.0123456789abcdef",
            "https://10.0.0.3:30443",
        );
        let checked = check_worker(&encode(&original), "https://cp.example.com:443").unwrap();
        assert!(checked.rewritten);
        let text = decode(&checked.encoded).unwrap();
        assert_eq!(
            text,
            original.replace("https://10.0.0.3:30443", "https://cp.example.com:443")
        );
    }

    #[test]
    fn garbage_and_wrong_roles_are_refused_with_what_k0s_printed() {
        let e = check_worker("Error: something broke\n", "https://x:1").unwrap_err();
        assert!(
            e.contains("not base64") && e.contains("Error: something broke"),
            "{e}"
        );
        let controller = encode(&kubeconfig(
            "controller-bootstrap",
            "abcdef.0123456789abcdef",
            "https://x:9443",
        ));
        let e = check_worker(&controller, "https://x:1").unwrap_err();
        assert!(e.contains("not kubelet-bootstrap"), "{e}");
        let bad = encode(&kubeconfig("kubelet-bootstrap", "nope", "https://x:1"));
        assert!(
            check_worker(&bad, "https://x:1")
                .unwrap_err()
                .contains("no bootstrap token")
        );
    }

    #[test]
    fn expiries() {
        assert_eq!(expiry("24h").unwrap().1, "24h");
        assert_eq!(expiry("2d").unwrap().1, "48h");
        assert_eq!(expiry("1h30m").unwrap().1, "1h30m");
        assert_eq!(expiry("0").unwrap().1, "0s");
        assert!(expiry("400d").unwrap_err().contains("longer than a year"));
        assert!(expiry("-1h").is_err());
        assert!(expiry("soon").is_err());
    }

    #[test]
    fn list_tables() {
        assert_eq!(parse_list("No k0s join tokens found\n").unwrap(), vec![]);
        let rows = parse_list("ID       ROLE     EXPIRES AT\nabcdef   worker   2026-11-25T10:00:00Z\nghijkl   worker\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].expires_at, "2026-11-25T10:00:00Z");
        assert_eq!(rows[1].expires_at, "");
        assert!(parse_list("panic: oops").is_err());
    }
}
