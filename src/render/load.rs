//! Reading `templates/`: the template folders, their `template.toml` manifests and samples,
//! the shared layouts; and building the [`Renderer`] from them, once, at start-up.
//!
//! Folder layout: `templates/<name>/{subject.txt, body.html, body.txt?, template.toml?,
//! samples/*.json}`, shared layouts in `templates/layouts/`; `templates/sets/` holds template
//! sets (read by `sets`, so `sets` is never a template name). Every problem found is returned
//! as a [`Diagnostic`] naming the file (and line, when known), so `check` can list them all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::compile::{Sources, compile_variant, lint, syntax_ok};
use super::css::new_inliner;
use super::scan::{MessageUse, scan_message_ids};
use super::sets::load_sets;
use super::template::{Manifest, REQUIRED_FILES, TemplateInfo};
use super::{Renderer, one_line};
use crate::diagnostic::{Diagnostic, line_of};
use crate::event::DataField;
use crate::fsread;
use crate::i18n::Catalog;

/// `template.toml` as written. `requires` is read as names and checked against the known
/// fields afterwards, so that an unknown one is reported with the known ones.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    description: Option<String>,
}

impl Renderer {
    /// Loads every template under `dir`. All problems are returned; the renderer is `None`
    /// when the templates cannot be compiled together.
    pub fn load(dir: &Path, catalog: Arc<Catalog>) -> (Option<Renderer>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let (sources, templates) = read_templates(dir, &mut diags);
        let usage: Vec<MessageUse> = sources
            .iter()
            .flat_map(|(_, path, src)| scan_message_ids(path, src))
            .collect();
        lint(&sources, &mut diags);
        if !syntax_ok(&sources, &catalog, &mut diags) {
            return (None, diags);
        }
        let inliner = new_inliner();
        let base = match compile_variant(&sources, &templates, &usage, catalog.clone(), &inliner) {
            Ok(base) => base,
            Err(e) => {
                diags.push(Diagnostic::error(dir.to_path_buf(), None, one_line(&e)));
                return (None, diags);
            }
        };
        let sets = load_sets(dir, &sources, &templates, &catalog, &inliner, &mut diags);
        (
            Some(Renderer {
                base,
                sets,
                inliner,
                templates,
                usage,
            }),
            diags,
        )
    }
}

/// Reads the layouts and every template folder: the sources to compile, and the complete
/// templates (a folder missing a required file is reported and left out).
fn read_templates(
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
) -> (Sources, BTreeMap<String, TemplateInfo>) {
    let (found, layouts) = discover(dir, diags);
    let mut sources = Sources::new();
    let mut read = |tera_name: String, path: &Path, diags: &mut Vec<Diagnostic>| {
        if let Some(s) = fsread::read_text(path, diags) {
            sources.push((tera_name, path.to_path_buf(), s));
        }
    };
    for path in &layouts {
        let file = path.file_name().unwrap_or_default().to_string_lossy();
        read(format!("layouts/{file}"), path, diags);
    }
    let mut templates = BTreeMap::new();
    for (name, tdir) in found {
        let mut complete = true;
        for file in REQUIRED_FILES {
            let p = tdir.join(file);
            if p.is_file() {
                read(format!("{name}/{file}"), &p, diags);
            } else {
                complete = false;
                diags.push(Diagnostic::error(
                    p,
                    None,
                    format!("template `{name}` has no {file}"),
                ));
            }
        }
        let text = tdir.join("body.txt");
        let has_text = text.is_file();
        if has_text {
            read(format!("{name}/body.txt"), &text, diags);
        }
        let manifest = load_manifest(&tdir.join("template.toml"), diags);
        if complete {
            templates.insert(
                name.clone(),
                TemplateInfo {
                    samples: fsread::files_in(&tdir.join("samples"), &["json"]),
                    name,
                    dir: tdir,
                    has_text,
                    manifest,
                },
            );
        }
    }
    (sources, templates)
}

