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
//!
//! One job per file: `parse` turns the bytes into an [`Event`] field by field; `checks` are the
//! value checks it shares with `data` (links, addresses, dates, names); `data` declares the
//! known fields of `data`, once (`data_fields!`). This file holds the types and limits.

mod checks;
mod data;
mod parse;
mod strict;
#[cfg(test)]
mod tests;

use std::fmt;

use lettre::Address;
use serde_json::{Map, Value};
use time::OffsetDateTime;

pub(crate) use crate::text::clip;

pub use checks::{check_link, parse_address, recipient_address};
pub use data::{Data, DataField, FieldKind, FieldValue, Lifetime, Link, OneTimeCode};
pub use parse::{parse, parse_detailed};
pub(crate) use parse::{parse_client, parse_user};
/// JSON with a key given twice refused (see `strict.rs`), for the other payloads that
/// carry an event's parties (the identity providers' hooks).
pub(crate) use strict::from_slice as strict_json;

/// Events larger than this are refused before parsing: a user event is about 1 KB.
pub const MAX_EVENT_BYTES: usize = 64 * 1024;
/// Longest accepted event id; it ends up in a `Message-ID` header and a file name.
pub const MAX_ID_CHARS: usize = 200;
/// Display fields (names) are cut to this many characters (grapheme clusters: what a reader
/// counts) instead of failing the event.
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
    /// `notification.locale`: the language of the request that caused the email (Auth0's
    /// request language), any JSON value, judged by language negotiation after
    /// `user.locale`.
    pub notification_locale: Option<Value>,
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
    /// `user.zoneinfo` as sent (the OIDC claim, an IANA name such as `Europe/Paris`), a
    /// string cut short; judged when an email shows a time ([`crate::zone`]).
    pub zoneinfo: Option<String>,
    /// Untrusted: written by the user.
    pub user_metadata: Map<String, Value>,
    /// Trusted: written by the backend.
    pub app_metadata: Map<String, Value>,
}

impl User {
    /// The name to greet the user by: given name, then full name, then nickname.
    pub fn greeting_name(&self) -> Option<&str> {
        first_name([&self.given_name, &self.name, &self.nickname])
    }

    /// The name for the `To` header: full name, then given name, then nickname.
    pub fn display_name(&self) -> Option<&str> {
        first_name([&self.name, &self.given_name, &self.nickname])
    }
}

/// The first of `names` that is set and not blank.
fn first_name(names: [&Option<String>; 3]) -> Option<&str> {
    names
        .into_iter()
        .flatten()
        .map(String::as_str)
        .find(|s| !s.trim().is_empty())
}

/// The parts of an Auth0 client (application) that mailroom uses.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub client_id: Option<String>,
    pub name: Option<String>,
    /// Trusted (written by the application's admin), but still checked where used.
    pub client_metadata: Map<String, Value>,
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
