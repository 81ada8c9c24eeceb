//! DKIM signatures checked by an independent verifier: dkimpy, through
//! `scripts/dkim_verify.py`, fed the DNS records mailroom prints (no DNS is asked). Every
//! template × sample × locale, 8bit and 7-bit, through the preview, the outbox and a real SMTP
//! delivery; and a changed header or body byte must fail.
//!
//! The keys in `tests/fixtures/dkim-*.pem` are test keys, generated for these tests only.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use mailroom::compose::BodyEncoding;
use mailroom::dkim::{Dkim, Key};
use mailroom::pipeline::{Overrides, Pipeline};
use serde_json::{Value, json};

use crate::broker::{Reply, Smtp, TestWorker, cleanup, publish, publisher, queue_name, state_dir};
use crate::helpers::{base_event, mailroom_with, root, settings, with};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

const RSA: &str = "dkim-rsa.pem";
const ED25519: &str = "dkim-ed25519.pem";

/// Both test keys, selectors `rsa1` and `ed1`, at acme.test (the sender's domain).
fn dual() -> Dkim {
    let keys = [RSA, ED25519]
        .iter()
        .map(|name| {
            let path = fixture(name);
            Key::from_pem(&path, &std::fs::read(&path).unwrap()).unwrap()
        })
        .collect();
    Dkim::new(keys, &["rsa1".to_owned(), "ed1".to_owned()], "acme.test")
}

fn dual_env() -> Vec<(&'static str, String)> {
    vec![
        (
            "MAILROOM_DKIM_KEY",
            format!("{},{}", fixture(RSA).display(), fixture(ED25519).display()),
        ),
        ("MAILROOM_DKIM_SELECTOR", "rsa1,ed1".to_owned()),
    ]
}

fn env_refs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The records as `mailroom dkim-record --format json` prints them.
fn records_json(dkim: &Dkim) -> Vec<u8> {
    let list: Vec<Value> = dkim
        .records()
        .iter()
        .map(|r| json!({ "name": r.name, "value": r.value }))
        .collect();
    serde_json::to_vec(&list).unwrap()
}

/// dkimpy's verdict on each file: one `Vec<bool>` per file (one entry per signature).
fn verify(records: &[u8], files: &[PathBuf]) -> Vec<Vec<bool>> {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("records.json");
    std::fs::write(&rec, records).unwrap();
    let mut verdicts = Vec::new();
    // A few hundred files per run keeps the command line short.
    for chunk in files.chunks(200) {
        let out = std::process::Command::new("python3")
            .arg(root().join("scripts/dkim_verify.py"))
            .arg(&rec)
            .args(chunk)
            .output()
            .expect("python3 runs (scripts/setup-test-env.sh installs it)");
        assert_ne!(
            out.status.code(),
            Some(2),
            "the verifier cannot run: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            verdicts.push(
                v["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|b| b.as_bool().unwrap())
                    .collect(),
            );
        }
    }
    assert_eq!(verdicts.len(), files.len(), "one verdict per file");
    verdicts
}

/// `bytes` with the first occurrence of `from` (after `at`) replaced by `to`.
fn tamper(bytes: &[u8], at: &[u8], from: u8, to: u8) -> Vec<u8> {
    let start = bytes
        .windows(at.len())
        .position(|w| w == at)
        .expect("the marker is in the message")
        + at.len();
    let mut out = bytes.to_vec();
    let i = start
        + out[start..]
            .iter()
            .position(|b| *b == from)
            .expect("the byte to change is there");
    out[i] = to;
    out
}

