//! Fluent catalogs: loading `locales/<lang>/*.ftl`, and every message lookup in mailroom.
//!
//! Each locale has two bundles built from the same resources: one for plain text (subjects,
//! text parts) and one for HTML, whose literal text is HTML-escaped by a Fluent transform so a
//! translator's `&` or `<` can never become markup. Isolation marks (U+2068/U+2069) are off in
//! both: they show up as boxes in subjects and break links; HTML output isolates arguments with
//! `<bdi>` instead (the HTML bundle's formatter, `html_argument`).
//!
//! A message missing in a locale is taken from the source locale (`en`), per message. A message
//! missing in the source locale is an error: it never renders as its id.
//!
//! This module reads the locale folders once, at start-up; language negotiation lives in
//! `locale`, and the template side of lookups (`t()`) in `render::translate`.
//!
//! One job per file: this one holds the types and every lookup ([`Catalog::format`]); `load`
//! reads the folders and checks the messages; `bundle` sets up a locale's text and HTML
//! bundles.

mod bundle;
mod datetime;
mod load;
mod plurals;
mod pseudo;
mod sets;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentError, FluentResource};
use unic_langid::LanguageIdentifier;

use crate::locale::Direction;

pub use bundle::SafeHtml;
pub use pseudo::{PSEUDO_LOCALES, is_pseudo};

type Bundle = FluentBundle<Arc<FluentResource>>;

/// Messages that the Rust code looks up itself (not through a template).
pub const CORE_MESSAGES: &[&str] = &["duration-minutes", "duration-hours", "duration-days"];

/// The longest template set name.
pub const SET_NAME_MAX: usize = 64;

/// A template set name: 1 to 64 of `a-z`, `0-9`, `_` and `-`. Never a path: `client_metadata`
/// names a set, and the name is only ever compared with the sets found at load.
pub fn is_set_name(name: &str) -> bool {
    (1..=SET_NAME_MAX).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// Which bundle formats a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// Plain text: subjects, text parts, arguments of other messages.
    Text,
    /// HTML: literal text escaped; arguments must be escaped by the caller.
    Html,
}

/// A lookup that could not produce text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum I18nError {
    #[error("message `{id}` does not exist in the source locale `{source_locale}`")]
    Missing { id: String, source_locale: String },
    #[error("message `{id}` has no value in `{locale}`")]
    NoValue { id: String, locale: String },
    #[error("message `{id}` in `{locale}` could not be formatted: {reason}")]
    Format {
        id: String,
        locale: String,
        reason: String,
    },
}

/// What one `.ftl` file defines, for `check`.
#[derive(Debug, Clone)]
pub struct FileInfo {
    pub path: PathBuf,
    /// Message id → (1-based line, variables the message references).
    pub messages: BTreeMap<String, (usize, BTreeSet<String>)>,
    /// Entry id (messages, and terms as `-name`) → the messages and terms it references:
    /// what a template set's override of one message reaches.
    pub refs: BTreeMap<String, BTreeSet<String>>,
}

/// One `locales/<lang>/sets/<set>.ftl`: a template set's messages in one locale.
#[derive(Debug, Clone)]
pub struct SetFile {
    /// Index of the locale it belongs to.
    pub locale: usize,
    pub info: FileInfo,
    resource: Arc<FluentResource>,
}

/// One shipped locale.
pub struct Locale {
    pub id: LanguageIdentifier,
    /// Canonical tag, e.g. `pt-BR`: the folder name and the `Content-Language`.
    pub tag: String,
    pub dir: Direction,
    text: Bundle,
    html: Bundle,
    pub files: Vec<FileInfo>,
    /// The parsed files, in load order: what a template set's layered catalog starts from.
    resources: Vec<Arc<FluentResource>>,
    /// A pseudo-locale (`en-XA`, `ar-XB`): made from the source, never negotiated.
    pub pseudo: bool,
    datetimes: datetime::DateTimes,
}

impl fmt::Debug for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Locale").field("tag", &self.tag).finish()
    }
}

