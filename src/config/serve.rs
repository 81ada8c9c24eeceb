//! The settings of `mailroom serve` and the parsers of its keys.

use std::net::SocketAddr;

use super::{ConfigError, HookSecret, Secret, bad};

/// What `mailroom serve` listens on and whom it lets in.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    /// `MAILROOM_HTTP_ADDR`.
    pub addr: SocketAddr,
    /// `MAILROOM_INGEST_TOKEN`: required on `/v1/events` and `/v1/auth0/…`; without it
    /// `serve` listens on loopback only.
    pub token: Option<Secret>,
    /// `MAILROOM_SUPABASE_HOOK_SECRET`: without it the Supabase endpoint refuses (401).
    pub supabase_secret: Option<HookSecret>,
    /// `MAILROOM_SUPABASE_URL`.
    pub supabase_url: Option<url::Url>,
    /// Requests handled at once; past it, 503.
    pub max_in_flight: usize,
}

impl Default for ServeSettings {
    fn default() -> Self {
        ServeSettings {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            token: None,
            supabase_secret: None,
            supabase_url: None,
            max_in_flight: 1024,
        }
    }
}

/// A token short enough to guess is refused: the endpoint it guards sends email to anyone.
pub(super) fn token(key: &str, v: &str) -> Result<Secret, ConfigError> {
    let v = v.trim();
    if v.len() < 16 {
        return Err(bad(
            key,
            format!(
                "a {}-character token is too easy to guess; use at least 16 random characters (e.g. `openssl rand -hex 32`); the value is not shown",
                v.chars().count()
            ),
        ));
    }
    if !v.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad(
            key,
            "the token must be printable ASCII without spaces (it travels in a header); the value is not shown"
                .to_owned(),
        ));
    }
    Ok(Secret::new(v))
}

pub(super) fn hook_secret(key: &str, v: &str) -> Result<HookSecret, ConfigError> {
    HookSecret::parse(v)
        .map_err(|why| bad(key, format!("the secret {why}; the value is not shown")))
}

/// `https://PROJECT.supabase.co` (or `http://` for a local Supabase).
pub(super) fn project_url(key: &str, v: &str) -> Result<url::Url, ConfigError> {
    let v = v.trim();
    let shown = crate::text::clip(v, 80);
    let u = url::Url::parse(v).map_err(|e| {
        bad(
            key,
            format!("`{shown}` is not a URL like `https://PROJECT.supabase.co` ({e})"),
        )
    })?;
    if !matches!(u.scheme(), "https" | "http") || u.host_str().is_none_or(str::is_empty) {
        return Err(bad(
            key,
            format!(
                "`{shown}` is not an http(s) URL with a host, like `https://PROJECT.supabase.co`"
            ),
        ));
    }
    if u.query().is_some() || u.fragment().is_some() || !u.username().is_empty() {
        return Err(bad(
            key,
            format!(
                "`{shown}`: give the project's URL only, without a query, fragment or credentials"
            ),
        ));
    }
    Ok(u)
}

pub(super) fn max_in_flight(key: &str, v: &str) -> Result<usize, ConfigError> {
    match v.trim().parse::<usize>() {
        Ok(n) if (1..=65_536).contains(&n) => Ok(n),
        _ => Err(bad(
            key,
            format!(
                "`{}` is not a number of requests from 1 to 65536",
                crate::text::clip(v, 40)
            ),
        )),
    }
}
