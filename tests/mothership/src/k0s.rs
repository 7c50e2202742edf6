//! What a k0s controller pod answers through exec: `k0s status`, `k0s version` and
//! `k0s token create|list|invalidate`, in k0s's own formats (join tokens are base64 of a
//! gzipped kubeconfig; tables as k0s prints them). Tokens are remembered per control plane,
//! so list and invalidate agree with create, and expired tokens disappear as k0s's token
//! cleaner removes them. The pod and the objects it mounts are read from the real API by
//! the caller (`exec.rs`) and handed in as a [`PodView`].

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, SystemTime};

use base64::Engine;
use rand::RngExt;
use serde_json::Value;

use crate::util;

/// A pod as k0s inside it sees it: the pod, and the ConfigMaps and Secrets it references,
/// by name.
#[derive(Debug, Clone, Default)]
pub struct PodView {
    pub pod: Value,
    pub configmaps: HashMap<String, Value>,
    pub secrets: HashMap<String, Value>,
    /// The annotations of the pod's namespace: how a test sets the stand-in's API up.
    pub namespace_annotations: HashMap<String, String>,
    /// The control plane's etcd members: how many are Ready, of how many (none with kine).
    pub etcd_members: (usize, usize),
}

/// Namespace annotation: how long after its container starts the stand-in's kube-apiserver
/// answers `/readyz` (a Go duration; at once without it). Real k0s took 8–21 s.
pub const API_READY_AFTER: &str = "mothership.k0smotron.dev/k0s-api-ready-after";
/// Namespace annotation: `"true"` and the stand-in's kube-apiserver stops answering, while
/// k0s itself keeps running (`k0s status` answers).
pub const API_DOWN: &str = "mothership.k0smotron.dev/k0s-api-down";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecOutput {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub exit_code: i32,
}

impl ExecOutput {
    pub fn ok(stdout: impl Into<String>) -> Self {
        ExecOutput {
            stdout: stdout.into().into_bytes(),
            ..Default::default()
        }
    }
    pub fn fail(code: i32, stderr: impl Into<String>) -> Self {
        ExecOutput {
            stderr: stderr.into().into_bytes(),
            exit_code: code,
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub id: String,
    pub secret: String,
    pub role: String,
    pub expires: Option<SystemTime>,
}

/// Issued tokens per control plane, keyed by (namespace, StatefulSet or pod name).
#[derive(Debug, Default)]
pub struct K0sTokens(HashMap<(String, String), Vec<TokenRecord>>);

impl K0sTokens {
    pub fn for_control_plane(&self, ns: &str, cp: &str) -> Vec<TokenRecord> {
        self.0
            .get(&(ns.to_string(), cp.to_string()))
            .cloned()
            .unwrap_or_default()
    }
}

/// Answer `k0s ARGS...` run in `container` of the pod.
pub fn run(tokens: &mut K0sTokens, view: &PodView, container: &str, args: &[String]) -> ExecOutput {
    k0s(tokens, view, container, args)
}

/// The k0s version a container runs, from its image tag (`v1.36.3-k0s.2` is `v1.36.3+k0s.2`).
fn k0s_version(pod: &Value, container: &str) -> String {
    let image = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["name"] == container))
        .and_then(|c| c["image"].as_str())
        .unwrap_or_default();
    let tag = image
        .rsplit_once(':')
        .map(|(_, t)| t)
        .filter(|t| !t.contains('/'))
        .unwrap_or("latest");
    match tag.rsplit_once("-k0s.") {
        Some((v, n)) => format!("{v}+k0s.{n}"),
        None => tag.to_string(),
    }
}

const NOT_RUNNING: &str = "Error: failed to get status: Get \"http://localhost/status\": dial unix /run/k0s/status.sock: connect: no such file or directory\n";

fn k0s(tokens: &mut K0sTokens, view: &PodView, container: &str, args: &[String]) -> ExecOutput {
    let pod = &view.pod;
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["version"] => ExecOutput::ok(format!("{}\n", k0s_version(pod, container))),
        ["status", ..] => {
            if !util::pod_running(pod) {
                return ExecOutput::fail(1, NOT_RUNNING);
            }
            ExecOutput::ok(format!(
                "Version: {}\nProcess ID: 7\nRole: controller\nWorkloads: false\nSingleNode: false\n",
                k0s_version(pod, container)
            ))
        }
        ["kubectl", rest @ ..] => kubectl(view, container, rest),
        ["token", "create", rest @ ..] => token_create(tokens, view, container, rest),
        ["token", "list", rest @ ..] => token_list(tokens, pod, rest),
        ["token", "invalidate", ids @ ..] => token_invalidate(tokens, pod, ids),
        [sub, ..] => ExecOutput::fail(
            1,
            format!("Error: unknown command \"{sub}\" for \"k0s\"\nRun 'k0s --help' for usage.\n"),
        ),
        [] => ExecOutput::ok("k0s - Zero Friction Kubernetes\n"),
    }
}

