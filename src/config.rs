//! Settings: built-in defaults, then the TOML file, then `MAILROOM_*` environment variables.
//!
//! The environment wins over the file so one image can serve several deployments. Every key is
//! listed in [`ENV_KEYS`] (shown by `--help`), and a bad value fails at start with the name of
//! the key or variable that carried it. Unknown keys in the file are errors too: a typo must
//! not silently fall back to a default.
//!
//! Routes are keyed by event type, which contains dots (`user.signed_up`), so the file is read
//! with `toml` + serde rather than a layered config crate that treats dots as nesting.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::Mailbox;
use serde::Deserialize;
use unic_langid::LanguageIdentifier;

pub use crate::brand::BrandDefaults;

/// Environment variables read by every command, with what they set.
pub const ENV_KEYS: &[(&str, &str)] = &[
    (
        "MAILROOM_CONFIG",
        "path of the TOML configuration file (default: ./mailroom.toml if present)",
    ),
    (
        "MAILROOM_TEMPLATES",
        "templates folder (file key `templates_dir`)",
    ),
    (
        "MAILROOM_LOCALES",
        "locales folder (file key `locales_dir`)",
    ),
    (
        "MAILROOM_FROM",
        "sender mailbox, e.g. `Acme <no-reply@acme.test>` (file key `from`)",
    ),
    (
        "MAILROOM_DEFAULT_LOCALE",
        "last step of language negotiation (file key `default_locale`)",
    ),
    (
        "MAILROOM_ALLOW_HTTP_LINKS",
        "`true` accepts http:// links, for development (file key `allow_http_links`)",
    ),
    (
        "MAILROOM_AMQP_URL",
        "broker, e.g. `amqp://user:pass@host:5672/%2f` (file key `amqp_url`; secret)",
    ),
    (
        "MAILROOM_QUEUE",
        "events queue; also names `<queue>.dlq` and `<queue>.retry.<delay>` (file key `queue`)",
    ),
    (
        "MAILROOM_QUEUE_TYPE",
        "`classic` or `quorum` (file key `queue_type`)",
    ),
    (
        "MAILROOM_SMTP_URL",
        "`smtp://host:port`, `?tls=required` for STARTTLS, `smtps://` for TLS, `user:pass@` for AUTH (file key `smtp_url`; secret)",
    ),
    (
        "MAILROOM_SMTP_TIMEOUT",
        "bound on one whole SMTP send, e.g. `30s` (file key `smtp_timeout`)",
    ),
    (
        "MAILROOM_HELLO_NAME",
        "EHLO name (file key `hello_name`; default: the From domain)",
    ),
    (
        "MAILROOM_CONCURRENCY",
        "emails in flight; also the prefetch and the SMTP connection cap (file key `concurrency`)",
    ),
    (
        "MAILROOM_RETRY_DELAYS",
        "retry tiers, e.g. `10s,1m,10m,1h`; attempts = tiers + 1 (file key `retry_delays`)",
    ),
    (
        "MAILROOM_STATE_DIR",
        "where the record of sent event ids lives (file key `state_dir`)",
    ),
    (
        "MAILROOM_SHUTDOWN_TIMEOUT",
        "how long shutdown waits for in-flight emails, e.g. `25s` (file key `shutdown_timeout`)",
    ),
    (
        "MAILROOM_DIRECTORY",
        "where thin events' profiles come from: `file:FOLDER` (clients.json, users.json), `auth0:https://TENANT` or `none` (file key `directory`; default `file:directory`)",
    ),
    (
        "MAILROOM_AUTH0_CLIENT_ID",
        "machine-to-machine application for `auth0:` (file key `auth0_client_id`)",
    ),
    (
        "MAILROOM_AUTH0_CLIENT_SECRET",
        "its secret (environment only; never logged)",
    ),
    (
        "MAILROOM_AUTH0_AUDIENCE",
        "token audience (file key `auth0_audience`; default `https://TENANT/api/v2/`)",
    ),
    (
        "MAILROOM_DIRECTORY_CACHE_SIZE",
        "profiles kept in memory for `auth0:` (file key `directory_cache_size`; default 10000)",
    ),
    (
        "MAILROOM_DIRECTORY_CACHE_TTL",
        "how long a loaded profile is reused, e.g. `5m` (file key `directory_cache_ttl`)",
    ),
    (
        "MAILROOM_DIRECTORY_TIMEOUT",
        "bound on one Management API request, e.g. `10s` (file key `directory_timeout`)",
    ),
];

