//! The checks behind `mailroom check` and the worker's reload: load templates and catalogs,
//! then prove every template renders in every locale with every sample.
//!
//! Errors: Tera or Fluent syntax, a message a template uses that the source locale lacks, a
//! translation using a variable its source does not, a sample that fails to render.
//! Warnings: messages missing in a locale (with the fallback named), unused messages,
//! computed ids. The command (`cmd::check`) only formats the [`Report`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::i18n::CORE_MESSAGES;
use crate::pipeline::{Overrides, Pipeline, SetChoice};
use crate::render::CssPlan;

/// The result of a check, for the command and for tests.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Renders attempted and failed (template × locale × sample).
    pub renders: usize,
    pub render_failures: usize,
    /// Locale tag → (messages used by templates that it defines, messages used).
    pub coverage: BTreeMap<String, (usize, usize)>,
    /// The check could not run at all (folders unreadable, source locale missing).
    pub could_not_run: bool,
    /// How each template's CSS is inlined: once at load, or per email (and why).
    pub css: BTreeMap<String, CssPlan>,
    /// Template set → the templates whose email it changes (the others render as the
    /// defaults do).
    pub sets: BTreeMap<String, Vec<String>>,
    /// (set, template, reason) for each template a set inlines per email.
    pub set_css_per_email: Vec<(String, String, String)>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    pub fn exit_code(&self) -> i32 {
        if self.could_not_run {
            2
        } else if self.errors() > 0 {
            1
        } else {
            0
        }
    }
}

/// Runs every check; never stops at the first problem.
pub fn check(settings: Settings) -> Report {
    check_keeping(settings).1
}

/// [`check`], also returning the checked pipeline (when templates and catalogs could be
/// built), so a reload can put into service exactly the set it checked.
pub fn check_keeping(settings: Settings) -> (Option<Pipeline>, Report) {
    let mut report = Report::default();
    for (dir, what) in [
        (&settings.templates_dir, "templates"),
        (&settings.locales_dir, "locales"),
    ] {
        if !dir.is_dir() {
            report.could_not_run = true;
            report.diagnostics.push(Diagnostic::error(
                dir.clone(),
                None,
                format!("the {what} folder does not exist"),
            ));
        }
    }
    if report.could_not_run {
        return (None, report);
    }
    let (pipeline, diags) = Pipeline::load(settings);
    report.diagnostics = diags;
    let Some(mut pipeline) = pipeline else {
        // No source catalog or no compilable templates: nothing can be rendered, and the
        // diagnostics already say why (they are errors, so the exit status is 1).
        return (None, report);
    };
    // Start-up compared one locale per direction; a deploy check compares them all.
    pipeline.check_preinlined(true, &mut report.diagnostics);
    report.css = pipeline.renderer().css_plans().clone();
    for set in pipeline.renderer().sets() {
        let changes: Vec<String> = pipeline
            .renderer()
            .templates()
            .keys()
            .filter(|t| set.covers(t))
            .cloned()
            .collect();
        report.sets.insert(set.name().to_owned(), changes);
        for (template, plan) in set.css_plans() {
            if let CssPlan::PerEmail(reason) = plan {
                report.set_css_per_email.push((
                    set.name().to_owned(),
                    template.clone(),
                    reason.clone(),
                ));
            }
        }
    }
    check_messages(&pipeline, &mut report);
    check_set_messages(&pipeline, &mut report);
    render_samples(&pipeline, &mut report);
    report
        .diagnostics
        .sort_by(|a, b| (b.severity, &a.file, a.line).cmp(&(a.severity, &b.file, b.line)));
    (Some(pipeline), report)
}

fn check_messages(pipeline: &Pipeline, report: &mut Report) {
    let catalog = pipeline.catalog();
    let source = catalog.source();
    let mut used: BTreeSet<&str> = CORE_MESSAGES.iter().copied().collect();
    for u in pipeline.renderer().message_uses() {
        match &u.id {
            Some(id) => {
                used.insert(id);
                if !source.has_message(id) {
                    report.diagnostics.push(Diagnostic::error(
                        u.file.clone(),
                        Some(u.line),
                        format!(
                            "message `{id}` does not exist in the source locale `{}`",
                            source.tag
                        ),
                    ));
                }
            }
            None => report.diagnostics.push(Diagnostic::warning(
                u.file.clone(),
                Some(u.line),
                "computed message id: check cannot verify it exists".to_owned(),
            )),
        }
    }
    let used_in_source: Vec<&str> = used
        .iter()
        .copied()
        .filter(|id| source.has_message(id))
        .collect();
    for locale in catalog.locales() {
        let present = used_in_source
            .iter()
            .filter(|id| locale.has_message(id))
            .count();
        report
            .coverage
            .insert(locale.tag.clone(), (present, used_in_source.len()));
        if locale.tag != source.tag {
            for id in used_in_source.iter().filter(|id| !locale.has_message(id)) {
                let (file, _, _) = source.definition(id).expect("checked above");
                let folder = pipeline.settings().locales_dir.join(&locale.tag);
                let name = file.file_name().map(PathBuf::from).unwrap_or_default();
                report.diagnostics.push(Diagnostic::warning(
                    folder.join(name),
                    None,
                    format!(
                        "`{}` lacks message `{id}` (falls back to `{}`)",
                        locale.tag, source.tag
                    ),
                ));
            }
        }
        for file in &locale.files {
            for (id, (line, _)) in &file.messages {
                if !used.contains(id.as_str()) {
                    report.diagnostics.push(Diagnostic::warning(
                        file.path.clone(),
                        Some(*line),
                        format!("message `{id}` is not used by any template"),
                    ));
                }
            }
        }
    }
}

