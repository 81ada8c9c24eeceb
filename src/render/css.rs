//! How each template's CSS reaches its `style` attributes: inlined once at load where that
//! gives the same document ([`CssPlan::Preinlined`]), else in every email.
//!
//! At load, each HTML file a template uses (its body, the layouts it extends, the partials it
//! includes) is inlined once: the root layout as a document, the others as fragments with the
//! root layout's stylesheet, their Tera code shielded from the inliner (`shield`). The result
//! is compiled once per locale, with argument-less `t()` calls replaced by their text. A file
//! needed under two different stylesheets, or one that cannot be shielded, sends the
//! templates using it back to inlining per email. Whether a pre-inlined template really
//! renders like its per-email form is checked afterwards, on its samples
//! (`Pipeline::check_preinlined`).

use std::collections::BTreeMap;
use std::sync::Arc;

use tera::Tera;

use super::one_line;
use super::shield::{references, shield, style_sheets, unshield};
use super::template::TemplateInfo;
use super::translate::{Fixed, literal_messages, new_tera};
use crate::i18n::{Catalog, Markup};

/// How a template's CSS reaches its `style` attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CssPlan {
    /// Inlined once at load (see the `css` module).
    Preinlined,
    /// Inlined in every rendered email, for this reason.
    PerEmail(String),
}

/// The inliner of every page: no remote stylesheets (rendering does no I/O), and `@media`
/// rules kept in the `<style>` element for the clients that read them.
pub(super) fn new_inliner() -> css_inline::CSSInliner<'static> {
    css_inline::CSSInliner::options()
        .load_remote_stylesheets(false)
        .keep_at_rules(true)
        .build()
}

/// (Tera name, path, source) of every template file.
pub(super) type Sources = [(String, std::path::PathBuf, String)];

/// Builds the pre-inlined Teras (one per locale) and decides each template's [`CssPlan`].
/// The Teras are empty when no template could be pre-inlined.
pub(super) fn preinline_templates(
    sources: &Sources,
    templates: &BTreeMap<String, TemplateInfo>,
    inliner: &css_inline::CSSInliner<'static>,
    catalog: &Arc<Catalog>,
    fixed: &Arc<Fixed>,
) -> (Vec<Tera>, BTreeMap<String, CssPlan>) {
    let source: BTreeMap<&str, &str> = sources
        .iter()
        .map(|(n, _, s)| (n.as_str(), s.as_str()))
        .collect();
    let (modes, uses, mut plans) = plan(&source, templates);
    let mut inlined: BTreeMap<&str, String> = BTreeMap::new();
    for (file, mode) in &modes {
        match inline_file(source[file], mode.as_deref(), inliner) {
            Ok(html) => {
                inlined.insert(file, html);
            }
            Err(reason) => {
                for t in &uses[file] {
                    plans.insert(
                        (*t).to_owned(),
                        CssPlan::PerEmail(format!("{file}: {reason}")),
                    );
                }
            }
        }
    }
    if !plans.values().any(|p| *p == CssPlan::Preinlined) {
        return (Vec::new(), plans);
    }
    match compile_localized(sources, &inlined, catalog, fixed) {
        Ok(localized) => (localized, plans),
        Err(e) => {
            let reason = format!("the pre-inlined templates do not compile: {}", one_line(&e));
            for plan in plans.values_mut() {
                *plan = CssPlan::PerEmail(reason.clone());
            }
            (Vec::new(), plans)
        }
    }
}

/// File → the stylesheet it is inlined with (`None`: it is the document, with its own).
type Modes<'a> = BTreeMap<&'a str, Option<String>>;
/// File → the templates that use it.
type Uses<'a> = BTreeMap<&'a str, Vec<&'a str>>;

/// Each template's plan before inlining, and how each file it uses would be inlined. A
/// template whose files cannot all be inlined one way is inlined per email.
fn plan<'a>(
    source: &BTreeMap<&'a str, &'a str>,
    templates: &'a BTreeMap<String, TemplateInfo>,
) -> (Modes<'a>, Uses<'a>, BTreeMap<String, CssPlan>) {
    let mut modes = Modes::new();
    let mut uses = Uses::new();
    let mut plans = BTreeMap::new();
    for name in templates.keys() {
        let plan = files_of(name, source).and_then(|files| {
            for (file, mode) in &files {
                if modes.get(file).is_some_and(|m| m != mode) {
                    return Err(format!("{file} is used with two different stylesheets"));
                }
            }
            for (file, mode) in files {
                modes.insert(file, mode);
                uses.entry(file).or_default().push(name.as_str());
            }
            Ok(())
        });
        plans.insert(
            name.clone(),
            match plan {
                Ok(()) => CssPlan::Preinlined,
                Err(reason) => CssPlan::PerEmail(reason),
            },
        );
    }
    (modes, uses, plans)
}

/// Every HTML file template `name` reaches from its body (through `extends` and `include`),
/// each with the stylesheet it is inlined with: `None` for the root of the `extends` chain,
/// which is inlined as a document, else the root's stylesheet.
fn files_of<'a>(
    name: &str,
    source: &BTreeMap<&'a str, &'a str>,
) -> Result<Vec<(&'a str, Option<String>)>, String> {
    let body = format!("{name}/body.html");
    let (body, _) = source.get_key_value(body.as_str()).ok_or("no body.html")?;
    let mut files: Vec<&str> = vec![body];
    let mut root = *body;
    let mut i = 0;
    while i < files.len() {
        let file = files[i];
        i += 1;
        for (target, extends) in references(source[file])? {
            let (target, _) = source
                .get_key_value(target.as_str())
                .ok_or_else(|| format!("{file} names `{target}`, which is not loaded"))?;
            if !target.ends_with(".html") {
                return Err(format!("{file} uses {target}, not an .html file"));
            }
            if extends && file == root {
                root = target;
            }
            if !files.contains(target) {
                files.push(target);
            }
        }
    }
    let css = style_sheets(source[root]);
    Ok(files
        .into_iter()
        .map(|f| (f, (f != root).then(|| css.clone())))
        .collect())
}

/// One file's source with its CSS inlined and its Tera code put back.
fn inline_file(
    src: &str,
    stylesheet: Option<&str>,
    inliner: &css_inline::CSSInliner<'static>,
) -> Result<String, String> {
    let s = shield(src)?;
    let html = match stylesheet {
        None => inliner.inline(&s.html),
        Some(css) => inliner.inline_fragment(&s.html, css),
    }
    .map_err(|e| format!("CSS inlining failed: {e}"))?;
    unshield(&html, &s.pieces)
}

/// One Tera per locale over every file, the inlined form where there is one, with literal
/// messages replaced by that locale's text.
fn compile_localized(
    sources: &Sources,
    inlined: &BTreeMap<&str, String>,
    catalog: &Arc<Catalog>,
    fixed: &Arc<Fixed>,
) -> Result<Vec<Tera>, tera::Error> {
    (0..catalog.locales().len())
        .map(|locale| {
            let mut tera = new_tera(catalog.clone(), fixed.clone(), Some(locale));
            tera.add_raw_templates(sources.iter().map(|(n, _, s)| {
                let s = inlined.get(n.as_str()).map_or(s.as_str(), String::as_str);
                // Tera's rule for autoescaping, which decides the bundle `t()` would use.
                let markup = if n.ends_with(".html") {
                    Markup::Html
                } else {
                    Markup::Text
                };
                (n.as_str(), literal_messages(s, fixed, locale, markup))
            }))
            .map(|()| tera)
        })
        .collect()
}