/// Default routes from event type to template (PRODUCT.md).
pub const DEFAULT_ROUTES: &[(&str, &str)] = &[
    ("user.verification_requested", "verify_email"),
    ("user.verification_code_requested", "verify_email_by_code"),
    ("user.signed_up", "welcome_email"),
];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{key}: {message}")]
    Value { key: String, message: String },
}

/// The file as written; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    amqp_url: Option<String>,
    queue: Option<String>,
    queue_type: Option<String>,
    smtp_url: Option<String>,
    smtp_timeout: Option<String>,
    hello_name: Option<String>,
    concurrency: Option<u32>,
    retry_delays: Option<String>,
    state_dir: Option<PathBuf>,
    shutdown_timeout: Option<String>,
    templates_dir: Option<PathBuf>,
    locales_dir: Option<PathBuf>,
    from: Option<String>,
    default_locale: Option<String>,
    source_locale: Option<String>,
    allow_http_links: Option<bool>,
    routes: Option<BTreeMap<String, String>>,
    brand: Option<BrandDefaults>,
    directory: Option<String>,
    auth0_client_id: Option<String>,
    auth0_audience: Option<String>,
    directory_cache_size: Option<u64>,
    directory_cache_ttl: Option<String>,
    directory_timeout: Option<String>,
}

/// A secret value (a client secret): usable, never shown.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The value; only for handing to the peer that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// An Auth0-compatible Management API and the machine-to-machine credentials for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth0Settings {
    /// `https://TENANT` (plain `http` only on loopback, for tests and local fakes).
    pub base: url::Url,
    pub client_id: String,
    pub client_secret: Secret,
    /// The `audience` of the client-credentials grant.
    pub audience: String,
}

/// Where the profiles of thin events (`user_id`, `client_id` only) are loaded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectorySource {
    /// Nothing: a thin user is unroutable, a thin client gets the default branding.
    None,
    /// A folder with `clients.json` and `users.json` (Auth0's list formats).
    File(PathBuf),
    Auth0(Auth0Settings),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectorySettings {
    pub source: DirectorySource,
    /// Most profiles kept in the cache of the API source.
    pub cache_size: u64,
    /// How long the API source reuses a profile it loaded.
    pub cache_ttl: Duration,
    /// Bound on one API request (token or lookup).
    pub timeout: Duration,
}

impl Default for DirectorySettings {
    fn default() -> Self {
        DirectorySettings {
            source: DirectorySource::File(PathBuf::from("directory")),
            cache_size: 10_000,
            cache_ttl: Duration::from_secs(300),
            timeout: Duration::from_secs(10),
        }
    }
}

/// The directory keys as given, combined once file and environment are both read (the
/// credentials may come from one and the URL from the other).
#[derive(Debug, Default)]
struct DirectoryParts {
    /// (key that set it, value, folder relative paths are resolved against)
    spec: Option<(String, String, PathBuf)>,
    client_id: Option<String>,
    client_secret: Option<String>,
    audience: Option<(String, String)>,
}

/// A URL that may carry a password: shown and logged with the password replaced.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(String);

impl SecretUrl {
    pub fn new(url: impl Into<String>) -> Self {
        SecretUrl(url.into())
    }

    /// The URL with its password; only for handing to a client library.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by `***`, for logs and errors.
    pub fn redacted(&self) -> String {
        match url::Url::parse(&self.0) {
            Ok(mut u) => {
                if u.password().is_some() {
                    let _ = u.set_password(Some("***"));
                }
                u.to_string()
            }
            Err(_) => "(unparsable URL)".to_owned(),
        }
    }
}

impl std::fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// RabbitMQ queue type of the events queue and its companions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueType {
    Classic,
    Quorum,
}