fn render_samples(pipeline: &Pipeline, report: &mut Report) {
    let sets = pipeline.renderer().sets();
    for (name, info) in pipeline.renderer().templates() {
        if info.samples.is_empty() {
            report.diagnostics.push(Diagnostic::error(
                info.dir.join("samples"),
                None,
                format!("template `{name}` has no samples, so check cannot render it"),
            ));
            continue;
        }
        for sample in &info.samples {
            let event = match std::fs::read(sample)
                .map_err(|e| e.to_string())
                .and_then(|b| {
                    crate::event::parse(b.trim_ascii(), pipeline.parse_options())
                        .map_err(|e| e.to_string())
                }) {
                Ok(e) => e,
                Err(e) => {
                    report.diagnostics.push(Diagnostic::error(
                        sample.clone(),
                        None,
                        format!("sample is not a valid event: {e}"),
                    ));
                    continue;
                }
            };
            // The defaults, then every set: each sample renders in each of them.
            let variants = std::iter::once((SetChoice::Defaults, String::new())).chain(
                sets.iter().enumerate().map(|(i, s)| {
                    (
                        SetChoice::Set(i),
                        format!(" in template set `{}`", s.name()),
                    )
                }),
            );
            for (set, label) in variants {
                render_sample(pipeline, report, name, sample, &event, set, &label);
            }
        }
    }
}

/// One sample in every locale, with the defaults or one set.
fn render_sample(
    pipeline: &Pipeline,
    report: &mut Report,
    name: &str,
    sample: &std::path::Path,
    event: &crate::event::Event,
    set: SetChoice,
    label: &str,
) {
    // One line per distinct failure, naming the locales it happened in: a broken template
    // fails the same way in every locale, and saying so seven times is noise.
    let mut failures: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (index, locale) in pipeline.catalog().locales().iter().enumerate() {
        report.renders += 1;
        let result = pipeline.prepare_event(
            event,
            Overrides {
                template: Some(name),
                locale: Some(index),
                set,
                ..Overrides::default()
            },
        );
        if let Err(r) = result {
            report.render_failures += 1;
            failures.entry(r.reason).or_default().push(&locale.tag);
        }
    }
    for (reason, locales) in failures {
        report.diagnostics.push(Diagnostic::error(
            sample.to_path_buf(),
            None,
            format!(
                "`{name}`{label} does not render in {}: {reason}",
                locales.join(", ")
            ),
        ));
    }
}

/// A set's own template files may name only messages its catalog has; a set message no
/// template uses, or one a locale lacks (it falls back to the source), is a warning.
fn check_set_messages(pipeline: &Pipeline, report: &mut Report) {
    let renderer = pipeline.renderer();
    let base = pipeline.catalog();
    for set in renderer.sets() {
        let catalog = set.catalog();
        let source = catalog.source();
        let mut used: BTreeSet<&str> = CORE_MESSAGES.iter().copied().collect();
        let uses = renderer.message_uses().iter().chain(set.message_uses());
        used.extend(uses.filter_map(|u| u.id.as_deref()));
        for u in set.message_uses() {
            match &u.id {
                Some(id) if !source.has_message(id) => {
                    report.diagnostics.push(Diagnostic::error(
                        u.file.clone(),
                        Some(u.line),
                        format!(
                            "message `{id}` exists neither in the source locale `{}` nor in its file for template set `{}`",
                            source.tag,
                            set.name()
                        ),
                    ));
                }
                Some(_) => {}
                None => report.diagnostics.push(Diagnostic::warning(
                    u.file.clone(),
                    Some(u.line),
                    "computed message id: check cannot verify it exists".to_owned(),
                )),
            }
        }
        let Some(files) = base.sets().get(set.name()) else {
            continue;
        };
        for file in files {
            for (id, (line, _)) in &file.info.messages {
                if !used.contains(id.as_str()) {
                    report.diagnostics.push(Diagnostic::warning(
                        file.info.path.clone(),
                        Some(*line),
                        format!("message `{id}` is not used by any template"),
                    ));
                }
            }
        }
        // Messages only the set has, missing in a locale: they fall back to the set's source.
        let own_only: BTreeSet<&str> = used
            .iter()
            .copied()
            .filter(|id| source.has_message(id) && !base.source().has_message(id))
            .collect();
        for locale in catalog.locales().iter().filter(|l| l.tag != source.tag) {
            for id in own_only.iter().filter(|id| !locale.has_message(id)) {
                report.diagnostics.push(Diagnostic::warning(
                    pipeline
                        .settings()
                        .locales_dir
                        .join(&locale.tag)
                        .join("sets")
                        .join(format!("{}.ftl", set.name())),
                    None,
                    format!(
                        "`{}` lacks message `{id}` of template set `{}` (falls back to `{}`)",
                        locale.tag,
                        set.name(),
                        source.tag
                    ),
                ));
            }
        }
    }
}
