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

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

use crate::diagnostic::{Diagnostic, line_of};
use crate::fsread;
use crate::locale::Direction;
use crate::text::escape_html;

type Bundle = FluentBundle<Arc<FluentResource>>;

/// Messages that the Rust code looks up itself (not through a template).
pub const CORE_MESSAGES: &[&str] = &["duration-minutes", "duration-hours", "duration-days"];

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
}

impl fmt::Debug for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Locale").field("tag", &self.tag).finish()
    }
}

impl Locale {
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

/// All shipped locales, and which one is the source for fallback.
#[derive(Debug)]
pub struct Catalog {
    locales: Vec<Locale>,
    source: usize,
}

/// The result of a lookup: the text, and the locale it actually came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formatted {
    pub text: String,
    /// `true` when the message came from the source locale because the requested one lacks it.
    pub fell_back: bool,
}

impl Catalog {
    /// Loads every `<dir>/<lang>/*.ftl`. Problems are returned as diagnostics, all of them; the
    /// catalog is still built from what could be read, so `check` can go on. `None` only when
    /// the source locale is unusable.
    pub fn load(dir: &Path, source: &LanguageIdentifier) -> (Option<Catalog>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let Some(found) = fsread::subfolders(dir, "the locales folder", &mut diags) else {
            return (None, diags);
        };
        let mut folders: Vec<(LanguageIdentifier, PathBuf)> = Vec::new();
        for (name, path) in found {
            match LanguageIdentifier::from_str(&name) {
                Ok(id) if id.to_string() == name && !id.language.is_empty() => {
                    folders.push((id, path))
                }
                Ok(id) => diags.push(Diagnostic::error(
                    path,
                    None,
                    format!(
                        "folder name `{name}` is not a canonical language tag (rename it to `{id}`)"
                    ),
                )),
                Err(_) => diags.push(Diagnostic::error(
                    path,
                    None,
                    format!("folder name `{name}` is not a language tag"),
                )),
            }
        }
        // Stable order: the source first, then alphabetical, so indexes and reports are stable.
        folders.sort_by(|a, b| {
            (&a.0 != source, a.0.to_string()).cmp(&(&b.0 != source, b.0.to_string()))
        });

        let mut locales = Vec::new();
        for (id, path) in folders {
            locales.push(load_locale(id, &path, &mut diags));
        }
        let Some(source_index) = locales.iter().position(|l| &l.id == source) else {
            diags.push(Diagnostic::error(
                dir.join(source.to_string()),
                None,
                format!("the source locale `{source}` is missing: every message falls back to it"),
            ));
            return (None, diags);
        };
        check_variables(&locales, source_index, &mut diags);
        (
            Some(Catalog {
                locales,
                source: source_index,
            }),
            diags,
        )
    }

    pub fn locales(&self) -> &[Locale] {
        &self.locales
    }

    pub fn locale(&self, index: usize) -> &Locale {
        &self.locales[index]
    }

