//! The event contract, version 1: wire bytes in, a validated [`Event`] out.
//!
//! This module owns "parse, don't validate": once an [`Event`] exists, its id is usable as an
//! idempotency key, its recipient is a real address, its links have an allowed scheme and its
//! optional fields have the types the rest of the pipeline expects. It does not know which
//! template an event routes to or which locales exist; see `pipeline` and `locale`.
//!
//! Trust boundary: `user.user_metadata` is written by the user. Its values may be of any JSON
//! type and never make an event invalid; they are carried as data and only ever rendered as
//! escaped text. `app_metadata` and `client_metadata` are trusted, but their links and colours
//! are still checked where they are used (`brand`).

use std::fmt;

use lettre::Address;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub(crate) use crate::text::clip;
use crate::text::one_line;

/// Events larger than this are refused before parsing: a user event is about 1 KB.
pub const MAX_EVENT_BYTES: usize = 64 * 1024;
/// Longest accepted event id; it ends up in a `Message-ID` header and a file name.
pub const MAX_ID_CHARS: usize = 200;
/// Display fields (names) are cut to this many characters instead of failing the event.
pub const MAX_NAME_CHARS: usize = 128;
/// A verification code is short by nature; anything longer is a producer bug.
pub const MAX_CODE_CHARS: usize = 64;
/// Links longer than this are refused (browsers and mail clients choke well before).
pub const MAX_URL_BYTES: usize = 4096;
/// A lifetime beyond a year is a producer bug, not a real link lifetime.
pub const MAX_TTL_SECONDS: u64 = 366 * 24 * 3600;

/// Why an event body could not become an [`Event`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("event is {size} bytes, over the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    #[error("not a JSON event: {0}")]
    NotJson(String),
    /// A field is missing or has a bad value; `path` is dotted (`user.email`).
    #[error("{path}: {reason}")]
    Invalid { path: String, reason: String },
}

impl EventError {
    fn invalid(path: impl Into<String>, reason: impl Into<String>) -> Self {
        EventError::Invalid {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// The instants an email's `Date` header can carry: RFC 5322 dates are written in four-digit
/// years, and the SMTP stack formats them from a `SystemTime` after 1970.
pub const EARLIEST_DATE: i64 = 0;
/// 9999-12-31T23:59:59Z.
pub const LATEST_DATE: i64 = 253_402_300_799;

/// `occurred_at`: RFC 3339, and an instant in [`EARLIEST_DATE`]..=[`LATEST_DATE`] (in UTC, so
/// `1970-01-01T00:00:00+01:00` is before it). Producers that serialize an unset time send
/// Go's and .NET's zero time, `0001-01-01T00:00:00Z`: that is refused, never clamped, since
/// a made-up date would hide the producer's bug.
fn parse_occurred_at(s: &str) -> Result<OffsetDateTime, EventError> {
    let at = OffsetDateTime::parse(s, &Rfc3339).map_err(|_| {
        EventError::invalid(
            "occurred_at",
            format!("`{}` is not an RFC 3339 timestamp", clip(s, 80)),
        )
    })?;
    if !(EARLIEST_DATE..=LATEST_DATE).contains(&at.unix_timestamp()) {
        return Err(EventError::invalid(
            "occurred_at",
            format!(
                "`{}` is outside the dates an email can carry (1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z)",
                clip(s, 80)
            ),
        ));
    }
    Ok(at)
}

/// Options of the contract that a deployment chooses.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseOptions {
    /// Accept `http://` links (development only); `https://` is always accepted.
    pub allow_http_links: bool,
}

/// A validated event.
#[derive(Debug, Clone)]
pub struct Event {
    /// Unique per logical email: the idempotency key and the `Message-ID` seed.
    pub id: String,
    /// Chooses the template through the configured routes.
    pub event_type: String,
    pub occurred_at: Option<OffsetDateTime>,
    pub user: UserRef,
    pub client: ClientRef,
    pub data: Data,
}

/// The user an event is about: inline (the Auth0 profile shape) or only referenced by id.
#[derive(Debug, Clone)]
pub enum UserRef {
    Inline(Box<User>),
    /// A thin event: the profile must be loaded from a directory.
    Id(String),
}

/// The application an event came from.
#[derive(Debug, Clone)]
pub enum ClientRef {
    Inline(Client),
    /// A thin event: `client_metadata` must be loaded from a directory.
    Id(String),
    /// No client named: default branding.
    None,
}

/// The parts of an Auth0 user profile that mailroom uses.
#[derive(Debug, Clone)]
pub struct User {
    pub user_id: Option<String>,
    pub email: Address,
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub nickname: Option<String>,
    /// `user.locale` as sent: any JSON value, judged by language negotiation.
    pub locale: Option<Value>,
    /// Untrusted: written by the user.
    pub user_metadata: Map<String, Value>,
    /// Trusted: written by the backend.
    pub app_metadata: Map<String, Value>,
}

impl User {
    /// The name to greet the user by: given name, then full name, then nickname.
    pub fn greeting_name(&self) -> Option<&str> {
        [&self.given_name, &self.name, &self.nickname]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .find(|s| !s.trim().is_empty())
    }

    /// The name for the `To` header: full name, then given name, then nickname.
    pub fn display_name(&self) -> Option<&str> {
        [&self.name, &self.given_name, &self.nickname]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .find(|s| !s.trim().is_empty())
    }
}

/// The parts of an Auth0 client (application) that mailroom uses.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub client_id: Option<String>,
    pub name: Option<String>,
    /// Trusted (written by the application's admin), but still checked where used.
    pub client_metadata: Map<String, Value>,
}

/// The template-specific part of an event, with its known fields validated.
#[derive(Debug, Clone, Default)]
pub struct Data {
    /// A link with an allowed scheme (`https`, or `http` when the deployment allows it).
    pub url: Option<String>,
    /// A verification code: letters, digits and `-`.
    pub code: Option<String>,
    pub ttl_seconds: Option<u64>,
    /// Everything in `data`, for templates that use more.
    pub raw: Map<String, Value>,
}

/// A short rendering of a JSON value for error messages: strings in backticks, cut if long.
pub(crate) struct Shown<'a>(pub &'a Value);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::String(s) => write!(f, "`{}`", clip(s, 80)),
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "boolean {b}"),
            Value::Number(n) => write!(f, "number {n}"),
            Value::Array(_) => f.write_str("an array"),
            Value::Object(_) => f.write_str("an object"),
        }
    }
}

