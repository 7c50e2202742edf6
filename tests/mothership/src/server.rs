//! The HTTPS front: TLS, authentication, test knobs, routing of REST paths to the state's
//! verbs, and pod exec.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};

use crate::auth::{Attributes, User};
use crate::control::{Control, Fault, FaultAction, LoggedRequest};
use crate::discovery;
use crate::exec;
use crate::patch::PatchType;
use crate::resources::{self, Resource};
use crate::selector::{FieldSelector, LabelSelector, supported_fields};
use crate::state::{State, Timer, TimerAction};
use crate::status::{ApiError, ApiResult};
use crate::store::{DeleteOptions, Propagation};

pub type Body = Full<Bytes>;
pub type ExecHook = Arc<dyn Fn(&ExecCall) -> Option<crate::k0s::ExecOutput> + Send + Sync>;

/// What a custom exec handler sees.
pub struct ExecCall {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub command: Vec<String>,
}

pub struct Shared {
    pub state: Mutex<State>,
    pub users: Mutex<Vec<User>>,
    pub control: Mutex<Control>,
    pub exec_hook: Mutex<Option<ExecHook>>,
    pub server_address: String,
}

impl Shared {
    pub fn control(&self) -> std::sync::MutexGuard<'_, Control> {
        self.control.lock().expect("control lock")
    }

    /// Run `f` on the state, then start the timers its controllers asked for.
    pub fn with_state<T>(self: &Arc<Self>, f: impl FnOnce(&mut State) -> T) -> T {
        let (out, timers) = {
            let mut s = self.state.lock().expect("state lock");
            let out = f(&mut s);
            (out, std::mem::take(&mut s.timers))
        };
        self.spawn_timers(timers);
        out
    }

    fn spawn_timers(self: &Arc<Self>, timers: Vec<Timer>) {
        for t in timers {
            let shared = Arc::clone(self);
            tokio::spawn(async move {
                tokio::time::sleep(t.after).await;
                shared.fire(&t.action);
            });
        }
    }

    fn fire(self: &Arc<Self>, action: &TimerAction) {
        let timers = {
            let mut s = self.state.lock().expect("state lock");
            s.fire(action);
            std::mem::take(&mut s.timers)
        };
        self.spawn_timers(timers);
    }
}

/// The answer to one request, or a dropped connection (an injected fault).
pub type Outcome = Result<Response<Body>, DroppedConnection>;

#[derive(Debug)]
pub struct DroppedConnection;

impl std::fmt::Display for DroppedConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DroppedConnection {}

pub fn json_response(code: u16, body: &Value) -> Response<Body> {
    Response::builder()
        .status(code)
        .header("Content-Type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("response")
}

fn error_response(err: &ApiError) -> Response<Body> {
    let mut resp = json_response(err.code, &err.to_status());
    if let Some(secs) = err.retry_after {
        resp.headers_mut()
            .insert("Retry-After", secs.to_string().parse().expect("header"));
    }
    resp
}

fn text_response(code: u16, text: &str) -> Response<Body> {
    Response::builder()
        .status(code)
        .header("Content-Type", "text/plain; charset=utf-8")
        .body(Full::new(Bytes::from(text.to_string())))
        .expect("response")
}

fn query_map(query: &str) -> HashMap<String, Vec<String>> {
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        m.entry(k.into_owned()).or_default().push(v.into_owned());
    }
    m
}

fn first<'a>(q: &'a HashMap<String, Vec<String>>, key: &str) -> Option<&'a str> {
    q.get(key).and_then(|v| v.first()).map(String::as_str)
}

pub async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Outcome {
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or_default().to_string();
    let method = req.method().clone();
    if path.starts_with("/_mothership/") {
        return Ok(control_endpoint(&shared, &method, &path, req).await);
    }
    let (latency, fault, started) = {
        let mut c = shared.control();
        let started = *c.started.get_or_insert_with(std::time::Instant::now);
        (c.latency, c.check_faults(method.as_str(), &path), started)
    };
    let start_ms = started.elapsed().as_millis() as u64;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let (verb, resource) = classify(&method, &path, &query);
    let mut entry = LoggedRequest {
        method: method.to_string(),
        path: path.clone(),
        query: query.clone(),
        verb,
        resource,
        status: 0,
        user: String::new(),
        start_ms,
        end_ms: 0,
    };
    let outcome = match fault {
        Some(FaultAction::Drop) => Err(DroppedConnection),
        Some(FaultAction::Status { code, retry_after }) => {
            Ok(error_response(&ApiError::injected(code, retry_after)))
        }
        None => Ok(serve(&shared, req, &mut entry).await),
    };
    entry.status = outcome.as_ref().map(|r| r.status().as_u16()).unwrap_or(0);
    entry.end_ms = started.elapsed().as_millis() as u64;
    shared.control().log.requests.push(entry);
    outcome
}