/// Settings of the broker worker (`mailroom run` without `--events`).
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub amqp_url: SecretUrl,
    pub queue: String,
    pub queue_type: QueueType,
    pub smtp_url: SecretUrl,
    /// Bound on one whole SMTP send (connect, dialogue, data), not just the connect.
    pub smtp_timeout: Duration,
    /// EHLO name; `None` means the From address's domain.
    pub hello_name: Option<String>,
    /// Emails in flight: the prefetch, and the cap on SMTP connections.
    pub concurrency: u16,
    /// One retry queue per delay; an event is tried `retry_delays.len() + 1` times.
    pub retry_delays: Vec<Duration>,
    pub state_dir: PathBuf,
    pub shutdown_timeout: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            amqp_url: SecretUrl::new("amqp://guest:guest@127.0.0.1:5672/%2f"),
            queue: "mailroom.events".to_owned(),
            queue_type: QueueType::Classic,
            smtp_url: SecretUrl::new("smtp://127.0.0.1:25"),
            // Shorter than the shutdown wait, so a send in flight at SIGTERM can finish.
            smtp_timeout: Duration::from_secs(20),
            hello_name: None,
            concurrency: 32,
            retry_delays: ["10s", "1m", "10m", "1h"]
                .iter()
                .map(|d| humantime::parse_duration(d).expect("built-in delays parse"))
                .collect(),
            state_dir: PathBuf::from("state"),
            shutdown_timeout: Duration::from_secs(25),
        }
    }
}

/// Effective settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub worker: WorkerSettings,
    pub templates_dir: PathBuf,
    pub locales_dir: PathBuf,
    /// Sender; its display name is replaced by the client's sender name when one is set.
    pub from: Mailbox,
    pub default_locale: LanguageIdentifier,
    /// The locale every message falls back to; it must define every message.
    pub source_locale: LanguageIdentifier,
    pub allow_http_links: bool,
    /// Event type → template name.
    pub routes: BTreeMap<String, String>,
    pub brand: BrandDefaults,
    pub directory: DirectorySettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            worker: WorkerSettings::default(),
            templates_dir: PathBuf::from("templates"),
            locales_dir: PathBuf::from("locales"),
            from: "Mailroom <no-reply@mailroom.localhost>"
                .parse()
                .expect("the built-in sender is a valid mailbox"),
            default_locale: "en".parse().expect("`en` is a valid tag"),
            source_locale: "en".parse().expect("`en` is a valid tag"),
            allow_http_links: false,
            routes: DEFAULT_ROUTES
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            brand: BrandDefaults::default(),
            directory: DirectorySettings::default(),
        }
    }
}

impl Settings {
    /// Loads settings. `path` is the file named on the command line or in `MAILROOM_CONFIG`;
    /// without one, `./mailroom.toml` is read when it exists. `env` is the environment to read
    /// (`std::env::vars()` in production; a fixed list in tests).
    pub fn load(
        path: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, ConfigError> {
        let env: BTreeMap<String, String> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with("MAILROOM_"))
            .collect();
        let explicit = path
            .map(Path::to_path_buf)
            .or_else(|| env.get("MAILROOM_CONFIG").map(PathBuf::from));
        let file = match explicit {
            Some(p) => Some(read_file(&p)?),
            None => {
                let p = PathBuf::from("mailroom.toml");
                if p.exists() {
                    Some(read_file(&p)?)
                } else {
                    None
                }
            }
        };
        let mut s = Settings::default();
        let mut parts = DirectoryParts::default();
        if let Some((path, f)) = file {
            s.apply_file(&path, f, &mut parts)?;
        }
        s.apply_env(&env, &mut parts)?;
        s.directory.source = parts.finish(s.directory.source.clone())?;
        Ok(s)
    }

