//! The SMTP URL: host, port, TLS mode and credentials (`smtp://user:pass@host:port?tls=…`,
//! `smtps://…`). Errors name the key and never echo the password.

use lettre::transport::smtp::authentication::Credentials;

use crate::config::SecretUrl;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tls {
    None,
    /// STARTTLS when offered.
    Opportunistic,
    /// STARTTLS or fail.
    Required,
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// Where and how to connect, parsed from the SMTP URL.
#[derive(Clone)]
pub(super) struct Endpoint {
    pub(super) host: String,
    pub(super) port: u16,
    pub(super) tls: Tls,
    pub(super) credentials: Option<Credentials>,
}

#[derive(Debug, thiserror::Error)]
#[error("{key}: {message}")]
pub struct UrlError {
    key: &'static str,
    message: String,
}

impl Endpoint {
    pub(super) fn parse(url: &SecretUrl) -> Result<Endpoint, UrlError> {
        let err = |message: String| UrlError {
            key: "MAILROOM_SMTP_URL",
            message,
        };
        let u = url::Url::parse(url.expose())
            .map_err(|e| err(format!("`{}` is not a URL ({e})", url.redacted())))?;
        let host = u
            .host_str()
            .ok_or_else(|| err(format!("`{}` has no host", url.redacted())))?
            .trim_matches(['[', ']'])
            .to_owned();
        let mut tls = match u.scheme() {
            "smtp" => Tls::None,
            "smtps" => Tls::Implicit,
            other => return Err(err(format!("unknown scheme `{other}` (use smtp or smtps)"))),
        };
        for (k, v) in u.query_pairs() {
            match (k.as_ref(), v.as_ref(), tls) {
                ("tls", "required", Tls::None) => tls = Tls::Required,
                ("tls", "opportunistic", Tls::None) => tls = Tls::Opportunistic,
                ("tls", "none", Tls::None) => {}
                _ => {
                    return Err(err(format!(
                        "unknown option `{k}={v}` (smtp:// takes tls=required, tls=opportunistic or tls=none)"
                    )));
                }
            }
        }
        let port = u.port().unwrap_or(match tls {
            Tls::Implicit => 465,
            Tls::Required => 587,
            _ => 25,
        });
        let decode = |s: &str| {
            percent_decode(s)
                .map_err(|_| err("user or password is not valid percent-encoded UTF-8".into()))
        };
        let credentials = if u.username().is_empty() {
            None
        } else {
            Some(Credentials::new(
                decode(u.username())?,
                decode(u.password().unwrap_or_default())?,
            ))
        };
        Ok(Endpoint {
            host,
            port,
            tls,
            credentials,
        })
    }
}

fn percent_decode(s: &str) -> Result<String, std::str::Utf8Error> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(url: &str) -> Endpoint {
        Endpoint::parse(&SecretUrl::new(url)).unwrap()
    }

    #[test]
    fn smtp_urls_choose_tls_and_ports() {
        let e = ep("smtp://127.0.0.1:2525");
        assert_eq!((e.port, e.tls), (2525, Tls::None));
        assert_eq!(ep("smtp://mx.test?tls=required").port, 587);
        assert_eq!(ep("smtp://mx.test?tls=required").tls, Tls::Required);
        assert_eq!(ep("smtps://mx.test").port, 465);
        assert!(ep("smtp://user%40x:p%3Ass@mx.test").credentials.is_some());
        let err = Endpoint::parse(&SecretUrl::new("smtp://u:hunter2@mx.test?tls=maybe"))
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("tls=maybe") && !err.contains("hunter2"),
            "{err}"
        );
    }

    #[test]
    fn percent_decoding_handles_escapes_and_plain_text() {
        assert_eq!(percent_decode("a%40b%3Ac").unwrap(), "a@b:c");
        assert_eq!(percent_decode("100%").unwrap(), "100%");
    }
}