/// An invalid event, with its id when the body got far enough to have one (for logs and
/// dead-letter headers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub error: EventError,
    pub event_id: Option<String>,
}

/// Parses and validates one event body.
pub fn parse(bytes: &[u8], options: ParseOptions) -> Result<Event, EventError> {
    parse_detailed(bytes, options).map_err(|i| i.error)
}

/// [`parse`], keeping the event id of an invalid event when it has a usable one.
pub fn parse_detailed(bytes: &[u8], options: ParseOptions) -> Result<Event, Invalid> {
    let mut id_seen = None;
    parse_inner(bytes, options, &mut id_seen).map_err(|error| Invalid {
        error,
        event_id: id_seen,
    })
}

fn parse_inner(
    bytes: &[u8],
    options: ParseOptions,
    id_seen: &mut Option<String>,
) -> Result<Event, EventError> {
    if bytes.len() > MAX_EVENT_BYTES {
        return Err(EventError::TooLarge {
            size: bytes.len(),
            limit: MAX_EVENT_BYTES,
        });
    }
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| EventError::NotJson(e.to_string()))?;
    let Value::Object(mut root) = value else {
        return Err(EventError::NotJson(format!(
            "expected a JSON object, found {}",
            Shown(&value)
        )));
    };

    let id = required_string(&root, "id", "id")?;
    if id.trim().is_empty() {
        return Err(EventError::invalid("id", "must not be empty"));
    }
    if id.chars().count() > MAX_ID_CHARS {
        return Err(EventError::invalid(
            "id",
            format!("is longer than {MAX_ID_CHARS} characters"),
        ));
    }
    if id.chars().any(char::is_control) {
        return Err(EventError::invalid(
            "id",
            format!("`{}` contains control characters", clip(&id, 80)),
        ));
    }
    *id_seen = Some(id.clone());
    let event_type = required_string(&root, "type", "type")?;
    if event_type.is_empty() {
        return Err(EventError::invalid("type", "must not be empty"));
    }

    let occurred_at = match root.get("occurred_at") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(parse_occurred_at(s)?),
        Some(other) => {
            return Err(EventError::invalid(
                "occurred_at",
                format!("expected an RFC 3339 string, found {}", Shown(other)),
            ));
        }
    };

    let user = match (root.remove("user"), root.get("user_id")) {
        (Some(Value::Object(u)), _) => UserRef::Inline(Box::new(parse_user(u)?)),
        (Some(Value::Null) | None, Some(_)) => {
            UserRef::Id(non_empty_string(&root, "user_id", "user_id")?)
        }
        (Some(Value::Null) | None, None) => {
            return Err(EventError::invalid(
                "user",
                "missing: the event needs a `user` object or a `user_id`",
            ));
        }
        (Some(other), _) => {
            return Err(EventError::invalid(
                "user",
                format!("expected an object, found {}", Shown(&other)),
            ));
        }
    };

    let client = match (root.remove("client"), root.get("client_id")) {
        (Some(Value::Object(c)), _) => ClientRef::Inline(parse_client(c)?),
        (Some(Value::Null) | None, Some(_)) => {
            ClientRef::Id(non_empty_string(&root, "client_id", "client_id")?)
        }
        (Some(Value::Null) | None, None) => ClientRef::None,
        (Some(other), _) => {
            return Err(EventError::invalid(
                "client",
                format!("expected an object, found {}", Shown(&other)),
            ));
        }
    };

    let data = match root.remove("data") {
        None | Some(Value::Null) => Data::default(),
        Some(Value::Object(d)) => parse_data(d, options)?,
        Some(other) => {
            return Err(EventError::invalid(
                "data",
                format!("expected an object, found {}", Shown(&other)),
            ));
        }
    };

    Ok(Event {
        id,
        event_type,
        occurred_at,
        user,
        client,
        data,
    })
}

