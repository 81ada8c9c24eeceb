//! The DKIM keys (`MAILROOM_DKIM_KEY`, `_SELECTOR`, `_DOMAIN`) combined into one
//! [`Dkim`] once file and environment are both read: the selector may come from one and the
//! key from the other, and the domain defaults to the sender's.

use std::path::Path;
use std::sync::Arc;

use super::{ConfigError, bad};
use crate::dkim::{Dkim, Key};

/// The DKIM keys as given: (key that set it, value).
#[derive(Debug, Default)]
pub(super) struct DkimParts {
    pub keys: Option<(String, Vec<Key>)>,
    pub selectors: Option<(String, Vec<String>)>,
    pub domain: Option<(String, String)>,
}

/// `MAILROOM_DKIM_KEY`: comma-separated PEM files, each read and parsed now, so a bad one
/// stops start-up naming the file (never quoting it).
pub(super) fn read_keys(
    key: &str,
    value: &str,
    resolve: impl Fn(&str) -> std::path::PathBuf,
) -> Result<Vec<Key>, ConfigError> {
    let paths: Vec<&str> = value.split(',').map(str::trim).collect();
    if paths.iter().any(|p| p.is_empty()) {
        return Err(bad(
            key,
            "expected one PEM file, or two separated by a comma (an RSA and an Ed25519 key)"
                .to_owned(),
        ));
    }
    if paths.len() > 2 {
        return Err(bad(
            key,
            format!(
                "{} files given; mailroom signs with at most two keys (an RSA and an Ed25519 one, RFC 8463)",
                paths.len()
            ),
        ));
    }
    paths
        .into_iter()
        .map(|p| {
            let path = resolve(p);
            let pem = read_key_file(&path).map_err(|m| bad(key, m))?;
            Key::from_pem(&path, &pem).map_err(|m| bad(key, m))
        })
        .collect()
}

fn read_key_file(path: &Path) -> Result<Vec<u8>, String> {
    let shown = path.display();
    // A key file is a few kilobytes; anything much larger is not one (and is not read whole).
    const MAX: u64 = 64 * 1024;
    let meta = std::fs::metadata(path).map_err(|e| format!("`{shown}`: {e}"))?;
    if meta.is_dir() {
        return Err(format!("`{shown}` is a folder, not a PEM key file"));
    }
    if meta.len() > MAX {
        return Err(format!(
            "`{shown}` is {} bytes, too large for a PEM key file",
            meta.len()
        ));
    }
    std::fs::read(path).map_err(|e| format!("`{shown}`: {e}"))
}

/// Selectors and the domain: DNS names (labels of letters, digits and `-`, separated by dots).
pub(super) fn dns_name(key: &str, what: &str, v: &str) -> Result<String, ConfigError> {
    let v = v.trim().trim_end_matches('.');
    check_dns_name(v).map_err(|why| {
        bad(
            key,
            format!(
                "`{}` is not a valid {what}: {why}",
                crate::text::clip(v, 80)
            ),
        )
    })?;
    Ok(v.to_owned())
}

