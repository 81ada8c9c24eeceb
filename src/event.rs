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

/// Declares the known fields of `data`, one line each: the [`DataField`] variant, the field's
/// name (on the wire, in `template.toml`, in templates, and as the [`Data`] member) and the
/// [`FieldKind`] that checks it. Parsing, the `requires` check at load, what templates see
/// and the presence check before rendering all follow from this one list.
macro_rules! data_fields {
    ($($(#[doc = $doc:expr])* $variant:ident => $name:ident: $kind:ty,)*) => {
        /// The template-specific part of an event, with its known fields validated.
        #[derive(Debug, Clone, Default)]
        pub struct Data {
            $($(#[doc = $doc])* pub $name: Option<<$kind as FieldKind>::Value>,)*
            /// Everything in `data`, for templates that use more.
            pub raw: Map<String, Value>,
        }

        /// A field of `data` that mailroom checks, and that a template may require.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum DataField {
            $($variant,)*
        }

        impl DataField {
            /// Every known field, in the order they are declared (and listed in errors).
            pub const ALL: &'static [DataField] = &[$(DataField::$variant,)*];

            pub const fn name(self) -> &'static str {
                match self {
                    $(DataField::$variant => stringify!($name),)*
                }
            }

            pub fn from_name(name: &str) -> Option<DataField> {
                match name {
                    $(stringify!($name) => Some(DataField::$variant),)*
                    _ => None,
                }
            }

            /// Whether the event carries this field (with a usable value, since parsing
            /// refused any other).
            pub fn is_present(self, data: &Data) -> bool {
                match self {
                    $(DataField::$variant => data.$name.is_some(),)*
                }
            }

            /// The checked value as templates see it: null when absent.
            pub fn value(self, data: &Data) -> FieldValue<'_> {
                FieldValue { field: self, data }
            }
        }

        impl serde::Serialize for FieldValue<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self.field {
                    $(DataField::$variant => self.data.$name.serialize(serializer),)*
                }
            }
        }

        fn parse_data(d: Map<String, Value>, options: ParseOptions) -> Result<Data, EventError> {
            // Checked in declaration order: the first bad field is the one reported.
            Ok(Data {
                $($name: check_field::<$kind>(&d, stringify!($name), options)?,)*
                raw: d,
            })
        }
    };
}

// A new field is one line here, `Variant => name: Kind,` (plus a `FieldKind` if no kind
// below checks it yet).
data_fields! {
    /// A link with an allowed scheme (`https`, or `http` when the deployment allows it).
    Url => url: Link,
    /// A verification code: letters, digits and `-`.
    Code => code: OneTimeCode,
    /// How long the link or code works, in seconds.
    TtlSeconds => ttl_seconds: Lifetime,
}

impl DataField {
    /// [`DataField::ALL`] sorted by name, for writing the fields in order among the others.
    pub const BY_NAME: [DataField; DataField::ALL.len()] = {
        let mut sorted = [DataField::ALL[0]; DataField::ALL.len()];
        let mut i = 0;
        while i < sorted.len() {
            sorted[i] = DataField::ALL[i];
            // Insertion sort: `sort` is not available in constants.
            let mut j = i;
            while j > 0 && name_before(sorted[j].name(), sorted[j - 1].name()) {
                let t = sorted[j];
                sorted[j] = sorted[j - 1];
                sorted[j - 1] = t;
                j -= 1;
            }
            i += 1;
        }
        sorted
    };

