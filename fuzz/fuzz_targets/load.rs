//! Loading what designers and translators write: one template's `subject.txt` and
//! `body.html` and its English `.ftl` file come from the input, beside the shipped layouts
//! and the other shipped files. Loading never panics; it either fails with diagnostics or
//! gives a pipeline, which then prepares the template's sample without panicking.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mailroom::config::Settings;
use mailroom::pipeline::Pipeline;

#[derive(Arbitrary, Debug)]
struct Input {
    subject: String,
    body_html: String,
    ftl: String,
}

/// A copy of the shipped templates and locales, English only, made once per process; each
/// input overwrites the welcome template's files in it.
fn tree() -> &'static (tempfile::TempDir, PathBuf, PathBuf) {
    static TREE: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    TREE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dir =
            tempfile::tempdir_in(std::env::var_os("FUZZ_TMP").unwrap_or("/tmp".into())).unwrap();
        let templates = dir.path().join("templates");
        let locales = dir.path().join("locales");
        copy(&root.join("templates"), &templates);
        copy(&root.join("locales/en"), &locales.join("en"));
        (dir, templates, locales)
    })
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fuzz_target!(|input: Input| {
    let (_dir, templates, locales) = tree();
    let welcome = templates.join("welcome_email");
    std::fs::write(welcome.join("subject.txt"), &input.subject).unwrap();
    std::fs::write(welcome.join("body.html"), &input.body_html).unwrap();
    std::fs::write(locales.join("en/welcome_email.ftl"), &input.ftl).unwrap();
    let settings = Settings {
        templates_dir: templates.clone(),
        locales_dir: locales.clone(),
        from: "Acme <no-reply@acme.test>".parse().unwrap(),
        ..Settings::default()
    };
    let (pipeline, _diagnostics) = Pipeline::load(settings);
    let Some(pipeline) = pipeline else {
        return;
    };
    let sample = std::fs::read(welcome.join("samples/default.json")).unwrap();
    if let Err(rejection) = pipeline.prepare(&sample) {
        assert!(
            !rejection.reason.contains("internal error"),
            "a panic was caught: {}",
            rejection.reason
        );
    }
});
