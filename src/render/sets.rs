//! Template sets: `templates/sets/<set>/` (a set's own template files and layouts) and
//! `locales/<lang>/sets/<set>.ftl` (its own messages), compiled once at load over the
//! defaults.
//!
//! A set's file replaces the default file of the same name (`welcome_email/body.html`,
//! `layouts/base.html`); a set may also add layouts and partials. Each set is compiled like
//! the defaults (the same CSS pre-inlining and checks), but only for the templates whose
//! email it changes: those it has files for, every template when it changes a layout or a
//! message every email uses, and those that use one of its messages (directly or through
//! another message or term). Other templates render from the defaults, so a set costs what its
//! own files and the templates they change cost, and an email of a set renders exactly as
//! fast as a default one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::compile::{Sources, compile_variant, lint, syntax_ok};
use super::scan::{MessageUse, scan_message_ids};
use super::template::TemplateInfo;
use super::{TemplateSet, one_line, set_file_names};
use crate::diagnostic::Diagnostic;
use crate::fsread;
use crate::i18n::{CORE_MESSAGES, Catalog, is_set_name};

/// The files a set may replace in a template folder.
const SET_TEMPLATE_FILES: &[&str] = &["subject.txt", "body.html", "body.txt"];

/// Loads every set: the folders under `templates/sets/` and the sets named by
/// `locales/<lang>/sets/*.ftl`, sorted by name. A set that does not compile is reported
/// and left out (its emails render from the defaults).
pub(super) fn load_sets(
    templates_dir: &Path,
    sources: &Sources,
    templates: &BTreeMap<String, TemplateInfo>,
    catalog: &Arc<Catalog>,
    inliner: &css_inline::CSSInliner<'static>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<TemplateSet> {
    let sets_dir = templates_dir.join("sets");
    let mut found: BTreeMap<String, PathBuf> = catalog
        .sets()
        .keys()
        .map(|name| (name.clone(), sets_dir.join(name)))
        .collect();
    if sets_dir.is_dir() {
        for (name, path) in
            fsread::subfolders(&sets_dir, "the template sets folder", diags).unwrap_or_default()
        {
            if is_set_name(&name) {
                found.insert(name, path);
            } else {
                diags.push(Diagnostic::error(
                    path,
                    None,
                    format!(
                        "`{name}` is not a template set name (1 to 64 of a-z, 0-9, `_` and `-`)"
                    ),
                ));
            }
        }
    }
    found
        .into_iter()
        .filter_map(|(name, dir)| {
            let set = Loading {
                name,
                dir,
                sources,
                templates,
                catalog,
            };
            set.load(inliner, diags)
        })
        .collect()
}

/// One set being loaded, with the defaults it is loaded over.
struct Loading<'a> {
    name: String,
    dir: PathBuf,
    sources: &'a Sources,
    templates: &'a BTreeMap<String, TemplateInfo>,
    catalog: &'a Arc<Catalog>,
}

