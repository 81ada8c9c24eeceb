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

use std::time::SystemTime;

use lettre::address::Envelope;
use lettre::message::header::{self, ContentTransferEncoding, HeaderName, HeaderValue, Headers};
use lettre::message::{Body, Mailbox};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::render::RenderedEmail;
use crate::text::{hex, one_line};

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

/// How the text and HTML bodies are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodyEncoding {
    /// UTF-8 as is (`8bit`), when every line fits SMTP's 998 bytes; otherwise what
    /// [`BodyEncoding::SevenBit`] picks. Only for servers that advertise 8BITMIME (RFC 6152),
    /// which lettre then announces with `BODY=8BITMIME`. Encoding quoted-printable was ~40 %
    /// of the CPU of composing an email; most of our text is not ASCII.
    #[default]
    EightBit,
    /// 7-bit safe: `7bit` for ASCII, else quoted-printable or base64, whichever lettre finds
    /// shorter. For servers without 8BITMIME.
    SevenBit,
}

/// The longest line SMTP carries (RFC 5321 §4.5.3.1.6, RFC 5322 §2.1.1), without its CRLF.
const MAX_LINE: usize = 998;

/// A body in the requested encoding, falling back to a 7-bit one when `8bit` cannot carry it.
fn body(text: &str, encoding: BodyEncoding) -> Body {
    if encoding == BodyEncoding::EightBit
        && let Some(body) = unencoded(text)
    {
        return body;
    }
    Body::new(text.to_owned())
}