/// `k0s kubectl [--kubeconfig FILE] get --raw=/readyz`, the controller's readiness: "ok"
/// once the container has run for the namespace's [`API_READY_AFTER`] and a majority of
/// the control plane's etcd members (if it has any) is Ready, unless the namespace says
/// [`API_DOWN`]; before that, what kubectl says when kube-apiserver does not listen yet.
fn kubectl(view: &PodView, container: &str, args: &[&str]) -> ExecOutput {
    if !(args.contains(&"get") && args.contains(&"--raw=/readyz")) {
        return ExecOutput::fail(
            1,
            format!(
                "k0s stand-in: `k0s kubectl {}` is not answered here (only get --raw=/readyz)\n",
                args.join(" ")
            ),
        );
    }
    let annotation = |key: &str| view.namespace_annotations.get(key).map(String::as_str);
    let delay = annotation(API_READY_AFTER)
        .and_then(|d| parse_go_duration(d).ok())
        .unwrap_or_default();
    let started = view
        .pod
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["name"] == container))
        .and_then(|c| c["state"]["running"]["startedAt"].as_str())
        .and_then(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
        });
    // kube-apiserver's /readyz includes its storage: with etcd, a majority of members.
    let (ready_members, members) = view.etcd_members;
    let storage_ready = members == 0 || ready_members > members / 2;
    let serving = started.is_some_and(|t| time::OffsetDateTime::now_utc() - t >= delay)
        && storage_ready
        && annotation(API_DOWN) != Some("true");
    if serving {
        ExecOutput::ok("ok")
    } else {
        ExecOutput::fail(
            1,
            "The connection to the server localhost:6443 was refused - did you specify the right host or port?\n",
        )
    }
}

/// `--name=value` and `--name value` flags; anything else is an error as cobra reports it.
fn flags<'a>(
    args: &[&'a str],
    known: &[&str],
) -> Result<(HashMap<String, &'a str>, Vec<&'a str>), String> {
    let mut out = HashMap::new();
    let mut positional = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if let Some(flag) = a.strip_prefix("--") {
            let (name, value) = match flag.split_once('=') {
                Some((n, v)) => (n, v),
                None => {
                    i += 1;
                    let v = args
                        .get(i)
                        .ok_or_else(|| format!("flag needs an argument: --{flag}"))?;
                    (flag, *v)
                }
            };
            if !known.contains(&name) {
                return Err(format!("unknown flag: --{name}"));
            }
            out.insert(name.to_string(), value);
        } else {
            positional.push(a);
        }
        i += 1;
    }
    Ok((out, positional))
}

fn check_role(role: &str) -> Result<(), ExecOutput> {
    if role == "worker" || role == "controller" {
        Ok(())
    } else {
        Err(ExecOutput::fail(
            1,
            format!(
                "Error: unsupported role \"{role}\"; supported roles are \"controller\" and \"worker\"\n"
            ),
        ))
    }
}

/// (namespace, control plane): the owning StatefulSet, else the pod itself.
fn control_plane(pod: &Value) -> (String, String) {
    let ns = util::str_at(pod, &["metadata", "namespace"])
        .unwrap_or_default()
        .to_string();
    let owner = util::meta(pod)
        .get("ownerReferences")
        .and_then(Value::as_array)
        .and_then(|refs| refs.iter().find(|r| r["kind"] == "StatefulSet"))
        .and_then(|r| r["name"].as_str())
        .unwrap_or(util::name(pod))
        .to_string();
    (ns, owner)
}

fn purge_expired(tokens: &mut K0sTokens, key: &(String, String)) {
    let now = SystemTime::now();
    if let Some(list) = tokens.0.get_mut(key) {
        list.retain(|t| t.expires.is_none_or(|e| e > now));
    }
}

