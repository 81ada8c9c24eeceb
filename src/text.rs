//! Text hygiene shared by every layer: one-line header values, clipped values for messages and
//! logs, HTML escaping, hex. Imports only the leaf `inert`, so `event`, `brand`, `config`,
//! `render` and `compose` can all use it without importing each other.

use std::borrow::Cow;

/// Longest header value kept (subjects, display names before their own cut); longer ones are
/// cut, since mail clients show about 80 characters anyway.
pub const MAX_HEADER_CHARS: usize = 250;

/// A value for a header, or any field that must stay on one line: every control or
/// line-separator character becomes a space, runs of spaces collapse, and the result is cut to
/// [`MAX_HEADER_CHARS`]. This is what stops a name with CR/LF from ever starting a header.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if out.chars().count() > MAX_HEADER_CHARS {
        out = out.chars().take(MAX_HEADER_CHARS - 1).collect();
        out.push('…');
    }
    out
}

/// Cuts `s` to at most `max` characters for display, marking the cut, and escapes controls,
/// bidi controls and invisible characters (`\u{202e}`), so an error message or a log line
/// stays on one line and shows what it quotes as it is.
pub fn clip(s: &str, max: usize) -> String {
    Clipped(s, max).to_string()
}

/// [`clip`] as a `Display` value, for log fields: nothing is allocated for a clean value.
#[derive(Debug, Clone, Copy)]
pub struct Clipped<'a>(pub &'a str, pub usize);

impl std::fmt::Display for Clipped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write as _;
        let Clipped(s, max) = *self;
        let mut chars = s.chars();
        for c in chars.by_ref().take(max) {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else if crate::inert::is_invisible(c) || matches!(c, '\u{200C}' | '\u{200D}') {
                write!(f, "{}", c.escape_unicode())?;
            } else {
                f.write_char(c)?;
            }
        }
        if chars.next().is_some() {
            f.write_char('…')?;
        }
        Ok(())
    }
}

/// How long a logged value may be: an id or a reason, never a body.
pub const MAX_LOGGED_CHARS: usize = 500;

/// A value from outside (an event id, a type, a reason quoting metadata) as a log field:
/// escaped and clipped to [`MAX_LOGGED_CHARS`], so it can neither forge a line nor flood one.
pub fn logged(s: &str) -> Clipped<'_> {
    Clipped(s, MAX_LOGGED_CHARS)
}

/// Escapes the five characters that matter in HTML text and quoted attribute values.
pub fn escape_html(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Lower-case hex of `bytes` (digests in ids, file names and records).
pub fn hex(bytes: &[u8]) -> String {
    // A table, not `write!("{b:02x}")`: the formatting machinery cost 8,000 instructions a
    // digest, twice per email.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_never_span_lines() {
        assert_eq!(
            one_line("  Hi\r\nBcc: x@evil.test\u{2028}ok\t "),
            "Hi Bcc: x@evil.test ok"
        );
        let long = "é".repeat(1000);
        assert_eq!(one_line(&long).chars().count(), MAX_HEADER_CHARS);
    }

    #[test]
    fn clipped_values_stay_on_one_line_and_show_the_cut() {
        assert_eq!(clip("a\nb", 80), "a\\nb");
        assert_eq!(clip("abcdef", 3), "abc…");
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("id\u{202E}cba", 80), "id\\u{202e}cba");
        assert_eq!(clip("a\u{200B}b", 80), "a\\u{200b}b");
    }

    #[test]
    fn html_escaping_covers_text_and_attributes() {
        assert_eq!(escape_html("plain"), Cow::Borrowed("plain"));
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