/// `text` as it is, with CRLF line endings: `7bit` when ASCII, else `8bit` (RFC 6152). `None`
/// when a line is longer than [`MAX_LINE`] bytes or holds a NUL or a lone CR, which neither
/// may carry. lettre's own chooser refuses `8bit` from 76 bytes a line (the 78-character
/// *recommendation*), which would send almost every HTML part quoted-printable.
fn unencoded(text: &str) -> Option<Body> {
    // memchr scans rather than a per-byte loop: this runs over every byte of every email.
    let bytes = text.as_bytes();
    if memchr::memchr(0, bytes).is_some()
        || memchr::memchr_iter(b'\r', bytes).any(|at| bytes.get(at + 1) != Some(&b'\n'))
    {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 16 + 2);
    let mut start = 0;
    for at in memchr::memchr_iter(b'\n', bytes) {
        let end = if at > start && bytes[at - 1] == b'\r' {
            at - 1
        } else {
            at
        };
        if end - start > MAX_LINE {
            return None;
        }
        out.extend_from_slice(&bytes[start..end]);
        out.extend_from_slice(b"\r\n");
        start = at + 1;
    }
    if bytes.len() - start > MAX_LINE {
        return None;
    }
    out.extend_from_slice(&bytes[start..]);
    let encoding = if out.is_ascii() {
        ContentTransferEncoding::SevenBit
    } else {
        ContentTransferEncoding::EightBit
    };
    Some(Body::dangerous_pre_encoded(out, encoding))
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

/// A display name on one line, cut to [`MAX_DISPLAY_NAME_CHARS`]; `None` when nothing is left.
pub fn clean_display_name(name: &str) -> Option<String> {
    let line = one_line(name);
    let cut: String = line.chars().take(MAX_DISPLAY_NAME_CHARS).collect();
    let cut = cut.trim();
    (!cut.is_empty()).then(|| cut.to_owned())
}

/// Builds the message: From, To, Subject, Date, Message-ID, Content-Language, Auto-Submitted,
/// and a multipart/alternative body (text first, HTML last, as RFC 2046 orders preference).
pub fn compose(
    email: &RenderedEmail,
    a: &Addressing<'_>,
    encoding: BodyEncoding,
) -> Result<Composed, ComposeError> {
    let from_name = a
        .sender_name
        .and_then(clean_display_name)
        .or_else(|| a.from.name.clone());
    let from = Mailbox::new(from_name, a.from.email.clone());
    let to = Mailbox::new(a.to_name.and_then(clean_display_name), a.to.clone());
    let envelope = Envelope::new(Some(from.email.clone()), vec![to.email.clone()])?;
    let domain = a.from.email.domain();
    let message_id = format!("<{}@{domain}>", message_id_local(a.event_id));
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
    headers.insert_raw(ascii_header("MIME-Version", "1.0".to_owned()));
    // Folded as lettre folds it; the boundary is ASCII from `boundary_for`.
    headers.insert_raw(HeaderValue::dangerous_new_pre_encoded(
        HeaderName::new_from_ascii_str("Content-Type"),
        format!("multipart/alternative; boundary=\"{boundary}\""),
        format!("multipart/alternative;\r\n boundary=\"{boundary}\""),
    ));

    let parts = [("text/plain", &text), ("text/html", &html)];
    let size = 1024
        + parts
            .iter()
            .map(|(_, b)| b.as_ref().len() + 160)
            .sum::<usize>();
    let mut bytes = Vec::with_capacity(size);
    {
        use std::io::Write;
        // Writing to a Vec cannot fail.
        let _ = write!(bytes, "{headers}");
    }
    bytes.extend_from_slice(b"\r\n");
    for (mime, part) in parts {
        bytes.extend_from_slice(b"--");
        bytes.extend_from_slice(boundary.as_bytes());
        bytes.extend_from_slice(b"\r\nContent-Type: ");
        bytes.extend_from_slice(mime.as_bytes());
        bytes.extend_from_slice(b"; charset=utf-8\r\nContent-Transfer-Encoding: ");
        bytes.extend_from_slice(cte_name(part.encoding()).as_bytes());
        bytes.extend_from_slice(b"\r\n\r\n");
        bytes.extend_from_slice(part.as_ref());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"--");
    bytes.extend_from_slice(boundary.as_bytes());
    bytes.extend_from_slice(b"--\r\n");
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

/// The `Content-Transfer-Encoding` value, as lettre writes it.
fn cte_name(cte: ContentTransferEncoding) -> &'static str {
    match cte {
        ContentTransferEncoding::SevenBit => "7bit",
        ContentTransferEncoding::QuotedPrintable => "quoted-printable",
        ContentTransferEncoding::Base64 => "base64",
        ContentTransferEncoding::EightBit => "8bit",
        ContentTransferEncoding::Binary => "binary",
    }
}

/// A MIME boundary derived from the event id, so the same event always gives the same bytes.
/// `=_` cannot occur in quoted-printable or base64 output; for 7bit and 8bit parts the
/// candidate is checked against the bodies and varied until it does not occur.
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
    use lettre::message::header::ContentType;
    use lettre::message::{MultiPart, SinglePart};

    /// How this module composed with lettre's `Message` builder, kept as the reference the
    /// hand-written frame must match byte for byte.
    fn compose_with_lettre_builder(
        email: &RenderedEmail,
        a: &Addressing<'_>,
        encoding: BodyEncoding,
    ) -> Result<lettre::Message, ComposeError> {
        let from_name = a
            .sender_name
            .and_then(clean_display_name)
            .or_else(|| a.from.name.clone());
        let from = Mailbox::new(from_name, a.from.email.clone());
        let to = Mailbox::new(a.to_name.and_then(clean_display_name), a.to.clone());
        let domain = a.from.email.domain();
        let message_id = format!("<{}@{domain}>", message_id_local(a.event_id));
        let date = a.occurred_at.map_or_else(SystemTime::now, SystemTime::from);

        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(super::body(&email.text, encoding));
        let html = SinglePart::builder()
            .header(ContentType::TEXT_HTML)
            .body(super::body(&email.html, encoding));
        let boundary = super::boundary_for(a.event_id, &[text.raw_body(), html.raw_body()]);
        let body = MultiPart::alternative()
            .boundary(boundary)
            .singlepart(text)
            .singlepart(html);

        // Given rather than derived: lettre would parse the From and To headers back to find it.
        let envelope = Envelope::new(Some(from.email.clone()), vec![to.email.clone()])?;
        let message = lettre::Message::builder()
            .envelope(envelope)
            .from(from)
            .to(to)
            .subject(one_line(&email.subject))
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

    /// Every kind of name and subject, both encodings: the same bytes as lettre's builder.
    #[test]
    fn the_frame_matches_lettres_builder_byte_for_byte() {
        let from: Mailbox = "Mailroom <no-reply@acme.test>".parse().unwrap();
        let to: lettre::Address = "ana@example.com".parse().unwrap();
        let names = [
            None,
            Some("Ana Lima"),
            Some("Zoë <script>alert(1)</script>"),
            Some("Tom & Jerry, \"the\" cat"),
            Some("متجر النخبة"),
            Some("山田 太郎"),
            Some("Eve\r\nBcc: victim@evil.test"),
        ];
        let subjects = [
            "Bienvenue chez Acme !",
            "Verify your email",
            "متجر النخبةへようこそ！ a subject long enough to need folding across more than one line of the header",
            "",
        ];
        let long_html = format!("<p>long</p>\n<p>{}</p>", "é".repeat(600));
        let long_text = "x".repeat(1200);
        let bodies = [
            ("<p>Bonjour</p>", "Bonjour\n"),
            ("<p>Привет, Zoë</p>", "Привет, Zoë\n.leading dot\n"),
            (long_html.as_str(), long_text.as_str()),
        ];
        let mut n = 0;
        for (i, name) in names.iter().enumerate() {
            for subject in subjects {
                for (html, text) in bodies {
                    for encoding in [BodyEncoding::EightBit, BodyEncoding::SevenBit] {
                        let id = format!("evt_{i}_{n}");
                        n += 1;
                        let a = Addressing {
                            event_id: &id,
                            occurred_at: Some(
                                OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap(),
                            ),
                            from: &from,
                            sender_name: name.map(|_| "Acme Notes"),
                            to: &to,
                            to_name: *name,
                        };
                        let e = RenderedEmail {
                            subject: subject.into(),
                            html: html.into(),
                            text: text.into(),
                            ..email()
                        };
                        let ours = compose(&e, &a, encoding).unwrap();
                        let theirs = compose_with_lettre_builder(&e, &a, encoding).unwrap();
                        assert_eq!(
                            String::from_utf8_lossy(ours.bytes()),
                            String::from_utf8_lossy(&theirs.formatted()),
                            "{name:?} {subject:?} {encoding:?}"
                        );
                        assert_eq!(ours.envelope(), theirs.envelope());
                        assert_eq!(
                            ours.headers().get::<header::To>(),
                            theirs.headers().get::<header::To>()
                        );
                    }
                }
            }
        }
    }

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
        String::from_utf8(
            compose(&email(), &a, BodyEncoding::EightBit)
                .unwrap()
                .formatted(),
        )
        .unwrap()
    }

    fn headers(raw: &str) -> &str {
        raw.split("\r\n\r\n").next().unwrap()
    }

    #[test]
    fn message_id_uses_the_event_id_or_its_hash() {
        assert_eq!(message_id_local("evt_01JD3K6R4M"), "evt_01JD3K6R4M");
        assert_eq!(message_id_local("a.b-c_d"), "a.b-c_d");
        let hashed = message_id_local("evt 1/<x>");
        let digest = hashed.strip_prefix("sha256=").unwrap();
        assert_eq!(digest.len(), 64);
        assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(message_id_local("..").starts_with("sha256="));
        // A plain id that looks like a digest stays itself and never meets a hashed one.
        assert_eq!(message_id_local(digest), digest);
        assert_ne!(message_id_local(digest), hashed);
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
    fn a_date_no_header_can_carry_is_an_error_not_a_panic() {
        let from: Mailbox = "no-reply@acme.test".parse().unwrap();
        let to: lettre::Address = "ana@example.com".parse().unwrap();
        let at = |s: &str| {
            OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap()
        };
        for (at, ok) in [
            (at("0001-01-01T00:00:00Z"), false), // Go's and .NET's zero time
            (at("1969-12-31T23:59:59Z"), false),
            (at("1970-01-01T00:00:00Z"), true),
            (at("9999-12-31T23:59:59Z"), true),
            (at("9999-12-31T23:59:59-23:59"), false),
        ] {
            let a = Addressing {
                event_id: "evt_date",
                occurred_at: Some(at),
                from: &from,
                sender_name: None,
                to: &to,
                to_name: None,
            };
            let result = compose(&email(), &a, BodyEncoding::EightBit);
            assert_eq!(result.is_ok(), ok, "{at}: {:?}", result.err());
        }
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

    fn parts(e: &RenderedEmail, encoding: BodyEncoding) -> String {
        let from: Mailbox = "no-reply@acme.test".parse().unwrap();
        let to: lettre::Address = "ana@example.com".parse().unwrap();
        let a = Addressing {
            event_id: "evt_enc",
            occurred_at: None,
            from: &from,
            sender_name: None,
            to: &to,
            to_name: None,
        };
        let raw = compose(e, &a, encoding).unwrap().formatted();
        String::from_utf8(raw).unwrap()
    }

    #[test]
    fn bodies_are_8bit_when_allowed_and_7bit_safe_otherwise() {
        let e = RenderedEmail {
            html: "<p>Привет, Zoë</p>".into(),
            text: "Привет, Zoë\n".into(),
            ..email()
        };
        let eight = parts(&e, BodyEncoding::EightBit);
        assert_eq!(
            eight.matches("Content-Transfer-Encoding: 8bit").count(),
            2,
            "{eight}"
        );
        assert!(eight.contains("<p>Привет, Zoë</p>\r\n"), "{eight}");
        let seven = parts(&e, BodyEncoding::SevenBit);
        assert!(seven.is_ascii(), "{seven}");
        assert!(!seven.contains("8bit"), "{seven}");
        // lettre picks the shorter: base64 for Cyrillic, quoted-printable for mostly Latin.
        assert!(
            seven.contains("Content-Transfer-Encoding: base64"),
            "{seven}"
        );
    }

    #[test]
    fn a_line_too_long_for_smtp_is_never_sent_8bit() {
        let e = RenderedEmail {
            html: format!("<p>{}</p>", "é".repeat(600)),
            ..email()
        };
        let raw = parts(&e, BodyEncoding::EightBit);
        // The text part is ASCII; the 1,207-byte HTML line is too long for 8bit.
        assert!(raw.contains("Content-Transfer-Encoding: 7bit"), "{raw}");
        assert!(raw.contains("Content-Transfer-Encoding: base64"), "{raw}");
        assert!(!raw.contains("8bit"), "{raw}");
        assert!(raw.lines().all(|l| l.len() <= 998));
        // Up to 998 bytes a line is fine, and lone CRs and NULs are not.
        let fits = format!("<p>{}</p>", "é".repeat(495));
        assert_eq!(fits.len(), 997);
        assert!(unencoded(&fits).is_some());
        assert!(unencoded(&format!("{fits}x")).is_some());
        assert!(unencoded(&format!("{fits}xy")).is_none());
        assert!(unencoded("a\rb").is_none());
        assert!(unencoded("a\0b").is_none());
        assert_eq!(
            unencoded("a\r\nb\nc\n").unwrap().into_vec(),
            b"a\r\nb\r\nc\r\n"
        );
    }

    #[test]
    fn the_same_event_composes_to_the_same_bytes() {
        assert_eq!(compose_to("Ana", "evt_3"), compose_to("Ana", "evt_3"));
    }
}
