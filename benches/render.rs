//! Render + compose throughput over the shipped templates and every locale, on one core, no
//! I/O: `cargo bench --bench render`. The figure that matters is emails per second per core,
//! which is 1 / (time per iteration).

use std::path::PathBuf;

/// The allocator the binary uses (src/main.rs), so the figures are the product's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mailroom::config::Settings;
use mailroom::pipeline::{Overrides, Pipeline};

fn pipeline() -> Pipeline {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings {
        templates_dir: root.join("templates"),
        locales_dir: root.join("locales"),
        ..Settings::default()
    };
    Pipeline::load_strict(settings)
        .expect("shipped templates load")
        .0
}

fn sample(p: &Pipeline, template: &str) -> mailroom::event::Event {
    let info = p.renderer().template(template).unwrap();
    let body = std::fs::read(&info.samples[0]).unwrap();
    mailroom::event::parse(body.trim_ascii(), p.parse_options()).unwrap()
}

fn render_and_compose(c: &mut Criterion) {
    let p = pipeline();
    let mut group = c.benchmark_group("render_compose");
    group.throughput(Throughput::Elements(1));
    for template in ["verify_email", "verify_email_by_code", "welcome_email"] {
        let event = sample(&p, template);
        for (index, locale) in p.catalog().locales().iter().enumerate() {
            let overrides = Overrides {
                template: Some(template),
                locale: Some(index),
                ..Overrides::default()
            };
            group.bench_with_input(
                BenchmarkId::new(template, &locale.tag),
                &overrides,
                |b, o| {
                    b.iter(|| {
                        let prepared = p.prepare_event(&event, *o).unwrap();
                        // The full MIME bytes, as a transport would write them.
                        std::hint::black_box(prepared.message.formatted());
                    })
                },
            );
        }
    }
    group.finish();
}

/// Every shipped template (its first sample) in four locales of different scripts and
/// plural rules: the catalog's emails each cost about what the first three do. The security
/// notices also format `data.at` in the reader's zone (ICU4X).
fn catalog(c: &mut Criterion) {
    let p = pipeline();
    let mut group = c.benchmark_group("catalog");
    group.throughput(Throughput::Elements(1));
    group.warm_up_time(std::time::Duration::from_secs(1));
    group.measurement_time(std::time::Duration::from_secs(2));
    let templates: Vec<String> = p.renderer().templates().keys().cloned().collect();
    for template in &templates {
        let event = sample(&p, template);
        for tag in ["en", "de", "ja", "ar"] {
            let overrides = Overrides {
                template: Some(template),
                locale: Some(p.catalog().index_of(tag).unwrap()),
                ..Overrides::default()
            };
            group.bench_with_input(BenchmarkId::new(template, tag), &overrides, |b, o| {
                b.iter(|| {
                    let prepared = p.prepare_event(&event, *o).unwrap();
                    std::hint::black_box(prepared.message.formatted());
                })
            });
        }
    }
    group.finish();
}

/// An email of a template set beside the same email from the defaults: a set is compiled at
/// load like the defaults, so the two should cost the same.
fn template_set(c: &mut Criterion) {
    use mailroom::pipeline::SetChoice;
    let p = pipeline();
    let b2b = p.renderer().set_index("b2b").expect("the example set b2b");
    let mut group = c.benchmark_group("template_set");
    group.throughput(Throughput::Elements(1));
    for template in ["verify_email", "welcome_email"] {
        let event = sample(&p, template);
        for tag in ["en", "de", "ar"] {
            let locale = p.catalog().index_of(tag).unwrap();
            for (name, set) in [
                ("defaults", SetChoice::Defaults),
                ("b2b", SetChoice::Set(b2b)),
            ] {
                let overrides = Overrides {
                    template: Some(template),
                    locale: Some(locale),
                    set,
                    ..Overrides::default()
                };
                group.bench_with_input(
                    BenchmarkId::new(format!("{template}/{tag}"), name),
                    &overrides,
                    |b, o| {
                        b.iter(|| {
                            let prepared = p.prepare_event(&event, *o).unwrap();
                            std::hint::black_box(prepared.message.formatted());
                        })
                    },
                );
            }
        }
    }
    group.finish();
}

/// The whole core from wire bytes, over the reference workload's mix when it is present.
fn from_wire_bytes(c: &mut Criterion) {
    let p = pipeline();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let events: Vec<u8> = std::fs::read(root.join("examples/events.jsonl")).unwrap();
    let lines: Vec<&[u8]> = events
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let mut group = c.benchmark_group("wire");
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.bench_function("examples", |b| {
        b.iter(|| {
            for line in &lines {
                let prepared = p.prepare(line).unwrap();
                std::hint::black_box(prepared.message.formatted());
            }
        })
    });
    group.finish();
}

/// The cost of DKIM signing per email: the signature alone over a composed verification email
/// (RSA-2048, Ed25519, both), and the whole prepare step without and with each key.
fn dkim(c: &mut Criterion) {
    use mailroom::dkim::{Dkim, Key};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let key = |name: &str| {
        let path = root.join("tests/fixtures").join(name);
        Key::from_pem(&path, &std::fs::read(&path).unwrap()).unwrap()
    };
    let signer = |names: &[&str]| {
        let keys = names.iter().map(|n| key(n)).collect();
        std::sync::Arc::new(Dkim::new(keys, &["s1".to_owned()], "mailroom.localhost"))
    };
    let kinds = [
        ("rsa2048", &["dkim-rsa.pem"][..]),
        ("ed25519", &["dkim-ed25519.pem"][..]),
        ("both", &["dkim-rsa.pem", "dkim-ed25519.pem"][..]),
    ];
    let plain = pipeline();
    let event = sample(&plain, "verify_email");
    let overrides = Overrides {
        template: Some("verify_email"),
        ..Overrides::default()
    };
    let message = plain.prepare_event(&event, overrides).unwrap().message;

    let mut group = c.benchmark_group("dkim");
    group.throughput(Throughput::Elements(1));
    for (name, files) in kinds {
        let dkim = signer(files);
        group.bench_function(BenchmarkId::new("sign", name), |b| {
            b.iter(|| std::hint::black_box(dkim.sign(message.bytes()).unwrap()))
        });
    }
    group.bench_function(BenchmarkId::new("prepare", "unsigned"), |b| {
        b.iter(|| std::hint::black_box(plain.prepare_event(&event, overrides).unwrap()))
    });
    for (name, files) in kinds {
        let mut settings = plain.settings().clone();
        settings.dkim = Some(signer(files));
        let signed = Pipeline::load_strict(settings).unwrap().0;
        group.bench_function(BenchmarkId::new("prepare", name), |b| {
            b.iter(|| std::hint::black_box(signed.prepare_event(&event, overrides).unwrap()))
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    render_and_compose,
    catalog,
    template_set,
    from_wire_bytes,
    dkim
);
criterion_main!(benches);