    /// The known fields' names, for error messages: `url, code, ttl_seconds`.
    pub fn known() -> String {
        DataField::ALL
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// As its name, the way `template.toml` writes it.
impl serde::Serialize for DataField {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl fmt::Display for DataField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `a < b` in byte order, as `str`'s `Ord` compares (which is not available in constants).
const fn name_before(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

/// One known field's checked value, serialized as templates see it.
#[derive(Clone, Copy)]
pub struct FieldValue<'a> {
    field: DataField,
    data: &'a Data,
}

/// How one kind of `data` value is checked, and what it becomes. A new field of an existing
/// kind needs no code; a new kind is one more implementation.
pub trait FieldKind {
    /// The checked value, as [`Data`] holds it and templates see it.
    type Value: fmt::Debug + Clone + serde::Serialize;
    /// Checks a value that is present and not null. The error is the reason alone: the
    /// caller adds the field's path.
    fn check(value: &Value, options: ParseOptions) -> Result<Self::Value, String>;
}

/// A link a recipient may follow: see [`check_link`].
pub struct Link;

impl FieldKind for Link {
    type Value = String;
    fn check(value: &Value, options: ParseOptions) -> Result<String, String> {
        match value {
            Value::String(s) => check_link(s, options.allow_http_links),
            other => Err(format!("expected a string, found {}", Shown(other))),
        }
    }
}

/// A one-time code to type in: 1 to [`MAX_CODE_CHARS`] ASCII letters, digits and `-`. A
/// whole number is taken as its digits.
pub struct OneTimeCode;

impl FieldKind for OneTimeCode {
    type Value = String;
    fn check(value: &Value, _: ParseOptions) -> Result<String, String> {
        let code = match value {
            Value::String(s) => s.trim(),
            Value::Number(n) if n.is_u64() => return Ok(n.to_string()),
            other => return Err(format!("expected a string, found {}", Shown(other))),
        };
        if code.is_empty() || code.chars().count() > MAX_CODE_CHARS {
            return Err(format!("must have 1 to {MAX_CODE_CHARS} characters"));
        }
        if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(format!(
                "`{}` may only contain ASCII letters, digits and `-`",
                clip(code, 80)
            ));
        }
        Ok(code.to_owned())
    }
}

/// A lifetime: a whole number of seconds from 1 to [`MAX_TTL_SECONDS`].
pub struct Lifetime;

impl FieldKind for Lifetime {
    type Value = u64;
    fn check(value: &Value, _: ParseOptions) -> Result<u64, String> {
        match value.as_u64() {
            Some(n) if (1..=MAX_TTL_SECONDS).contains(&n) => Ok(n),
            _ => Err(format!(
                "expected a whole number of seconds from 1 to {MAX_TTL_SECONDS}, found {}",
                Shown(value)
            )),
        }
    }
}

/// `data.<name>` checked by its kind; absent and null are both "not sent".
fn check_field<K: FieldKind>(
    data: &Map<String, Value>,
    name: &str,
    options: ParseOptions,
) -> Result<Option<K::Value>, EventError> {
    match data.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => K::check(value, options)
            .map(Some)
            .map_err(|reason| EventError::invalid(format!("data.{name}"), reason)),
    }
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

    #[test]
    fn every_data_field_has_one_name_and_a_sorted_place() {
        for field in DataField::ALL {
            assert_eq!(DataField::from_name(field.name()), Some(*field));
        }
        assert_eq!(DataField::from_name("tl_seconds"), None);
        let mut names: Vec<&str> = DataField::ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        let by_name: Vec<&str> = DataField::BY_NAME.iter().map(|f| f.name()).collect();
        assert_eq!(by_name, names);
        assert_eq!(DataField::known(), "url, code, ttl_seconds");
    }

    fn data(json: &str) -> Result<Data, String> {
        let event = format!(r#"{{"id":"e","type":"t","user":{{"email":"a@b.c"}},"data":{json}}}"#);
        parse(event.as_bytes(), ParseOptions::default())
            .map(|e| e.data)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn data_fields_are_checked_by_their_kind_and_null_is_absent() {
        let d = data(r#"{"url":" https://a.test/v ","code":" AB-12 ","ttl_seconds":60,"x":1}"#)
            .unwrap();
        assert_eq!(d.url.as_deref(), Some("https://a.test/v"));
        assert_eq!(d.code.as_deref(), Some("AB-12"));
        assert_eq!(d.ttl_seconds, Some(60));
        assert!(DataField::ALL.iter().all(|f| f.is_present(&d)));
        assert_eq!(d.raw["x"], 1);
        assert_eq!(
            data(r#"{"code":123456}"#).unwrap().code.as_deref(),
            Some("123456")
        );

        let none = data(r#"{"url":null}"#).unwrap();
        assert!(DataField::ALL.iter().all(|f| !f.is_present(&none)));

        assert_eq!(
            data(r#"{"code":"a b"}"#).unwrap_err(),
            "data.code: `a b` may only contain ASCII letters, digits and `-`"
        );
        assert_eq!(
            data(r#"{"code":[1]}"#).unwrap_err(),
            "data.code: expected a string, found an array"
        );
        assert_eq!(
            data(r#"{"ttl_seconds":0}"#).unwrap_err(),
            "data.ttl_seconds: expected a whole number of seconds from 1 to 31622400, found number 0"
        );
        assert_eq!(
            data(r#"{"url":5}"#).unwrap_err(),
            "data.url: expected a string, found number 5"
        );
        // The first bad field in declaration order is the one named.
        assert_eq!(
            data(r#"{"ttl_seconds":-1,"code":""}"#).unwrap_err(),
            "data.code: must have 1 to 64 characters"
        );
    }
}