/// An Auth0 user profile (inline in an event, or loaded by the directory) → [`User`].
pub(crate) fn parse_user(mut u: Map<String, Value>) -> Result<User, EventError> {
    let email_text = match u.get("email") {
        Some(Value::String(s)) => s.trim(),
        None | Some(Value::Null) => return Err(EventError::invalid("user.email", "missing")),
        Some(other) => {
            return Err(EventError::invalid(
                "user.email",
                format!("expected a string, found {}", Shown(other)),
            ));
        }
    };
    let email = parse_address(email_text).ok_or_else(|| {
        EventError::invalid(
            "user.email",
            format!("`{}` is not an email address", clip(email_text, 80)),
        )
    })?;
    let user_id = match u.get("user_id") {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    Ok(User {
        user_id,
        email,
        name: display_field(&u, "name"),
        given_name: display_field(&u, "given_name"),
        nickname: display_field(&u, "nickname"),
        locale: u.remove("locale"),
        // Any JSON type is accepted here on purpose: a user-editable field never fails an event.
        user_metadata: take_object(&mut u, "user_metadata"),
        app_metadata: take_object(&mut u, "app_metadata"),
    })
}

/// An Auth0 client (inline in an event, or loaded by the directory) → [`Client`].
pub(crate) fn parse_client(mut c: Map<String, Value>) -> Result<Client, EventError> {
    let client_id = match c.get("client_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(EventError::invalid(
                "client.client_id",
                format!("expected a string, found {}", Shown(other)),
            ));
        }
    };
    Ok(Client {
        client_id,
        name: display_field(&c, "name"),
        client_metadata: take_object(&mut c, "client_metadata"),
    })
}

fn parse_data(d: Map<String, Value>, options: ParseOptions) -> Result<Data, EventError> {
    let url = match d.get("url") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(
            check_link(s, options.allow_http_links)
                .map_err(|reason| EventError::invalid("data.url", reason))?,
        ),
        Some(other) => {
            return Err(EventError::invalid(
                "data.url",
                format!("expected a string, found {}", Shown(other)),
            ));
        }
    };
    let code = match d.get("code") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(check_code(s)?),
        Some(Value::Number(n)) if n.is_u64() => Some(n.to_string()),
        Some(other) => {
            return Err(EventError::invalid(
                "data.code",
                format!("expected a string, found {}", Shown(other)),
            ));
        }
    };
    let ttl_seconds = match d.get("ttl_seconds") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(n) if (1..=MAX_TTL_SECONDS).contains(&n) => Some(n),
            _ => {
                return Err(EventError::invalid(
                    "data.ttl_seconds",
                    format!(
                        "expected a whole number of seconds from 1 to {MAX_TTL_SECONDS}, found {}",
                        Shown(v)
                    ),
                ));
            }
        },
    };
    Ok(Data {
        url,
        code,
        ttl_seconds,
        raw: d,
    })
}

