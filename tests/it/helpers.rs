//! Shared set-up: the shipped templates and locales, events built from a base, the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use mailroom::config::Settings;
use mailroom::pipeline::{Pipeline, Prepared, Rejection};
use serde_json::{Value, json};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Settings over the shipped templates and locales, independent of the working directory.
pub fn settings() -> Settings {
    Settings {
        templates_dir: root().join("templates"),
        locales_dir: root().join("locales"),
        from: "Acme <no-reply@acme.test>".parse().unwrap(),
        ..Settings::default()
    }
}

pub fn pipeline() -> Pipeline {
    Pipeline::load_strict(settings())
        .expect("shipped templates load")
        .0
}

/// One pipeline for the whole test binary, for tests that prepare thousands of events.
pub fn shared_pipeline() -> &'static Pipeline {
    static PIPELINE: std::sync::OnceLock<Pipeline> = std::sync::OnceLock::new();
    PIPELINE.get_or_init(pipeline)
}

/// A valid verification event; tests change what they need with [`with`].
pub fn base_event() -> Value {
    json!({
        "id": "evt_test_1",
        "type": "user.verification_requested",
        "occurred_at": "2026-11-28T10:00:00Z",
        "user": {
            "user_id": "auth0|abc",
            "email": "ana@example.com",
            "name": "Ana Lima",
            "given_name": "Ana",
            "user_metadata": { "lang": "en" }
        },
        "client": {
            "client_id": "c1",
            "name": "Acme Notes",
            "client_metadata": {
                "home_page_url": "https://notes.acme.test",
                "support_email": "help@acme.test",
                "brand_color": "#4f46e5"
            }
        },
        "data": { "url": "https://acme.test/verify?ticket=abc&source=email", "ttl_seconds": 86400 }
    })
}

/// Sets `path` (dotted) in `event` to `value`; `Value::Null` removes the key.
pub fn with(mut event: Value, path: &str, value: Value) -> Value {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().unwrap();
    let mut node = &mut event;
    for p in parts {
        if node.get(p).is_none_or(|v| !v.is_object()) {
            node[p] = json!({});
        }
        node = node.get_mut(p).unwrap();
    }
    let map = node.as_object_mut().unwrap();
    if value.is_null() {
        map.remove(last);
    } else {
        map.insert(last.to_owned(), value);
    }
    event
}

pub fn prepare(p: &Pipeline, event: &Value) -> Result<Prepared, Rejection> {
    p.prepare(event.to_string().as_bytes())
}

pub fn prepared(p: &Pipeline, event: &Value) -> Prepared {
    prepare(p, event).unwrap_or_else(|r| panic!("expected an email, got {r}"))
}

/// Runs the `mailroom` binary in `dir` with `args`, feeding `stdin`.
pub fn mailroom(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    mailroom_with(dir, args, &[], stdin)
}

/// How long [`mailroom_with`] lets the binary run before it kills it: a start-up that hangs
/// fails its test with the output so far instead of stalling the suite.
const DEADLINE: Duration = Duration::from_secs(30);

/// Runs the `mailroom` binary in `dir` with `args`, feeding `stdin`, as every test runs it: no
/// `MAILROOM_CONFIG` from the caller's environment, `RUST_LOG=warn` and no metrics address,
/// then the variables
/// `env` (set last, so they may override both). Killed after [`DEADLINE`] if still running.
pub fn mailroom_with(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&[u8]>,
) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mailroom"));
    cmd.current_dir(dir)
        .args(args)
        .env_remove("MAILROOM_CONFIG")
        .env("RUST_LOG", "warn")
        // Tests run workers side by side: none takes the default metrics port unless asked.
        .env("MAILROOM_METRICS_ADDR", "none")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary runs");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    drop(child.stdin.take());
    // The pipes are read while the child runs, so it never blocks on a full one while this
    // waits for it to exit.
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() && started.elapsed() < DEADLINE {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    Output {
        status: child.wait().unwrap(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// Everything `pipe` gives until it closes, read on a thread of its own.
fn drain(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut out = Vec::new();
        pipe.read_to_end(&mut out).unwrap();
        out
    })
}

/// Copies the shipped templates and locales into a fresh folder tests may break.
pub fn scratch_copy() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    copy_dir(&root().join("templates"), &d.path().join("templates"));
    copy_dir(&root().join("locales"), &d.path().join("locales"));
    d
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
