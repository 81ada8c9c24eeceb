//! Composing: a [`RenderedEmail`] plus its addressing becomes a [`Composed`] message: its
//! envelope and its RFC 5322 bytes.
//!
//! Pure and deterministic for a given input (the MIME boundary derives from the event id), so
//! `preview --format eml` and `run --outbox` produce the same bytes. The only exception is
//! `Date` for an event without `occurred_at`: the moment of composing.
//!
//! Header safety: display names and subjects are cut to one line before they reach lettre's
//! header types, which encode them (RFC 2047); no value from an event can start a header.
//!
//! Why not lettre's `Message` builder: it stores headers encoded and parses `From` and `Date`
//! back to validate them, parses MIME types, draws a random boundary we then replace, and
//! copies every part into the output once more: 88,000 instructions of an email's 300,000
//! (callgrind). Here lettre still encodes every header (`Headers`) and body that needs it
//! (`Body`), and this module only writes the fixed multipart/alternative frame around them,
//! byte for byte as lettre's builder did (a test composes both ways and compares).
//!
//! One job per file: this one addresses the message and sets its headers; `mime` writes the
//! bodies (8bit or 7-bit), the boundary and the multipart frame.

mod mime;
#[cfg(test)]
mod tests;

use std::time::SystemTime;

use lettre::address::Envelope;
use lettre::message::Mailbox;
use lettre::message::header::{self, HeaderName, HeaderValue, Headers};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::inert::{inert, take_graphemes};
use crate::render::RenderedEmail;
use crate::text::{hex, one_line};

pub use mime::BodyEncoding;
use mime::{body, boundary_for, frame};

/// Display names longer than this (in grapheme clusters) are cut: a `To` line is not the
/// place for an essay.
pub const MAX_DISPLAY_NAME_CHARS: usize = 78;

/// The headers [`compose`] writes, in the order it writes them (for checks from outside, such
/// as the fuzz targets, that nothing else reaches the header block).
pub const HEADER_NAMES: [&str; 10] = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Content-Language",
    "Auto-Submitted",
    "Feedback-ID",
    "MIME-Version",
    "Content-Type",
];

/// Who the email is from and to, and what identifies it.
#[derive(Debug, Clone)]
pub struct Addressing<'a> {
    pub event_id: &'a str,
    pub occurred_at: Option<OffsetDateTime>,
    /// The configured sender.
    pub from: &'a Mailbox,
    /// Replaces the configured display name when set (the client's sender name).
    pub sender_name: Option<&'a str>,
    pub to: &'a lettre::Address,
    pub to_name: Option<&'a str>,
    /// The template and the client, for `Feedback-ID` (see [`feedback_id`]).
    pub template: &'a str,
    pub client_id: Option<&'a str>,
}

impl Addressing<'_> {
    /// `From` (the client's sender name, else the configured one) and `To`, their display
    /// names cleaned by [`clean_display_name`].
    fn mailboxes(&self) -> (Mailbox, Mailbox) {
        let from_name = self
            .sender_name
            .and_then(clean_display_name)
            .or_else(|| self.from.name.clone());
        let from = Mailbox::new(from_name, self.from.email.clone());
        let to = Mailbox::new(self.to_name.and_then(clean_display_name), self.to.clone());
        (from, to)
    }

    /// `<local@domain>`: [`message_id_local`] of the event id, at the sender's domain.
    fn message_id(&self) -> String {
        let domain = self.from.email.domain();
        format!("<{}@{domain}>", message_id_local(self.event_id))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("cannot build the message: {0}")]
    Lettre(#[from] lettre::error::Error),
    /// `event::parse` refuses such dates; this guards callers that build [`Addressing`]
    /// themselves, since formatting the `Date` header would panic on them.
    #[error("occurred_at `{0}` is outside the dates an email can carry (1970 to 9999)")]
    Date(OffsetDateTime),
}

/// The `Date` header's instant: the event's, else now.
fn date_of(occurred_at: Option<OffsetDateTime>) -> Result<SystemTime, ComposeError> {
    match occurred_at {
        None => Ok(SystemTime::now()),
        Some(at)
            if (crate::event::EARLIEST_DATE..=crate::event::LATEST_DATE)
                .contains(&at.unix_timestamp()) =>
        {
            Ok(SystemTime::from(at))
        }
        Some(at) => Err(ComposeError::Date(at)),
    }
}

/// A message ready for SMTP: who it goes from and to, and its bytes.
#[derive(Debug, Clone)]
pub struct Composed {
    envelope: Envelope,
    /// The top-level headers (the multipart's `Content-Type` included), for display.
    headers: Headers,
    bytes: Vec<u8>,
}

