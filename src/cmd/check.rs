//! `mailroom check`: prove every template renders in every locale before a deploy.
//!
//! Reports all problems, then exits 0 (clean or warnings only), 1 (errors) or 2 (could not
//! run). The checks themselves are in [`crate::check`]; this file formats their report as
//! text, JSON or GitHub workflow annotations.

use crate::cli::{CheckArgs, CheckFormat};
use crate::config::Settings;
use crate::render::CssPlan;

pub use crate::check::{Report, check};

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
    for (set, template, reason) in &r.set_css_per_email {
        s.push_str(&format!(
            "CSS inlined per email (slower): {template} in template set {set}: {reason}\n"
        ));
    }
    for (set, changes) in &r.sets {
        s.push_str(&format!(
            "template set {set}: changes {} of {} template(s)\n",
            changes.len(),
            r.css.len()
        ));
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
        "template_sets": r.sets.iter().map(|(name, changes)| {
            (name.clone(), serde_json::json!({ "changes": changes }))
        }).collect::<serde_json::Map<String, serde_json::Value>>(),
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
    use std::path::PathBuf;

    use super::*;
    use crate::diagnostic::Diagnostic;

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
