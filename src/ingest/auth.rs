//! Who may call: the bearer token of `/v1/events` and `/v1/auth0/…`, and the Standard
//! Webhooks signature of Supabase's hook. Both compare in constant time, and no refusal
//! repeats what the caller sent (a token, a signature), so nothing secret reaches a log.

use std::time::{Duration, SystemTime};

use aws_lc_rs::hmac;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{Refusal, RefusalKind};
use crate::config::HookSecret;

/// How far a Standard Webhooks timestamp may be from our clock, either way.
pub const TIMESTAMP_TOLERANCE: Duration = Duration::from_secs(5 * 60);

fn unauthorized(message: impl Into<String>) -> Refusal {
    Refusal::new(RefusalKind::Unauthorized, message)
}

/// Checks an `Authorization` header against the token. The comparison is of SHA-256
/// digests in constant time, so neither the token's bytes nor its length leak through
/// timing.
pub fn bearer(header: Option<&[u8]>, token: &str) -> Result<(), Refusal> {
    let Some(value) = header else {
        return Err(unauthorized(
            "missing `Authorization: Bearer <token>` (MAILROOM_INGEST_TOKEN)",
        ));
    };
    let Some(given) = strip_scheme(value) else {
        return Err(unauthorized(
            "the Authorization header is not `Bearer <token>`",
        ));
    };
    if same(given, token.as_bytes()) {
        Ok(())
    } else {
        Err(unauthorized("wrong token"))
    }
}

/// The credentials after `Bearer ` (the scheme is case-insensitive, RFC 9110 §11.1).
fn strip_scheme(value: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = value.split_at_checked(7)?;
    scheme
        .eq_ignore_ascii_case(b"bearer ")
        .then(|| rest.trim_ascii())
        .filter(|t| !t.is_empty())
}

fn same(a: &[u8], b: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    let (a, b) = (Sha256::digest(a), Sha256::digest(b));
    aws_lc_rs::constant_time::verify_slices_are_equal(&a, &b).is_ok()
}

/// A Standard Webhooks signing key (Supabase shows it as `v1,whsec_<base64>`).
#[derive(Clone)]
pub struct WebhookKey(hmac::Key);

impl std::fmt::Debug for WebhookKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookKey(***)")
    }
}

impl WebhookKey {
    /// Reads `v1,whsec_<base64>` (see [`HookSecret::parse`]).
    pub fn parse(secret: &str) -> Result<WebhookKey, String> {
        HookSecret::parse(secret).map(|s| WebhookKey::new(&s))
    }

    pub fn new(secret: &HookSecret) -> WebhookKey {
        WebhookKey(hmac::Key::new(hmac::HMAC_SHA256, secret.expose()))
    }

    /// `v1,<base64 signature>` of `id.timestamp.body`, as a sender writes it (for tests and
    /// the benchmark).
    pub fn sign(&self, id: &str, timestamp: u64, body: &[u8]) -> String {
        let tag = hmac::sign(&self.0, &signed_content(id, timestamp, body));
        format!("v1,{}", STANDARD.encode(tag.as_ref()))
    }

    /// Verifies the three Standard Webhooks headers over `body` at `now`: the timestamp
    /// within [`TIMESTAMP_TOLERANCE`], and one of the space-separated `v1,<base64>`
    /// signatures the HMAC-SHA256 of `id.timestamp.body`. Returns the webhook id.
    pub fn verify<'h>(
        &self,
        id: Option<&'h str>,
        timestamp: Option<&str>,
        signatures: Option<&str>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<&'h str, Refusal> {
        let missing = |h: &str| unauthorized(format!("missing the `{h}` header"));
        let id = id.ok_or_else(|| missing("webhook-id"))?;
        let timestamp = timestamp.ok_or_else(|| missing("webhook-timestamp"))?;
        let signatures = signatures.ok_or_else(|| missing("webhook-signature"))?;
        let at: u64 = timestamp
            .trim()
            .parse()
            .map_err(|_| unauthorized("webhook-timestamp is not a number of seconds since 1970"))?;
        let now = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        if now.abs_diff(at) > TIMESTAMP_TOLERANCE.as_secs() {
            return Err(unauthorized(format!(
                "webhook-timestamp is {} s from this server's clock; at most {} s are accepted (a replay, or a clock to fix)",
                now.abs_diff(at),
                TIMESTAMP_TOLERANCE.as_secs()
            )));
        }
        let content = signed_content(id, at, body);
        let mut any = false;
        for sig in signatures.split_ascii_whitespace() {
            let Some(b64) = sig.strip_prefix("v1,") else {
                continue; // another scheme (v1a: asymmetric), not ours
            };
            any = true;
            if let Ok(tag) = STANDARD.decode(b64)
                && hmac::verify(&self.0, &content, &tag).is_ok()
            {
                return Ok(id);
            }
        }
        Err(unauthorized(if any {
            "no webhook-signature matches: check MAILROOM_SUPABASE_HOOK_SECRET against the hook's secret"
        } else {
            "webhook-signature holds no `v1,<base64>` signature"
        }))
    }
}