/// The Kubernetes verb and resource (`pods/exec` for a subresource) of a request, for the log.
fn classify(method: &Method, path: &str, query: &str) -> (String, String) {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let target = match segs.as_slice() {
        ["api", "v1", rest @ ..] if !rest.is_empty() => parse_target("", "v1", rest),
        ["apis", g, v, rest @ ..] if !rest.is_empty() => parse_target(g, v, rest),
        _ => None,
    };
    match target {
        Some(t) => {
            let verb = verb_for(method, &t, &query_map(query));
            let resource = match &t.sub {
                Some(sub) => format!("{}/{sub}", t.res.plural),
                None => t.res.plural.to_string(),
            };
            (verb.to_string(), resource)
        }
        None => (String::new(), String::new()),
    }
}

fn authenticate(shared: &Shared, req: &Request<Incoming>) -> Option<User> {
    let header = req.headers().get("Authorization")?.to_str().ok()?;
    let token = header.strip_prefix("Bearer ")?.trim();
    shared
        .users
        .lock()
        .expect("users lock")
        .iter()
        .find(|u| u.token == token)
        .cloned()
}

async fn serve(
    shared: &Arc<Shared>,
    req: Request<Incoming>,
    entry: &mut LoggedRequest,
) -> Response<Body> {
    let Some(user) = authenticate(shared, &req) else {
        return error_response(&ApiError::unauthorized());
    };
    entry.user = user.name.clone();
    let path = req.uri().path().trim_end_matches('/').to_string();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        ["version"] => {
            let v = shared
                .state
                .lock()
                .expect("state lock")
                .sim
                .server_version
                .clone();
            json_response(200, &discovery::version(&v))
        }
        ["healthz" | "readyz" | "livez"] => text_response(200, "ok"),
        ["api"] => json_response(200, &discovery::core_versions(&shared.server_address)),
        ["apis"] => json_response(200, &discovery::group_list()),
        ["api", "v1"] => json_response(200, &discovery::resource_list("", "v1").expect("core")),
        ["apis", g] => match discovery::api_group(g) {
            Some(doc) => json_response(200, &doc),
            None => text_response(404, "404 page not found\n"),
        },
        ["apis", g, v] => match discovery::resource_list(g, v) {
            Some(doc) => json_response(200, &doc),
            None => text_response(404, "404 page not found\n"),
        },
        ["api", "v1", rest @ ..] => resource_request(shared, req, "", "v1", rest, &user).await,
        ["apis", g, v, rest @ ..] => {
            let (g, v, rest) = (
                g.to_string(),
                v.to_string(),
                rest.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            );
            let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
            resource_request(shared, req, &g, &v, &rest, &user).await
        }
        _ => text_response(404, "404 page not found\n"),
    }
}

/// A parsed REST resource path.
struct Target {
    res: &'static Resource,
    namespace: Option<String>,
    name: Option<String>,
    sub: Option<String>,
}

fn parse_target(group: &str, version: &str, rest: &[&str]) -> Option<Target> {
    let t = |plural: &str, ns: Option<&str>, name: Option<&&str>, sub: Option<&&str>| {
        resources::find(group, version, plural).map(|res| Target {
            res,
            namespace: ns.map(str::to_string),
            name: name.map(|s| s.to_string()),
            sub: sub.map(|s| s.to_string()),
        })
    };
    let target = match rest {
        ["namespaces", ns, plural, more @ ..]
            if group.is_empty() && matches!(*plural, "status" | "finalize") && more.is_empty() =>
        {
            t("namespaces", None, Some(ns), Some(plural))
        }
        ["namespaces", ns, plural, more @ ..] if more.len() <= 2 => {
            t(plural, Some(ns), more.first(), more.get(1))
        }
        [plural, more @ ..] if more.len() <= 2 => t(plural, None, more.first(), more.get(1)),
        _ => None,
    }?;
    // Namespaced paths only for namespaced resources; subresources must exist.
    if target.namespace.is_some() && !target.res.namespaced {
        return None;
    }
    if let Some(sub) = &target.sub
        && !target.res.has_subresource(sub)
    {
        return None;
    }
    Some(target)
}