impl Composed {
    /// The SMTP envelope (MAIL FROM and RCPT TO).
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// The message's own headers, parsed as lettre types (`headers().get::<header::To>()`).
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The message as DATA carries it, before dot-stuffing.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The message with `fields` (whole header fields, each ending in CRLF, such as DKIM
    /// signatures) in front of its headers. The bytes after them do not change.
    pub fn prepend_fields(self, fields: &[u8]) -> Composed {
        let mut bytes = Vec::with_capacity(fields.len() + self.bytes.len());
        bytes.extend_from_slice(fields);
        bytes.extend_from_slice(&self.bytes);
        Composed { bytes, ..self }
    }

    /// A copy of [`Composed::bytes`] (the name lettre's `Message` uses).
    pub fn formatted(&self) -> Vec<u8> {
        self.bytes.clone()
    }
}

/// Any lettre message (tests and tools build their own).
impl From<lettre::Message> for Composed {
    fn from(m: lettre::Message) -> Composed {
        Composed {
            envelope: m.envelope().clone(),
            headers: m.headers().clone(),
            bytes: m.formatted(),
        }
    }
}

/// The local part of `Message-ID` (and the outbox's file name): the event id when it is made
/// of letters, digits and `-._` (and is a valid dot-atom), else `sha256=` and its SHA-256 in
/// hex. The `=` can never occur in a plain id, so a hashed id never equals another event's
/// plain one (a 64-digit hex id is a plain id).
pub fn message_id_local(event_id: &str) -> String {
    let plain = !event_id.is_empty()
        && event_id.len() <= 128
        && event_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        && !event_id.starts_with('.')
        && !event_id.ends_with('.')
        && !event_id.contains("..");
    if plain {
        event_id.to_owned()
    } else {
        format!("sha256={}", hex(&Sha256::digest(event_id.as_bytes())))
    }
}

/// `<template>:<client_id>:mailroom`, which Gmail's feedback loop reads (its fields are
/// separated by `:`, so each keeps only letters, digits and `-._`, at most 64 of them; a
/// missing or emptied client id is `-`). Always short ASCII: nothing to encode or fold.
pub fn feedback_id(template: &str, client_id: Option<&str>) -> String {
    let field = |s: &str| -> String {
        let kept: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
            .take(64)
            .collect();
        if kept.is_empty() {
            "-".to_owned()
        } else {
            kept
        }
    };
    format!(
        "{}:{}:mailroom",
        field(template),
        field(client_id.unwrap_or_default())
    )
}

/// A display name on one line, without bidi controls or invisible characters, cut to
/// [`MAX_DISPLAY_NAME_CHARS`] grapheme clusters; `None` when nothing is left.
pub fn clean_display_name(name: &str) -> Option<String> {
    let line = one_line(&inert(name));
    let cut = take_graphemes(&line, MAX_DISPLAY_NAME_CHARS).trim();
    (!cut.is_empty()).then(|| cut.to_owned())
}

/// Builds the message: From, To, Subject, Date, Message-ID, Content-Language, Auto-Submitted,
/// Feedback-ID,
/// and a multipart/alternative body (text first, HTML last, as RFC 2046 orders preference).
pub fn compose(
    email: &RenderedEmail,
    a: &Addressing<'_>,
    encoding: BodyEncoding,
) -> Result<Composed, ComposeError> {
    let (from, to) = a.mailboxes();
    let envelope = Envelope::new(Some(from.email.clone()), vec![to.email.clone()])?;
    let message_id = a.message_id();
    let date = date_of(a.occurred_at)?;

    let text = body(&email.text, encoding);
    let html = body(&email.html, encoding);
    let boundary = boundary_for(a.event_id, &[text.as_ref(), html.as_ref()]);

    // lettre's header types encode the values (RFC 2047 words, quoting, folding).
    let mut headers = Headers::with_capacity(10);
    headers.set(header::From::from(lettre::message::Mailboxes::from(from)));
    headers.set(header::To::from(lettre::message::Mailboxes::from(to)));
    headers.set(header::Subject::from(one_line(&email.subject)));
    headers.set(header::Date::new(date));
    headers.set(header::MessageId::from(message_id));
    headers.insert_raw(HeaderValue::new(
        HeaderName::new_from_ascii_str("Content-Language"),
        email.locale.clone(),
    ));
    // RFC 3834: tells auto-responders (vacation replies) not to answer.
    headers.insert_raw(ascii_header("Auto-Submitted", "auto-generated".to_owned()));
    headers.insert_raw(ascii_header(
        "Feedback-ID",
        feedback_id(a.template, a.client_id),
    ));
    headers.insert_raw(ascii_header("MIME-Version", "1.0".to_owned()));
    // Folded as lettre folds it; the boundary is ASCII from `boundary_for`.
    headers.insert_raw(HeaderValue::dangerous_new_pre_encoded(
        HeaderName::new_from_ascii_str("Content-Type"),
        format!("multipart/alternative; boundary=\"{boundary}\""),
        format!("multipart/alternative;\r\n boundary=\"{boundary}\""),
    ));

    let bytes = frame(
        &headers,
        &boundary,
        [("text/plain", &text), ("text/html", &html)],
    );
    Ok(Composed {
        envelope,
        headers,
        bytes,
    })
}

/// A header whose value is known ASCII and short: nothing to encode.
fn ascii_header(name: &'static str, value: String) -> HeaderValue {
    HeaderValue::dangerous_new_pre_encoded(
        HeaderName::new_from_ascii_str(name),
        value.clone(),
        value,
    )
}
