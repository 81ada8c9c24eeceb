//! A locale's two bundles, built from the same resources: plain text, and HTML, whose literal
//! text is escaped by a Fluent transform and whose string arguments are escaped and isolated
//! with `<bdi>` by its formatter. Isolation marks are off in both.

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
    }
    b
}

/// Writes a string argument into HTML: escaped, and isolated with `<bdi>` so a left-to-right
/// name keeps its punctuation in place inside right-to-left text. Numbers keep the default.
fn html_argument(
    value: &FluentValue,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    match value {
        FluentValue::String(s) => Some(format!("<bdi>{}</bdi>", escape_html(s))),
        _ => None,
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