async fn read_body(req: Request<Incoming>) -> ApiResult<(String, Bytes)> {
    let ct = req
        .headers()
        .get("Content-Type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = req
        .into_body()
        .collect()
        .await
        .map_err(|e| ApiError::bad_request(format!("unable to read request body: {e}")))?
        .to_bytes();
    Ok((ct, bytes))
}

/// A create or update body: JSON or YAML. Protobuf and CBOR are not spoken here, and the
/// real server answers an unknown format with 415, after which client-go retries in JSON.
fn parse_object(content_type: &str, bytes: &[u8]) -> ApiResult<Value> {
    match content_type.split(';').next().unwrap_or_default().trim() {
        "" | "application/json" | "*/*" => parse_json(bytes),
        "application/yaml" => parse_yaml(bytes),
        other => Err(ApiError::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got {other:?})"
            ),
        )),
    }
}

fn parse_json(bytes: &[u8]) -> ApiResult<Value> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(format!(
            "the server rejected our request due to an error in our request: {e}"
        ))
    })
}

fn parse_yaml(bytes: &[u8]) -> ApiResult<Value> {
    let text = std::str::from_utf8(bytes).map_err(|e| ApiError::bad_request(e.to_string()))?;
    serde_saphyr::from_str::<Value>(text)
        .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))
}

fn verb_for(method: &Method, target: &Target, q: &HashMap<String, Vec<String>>) -> &'static str {
    let named = target.name.is_some();
    match *method {
        Method::GET if target.sub.as_deref() == Some("exec") => "create",
        Method::GET if first(q, "watch").is_some_and(|w| w == "true" || w == "1") => "watch",
        Method::GET if named => "get",
        Method::GET => "list",
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH => "patch",
        Method::DELETE if named => "delete",
        Method::DELETE => "deletecollection",
        _ => "unknown",
    }
}

async fn resource_request(
    shared: &Arc<Shared>,
    req: Request<Incoming>,
    group: &str,
    version: &str,
    rest: &[&str],
    user: &User,
) -> Response<Body> {
    let Some(target) = parse_target(group, version, rest) else {
        return error_response(&ApiError::path_not_found());
    };
    let q = query_map(req.uri().query().unwrap_or_default());
    let method = req.method().clone();
    let verb = verb_for(&method, &target, &q);
    let attrs = Attributes {
        verb: verb.to_string(),
        group: group.to_string(),
        resource: target.res.plural.to_string(),
        subresource: target.sub.clone().unwrap_or_default(),
        namespace: target.namespace.clone().unwrap_or_default(),
        name: target.name.clone().unwrap_or_default(),
    };
    if !target.res.verbs.contains(&verb) && target.sub.is_none() {
        return error_response(&ApiError::method_not_allowed(format!(
            "the server does not allow this method on the requested resource ({verb} {})",
            target.res.plural
        )));
    }
    if target.res.plural == "selfsubjectaccessreviews" {
        return match read_body(req)
            .await
            .and_then(|(ct, b)| parse_object(&ct, &b))
        {
            Ok(body) => json_response(201, &access_review(user, body)),
            Err(e) => error_response(&e),
        };
    }
    if !user.allowed(&attrs) {
        let res_name = target.name.clone().unwrap_or_default();
        return error_response(&ApiError::forbidden(
            attrs.forbidden_message(&user.name),
            Some((target.res, &res_name)),
        ));
    }
    if target.sub.as_deref() == Some("exec") {
        return exec::handle(
            shared,
            req,
            &target.namespace.unwrap_or_default(),
            &target.name.unwrap_or_default(),
            &q,
        );
    }
    match verb_result(shared, req, &target, verb, &q).await {
        Ok((code, body)) => json_response(code, &body),
        Err(e) => error_response(&e),
    }
}