/// Lists the template folders under `dir` without parsing anything.
fn discover(dir: &Path, diags: &mut Vec<Diagnostic>) -> (Vec<(String, PathBuf)>, Vec<PathBuf>) {
    let mut templates = Vec::new();
    let mut layouts = Vec::new();
    let Some(folders) = fsread::subfolders(dir, "the templates folder", diags) else {
        return (templates, layouts);
    };
    for (name, path) in folders {
        // Tests make loading panic with a folder named `failpoint-panic-load…`.
        crate::unwind::fault_point("load", &name);
        if name == "layouts" {
            layouts = fsread::files_in(&path, &["html", "txt"]);
        } else if name == "sets" {
            // Template sets: read by `sets` once the defaults are compiled.
        } else if name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            templates.push((name, path));
        } else {
            diags.push(Diagnostic::warning(
                path,
                None,
                format!(
                    "`{name}` is not a template name (lowercase letters, digits and `_`); skipped"
                ),
            ));
        }
    }
    templates.sort();
    (templates, layouts)
}

/// A missing `template.toml` is an empty manifest. A field in `requires` that is not a
/// [`DataField`] is an error (and requires nothing).
fn load_manifest(path: &Path, diags: &mut Vec<Diagnostic>) -> Manifest {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Manifest::default();
    };
    match toml::from_str::<ManifestFile>(&text) {
        Ok(m) => {
            let mut requires = Vec::with_capacity(m.requires.len());
            for name in &m.requires {
                match DataField::from_name(name) {
                    Some(field) => requires.push(field),
                    None => diags.push(Diagnostic::error(
                        path.to_path_buf(),
                        None,
                        format!(
                            "requires `{name}`, which is not a known data field (known: {})",
                            DataField::known()
                        ),
                    )),
                }
            }
            Manifest {
                requires,
                description: m.description,
            }
        }
        Err(e) => {
            diags.push(Diagnostic::error(
                path.to_path_buf(),
                e.span().map(|s| line_of(&text, s.start)),
                format!("invalid template.toml: {}", e.message()),
            ));
            Manifest::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A templates folder with one template, `note`, whose `template.toml` is `manifest`,
    /// loaded with the shipped catalogs.
    fn load_with_manifest(
        manifest: &str,
    ) -> (tempfile::TempDir, Option<Renderer>, Vec<Diagnostic>) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (catalog, diags) = Catalog::load(&root.join("locales"), &"en".parse().unwrap());
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        let dir = tempfile::tempdir().unwrap();
        let note = dir.path().join("note");
        std::fs::create_dir(&note).unwrap();
        std::fs::write(note.join("subject.txt"), "A note").unwrap();
        std::fs::write(note.join("body.html"), "<p>{{ data.url }}</p>").unwrap();
        std::fs::write(note.join("template.toml"), manifest).unwrap();
        let (renderer, diags) = Renderer::load(dir.path(), Arc::new(catalog.unwrap()));
        (dir, renderer, diags)
    }

    #[test]
    fn a_required_field_that_is_not_a_data_field_is_a_load_error_naming_file_and_fields() {
        let (dir, renderer, diags) = load_with_manifest("requires = [\"url\", \"tl_seconds\"]\n");
        let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{diags:?}");
        assert_eq!(
            errors[0].file.as_deref(),
            Some(dir.path().join("note/template.toml").as_path())
        );
        assert_eq!(
            errors[0].message,
            "requires `tl_seconds`, which is not a known data field (known: url, code, ttl_seconds, inviter_name, organization_name, new_email, ip, location, at)"
        );
        // The known field is still required.
        let renderer = renderer.unwrap();
        assert_eq!(
            renderer.templates()["note"].manifest.requires,
            vec![DataField::Url]
        );
    }

    #[test]
    fn every_data_field_can_be_required() {
        let names: Vec<String> = DataField::ALL
            .iter()
            .map(|f| format!("\"{}\"", f.name()))
            .collect();
        let (_dir, renderer, diags) =
            load_with_manifest(&format!("requires = [{}]\n", names.join(", ")));
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        let renderer = renderer.unwrap();
        assert_eq!(
            renderer.templates()["note"].manifest.requires,
            DataField::ALL
        );
    }
}
