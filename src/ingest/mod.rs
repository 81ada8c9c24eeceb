//! What `mailroom serve` accepts, as pure functions: an identity provider's hook payload →
//! a v1 event (`auth0`, `supabase`), the checks of who may call (`auth`), and the refusals
//! every endpoint answers with. No HTTP, no broker: `serve` is the edge that calls these.
//!
//! What is queued is always a v1 event, so `[routes]` chooses the template for every way in
//! and the worker cannot tell how an event arrived. The v1 event is then admitted by the same
//! core as the worker's ([`crate::pipeline::Pipeline::admit`]): a request that could never
//! become an email is refused before anything is published.

pub mod auth;
pub mod auth0;
pub mod supabase;

use std::fmt;

use serde_json::{Map, Value};

use crate::pipeline::{DeadKind, Rejection};

/// The ingest endpoints, for routing, error bodies and the `endpoint` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST /v1/events`: one v1 event.
    Events,
    /// `POST /v1/auth0/custom-email-provider`: an Auth0 Custom Email Provider Action's event.
    Auth0,
    /// `POST /v1/supabase/send-email`: Supabase's Send Email Hook.
    Supabase,
}

impl Endpoint {
    pub const ALL: [Endpoint; 3] = [Endpoint::Events, Endpoint::Auth0, Endpoint::Supabase];

    pub const fn path(self) -> &'static str {
        match self {
            Endpoint::Events => "/v1/events",
            Endpoint::Auth0 => "/v1/auth0/custom-email-provider",
            Endpoint::Supabase => "/v1/supabase/send-email",
        }
    }

    /// The value of `mailroom_ingest_requests_total{endpoint}`.
    pub const fn label(self) -> &'static str {
        match self {
            Endpoint::Events => "events",
            Endpoint::Auth0 => "auth0",
            Endpoint::Supabase => "supabase",
        }
    }
}

/// Why a request was not accepted: its HTTP status and the `kind` of the error body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// 400: not JSON, not an object, an invalid event, a missing link or code.
    Malformed,
    /// 401: a wrong or missing token or signature.
    Unauthorized,
    /// 404: no such endpoint.
    NotFound,
    /// 405: an endpoint asked with the wrong method.
    MethodNotAllowed,
    /// 408: the body did not arrive in time.
    Timeout,
    /// 413: a body over 64 KiB.
    TooLarge,
    /// 415: not `application/json`.
    UnsupportedMediaType,
    /// 422: no template for the event's type.
    Unroutable,
    /// 500: a template failed to render (`serve --outbox`) or a bug: the operator must act.
    Render,
    /// 503: the broker is unreachable, did not confirm in time, or too many requests are in
    /// flight: the caller should retry.
    Unavailable,
}

impl RefusalKind {
    pub const fn status(self) -> u16 {
        match self {
            RefusalKind::Malformed => 400,
            RefusalKind::Unauthorized => 401,
            RefusalKind::NotFound => 404,
            RefusalKind::MethodNotAllowed => 405,
            RefusalKind::Timeout => 408,
            RefusalKind::TooLarge => 413,
            RefusalKind::UnsupportedMediaType => 415,
            RefusalKind::Unroutable => 422,
            RefusalKind::Render => 500,
            RefusalKind::Unavailable => 503,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            RefusalKind::Malformed => "malformed",
            RefusalKind::Unauthorized => "unauthorized",
            RefusalKind::NotFound => "not_found",
            RefusalKind::MethodNotAllowed => "method_not_allowed",
            RefusalKind::Timeout => "timeout",
            RefusalKind::TooLarge => "too_large",
            RefusalKind::UnsupportedMediaType => "unsupported_media_type",
            RefusalKind::Unroutable => "unroutable",
            RefusalKind::Render => "render",
            RefusalKind::Unavailable => "unavailable",
        }
    }
}

/// A refused request: what to answer. The message names the bad value; it never holds a
/// token, a secret or a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub kind: RefusalKind,
    pub message: String,
}

impl Refusal {
    pub fn new(kind: RefusalKind, message: impl Into<String>) -> Refusal {
        Refusal {
            kind,
            message: message.into(),
        }
    }

    pub fn malformed(message: impl Into<String>) -> Refusal {
        Refusal::new(RefusalKind::Malformed, message)
    }

    /// The error body of `endpoint`: `{"error": {"kind", "message"}}`, or Supabase's own
    /// shape, `{"error": {"http_code", "message"}}`.
    pub fn body(&self, endpoint: Option<Endpoint>) -> Value {
        let error = match endpoint {
            Some(Endpoint::Supabase) => serde_json::json!({
                "http_code": self.kind.status(),
                "message": self.message,
            }),
            _ => serde_json::json!({
                "kind": self.kind.as_str(),
                "message": self.message,
            }),
        };
        serde_json::json!({ "error": error })
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.message)
    }
}

/// The pipeline's refusal of an event, as the caller is told: a `malformed` event is the
/// caller's mistake (400), an `unroutable` one has no template (422), and anything else
/// (a render failure, a bug) is ours (500).
impl From<&Rejection> for Refusal {
    fn from(r: &Rejection) -> Refusal {
        let kind = match r.kind {
            DeadKind::Malformed => RefusalKind::Malformed,
            DeadKind::Unroutable => RefusalKind::Unroutable,
            _ => RefusalKind::Render,
        };
        Refusal::new(kind, r.reason.clone())
    }
}

/// A hook's payload as a JSON object, with the strict parser events use (a key given twice
/// is refused: two parsers must never disagree on who an email goes to).
pub(crate) fn json_object(body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    let text = std::str::from_utf8(body).map_err(|e| {
        Refusal::malformed(format!(
            "the body is not valid UTF-8 (at byte {})",
            e.valid_up_to()
        ))
    })?;
    match crate::event::strict_json(text.as_bytes()) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(other) => Err(Refusal::malformed(format!(
            "expected a JSON object, found {}",
            kind_of(&other)
        ))),
        Err(e) => Err(Refusal::malformed(format!("not JSON: {e}"))),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `obj[key]` as an object: absent or null is empty; another type is refused, naming `path`.
pub(crate) fn object<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a Map<String, Value>>, Refusal> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(other) => Err(Refusal::malformed(format!(
            "{path}: expected an object, found {}",
            kind_of(other)
        ))),
    }
}

/// `obj[key]` as a string: absent, null or empty is `None`; another type is refused.
pub(crate) fn string<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a str>, Refusal> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(Refusal::malformed(format!(
            "{path}: expected a string, found {}",
            kind_of(other)
        ))),
    }
}

/// Copies the keys of `from` named in `keys` (those present) into `to`.
pub(crate) fn copy_keys(from: &Map<String, Value>, keys: &[&str], to: &mut Map<String, Value>) {
    for key in keys {
        if let Some(v) = from.get(*key) {
            to.insert((*key).to_owned(), v.clone());
        }
    }
}

/// SHA-256 of `parts`, each ended by a NUL so that `ab`,`c` and `a`,`bc` differ, in
/// lowercase hex.
pub(crate) fn digest(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
