//! `Settings::load` as a whole: defaults, the file, the environment, and every key of the
//! table through both.

use super::keys::Toml;
use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn environment_wins_over_the_file() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("m.toml");
    std::fs::write(
        &p,
        "from = \"File <a@file.test>\"\ntemplates_dir = \"tpl\"\n[routes]\n\"user.x\" = \"welcome_email\"\n",
    )
    .unwrap();
    let s = Settings::load(Some(&p), env(&[("MAILROOM_FROM", "Env <b@env.test>")])).unwrap();
    assert_eq!(s.from.email.to_string(), "b@env.test");
    assert_eq!(s.templates_dir, d.path().join("tpl"));
    assert_eq!(
        s.routes.get("user.x").map(String::as_str),
        Some("welcome_email")
    );
    assert_eq!(s.routes.len(), 1, "a routes table replaces the defaults");
}

#[test]
fn directory_sources_parse_and_the_client_secret_stays_hidden() {
    let s = Settings::load(None, env(&[])).unwrap();
    assert_eq!(
        s.directory.source,
        DirectorySource::File(PathBuf::from("directory"))
    );
    let s = Settings::load(None, env(&[("MAILROOM_DIRECTORY", "none")])).unwrap();
    assert_eq!(s.directory.source, DirectorySource::None);

    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("m.toml");
    std::fs::write(
        &p,
        "directory = \"file:profiles\"\ndirectory_cache_ttl = \"1m\"\nauth0_client_id = \"from-file\"\n",
    )
    .unwrap();
    let s = Settings::load(Some(&p), env(&[])).unwrap();
    assert_eq!(
        s.directory.source,
        DirectorySource::File(d.path().join("profiles")),
        "relative to the file"
    );
    assert_eq!(s.directory.cache_ttl, Duration::from_secs(60));

    // The id from the file, the tenant and secret from the environment.
    let s = Settings::load(
        Some(&p),
        env(&[
            ("MAILROOM_DIRECTORY", "auth0:https://acme.eu.auth0.com"),
            ("MAILROOM_AUTH0_CLIENT_SECRET", "very-secret-value"),
        ]),
    )
    .unwrap();
    let DirectorySource::Auth0(a) = &s.directory.source else {
        panic!("expected auth0: {:?}", s.directory.source);
    };
    assert_eq!(a.base.as_str(), "https://acme.eu.auth0.com/");
    assert_eq!(a.audience, "https://acme.eu.auth0.com/api/v2/");
    assert_eq!(a.client_id, "from-file");
    assert_eq!(a.client_secret.expose(), "very-secret-value");
    assert!(!format!("{s:?}").contains("very-secret-value"));
}

#[test]
fn bad_directory_settings_name_their_key() {
    let err = |pairs: &[(&str, &str)]| Settings::load(None, env(pairs)).unwrap_err().to_string();
    assert_eq!(
        err(&[("MAILROOM_DIRECTORY", "ldap://x")]),
        "MAILROOM_DIRECTORY: `ldap://x` is not `none`, `file:FOLDER` or `auth0:https://TENANT`"
    );
    assert!(
        err(&[("MAILROOM_DIRECTORY", "auth0:https://acme.auth0.com")])
            .starts_with("MAILROOM_AUTH0_CLIENT_ID: missing")
    );
    assert!(
        err(&[
            ("MAILROOM_DIRECTORY", "auth0:https://acme.auth0.com"),
            ("MAILROOM_AUTH0_CLIENT_ID", "abc"),
        ])
        .starts_with("MAILROOM_AUTH0_CLIENT_SECRET: missing")
    );
    let e = err(&[
        ("MAILROOM_DIRECTORY", "auth0:http://acme.auth0.com"),
        ("MAILROOM_AUTH0_CLIENT_ID", "abc"),
        ("MAILROOM_AUTH0_CLIENT_SECRET", "x"),
    ]);
    assert!(e.contains("use https"), "{e}");
    let e = err(&[
        ("MAILROOM_DIRECTORY", "auth0:https://acme.auth0.com/api/v2"),
        ("MAILROOM_AUTH0_CLIENT_ID", "abc"),
        ("MAILROOM_AUTH0_CLIENT_SECRET", "x"),
    ]);
    assert!(e.contains("give only the tenant"), "{e}");
    // Plain http is fine on loopback (local fakes, tests).
    Settings::load(
        None,
        env(&[
            ("MAILROOM_DIRECTORY", "auth0:http://127.0.0.1:8080"),
            ("MAILROOM_AUTH0_CLIENT_ID", "abc"),
            ("MAILROOM_AUTH0_CLIENT_SECRET", "x"),
        ]),
    )
    .unwrap();
}