    pub fn source(&self) -> &Locale {
        &self.locales[self.source]
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

fn describe_fluent_error(e: &FluentError) -> String {
    match e {
        FluentError::ResolverError(r) => r.to_string(),
        other => other.to_string(),
    }
}

fn new_bundle(id: &LanguageIdentifier, markup: Markup) -> Bundle {
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

fn load_locale(id: LanguageIdentifier, folder: &Path, diags: &mut Vec<Diagnostic>) -> Locale {
    let tag = id.to_string();
    let mut text = new_bundle(&id, Markup::Text);
    let mut html = new_bundle(&id, Markup::Html);
    let mut files = Vec::new();
    let mut paths: Vec<PathBuf> = fsread::entries(folder, "the folder", diags)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
        .collect();
    paths.sort();
    // Message id → file that defined it first, to name both files on a duplicate.
    let mut defined_in: BTreeMap<String, PathBuf> = BTreeMap::new();
    for path in paths {
        let Some(source) = fsread::read_text(&path, diags) else {
            continue;
        };
        let resource = match FluentResource::try_new(source) {
            Ok(r) => r,
            Err((r, errors)) => {
                for e in errors {
                    // The junk slice starts at the broken entry, which is where a person looks;
                    // `pos` can run several lines further (or past the end of input).
                    let pos = e
                        .slice
                        .as_ref()
                        .map_or(e.pos.start, |s| s.start)
                        .min(r.source().trim_end().len());
                    diags.push(Diagnostic::error(
                        path.clone(),
                        Some(line_of(r.source(), pos)),
                        format!("Fluent syntax error: {}", e.kind),
                    ));
                }
                r
            }
        };
        let info = describe_file(&path, &resource);
        let mut duplicate = false;
        for (msg, (line, _)) in &info.messages {
            if let Some(first) = defined_in.get(msg) {
                duplicate = true;
                diags.push(Diagnostic::error(
                    path.clone(),
                    Some(*line),
                    format!("message `{msg}` is already defined in {}", first.display()),
                ));
            } else {
                defined_in.insert(msg.clone(), path.clone());
            }
        }
        let resource = Arc::new(resource);
        if duplicate {
            // The later file's definitions replace the earlier ones (that is what
            // `add_resource_overriding` does); the error above already stops a deploy.
            text.add_resource_overriding(resource.clone());
            html.add_resource_overriding(resource);
        } else {
            // Terms (`-brand`) may repeat across files without being reported above; Fluent's
            // own overriding error covers them.
            if let Err(errors) = text.add_resource(resource.clone()) {
                for e in errors {
                    diags.push(Diagnostic::error(path.clone(), None, e.to_string()));
                }
            }
            let _ = html.add_resource(resource);
        }
        files.push(info);
    }
    Locale {
        dir: Direction::of(&id),
        id,
        tag,
        text,
        html,
        files,
    }
}

fn describe_file(path: &Path, resource: &FluentResource) -> FileInfo {
    let mut messages = BTreeMap::new();
    // The runtime parser keeps no offsets for entries, so find each id's line by scanning for
    // `id =` at a line start; ids are unique within a valid file.
    let source = resource.source();
    for entry in resource.entries() {
        if let ast::Entry::Message(m) = entry {
            let mut vars = BTreeSet::new();
            if let Some(p) = &m.value {
                pattern_variables(p, &mut vars);
            }
            for a in &m.attributes {
                pattern_variables(&a.value, &mut vars);
            }
            let line = find_definition_line(source, m.id.name).unwrap_or(1);
            messages.insert(m.id.name.to_owned(), (line, vars));
        }
    }
    FileInfo {
        path: path.to_path_buf(),
        messages,
    }
}

fn find_definition_line(source: &str, id: &str) -> Option<usize> {
    source
        .lines()
        .position(|line| {
            line.strip_prefix(id)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

fn pattern_variables(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for v in variants {
                pattern_variables(&v.value, out);
            }
        }
        ast::Expression::Inline(i) => inline_variables(i, out),
    }
}

fn inline_variables(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. }
        | ast::InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            for a in &arguments.positional {
                inline_variables(a, out);
            }
            for a in &arguments.named {
                inline_variables(&a.value, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_variables(expression, out),
        _ => {}
    }
}

/// A translation may use only variables its source message uses: the templates pass exactly
/// those. Anything else renders as an error at send time, so report it at load time.
fn check_variables(locales: &[Locale], source: usize, diags: &mut Vec<Diagnostic>) {
    let src = &locales[source];
    for (i, locale) in locales.iter().enumerate() {
        if i == source {
            continue;
        }
        for file in &locale.files {
            for (id, (line, vars)) in &file.messages {
                let Some((_, _, src_vars)) = src.definition(id) else {
                    continue;
                };
                for v in vars.difference(src_vars) {
                    diags.push(Diagnostic::error(
                        file.path.clone(),
                        Some(*line),
                        format!(
                            "message `{id}` uses ${v}, which the source message in `{}` does not (it has: {})",
                            src.tag,
                            list_or_none(src_vars)
                        ),
                    ));
                }
            }
        }
    }
}

fn list_or_none(vars: &BTreeSet<String>) -> String {
    if vars.is_empty() {
        "none".to_owned()
    } else {
        vars.iter()
            .map(|v| format!("${v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn en() -> LanguageIdentifier {
        "en".parse().unwrap()
    }

    #[test]
    fn a_message_missing_in_a_locale_comes_from_the_source() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "en/a.ftl", "hello = Hello\nbye = Bye\n");
        write(d.path(), "fr/a.ftl", "hello = Bonjour\n");
        let (cat, diags) = Catalog::load(d.path(), &en());
        assert!(diags.is_empty(), "{diags:?}");
        let cat = cat.unwrap();
        let fr = cat.index_of("fr").unwrap();
        let got = cat.format(fr, "bye", None, Markup::Text).unwrap();
        assert_eq!(
            got,
            Formatted {
                text: "Bye".into(),
                fell_back: true
            }
        );
        assert_eq!(
            cat.format(fr, "nope", None, Markup::Text).unwrap_err(),
            I18nError::Missing {
                id: "nope".into(),
                source_locale: "en".into()
            }
        );
    }

    #[test]
    fn html_bundle_escapes_translator_text_but_text_bundle_does_not() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "en/a.ftl",
            "terms = Terms & <Conditions> for { $x }\n",
        );
        let cat = Catalog::load(d.path(), &en()).0.unwrap();
        let mut args = FluentArgs::new();
        args.set("x", FluentValue::from("<b>"));
        let html = cat.format(0, "terms", Some(&args), Markup::Html).unwrap();
        assert_eq!(
            html.text,
            "Terms &amp; &lt;Conditions&gt; for <bdi>&lt;b&gt;</bdi>"
        );
        let text = cat.format(0, "terms", Some(&args), Markup::Text).unwrap();
        assert_eq!(text.text, "Terms & <Conditions> for <b>");
    }

    #[test]
    fn string_selectors_match_in_html_too() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "en/a.ftl",
            "hi = { $gender ->\n    [female] Welcome, { $name }\n   *[other] Hello { $name }\n}\n",
        );
        let cat = Catalog::load(d.path(), &en()).0.unwrap();
        let mut args = FluentArgs::new();
        args.set("gender", FluentValue::from("female"));
        args.set("name", FluentValue::from("Ana & Bo"));
        let html = cat.format(0, "hi", Some(&args), Markup::Html).unwrap();
        assert_eq!(html.text, "Welcome, <bdi>Ana &amp; Bo</bdi>");
        let text = cat.format(0, "hi", Some(&args), Markup::Text).unwrap();
        assert_eq!(text.text, "Welcome, Ana & Bo");
    }