#[test]
fn every_template_sample_and_locale_verifies_and_any_change_fails() {
    let dkim = Arc::new(dual());
    let mut s = settings();
    s.dkim = Some(dkim.clone());
    let pipeline = Pipeline::load_strict(s).unwrap().0;
    let dir = tempfile::tempdir().unwrap();
    let mut signed = Vec::new();
    let mut tampered = Vec::new();
    let locales = pipeline.catalog().locales().len();

    // A long non-ASCII display name makes a long encoded, folded To.
    let long_name = "محمد عبد الرحمن بن سليمان الهاشمي 🌟 Ünïcødé Ñame with ‘quotes’ and more";
    let extra = with(base_event(), "user.name", json!(long_name));
    let mut events = vec![(
        "verify_email".to_owned(),
        "long-name".to_owned(),
        pipeline.parse(extra.to_string().as_bytes()).unwrap(),
    )];
    for (name, info) in pipeline.renderer().templates() {
        for sample in &info.samples {
            let event = pipeline.parse(&std::fs::read(sample).unwrap()).unwrap();
            let stem = sample.file_stem().unwrap().to_string_lossy().into_owned();
            events.push((name.clone(), stem, event));
        }
    }
    for (template, stem, event) in &events {
        for locale in 0..locales {
            for (enc_name, encoding) in [
                ("8bit", BodyEncoding::EightBit),
                ("7bit", BodyEncoding::SevenBit),
            ] {
                let overrides = Overrides {
                    template: Some(template),
                    locale: Some(locale),
                    encoding,
                    ..Overrides::default()
                };
                let p = pipeline
                    .prepare_event(event, overrides)
                    .unwrap_or_else(|r| panic!("{template}/{stem}: {r}"));
                let bytes = p.message.bytes();
                let tag = &pipeline.catalog().locale(locale).tag;
                let base = dir
                    .path()
                    .join(format!("{template}-{stem}-{tag}-{enc_name}"));
                let file = base.with_extension("eml");
                std::fs::write(&file, bytes).unwrap();
                signed.push(file);
                if enc_name == "8bit" && stem == "default" {
                    // One header byte, one byte of the text part, one of the HTML part.
                    let changes = [
                        tamper(bytes, b"\r\nSubject: ", b'=', b'-'),
                        tamper(bytes, b"\r\nTo: ", b'@', b'.'),
                        tamper(
                            bytes,
                            b"Content-Type: text/plain; charset=utf-8\r\n",
                            b'\n',
                            b' ',
                        ),
                        tamper(bytes, b"<body", b'>', b' '),
                    ];
                    for (i, c) in changes.into_iter().enumerate() {
                        let file = base.with_extension(format!("tampered{i}.eml"));
                        std::fs::write(&file, c).unwrap();
                        tampered.push(file);
                    }
                }
            }
        }
    }
    let records = records_json(&dkim);
    let verdicts = verify(&records, &signed);
    for (file, v) in signed.iter().zip(&verdicts) {
        assert_eq!(v, &[true, true], "{} does not verify", file.display());
    }
    let verdicts = verify(&records, &tampered);
    for (file, v) in tampered.iter().zip(&verdicts) {
        assert_eq!(v, &[false, false], "{} still verifies", file.display());
    }
    // 30 samples of 13 templates + 1, × 7 locales × 2 encodings.
    assert!(signed.len() >= 350, "{}", signed.len());
}