fn token_create(
    tokens: &mut K0sTokens,
    view: &PodView,
    container: &str,
    args: &[&str],
) -> ExecOutput {
    let pod = &view.pod;
    let (f, _) = match flags(
        args,
        &["role", "expiry", "wait", "data-dir", "status-socket"],
    ) {
        Ok(x) => x,
        Err(e) => return ExecOutput::fail(1, format!("Error: {e}\n")),
    };
    let role = f.get("role").copied().unwrap_or("worker");
    if let Err(e) = check_role(role) {
        return e;
    }
    let expiry = match parse_go_duration(f.get("expiry").copied().unwrap_or("0s")) {
        Ok(d) => d,
        Err(e) => return ExecOutput::fail(1, format!("Error: {e}\n")),
    };
    if !util::pod_ready(pod) {
        return ExecOutput::fail(1, NOT_RUNNING);
    }
    let config = k0s_config(view, container);
    if role == "controller" && !storage_joinable(&config) {
        return ExecOutput::fail(
            1,
            "Error: refusing to create token: cannot join controller into current storage\n",
        );
    }
    let Some(ca) = cluster_ca(view) else {
        return ExecOutput::fail(
            1,
            "Error: failed to read cluster CA from \"/var/lib/k0s/pki/ca.crt\": open /var/lib/k0s/pki/ca.crt: no such file or directory; check if the control plane is initialized on this node\n",
        );
    };
    let url = join_url(
        &config,
        role,
        util::str_at(pod, &["status", "podIP"]).unwrap_or("127.0.0.1"),
    );
    let record = TokenRecord {
        id: random_string(6),
        secret: random_string(16),
        role: role.to_string(),
        expires: (!expiry.is_zero()).then(|| SystemTime::now() + expiry),
    };
    let user = if role == "worker" {
        "kubelet-bootstrap"
    } else {
        "controller-bootstrap"
    };
    let kubeconfig = join_kubeconfig(&url, &ca, user, &format!("{}.{}", record.id, record.secret));
    let key = control_plane(pod);
    purge_expired(tokens, &key);
    tokens.0.entry(key).or_default().push(record);
    ExecOutput::ok(format!("{}\n", encode_join_token(kubeconfig.as_bytes())))
}

fn token_list(tokens: &mut K0sTokens, pod: &Value, args: &[&str]) -> ExecOutput {
    let (f, _) = match flags(args, &["role"]) {
        Ok(x) => x,
        Err(e) => return ExecOutput::fail(1, format!("Error: {e}\n")),
    };
    // k0s checks the role even though its help says an empty one means all.
    let role = f.get("role").copied().unwrap_or("");
    if let Err(e) = check_role(role) {
        return e;
    }
    if !util::pod_ready(pod) {
        return ExecOutput::fail(1, NOT_RUNNING);
    }
    let key = control_plane(pod);
    purge_expired(tokens, &key);
    let all = tokens.for_control_plane(&key.0, &key.1);
    if all.is_empty() {
        return ExecOutput::ok("No k0s join tokens found\n");
    }
    let rows: Vec<[String; 3]> = all
        .iter()
        .filter(|t| t.role == role)
        .map(|t| {
            [
                t.id.clone(),
                t.role.clone(),
                t.expires
                    .map(|e| util::rfc3339(e.into()))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    ExecOutput::ok(table(&["ID", "ROLE", "EXPIRES AT"], &rows))
}

fn token_invalidate(tokens: &mut K0sTokens, pod: &Value, ids: &[&str]) -> ExecOutput {
    if ids.is_empty() {
        return ExecOutput::fail(1, "Error: requires at least 1 arg(s), only received 0\n");
    }
    if !util::pod_ready(pod) {
        return ExecOutput::fail(1, NOT_RUNNING);
    }
    let key = control_plane(pod);
    let list = tokens.0.entry(key).or_default();
    let mut out = String::new();
    for id in ids {
        // A missing token counts as deleted, as k0s treats NotFound.
        list.retain(|t| t.id != *id);
        out.push_str(&format!("token {id} deleted successfully\n"));
    }
    ExecOutput::ok(out)
}

/// A cli-runtime table: columns padded to the widest cell plus three spaces.
fn table(header: &[&str; 3], rows: &[[String; 3]]) -> String {
    let mut widths = header.map(str::len);
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.len());
        }
    }
    let line = |cells: [&str; 3]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}", w = widths[i] + 3));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(*header);
    for r in rows {
        out.push_str(&line([&r[0], &r[1], &r[2]]));
    }
    out
}