    fn apply_file(
        &mut self,
        path: &Path,
        f: FileSettings,
        parts: &mut DirectoryParts,
    ) -> Result<(), ConfigError> {
        // Relative folders in the file are relative to the file, so `--config` works from anywhere.
        let base = path.parent().unwrap_or(Path::new(""));
        if let Some(d) = f.templates_dir {
            self.templates_dir = base.join(d);
        }
        if let Some(d) = f.locales_dir {
            self.locales_dir = base.join(d);
        }
        if let Some(v) = f.from {
            self.from = parse_from("from", &v)?;
        }
        if let Some(v) = f.default_locale {
            self.default_locale = parse_tag("default_locale", &v)?;
        }
        if let Some(v) = f.source_locale {
            self.source_locale = parse_tag("source_locale", &v)?;
        }
        if let Some(v) = f.allow_http_links {
            self.allow_http_links = v;
        }
        if let Some(routes) = f.routes {
            self.routes = routes;
        }
        if let Some(b) = f.brand {
            self.brand = b;
        }
        if let Some(v) = f.directory {
            parts.spec = Some(("directory".to_owned(), v, base.to_path_buf()));
        }
        if let Some(v) = f.auth0_client_id {
            parts.client_id = Some(v);
        }
        if let Some(v) = f.auth0_audience {
            parts.audience = Some(("auth0_audience".to_owned(), v));
        }
        let d = &mut self.directory;
        if let Some(v) = f.directory_cache_size {
            d.cache_size = parse_cache_size("directory_cache_size", &v.to_string())?;
        }
        if let Some(v) = f.directory_cache_ttl {
            d.cache_ttl = parse_duration("directory_cache_ttl", &v)?;
        }
        if let Some(v) = f.directory_timeout {
            d.timeout = parse_duration("directory_timeout", &v)?;
        }
        let w = &mut self.worker;
        if let Some(v) = f.amqp_url {
            w.amqp_url = parse_url("amqp_url", &v, &["amqp", "amqps"])?;
        }
        if let Some(v) = f.queue {
            w.queue = parse_queue("queue", &v)?;
        }
        if let Some(v) = f.queue_type {
            w.queue_type = parse_queue_type("queue_type", &v)?;
        }
        if let Some(v) = f.smtp_url {
            w.smtp_url = parse_url("smtp_url", &v, &["smtp", "smtps"])?;
        }
        if let Some(v) = f.smtp_timeout {
            w.smtp_timeout = parse_duration("smtp_timeout", &v)?;
        }
        if let Some(v) = f.hello_name {
            w.hello_name = Some(v);
        }
        if let Some(v) = f.concurrency {
            w.concurrency = parse_concurrency("concurrency", &v.to_string())?;
        }
        if let Some(v) = f.retry_delays {
            w.retry_delays = parse_delays("retry_delays", &v)?;
        }
        if let Some(d) = f.state_dir {
            w.state_dir = base.join(d);
        }
        if let Some(v) = f.shutdown_timeout {
            w.shutdown_timeout = parse_duration("shutdown_timeout", &v)?;
        }
        Ok(())
    }