#[test]
fn preview_dkim_record_and_the_outbox_agree_with_the_verifier() {
    let work = tempfile::tempdir().unwrap();
    let env = dual_env();
    let mut vars = env_refs(&env);
    let templates = root().join("templates");
    let locales = root().join("locales");
    vars.push(("MAILROOM_TEMPLATES", templates.to_str().unwrap()));
    vars.push(("MAILROOM_LOCALES", locales.to_str().unwrap()));
    vars.push(("MAILROOM_DIRECTORY", "none"));

    // The binary's standard output, which must have succeeded.
    let run = |args: &[&str], stdin: Option<&[u8]>| {
        let out = mailroom_with(work.path(), args, &vars, stdin);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {err}");
        out.stdout
    };
    let records = run(&["dkim-record", "--format", "json"], None);
    let zone = String::from_utf8(run(&["dkim-record"], None)).unwrap();
    assert!(
        zone.contains("rsa1._domainkey.mailroom.localhost. IN TXT ( \"v=DKIM1; k=rsa; p="),
        "{zone}"
    );

    let mut files = Vec::new();
    for (template, locale) in [("verify_email", "fr"), ("verify_email_by_code", "ja")] {
        let eml = run(
            &["preview", template, "--locale", locale, "--format", "eml"],
            None,
        );
        assert!(eml.starts_with(b"DKIM-Signature: v=1; a=rsa-sha256; s=rsa1;"));
        let file = work.path().join(format!("{template}-{locale}.eml"));
        std::fs::write(&file, &eml).unwrap();
        files.push(file);
    }

    let events = [
        with(base_event(), "id", json!("evt_dkim_outbox_1")),
        with(
            with(base_event(), "id", json!("evt_dkim_outbox_2")),
            "user.user_metadata.lang",
            json!("ar"),
        ),
    ]
    .iter()
    .map(Value::to_string)
    .collect::<Vec<_>>()
    .join("\n");
    let outbox = work.path().join("outbox");
    run(
        &["run", "--events", "-", "--outbox", outbox.to_str().unwrap()],
        Some(events.as_bytes()),
    );
    let mut emls: Vec<PathBuf> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    emls.sort();
    assert_eq!(emls.len(), 2);
    files.extend(emls);
    for (file, v) in files.iter().zip(verify(&records, &files)) {
        assert_eq!(v, [true, true], "{}", file.display());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_relay_receives_verifies() {
    let dkim = Arc::new(dual());
    let mut s = settings();
    s.dkim = Some(dkim.clone());
    let pipeline = Pipeline::load_strict(s).unwrap().0;
    let smtp = Smtp::start(Reply::Accept);
    let state = state_dir();
    let name = queue_name("dkim");
    let settings = crate::broker::worker_settings(&name, &smtp.url(), state.path());
    let worker = TestWorker::start_with(pipeline, settings, "w.test", &name);
    let topology = worker.worker.topology().clone();
    let broker = publisher(&topology).await;
    let events = [
        with(base_event(), "id", json!("evt_dkim_smtp_1")),
        with(
            with(base_event(), "id", json!("evt_dkim_smtp_2")),
            "user.user_metadata.lang",
            json!("ja"),
        ),
        with(
            with(base_event(), "id", json!("evt_dkim_smtp_3")),
            "type",
            json!("user.signed_up"),
        ),
    ];
    for e in &events {
        publish(&broker, e.to_string().as_bytes()).await;
    }
    let arrived =
        crate::broker::wait_until(Duration::from_secs(20), || smtp.count() == events.len()).await;
    worker.stop().await;
    cleanup(&topology).await;
    assert!(arrived, "{} of {} arrived", smtp.count(), events.len());

    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = smtp
        .received()
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let f = dir.path().join(format!("received-{i}.eml"));
            std::fs::write(&f, &r.data).unwrap();
            f
        })
        .collect();
    for (file, v) in files.iter().zip(verify(&records_json(&dkim), &files)) {
        assert_eq!(v, [true, true], "{}", file.display());
    }
}

#[test]
fn a_bad_key_file_stops_the_worker_before_it_starts() {
    let work = tempfile::tempdir().unwrap();
    let secret: Vec<String> = std::fs::read_to_string(fixture("dkim-ec-p256.pem"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::to_owned)
        .collect();
    let ec = fixture("dkim-ec-p256.pem");
    let cases: [(&Path, &str); 3] = [
        (&ec, "neither RSA nor Ed25519"),
        (Path::new("/nonexistent/dkim.pem"), "No such file"),
        (&fixture("relay-ca.pem"), "holds no PEM private key"),
    ];
    for (path, why) in cases {
        let out = mailroom_with(
            work.path(),
            &["run"],
            &[
                ("MAILROOM_DKIM_KEY", path.to_str().unwrap()),
                ("MAILROOM_DKIM_SELECTOR", "s1"),
            ],
            None,
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!("MAILROOM_DKIM_KEY: `{}`", path.display())) && err.contains(why),
            "{err}"
        );
        for line in &secret {
            assert!(
                !err.contains(line.as_str()),
                "the key reached stderr: {err}"
            );
        }
    }
}