#[test]
fn bad_values_name_their_key() {
    let err = Settings::load(None, env(&[("MAILROOM_ALLOW_HTTP_LINKS", "maybe")]))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "MAILROOM_ALLOW_HTTP_LINKS: `maybe` is not a boolean (use true or false)"
    );
    let err = Settings::load(None, env(&[("MAILROOM_FROM", "not an address")]))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("MAILROOM_FROM: `not an address` is not a mailbox"),
        "{err}"
    );
}

#[test]
fn worker_settings_parse_and_secrets_stay_hidden() {
    let s = Settings::load(
        None,
        env(&[
            (
                "MAILROOM_AMQP_URL",
                "amqp://bob:s3cret@rabbit.test:5672/%2f",
            ),
            ("MAILROOM_RETRY_DELAYS", "1s, 2m,1h"),
            ("MAILROOM_CONCURRENCY", "8"),
            ("MAILROOM_QUEUE_TYPE", "quorum"),
        ]),
    )
    .unwrap();
    let w = &s.worker;
    assert_eq!(
        w.retry_delays,
        vec![
            Duration::from_secs(1),
            Duration::from_secs(120),
            Duration::from_secs(3600)
        ]
    );
    assert_eq!(w.concurrency, 8);
    assert_eq!(w.queue_type, QueueType::Quorum);
    let shown = format!("{s:?}");
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.contains("amqp://bob:***@rabbit.test"), "{shown}");
    let err = Settings::load(None, env(&[("MAILROOM_SMTP_URL", "http://x:hunter2@h")]))
        .unwrap_err()
        .to_string();
    assert!(!err.contains("hunter2"), "{err}");
    assert!(err.starts_with("MAILROOM_SMTP_URL: "), "{err}");
    let err = Settings::load(None, env(&[("MAILROOM_RETRY_DELAYS", "10s,soon")]))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("MAILROOM_RETRY_DELAYS: `soon` is not a duration"),
        "{err}"
    );
}

#[test]
fn unknown_file_keys_are_errors() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("m.toml");
    std::fs::write(&p, "tempaltes_dir = \"x\"\n").unwrap();
    let err = Settings::load(Some(&p), env(&[])).unwrap_err().to_string();
    assert!(err.contains("unknown field `tempaltes_dir`"), "{err}");
}

/// A value a key refuses, and a part of the error it gives.
type Refused = Option<(&'static str, &'static str)>;