fn random_string(len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The container's k0s config: `K0SMOTRON_K0S_YAML` from a ConfigMap in its `envFrom`.
fn k0s_config(view: &PodView, container: &str) -> Value {
    let c = view
        .pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["name"] == container))
        .cloned()
        .unwrap_or(Value::Null);
    let sources = c
        .get("envFrom")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for src in sources {
        let Some(cm_name) = src.pointer("/configMapRef/name").and_then(Value::as_str) else {
            continue;
        };
        let yaml = view
            .configmaps
            .get(cm_name)
            .and_then(|cm| cm.pointer("/data/K0SMOTRON_K0S_YAML"))
            .and_then(Value::as_str);
        if let Some(yaml) = yaml
            && let Ok(v) = serde_saphyr::from_str::<Value>(yaml)
        {
            return v;
        }
    }
    Value::Null
}

fn storage_joinable(config: &Value) -> bool {
    match config
        .pointer("/spec/storage/type")
        .and_then(Value::as_str)
        .unwrap_or("etcd")
    {
        "kine" => {
            let ds = config
                .pointer("/spec/storage/kine/dataSource")
                .and_then(Value::as_str)
                .unwrap_or("sqlite://");
            if ds.starts_with("sqlite:") {
                false
            } else if ds.starts_with("nats:") {
                ds.contains("noEmbed")
            } else {
                true
            }
        }
        _ => true,
    }
}

/// The CA certificate (PEM) from the pod's mounted `NAME-ca` Secret.
fn cluster_ca(view: &PodView) -> Option<Vec<u8>> {
    names_of_secrets(&view.pod)
        .iter()
        .filter(|n| n.ends_with("-ca"))
        .find_map(|n| {
            let data = view.secrets.get(n)?.get("data")?;
            let b64 = data
                .get("tls.crt")
                .or_else(|| data.get("ca.crt"))?
                .as_str()?;
            base64::engine::general_purpose::STANDARD.decode(b64).ok()
        })
}

/// Every Secret the pod mounts (plain or projected).
pub fn names_of_secrets(pod: &Value) -> Vec<String> {
    let volumes = pod
        .pointer("/spec/volumes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut names = Vec::new();
    for v in &volumes {
        if let Some(n) = v.pointer("/secret/secretName").and_then(Value::as_str) {
            names.push(n.to_string());
        }
        for src in v
            .pointer("/projected/sources")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            if let Some(n) = src.pointer("/secret/name").and_then(Value::as_str) {
                names.push(n.to_string());
            }
        }
    }
    names
}

/// Every ConfigMap the pod's containers take their environment from.
pub fn names_of_env_configmaps(pod: &Value) -> Vec<String> {
    pod.pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|c| c["envFrom"].as_array().cloned().unwrap_or_default())
        .filter_map(|src| {
            src.pointer("/configMapRef/name")?
                .as_str()
                .map(String::from)
        })
        .collect()
}

/// `getExternalURIForPort`: an externalAddress with a port is used as written.
pub fn join_url(config: &Value, role: &str, pod_ip: &str) -> String {
    let api = config.pointer("/spec/api").cloned().unwrap_or(Value::Null);
    let port = if role == "controller" {
        api.get("k0sApiPort")
            .and_then(Value::as_u64)
            .unwrap_or(9443)
    } else {
        api.get("port").and_then(Value::as_u64).unwrap_or(6443)
    };
    let external = api
        .get("externalAddress")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let has_port = external.rsplit_once(':').is_some_and(|(h, p)| {
        p.parse::<u16>().is_ok() && (!h.contains(':') || (h.starts_with('[') && h.ends_with(']')))
    });
    if has_port {
        return format!("https://{external}");
    }
    let host = if !external.is_empty() {
        external.to_string()
    } else {
        api.get("address")
            .and_then(Value::as_str)
            .unwrap_or(pod_ip)
            .to_string()
    };
    if host.contains(':') {
        format!("https://[{host}]:{port}")
    } else {
        format!("https://{host}:{port}")
    }
}

/// The kubeconfig inside a join token, keys sorted as client-go's `clientcmd.Write` sorts them.
pub fn join_kubeconfig(server: &str, ca_pem: &[u8], user: &str, token: &str) -> String {
    let ca = base64::engine::general_purpose::STANDARD.encode(ca_pem);
    format!(
        "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {ca}\n    server: {server}\n  name: k0s\ncontexts:\n- context:\n    cluster: k0s\n    user: {user}\n  name: k0s\ncurrent-context: k0s\nkind: Config\nusers:\n- name: {user}\n  user:\n    token: {token}\n"
    )
}

