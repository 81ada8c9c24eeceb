//! Parsers of single values, shared by the keys: each takes the name that carried the value
//! (an environment variable or a file key) so its error names it.

use std::time::Duration;

use lettre::message::Mailbox;
use unic_langid::LanguageIdentifier;

use super::{ConfigError, LogFormat, QueueType, SecretUrl, bad};

pub(super) fn from(key: &str, v: &str) -> Result<Mailbox, ConfigError> {
    v.parse::<Mailbox>().map_err(|e| {
        bad(
            key,
            format!("`{v}` is not a mailbox like `Acme <no-reply@acme.test>` ({e})"),
        )
    })
}

pub(super) fn tag(key: &str, v: &str) -> Result<LanguageIdentifier, ConfigError> {
    crate::locale::normalize(v).ok_or_else(|| bad(key, format!("`{v}` is not a language tag")))
}

pub(super) fn cache_size(key: &str, v: &str) -> Result<u64, ConfigError> {
    match v.trim().parse::<u64>() {
        Ok(n) if n <= 10_000_000 => Ok(n),
        _ => Err(bad(
            key,
            format!("`{v}` is not a number from 0 to 10000000"),
        )),
    }
}

/// A URL of one of `schemes` with a host. Errors show the redacted form: the value may carry
/// a password.
pub(super) fn url(key: &str, v: &str, schemes: &[&str]) -> Result<SecretUrl, ConfigError> {
    let secret = SecretUrl::new(v.trim());
    // The value itself is never quoted until it parsed with a host: before that, nothing says
    // where its password is (`user:S3cret@host:25` has no scheme, so `user` would be one).
    let like = format!("`{}://host:port`", schemes[0]);
    let u = url::Url::parse(v.trim()).map_err(|e| {
        bad(
            key,
            format!("not a URL like {like} ({e}); the value is not shown"),
        )
    })?;
    if !u.has_host() || u.cannot_be_a_base() {
        return Err(bad(
            key,
            format!("not a URL like {like} (no `//host` after a scheme); the value is not shown"),
        ));
    }
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

pub(super) fn queue_type(key: &str, v: &str) -> Result<QueueType, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "classic" => Ok(QueueType::Classic),
        "quorum" => Ok(QueueType::Quorum),
        _ => Err(bad(
            key,
            format!("`{v}` is not a queue type (use classic or quorum)"),
        )),
    }
}

pub(super) fn duration(key: &str, v: &str) -> Result<Duration, ConfigError> {
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

pub(super) fn concurrency(key: &str, v: &str) -> Result<u16, ConfigError> {
    match v.trim().parse::<u16>() {
        Ok(n) if (1..=10_000).contains(&n) => Ok(n),
        _ => Err(bad(key, format!("`{v}` is not a number from 1 to 10000"))),
    }
}

pub(super) fn boolean(key: &str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(bad(
            key,
            format!("`{v}` is not a boolean (use true or false)"),
        )),
    }
}

pub(super) fn log_format(key: &str, v: &str) -> Result<LogFormat, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        _ => Err(bad(
            key,
            format!(
                "`{}` is not a log format (use text or json)",
                crate::text::clip(v, 80)
            ),
        )),
    }
}

/// A `RUST_LOG` filter, kept as written once `tracing_subscriber` accepts it: `main` builds
/// the filter from it, and a typo must stop start-up rather than silently log at `info`.
pub(super) fn log_filter(key: &str, v: &str) -> Result<String, ConfigError> {
    match tracing_subscriber::EnvFilter::try_new(v) {
        Ok(_) => Ok(v.to_owned()),
        Err(e) => Err(bad(
            key,
            format!(
                "`{}` is not a log filter like `info` or `mailroom=debug` ({e})",
                crate::text::clip(v, 80)
            ),
        )),
    }
}

/// The CA certificates of a PEM file; refused when it cannot be read, is not PEM, or holds no
/// certificate (a key alone, say), naming the file.
pub(super) fn ca_file(
    key: &str,
    path: &std::path::Path,
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, ConfigError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let shown = path.display();
    let pem = std::fs::read(path).map_err(|e| bad(key, format!("`{shown}`: {e}")))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(key, format!("`{shown}` is not a valid PEM file: {e}")))?;
    if certs.is_empty() {
        return Err(bad(
            key,
            format!("`{shown}` holds no certificate (expected `-----BEGIN CERTIFICATE-----`)"),
        ));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_format_is_text_or_json() {
        assert_eq!(log_format("K", "JSON").unwrap(), LogFormat::Json);
        assert_eq!(log_format("K", "text").unwrap(), LogFormat::Text);
        assert_eq!(
            log_format("MAILROOM_LOG_FORMAT", "xml")
                .unwrap_err()
                .to_string(),
            "MAILROOM_LOG_FORMAT: `xml` is not a log format (use text or json)"
        );
    }

    #[test]
    fn a_log_filter_that_tracing_refuses_is_an_error() {
        assert_eq!(
            log_filter("RUST_LOG", "mailroom=debug,info").unwrap(),
            "mailroom=debug,info"
        );
        let e = log_filter("RUST_LOG", "mailroom=loud")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("RUST_LOG: `mailroom=loud` is not a log filter like `info`"),
            "{e}"
        );
    }

    #[test]
    fn a_relay_ca_file_is_read_and_refused_naming_the_file() {
        let key_name = "MAILROOM_SMTP_CA_FILE";
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["relay.test".to_owned()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let good = write("ca.pem", &cert.pem());
        assert_eq!(ca_file(key_name, &good).unwrap(), vec![cert.der().clone()]);

        let err = |path: &std::path::Path| ca_file(key_name, path).unwrap_err().to_string();
        let e = err(&dir.path().join("nope.pem"));
        assert!(
            e.starts_with("MAILROOM_SMTP_CA_FILE: `") && e.contains("nope.pem"),
            "{e}"
        );
        let e = err(&write("key.pem", &key.serialize_pem()));
        assert!(e.contains("key.pem` holds no certificate"), "{e}");
        assert!(!e.contains(&key.serialize_pem()[40..80]), "{e}");
        let broken = write(
            "broken.pem",
            "-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n",
        );
        let e = err(&broken);
        assert!(e.contains("broken.pem` is not a valid PEM file"), "{e}");
    }
}
