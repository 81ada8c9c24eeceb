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

use lettre::message::Mailbox;
use serde::Deserialize;
use unic_langid::LanguageIdentifier;

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

/// Branding used when an event's client sets none (or sets an unusable value).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BrandDefaults {
    /// Product name shown in the layout and in `{ $client }` when the event has no client name.
    pub name: Option<String>,
    /// `#rgb` or `#rrggbb`.
    #[serde(default = "default_color")]
    pub color: String,
    pub logo_url: Option<String>,
    pub home_page_url: Option<String>,
    pub support_email: Option<String>,
}

fn default_color() -> String {
    "#2563eb".to_owned()
}

impl Default for BrandDefaults {
    fn default() -> Self {
        BrandDefaults {
            name: None,
            color: default_color(),
            logo_url: None,
            home_page_url: None,
            support_email: None,
        }
    }
}

/// The file as written; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    templates_dir: Option<PathBuf>,
    locales_dir: Option<PathBuf>,
    from: Option<String>,
    default_locale: Option<String>,
    source_locale: Option<String>,
    allow_http_links: Option<bool>,
    routes: Option<BTreeMap<String, String>>,
    brand: Option<BrandDefaults>,
}

/// Effective settings.
#[derive(Debug, Clone)]
pub struct Settings {
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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
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
        if let Some((path, f)) = file {
            s.apply_file(&path, f)?;
        }
        s.apply_env(&env)?;
        Ok(s)
    }

    fn apply_file(&mut self, path: &Path, f: FileSettings) -> Result<(), ConfigError> {
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
        Ok(())
    }

    fn apply_env(&mut self, env: &BTreeMap<String, String>) -> Result<(), ConfigError> {
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
    fn unknown_file_keys_are_errors() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.toml");
        std::fs::write(&p, "tempaltes_dir = \"x\"\n").unwrap();
        let err = Settings::load(Some(&p), env(&[])).unwrap_err().to_string();
        assert!(err.contains("unknown field `tempaltes_dir`"), "{err}");
    }
}