async fn verb_result(
    shared: &Arc<Shared>,
    req: Request<Incoming>,
    target: &Target,
    verb: &str,
    q: &HashMap<String, Vec<String>>,
) -> ApiResult<(u16, Value)> {
    let res = target.res;
    let ns = target.namespace.clone().unwrap_or_default();
    let name = target.name.clone().unwrap_or_default();
    let dry_run = first(q, "dryRun") == Some("All");
    let sub = target.sub.as_deref();
    if matches!(sub, Some("scale")) {
        return scale(shared, req, target, verb).await;
    }
    let selectors = || -> ApiResult<(LabelSelector, FieldSelector)> {
        let labels = LabelSelector::parse(first(q, "labelSelector").unwrap_or_default())
            .map_err(ApiError::bad_request)?;
        let fields = FieldSelector::parse(
            first(q, "fieldSelector").unwrap_or_default(),
            supported_fields(res.plural),
        )
        .map_err(ApiError::bad_request)?;
        Ok((labels, fields))
    };
    match verb {
        "get" => shared
            .with_state(|s| s.get(res, &ns, &name))
            .map(|o| (200, o)),
        "list" => {
            let (labels, fields) = selectors()?;
            let scope = target.namespace.as_deref();
            Ok((
                200,
                shared.with_state(|s| s.list(res, scope, &labels, &fields)),
            ))
        }
        "watch" => Err(ApiError::method_not_allowed(
            "watch is not supported by the mothership test server",
        )),
        "create" => {
            if target.name.is_some() {
                return Err(ApiError::method_not_allowed(
                    "POST is not allowed on a named resource",
                ));
            }
            let (ct, body) = read_body(req).await?;
            let body = parse_object(&ct, &body)?;
            shared
                .with_state(|s| s.create(res, &ns, body, dry_run))
                .map(|o| (201, o))
        }
        "update" => {
            let (ct, body) = read_body(req).await?;
            let body = parse_object(&ct, &body)?;
            shared
                .with_state(|s| s.update(res, &ns, &name, body, sub, dry_run))
                .map(|o| (200, o))
        }
        "patch" => {
            let (ct, body) = read_body(req).await?;
            let kind = PatchType::from_content_type(&ct)?;
            let body = if kind == PatchType::Apply {
                parse_yaml(&body)?
            } else {
                parse_json(&body)?
            };
            if kind == PatchType::Apply && first(q, "fieldManager").is_none_or(str::is_empty) {
                return Err(ApiError::invalid(
                    "PatchOptions",
                    "",
                    vec![crate::status::FieldError::required(
                        "fieldManager",
                        "is required for apply patch",
                    )],
                ));
            }
            shared
                .with_state(|s| s.patch(res, &ns, &name, kind, body, sub, dry_run))
                .map(|(o, created)| (if created { 201 } else { 200 }, o))
        }
        "delete" | "deletecollection" => {
            let (ct, body) = read_body(req).await?;
            let body = parse_object(&ct, &body)?;
            let opts = delete_options(&body, q, dry_run)?;
            if verb == "delete" {
                shared
                    .with_state(|s| s.delete(res, &ns, &name, &opts))
                    .map(|o| (200, o))
            } else {
                let (labels, fields) = selectors()?;
                let scope = target.namespace.as_deref();
                shared
                    .with_state(|s| s.delete_collection(res, scope, &labels, &fields, &opts))
                    .map(|o| (200, o))
            }
        }
        _ => Err(ApiError::method_not_allowed(format!(
            "{verb} is not supported"
        ))),
    }
}

fn delete_options(
    body: &Value,
    q: &HashMap<String, Vec<String>>,
    dry_run: bool,
) -> ApiResult<DeleteOptions> {
    let policy = body
        .get("propagationPolicy")
        .and_then(Value::as_str)
        .or_else(|| first(q, "propagationPolicy"))
        .map(|p| match p {
            "Background" => Ok(Propagation::Background),
            "Foreground" => Ok(Propagation::Foreground),
            "Orphan" => Ok(Propagation::Orphan),
            other => Err(ApiError::invalid(
                "DeleteOptions",
                "",
                vec![crate::status::FieldError::unsupported(
                    "propagationPolicy",
                    json!(other),
                    &["Foreground", "Background", "Orphan", "nil"],
                )],
            )),
        })
        .transpose()?;
    let orphan = body.get("orphanDependents").and_then(Value::as_bool);
    let propagation = policy.or(match orphan {
        Some(true) => Some(Propagation::Orphan),
        Some(false) => Some(Propagation::Background),
        None => None,
    });
    Ok(DeleteOptions {
        propagation,
        precondition_uid: body
            .pointer("/preconditions/uid")
            .and_then(Value::as_str)
            .map(str::to_string),
        precondition_rv: body
            .pointer("/preconditions/resourceVersion")
            .and_then(Value::as_str)
            .map(str::to_string),
        dry_run: dry_run
            || body
                .get("dryRun")
                .and_then(Value::as_array)
                .is_some_and(|d| d.iter().any(|x| x == "All")),
    })
}