/// Why `v` is not a DNS name of LDH labels (RFC 1035, RFC 5890's A-labels for international
/// names), if it is not.
fn check_dns_name(v: &str) -> Result<(), String> {
    if v.is_empty() {
        return Err("it is empty".to_owned());
    }
    if v.len() > 253 {
        return Err("longer than 253 characters".to_owned());
    }
    for label in v.split('.') {
        if label.is_empty() {
            return Err("it has an empty label (`..`)".to_owned());
        }
        if label.len() > 63 {
            return Err(format!("the label `{label}` is longer than 63 characters"));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !c.is_ascii_alphanumeric() && *c != '-')
        {
            let hint = if c.is_ascii() {
                String::new()
            } else {
                " (write an international name in its `xn--` form)".to_owned()
            };
            return Err(format!(
                "`{}` is not a letter, digit or `-`{hint}",
                c.escape_default()
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("the label `{label}` starts or ends with `-`"));
        }
    }
    Ok(())
}

impl DkimParts {
    /// The signers the keys describe, or none when no key file is given. `from_domain` is the
    /// sender's domain, the default signing domain.
    pub fn finish(self, from_domain: &str) -> Result<Option<Arc<Dkim>>, ConfigError> {
        let Some((key_name, keys)) = self.keys else {
            let set = self
                .selectors
                .map(|(k, _)| k)
                .or(self.domain.map(|(k, _)| k));
            if let Some(name) = set {
                return Err(bad(
                    &name,
                    "is set, but MAILROOM_DKIM_KEY is not: nothing would be signed".to_owned(),
                ));
            }
            return Ok(None);
        };
        let Some((selector_key, selectors)) = self.selectors else {
            return Err(bad(
                "MAILROOM_DKIM_SELECTOR",
                format!(
                    "missing: `{key_name}` gives a key, and its DNS record is found by the selector (`<selector>._domainkey.<domain>`)"
                ),
            ));
        };
        if selectors.len() != 1 && selectors.len() != keys.len() {
            return Err(bad(
                &selector_key,
                format!(
                    "{} selectors for {} keys: give one for every key, or one per key in the order of `{key_name}`",
                    selectors.len(),
                    keys.len()
                ),
            ));
        }
        if keys.len() == 2 && keys[0].algorithm() == keys[1].algorithm() {
            return Err(bad(
                &key_name,
                format!(
                    "both keys are {}: dual signing (RFC 8463) pairs an RSA key with an Ed25519 one",
                    keys[0].algorithm()
                ),
            ));
        }
        let domain = match self.domain {
            Some((_, d)) => d,
            None => {
                dns_name("MAILROOM_DKIM_DOMAIN", "signing domain", from_domain).map_err(|e| {
                    bad(
                        "MAILROOM_DKIM_DOMAIN",
                        format!("not set, and the sender's domain cannot be used ({e}); set it"),
                    )
                })?
            }
        };
        Ok(Some(Arc::new(Dkim::new(keys, &selectors, &domain))))
    }
}

#[cfg(test)]
mod tests {
    use super::super::Settings;
    use super::*;

    fn fixture(name: &str) -> String {
        format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    fn load(pairs: &[(&str, &str)]) -> Result<Settings, String> {
        let env = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<Vec<_>>();
        Settings::load(None, env).map_err(|e| e.to_string())
    }

    #[test]
    fn keys_selectors_and_the_domain_combine() {
        let rsa = fixture("dkim-rsa.pem");
        let ed = fixture("dkim-ed25519.pem");
        let both = format!("{rsa}, {ed}");
        // The domain defaults to the sender's.
        let s = load(&[
            ("MAILROOM_FROM", "Acme <no-reply@mail.acme.test>"),
            ("MAILROOM_DKIM_KEY", &rsa),
            ("MAILROOM_DKIM_SELECTOR", "s2026"),
        ])
        .unwrap();
        let records = s.dkim.unwrap().records();
        assert_eq!(records[0].name, "s2026._domainkey.mail.acme.test");
        // One selector per key, and an explicit domain (a trailing dot is dropped).
        let s = load(&[
            ("MAILROOM_DKIM_KEY", &both),
            ("MAILROOM_DKIM_SELECTOR", "rsa1,ed1"),
            ("MAILROOM_DKIM_DOMAIN", "acme.test."),
        ])
        .unwrap();
        let names: Vec<String> = s
            .dkim
            .unwrap()
            .records()
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(
            names,
            ["rsa1._domainkey.acme.test", "ed1._domainkey.acme.test"]
        );
        // No key: nothing signs.
        assert!(load(&[]).unwrap().dkim.is_none());
    }

    #[test]
    fn half_configured_or_impossible_signing_is_refused() {
        let rsa = fixture("dkim-rsa.pem");
        let ed = fixture("dkim-ed25519.pem");
        let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
            (
                vec![("MAILROOM_DKIM_KEY", rsa.clone())],
                "MAILROOM_DKIM_SELECTOR: missing",
            ),
            (
                vec![("MAILROOM_DKIM_SELECTOR", "s1".into())],
                "MAILROOM_DKIM_SELECTOR: is set, but MAILROOM_DKIM_KEY is not",
            ),
            (
                vec![("MAILROOM_DKIM_DOMAIN", "acme.test".into())],
                "MAILROOM_DKIM_DOMAIN: is set, but MAILROOM_DKIM_KEY is not",
            ),
            (
                vec![
                    ("MAILROOM_DKIM_KEY", format!("{rsa},{ed}")),
                    ("MAILROOM_DKIM_SELECTOR", "a,b,c".into()),
                ],
                "3 selectors for 2 keys",
            ),
            (
                vec![
                    ("MAILROOM_DKIM_KEY", format!("{rsa},{rsa}")),
                    ("MAILROOM_DKIM_SELECTOR", "a".into()),
                ],
                "both keys are RSA-SHA256",
            ),
            (
                vec![
                    ("MAILROOM_DKIM_KEY", format!("{rsa},{ed},{rsa}")),
                    ("MAILROOM_DKIM_SELECTOR", "a".into()),
                ],
                "at most two keys",
            ),
            (
                vec![("MAILROOM_DKIM_KEY", format!("{rsa},"))],
                "expected one PEM file, or two",
            ),
            (
                vec![
                    ("MAILROOM_DKIM_KEY", rsa.clone()),
                    ("MAILROOM_DKIM_SELECTOR", "s1".into()),
                    ("MAILROOM_DKIM_DOMAIN", "acme.test; x=y".into()),
                ],
                "MAILROOM_DKIM_DOMAIN: `acme.test; x=y` is not a valid signing domain",
            ),
            (
                vec![
                    ("MAILROOM_DKIM_KEY", rsa.clone()),
                    ("MAILROOM_DKIM_SELECTOR", "s1\r\nBcc: x".into()),
                ],
                "MAILROOM_DKIM_SELECTOR: `s1",
            ),
            (
                vec![
                    ("MAILROOM_FROM", "a@bücher.example".into()),
                    ("MAILROOM_DKIM_KEY", rsa.clone()),
                    ("MAILROOM_DKIM_SELECTOR", "s1".into()),
                ],
                "MAILROOM_DKIM_DOMAIN: not set, and the sender's domain cannot be used",
            ),
        ];
        for (pairs, wanted) in cases {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let e = load(&pairs).unwrap_err();
            assert!(e.contains(wanted), "{pairs:?}: {e}");
        }
    }

    #[test]
    fn key_paths_in_the_file_are_relative_to_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(fixture("dkim-ed25519.pem"), dir.path().join("ed.pem")).unwrap();
        let file = dir.path().join("mailroom.toml");
        std::fs::write(&file, "dkim_key = \"ed.pem\"\ndkim_selector = \"ed\"\n").unwrap();
        let s = Settings::load(Some(&file), Vec::new()).unwrap();
        let records = s.dkim.unwrap().records();
        assert_eq!(records[0].path, dir.path().join("ed.pem"));
    }

    #[test]
    fn dns_names_are_ldh_labels() {
        for good in [
            "mail",
            "s2026-01",
            "2024.jan",
            "example.com",
            "xn--bcher-kva.example",
        ] {
            assert!(check_dns_name(good).is_ok(), "{good}");
        }
        for (bad, why) in [
            ("", "empty"),
            ("a..b", "empty label"),
            ("-mail", "starts or ends with `-`"),
            ("mail_1", "`_` is not a letter"),
            ("mail;x=y", "`;` is not a letter"),
            ("bücher.de", "`xn--` form"),
            ("a b", "` ` is not"),
        ] {
            let e = check_dns_name(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
        assert!(check_dns_name(&"a".repeat(64)).unwrap_err().contains("63"));
        assert!(
            check_dns_name(&vec!["abc"; 70].join("."))
                .unwrap_err()
                .contains("253")
        );
    }
}
