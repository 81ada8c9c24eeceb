//! Settings: built-in defaults, then the TOML file, then the environment.
//!
//! Owns every configuration key. [`KEYS`] lists each key once (its variable, its file key, its
//! help, its default as users see it, whether it is a secret, how it is applied); reading the
//! file, reading the environment, `--help` and README's table all follow from that list. The
//! environment wins over the file so one image can serve several deployments. A bad value
//! fails at start with the name of the key or variable that carried it, and unknown keys in
//! the file are errors too: a typo must not silently fall back to a default. What the settings
//! mean is up to their users (`amqp`, `mailer`, `brand`, …); this module only checks that each
//! one can be used as given.
//!
//! Routes are keyed by event type, which contains dots (`user.signed_up`), so the file is read
//! with `toml` + serde rather than a layered config crate that treats dots as nesting.

mod directory;
mod dkim;
mod keys;
mod listing;
mod parse;
mod secret;
mod serve;
mod tables;
#[cfg(test)]
mod tests;
mod worker;

pub use worker::retry_queue_name;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::Mailbox;
use unic_langid::LanguageIdentifier;

pub use crate::brand::BrandDefaults;
pub use keys::{CONFIG_ENV, KEYS, Key, Shown};
pub use listing::{help_text, readme_table};
pub use secret::{HookSecret, Secret, SecretUrl};
pub use serve::ServeSettings;

use keys::Apply;

/// Default routes from event type to template (PRODUCT.md).
pub const DEFAULT_ROUTES: &[(&str, &str)] = &[
    ("user.verification_requested", "verify_email"),
    ("user.verification_code_requested", "verify_email_by_code"),
    ("user.signed_up", "welcome_email"),
    ("user.password_reset_requested", "reset_email"),
    ("user.password_reset_code_requested", "reset_email_by_code"),
    ("user.login_code_requested", "passwordless_email"),
    ("user.mfa_code_requested", "mfa_oob_code"),
    ("user.mfa_enrollment_requested", "enrollment_email"),
    ("user.blocked", "blocked_account"),
    ("user.credentials_breached", "stolen_credentials"),
    ("user.invited", "user_invitation"),
    ("user.email_change_requested", "change_email"),
    ("provider.test_requested", "provider_test"),
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
    /// Trusted besides the system's roots for the relay's certificate (`MAILROOM_SMTP_CA_FILE`).
    pub smtp_ca: Vec<rustls::pki_types::CertificateDer<'static>>,
    /// Where `run` serves `/metrics`, `/healthz` and `/readyz`; `None` for nowhere.
    pub metrics_addr: Option<std::net::SocketAddr>,
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
            smtp_ca: Vec::new(),
            metrics_addr: Some(std::net::SocketAddr::from(([127, 0, 0, 1], 9464))),
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

/// How the binary writes its logs (always to stderr: stdout carries `preview` output).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A `tracing_subscriber::EnvFilter` directive list (`RUST_LOG`), checked at load.
    pub filter: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings {
            format: LogFormat::Text,
            filter: "info".to_owned(),
        }
    }
}

/// Effective settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub worker: WorkerSettings,
    /// What `mailroom serve` listens on and whom it lets in.
    pub serve: ServeSettings,
    pub templates_dir: PathBuf,
    pub locales_dir: PathBuf,
    /// Sender; its display name is replaced by the client's sender name when one is set.
    pub from: Mailbox,
    pub default_locale: LanguageIdentifier,
    /// The locale every message falls back to; it must define every message.
    pub source_locale: LanguageIdentifier,
    pub allow_http_links: bool,
    /// Send to addresses no real mailbox has (literals, IPs, single labels): test set-ups.
    pub allow_local_addresses: bool,
    /// Event type → template name.
    pub routes: BTreeMap<String, String>,
    pub brand: BrandDefaults,
    pub directory: DirectorySettings,
    pub log: LogSettings,
    /// The DKIM signers, when `MAILROOM_DKIM_KEY` names keys.
    pub dkim: Option<std::sync::Arc<crate::dkim::Dkim>>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            worker: WorkerSettings::default(),
            serve: ServeSettings::default(),
            templates_dir: PathBuf::from("templates"),
            locales_dir: PathBuf::from("locales"),
            from: "Mailroom <no-reply@mailroom.localhost>"
                .parse()
                .expect("the built-in sender is a valid mailbox"),
            default_locale: "en".parse().expect("`en` is a valid tag"),
            source_locale: "en".parse().expect("`en` is a valid tag"),
            allow_http_links: false,
            allow_local_addresses: false,
            routes: DEFAULT_ROUTES
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            brand: BrandDefaults::default(),
            directory: DirectorySettings::default(),
            log: LogSettings::default(),
            dkim: None,
        }
    }
}

