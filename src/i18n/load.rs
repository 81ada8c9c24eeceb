//! Loading `locales/<lang>/*.ftl` into a [`Catalog`], and the checks made while loading:
//! folder names, Fluent syntax, duplicate messages, and translations that use variables their
//! source message does not.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use fluent_bundle::FluentResource;
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

use super::bundle::new_bundle;
use super::plurals::check_plurals;
use super::pseudo::pseudo_locale;
use super::{
    Catalog, FileInfo, Locale, Markup, PSEUDO_LOCALES, SHARED_VARIABLES, SetFile,
    find_definition_line, is_pseudo, is_set_name,
};
use crate::diagnostic::{Diagnostic, line_of};
use crate::fsread;
use crate::locale::Direction;

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
            if is_pseudo(&name) {
                diags.push(Diagnostic::error(
                    path,
                    None,
                    format!("`{name}` is a pseudo-locale, made from the source locale at load; rename or remove this folder"),
                ));
                continue;
            }
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
        let mut sets: BTreeMap<String, Vec<SetFile>> = BTreeMap::new();
        for (id, path) in folders {
            let (locale, set_files) = load_locale(id, &path, &mut diags);
            for (name, info, resource) in set_files {
                sets.entry(name).or_default().push(SetFile {
                    locale: locales.len(),
                    info,
                    resource,
                });
            }
            locales.push(locale);
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
        for locale in &locales {
            check_plurals(locale, &mut diags);
        }
        // After every shipped locale, so their indexes are the negotiator's.
        for tag in PSEUDO_LOCALES {
            let pseudo = pseudo_locale(tag, &locales[source_index]);
            locales.push(pseudo);
        }
        (
            Some(Catalog {
                locales,
                source: source_index,
                sets,
            }),
            diags,
        )
    }
}

/// One locale folder: its own files, and the set files under its `sets/` (set name → file).
fn load_locale(
    id: LanguageIdentifier,
    folder: &Path,
    diags: &mut Vec<Diagnostic>,
) -> (Locale, Vec<(String, FileInfo, Arc<FluentResource>)>) {
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
    let mut resources = Vec::new();
    for path in paths {
        let Some((info, resource)) = parse_file(&path, diags) else {
            continue;
        };
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
        if duplicate {
            // The later file's definitions replace the earlier ones (that is what
            // `add_resource_overriding` does); the error above already stops a deploy.
            text.add_resource_overriding(resource.clone());
            html.add_resource_overriding(resource.clone());
        } else {
            // Terms (`-brand`) may repeat across files without being reported above; Fluent's
            // own overriding error covers them.
            if let Err(errors) = text.add_resource(resource.clone()) {
                for e in errors {
                    diags.push(Diagnostic::error(path.clone(), None, e.to_string()));
                }
            }
            let _ = html.add_resource(resource.clone());
        }
        resources.push(resource);
        files.push(info);
    }
    let sets = load_set_files(&folder.join("sets"), diags);
    (
        Locale {
            dir: Direction::of(&id),
            id,
            tag,
            text,
            html,
            files,
            resources,
            pseudo: false,
            datetimes: Default::default(),
        },
        sets,
    )
}

/// `<locale>/sets/<set>.ftl`: each file is one template set's messages in this locale.
fn load_set_files(
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, FileInfo, Arc<FluentResource>)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    let mut paths: Vec<PathBuf> = fsread::entries(dir, "a template set folder", diags)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if !is_set_name(&name) {
            diags.push(Diagnostic::error(
                path,
                None,
                format!("`{name}` is not a template set name (1 to 64 of a-z, 0-9, `_` and `-`)"),
            ));
            continue;
        }
        if let Some((info, resource)) = parse_file(&path, diags) {
            out.push((name, info, resource));
        }
    }
    out
}

/// Reads and parses one `.ftl` file: what it defines, and the resource. Syntax errors are
/// reported with their line; the entries that did parse are kept.
pub(super) fn parse_file(
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<(FileInfo, Arc<FluentResource>)> {
    let source = fsread::read_text(path, diags)?;
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
                    path.to_path_buf(),
                    Some(line_of(r.source(), pos)),
                    format!("Fluent syntax error: {e}", e = e.kind),
                ));
            }
            r
        }
    };
    let info = describe_file(path, &resource);
    Some((info, Arc::new(resource)))
}

fn describe_file(path: &Path, resource: &FluentResource) -> FileInfo {
    let mut messages = BTreeMap::new();
    let mut refs = BTreeMap::new();
    // The runtime parser keeps no offsets for entries, so find each id's line by scanning for
    // `id =` at a line start; ids are unique within a valid file.
    let source = resource.source();
    for entry in resource.entries() {
        let (id, value, attributes) = match entry {
            ast::Entry::Message(m) => (m.id.name.to_owned(), m.value.as_ref(), &m.attributes),
            ast::Entry::Term(t) => (format!("-{}", t.id.name), Some(&t.value), &t.attributes),
            _ => continue,
        };
        let mut found = Found::default();
        if let Some(p) = value {
            pattern_variables(p, &mut found);
        }
        for a in attributes {
            pattern_variables(&a.value, &mut found);
        }
        if !id.starts_with('-') {
            let line = find_definition_line(source, &id).unwrap_or(1);
            messages.insert(id.clone(), (line, found.vars));
        }
        refs.insert(id, found.refs);
    }
    FileInfo {
        path: path.to_path_buf(),
        messages,
        refs,
    }
}

/// What an entry's patterns name: variables, and the messages and terms (`-name`) they use.
#[derive(Default)]
struct Found {
    vars: BTreeSet<String>,
    refs: BTreeSet<String>,
}

fn pattern_variables(p: &ast::Pattern<&str>, out: &mut Found) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(e: &ast::Expression<&str>, out: &mut Found) {
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

fn inline_variables(i: &ast::InlineExpression<&str>, out: &mut Found) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            out.vars.insert(id.name.to_owned());
        }
        ast::InlineExpression::MessageReference { id, .. } => {
            out.refs.insert(id.name.to_owned());
        }
        ast::InlineExpression::TermReference { id, arguments, .. } => {
            out.refs.insert(format!("-{}", id.name));
            if let Some(arguments) = arguments {
                call_arguments(arguments, out);
            }
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            call_arguments(arguments, out)
        }
        ast::InlineExpression::Placeable { expression } => expression_variables(expression, out),
        _ => {}
    }
}

fn call_arguments(arguments: &ast::CallArguments<&str>, out: &mut Found) {
    for a in &arguments.positional {
        inline_variables(a, out);
    }
    for a in &arguments.named {
        inline_variables(&a.value, out);
    }
}

/// A translation may use only variables its source message uses (the templates pass exactly
/// those) and the [`SHARED_VARIABLES`]. Anything else renders as an error at send time, so
/// report it at load time.
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
                // The shared variables are every message's to use (a Japanese greeting by the
                // full name where English greets by the given name).
                for v in vars
                    .difference(src_vars)
                    .filter(|v| !SHARED_VARIABLES.contains(&v.as_str()))
                {
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

pub(super) fn list_or_none(vars: &BTreeSet<String>) -> String {
    if vars.is_empty() {
        "none".to_owned()
    } else {
        vars.iter()
            .map(|v| format!("${v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