/// `statefulsets/scale`: read and write `spec.replicas` through an autoscaling/v1 Scale.
async fn scale(
    shared: &Arc<Shared>,
    req: Request<Incoming>,
    target: &Target,
    verb: &str,
) -> ApiResult<(u16, Value)> {
    let res = target.res;
    let ns = target.namespace.clone().unwrap_or_default();
    let name = target.name.clone().unwrap_or_default();
    let as_scale = |sts: &Value| {
        json!({
            "kind": "Scale",
            "apiVersion": "autoscaling/v1",
            "metadata": {"name": name, "namespace": ns, "uid": sts["metadata"]["uid"], "resourceVersion": sts["metadata"]["resourceVersion"], "creationTimestamp": sts["metadata"]["creationTimestamp"]},
            "spec": {"replicas": sts["spec"]["replicas"]},
            "status": {"replicas": sts.pointer("/status/replicas").cloned().unwrap_or(json!(0)), "selector": crate::util::str_at(sts, &["spec", "selector", "matchLabels"]).unwrap_or_default()},
        })
    };
    let current = shared.with_state(|s| s.get(res, &ns, &name))?;
    match verb {
        "get" => Ok((200, as_scale(&current))),
        "update" | "patch" => {
            let (ct, body) = read_body(req).await?;
            let body = parse_json(&body)?;
            let replicas = if verb == "patch" {
                let mut scale_obj = as_scale(&current);
                crate::patch::apply(PatchType::from_content_type(&ct)?, &mut scale_obj, &body)?;
                scale_obj.pointer("/spec/replicas").cloned()
            } else {
                body.pointer("/spec/replicas").cloned()
            };
            let mut updated = current.clone();
            updated["spec"]["replicas"] = replicas.unwrap_or(json!(0));
            let stored = shared.with_state(|s| s.update(res, &ns, &name, updated, None, false))?;
            Ok((200, as_scale(&stored)))
        }
        _ => Err(ApiError::method_not_allowed(format!(
            "{verb} is not supported on scale"
        ))),
    }
}

fn access_review(user: &User, mut body: Value) -> Value {
    let ra = body
        .pointer("/spec/resourceAttributes")
        .cloned()
        .unwrap_or(Value::Null);
    let s = |k: &str| {
        ra.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let attrs = Attributes {
        verb: s("verb"),
        group: s("group"),
        resource: s("resource"),
        subresource: s("subresource"),
        namespace: s("namespace"),
        name: s("name"),
    };
    // Non-resource requests (discovery paths) are open to every authenticated user.
    let allowed = ra.is_null() || user.allowed(&attrs);
    body["apiVersion"] = json!("authorization.k8s.io/v1");
    body["kind"] = json!("SelfSubjectAccessReview");
    body["metadata"] = json!({"creationTimestamp": null});
    body["status"] = if allowed {
        json!({"allowed": true, "reason": user.allow_reason()})
    } else {
        json!({"allowed": false})
    };
    body
}

async fn control_endpoint(
    shared: &Arc<Shared>,
    method: &Method,
    path: &str,
    req: Request<Incoming>,
) -> Response<Body> {
    match (method.as_str(), path) {
        ("GET", "/_mothership/requests") => {
            let log = shared.control().log.clone();
            json_response(200, &log.to_json())
        }
        ("DELETE", "/_mothership/requests") => {
            shared.control().log.requests.clear();
            json_response(200, &json!({"total": 0}))
        }
        ("POST", "/_mothership/faults") => {
            let body = match read_body(req).await.and_then(|(_, b)| parse_json(&b)) {
                Ok(b) => b,
                Err(e) => return error_response(&e),
            };
            let list = if body.is_array() { body } else { json!([body]) };
            match serde_json::from_value::<Vec<Fault>>(list) {
                Ok(faults) => {
                    let n = faults.len();
                    shared.control().faults.extend(faults);
                    json_response(201, &json!({"added": n}))
                }
                Err(e) => error_response(&ApiError::bad_request(format!("invalid fault: {e}"))),
            }
        }
        ("DELETE", "/_mothership/faults") => {
            shared.control().faults.clear();
            json_response(200, &json!({"faults": 0}))
        }
        _ => text_response(StatusCode::NOT_FOUND.as_u16(), "404 page not found\n"),
    }
}

/// Adapter for hyper: an injected drop becomes an error, which makes hyper close the connection.
pub async fn service(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Body>, DroppedConnection> {
    handle(shared, req).await
}
