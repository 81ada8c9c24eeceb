//! The directory keys (`MAILROOM_DIRECTORY`, the Auth0 credentials and audience) combined into
//! one [`DirectorySource`] once file and environment are both read: the credentials may come
//! from one and the URL from the other.

use std::path::PathBuf;

use super::{Auth0Settings, ConfigError, DirectorySource, Secret, bad};

/// The directory keys as given.
#[derive(Debug, Default)]
pub(super) struct DirectoryParts {
    /// (key that set it, value, folder relative paths are resolved against)
    pub spec: Option<(String, String, PathBuf)>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// (key that set it, value)
    pub audience: Option<(String, String)>,
}

impl DirectoryParts {
    /// The source the keys describe; `default` when no key named one.
    pub fn finish(self, default: DirectorySource) -> Result<DirectorySource, ConfigError> {
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
                    if spec.contains('@') {
                        "…".to_owned()
                    } else {
                        crate::text::clip(spec, 80)
                    }
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
fn parse_auth0_base(key: &str, raw: &str) -> Result<url::Url, ConfigError> {
    // Quoted in errors only without `@`: a tenant URL has no credentials, but a mistaken one
    // might (`https://id:secret@tenant`).
    let v = if raw.contains('@') {
        "…".to_owned()
    } else {
        crate::text::clip(raw.trim(), 80)
    };
    let u = url::Url::parse(raw.trim())
        .map_err(|e| bad(key, format!("`auth0:{v}`: not a URL ({e})")))?;
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
        _ => {
            return Err(bad(key, format!("`auth0:{v}`: not an https URL")));
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
