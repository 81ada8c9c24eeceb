//! Language negotiation: which shipped locale an email is written in, and why.
//!
//! The chain is `user.user_metadata.lang` → `user.locale` → `notification.locale` →
//! `client.client_metadata.default_lang`
//! → the configured default. Each candidate is normalized (`pt_BR`, `PT-br` → `pt-BR`) and
//! negotiated against the shipped locales (`fr-CA` → `fr`, `pt` → `pt-BR`); a value that is not
//! a string, not a well-formed tag, absurdly long, or not shipped falls through to the next step.
//!
//! **A tag never becomes a path**: it is only compared with the locales loaded at start-up, and
//! the result is an index into that list. This module owns no files and no Fluent bundles.

use std::fmt;
use std::str::FromStr;

use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use serde_json::Value;
use unic_langid::LanguageIdentifier;

/// BCP 47 tags in practice stay far below this; anything longer is refused unparsed.
pub const MAX_TAG_LEN: usize = 35;

/// The step of the chain that decided the locale (logged and counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LangSource {
    /// `user.user_metadata.lang`
    UserMetadata,
    /// `user.locale`
    UserLocale,
    /// `notification.locale` (the request's language, e.g. Auth0's)
    NotificationLocale,
    /// `client.client_metadata.default_lang`
    ClientDefault,
    /// The configured default locale.
    ConfigDefault,
    /// Chosen explicitly, e.g. `preview --locale`.
    Explicit,
}

impl LangSource {
    pub fn as_str(self) -> &'static str {
        match self {
            LangSource::UserMetadata => "user_metadata.lang",
            LangSource::UserLocale => "user.locale",
            LangSource::NotificationLocale => "notification.locale",
            LangSource::ClientDefault => "client_metadata.default_lang",
            LangSource::ConfigDefault => "default",
            LangSource::Explicit => "explicit",
        }
    }
}