impl Locale {
    /// `at` as this locale writes a date and time, in `zone`, with the zone named (`2
    /// December 2026 at 11:05 AM Central European Standard Time`). A pseudo-locale writes
    /// as its language.
    pub fn format_datetime(&self, at: time::OffsetDateTime, zone: &jiff::tz::TimeZone) -> String {
        self.datetimes
            .format(&self.id, at, zone)
            // Only a locale without CLDR data: the instant in RFC 3339 still says when.
            .unwrap_or_else(|| {
                at.format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            })
    }

    pub fn has_message(&self, id: &str) -> bool {
        self.text.has_message(id)
    }

    /// Where `id` is defined, if here.
    pub fn definition(&self, id: &str) -> Option<(&Path, usize, &BTreeSet<String>)> {
        self.files.iter().find_map(|f| {
            f.messages
                .get(id)
                .map(|(line, vars)| (f.path.as_path(), *line, vars))
        })
    }
}

/// The variables every message may use, whatever its template passes, so that each language
/// can choose its own form: `$client` (the application's name), `$name` (the name to greet
/// the reader by: the given name, else the full name, else the nickname) and `$full_name`
/// (the full name first: what a Japanese greeting with 様 needs). A template passes the
/// others a message needs (`t(id=…, duration=…)`); these come from the email itself.
pub const SHARED_VARIABLES: [&str; 3] = ["client", "name", "full_name"];

/// All shipped locales, and which one is the source for fallback.
#[derive(Debug)]
pub struct Catalog {
    locales: Vec<Locale>,
    source: usize,
    /// Template set name → its files under `locales/<lang>/sets/` (empty in a set's own
    /// layered catalog).
    sets: BTreeMap<String, Vec<SetFile>>,
}

/// The result of a lookup: the text, and the locale it actually came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formatted {
    pub text: String,
    /// `true` when the message came from the source locale because the requested one lacks it.
    pub fell_back: bool,
}

impl Catalog {
    pub fn locales(&self) -> &[Locale] {
        &self.locales
    }

    pub fn locale(&self, index: usize) -> &Locale {
        &self.locales[index]
    }

    pub fn source(&self) -> &Locale {
        &self.locales[self.source]
    }

    /// Template sets that have messages of their own, with their files.
    pub fn sets(&self) -> &BTreeMap<String, Vec<SetFile>> {
        &self.sets
    }

    /// Index of the locale whose canonical tag is `tag`.
    pub fn index_of(&self, tag: &str) -> Option<usize> {
        self.locales.iter().position(|l| l.tag == tag)
    }

    /// Formats message `id` in locale `index`, falling back to the source locale per message.
    pub fn format(
        &self,
        index: usize,
        id: &str,
        args: Option<&FluentArgs>,
        markup: Markup,
    ) -> Result<Formatted, I18nError> {
        let mut locale = &self.locales[index];
        let mut fell_back = false;
        if !locale.has_message(id) {
            locale = self.source();
            fell_back = index != self.source;
            if !locale.has_message(id) {
                return Err(I18nError::Missing {
                    id: id.to_owned(),
                    source_locale: locale.tag.clone(),
                });
            }
        }
        let bundle = match markup {
            Markup::Text => &locale.text,
            Markup::Html => &locale.html,
        };
        let pattern = bundle
            .get_message(id)
            .and_then(|m| m.value())
            .ok_or_else(|| I18nError::NoValue {
                id: id.to_owned(),
                locale: locale.tag.clone(),
            })?;
        let mut errors = Vec::new();
        // write_pattern, not format_pattern: the latter passes its whole result through the
        // bundle's formatter once more, which would escape the HTML output a second time.
        let mut text = String::with_capacity(64);
        let _ = bundle.write_pattern(&mut text, pattern, args, &mut errors);
        if let Some(first) = errors.first() {
            return Err(I18nError::Format {
                id: id.to_owned(),
                locale: locale.tag.clone(),
                reason: describe_fluent_error(first),
            });
        }
        Ok(Formatted { text, fell_back })
    }
}

/// The 1-based line where `id =` starts a line of `source`: the runtime parser keeps no
/// offsets for entries. Ids are unique within a valid file.
fn find_definition_line(source: &str, id: &str) -> Option<usize> {
    source
        .lines()
        .position(|line| {
            line.strip_prefix(id)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

fn describe_fluent_error(e: &FluentError) -> String {
    match e {
        FluentError::ResolverError(r) => r.to_string(),
        other => other.to_string(),
    }
}
