//! The value checks that parsing and the `data` kinds share: dates, links, addresses, required
//! strings and display names. Each names the field and the bad value in its error.

use lettre::Address;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{EARLIEST_DATE, EventError, LATEST_DATE, MAX_NAME_CHARS, MAX_URL_BYTES, Shown, clip};
use crate::inert::{inert, take_graphemes};
use crate::text::one_line;

/// `occurred_at`: RFC 3339, and an instant in [`EARLIEST_DATE`]..=[`LATEST_DATE`] (in UTC, so
/// `1970-01-01T00:00:00+01:00` is before it). Producers that serialize an unset time send
/// Go's and .NET's zero time, `0001-01-01T00:00:00Z`: that is refused, never clamped, since
/// a made-up date would hide the producer's bug.
pub(super) fn parse_occurred_at(s: &str) -> Result<OffsetDateTime, EventError> {
    parse_instant(s).map_err(|reason| EventError::invalid("occurred_at", reason))
}

/// An RFC 3339 instant within the dates an email can carry; the error is the reason alone.
pub(super) fn parse_instant(s: &str) -> Result<OffsetDateTime, String> {
    let at = OffsetDateTime::parse(s, &Rfc3339)
        .map_err(|_| format!("`{}` is not an RFC 3339 timestamp", clip(s, 80)))?;
    if !(EARLIEST_DATE..=LATEST_DATE).contains(&at.unix_timestamp()) {
        return Err(format!(
            "`{}` is outside the dates an email can carry (1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z)",
            clip(s, 80)
        ));
    }
    Ok(at)
}

/// Checks that `raw` is an absolute link a recipient can safely follow: `https` (or `http` when
/// allowed) with a host and no user name or password. `javascript:`, `data:` and friends are
/// refused. Returns the link as parsed and normalized (host in lowercase and punycode,
/// anything unsafe percent-encoded, `https:evil.com` written `https://evil.com/`), never the
/// raw text that was checked: what a reader sees and a client follows is what was checked.
/// A ticket or signature in the query is kept as sent (the URL standard leaves `&`, `=`,
/// `+`, `/` and percent-escapes there alone).
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
    // `https://good.com@evil.com/` reads as good.com and goes to evil.com.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "`{}` has a user name or password before its host (`…@`), which hides where it goes",
            clip(trimmed, 80)
        ));
    }
    Ok(url.into())
}

/// Parses an email address the way the SMTP layer will use it.
pub fn parse_address(s: &str) -> Option<Address> {
    // RFC 5321 caps a path at 256 octets including the angle brackets.
    if s.len() > 254 {
        return None;
    }
    s.parse::<Address>().ok()
}

/// The recipient as it goes on the wire: an international domain as A-labels (UTS 46, which
/// also refuses bidi controls and other disallowed characters; a domain that is not in NFC is
/// refused, since it would not be the one the user typed). Address literals (`[127.0.0.1]`),
/// bare IP addresses, single-label domains and domains with `_` or an all-digit top label
/// reach no real mailbox from a transactional sender and are refused unless `allow_local`
/// (test set-ups). The error is the reason; the caller names the field.
pub fn recipient_address(a: &Address, allow_local: bool) -> Result<Address, String> {
    use unicode_normalization::UnicodeNormalization;
    let domain = a.domain();
    let shown = || clip(domain, 80);
    let local = |why: &str| {
        Err(format!(
            "the domain `{}` {why}; set MAILROOM_ALLOW_LOCAL_ADDRESSES=true to send to such addresses",
            shown()
        ))
    };
    if domain.starts_with('[') {
        return if allow_local {
            Ok(a.clone())
        } else {
            local("is an address literal")
        };
    }
    if domain.parse::<std::net::IpAddr>().is_ok() {
        return if allow_local {
            Ok(a.clone())
        } else {
            local("is an IP address")
        };
    }
    if !domain.is_ascii() && domain.nfc().collect::<String>() != domain {
        return Err(format!("the domain `{}` is not in Unicode NFC", shown()));
    }
    if !allow_local && domain.contains('_') {
        return local("contains `_`");
    }
    // Strict: letters, digits and `-` only (STD3), and DNS's lengths.
    let ascii = if allow_local {
        idna::domain_to_ascii(domain)
    } else {
        idna::domain_to_ascii_strict(domain)
    }
    .map_err(|_| {
        format!(
            "the domain `{}` is not a valid domain name (UTS 46)",
            shown()
        )
    })?;
    if !allow_local {
        let labels: Vec<&str> = ascii.split('.').collect();
        if labels.len() < 2 {
            return local("has a single label");
        }
        if labels
            .last()
            .is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit()))
        {
            return local("has an all-digit top-level label");
        }
    }
    if ascii == domain {
        return Ok(a.clone());
    }
    Address::new(a.user(), &ascii).map_err(|e| format!("`{}`: {e}", shown()))
}

pub(super) fn required_string(
    root: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<String, EventError> {
    match root.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        None | Some(Value::Null) => Err(EventError::invalid(path, "missing")),
        Some(other) => Err(EventError::invalid(
            path,
            format!("expected a string, found {}", Shown(other)),
        )),
    }
}

pub(super) fn non_empty_string(
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
pub(super) fn display_field(m: &Map<String, Value>, key: &str) -> Option<String> {
    let s = m.get(key)?.as_str()?;
    // A name is one line: line breaks and other controls would let it write paragraphs into
    // the text part ("Ana,\n\nYour account is locked…") or break layouts. Bidi controls and
    // invisible characters go too (`inert`): they would reorder the text around the name.
    let line = one_line(&inert(s));
    let cut = take_graphemes(&line, MAX_NAME_CHARS).trim_end();
    (!cut.is_empty()).then(|| cut.to_owned())
}

/// The object at `key` (empty when it is missing or not an object), every string in it made
/// [`inert`]: templates may print any of its values.
pub(super) fn take_object(m: &mut Map<String, Value>, key: &str) -> Map<String, Value> {
    match m.remove(key) {
        Some(Value::Object(mut o)) => {
            o.values_mut().for_each(make_inert);
            o
        }
        _ => Map::new(),
    }
}

/// Makes every string in `v` (at any depth) [`inert`], in place; clean strings are not copied.
pub(super) fn make_inert(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(clean) = inert(s) {
                *s = clean;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(make_inert),
        Value::Object(o) => o.values_mut().for_each(make_inert),
        _ => {}
    }
}
