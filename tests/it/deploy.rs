//! The operator artifacts in `deploy/`: the Prometheus alert rules pass `promtool check rules`
//! and their unit tests (`promtool test rules`), and every series the rules and the Grafana
//! dashboard query is one the worker exports (so a renamed series cannot leave a panel
//! silently empty); the Auth0 Action passes its self-test under Node (and, in `serve.rs`,
//! runs against a live `serve`); the Terraform example parses and names only stubs that exist.

use std::collections::BTreeSet;
use std::process::Command;

use crate::helpers::root;

fn promtool(args: &[&str]) -> std::process::Output {
    Command::new("promtool")
        .current_dir(root())
        .args(args)
        .output()
        .expect("promtool is installed (scripts/setup-test-env.sh installs the prometheus package)")
}

#[test]
fn the_alert_rules_pass_promtool_and_their_unit_tests() {
    for args in [
        &["check", "rules", "deploy/prometheus/mailroom-alerts.yml"][..],
        &[
            "test",
            "rules",
            "deploy/prometheus/mailroom-alerts.test.yml",
        ][..],
    ] {
        let o = promtool(args);
        assert!(
            o.status.success(),
            "promtool {args:?}:\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// Every sample name the registry writes: counters as `_total`, histograms with their
/// `_bucket`, `_count` and `_sum`.
fn exported() -> BTreeSet<String> {
    // Families appear once they have a member: count one of each (this test binary's
    // registry is its own, not a worker's).
    use mailroom::metrics;
    metrics::email_sent("verify_email", "en", "user_metadata.lang");
    metrics::dead_letter("render");
    metrics::retry("verify_email");
    metrics::translation_fallback("de");
    metrics::lookup("user", "found", 0.001);
    metrics::store_op("claim", 0.001);
    metrics::ingest("events", 202, 0.001);
    let mut names = BTreeSet::new();
    for line in mailroom::metrics::encode().lines() {
        let mut words = line.split_whitespace();
        if let (Some("#"), Some("TYPE"), Some(name), Some(kind)) =
            (words.next(), words.next(), words.next(), words.next())
        {
            match kind {
                "counter" => {
                    names.insert(format!("{name}_total"));
                }
                "histogram" => {
                    for suffix in ["_bucket", "_count", "_sum"] {
                        names.insert(format!("{name}{suffix}"));
                    }
                }
                _ => {
                    names.insert(name.to_owned());
                }
            }
        }
    }
    names
}

/// The `mailroom_…` names an expression uses.
fn used(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = expr;
    while let Some(at) = rest.find("mailroom_") {
        let name: String = rest[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        rest = &rest[at + name.len()..];
        out.push(name);
    }
    out
}

#[test]
fn the_dashboard_and_the_rules_query_only_series_the_worker_exports() {
    let exported = exported();
    let text =
        std::fs::read_to_string(root().join("deploy/grafana/mailroom-dashboard.json")).unwrap();
    let dashboard: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut queried = BTreeSet::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            for name in used(expr) {
                assert!(
                    exported.contains(&name),
                    "panel `{}` queries {name}, which is not exported ({exported:?})",
                    panel["title"]
                );
                queried.insert(name);
            }
        }
    }
    // What the issue asks the dashboard to show.
    for series in [
        "mailroom_emails_sent_total",
        "mailroom_dead_letters_total",
        "mailroom_retries_total",
        "mailroom_smtp_send_seconds_bucket",
        "mailroom_translation_fallbacks_total",
        "mailroom_lang_source_total",
        "mailroom_reloads_total",
    ] {
        assert!(queried.contains(series), "no panel shows {series}");
    }
    let rules =
        std::fs::read_to_string(root().join("deploy/prometheus/mailroom-alerts.yml")).unwrap();
    for line in rules.lines().filter(|l| !l.trim_start().starts_with('#')) {
        for name in used(line) {
            assert!(
                exported.contains(&name),
                "the rules use {name}, which is not exported"
            );
        }
    }
}

fn run(program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .current_dir(root())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs (scripts/setup-test-env.sh installs it): {e}"))
}

#[test]
fn the_auth0_action_passes_its_self_test_under_node() {
    let o = run("node", &["deploy/auth0/test/selftest.mjs"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("selftest:") && out.contains("passed"), "{out}");
}

#[test]
fn the_terraform_example_parses_and_uses_every_stub() {
    let o = run("python3", &["scripts/check-terraform.py"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("check-terraform: ok"), "{out}");
}