impl Settings {
    /// Loads settings. `path` is the file named on the command line or in `MAILROOM_CONFIG`;
    /// without one, `./mailroom.toml` is read when it exists. `env` is the environment to read
    /// (`std::env::vars()` in production; a fixed list in tests); variables that are not in
    /// [`KEYS`] are ignored.
    pub fn load(
        path: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, ConfigError> {
        let env: BTreeMap<String, String> = env
            .into_iter()
            .filter(|(k, _)| KEYS.iter().any(|key| key.env == Some(k.as_str())))
            .collect();
        let explicit = path
            .map(Path::to_path_buf)
            .or_else(|| env.get(CONFIG_ENV).map(PathBuf::from));
        let file = match explicit {
            Some(p) => Some(FileValues::read(&p)?),
            None => {
                let p = PathBuf::from("mailroom.toml");
                if p.exists() {
                    Some(FileValues::read(&p)?)
                } else {
                    None
                }
            }
        };
        let mut draft = Draft::default();
        if let Some(file) = file {
            draft.apply_file(file)?;
        }
        draft.apply_env(&env)?;
        draft.finish()
    }
}

/// Where a value came from.
struct Origin<'a> {
    /// The environment variable or file key that carried it: errors name it.
    name: &'a str,
    /// What relative folders are relative to: the file's folder (so `--config` works from
    /// anywhere), or nothing for the environment (the working directory).
    base: &'a Path,
}

impl Origin<'_> {
    fn path(&self, v: &str) -> PathBuf {
        self.base.join(v)
    }
}

/// Settings while the keys are applied, with what only the end can check.
#[derive(Default)]
struct Draft {
    settings: Settings,
    /// The directory keys combine (the credentials may come from the file, the URL from the
    /// environment), so they are kept apart until every key is read.
    directory: directory::DirectoryParts,
    /// The DKIM keys combine too (the domain defaults to the sender's, known at the end).
    dkim: dkim::DkimParts,
    /// The keys that set the queue and the retry delays: the retry queues' names depend on
    /// both, and an error about them names the one that was set.
    queue_key: Option<String>,
    delays_key: Option<String>,
}

impl Draft {
    fn apply_file(&mut self, file: FileValues) -> Result<(), ConfigError> {
        let base = file.path.parent().unwrap_or(Path::new(""));
        for (name, line, value) in file.entries {
            let Some(key) = KEYS.iter().find(|k| k.file == Some(name.as_str())) else {
                let known: Vec<&str> = KEYS.iter().filter_map(|k| k.file).collect();
                return Err(ConfigError::File {
                    path: file.path,
                    message: format!(
                        "line {line}: unknown field `{name}` (known: {})",
                        known.join(", ")
                    ),
                });
            };
            let at = Origin { name: &name, base };
            match key.apply {
                Apply::Value(toml, apply) => apply(self, &at, &toml.text(&name, &value)?)?,
                Apply::Table(apply) => apply(self, &at, value)?,
                // Its row has no file key: the file cannot name itself.
                Apply::ConfigFile => {}
            }
        }
        Ok(())
    }

    fn apply_env(&mut self, env: &BTreeMap<String, String>) -> Result<(), ConfigError> {
        for key in KEYS {
            if let (Some(name), Apply::Value(_, apply)) = (key.env, &key.apply)
                && let Some(v) = env.get(name)
            {
                let at = Origin {
                    name,
                    base: Path::new(""),
                };
                apply(self, &at, v)?;
            }
        }
        Ok(())
    }

    /// The checks that need several keys, once every key is read.
    fn finish(self) -> Result<Settings, ConfigError> {
        let mut s = self.settings;
        s.directory.source = self.directory.finish(s.directory.source.clone())?;
        s.dkim = self.dkim.finish(s.from.email.domain())?;
        let queue_key = self.queue_key.or(self.delays_key);
        worker::check_queue_names(
            queue_key.as_deref().unwrap_or("MAILROOM_QUEUE"),
            &s.worker.queue,
            &s.worker.retry_delays,
        )?;
        // After the environment: MAILROOM_ALLOW_HTTP_LINKS decides which brand links are good.
        tables::check_brand(&mut s.brand, s.allow_http_links)?;
        Ok(s)
    }
}

/// The top-level entries of the file, in the order they are written.
struct FileValues {
    path: PathBuf,
    /// (key, line, value)
    entries: Vec<(String, usize, toml::Value)>,
}

impl FileValues {
    fn read(path: &Path) -> Result<FileValues, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        type Spanned<T> = toml::Spanned<T>;
        let table: BTreeMap<Spanned<String>, Spanned<toml::Value>> = toml::from_str(&text)
            .map_err(|e| ConfigError::File {
                path: path.to_path_buf(),
                message: syntax_error(&text, &e),
            })?;
        let mut entries: Vec<_> = table
            .into_iter()
            .map(|(k, v)| {
                let at = k.span().start;
                let line = text.as_bytes()[..at]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1;
                (at, (k.into_inner(), line, v.into_inner()))
            })
            .collect();
        entries.sort_by_key(|(at, _)| *at);
        Ok(FileValues {
            path: path.to_path_buf(),
            entries: entries.into_iter().map(|(_, e)| e).collect(),
        })
    }
}

/// Where and what the TOML error is, without the line itself: the line may be a secret's
/// (`smtp_url = "smtp://u:S3cret@…` with its quote missing), and toml's own message quotes it.
fn syntax_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim_end();
    match e.span() {
        Some(span) => {
            let before = &text.as_bytes()[..span.start.min(text.len())];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message.to_owned(),
    }
}

fn bad(key: &str, message: String) -> ConfigError {
    ConfigError::Value {
        key: key.to_owned(),
        message,
    }
}
