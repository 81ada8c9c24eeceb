//! Values that must never be shown: [`Secret`] (a client secret), [`SecretUrl`] (a URL that
//! may carry a password) and [`HookSecret`] (a webhook signing key). Both print as a redacted form in `Debug`, so settings can be logged.

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
            // Only a URL with a host has its password where `set_password` finds it:
            // `user:S3cret@host:25` parses as the scheme `user` and the path `S3cret@host:25`.
            Ok(mut u) if u.has_host() && !u.cannot_be_a_base() => {
                if u.password().is_some() {
                    let _ = u.set_password(Some("***"));
                }
                u.to_string()
            }
            _ => "(not a URL with a host; not shown, since it may hold a password)".to_owned(),
        }
    }
}

impl std::fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// A Standard Webhooks signing key, decoded (Supabase shows it as `v1,whsec_<base64>`).
#[derive(Clone, PartialEq, Eq)]
pub struct HookSecret(Vec<u8>);

impl HookSecret {
    /// Reads `v1,whsec_<base64>` (or `whsec_<base64>`, or the bare base64). The error does
    /// not show the value.
    pub fn parse(secret: &str) -> Result<HookSecret, String> {
        use base64::Engine as _;
        let s = secret.trim();
        let s = s.strip_prefix("v1,").unwrap_or(s);
        let s = s.strip_prefix("whsec_").unwrap_or(s);
        let key = base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(|_| "is not `v1,whsec_<base64>` (the base64 part does not decode)")?;
        if key.len() < 16 {
            return Err(format!(
                "holds a {}-byte key; a signing key has at least 16 bytes",
                key.len()
            ));
        }
        Ok(HookSecret(key))
    }

    /// The key's bytes; only for the HMAC.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for HookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}
