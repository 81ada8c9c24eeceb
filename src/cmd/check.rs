//! `mailroom check`: prove every template renders in every locale before a deploy.
//!
//! Reports all problems, then exits 0 (clean or warnings only), 1 (errors) or 2 (could not
//! run). Errors: Tera or Fluent syntax, a message a template uses that the source locale lacks,
//! a translation using a variable its source does not, a sample that fails to render. Warnings:
//! messages missing in a locale (with the fallback named), unused messages, computed ids.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::cli::{CheckArgs, CheckFormat};
use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::i18n::CORE_MESSAGES;
use crate::pipeline::{Overrides, Pipeline};
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

pub fn run(args: CheckArgs, mut settings: Settings) -> anyhow::Result<i32> {
    if let Some(t) = args.templates {
        settings.templates_dir = t;
    }
    if let Some(l) = args.locales {
        settings.locales_dir = l;
    }
    let report = check(settings);
    match args.format {
        CheckFormat::Text => print!("{}", render_report(&report)),
        CheckFormat::Json => println!("{}", report_json(&report)),
        CheckFormat::Github => print!("{}", report_github(&report)),
    }
    Ok(report.exit_code())
}

/// Runs every check; never stops at the first problem.
pub fn check(settings: Settings) -> Report {
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
        return report;
    }
    let (pipeline, diags) = Pipeline::load(settings);
    report.diagnostics = diags;
    let Some(mut pipeline) = pipeline else {
        // No source catalog or no compilable templates: nothing can be rendered, and the
        // diagnostics already say why (they are errors, so the exit status is 1).
        return report;
    };
    // Start-up compared one locale per direction; a deploy check compares them all.
    pipeline.check_preinlined(true, &mut report.diagnostics);
    report.css = pipeline.renderer().css_plans().clone();
    check_messages(&pipeline, &mut report);
    render_samples(&pipeline, &mut report);
    report
        .diagnostics
        .sort_by(|a, b| (b.severity, &a.file, a.line).cmp(&(a.severity, &b.file, b.line)));
    report
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
    let catalog = pipeline.catalog();
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
            // One line per distinct failure, naming the locales it happened in: a broken
            // template fails the same way in every locale, and saying so seven times is noise.
            let mut failures: BTreeMap<String, Vec<&str>> = BTreeMap::new();
            for (index, locale) in catalog.locales().iter().enumerate() {
                report.renders += 1;
                let result = pipeline.prepare_event(
                    &event,
                    Overrides {
                        template: Some(name),
                        locale: Some(index),
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
                    sample.clone(),
                    None,
                    format!(
                        "`{name}` does not render in {}: {reason}",
                        locales.join(", ")
                    ),
                ));
            }
        }
    }
}

/// The human-readable report: diagnostics, coverage table, summary line.
pub fn render_report(r: &Report) -> String {
    let mut s = String::new();
    for d in &r.diagnostics {
        s.push_str(&d.to_string());
        s.push('\n');
    }
    if !r.coverage.is_empty() {
        if !r.diagnostics.is_empty() {
            s.push('\n');
        }
        s.push_str("locale   messages   coverage\n");
        for (tag, (present, total)) in &r.coverage {
            let pct = if *total == 0 {
                100.0
            } else {
                100.0 * *present as f64 / *total as f64
            };
            s.push_str(&format!(
                "{tag:<8} {:>8}   {pct:>7.1}%\n",
                format!("{present}/{total}")
            ));
        }
        s.push('\n');
    }
    let (at_load, per_email): (Vec<_>, Vec<_>) =
        r.css.iter().partition(|(_, p)| **p == CssPlan::Preinlined);
    if !at_load.is_empty() {
        let names: Vec<&str> = at_load.iter().map(|(n, _)| n.as_str()).collect();
        s.push_str(&format!("CSS inlined at load: {}\n", names.join(", ")));
    }
    for (name, plan) in per_email {
        if let CssPlan::PerEmail(reason) = plan {
            s.push_str(&format!(
                "CSS inlined per email (slower): {name}: {reason}\n"
            ));
        }
    }
    s.push_str(&summary(r));
    s
}

/// The last line of the text and GitHub reports: the verdict and the counts.
fn summary(r: &Report) -> String {
    format!(
        "check {}: {} error(s), {} warning(s), {} render(s), {} failed\n",
        verdict(r),
        r.errors(),
        r.warnings(),
        r.renders,
        r.render_failures
    )
}

/// "ok", "failed" or "could not run".
fn verdict(r: &Report) -> &'static str {
    match r.exit_code() {
        0 => "ok",
        1 => "failed",
        _ => "could not run",
    }
}

/// The report as one JSON object, for CI systems that read machine output.
pub fn report_json(r: &Report) -> String {
    let coverage: serde_json::Map<String, serde_json::Value> = r
        .coverage
        .iter()
        .map(|(tag, (present, total))| {
            (
                tag.clone(),
                serde_json::json!({ "present": present, "total": total }),
            )
        })
        .collect();
    let css: serde_json::Map<String, serde_json::Value> = r
        .css
        .iter()
        .map(|(name, plan)| {
            let v = match plan {
                CssPlan::Preinlined => serde_json::json!({ "inlined": "at load" }),
                CssPlan::PerEmail(reason) => {
                    serde_json::json!({ "inlined": "per email", "reason": reason })
                }
            };
            (name.clone(), v)
        })
        .collect();
    serde_json::json!({
        "verdict": verdict(r),
        "exit_code": r.exit_code(),
        "errors": r.errors(),
        "warnings": r.warnings(),
        "renders": r.renders,
        "render_failures": r.render_failures,
        "diagnostics": r.diagnostics,
        "coverage": coverage,
        "css": css,
    })
    .to_string()
}

/// The report as GitHub Actions workflow commands: one `::error` or `::warning` annotation per
/// diagnostic (on its file and line when known), then the verdict as plain text.
pub fn report_github(r: &Report) -> String {
    // https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
    fn data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut s = String::new();
    for d in &r.diagnostics {
        let level = if d.is_error() { "error" } else { "warning" };
        let mut props = Vec::new();
        if let Some(file) = &d.file {
            props.push(format!("file={}", property(&file.display().to_string())));
        }
        if let Some(line) = d.line {
            props.push(format!("line={line}"));
        }
        let props = if props.is_empty() {
            String::new()
        } else {
            format!(" {}", props.join(","))
        };
        s.push_str(&format!("::{level}{props}::{}\n", data(&d.message)));
    }
    s.push_str(&summary(r));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_annotations_escape_what_would_end_them() {
        let report = Report {
            diagnostics: vec![Diagnostic::error(
                Some(PathBuf::from("t/a,b:c.html")),
                Some(3),
                "50% off\nsecond line".to_owned(),
            )],
            ..Report::default()
        };
        let out = report_github(&report);
        assert_eq!(
            out.lines().next().unwrap(),
            "::error file=t/a%2Cb%3Ac.html,line=3::50%25 off%0Asecond line"
        );
    }
}
