//! The `auth0:` source: the Management API, with a client-credentials token that is fetched
//! once, shared, and replaced before it expires, and a bounded TTL cache (moka) whose loader
//! coalesces concurrent misses. Each HTTP answer is reduced to a [`Reply`] or a
//! [`LookupError`]; only this file knows reqwest.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use moka::Expiry;
use moka::future::Cache;
use percent_encoding::utf8_percent_encode;
use serde_json::Value;

use super::{Entry, LookupError, MAX_RATE_LIMIT_WAIT, MAX_RATE_LIMIT_WAITS, PATH_SEGMENT, Parse};
use crate::config::{Auth0Settings, DirectorySettings};
use crate::event::{
    Client, User, clip, parse_client as parse_client_profile, parse_user as parse_user_profile,
};

/// How long a "no such profile" answer is reused: short, since the profile may appear soon.
const MISSING_TTL: Duration = Duration::from_secs(30);
/// A bearer token and when to stop using it.
struct Token {
    value: Arc<str>,
    refresh_at: Instant,
}

/// Found and unusable profiles live for the configured TTL; "missing" only briefly.
struct EntryExpiry {
    ttl: Duration,
}

impl<T> Expiry<String, Entry<T>> for EntryExpiry {
    fn expire_after_create(
        &self,
        _key: &String,
        value: &Entry<T>,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(match value {
            Entry::Missing => self.ttl.min(MISSING_TTL),
            _ => self.ttl,
        })
    }
}

pub(super) struct ApiSource {
    http: reqwest::Client,
    auth0: Auth0Settings,
    /// Held while a token is fetched, so concurrent lookups wait for one token request
    /// instead of each making their own.
    token: tokio::sync::Mutex<Option<Token>>,
    users: Cache<String, Entry<User>>,
    clients: Cache<String, Entry<Client>>,
}

/// One HTTP answer, reduced to what the lookup logic needs.
enum Reply {
    Ok(Value),
    NotFound,
    Unauthorized,
    RateLimited(Option<Duration>),
}

impl ApiSource {
    pub(super) fn new(
        auth0: &Auth0Settings,
        settings: &DirectorySettings,
    ) -> anyhow::Result<ApiSource> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            // A redirect could carry the bearer token somewhere else; the API never needs one.
            .redirect(reqwest::redirect::Policy::none())
            .tcp_nodelay(true)
            .user_agent(concat!("mailroom/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| anyhow::anyhow!("cannot build the HTTP client for the directory: {e}"))?;
        Ok(ApiSource {
            http,
            auth0: auth0.clone(),
            token: tokio::sync::Mutex::new(None),
            users: cache(settings),
            clients: cache(settings),
        })
    }

    pub(super) async fn user(&self, id: &str) -> Result<Entry<User>, LookupError> {
        if !is_path_segment(id) {
            return Ok(Entry::Missing);
        }
        let path = format!("api/v2/users/{}", utf8_percent_encode(id, PATH_SEGMENT));
        self.lookup(&self.users, id, &path, parse_user_profile)
            .await
    }

    pub(super) async fn client(&self, id: &str) -> Result<Entry<Client>, LookupError> {
        if !is_path_segment(id) {
            return Ok(Entry::Missing);
        }
        let path = format!(
            "api/v2/clients/{}?fields=client_id,name,client_metadata",
            utf8_percent_encode(id, PATH_SEGMENT)
        );
        self.lookup(&self.clients, id, &path, parse_client_profile)
            .await
    }

    /// `id` from `cache`, else from `GET path`; concurrent misses for one id make one request.
    async fn lookup<T: Send + Sync + 'static>(
        &self,
        cache: &Cache<String, Entry<T>>,
        id: &str,
        path: &str,
        parse: Parse<T>,
    ) -> Result<Entry<T>, LookupError> {
        cache
            .try_get_with(id.to_owned(), async {
                let found = self.get(path).await?;
                Ok(into_entry(found, parse))
            })
            .await
            .map_err(|e: Arc<LookupError>| (*e).clone())
    }