    fn apply_env(
        &mut self,
        env: &BTreeMap<String, String>,
        parts: &mut DirectoryParts,
    ) -> Result<(), ConfigError> {
        if let Some(v) = env.get("MAILROOM_DIRECTORY") {
            parts.spec = Some(("MAILROOM_DIRECTORY".to_owned(), v.clone(), PathBuf::new()));
        }
        if let Some(v) = env.get("MAILROOM_AUTH0_CLIENT_ID") {
            parts.client_id = Some(v.clone());
        }
        if let Some(v) = env.get("MAILROOM_AUTH0_CLIENT_SECRET") {
            parts.client_secret = Some(v.clone());
        }
        if let Some(v) = env.get("MAILROOM_AUTH0_AUDIENCE") {
            parts.audience = Some(("MAILROOM_AUTH0_AUDIENCE".to_owned(), v.clone()));
        }
        let d = &mut self.directory;
        if let Some(v) = env.get("MAILROOM_DIRECTORY_CACHE_SIZE") {
            d.cache_size = parse_cache_size("MAILROOM_DIRECTORY_CACHE_SIZE", v)?;
        }
        if let Some(v) = env.get("MAILROOM_DIRECTORY_CACHE_TTL") {
            d.cache_ttl = parse_duration("MAILROOM_DIRECTORY_CACHE_TTL", v)?;
        }
        if let Some(v) = env.get("MAILROOM_DIRECTORY_TIMEOUT") {
            d.timeout = parse_duration("MAILROOM_DIRECTORY_TIMEOUT", v)?;
        }
        if let Some(v) = env.get("MAILROOM_TEMPLATES") {
            self.templates_dir = PathBuf::from(v);
        }
        if let Some(v) = env.get("MAILROOM_LOCALES") {
            self.locales_dir = PathBuf::from(v);
        }
        if let Some(v) = env.get("MAILROOM_FROM") {
            self.from = parse_from("MAILROOM_FROM", v)?;
        }
        if let Some(v) = env.get("MAILROOM_DEFAULT_LOCALE") {
            self.default_locale = parse_tag("MAILROOM_DEFAULT_LOCALE", v)?;
        }
        if let Some(v) = env.get("MAILROOM_ALLOW_HTTP_LINKS") {
            self.allow_http_links = parse_bool("MAILROOM_ALLOW_HTTP_LINKS", v)?;
        }
        let w = &mut self.worker;
        if let Some(v) = env.get("MAILROOM_AMQP_URL") {
            w.amqp_url = parse_url("MAILROOM_AMQP_URL", v, &["amqp", "amqps"])?;
        }
        if let Some(v) = env.get("MAILROOM_QUEUE") {
            w.queue = parse_queue("MAILROOM_QUEUE", v)?;
        }
        if let Some(v) = env.get("MAILROOM_QUEUE_TYPE") {
            w.queue_type = parse_queue_type("MAILROOM_QUEUE_TYPE", v)?;
        }
        if let Some(v) = env.get("MAILROOM_SMTP_URL") {
            w.smtp_url = parse_url("MAILROOM_SMTP_URL", v, &["smtp", "smtps"])?;
        }
        if let Some(v) = env.get("MAILROOM_SMTP_TIMEOUT") {
            w.smtp_timeout = parse_duration("MAILROOM_SMTP_TIMEOUT", v)?;
        }
        if let Some(v) = env.get("MAILROOM_HELLO_NAME") {
            w.hello_name = Some(v.clone());
        }
        if let Some(v) = env.get("MAILROOM_CONCURRENCY") {
            w.concurrency = parse_concurrency("MAILROOM_CONCURRENCY", v)?;
        }
        if let Some(v) = env.get("MAILROOM_RETRY_DELAYS") {
            w.retry_delays = parse_delays("MAILROOM_RETRY_DELAYS", v)?;
        }
        if let Some(v) = env.get("MAILROOM_STATE_DIR") {
            w.state_dir = PathBuf::from(v);
        }
        if let Some(v) = env.get("MAILROOM_SHUTDOWN_TIMEOUT") {
            w.shutdown_timeout = parse_duration("MAILROOM_SHUTDOWN_TIMEOUT", v)?;
        }
        Ok(())
    }
}

fn read_file(path: &Path) -> Result<(PathBuf, FileSettings), ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let f = toml::from_str(&text).map_err(|e| ConfigError::File {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_owned(),
    })?;
    Ok((path.to_path_buf(), f))
}

fn parse_from(key: &str, v: &str) -> Result<Mailbox, ConfigError> {
    v.parse::<Mailbox>().map_err(|e| ConfigError::Value {
        key: key.to_owned(),
        message: format!("`{v}` is not a mailbox like `Acme <no-reply@acme.test>` ({e})"),
    })
}

fn parse_tag(key: &str, v: &str) -> Result<LanguageIdentifier, ConfigError> {
    crate::locale::normalize(v).ok_or_else(|| ConfigError::Value {
        key: key.to_owned(),
        message: format!("`{v}` is not a language tag"),
    })
}

