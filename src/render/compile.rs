//! Compiling a set of template sources into a [`Variant`]: the syntax check that names each
//! broken file and line, then Tera, the pre-inlined Teras and the CSS plans. The defaults
//! (`load`) and each template set (`sets`) are compiled the same way.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::Variant;
use super::css::preinline_templates;
use super::scan::{MessageUse, scan_metadata_reads, scan_unsafe_html};
use super::template::TemplateInfo;
use super::translate::{Fixed, new_tera};
use crate::diagnostic::Diagnostic;
use crate::i18n::Catalog;

/// (Tera name, path, source) of every file to compile.
pub(super) type Sources = Vec<(String, PathBuf, String)>;

/// Compiles `sources` with `catalog`: the Tera, the pre-inlined Teras and each template's
/// CSS plan. `templates` are the ones to plan (a set compiles only those it changes).
pub(super) fn compile_variant(
    sources: &Sources,
    templates: &BTreeMap<String, TemplateInfo>,
    usage: &[MessageUse],
    catalog: Arc<Catalog>,
    inliner: &css_inline::CSSInliner<'static>,
) -> Result<Variant, tera::Error> {
    let fixed = Arc::new(Fixed::build(&catalog, usage));
    let mut tera = new_tera(catalog.clone(), fixed.clone(), None);
    tera.add_raw_templates(sources.iter().map(|(n, _, s)| (n.as_str(), s.as_str())))?;
    let (preinlined, plans) = preinline_templates(sources, templates, inliner, &catalog, &fixed);
    Ok(Variant {
        tera,
        preinlined,
        plans,
        catalog,
        shows_expiry_time: sources.iter().any(|(_, _, src)| src.contains("expires_at")),
    })
}

/// Syntax first, one file at a time, so every broken file is reported with its line.
/// Inheritance is resolved afterwards, when all files are compiled together.
pub(super) fn syntax_ok(
    sources: &Sources,
    catalog: &Arc<Catalog>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let mut ok = true;
    for (name, path, src) in sources {
        let mut probe = new_tera(catalog.clone(), Arc::default(), None);
        if let Err(e) = probe.add_raw_template(name, src)
            && let tera::ErrorKind::SyntaxError(report) = e.kind()
        {
            ok = false;
            diags.push(Diagnostic::error(
                path.clone(),
                Some(report.span().start_line),
                format!("template syntax error: {}", report.message()),
            ));
        }
    }
    ok
}

/// The warnings `check` gives about template code itself: event data where escaping is not
/// enough, and metadata read without a default.
pub(super) fn lint(sources: &Sources, diags: &mut Vec<Diagnostic>) {
    for (_, path, src) in sources {
        if path.extension().is_some_and(|e| e == "html") {
            diags.extend(scan_unsafe_html(path, src));
        }
        diags.extend(scan_metadata_reads(path, src));
    }
}