    /// A GET with the bearer token: one fresh token after a 401, waits on 429.
    async fn get(&self, path: &str) -> Result<Option<Value>, LookupError> {
        let url = format!("{}{path}", self.auth0.base);
        // The path without the query, for messages.
        let what = path.split('?').next().unwrap_or(path);
        let mut refreshed = false;
        let mut waits = 0;
        loop {
            let token = self.token().await?;
            let sent = self.http.get(&url).bearer_auth(&*token).send().await;
            match reply(sent, what, &[&token, self.auth0.client_secret.expose()]).await? {
                Reply::Ok(v) => return Ok(Some(v)),
                Reply::NotFound => return Ok(None),
                Reply::Unauthorized if !refreshed => {
                    // The token may have been revoked or rotated: one fresh token, one retry.
                    refreshed = true;
                    self.forget_token(&token).await;
                }
                Reply::Unauthorized => {
                    return Err(LookupError::Refused(format!(
                        "GET /{what}: 401 with a freshly issued token; check the application's grant on the Management API (read:users, read:clients)"
                    )));
                }
                Reply::RateLimited(wait) => {
                    let wait = wait.unwrap_or(Duration::from_secs(1));
                    if waits >= MAX_RATE_LIMIT_WAITS || wait > MAX_RATE_LIMIT_WAIT {
                        return Err(LookupError::Unavailable(format!(
                            "GET /{what}: 429 rate limited (asked to wait {}s after {waits} waits)",
                            wait.as_secs()
                        )));
                    }
                    waits += 1;
                    tracing::debug!(wait_ms = wait.as_millis() as u64, "directory rate limited");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// The current token, fetching one when there is none or it is about to expire.
    pub(super) async fn token(&self) -> Result<Arc<str>, LookupError> {
        let mut slot = self.token.lock().await;
        if let Some(t) = slot.as_ref()
            && Instant::now() < t.refresh_at
        {
            return Ok(t.value.clone());
        }
        let token = self.fetch_token().await?;
        let value = token.value.clone();
        *slot = Some(token);
        Ok(value)
    }

    /// Drops `stale` unless another lookup already replaced it.
    async fn forget_token(&self, stale: &Arc<str>) {
        let mut slot = self.token.lock().await;
        if slot.as_ref().is_some_and(|t| Arc::ptr_eq(&t.value, stale)) {
            *slot = None;
        }
    }

    async fn fetch_token(&self) -> Result<Token, LookupError> {
        let url = format!("{}oauth/token", self.auth0.base);
        let body = serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": self.auth0.client_id,
            "client_secret": self.auth0.client_secret.expose(),
            "audience": self.auth0.audience,
        });
        let started = Instant::now();
        let sent = self.http.post(&url).json(&body).send().await;
        let value = match reply(sent, "oauth/token", &[self.auth0.client_secret.expose()]).await? {
            Reply::Ok(v) => v,
            Reply::Unauthorized | Reply::NotFound => {
                return Err(LookupError::Refused(format!(
                    "POST /oauth/token: the tenant refused the client credentials of `{}`",
                    clip(&self.auth0.client_id, 80)
                )));
            }
            Reply::RateLimited(_) => {
                return Err(LookupError::Unavailable(
                    "POST /oauth/token: 429 rate limited".to_owned(),
                ));
            }
        };
        let token = value
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                LookupError::Unavailable("POST /oauth/token: no access_token in the answer".into())
            })?;
        let lifetime = Duration::from_secs(
            value
                .get("expires_in")
                .and_then(Value::as_u64)
                .unwrap_or(86_400),
        );
        tracing::info!(
            expires_in_s = lifetime.as_secs(),
            "directory: fetched a Management API token"
        );
        Ok(Token {
            value: Arc::from(token),
            refresh_at: started + refresh_after(lifetime),
        })
    }
}

fn cache<T: Send + Sync + 'static>(settings: &DirectorySettings) -> Cache<String, Entry<T>> {
    Cache::builder()
        .max_capacity(settings.cache_size)
        .expire_after(EntryExpiry {
            ttl: settings.cache_ttl,
        })
        .build()
}

/// When to replace a token that lives `lifetime`: a minute early, or at 90 % of a short life,
/// so no request goes out with a token that expires on the way.
pub fn refresh_after(lifetime: Duration) -> Duration {
    let margin = Duration::from_secs(60).min(lifetime / 10);
    lifetime.saturating_sub(margin)
}

fn into_entry<T>(found: Option<Value>, parse: Parse<T>) -> Entry<T> {
    match found {
        None => Entry::Missing,
        Some(Value::Object(map)) => Entry::parsed(map, parse),
        Some(_) => Entry::Unusable(Arc::from("the answer is not a JSON object")),
    }
}

/// Classifies an HTTP answer. Connection errors and timeouts are `Unavailable`; so are 5xx and
/// bodies that are not JSON. 403 is `Refused` (a missing scope will not fix itself).
async fn reply(
    sent: Result<reqwest::Response, reqwest::Error>,
    what: &str,
    hide: &[&str],
) -> Result<Reply, LookupError> {
    let response = sent.map_err(|e| {
        let why = if e.is_timeout() {
            "timed out".to_owned()
        } else if e.is_connect() {
            "cannot connect".to_owned()
        } else {
            // Without the URL: reqwest's message names it, and the query is noise.
            e.without_url().to_string()
        };
        LookupError::Unavailable(format!("/{what}: {why}"))
    })?;
    let status = response.status();
    match status.as_u16() {
        200..=299 => {
            let bytes = response.bytes().await.map_err(|e| {
                LookupError::Unavailable(format!(
                    "/{what}: reading the answer: {}",
                    e.without_url()
                ))
            })?;
            serde_json::from_slice(&bytes).map(Reply::Ok).map_err(|e| {
                LookupError::Unavailable(format!("/{what}: the answer is not JSON ({e})"))
            })
        }
        404 => Ok(Reply::NotFound),
        401 => Ok(Reply::Unauthorized),
        429 => Ok(Reply::RateLimited(retry_after(response.headers()))),
        403 => Err(LookupError::Refused(format!(
            "/{what}: 403 {}",
            api_message(response, hide).await
        ))),
        _ => Err(LookupError::Unavailable(format!(
            "/{what}: {} {}",
            status.as_u16(),
            api_message(response, hide).await
        ))),
    }
}

