//! Composing: a [`RenderedEmail`] plus its addressing becomes a lettre [`Message`].
//!
//! Pure and deterministic for a given input (the MIME boundary derives from the event id), so
//! `preview --format eml` and `run --outbox` produce the same bytes. The only exception is
//! `Date` for an event without `occurred_at`: the moment of composing.
//!
//! Header safety: display names and subjects are cut to one line before they reach lettre,
//! which then encodes them (RFC 2047); no value from an event can start a header.

use std::time::SystemTime;

use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::render::{RenderedEmail, one_line_subject};

/// Display names longer than this are cut: a `To` line is not the place for an essay.
pub const MAX_DISPLAY_NAME_CHARS: usize = 78;

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
}

#[derive(Debug, thiserror::Error)]
#[error("cannot build the message: {0}")]
pub struct ComposeError(#[from] lettre::error::Error);

/// The local part of `Message-ID`: the event id when it is made of letters, digits and `-._`
/// (and is a valid dot-atom), else its SHA-256 in hex.
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
        hex(&Sha256::digest(event_id.as_bytes()))
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A display name on one line, cut to [`MAX_DISPLAY_NAME_CHARS`]; `None` when nothing is left.
pub fn clean_display_name(name: &str) -> Option<String> {
    let line = one_line_subject(name);
    let cut: String = line.chars().take(MAX_DISPLAY_NAME_CHARS).collect();
    let cut = cut.trim();
    (!cut.is_empty()).then(|| cut.to_owned())
}

/// Builds the message: From, To, Subject, Date, Message-ID, Content-Language, Auto-Submitted,
/// and a multipart/alternative body (text first, HTML last, as RFC 2046 orders preference).
pub fn compose(email: &RenderedEmail, a: &Addressing<'_>) -> Result<Message, ComposeError> {
    let from_name = a
        .sender_name
        .and_then(clean_display_name)
        .or_else(|| a.from.name.clone());
    let from = Mailbox::new(from_name, a.from.email.clone());
    let to = Mailbox::new(a.to_name.and_then(clean_display_name), a.to.clone());
    let domain = a.from.email.domain();
    let message_id = format!("<{}@{domain}>", message_id_local(a.event_id));
    let date = a.occurred_at.map_or_else(SystemTime::now, SystemTime::from);

    let text = SinglePart::plain(email.text.clone());
    let html = SinglePart::html(email.html.clone());
    let boundary = boundary_for(a.event_id, &[text.raw_body(), html.raw_body()]);
    let body = MultiPart::alternative()
        .boundary(boundary)
        .singlepart(text)
        .singlepart(html);

    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(one_line_subject(&email.subject))
        .date(date)
        .message_id(Some(message_id))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Content-Language"),
            email.locale.clone(),
        ))
        // RFC 3834: tells auto-responders (vacation replies) not to answer.
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_owned(),
        ))
        .multipart(body)?;
    Ok(message)
}

/// A MIME boundary derived from the event id, so the same event always gives the same bytes.
/// `=_` cannot occur in quoted-printable or base64 output; for 7-bit parts the candidate is
/// checked against the bodies and varied until it does not occur.
fn boundary_for(event_id: &str, bodies: &[&[u8]]) -> String {
    let digest = hex(&Sha256::digest(event_id.as_bytes()));
    for n in 0u32.. {
        let candidate = format!("=_mailroom_{}_{n}", &digest[..24]);
        let finder = memchr::memmem::Finder::new(candidate.as_bytes());
        if !bodies.iter().any(|b| finder.find(b).is_some()) {
            return candidate;
        }
    }
    unreachable!("some counter value is absent from finitely many bodies")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> RenderedEmail {
        RenderedEmail {
            subject: "Bienvenue chez Acme !".into(),
            html: "<p>Bonjour</p>".into(),
            text: "Bonjour\n".into(),
            locale: "fr".into(),
            dir: "ltr",
        }
    }

    fn compose_to(name: &str, id: &str) -> String {
        let from: Mailbox = "Mailroom <no-reply@acme.test>".parse().unwrap();
        let to: lettre::Address = "ana@example.com".parse().unwrap();
        let a = Addressing {
            event_id: id,
            occurred_at: Some(OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()),
            from: &from,
            sender_name: Some("Acme Notes"),
            to: &to,
            to_name: Some(name),
        };
        String::from_utf8(compose(&email(), &a).unwrap().formatted()).unwrap()
    }

    fn headers(raw: &str) -> &str {
        raw.split("\r\n\r\n").next().unwrap()
    }

    #[test]
    fn message_id_uses_the_event_id_or_its_hash() {
        assert_eq!(message_id_local("evt_01JD3K6R4M"), "evt_01JD3K6R4M");
        assert_eq!(message_id_local("a.b-c_d"), "a.b-c_d");
        let hashed = message_id_local("evt 1/<x>");
        assert_eq!(hashed.len(), 64);
        assert!(hashed.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(message_id_local("..").len(), 64);
    }

    #[test]
    fn headers_carry_identity_language_and_date() {
        let raw = compose_to("Ana Lima", "evt_1");
        let h = headers(&raw);
        assert!(h.contains("Message-ID: <evt_1@acme.test>"), "{h}");
        assert!(h.contains("Content-Language: fr"), "{h}");
        assert!(
            h.contains("From: \"Acme Notes\" <no-reply@acme.test>"),
            "{h}"
        );
        assert!(h.contains("To: \"Ana Lima\" <ana@example.com>"), "{h}");
        assert!(h.contains("Date: Tue, 14 Nov 2023 22:13:20 +0000"), "{h}");
        assert!(h.contains("multipart/alternative"), "{h}");
    }

    #[test]
    fn crlf_in_a_name_never_makes_a_header() {
        let raw = compose_to("Eve\r\nBcc: victim@evil.test\r\nX-Evil: 1", "evt_2");
        let h = headers(&raw);
        for line in h.split("\r\n") {
            assert!(!line.starts_with("Bcc:"), "{h}");
            assert!(!line.starts_with("X-Evil:"), "{h}");
        }
    }

    #[test]
    fn the_same_event_composes_to_the_same_bytes() {
        assert_eq!(compose_to("Ana", "evt_3"), compose_to("Ana", "evt_3"));
    }
}
