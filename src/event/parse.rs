//! Wire bytes → [`Event`]: the body, then each field of the contract in turn.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::checks::{
    display_field, non_empty_string, parse_address, parse_occurred_at, required_string, take_object,
};
use super::data::parse_data;
use super::{
    Client, ClientRef, Data, Event, EventError, Invalid, MAX_EVENT_BYTES, MAX_ID_CHARS,
    ParseOptions, Shown, User, UserRef, clip,
};

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

/// The contract's fields, checked one step each in the order the contract lists them, so
/// the first bad field is the one reported. `id_seen` is set once the id is known to be
/// usable, for the dead-letter record of an event that fails later.
fn parse_inner(
    bytes: &[u8],
    options: ParseOptions,
    id_seen: &mut Option<String>,
) -> Result<Event, EventError> {
    let mut root = json_object(bytes)?;
    let id = event_id(&root)?;
    *id_seen = Some(id.clone());
    let event_type = event_type(&root)?;
    let occurred_at = occurred_at(&root)?;
    let user = user_ref(&mut root)?;
    let client = client_ref(&mut root)?;
    let data = event_data(&mut root, options)?;
    // Like `user.locale`, any value is carried and judged by negotiation, never refused.
    let notification_locale = match root.get_mut("notification") {
        Some(Value::Object(n)) => n.remove("locale"),
        _ => None,
    };
    Ok(Event {
        id,
        event_type,
        occurred_at,
        user,
        client,
        data,
        notification_locale,
    })
}

/// The body as a JSON object, refused unread when it is over [`MAX_EVENT_BYTES`].
fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, EventError> {
    if bytes.len() > MAX_EVENT_BYTES {
        return Err(EventError::TooLarge {
            size: bytes.len(),
            limit: MAX_EVENT_BYTES,
        });
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(EventError::NotJson(
            "the body starts with a UTF-8 byte-order mark (EF BB BF); send the JSON without it"
                .to_owned(),
        ));
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(EventError::NotJson(format!(
            "the body is not valid UTF-8 (at byte {})",
            e.valid_up_to()
        )));
    }
    let value = super::strict::from_slice(bytes).map_err(|e| EventError::NotJson(e.to_string()))?;
    match value {
        Value::Object(root) => Ok(root),
        _ => Err(EventError::NotJson(format!(
            "expected a JSON object, found {}",
            Shown(&value)
        ))),
    }
}

/// `id`: not blank, at most [`MAX_ID_CHARS`], no control characters (it becomes a header
/// and a file name).
fn event_id(root: &Map<String, Value>) -> Result<String, EventError> {
    let id = required_string(root, "id", "id")?;
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
    Ok(id)
}

fn event_type(root: &Map<String, Value>) -> Result<String, EventError> {
    let event_type = required_string(root, "type", "type")?;
    if event_type.is_empty() {
        return Err(EventError::invalid("type", "must not be empty"));
    }
    Ok(event_type)
}

fn occurred_at(root: &Map<String, Value>) -> Result<Option<OffsetDateTime>, EventError> {
    match root.get("occurred_at") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => parse_occurred_at(s).map(Some),
        Some(other) => Err(EventError::invalid(
            "occurred_at",
            format!("expected an RFC 3339 string, found {}", Shown(other)),
        )),
    }
}

/// `user` (an inline profile) or else `user_id` (a thin event); one of them is required.
fn user_ref(root: &mut Map<String, Value>) -> Result<UserRef, EventError> {
    match (root.remove("user"), root.get("user_id")) {
        (Some(Value::Object(u)), _) => Ok(UserRef::Inline(Box::new(parse_user(u)?))),
        (Some(Value::Null) | None, Some(_)) => Ok(UserRef::Id(directory_id(root, "user_id")?)),
        (Some(Value::Null) | None, None) => Err(EventError::invalid(
            "user",
            "missing: the event needs a `user` object or a `user_id`",
        )),
        (Some(other), _) => Err(not_an_object("user", &other)),
    }
}

/// `client` (inline) or else `client_id` (a thin event); neither means default branding.
fn client_ref(root: &mut Map<String, Value>) -> Result<ClientRef, EventError> {
    match (root.remove("client"), root.get("client_id")) {
        (Some(Value::Object(c)), _) => Ok(ClientRef::Inline(parse_client(c)?)),
        (Some(Value::Null) | None, Some(_)) => Ok(ClientRef::Id(directory_id(root, "client_id")?)),
        (Some(Value::Null) | None, None) => Ok(ClientRef::None),
        (Some(other), _) => Err(not_an_object("client", &other)),
    }
}

/// Longest id a thin event may name (Auth0's are under 100 characters).
const MAX_DIRECTORY_ID_CHARS: usize = 256;

/// A thin event's `user_id` or `client_id`, which becomes a path segment of a Management API
/// request: `.` and `..` would name another resource (`/api/v2/users/..` is `/api/v2/`, with
/// the token), so they are refused, with empty ids and ids with control or invisible
/// characters.
fn directory_id(root: &Map<String, Value>, key: &str) -> Result<String, EventError> {
    let id = non_empty_string(root, key, key)?;
    let why = if id == "." || id == ".." {
        Some("is a relative path segment, not an id")
    } else if id.trim() != id {
        Some("starts or ends with whitespace")
    } else if id
        .chars()
        .any(|c| c.is_control() || crate::inert::is_invisible(c))
    {
        Some("contains control or invisible characters")
    } else if id.chars().count() > MAX_DIRECTORY_ID_CHARS {
        Some("is longer than 256 characters")
    } else {
        None
    };
    match why {
        Some(why) => Err(EventError::invalid(
            key,
            format!("`{}` {why}", clip(&id, 80)),
        )),
        None => Ok(id),
    }
}

fn event_data(root: &mut Map<String, Value>, options: ParseOptions) -> Result<Data, EventError> {
    match root.remove("data") {
        None | Some(Value::Null) => Ok(Data::default()),
        Some(Value::Object(d)) => parse_data(d, options),
        Some(other) => Err(not_an_object("data", &other)),
    }
}

fn not_an_object(path: &str, other: &Value) -> EventError {
    EventError::invalid(path, format!("expected an object, found {}", Shown(other)))
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
        // Any string is kept (a user-editable claim never fails an event); a name that is
        // not a zone falls through when a time is shown.
        zoneinfo: match u.get("zoneinfo") {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(crate::text::clip(s, 80)),
            _ => None,
        },
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