/// base64 (standard alphabet, padded) of gzip at best compression, as k0s's `JoinEncode`.
/// The ID of the bootstrap token in a join kubeconfig (the part before the dot).
pub fn join_token_id(kubeconfig: &str) -> Option<String> {
    let token = kubeconfig
        .lines()
        .find_map(|l| l.trim().strip_prefix("token: "))?;
    Some(token.split('.').next()?.to_string())
}

/// The kubeconfig inside a join token (base64 of gzip), as a worker's k0s reads it.
pub fn decode_join_token(token: &str) -> Result<String, String> {
    use std::io::Read;
    let gz = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .map_err(|e| format!("not base64: {e}"))?;
    let mut out = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut out)
        .map_err(|e| format!("not gzip: {e}"))?;
    Ok(out)
}

pub fn encode_join_token(kubeconfig: &[u8]) -> String {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(kubeconfig).expect("write to memory");
    base64::engine::general_purpose::STANDARD.encode(gz.finish().expect("gzip to memory"))
}

/// Go's `time.ParseDuration`, with its error messages.
pub fn parse_go_duration(s: &str) -> Result<Duration, String> {
    let orig = s;
    let mut s = s;
    if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    if s.starts_with('-') {
        return Err(format!("time: invalid duration \"{orig}\""));
    }
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    if s.is_empty() {
        return Err(format!("time: invalid duration \"{orig}\""));
    }
    let mut total = 0f64;
    while !s.is_empty() {
        let num_end = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        if num_end == 0 {
            return Err(format!("time: invalid duration \"{orig}\""));
        }
        let value: f64 = s[..num_end]
            .parse()
            .map_err(|_| format!("time: invalid duration \"{orig}\""))?;
        s = &s[num_end..];
        let unit_end = s
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(s.len());
        let unit = &s[..unit_end];
        s = &s[unit_end..];
        let scale = match unit {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => return Err(format!("time: missing unit in duration \"{orig}\"")),
            other => {
                return Err(format!(
                    "time: unknown unit \"{other}\" in duration \"{orig}\""
                ));
            }
        };
        total += value * scale;
    }
    Ok(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn durations_parse_like_go() {
        assert_eq!(
            parse_go_duration("24h").unwrap(),
            Duration::from_secs(86400)
        );
        assert_eq!(
            parse_go_duration("1h30m").unwrap(),
            Duration::from_secs(5400)
        );
        assert_eq!(parse_go_duration("0").unwrap(), Duration::ZERO);
        assert_eq!(
            parse_go_duration("1d").unwrap_err(),
            "time: unknown unit \"d\" in duration \"1d\""
        );
        assert_eq!(
            parse_go_duration("5").unwrap_err(),
            "time: missing unit in duration \"5\""
        );
    }

    #[test]
    fn join_urls_follow_k0s() {
        let cfg = json!({"spec": {"api": {"externalAddress": "cp.example.com", "port": 30443}}});
        assert_eq!(
            join_url(&cfg, "worker", "10.244.0.2"),
            "https://cp.example.com:30443"
        );
        assert_eq!(
            join_url(&cfg, "controller", "10.244.0.2"),
            "https://cp.example.com:9443"
        );
        let with_port = json!({"spec": {"api": {"externalAddress": "lb.example.com:443"}}});
        assert_eq!(
            join_url(&with_port, "controller", "x"),
            "https://lb.example.com:443"
        );
        assert_eq!(
            join_url(&Value::Null, "worker", "fd00::5"),
            "https://[fd00::5]:6443"
        );
    }

    #[test]
    fn token_table_matches_k0s_test() {
        let rows = vec![[
            "token1".to_string(),
            "controller".to_string(),
            "2025-05-12T12:00:00Z".to_string(),
        ]];
        assert_eq!(
            table(&["ID", "ROLE", "EXPIRES AT"], &rows),
            "ID       ROLE         EXPIRES AT\ntoken1   controller   2025-05-12T12:00:00Z\n"
        );
    }

    #[test]
    fn token_starts_with_go_gzip_header_prefix() {
        // Go's header carries XFL=2 and OS=255; flate2 writes OS=255 too but XFL 0, so only the magic is shared.
        let t = encode_join_token(b"apiVersion: v1\n");
        assert!(t.starts_with("H4sI"));
    }
}