fn signed_content(id: &str, timestamp: u64, body: &[u8]) -> Vec<u8> {
    let mut content = format!("{id}.{timestamp}.").into_bytes();
    content.extend_from_slice(body);
    content
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "v1,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn bearer_accepts_only_the_token() {
        let token = "s3cret-token";
        assert!(bearer(Some(b"Bearer s3cret-token"), token).is_ok());
        assert!(bearer(Some(b"bearer s3cret-token "), token).is_ok());
        for bad in [
            &b"Bearer s3cret-tokeN"[..],
            b"Bearer s3cret-token2",
            b"Bearer ",
            b"Basic s3cret-token",
            b"s3cret-token",
            b"",
        ] {
            let e = bearer(Some(bad), token).unwrap_err();
            assert_eq!(e.kind, RefusalKind::Unauthorized);
            assert!(!e.message.contains("s3cret"), "{}", e.message);
        }
        assert!(bearer(None, token).is_err());
    }

    #[test]
    fn standard_webhooks_signatures() {
        let key = WebhookKey::parse(SECRET).unwrap();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let body = br#"{"user":{}}"#;
        let sig = key.sign("msg_1", 1_700_000_000, body);
        let ok = |id, ts: &str, sig: &str| key.verify(Some(id), Some(ts), Some(sig), body, now);
        assert_eq!(ok("msg_1", "1700000000", &sig).unwrap(), "msg_1");
        // One of several signatures (a key rotation) is enough.
        let several = format!("v1,AAAA {sig} v1a,xyz");
        assert!(ok("msg_1", "1700000000", &several).is_ok());
        // Within the window, either way; outside it, refused.
        let at = |t: u64| (t.to_string(), key.sign("msg_1", t, body));
        for (t, fine) in [
            (1_700_000_000 - 300, true),
            (1_700_000_000 + 300, true),
            (1_700_000_000 - 301, false),
            (1_700_000_000 + 301, false),
        ] {
            let (ts, sig) = at(t);
            assert_eq!(ok("msg_1", &ts, &sig).is_ok(), fine, "{t}");
        }
        // Another id, body or key: refused.
        assert!(ok("msg_2", "1700000000", &sig).is_err());
        assert!(
            key.verify(Some("msg_1"), Some("1700000000"), Some(&sig), b"{}", now)
                .is_err()
        );
        let other = WebhookKey::parse("whsec_c2Vjb25kLWtleS0xMjM0NTY3OA==").unwrap();
        assert!(
            other
                .verify(Some("msg_1"), Some("1700000000"), Some(&sig), body, now)
                .is_err()
        );
        // Missing headers name the header; a refusal never shows the signature.
        let e = key
            .verify(None, Some("1700000000"), Some(&sig), body, now)
            .unwrap_err();
        assert!(e.message.contains("webhook-id"), "{}", e.message);
        let e = ok("msg_1", "1700000000", "v1,bm9wZQ==").unwrap_err();
        assert!(!e.message.contains("bm9wZQ"), "{}", e.message);
        assert!(ok("msg_1", "soon", &sig).is_err());
    }

    #[test]
    fn webhook_keys_must_decode() {
        assert!(WebhookKey::parse("v1,whsec_not base64!").is_err());
        assert!(WebhookKey::parse("v1,whsec_c2hvcnQ=").is_err());
        let e = WebhookKey::parse("v1,whsec_%%%").unwrap_err();
        assert!(!e.contains("%%%"));
    }
}