fn check_code(s: &str) -> Result<String, EventError> {
    let code = s.trim();
    if code.is_empty() || code.chars().count() > MAX_CODE_CHARS {
        return Err(EventError::invalid(
            "data.code",
            format!("must have 1 to {MAX_CODE_CHARS} characters"),
        ));
    }
    if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(EventError::invalid(
            "data.code",
            format!(
                "`{}` may only contain ASCII letters, digits and `-`",
                clip(code, 80)
            ),
        ));
    }
    Ok(code.to_owned())
}

/// Checks that `raw` is an absolute link a recipient can safely follow: `https` (or `http` when
/// allowed) with a host. `javascript:`, `data:` and friends are refused. Returns the link as
/// sent (not re-serialized), so the producer's signature or ticket stays byte-identical.
pub fn check_link(raw: &str, allow_http: bool) -> Result<String, String> {
    let trimmed = raw.trim();
    if trimmed.len() > MAX_URL_BYTES {
        return Err(format!("link is longer than {MAX_URL_BYTES} bytes"));
    }
    if trimmed.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!(
            "`{}` contains whitespace or control characters",
            clip(trimmed, 80)
        ));
    }
    let url = url::Url::parse(trimmed)
        .map_err(|e| format!("`{}` is not an absolute URL ({e})", clip(trimmed, 80)))?;
    let scheme_ok = url.scheme() == "https" || (allow_http && url.scheme() == "http");
    if !scheme_ok {
        let allowed = if allow_http { "https or http" } else { "https" };
        return Err(format!(
            "`{}` uses the scheme `{}`; only {allowed} links are allowed",
            clip(trimmed, 80),
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{}` has no host", clip(trimmed, 80)));
    }
    Ok(trimmed.to_owned())
}

/// Parses an email address the way the SMTP layer will use it.
pub fn parse_address(s: &str) -> Option<Address> {
    // RFC 5321 caps a path at 256 octets including the angle brackets.
    if s.len() > 254 {
        return None;
    }
    s.parse::<Address>().ok()
}

fn required_string(root: &Map<String, Value>, key: &str, path: &str) -> Result<String, EventError> {
    match root.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        None | Some(Value::Null) => Err(EventError::invalid(path, "missing")),
        Some(other) => Err(EventError::invalid(
            path,
            format!("expected a string, found {}", Shown(other)),
        )),
    }
}

fn non_empty_string(
    root: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<String, EventError> {
    let s = required_string(root, key, path)?;
    if s.trim().is_empty() {
        return Err(EventError::invalid(path, "must not be empty"));
    }
    Ok(s)
}

/// A display field (a name): a string, kept; anything else is ignored rather than failing the
/// event, since a missing name only costs a less personal greeting. Long values are cut.
fn display_field(m: &Map<String, Value>, key: &str) -> Option<String> {
    let s = m.get(key)?.as_str()?;
    // A name is one line: line breaks and other controls would let it write paragraphs into
    // the text part ("Ana,\n\nYour account is locked…") or break layouts.
    let line = one_line(s);
    if line.is_empty() {
        return None;
    }
    Some(line.chars().take(MAX_NAME_CHARS).collect())
}

fn take_object(m: &mut Map<String, Value>, key: &str) -> Map<String, Value> {
    match m.remove(key) {
        Some(Value::Object(o)) => o,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        parse(json.as_bytes(), ParseOptions::default())
            .unwrap_err()
            .to_string()
    }

    const OK: &str = r#"{"id":"evt_1","type":"user.signed_up","user":{"email":"ana@example.com"}}"#;

    #[test]
    fn minimal_event_parses() {
        let e = parse(OK.as_bytes(), ParseOptions::default()).unwrap();
        assert_eq!(e.id, "evt_1");
        assert!(matches!(e.client, ClientRef::None));
    }

    #[test]
    fn rejections_name_the_field_and_the_value() {
        assert_eq!(
            err(r#"{"id":"e","type":"t","user":{"email":"ana(at)example"}}"#),
            "user.email: `ana(at)example` is not an email address"
        );
        assert_eq!(err(r#"{"type":"t","user":{}}"#), "id: missing");
        assert_eq!(
            err(r#"{"id":5,"type":"t"}"#),
            "id: expected a string, found number 5"
        );
        assert_eq!(
            err(r#"{"id":"e","type":"t"}"#),
            "user: missing: the event needs a `user` object or a `user_id`"
        );
        assert_eq!(
            err(
                r#"{"id":"e","type":"t","user":{"email":"a@b.c"},"data":{"url":"javascript:alert(1)"}}"#
            ),
            "data.url: `javascript:alert(1)` uses the scheme `javascript`; only https links are allowed"
        );
        assert_eq!(
            err(r#"{"id":"e","type":"t","user":{"email":"a@b.c"},"occurred_at":"yesterday"}"#),
            "occurred_at: `yesterday` is not an RFC 3339 timestamp"
        );
    }

    fn dated(at: &str) -> String {
        format!(r#"{{"id":"e","type":"t","user":{{"email":"a@b.c"}},"occurred_at":"{at}"}}"#)
    }

    #[test]
    fn dates_an_email_cannot_carry_are_refused_with_the_value_named() {
        for bad in [
            "0001-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "1969-12-31T23:59:59.999Z",
            "1970-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-23:59",
            "9999-12-31T23:59:59.5-00:01",
        ] {
            assert_eq!(
                err(&dated(bad)),
                format!(
                    "occurred_at: `{bad}` is outside the dates an email can carry (1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z)"
                )
            );
        }
        for good in [
            "1970-01-01T00:00:00Z",
            "1970-01-01T01:00:00+01:00",
            "9999-12-31T23:59:59Z",
            "9999-12-31T23:59:59.999+00:00",
            "9999-12-31T23:59:59+23:59",
        ] {
            assert!(
                parse(dated(good).as_bytes(), ParseOptions::default()).is_ok(),
                "{good}"
            );
        }
    }

    #[test]
    fn oversized_body_is_refused_before_parsing() {
        let big = vec![b' '; MAX_EVENT_BYTES + 1];
        assert_eq!(
            parse(&big, ParseOptions::default()).unwrap_err(),
            EventError::TooLarge {
                size: MAX_EVENT_BYTES + 1,
                limit: MAX_EVENT_BYTES
            }
        );
    }

    #[test]
    fn user_metadata_of_any_type_is_just_data() {
        for meta in [
            r#"5"#,
            r#""x""#,
            r#"{"lang":{"a":1},"x":[1,2,{"y":null}],"n":1e300}"#,
            r#"null"#,
        ] {
            let json = format!(
                r#"{{"id":"e","type":"t","user":{{"email":"a@b.c","user_metadata":{meta}}}}}"#
            );
            assert!(
                parse(json.as_bytes(), ParseOptions::default()).is_ok(),
                "{meta}"
            );
        }
    }

    #[test]
    fn http_links_need_the_development_switch() {
        let json = r#"{"id":"e","type":"t","user":{"email":"a@b.c"},"data":{"url":"http://localhost:3000/v"}}"#;
        assert!(parse(json.as_bytes(), ParseOptions::default()).is_err());
        let dev = ParseOptions {
            allow_http_links: true,
        };
        assert_eq!(
            parse(json.as_bytes(), dev).unwrap().data.url.as_deref(),
            Some("http://localhost:3000/v")
        );
    }

    #[test]
    fn names_are_one_line() {
        let json = r#"{"id":"e","type":"t","user":{"email":"a@b.c","given_name":"Ana,\n\nYour account is locked.\u2028Unlock it"}}"#;
        let e = parse(json.as_bytes(), ParseOptions::default()).unwrap();
        let UserRef::Inline(u) = e.user else {
            panic!("inline user expected")
        };
        assert_eq!(
            u.given_name.as_deref(),
            Some("Ana, Your account is locked. Unlock it")
        );
    }

    #[test]
    fn long_names_are_cut_not_refused() {
        let long = "x".repeat(10_000);
        let json = format!(r#"{{"id":"e","type":"t","user":{{"email":"a@b.c","name":"{long}"}}}}"#);
        let e = parse(json.as_bytes(), ParseOptions::default()).unwrap();
        let UserRef::Inline(u) = e.user else {
            panic!("inline user expected")
        };
        assert_eq!(u.name.unwrap().chars().count(), MAX_NAME_CHARS);
    }
}
