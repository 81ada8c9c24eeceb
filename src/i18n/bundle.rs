//! A locale's two bundles, built from the same resources: plain text, and HTML, whose literal
//! text is escaped by a Fluent transform and whose string arguments are escaped and isolated
//! with `<bdi>` by its formatter. Isolation marks are off in both. In both, whole numbers are
//! written with the locale's digit grouping (CLDR, through ICU4X): `1 439` in French, `1.439`
//! in German; Fluent itself writes `1439` everywhere.

use std::borrow::Cow;

use fluent_bundle::FluentValue;
use unic_langid::LanguageIdentifier;

use super::{Bundle, Markup};
use crate::text::escape_html;

pub(super) fn new_bundle(id: &LanguageIdentifier, markup: Markup) -> Bundle {
    let mut b = Bundle::new_concurrent(vec![id.clone()]);
    b.set_use_isolating(false);
    if markup == Markup::Html {
        // Literal text of the catalog is escaped by the transform, arguments by the formatter
        // when they are written: selectors (`{ $gender -> [female] … }`) still see raw values.
        b.set_transform(Some(escape_html));
        b.set_formatter(Some(html_argument));
    } else {
        b.set_formatter(Some(text_argument));
    }
    b
}

/// Writes an argument into plain text: numbers grouped, everything else as Fluent does.
fn text_argument(
    value: &FluentValue,
    memoizer: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    grouped(value, memoizer)
}

/// A whole number in the locale's digit grouping, in Latin digits (codes, links and the
/// numbers beside them arrive in Latin digits, so an Arabic email keeps them alike). `None`
/// (Fluent's own writing) for fractions, numbers with formatting options, and anything ICU4X
/// cannot format.
fn grouped(
    value: &FluentValue,
    memoizer: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    let FluentValue::Number(n) = value else {
        return None;
    };
    // Beyond 2^53 an f64 no longer holds every whole number. Below 1,000 no locale groups,
    // and Fluent writes the same Latin digits: the common case (a lifetime) skips ICU4X.
    let whole = n.value.fract() == 0.0 && n.value.abs() < 9.0e15;
    if !whole
        || n.value.abs() < 1_000.0
        || n.options != fluent_bundle::types::FluentNumberOptions::default()
    {
        return None;
    }
    memoizer
        .with_try_get::<Grouping, _, _>((), |g| {
            g.0.format(&icu_decimal::input::Decimal::from(n.value as i64))
                .to_string()
        })
        .ok()
}

/// ICU4X's decimal formatter for one locale, built once per bundle by its memoizer.
struct Grouping(icu_decimal::DecimalFormatter);

impl intl_memoizer::Memoizable for Grouping {
    type Args = ();
    type Error = String;

    fn construct(lang: LanguageIdentifier, _: ()) -> Result<Self, String> {
        let tag = format!("{lang}-u-nu-latn");
        let locale: icu_locale_core::Locale = tag.parse().map_err(|e| format!("{tag}: {e}"))?;
        icu_decimal::DecimalFormatter::try_new((&locale).into(), Default::default())
            .map(Grouping)
            .map_err(|e| format!("{tag}: {e}"))
    }
}

/// Writes a string argument into HTML: escaped, and isolated with `<bdi>` so a left-to-right
/// name keeps its punctuation in place inside right-to-left text. Numbers are grouped.
fn html_argument(
    value: &FluentValue,
    memoizer: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    match value {
        FluentValue::String(s) => Some(format!("<bdi>{}</bdi>", escape_html(s))),
        _ => grouped(value, memoizer),
    }
}

/// An argument that is already HTML (a value Tera considers safe): written as is, isolated.
#[derive(Debug, Clone, PartialEq)]
pub struct SafeHtml(pub String);

impl fluent_bundle::types::FluentType for SafeHtml {
    fn duplicate(&self) -> Box<dyn fluent_bundle::types::FluentType + Send> {
        Box::new(self.clone())
    }

    fn as_string(&self, _: &intl_memoizer::IntlLangMemoizer) -> Cow<'static, str> {
        Cow::Owned(format!("<bdi>{}</bdi>", self.0))
    }

    fn as_string_threadsafe(
        &self,
        _: &intl_memoizer::concurrent::IntlLangMemoizer,
    ) -> Cow<'static, str> {
        Cow::Owned(format!("<bdi>{}</bdi>", self.0))
    }
}