impl fmt::Display for LangSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Text direction of a locale, for `<html dir>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    pub fn of(lang: &LanguageIdentifier) -> Self {
        match lang.language.as_str() {
            "ar" | "he" | "fa" | "ur" | "yi" | "ps" | "sd" | "ug" | "dv" | "ckb" => Direction::Rtl,
            _ => Direction::Ltr,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// The result of negotiation: an index into [`Negotiator::locales`] and the step that chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negotiated {
    pub index: usize,
    pub source: LangSource,
}

/// Negotiates requested tags against a fixed list of shipped locales.
#[derive(Debug, Clone)]
pub struct Negotiator {
    locales: Vec<LanguageIdentifier>,
    default: usize,
}

/// Turns a user-supplied value into a well-formed language identifier, or `None`.
///
/// Only ASCII letters, digits, `-` and `_` are accepted, at most [`MAX_TAG_LEN`] bytes, so
/// nothing path-like (`../x`) or absurd (10 kB) gets as far as the parser.
pub fn normalize(raw: &str) -> Option<LanguageIdentifier> {
    let raw = raw.trim();
    if raw.is_empty()
        || raw.len() > MAX_TAG_LEN
        || !raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let tag = raw.replace('_', "-");
    // Extensions and private use (`ar-u-nu-latn`, `de-DE-u-co-phonebk`, `ja-JP-x-priv`) start
    // at a one-letter subtag; the language before them is what negotiation needs.
    let tag = match tag.split('-').position(|s| s.len() == 1) {
        Some(0) => return None,
        Some(n) => tag.split('-').take(n).collect::<Vec<_>>().join("-"),
        None => tag,
    };
    let id = LanguageIdentifier::from_str(&tag).ok()?;
    // "und" (undetermined) parses but names no language.
    if id.language.is_empty() {
        return None;
    }
    Some(id)
}

impl Negotiator {
    /// `locales` are the shipped locales; `default` must be one of them.
    pub fn new(locales: Vec<LanguageIdentifier>, default: &LanguageIdentifier) -> Option<Self> {
        let default = locales.iter().position(|l| l == default)?;
        Some(Negotiator { locales, default })
    }

    pub fn locales(&self) -> &[LanguageIdentifier] {
        &self.locales
    }

    /// The shipped locale that best serves `requested`, if any.
    pub fn negotiate(&self, requested: &LanguageIdentifier) -> Option<usize> {
        // Exact matches are the common case; skip the general algorithm for them.
        if let Some(i) = self.locales.iter().position(|l| l == requested) {
            return Some(i);
        }
        let found = negotiate_languages(
            std::slice::from_ref(requested),
            &self.locales,
            None,
            NegotiationStrategy::Lookup,
        );
        let best = found.first()?;
        self.locales.iter().position(|l| l == *best)
    }

    /// Negotiates a raw JSON value (any type) from one step of the chain.
    pub fn negotiate_value(&self, value: Option<&Value>) -> Option<usize> {
        let tag = normalize(value?.as_str()?)?;
        self.negotiate(&tag)
    }

    /// Runs the whole chain and says which step decided.
    pub fn choose(
        &self,
        user_metadata_lang: Option<&Value>,
        user_locale: Option<&Value>,
        notification_locale: Option<&Value>,
        client_default_lang: Option<&Value>,
    ) -> Negotiated {
        let steps = [
            (LangSource::UserMetadata, user_metadata_lang),
            (LangSource::UserLocale, user_locale),
            (LangSource::NotificationLocale, notification_locale),
            (LangSource::ClientDefault, client_default_lang),
        ];
        for (source, value) in steps {
            if let Some(index) = self.negotiate_value(value) {
                return Negotiated { index, source };
            }
        }
        Negotiated {
            index: self.default,
            source: LangSource::ConfigDefault,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shipped() -> Negotiator {
        let locales = ["en", "fr", "de", "es", "pt-BR", "ja", "ar"]
            .iter()
            .map(|t| t.parse().unwrap())
            .collect();
        Negotiator::new(locales, &"en".parse().unwrap()).unwrap()
    }

    /// One case: (user_metadata.lang, user.locale, client default_lang) → (locale, step).
    fn check(meta: Value, locale: Value, client: Value, want: &str, source: LangSource) {
        let n = shipped();
        let opt = |v: &Value| if v.is_null() { None } else { Some(v.clone()) };
        let (m, l, c) = (opt(&meta), opt(&locale), opt(&client));
        let got = n.choose(m.as_ref(), l.as_ref(), None, c.as_ref());
        assert_eq!(
            (n.locales()[got.index].to_string().as_str(), got.source),
            (want, source),
            "meta={meta} locale={locale} client={client}"
        );
    }

    #[test]
    fn the_request_language_comes_after_the_profile_and_before_the_application() {
        let n = shipped();
        let pick = |m: Value, l: Value, r: Value, c: Value| {
            let opt = |v: Value| if v.is_null() { None } else { Some(v) };
            let (m, l, r, c) = (opt(m), opt(l), opt(r), opt(c));
            let got = n.choose(m.as_ref(), l.as_ref(), r.as_ref(), c.as_ref());
            (n.locales()[got.index].to_string(), got.source)
        };
        let null = Value::Null;
        assert_eq!(
            pick(null.clone(), null.clone(), json!("fr-CA"), json!("de")),
            ("fr".to_owned(), LangSource::NotificationLocale)
        );
        assert_eq!(
            pick(null.clone(), json!("ja"), json!("fr-CA"), json!("de")),
            ("ja".to_owned(), LangSource::UserLocale)
        );
        assert_eq!(
            pick(json!("es"), null.clone(), json!("fr"), null.clone()),
            ("es".to_owned(), LangSource::UserMetadata)
        );
        // A request language that is not one falls through, like any step.
        assert_eq!(
            pick(null.clone(), null.clone(), json!("../etc"), json!("de")),
            ("de".to_owned(), LangSource::ClientDefault)
        );
        assert_eq!(
            LangSource::NotificationLocale.as_str(),
            "notification.locale"
        );
    }

    #[test]
    fn negotiation_table() {
        use LangSource::*;
        let n = Value::Null;
        let cases: Vec<(Value, Value, Value, &str, LangSource)> = vec![
            // Exact and normalized tags.
            (json!("fr"), n.clone(), n.clone(), "fr", UserMetadata),
            (json!("pt-BR"), n.clone(), n.clone(), "pt-BR", UserMetadata),
            (json!("pt_BR"), n.clone(), n.clone(), "pt-BR", UserMetadata),
            (json!("PT-br"), n.clone(), n.clone(), "pt-BR", UserMetadata),
            (json!("pt_br"), n.clone(), n.clone(), "pt-BR", UserMetadata),
            (json!("FR"), n.clone(), n.clone(), "fr", UserMetadata),
            (json!(" de "), n.clone(), n.clone(), "de", UserMetadata),
            (json!("AR"), n.clone(), n.clone(), "ar", UserMetadata),
            (json!("ja"), n.clone(), n.clone(), "ja", UserMetadata),
            // Regional variants fall back to the language.
            (json!("fr-CA"), n.clone(), n.clone(), "fr", UserMetadata),
            (json!("fr_CH"), n.clone(), n.clone(), "fr", UserMetadata),
            (json!("es-MX"), n.clone(), n.clone(), "es", UserMetadata),
            (json!("es-419"), n.clone(), n.clone(), "es", UserMetadata),
            (json!("de-AT"), n.clone(), n.clone(), "de", UserMetadata),
            (json!("en-GB"), json!("fr"), n.clone(), "en", UserMetadata),
            (json!("ar-EG"), n.clone(), n.clone(), "ar", UserMetadata),
            (json!("ja-JP"), n.clone(), n.clone(), "ja", UserMetadata),
            // A bare language finds its shipped regional form.
            (json!("pt"), n.clone(), n.clone(), "pt-BR", UserMetadata),
            (json!("pt-PT"), n.clone(), n.clone(), "pt-BR", UserMetadata),
            // Extensions and private use negotiate by their language.
            (
                json!("ar-u-nu-latn"),
                n.clone(),
                n.clone(),
                "ar",
                UserMetadata,
            ),
            (
                json!("de-DE-u-co-phonebk"),
                n.clone(),
                n.clone(),
                "de",
                UserMetadata,
            ),
            (
                json!("ja-JP-x-priv"),
                n.clone(),
                n.clone(),
                "ja",
                UserMetadata,
            ),
            (json!("x-klingon"), json!("fr"), n.clone(), "fr", UserLocale),
            // Scripts and extensions are tolerated.
            (
                json!("zh-Hant"),
                n.clone(),
                json!("ja"),
                "ja",
                ClientDefault,
            ),
            (
                json!("de-Latn-DE"),
                n.clone(),
                n.clone(),
                "de",
                UserMetadata,
            ),
            // Invalid, unknown or hostile values fall through to the next step.
            (json!("xx-YY"), json!("de"), n.clone(), "de", UserLocale),
            (json!(""), json!("es"), n.clone(), "es", UserLocale),
            (json!("   "), n.clone(), json!("fr"), "fr", ClientDefault),
            (json!(42), json!("ja"), n.clone(), "ja", UserLocale),
            (
                json!({"lang": "fr"}),
                n.clone(),
                n.clone(),
                "en",
                ConfigDefault,
            ),
            (json!(["fr"]), json!("ar"), n.clone(), "ar", UserLocale),
            (json!(true), n.clone(), n.clone(), "en", ConfigDefault),
            (
                json!("../../etc/passwd"),
                json!("fr"),
                n.clone(),
                "fr",
                UserLocale,
            ),
            (json!("..\\x"), n.clone(), n.clone(), "en", ConfigDefault),
            (
                json!("fr/../../x"),
                n.clone(),
                n.clone(),
                "en",
                ConfigDefault,
            ),
            (
                json!("x".repeat(10_000)),
                json!("de"),
                n.clone(),
                "de",
                UserLocale,
            ),
            (json!("fr\u{0}"), n.clone(), n.clone(), "en", ConfigDefault),
            (
                json!("fr\nX-Injected: 1"),
                n.clone(),
                n.clone(),
                "en",
                ConfigDefault,
            ),
            (json!("und"), n.clone(), n.clone(), "en", ConfigDefault),
            (json!("fr-"), n.clone(), n.clone(), "en", ConfigDefault),
            (json!("français"), n.clone(), n.clone(), "en", ConfigDefault),
            (json!("zz"), json!("zz"), json!("zz"), "en", ConfigDefault),
            // The chain order is respected.
            (n.clone(), json!("pt_BR"), json!("fr"), "pt-BR", UserLocale),
            (n.clone(), n.clone(), json!("ar"), "ar", ClientDefault),
            (n.clone(), n.clone(), n.clone(), "en", ConfigDefault),
            (n.clone(), json!(7), json!("es-AR"), "es", ClientDefault),
        ];
        assert!(cases.len() >= 30);
        for (meta, locale, client, want, source) in cases {
            check(meta, locale, client, want, source);
        }
    }

    #[test]
    fn direction_follows_the_script_of_the_language() {
        for (tag, dir) in [
            ("ar", Direction::Rtl),
            ("he", Direction::Rtl),
            ("fa-IR", Direction::Rtl),
            ("ur", Direction::Rtl),
            ("en", Direction::Ltr),
            ("ja", Direction::Ltr),
        ] {
            assert_eq!(Direction::of(&tag.parse().unwrap()), dir, "{tag}");
        }
    }

    #[test]
    fn path_like_values_never_normalize() {
        for bad in ["../x", "a/b", "..", "fr.ftl", "%2e%2e", "fr;rm", "C:\\x"] {
            assert!(normalize(bad).is_none(), "{bad}");
        }
    }
}
