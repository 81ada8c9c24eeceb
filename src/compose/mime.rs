//! The MIME side of a message: each body in the encoding asked for (8bit when SMTP can carry
//! it, else 7-bit safe), a boundary derived from the event id, and the multipart/alternative
//! frame around the parts, byte for byte as lettre's builder writes it.

use lettre::message::Body;
use lettre::message::header::{ContentTransferEncoding, Headers};
use sha2::{Digest, Sha256};

use crate::text::hex;

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
pub(super) fn body(text: &str, encoding: BodyEncoding) -> Body {
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
pub(super) fn unencoded(text: &str) -> Option<Body> {
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

/// The message's bytes: `headers`, then the parts (text first, HTML last) in a
/// multipart/alternative frame around `boundary`, written as lettre's builder wrote them.
pub(super) fn frame(headers: &Headers, boundary: &str, parts: [(&str, &Body); 2]) -> Vec<u8> {
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
    bytes
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
pub(super) fn boundary_for(event_id: &str, bodies: &[&[u8]]) -> String {
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