/// For every key: a value it takes and one it refuses, both given through the environment and
/// through the file.
const CASES: &[(&str, &str, Refused)] = &[
    ("MAILROOM_TEMPLATES", "tpl", None),
    ("MAILROOM_LOCALES", "loc", None),
    (
        "MAILROOM_FROM",
        "A <a@b.test>",
        Some(("nope", "`nope` is not a mailbox")),
    ),
    (
        "MAILROOM_DEFAULT_LOCALE",
        "fr",
        Some(("../x", "`../x` is not a language tag")),
    ),
    (
        "source_locale",
        "fr",
        Some(("../x", "`../x` is not a language tag")),
    ),
    (
        "MAILROOM_ALLOW_HTTP_LINKS",
        "true",
        Some(("maybe", "maybe")),
    ),
    (
        "MAILROOM_ALLOW_LOCAL_ADDRESSES",
        "true",
        Some(("yes please", "yes please")),
    ),
    (
        "MAILROOM_AMQP_URL",
        "amqp://u:hunter2@h/%2f?heartbeat=5",
        Some((
            "amqp://u:hunter2@h/%2f?heartbeat=-1",
            "`heartbeat=-1` is not",
        )),
    ),
    (
        "MAILROOM_QUEUE",
        "q",
        Some(("amq.q", "`amq.q` starts with `amq.`")),
    ),
    (
        "MAILROOM_QUEUE_TYPE",
        "quorum",
        Some(("fancy", "`fancy` is not a queue type")),
    ),
    (
        "MAILROOM_SMTP_URL",
        "smtps://u:hunter2@h",
        Some(("http://u:hunter2@h", "has the scheme `http`")),
    ),
    (
        "MAILROOM_SMTP_TIMEOUT",
        "5s",
        Some(("soon", "`soon` is not a duration")),
    ),
    (
        "MAILROOM_HELLO_NAME",
        "mx.test",
        Some(("my host", "`my host` contains whitespace")),
    ),
    (
        "MAILROOM_CONCURRENCY",
        "8",
        Some(("0", "`0` is not a number from 1 to 10000")),
    ),
    (
        "MAILROOM_RETRY_DELAYS",
        "1s,1m",
        Some(("1m,1s", "`1s` is shorter than `1m`")),
    ),
    ("MAILROOM_STATE_DIR", "st", None),
    (
        "MAILROOM_SHUTDOWN_TIMEOUT",
        "5s",
        Some(("0s", "`0s` must be longer than zero")),
    ),
    (
        "MAILROOM_DIRECTORY",
        "none",
        Some(("ldap://x", "`ldap://x` is not `none`")),
    ),
    ("MAILROOM_AUTH0_CLIENT_ID", "abc", None),
    ("MAILROOM_AUTH0_CLIENT_SECRET", "hunter2", None),
    ("MAILROOM_AUTH0_AUDIENCE", "aud", None),
    (
        "MAILROOM_DIRECTORY_CACHE_SIZE",
        "5",
        Some(("20000000", "`20000000` is not a number")),
    ),
    (
        "MAILROOM_DIRECTORY_CACHE_TTL",
        "1m",
        Some(("soon", "`soon` is not a duration")),
    ),
    (
        "MAILROOM_DIRECTORY_TIMEOUT",
        "1s",
        Some(("0s", "`0s` must be longer than zero")),
    ),
    (
        "routes",
        "\"user.x\" = \"welcome_email\"",
        Some((
            "\"user.x\" = 5",
            "routes.\"user.x\": expected a template name, found `5`",
        )),
    ),
    (
        "brand",
        "color = \"#fff\"",
        Some((
            "color = \"red\"",
            "brand.color: `red` is not a #rgb or #rrggbb colour",
        )),
    ),
    (
        "MAILROOM_SMTP_CA_FILE",
        // A CA certificate only (its key was never kept), for loading.
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/relay-ca.pem"),
        Some(("/nonexistent/ca.pem", "`/nonexistent/ca.pem`: No such file")),
    ),
    (
        "MAILROOM_METRICS_ADDR",
        "none",
        Some(("localhost:port", "`localhost:port` is not an address")),
    ),
    (
        "MAILROOM_HTTP_ADDR",
        "127.0.0.1:18080",
        Some(("localhost", "`localhost` is not an address")),
    ),
    (
        "MAILROOM_INGEST_TOKEN",
        "0123456789abcdef0123",
        Some(("short", "a 5-character token is too easy to guess")),
    ),
    (
        "MAILROOM_SUPABASE_HOOK_SECRET",
        "v1,whsec_MDEyMzQ1Njc4OWFiY2RlZg==",
        Some(("v1,whsec_!!", "the base64 part does not decode")),
    ),
    (
        "MAILROOM_SUPABASE_URL",
        "https://abc.supabase.co",
        Some(("ftp://x", "`ftp://x` is not an http(s) URL")),
    ),
    (
        "MAILROOM_HTTP_MAX_IN_FLIGHT",
        "64",
        Some(("0", "`0` is not a number of requests")),
    ),
    (
        "MAILROOM_DKIM_KEY",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/dkim-ed25519.pem"
        ),
        Some(("/nonexistent/k.pem", "`/nonexistent/k.pem`: No such file")),
    ),
    (
        "MAILROOM_DKIM_SELECTOR",
        "s2026",
        Some(("s_2026", "`s_2026` is not a valid selector")),
    ),
    (
        "MAILROOM_DKIM_DOMAIN",
        "acme.test",
        Some(("acme..test", "`acme..test` is not a valid signing domain")),
    ),
    (
        "MAILROOM_LOG_FORMAT",
        "json",
        Some(("xml", "`xml` is not a log format")),
    ),
    (
        "RUST_LOG",
        "debug",
        Some(("mailroom=loud", "`mailroom=loud` is not a log filter")),
    ),
];