impl DirectoryParts {
    /// The source the keys describe; `default` when no key named one.
    fn finish(self, default: DirectorySource) -> Result<DirectorySource, ConfigError> {
        let Some((key, spec, base)) = self.spec else {
            return Ok(default);
        };
        let spec = spec.trim();
        if spec == "none" {
            return Ok(DirectorySource::None);
        }
        if let Some(path) = spec.strip_prefix("file:") {
            if path.is_empty() {
                return Err(bad(
                    &key,
                    "`file:` needs a folder, e.g. `file:directory`".into(),
                ));
            }
            return Ok(DirectorySource::File(base.join(path)));
        }
        let Some(url) = spec.strip_prefix("auth0:") else {
            return Err(bad(
                &key,
                format!(
                    "`{}` is not `none`, `file:FOLDER` or `auth0:https://TENANT`",
                    crate::text::clip(spec, 80)
                ),
            ));
        };
        let base = parse_auth0_base(&key, url)?;
        let client_id = self
            .client_id
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| {
                bad(
                    "MAILROOM_AUTH0_CLIENT_ID",
                    format!("missing: `{key}` names an Auth0 tenant, which needs the client id of a machine-to-machine application"),
                )
            })?;
        let client_secret = self
            .client_secret
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                bad(
                    "MAILROOM_AUTH0_CLIENT_SECRET",
                    format!("missing: `{key}` names an Auth0 tenant, which needs the secret of its machine-to-machine application (environment only)"),
                )
            })?;
        let audience = match self.audience {
            Some((_, a)) if !a.trim().is_empty() => a.trim().to_owned(),
            Some((k, _)) => return Err(bad(&k, "empty".into())),
            None => format!("{}api/v2/", base.as_str()),
        };
        Ok(DirectorySource::Auth0(Auth0Settings {
            base,
            client_id: client_id.trim().to_owned(),
            client_secret: Secret::new(client_secret),
            audience,
        }))
    }
}

/// `https://TENANT` → its origin with a trailing `/`. Plain `http` is refused except on
/// loopback: the client secret and the tokens must not cross a network in clear text.
fn parse_auth0_base(key: &str, v: &str) -> Result<url::Url, ConfigError> {
    let u =
        url::Url::parse(v.trim()).map_err(|e| bad(key, format!("`auth0:{v}`: not a URL ({e})")))?;
    let loopback = match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    };
    match u.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(bad(
                key,
                format!("`auth0:{v}`: use https (plain http is accepted only on loopback)"),
            ));
        }
        other => {
            return Err(bad(
                key,
                format!("`auth0:{v}`: the scheme `{other}` is not https"),
            ));
        }
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(bad(key, format!("`auth0:{v}`: no host")));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(bad(
            key,
            "credentials belong in MAILROOM_AUTH0_CLIENT_ID / MAILROOM_AUTH0_CLIENT_SECRET, not in the URL".into(),
        ));
    }
    if u.path() != "/" || u.query().is_some() {
        return Err(bad(
            key,
            format!("`auth0:{v}`: give only the tenant, like `https://acme.eu.auth0.com`"),
        ));
    }
    Ok(u)
}

fn parse_cache_size(key: &str, v: &str) -> Result<u64, ConfigError> {
    match v.trim().parse::<u64>() {
        Ok(n) if n <= 10_000_000 => Ok(n),
        _ => Err(bad(
            key,
            format!("`{v}` is not a number from 0 to 10000000"),
        )),
    }
}

fn bad(key: &str, message: String) -> ConfigError {
    ConfigError::Value {
        key: key.to_owned(),
        message,
    }
}

fn parse_url(key: &str, v: &str, schemes: &[&str]) -> Result<SecretUrl, ConfigError> {
    let secret = SecretUrl::new(v.trim());
    // Errors show the redacted form: the value may carry a password.
    let u = url::Url::parse(v.trim())
        .map_err(|e| bad(key, format!("`{}` is not a URL ({e})", secret.redacted())))?;
    if !schemes.contains(&u.scheme()) {
        return Err(bad(
            key,
            format!(
                "`{}` has the scheme `{}`; expected {}",
                secret.redacted(),
                u.scheme(),
                schemes.join(" or ")
            ),
        ));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(bad(key, format!("`{}` has no host", secret.redacted())));
    }
    Ok(secret)
}

fn parse_queue(key: &str, v: &str) -> Result<String, ConfigError> {
    // AMQP short strings are at most 255 bytes, and the retry queues add a suffix.
    if v.is_empty() || v.len() > 200 || v.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad(
            key,
            format!("`{v}` is not a usable queue name (1 to 200 characters, no spaces)"),
        ));
    }
    Ok(v.to_owned())
}

