//! THE key table: every configuration key, once. For each: its environment variable, its file
//! key, its help, its default as users see it, whether it is a secret, and how a value is
//! applied. `Settings::load`, `--help` and README's configuration table all read this list;
//! nothing else names a key.

use super::{ConfigError, Draft, Origin, bad, dkim, parse, serve, tables, worker};

/// The variable that names the configuration file (also read by clap for `--config`).
pub const CONFIG_ENV: &str = "MAILROOM_CONFIG";

/// One configuration key.
pub struct Key {
    /// Environment variable, when the key can be set there.
    pub env: Option<&'static str>,
    /// Top-level key in the TOML file, when the key can be set there.
    pub file: Option<&'static str>,
    /// What it sets, for `--help` and README.
    pub help: &'static str,
    pub default: Shown,
    /// Its value must not be shown: keep it in the environment (or a file only the service
    /// can read); errors show it redacted.
    pub secret: bool,
    pub(super) apply: Apply,
}

/// A key's default as users see it.
pub enum Shown {
    /// A value that, given to the key, sets the built-in default (a test applies it).
    Value(&'static str),
    /// A description, where the default is not a value one could write.
    Described(&'static str),
    /// No default.
    Unset,
}

/// Applies one value: `at.name` is the variable or file key that carried it.
pub(super) type ApplyText = fn(&mut Draft, &Origin<'_>, &str) -> Result<(), ConfigError>;
pub(super) type ApplyTable = fn(&mut Draft, &Origin<'_>, toml::Value) -> Result<(), ConfigError>;

pub(super) enum Apply {
    /// A value: the environment's text, or the file's value of this TOML type as text, so
    /// both go through the same parser.
    Value(Toml, ApplyText),
    /// A TOML table (file only).
    Table(ApplyTable),
    /// The path of the file itself, which `Settings::load` reads before anything else.
    ConfigFile,
}

/// The TOML type a key takes in the file.
#[derive(Clone, Copy)]
pub(super) enum Toml {
    String,
    Integer,
    Boolean,
}

impl Toml {
    /// The file's value as the text the environment would carry.
    pub fn text(self, key: &str, v: &toml::Value) -> Result<String, ConfigError> {
        match (self, v) {
            (Toml::String, toml::Value::String(s)) => Ok(s.clone()),
            (Toml::Integer, toml::Value::Integer(n)) => Ok(n.to_string()),
            (Toml::Boolean, toml::Value::Boolean(b)) => Ok(b.to_string()),
            _ => {
                let wanted = match self {
                    Toml::String => "a string",
                    Toml::Integer => "an integer",
                    Toml::Boolean => "true or false",
                };
                let found = crate::text::clip(&v.to_string(), 80);
                Err(bad(key, format!("expected {wanted}, found `{found}`")))
            }
        }
    }
}

/// Every key, in the order `--help` and README list them.
pub const KEYS: &[Key] = &[
    Key {
        env: Some(CONFIG_ENV),
        file: None,
        help: "path of the TOML configuration file, like `--config`",
        default: Shown::Described("`./mailroom.toml` when present"),
        secret: false,
        apply: Apply::ConfigFile,
    },
    Key {
        env: Some("MAILROOM_TEMPLATES"),
        file: Some("templates_dir"),
        help: "templates folder",
        default: Shown::Value("templates"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.templates_dir = at.path(v);
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_LOCALES"),
        file: Some("locales_dir"),
        help: "locales folder",
        default: Shown::Value("locales"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.locales_dir = at.path(v);
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_FROM"),
        file: Some("from"),
        help: "sender mailbox, e.g. `Acme <no-reply@acme.test>`",
        default: Shown::Value("Mailroom <no-reply@mailroom.localhost>"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.from = parse::from(at.name, v)?;
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_DEFAULT_LOCALE"),
        file: Some("default_locale"),
        help: "last step of language negotiation",
        default: Shown::Value("en"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.default_locale = parse::tag(at.name, v)?;
            Ok(())
        }),
    },
    Key {
        env: None,
        file: Some("source_locale"),
        help: "the locale every message falls back to; it must define every message",
        default: Shown::Value("en"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.source_locale = parse::tag(at.name, v)?;
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_ALLOW_HTTP_LINKS"),
        file: Some("allow_http_links"),
        help: "`true` accepts http:// links, for development",
        default: Shown::Value("false"),
        secret: false,
        apply: Apply::Value(Toml::Boolean, |d, at, v| {
            d.settings.allow_http_links = parse::boolean(at.name, v)?;
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_ALLOW_LOCAL_ADDRESSES"),
        file: Some("allow_local_addresses"),
        help: "`true` sends to addresses at address literals, IP addresses, single-label, `_` or all-digit-TLD domains, for test set-ups",
        default: Shown::Value("false"),
        secret: false,
        apply: Apply::Value(Toml::Boolean, |d, at, v| {
            d.settings.allow_local_addresses = parse::boolean(at.name, v)?;
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_AMQP_URL"),
        file: Some("amqp_url"),
        help: "broker, e.g. `amqp://user:pass@host:5672/%2f`; query parameters: `heartbeat`, `frame_max`, `channel_max`, `connection_timeout`, `auth_mechanism`",
        default: Shown::Value("amqp://guest:guest@127.0.0.1:5672/%2f"),
        secret: true,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.worker.amqp_url = worker::amqp_url(at.name, v)?;
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_QUEUE"),
        file: Some("queue"),
        help: "events queue; also names `<queue>.dlq` and `<queue>.retry.<delay>`",
        default: Shown::Value("mailroom.events"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.worker.queue = worker::queue(at.name, v)?;
            d.queue_key = Some(at.name.to_owned());
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_QUEUE_TYPE"),
        file: Some("queue_type"),
        help: "`classic` or `quorum`",
        default: Shown::Value("classic"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.worker.queue_type = parse::queue_type(at.name, v)?;
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_SMTP_URL"),
        file: Some("smtp_url"),
        help: "`smtp://host:port`, `?tls=required` for STARTTLS, `smtps://` for TLS, `user:pass@` for AUTH",
        default: Shown::Value("smtp://127.0.0.1:25"),
        secret: true,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.worker.smtp_url = parse::url(at.name, v, &["smtp", "smtps"])?;
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_SMTP_CA_FILE"),
        file: Some("smtp_ca_file"),
        help: "PEM file of CA certificates trusted for the relay besides the system's (a private relay's CA)",
        default: Shown::Described("the system's roots only"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.worker.smtp_ca = parse::ca_file(at.name, &at.path(v))?;
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_METRICS_ADDR"),
        file: Some("metrics_addr"),
        help: "address where `run` serves /metrics, /healthz and /readyz, e.g. `0.0.0.0:9464`; `none` for off",
        default: Shown::Value("127.0.0.1:9464"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.worker.metrics_addr = match v.trim() {
                "none" => None,
                addr => Some(addr.parse().map_err(|_| {
                    bad(
                        at.name,
                        format!(
                            "`{}` is not an address like `127.0.0.1:9464`, or `none`",
                            crate::text::clip(addr, 80)
                        ),
                    )
                })?),
            };
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_HTTP_ADDR"),
        file: Some("http_addr"),
        help: "address `serve` listens on (its /metrics, /healthz and /readyz too); beyond loopback it needs MAILROOM_INGEST_TOKEN",
        default: Shown::Value("127.0.0.1:8080"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.serve.addr = v.trim().parse().map_err(|_| {
                bad(
                    at.name,
                    format!(
                        "`{}` is not an address like `127.0.0.1:8080`",
                        crate::text::clip(v, 80)
                    ),
                )
            })?;
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_INGEST_TOKEN"),
        file: None,
        help: "bearer token `serve` requires on /v1/events and /v1/auth0/…; never logged",
        default: Shown::Described("unset: `serve` listens on loopback only"),
        secret: true,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.serve.token = Some(serve::token(at.name, v)?);
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_SUPABASE_HOOK_SECRET"),
        file: None,
        help: "Supabase Send Email Hook secret, `v1,whsec_<base64>`; without it /v1/supabase/send-email refuses every request",
        default: Shown::Unset,
        secret: true,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.serve.supabase_secret = Some(serve::hook_secret(at.name, v)?);
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_SUPABASE_URL"),
        file: Some("supabase_url"),
        help: "the Supabase project's URL, e.g. `https://PROJECT.supabase.co`: Supabase links go to `<url>/auth/v1/verify`",
        default: Shown::Unset,
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.serve.supabase_url = Some(serve::project_url(at.name, v)?);
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_HTTP_MAX_IN_FLIGHT"),
        file: Some("http_max_in_flight"),
        help: "requests `serve` handles at once; more are answered 503 (retry)",
        default: Shown::Value("1024"),
        secret: false,
        apply: Apply::Value(Toml::Integer, |d, at, v| {
            d.settings.serve.max_in_flight = serve::max_in_flight(at.name, v)?;
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_DKIM_KEY"),
        file: Some("dkim_key"),
        help: "PEM private key to sign every email with (RSA or Ed25519); two, comma-separated (an RSA and an Ed25519), sign twice (RFC 8463)",
        default: Shown::Described("unset: not signed"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            let keys = dkim::read_keys(at.name, v, |p| at.path(p))?;
            d.dkim.keys = Some((at.name.to_owned(), keys));
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_DKIM_SELECTOR"),
        file: Some("dkim_selector"),
        help: "DKIM selector (the record is `<selector>._domainkey.<domain>`): one for every key, or one per key, comma-separated",
        default: Shown::Unset,
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            let selectors = v
                .split(',')
                .map(|s| dkim::dns_name(at.name, "selector", s))
                .collect::<Result<Vec<_>, _>>()?;
            d.dkim.selectors = Some((at.name.to_owned(), selectors));
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_DKIM_DOMAIN"),
        file: Some("dkim_domain"),
        help: "DKIM signing domain (`d=`); align it with the From domain for DMARC",
        default: Shown::Described("the From address's domain"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            let domain = dkim::dns_name(at.name, "signing domain", v)?;
            d.dkim.domain = Some((at.name.to_owned(), domain));
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_SMTP_TIMEOUT"),
        file: Some("smtp_timeout"),
        help: "bound on one whole SMTP send, e.g. `30s`; keep it below the shutdown wait",
        default: Shown::Value("20s"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.worker.smtp_timeout = parse::duration(at.name, v)?;
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_HELLO_NAME"),
        file: Some("hello_name"),
        help: "EHLO name: a domain, or an address literal like `[192.0.2.1]`",
        default: Shown::Described("the From domain"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.worker.hello_name = Some(worker::hello_name(at.name, v)?);
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_CONCURRENCY"),
        file: Some("concurrency"),
        help: "emails in flight; also the prefetch and the SMTP connection cap",
        default: Shown::Value("32"),
        secret: false,
        apply: Apply::Value(Toml::Integer, |d, at, v| {
            d.settings.worker.concurrency = parse::concurrency(at.name, v)?;
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_RETRY_DELAYS"),
        file: Some("retry_delays"),
        help: "retry tiers, none shorter than the one before, e.g. `10s,1m,10m,1h`; attempts = tiers + 1; `none` for no retries",
        default: Shown::Value("10s,1m,10m,1h"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.worker.retry_delays = worker::delays(at.name, v)?;
            d.delays_key = Some(at.name.to_owned());
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_STATE_DIR"),
        file: Some("state_dir"),
        help: "where the record of sent event ids lives",
        default: Shown::Value("state"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.worker.state_dir = at.path(v);
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_SHUTDOWN_TIMEOUT"),
        file: Some("shutdown_timeout"),
        help: "how long shutdown waits for in-flight emails, e.g. `25s`",
        default: Shown::Value("25s"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.worker.shutdown_timeout = parse::duration(at.name, v)?;
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_DIRECTORY"),
        file: Some("directory"),
        help: "where thin events' profiles come from: `file:FOLDER` (clients.json, users.json), `auth0:https://TENANT` or `none`",
        default: Shown::Value("file:directory"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.directory.spec = Some((at.name.to_owned(), v.to_owned(), at.base.to_path_buf()));
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_AUTH0_CLIENT_ID"),
        file: Some("auth0_client_id"),
        help: "machine-to-machine application for `auth0:`",
        default: Shown::Unset,
        secret: false,
        apply: Apply::Value(Toml::String, |d, _, v| {
            d.directory.client_id = Some(v.to_owned());
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_AUTH0_CLIENT_SECRET"),
        file: None,
        help: "the secret of that application; never logged",
        default: Shown::Unset,
        secret: true,
        apply: Apply::Value(Toml::String, |d, _, v| {
            d.directory.client_secret = Some(v.to_owned());
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_AUTH0_AUDIENCE"),
        file: Some("auth0_audience"),
        help: "token audience",
        default: Shown::Described("`https://TENANT/api/v2/`"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.directory.audience = Some((at.name.to_owned(), v.to_owned()));
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_DIRECTORY_CACHE_SIZE"),
        file: Some("directory_cache_size"),
        help: "profiles kept in memory for `auth0:`",
        default: Shown::Value("10000"),
        secret: false,
        apply: Apply::Value(Toml::Integer, |d, at, v| {
            d.settings.directory.cache_size = parse::cache_size(at.name, v)?;
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_DIRECTORY_CACHE_TTL"),
        file: Some("directory_cache_ttl"),
        help: "how long a loaded profile is reused, e.g. `5m`",
        default: Shown::Value("5m"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.directory.cache_ttl = parse::duration(at.name, v)?;
            Ok(())
        }),
    },
    Key {
        env: Some("MAILROOM_DIRECTORY_TIMEOUT"),
        file: Some("directory_timeout"),
        help: "bound on one Management API request, e.g. `10s`",
        default: Shown::Value("10s"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.directory.timeout = parse::duration(at.name, v)?;
            Ok(())
        }),
    },
    Key {
        env: None,
        file: Some("routes"),
        help: "table: event type → template; it replaces the default routes",
        default: Shown::Described(
            "`user.verification_requested` → `verify_email`, `user.verification_code_requested` → `verify_email_by_code`, `user.signed_up` → `welcome_email`, `user.password_reset_requested` → `reset_email`, `user.password_reset_code_requested` → `reset_email_by_code`, `user.login_code_requested` → `passwordless_email`, `user.mfa_code_requested` → `mfa_oob_code`, `user.mfa_enrollment_requested` → `enrollment_email`, `user.blocked` → `blocked_account`, `user.credentials_breached` → `stolen_credentials`, `user.invited` → `user_invitation`, `user.email_change_requested` → `change_email`, `provider.test_requested` → `provider_test`",
        ),
        secret: false,
        apply: Apply::Table(tables::routes),
    },
    Key {
        env: None,
        file: Some("brand"),
        help: "table: branding when the event's client sets none: `name`, `color` (`#rgb` or `#rrggbb`), `logo_url`, `home_page_url` (https), `support_email`",
        default: Shown::Described("`color = \"#2563eb\"`"),
        secret: false,
        apply: Apply::Table(tables::brand),
    },
    Key {
        env: Some("MAILROOM_LOG_FORMAT"),
        file: None,
        help: "`text` or `json` (JSON lines) for the logs on stderr",
        default: Shown::Value("text"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.log.format = parse::log_format(at.name, v)?;
            Ok(())
        }),
    },
    Key {
        env: Some("RUST_LOG"),
        file: None,
        help: "log filter, e.g. `mailroom=debug`",
        default: Shown::Value("info"),
        secret: false,
        apply: Apply::Value(Toml::String, |d, at, v| {
            d.settings.log.filter = parse::log_filter(at.name, v)?;
            Ok(())
        }),
    },
];
