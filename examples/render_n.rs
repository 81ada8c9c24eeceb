//! Renders and composes N emails of one template and locale, for instruction counts:
//! `valgrind --tool=callgrind target/release/examples/render_n TEMPLATE LOCALE N`.
//! Run with N and 2N and subtract to get the per-email count without start-up.

use std::path::PathBuf;

use mailroom::config::Settings;
use mailroom::pipeline::{Overrides, Pipeline};

fn main() {
    let mut args = std::env::args().skip(1);
    let template = args.next().unwrap_or_else(|| "welcome_email".to_owned());
    let tag = args.next().unwrap_or_else(|| "en".to_owned());
    let n: usize = args.next().map_or(100, |s| s.parse().expect("a count"));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings {
        templates_dir: root.join("templates"),
        locales_dir: root.join("locales"),
        ..Settings::default()
    };
    let p = Pipeline::load_strict(settings)
        .expect("shipped templates load")
        .0;
    let info = p.renderer().template(&template).expect("a template");
    let body = std::fs::read(&info.samples[0]).expect("a sample");
    let event = mailroom::event::parse(body.trim_ascii(), p.parse_options()).expect("an event");
    let locale = p.catalog().index_of(&tag).expect("a locale");
    let o = Overrides {
        template: Some(&template),
        locale: Some(locale),
        per_email_css: std::env::var_os("PER_EMAIL_CSS").is_some(),
        ..Overrides::default()
    };
    let mut total = 0;
    for _ in 0..n {
        let prepared = p.prepare_event(&event, o).expect("renders");
        total += std::hint::black_box(prepared.message.formatted()).len();
    }
    println!("{total}");
}