fn parse_queue_type(key: &str, v: &str) -> Result<QueueType, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "classic" => Ok(QueueType::Classic),
        "quorum" => Ok(QueueType::Quorum),
        _ => Err(bad(
            key,
            format!("`{v}` is not a queue type (use classic or quorum)"),
        )),
    }
}

fn parse_duration(key: &str, v: &str) -> Result<Duration, ConfigError> {
    let d = humantime::parse_duration(v.trim()).map_err(|e| {
        bad(
            key,
            format!("`{v}` is not a duration like `30s` or `5m` ({e})"),
        )
    })?;
    if d.is_zero() {
        return Err(bad(key, format!("`{v}` must be longer than zero")));
    }
    Ok(d)
}

fn parse_concurrency(key: &str, v: &str) -> Result<u16, ConfigError> {
    match v.trim().parse::<u16>() {
        Ok(n) if (1..=10_000).contains(&n) => Ok(n),
        _ => Err(bad(key, format!("`{v}` is not a number from 1 to 10000"))),
    }
}

fn parse_delays(key: &str, v: &str) -> Result<Vec<Duration>, ConfigError> {
    let v = v.trim();
    if v.is_empty() || v == "none" {
        return Ok(Vec::new());
    }
    v.split(',').map(|d| parse_duration(key, d)).collect()
}

