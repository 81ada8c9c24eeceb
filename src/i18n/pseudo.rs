//! Pseudo-locales, for catching hard-coded text, truncation and right-to-left bugs before a
//! translator sees a string: `en-XA` (accented and about a third longer) and `ar-XB` (mirrored
//! letters shown right to left, in a right-to-left email), made at load from the source
//! locale's files by fluent-pseudo.
//!
//! They come after the shipped locales in the catalog and never take part in negotiation: a
//! user asking for `en-XA` gets English. `preview --locale en-XA`, the gallery and `check` show
//! them. The pseudo transform goes in the bundle's one transform slot, so in HTML it is
//! composed with the escaping (transform, then escape): a translator's `&` stays text.

use std::borrow::Cow;

use unic_langid::LanguageIdentifier;

use super::bundle::new_bundle;
use super::datetime::DateTimes;
use super::{Locale, Markup};
use crate::locale::Direction;
use crate::text::escape_html;

/// The pseudo-locales, in catalog order.
pub const PSEUDO_LOCALES: &[&str] = &["en-XA", "ar-XB"];

/// Whether `tag` names a pseudo-locale.
pub fn is_pseudo(tag: &str) -> bool {
    PSEUDO_LOCALES.contains(&tag)
}

/// Accented letters, doubled vowels, and `~` to make up about 35 % more than the source
/// (German and French run that much longer than English), placed before any trailing space
/// so the text around an argument keeps its spacing.
fn accented(s: &str) -> Cow<'_, str> {
    let elongated = fluent_pseudo::transform(s, false, true);
    let body = elongated.trim_end();
    if body.is_empty() {
        return elongated;
    }
    let source = s.chars().count();
    let have = elongated.chars().count();
    let want = (source * 135).div_ceil(100);
    let pad = want.saturating_sub(have);
    let mut out = String::with_capacity(elongated.len() + pad);
    out.push_str(body);
    out.extend(std::iter::repeat_n('~', pad));
    out.push_str(&elongated[body.len()..]);
    Cow::Owned(out)
}

fn accented_html(s: &str) -> Cow<'_, str> {
    Cow::Owned(escape_html(&accented(s)).into_owned())
}

/// Mirrored letters inside a right-to-left override, so the text reads right to left as
/// Arabic would, while staying legible to an English-speaking reviewer.
fn mirrored(s: &str) -> Cow<'_, str> {
    Cow::Owned(format!(
        "\u{202e}{}\u{202c}",
        fluent_pseudo::transform(s, true, false)
    ))
}

fn mirrored_html(s: &str) -> Cow<'_, str> {
    Cow::Owned(escape_html(&mirrored(s)).into_owned())
}

/// Pseudo-locale `tag` over `source`'s resources (the source locale, or a template set's
/// layered source).
pub(super) fn pseudo_locale(tag: &str, source: &Locale) -> Locale {
    let id: LanguageIdentifier = tag.parse().expect("pseudo-locale tags are valid");
    type Transform = fn(&str) -> Cow<'_, str>;
    let (text_transform, html_transform): (Transform, Transform) = if tag == "ar-XB" {
        (mirrored, mirrored_html)
    } else {
        (accented, accented_html)
    };
    let mut text = new_bundle(&id, Markup::Text);
    let mut html = new_bundle(&id, Markup::Html);
    text.set_transform(Some(text_transform));
    html.set_transform(Some(html_transform));
    for r in &source.resources {
        text.add_resource_overriding(r.clone());
        html.add_resource_overriding(r.clone());
    }
    Locale {
        dir: Direction::of(&id),
        tag: tag.to_owned(),
        id,
        text,
        html,
        // No files of its own: every message is the source's, and `check` reports the
        // source's files.
        files: Vec::new(),
        resources: source.resources.clone(),
        pseudo: true,
        datetimes: DateTimes::default(),
    }
}