    #[test]
    fn missing_variable_is_an_error_not_raw_text() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "en/a.ftl", "hi = Hi { $name }\n");
        let cat = Catalog::load(d.path(), &en()).0.unwrap();
        let err = cat.format(0, "hi", None, Markup::Text).unwrap_err();
        assert!(matches!(err, I18nError::Format { .. }), "{err}");
    }

    #[test]
    fn syntax_errors_duplicates_and_stray_variables_are_reported_with_lines() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "en/a.ftl", "hi = Hi { $name }\nok = fine\n");
        write(d.path(), "en/b.ftl", "\n\nhi = again\n");
        write(
            d.path(),
            "fr/a.ftl",
            "ok = bien\nhi = Salut { $nom }\nbroken = {\n",
        );
        write(d.path(), "pt_br/a.ftl", "ok = ok\n");
        let (cat, diags) = Catalog::load(d.path(), &en());
        assert!(cat.is_some());
        let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
        let has = |needle: &str| shown.iter().any(|s| s.contains(needle));
        assert!(
            has("b.ftl:3: message `hi` is already defined in"),
            "{shown:#?}"
        );
        assert!(has("fr/a.ftl:3: Fluent syntax error"), "{shown:#?}");
        assert!(has("fr/a.ftl:2: message `hi` uses $nom"), "{shown:#?}");
        assert!(has("rename it to `pt-BR`"), "{shown:#?}");
    }

    #[test]
    fn missing_source_locale_is_fatal() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "fr/a.ftl", "ok = bien\n");
        let (cat, diags) = Catalog::load(d.path(), &en());
        assert!(cat.is_none());
        assert!(diags[0].message.contains("source locale `en` is missing"));
    }
}