fn parse_bool(key: &str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::Value {
            key: key.to_owned(),
            message: format!("`{v}` is not a boolean (use true or false)"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn environment_wins_over_the_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.toml");
        std::fs::write(
            &p,
            "from = \"File <a@file.test>\"\ntemplates_dir = \"tpl\"\n[routes]\n\"user.x\" = \"welcome_email\"\n",
        )
        .unwrap();
        let s = Settings::load(Some(&p), env(&[("MAILROOM_FROM", "Env <b@env.test>")])).unwrap();
        assert_eq!(s.from.email.to_string(), "b@env.test");
        assert_eq!(s.templates_dir, d.path().join("tpl"));
        assert_eq!(
            s.routes.get("user.x").map(String::as_str),
            Some("welcome_email")
        );
        assert_eq!(s.routes.len(), 1, "a routes table replaces the defaults");
    }

    #[test]
    fn directory_sources_parse_and_the_client_secret_stays_hidden() {
        let s = Settings::load(None, env(&[])).unwrap();
        assert_eq!(
            s.directory.source,
            DirectorySource::File(PathBuf::from("directory"))
        );
        let s = Settings::load(None, env(&[("MAILROOM_DIRECTORY", "none")])).unwrap();
        assert_eq!(s.directory.source, DirectorySource::None);

        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.toml");
        std::fs::write(
            &p,
            "directory = \"file:profiles\"\ndirectory_cache_ttl = \"1m\"\nauth0_client_id = \"from-file\"\n",
        )
        .unwrap();
        let s = Settings::load(Some(&p), env(&[])).unwrap();
        assert_eq!(
            s.directory.source,
            DirectorySource::File(d.path().join("profiles")),
            "relative to the file"
        );
        assert_eq!(s.directory.cache_ttl, Duration::from_secs(60));

        // The id from the file, the tenant and secret from the environment.
        let s = Settings::load(
            Some(&p),
            env(&[
                ("MAILROOM_DIRECTORY", "auth0:https://acme.eu.auth0.com"),
                ("MAILROOM_AUTH0_CLIENT_SECRET", "very-secret-value"),
            ]),
        )
        .unwrap();
        let DirectorySource::Auth0(a) = &s.directory.source else {
            panic!("expected auth0: {:?}", s.directory.source);
        };
        assert_eq!(a.base.as_str(), "https://acme.eu.auth0.com/");
        assert_eq!(a.audience, "https://acme.eu.auth0.com/api/v2/");
        assert_eq!(a.client_id, "from-file");
        assert_eq!(a.client_secret.expose(), "very-secret-value");
        assert!(!format!("{s:?}").contains("very-secret-value"));
    }

    #[test]
    fn bad_directory_settings_name_their_key() {
        let err =
            |pairs: &[(&str, &str)]| Settings::load(None, env(pairs)).unwrap_err().to_string();
        assert_eq!(
            err(&[("MAILROOM_DIRECTORY", "ldap://x")]),
            "MAILROOM_DIRECTORY: `ldap://x` is not `none`, `file:FOLDER` or `auth0:https://TENANT`"
        );
        assert!(
            err(&[("MAILROOM_DIRECTORY", "auth0:https://acme.auth0.com")])
                .starts_with("MAILROOM_AUTH0_CLIENT_ID: missing")
        );
        assert!(
            err(&[
                ("MAILROOM_DIRECTORY", "auth0:https://acme.auth0.com"),
                ("MAILROOM_AUTH0_CLIENT_ID", "abc"),
            ])
            .starts_with("MAILROOM_AUTH0_CLIENT_SECRET: missing")
        );
        let e = err(&[
            ("MAILROOM_DIRECTORY", "auth0:http://acme.auth0.com"),
            ("MAILROOM_AUTH0_CLIENT_ID", "abc"),
            ("MAILROOM_AUTH0_CLIENT_SECRET", "x"),
        ]);
        assert!(e.contains("use https"), "{e}");
        let e = err(&[
            ("MAILROOM_DIRECTORY", "auth0:https://acme.auth0.com/api/v2"),
            ("MAILROOM_AUTH0_CLIENT_ID", "abc"),
            ("MAILROOM_AUTH0_CLIENT_SECRET", "x"),
        ]);
        assert!(e.contains("give only the tenant"), "{e}");
        // Plain http is fine on loopback (local fakes, tests).
        Settings::load(
            None,
            env(&[
                ("MAILROOM_DIRECTORY", "auth0:http://127.0.0.1:8080"),
                ("MAILROOM_AUTH0_CLIENT_ID", "abc"),
                ("MAILROOM_AUTH0_CLIENT_SECRET", "x"),
            ]),
        )
        .unwrap();
    }

    #[test]
    fn bad_values_name_their_key() {
        let err = Settings::load(None, env(&[("MAILROOM_ALLOW_HTTP_LINKS", "maybe")]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "MAILROOM_ALLOW_HTTP_LINKS: `maybe` is not a boolean (use true or false)"
        );
        let err = Settings::load(None, env(&[("MAILROOM_FROM", "not an address")]))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("MAILROOM_FROM: `not an address` is not a mailbox"),
            "{err}"
        );
    }

    #[test]
    fn worker_settings_parse_and_secrets_stay_hidden() {
        let s = Settings::load(
            None,
            env(&[
                (
                    "MAILROOM_AMQP_URL",
                    "amqp://bob:s3cret@rabbit.test:5672/%2f",
                ),
                ("MAILROOM_RETRY_DELAYS", "1s, 2m,1h"),
                ("MAILROOM_CONCURRENCY", "8"),
                ("MAILROOM_QUEUE_TYPE", "quorum"),
            ]),
        )
        .unwrap();
        let w = &s.worker;
        assert_eq!(
            w.retry_delays,
            vec![
                Duration::from_secs(1),
                Duration::from_secs(120),
                Duration::from_secs(3600)
            ]
        );
        assert_eq!(w.concurrency, 8);
        assert_eq!(w.queue_type, QueueType::Quorum);
        let shown = format!("{s:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("amqp://bob:***@rabbit.test"), "{shown}");
        let err = Settings::load(None, env(&[("MAILROOM_SMTP_URL", "http://x:hunter2@h")]))
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.starts_with("MAILROOM_SMTP_URL: "), "{err}");
        let err = Settings::load(None, env(&[("MAILROOM_RETRY_DELAYS", "10s,soon")]))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("MAILROOM_RETRY_DELAYS: `soon` is not a duration"),
            "{err}"
        );
    }

    #[test]
    fn unknown_file_keys_are_errors() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.toml");
        std::fs::write(&p, "tempaltes_dir = \"x\"\n").unwrap();
        let err = Settings::load(Some(&p), env(&[])).unwrap_err().to_string();
        assert!(err.contains("unknown field `tempaltes_dir`"), "{err}");
    }
}