/// The keys that only work together with others (DKIM signs with a key and a selector),
/// given through the environment alongside each case of such a key.
const COMPANIONS: &[(&str, &[(&str, &str)])] = &[
    ("MAILROOM_DKIM_KEY", &[("MAILROOM_DKIM_SELECTOR", "s1")]),
    (
        "MAILROOM_DKIM_SELECTOR",
        &[("MAILROOM_DKIM_KEY", CASES_DKIM_KEY)],
    ),
    (
        "MAILROOM_DKIM_DOMAIN",
        &[
            ("MAILROOM_DKIM_KEY", CASES_DKIM_KEY),
            ("MAILROOM_DKIM_SELECTOR", "s1"),
        ],
    ),
];
const CASES_DKIM_KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dkim-rsa.pem");

/// `key = value` as the file writes it: strings quoted, integers and booleans bare when they
/// are such, tables as a `[key]` section.
fn file_text(key: &Key, name: &str, v: &str) -> String {
    match &key.apply {
        Apply::Table(_) => format!("[{name}]\n{v}\n"),
        Apply::Value(Toml::Integer, _) if v.parse::<i64>().is_ok() => format!("{name} = {v}\n"),
        Apply::Value(Toml::Boolean, _) if v == "true" || v == "false" => {
            format!("{name} = {v}\n")
        }
        _ => format!("{name} = {}\n", toml::Value::String(v.to_owned())),
    }
}

/// Loads with only `file_text` in the file (so ./mailroom.toml is not read) and `vars`.
fn load_with(file_text: &str, vars: &[(&str, &str)]) -> (Result<Settings, ConfigError>, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("m.toml");
    std::fs::write(&p, file_text).unwrap();
    (Settings::load(Some(&p), env(vars)), d.path().to_path_buf())
}

#[test]
fn every_key_takes_the_same_values_from_the_file_and_the_environment() {
    for key in KEYS
        .iter()
        .filter(|k| !matches!(k.apply, Apply::ConfigFile))
    {
        let name = key.env.or(key.file).unwrap();
        let Some((_, good, refused)) = CASES.iter().find(|(n, ..)| *n == name) else {
            panic!("{name} has no case in CASES");
        };
        let extra = COMPANIONS
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&[][..], |(_, v)| *v);
        let mut loaded = Vec::new();
        if let Some(var) = key.env {
            let s = load_with("", &[&[(var, *good)][..], extra].concat())
                .0
                .unwrap_or_else(|e| panic!("{e}"));
            loaded.push(format!("{s:?}"));
        }
        if let Some(file) = key.file {
            let (s, dir) = load_with(&file_text(key, file, good), extra);
            let s = s.unwrap_or_else(|e| panic!("{file}: {e}"));
            loaded.push(format!("{s:?}").replace(&format!("{}/", dir.display()), ""));
        }
        if loaded.len() == 2 {
            assert_eq!(
                loaded[0], loaded[1],
                "{name}: the file and the environment differ"
            );
        }
        if key.secret {
            assert!(!loaded[0].contains("hunter2"), "{name}: {}", loaded[0]);
        }
        let Some((bad, want)) = refused else { continue };
        for (via, e) in [
            (
                key.env,
                key.env
                    .map(|var| load_with("", &[&[(var, *bad)][..], extra].concat()).0),
            ),
            (
                key.file,
                key.file
                    .map(|f| load_with(&file_text(key, f, bad), extra).0),
            ),
        ] {
            let (Some(via), Some(e)) = (via, e) else {
                continue;
            };
            let e = e.expect_err(via).to_string();
            // `brand.color: …` names the key inside the table.
            let named = e
                .strip_prefix(via)
                .is_some_and(|r| r.starts_with(": ") || r.starts_with('.'));
            assert!(named, "{via}: {e}");
            assert!(e.contains(want), "{via}: {e}");
            assert!(!e.contains("hunter2"), "{via}: {e}");
        }
    }
}

