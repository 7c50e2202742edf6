//! API errors as the real API server writes them: a `Status` body with `reason`, `code` and
//! `details` (k8s.io/apimachinery/pkg/api/errors).

use serde_json::{Value, json};

use crate::resources::Resource;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub details: Option<Value>,
    /// Seconds for a `Retry-After` header (429 and 503).
    pub retry_after: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason,
            message: message.into(),
            details: None,
            retry_after: None,
        }
    }

    fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// Status details name the resource by its plural in `kind`, as `NewNotFound` does.
    fn resource_details(res: &Resource, name: &str) -> Value {
        let mut d = json!({"name": name, "kind": res.plural});
        if !res.group.is_empty() {
            d["group"] = json!(res.group);
        }
        d
    }

    pub fn not_found(res: &Resource, name: &str) -> Self {
        Self::new(
            404,
            "NotFound",
            format!("{} \"{}\" not found", qualified(res), name),
        )
        .with_details(Self::resource_details(res, name))
    }

    pub fn namespace_not_found(ns: &str) -> Self {
        Self::new(404, "NotFound", format!("namespaces \"{ns}\" not found"))
            .with_details(json!({"name": ns, "kind": "namespaces"}))
    }

    pub fn already_exists(res: &Resource, name: &str) -> Self {
        Self::new(
            409,
            "AlreadyExists",
            format!("{} \"{}\" already exists", qualified(res), name),
        )
        .with_details(Self::resource_details(res, name))
    }

    pub fn conflict(res: &Resource, name: &str, why: &str) -> Self {
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{}\": {}",
                qualified(res),
                name,
                why
            ),
        )
        .with_details(Self::resource_details(res, name))
    }

    pub fn stale(res: &Resource, name: &str) -> Self {
        Self::conflict(
            res,
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }

    /// 422 with one cause per field, as `NewInvalid` renders it.
    pub fn invalid(kind: &str, name: &str, causes: Vec<FieldError>) -> Self {
        let text: Vec<String> = causes.iter().map(FieldError::to_string).collect();
        let message = if text.len() == 1 {
            format!("{kind} \"{name}\" is invalid: {}", text[0])
        } else {
            format!("{kind} \"{name}\" is invalid: [{}]", text.join(", "))
        };
        let causes: Vec<Value> = causes
            .iter()
            .map(|c| json!({"reason": c.reason, "message": c.detail_message(), "field": c.field}))
            .collect();
        Self::new(422, "Invalid", message)
            .with_details(json!({"name": name, "kind": kind, "causes": causes}))
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "Unauthorized")
    }

    pub fn forbidden(message: String, res: Option<(&Resource, &str)>) -> Self {
        let err = Self::new(403, "Forbidden", message);
        match res {
            Some((res, name)) => err.with_details(Self::resource_details(res, name)),
            None => err,
        }
    }

    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(405, "MethodNotAllowed", message)
    }

    pub fn unsupported_media_type(content_type: &str) -> Self {
        Self::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {content_type:?})"
            ),
        )
    }

    pub fn path_not_found() -> Self {
        Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
        .with_details(json!({}))
    }

    /// A fault the test injected: the reason follows the status code.
    pub fn injected(code: u16, retry_after: Option<u64>) -> Self {
        let (reason, message) = match code {
            409 => ("Conflict", "injected conflict".to_string()),
            429 => (
                "TooManyRequests",
                "the server has received too many requests and has asked us to try again later"
                    .to_string(),
            ),
            500 => (
                "InternalError",
                "Internal error occurred: injected failure".to_string(),
            ),
            503 => (
                "ServiceUnavailable",
                "the server is currently unable to handle the request".to_string(),
            ),
            504 => (
                "Timeout",
                "the server was unable to return a response in the time allotted".to_string(),
            ),
            _ => ("", format!("injected status {code}")),
        };
        let mut err = Self::new(code, reason, message);
        err.retry_after = retry_after;
        if let Some(secs) = retry_after {
            err.details = Some(json!({"retryAfterSeconds": secs}));
        }
        err
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(
            500,
            "InternalError",
            format!("Internal error occurred: {}", message.into()),
        )
    }

    pub fn to_status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(d) = &self.details {
            status["details"] = d.clone();
        }
        if self.reason.is_empty() {
            status.as_object_mut().unwrap().remove("reason");
        }
        status
    }
}

/// `plural` for core resources, `plural.group` otherwise (`statefulsets.apps "x" not found`).
pub fn qualified(res: &Resource) -> String {
    if res.group.is_empty() {
        res.plural.to_string()
    } else {
        format!("{}.{}", res.plural, res.group)
    }
}

/// A field-level validation error (apimachinery `field.Error`).
#[derive(Debug, Clone)]
pub struct FieldError {
    pub reason: &'static str,
    pub field: String,
    pub value: Option<Value>,
    pub detail: String,
}

impl FieldError {
    pub fn invalid(field: impl Into<String>, value: Value, detail: impl Into<String>) -> Self {
        FieldError {
            reason: "FieldValueInvalid",
            field: field.into(),
            value: Some(value),
            detail: detail.into(),
        }
    }
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError {
            reason: "FieldValueRequired",
            field: field.into(),
            value: None,
            detail: detail.into(),
        }
    }
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError {
            reason: "FieldValueForbidden",
            field: field.into(),
            value: None,
            detail: detail.into(),
        }
    }
    pub fn unsupported(field: impl Into<String>, value: Value, supported: &[&str]) -> Self {
        let list: Vec<String> = supported.iter().map(|s| format!("\"{s}\"")).collect();
        FieldError {
            reason: "FieldValueNotSupported",
            field: field.into(),
            value: Some(value),
            detail: format!("supported values: {}", list.join(", ")),
        }
    }

    fn detail_message(&self) -> String {
        match self.reason {
            "FieldValueInvalid" => format!(
                "Invalid value: {}: {}",
                render_value(self.value.as_ref()),
                self.detail
            ),
            "FieldValueRequired" => format!("Required value: {}", self.detail),
            "FieldValueForbidden" => format!("Forbidden: {}", self.detail),
            "FieldValueNotSupported" => {
                format!(
                    "Unsupported value: {}: {}",
                    render_value(self.value.as_ref()),
                    self.detail
                )
            }
            _ => self.detail.clone(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.detail_message())
    }
}

fn render_value(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => format!("{s:?}"),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}