/// The `message` (or `error_description`) of an Auth0 error body, cut short, with `hide` (the
/// client secret, the token) and anything shaped like a token replaced by `***`: a proxy in
/// front of the tenant may echo the request it refused.
async fn api_message(response: reqwest::Response, hide: &[&str]) -> String {
    let bytes = response.bytes().await.unwrap_or_default();
    let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    ["message", "error_description", "error"]
        .iter()
        .find_map(|k| value.get(*k).and_then(Value::as_str))
        .map(|m| clip(&redact(m, hide), 160))
        .unwrap_or_default()
}

/// `text` with each of `hide` and every token-like word (24 or more characters of base64url
/// and dots, as JWTs and client secrets are) replaced by `***`.
pub fn redact(text: &str, hide: &[&str]) -> String {
    let mut out = text.to_owned();
    for h in hide.iter().filter(|h| h.len() >= 4) {
        out = out.replace(h, "***");
    }
    let tokenish = |w: &str| {
        w.len() >= 24
            && w.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'=' | b'+' | b'/')
            })
            && w.bytes().any(|b| b.is_ascii_digit())
    };
    let apart = |c: char| c.is_whitespace() || "\"',:;()[]{}<>&?".contains(c);
    out.split_inclusive(apart)
        .map(|piece| {
            let word = piece.trim_end_matches(apart);
            if tokenish(word) {
                format!("***{}", &piece[word.len()..])
            } else {
                piece.to_owned()
            }
        })
        .collect()
}

/// `Retry-After` (seconds or an HTTP date), else Auth0's `X-RateLimit-Reset` (epoch seconds).
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let now = SystemTime::now();
    if let Some(v) = headers.get(reqwest::header::RETRY_AFTER)
        && let Ok(v) = v.to_str()
    {
        let v = v.trim();
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(at) = httpdate::parse_http_date(v) {
            return Some(at.duration_since(now).unwrap_or_default());
        }
    }
    let reset = headers
        .get("x-ratelimit-reset")?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()?;
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(reset);
    Some(at.duration_since(now).unwrap_or_default())
}

/// Whether `id` stays one path segment once percent-encoded: never empty, `.` or `..`, which
/// would send the token-bearing request to another resource. Event parsing refuses such ids
/// already; this holds for any caller.
fn is_path_segment(id: &str) -> bool {
    !id.is_empty() && id != "." && id != ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_secrets_and_tokens_and_keeps_the_message() {
        assert_eq!(redact("Invalid token", &[]), "Invalid token");
        assert_eq!(
            redact("bad secret hunter22 given", &["hunter22"]),
            "bad secret *** given"
        );
        assert_eq!(
            redact("token (eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJlMTIz) expired", &[]),
            "token (***) expired"
        );
        // Ordinary long words without digits are words.
        assert_eq!(
            redact("internationalization_is_unavailable", &[]),
            "internationalization_is_unavailable"
        );
        assert!(is_path_segment("auth0|abc") && !is_path_segment("..") && !is_path_segment("."));
    }

    #[test]
    fn ids_are_one_path_segment() {
        let enc = |s: &str| utf8_percent_encode(s, PATH_SEGMENT).to_string();
        assert_eq!(enc("auth0|5f7c8ec7"), "auth0%7C5f7c8ec7");
        assert_eq!(enc("../clients?x=1"), "..%2Fclients%3Fx%3D1");
        assert_eq!(enc("google-oauth2|1.2_3~"), "google-oauth2%7C1.2_3~");
    }

    #[test]
    fn tokens_are_replaced_before_they_expire() {
        assert_eq!(
            refresh_after(Duration::from_secs(86_400)),
            Duration::from_secs(86_340)
        );
        assert_eq!(
            refresh_after(Duration::from_secs(10)),
            Duration::from_secs(9)
        );
        assert_eq!(refresh_after(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn retry_after_reads_seconds_dates_and_auth0_reset() {
        use reqwest::header::{HeaderMap, HeaderValue};
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));

        let mut h = HeaderMap::new();
        let at = SystemTime::now() + Duration::from_secs(120);
        h.insert(
            "retry-after",
            HeaderValue::from_str(&httpdate::fmt_http_date(at)).unwrap(),
        );
        let d = retry_after(&h).unwrap();
        assert!(
            d > Duration::from_secs(100) && d <= Duration::from_secs(120),
            "{d:?}"
        );

        let mut h = HeaderMap::new();
        let reset = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 5;
        h.insert(
            "x-ratelimit-reset",
            HeaderValue::from_str(&reset.to_string()).unwrap(),
        );
        let d = retry_after(&h).unwrap();
        assert!(d <= Duration::from_secs(5), "{d:?}");

        assert_eq!(retry_after(&HeaderMap::new()), None);
    }
}