impl Loading<'_> {
    fn load(
        self,
        inliner: &css_inline::CSSInliner<'static>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<TemplateSet> {
        let own = self.read_files(diags)?;
        lint(&own, diags);
        if !syntax_ok(&own, self.catalog, diags) {
            return None;
        }
        let catalog = match self.catalog.layered(&self.name, diags) {
            Some(layered) => Arc::new(layered),
            None => self.catalog.clone(),
        };
        // The defaults with the set's files in place of theirs, and the set's additions.
        let mut effective: BTreeMap<&str, (&PathBuf, &str)> = self
            .sources
            .iter()
            .chain(own.iter())
            .map(|(n, p, s)| (n.as_str(), (p, s.as_str())))
            .collect();
        let covers = self.covered(&own, &effective);
        effective.retain(|n, _| n.starts_with("layouts/") || covers.contains(template_of(n)));
        let compiled: Sources = effective
            .iter()
            .map(|(n, (p, s))| ((*n).to_owned(), (*p).clone(), (*s).to_owned()))
            .collect();
        let usage: Vec<MessageUse> = compiled
            .iter()
            .flat_map(|(_, p, s)| scan_message_ids(p, s))
            .collect();
        let planned: BTreeMap<String, TemplateInfo> = self
            .templates
            .iter()
            .filter(|(n, _)| covers.contains(n.as_str()))
            .map(|(n, t)| (n.clone(), t.clone()))
            .collect();
        let own_names: BTreeMap<String, PathBuf> =
            own.iter().map(|(n, p, _)| (n.clone(), p.clone())).collect();
        let variant = match compile_variant(&compiled, &planned, &usage, catalog, inliner) {
            Ok(v) => v,
            Err(e) => {
                diags.push(Diagnostic::error(
                    self.dir.clone(),
                    None,
                    format!(
                        "template set `{}` does not compile: {}",
                        self.name,
                        set_file_names(&self.name, &own_names, one_line(&e))
                    ),
                ));
                return None;
            }
        };
        let with_text = covers
            .iter()
            .filter(|t| effective.contains_key(format!("{t}/body.txt").as_str()))
            .cloned()
            .collect();
        let usage = own
            .iter()
            .flat_map(|(_, p, s)| scan_message_ids(p, s))
            .collect();
        Some(TemplateSet {
            name: self.name,
            dir: self.dir,
            variant,
            covers,
            own: own_names,
            with_text,
            usage,
        })
    }

    /// The set's own files: `layouts/*` and `<template>/{subject.txt,body.html,body.txt}`
    /// for templates the defaults have. `None` when the folder cannot be read.
    fn read_files(&self, diags: &mut Vec<Diagnostic>) -> Option<Sources> {
        let mut own = Sources::new();
        if !self.dir.is_dir() {
            return Some(own);
        }
        let entries = fsread::entries(&self.dir, "a template set folder", diags)?;
        let mut entries: Vec<PathBuf> = entries;
        entries.sort();
        for path in entries {
            let file = path.file_name().unwrap_or_default().to_string_lossy();
            let file = file.into_owned();
            if !path.is_dir() {
                diags.push(Diagnostic::warning(
                    path,
                    None,
                    "ignored: a template set holds template folders and `layouts/`".to_owned(),
                ));
                continue;
            }
            if file == "layouts" {
                for layout in fsread::files_in(&path, &["html", "txt"]) {
                    let name = layout.file_name().unwrap_or_default().to_string_lossy();
                    let name = format!("layouts/{name}");
                    if let Some(src) = fsread::read_text(&layout, diags) {
                        own.push((name, layout.clone(), src));
                    }
                }
                continue;
            }
            if !self.templates.contains_key(&file) {
                diags.push(Diagnostic::error(
                    path,
                    None,
                    format!(
                        "template set `{}` has a template `{file}` that the defaults do not have (a set changes templates; it cannot add one)",
                        self.name
                    ),
                ));
                continue;
            }
            for inner in fsread::entries(&path, "a template folder", diags).unwrap_or_default() {
                let inner_name = inner.file_name().unwrap_or_default().to_string_lossy();
                if inner.is_file() && SET_TEMPLATE_FILES.contains(&inner_name.as_ref()) {
                    let tera_name = format!("{file}/{inner_name}");
                    if let Some(src) = fsread::read_text(&inner, diags) {
                        own.push((tera_name, inner.clone(), src));
                    }
                } else {
                    diags.push(Diagnostic::warning(
                        inner.clone(),
                        None,
                        format!(
                            "ignored: a set replaces only {} (the default's manifest and samples apply)",
                            SET_TEMPLATE_FILES.join(", ")
                        ),
                    ));
                }
            }
        }
        own.sort();
        Some(own)
    }

    /// The templates whose email this set changes.
    fn covered(
        &self,
        own: &Sources,
        effective: &BTreeMap<&str, (&PathBuf, &str)>,
    ) -> BTreeSet<String> {
        let all = || self.templates.keys().cloned().collect();
        if own.iter().any(|(n, _, _)| n.starts_with("layouts/")) {
            return all();
        }
        let affected = self.catalog.affected_by(&self.name);
        if CORE_MESSAGES.iter().any(|id| affected.contains(*id)) {
            return all();
        }
        // A file uses an affected message, or one check cannot name (a computed id).
        let hit = |src: &str| {
            !affected.is_empty()
                && scan_message_ids(Path::new(""), src)
                    .iter()
                    .any(|u| u.id.as_ref().is_none_or(|id| affected.contains(id)))
        };
        if effective
            .iter()
            .any(|(n, (_, src))| n.starts_with("layouts/") && hit(src))
        {
            return all();
        }
        let mut covers: BTreeSet<String> = own
            .iter()
            .map(|(n, _, _)| template_of(n).to_owned())
            .collect();
        for (n, (_, src)) in effective {
            if !n.starts_with("layouts/") && hit(src) {
                covers.insert(template_of(n).to_owned());
            }
        }
        covers
    }
}

/// The template a Tera name belongs to: `welcome_email` for `welcome_email/body.html`.
fn template_of(tera_name: &str) -> &str {
    tera_name.split_once('/').map_or(tera_name, |(t, _)| t)
}
