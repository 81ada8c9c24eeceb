//! intl_pluralrules' interface over ICU4X's plural rules.
//!
//! fluent-bundle 0.16 selects plural variants through `intl_pluralrules` 7, whose rules are
//! CLDR 37's and wrong for Arabic from 100 on (it gives `other` for 103, which CLDR says is
//! `few`, and for 111, which is `many`). fluent-bundle has no hook for other rules, so
//! mailroom's `Cargo.toml` patches this crate in for it: the same types and functions, with
//! the category chosen by `icu_plurals` (current CLDR). The operands are the original
//! crate's (`operands.rs`, unchanged, MIT/Apache-2.0 like the original).

// The original crate's code, kept as it is (its lints are its own).
#[allow(clippy::all)]
pub mod operands;

use std::convert::TryInto;

use unic_langid::LanguageIdentifier;

use crate::operands::PluralOperands;

#[derive(Debug, Eq, PartialEq, Clone, Copy)]
pub enum PluralCategory {
    ZERO,
    ONE,
    TWO,
    FEW,
    MANY,
    OTHER,
}

#[derive(Copy, Clone, Hash, PartialEq, Eq)]
pub enum PluralRuleType {
    ORDINAL,
    CARDINAL,
}

/// The CLDR version of the original crate's locale list ([`PluralRules::get_locales`]); the
/// rules themselves are ICU4X's.
pub static CLDR_VERSION: usize = 37;

/// The locales the original crate has rules for, which fluent-bundle negotiates against
/// (e.g. `pt-BR` finds `pt`, `pt-PT` its own): kept so that negotiation picks as before.
const CARDINAL_LOCALES: &[&str] = &[
    "af", "ak", "am", "an", "ar", "ars", "as", "asa", "ast", "az", "be", "bem", "bez", "bg", "bho",
    "bm", "bn", "bo", "br", "brx", "bs", "ca", "ce", "ceb", "cgg", "chr", "ckb", "cs", "cy", "da",
    "de", "dsb", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fil",
    "fo", "fr", "fur", "fy", "ga", "gd", "gl", "gsw", "gu", "guw", "gv", "ha", "haw", "he", "hi",
    "hr", "hsb", "hu", "hy", "ia", "id", "ig", "ii", "in", "io", "is", "it", "iu", "iw", "ja",
    "jbo", "jgo", "ji", "jmc", "jv", "jw", "ka", "kab", "kaj", "kcg", "kde", "kea", "kk", "kkj",
    "kl", "km", "kn", "ko", "ks", "ksb", "ksh", "ku", "kw", "ky", "lag", "lb", "lg", "lkt", "ln",
    "lo", "lt", "lv", "mas", "mg", "mgo", "mk", "ml", "mn", "mo", "mr", "ms", "mt", "my", "nah",
    "naq", "nb", "nd", "ne", "nl", "nn", "nnh", "no", "nqo", "nr", "nso", "ny", "nyn", "om", "or",
    "os", "osa", "pa", "pap", "pcm", "pl", "prg", "ps", "pt", "pt-PT", "rm", "ro", "rof", "ru",
    "rwk", "sah", "saq", "sat", "sc", "scn", "sd", "sdh", "se", "seh", "ses", "sg", "sh", "shi",
    "si", "sk", "sl", "sma", "smi", "smj", "smn", "sms", "sn", "so", "sq", "sr", "ss", "ssy", "st",
    "su", "sv", "sw", "syr", "ta", "te", "teo", "th", "ti", "tig", "tk", "tl", "tn", "to", "tr",
    "ts", "tzm", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "vun", "wa", "wae", "wo", "xh", "xog",
    "yi", "yo", "yue", "zh", "zu",
];
const ORDINAL_LOCALES: &[&str] = &[
    "af", "am", "an", "ar", "as", "az", "be", "bg", "bn", "bs", "ca", "ce", "cs", "cy", "da", "de",
    "dsb", "el", "en", "es", "et", "eu", "fa", "fi", "fil", "fr", "fy", "ga", "gd", "gl", "gsw",
    "gu", "he", "hi", "hr", "hsb", "hu", "hy", "ia", "id", "in", "is", "it", "iw", "ja", "ka",
    "kk", "km", "kn", "ko", "kw", "ky", "lo", "lt", "lv", "mk", "ml", "mn", "mo", "mr", "ms", "my",
    "nb", "ne", "nl", "or", "pa", "pl", "prg", "ps", "pt", "ro", "ru", "sc", "scn", "sd", "sh",
    "si", "sk", "sl", "sq", "sr", "sv", "sw", "ta", "te", "th", "tk", "tl", "tr", "uk", "ur", "uz",
    "vi", "yue", "zh", "zu",
];

#[derive(Clone)]
pub struct PluralRules {
    locale: LanguageIdentifier,
    rules: std::sync::Arc<icu_plurals::PluralRules>,
}