#[test]
fn the_defaults_shown_to_users_are_the_built_in_ones() {
    let built_in = format!("{:?}", Draft::default().finish().unwrap());
    for key in KEYS {
        let (Shown::Value(v), Apply::Value(_, apply)) = (&key.default, &key.apply) else {
            continue;
        };
        let name = key.env.or(key.file).unwrap();
        let mut d = Draft::default();
        let at = Origin {
            name,
            base: Path::new(""),
        };
        apply(&mut d, &at, v).unwrap_or_else(|e| panic!("{e}"));
        let s = d.finish().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            format!("{s:?}"),
            built_in,
            "{name}: the default `{v}` is not the built-in one"
        );
    }
    let routes = KEYS.iter().find(|k| k.file == Some("routes")).unwrap();
    let Shown::Described(shown) = routes.default else {
        panic!("the routes' default is described");
    };
    for (event, template) in DEFAULT_ROUTES {
        assert!(
            shown.contains(&format!("`{event}` → `{template}`")),
            "{shown}"
        );
    }
    assert_eq!(shown.matches('→').count(), DEFAULT_ROUTES.len(), "{shown}");
}

#[test]
fn a_file_value_of_the_wrong_type_names_its_key() {
    let (e, _) = load_with("concurrency = \"8\"\n", &[]);
    assert_eq!(
        e.unwrap_err().to_string(),
        "concurrency: expected an integer, found `\"8\"`"
    );
    let (e, _) = load_with("brand = \"red\"\n", &[]);
    assert!(e.unwrap_err().to_string().starts_with("brand: "));
    let (e, _) = load_with("[brand]\ncolour = \"#fff\"\n", &[]);
    let e = e.unwrap_err().to_string();
    assert!(e.starts_with("brand: unknown field `colour`"), "{e}");
}

#[test]
fn an_unknown_file_key_names_its_line() {
    let (e, dir) = load_with("queue = \"q\"\n\nqueue_tpye = \"quorum\"\n", &[]);
    let e = e.unwrap_err().to_string();
    assert!(
        e.starts_with(&format!(
            "{}: line 3: unknown field `queue_tpye` (known: templates_dir, locales_dir,",
            dir.join("m.toml").display()
        )),
        "{e}"
    );
}

#[test]
fn brand_links_follow_allow_http_links_from_either_source() {
    let file = "[brand]\nhome_page_url = \"http://acme.test\"\n";
    let (e, _) = load_with(file, &[]);
    assert!(
        e.unwrap_err()
            .to_string()
            .starts_with("brand.home_page_url: `http://acme.test`"),
    );
    let (s, _) = load_with(file, &[("MAILROOM_ALLOW_HTTP_LINKS", "true")]);
    assert_eq!(
        s.unwrap().brand.home_page_url.as_deref(),
        // As parsed: the URL standard gives a bare host its `/` path.
        Some("http://acme.test/")
    );
}

#[test]
fn the_queue_and_its_retry_queues_must_fit_together() {
    let q = "q".repeat(246);
    let (e, _) = load_with(
        &format!("queue = \"{q}\"\n"),
        &[("MAILROOM_RETRY_DELAYS", "1s,10m")],
    );
    let e = e.unwrap_err().to_string();
    assert!(e.starts_with("queue: `qqq"), "{e}");
    assert!(e.contains("`<queue>.retry.10m` would be 256 bytes"), "{e}");
}