impl PluralRules {
    /// The rules of `langid`, or an error when ICU4X has no data for its language (it would
    /// otherwise fall back to the root locale's rules silently).
    pub fn create<L: Into<LanguageIdentifier>>(
        langid: L,
        prt: PluralRuleType,
    ) -> Result<Self, &'static str> {
        let langid = langid.into();
        let known = match prt {
            PluralRuleType::CARDINAL => CARDINAL_LOCALES,
            PluralRuleType::ORDINAL => ORDINAL_LOCALES,
        };
        let name = langid.to_string();
        if !known.contains(&name.as_str()) {
            return Err("unknown locale");
        }
        let locale: icu_locale_core::Locale = name.parse().map_err(|_| "unknown locale")?;
        let prefs = icu_plurals::PluralRulesPreferences::from(&locale);
        let rules = match prt {
            PluralRuleType::CARDINAL => icu_plurals::PluralRules::try_new_cardinal(prefs),
            PluralRuleType::ORDINAL => icu_plurals::PluralRules::try_new_ordinal(prefs),
        }
        .map_err(|_| "unknown locale")?;
        Ok(Self {
            locale: langid,
            rules: std::sync::Arc::new(rules),
        })
    }

    pub fn select<N: TryInto<PluralOperands>>(
        &self,
        number: N,
    ) -> Result<PluralCategory, &'static str> {
        let ops: PluralOperands = number
            .try_into()
            .map_err(|_| "Argument can not be parsed to operands.")?;
        let icu = to_icu(&ops).ok_or("Argument can not be parsed to operands.")?;
        Ok(match self.rules.category_for(icu) {
            icu_plurals::PluralCategory::Zero => PluralCategory::ZERO,
            icu_plurals::PluralCategory::One => PluralCategory::ONE,
            icu_plurals::PluralCategory::Two => PluralCategory::TWO,
            icu_plurals::PluralCategory::Few => PluralCategory::FEW,
            icu_plurals::PluralCategory::Many => PluralCategory::MANY,
            icu_plurals::PluralCategory::Other => PluralCategory::OTHER,
        })
    }

    /// Returns a list of the available locales.
    pub fn get_locales(prt: PluralRuleType) -> Vec<LanguageIdentifier> {
        let known = match prt {
            PluralRuleType::CARDINAL => CARDINAL_LOCALES,
            PluralRuleType::ORDINAL => ORDINAL_LOCALES,
        };
        known.iter().filter_map(|l| l.parse().ok()).collect()
    }

    /// Returns the locale name for this PluralRule instance.
    pub fn get_locale(&self) -> &LanguageIdentifier {
        &self.locale
    }
}

/// The same number as ICU4X's operands: the integer digits and the visible fraction digits
/// (`v` of them, trailing zeros kept: `1.50` is not `1.5` to every rule).
fn to_icu(ops: &PluralOperands) -> Option<icu_plurals::PluralOperands> {
    // Whole numbers (lifetimes, counts: nearly every selection) without a detour through text.
    if ops.v == 0 {
        return Some(icu_plurals::PluralOperands::from(ops.i));
    }
    let text = format!("{}.{:0>width$}", ops.i, ops.f, width = ops.v);
    let decimal = fixed_decimal::Decimal::try_from_str(&text).ok()?;
    Some(icu_plurals::PluralOperands::from(&decimal))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select(lang: &str, n: impl TryInto<PluralOperands>) -> PluralCategory {
        PluralRules::create(
            lang.parse::<LanguageIdentifier>().unwrap(),
            PluralRuleType::CARDINAL,
        )
        .unwrap()
        .select(n)
        .unwrap()
    }

    #[test]
    fn arabic_hundreds_follow_current_cldr() {
        assert_eq!(select("ar", 100), PluralCategory::OTHER);
        assert_eq!(select("ar", 103), PluralCategory::FEW);
        assert_eq!(select("ar", 111), PluralCategory::MANY);
        assert_eq!(select("ar", 1_003), PluralCategory::FEW);
    }

    #[test]
    fn fractions_keep_their_visible_digits() {
        // English: `1` is one, `1.0` and `1.50` are other (v != 0).
        assert_eq!(select("en", 1), PluralCategory::ONE);
        assert_eq!(select("en", "1.0"), PluralCategory::OTHER);
        assert_eq!(select("en", "1.50"), PluralCategory::OTHER);
        // French: 0 to 1.99 are one (i = 0 or 1).
        assert_eq!(select("fr", "1.5"), PluralCategory::ONE);
        assert_eq!(select("fr", 2), PluralCategory::OTHER);
    }

    #[test]
    fn unknown_languages_are_refused_as_before() {
        assert!(PluralRules::create(
            "xx".parse::<LanguageIdentifier>().unwrap(),
            PluralRuleType::CARDINAL
        )
        .is_err());
        assert!(PluralRules::get_locales(PluralRuleType::CARDINAL).len() > 100);
    }
}
