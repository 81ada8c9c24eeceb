//! Thin events: profiles loaded from a folder of Auth0-format files, or from a local HTTP server
//! that implements the Management API endpoints as Auth0 documents them (wiremock).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use mailroom::config::{Auth0Settings, DirectorySettings, DirectorySource, Secret};
use mailroom::directory::{Directory, LookupError};
use mailroom::intake::Unprepared;
use mailroom::pipeline::Prepared;
use mailroom::worker::{DeadKind, Outcome, Worker};
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::helpers::shared_pipeline;

/// The intake as the embedded mode and `preview` call it (8bit bodies).
async fn prepare(
    pipeline: &mailroom::pipeline::Pipeline,
    directory: &Directory,
    body: &[u8],
) -> Result<Prepared, Unprepared> {
    mailroom::intake::prepare(
        pipeline,
        directory,
        body,
        mailroom::compose::BodyEncoding::EightBit,
    )
    .await
}

fn thin_event(id: &str, user_id: &str, client_id: &str) -> Vec<u8> {
    json!({
        "id": id,
        "type": "user.verification_requested",
        "occurred_at": "2026-11-28T10:00:00Z",
        "user_id": user_id,
        "client_id": client_id,
        "data": { "url": "https://acme.test/verify?ticket=abc", "ttl_seconds": 86400 }
    })
    .to_string()
    .into_bytes()
}

fn user(user_id: &str, email: &str, lang: &str) -> Value {
    json!({
        "user_id": user_id,
        "email": email,
        "email_verified": false,
        "name": "Ana Lima",
        "given_name": "Ana",
        "user_metadata": { "lang": lang },
        "app_metadata": { "plan": "pro" },
        "identities": [{ "provider": "auth0", "user_id": "abc", "connection": "Username-Password-Authentication" }],
        "created_at": "2026-01-01T00:00:00.000Z"
    })
}

fn client(client_id: &str, name: &str) -> Value {
    json!({
        "client_id": client_id,
        "name": name,
        "client_metadata": {
            "home_page_url": "https://notes.acme.test",
            "support_email": "help@acme.test",
            "brand_color": "#4f46e5"
        }
    })
}

fn write(dir: &Path, file: &str, value: &Value) {
    // Write then rename, as a deployment tool would, so the reader never sees half a file.
    let tmp = dir.join(format!(".{file}.tmp"));
    std::fs::write(&tmp, serde_json::to_vec_pretty(value).unwrap()).unwrap();
    std::fs::rename(&tmp, dir.join(file)).unwrap();
}

fn file_directory(dir: &Path) -> Directory {
    Directory::open(&DirectorySettings {
        source: DirectorySource::File(dir.to_path_buf()),
        ..DirectorySettings::default()
    })
    .unwrap()
}

/// A directory folder with user `auth0|abc` (Ana, in `lang`) and client `c1` (Acme Notes).
fn folder_with_ana(lang: &str) -> (tempfile::TempDir, Directory) {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "users.json",
        &json!([user("auth0|abc", "ana@example.com", lang)]),
    );
    write(
        dir.path(),
        "clients.json",
        &json!([client("c1", "Acme Notes")]),
    );
    let directory = file_directory(dir.path());
    (dir, directory)
}

fn from_header(p: &Prepared) -> String {
    String::from_utf8_lossy(&p.message.formatted())
        .lines()
        .find(|l| l.starts_with("From:"))
        .unwrap_or_default()
        .to_owned()
}

/// The reason of a lookup that could not answer; panics on any other result.
async fn unavailable(directory: &Directory, body: &[u8]) -> String {
    match prepare(shared_pipeline(), directory, body).await {
        Err(Unprepared::Lookup {
            error: LookupError::Unavailable(why),
            ..
        }) => why,
        other => panic!("expected unavailable, got {other:?}"),
    }
}

/// The rejection of an event whose user cannot be found; panics on any other result.
async fn unroutable(directory: &Directory, body: &[u8]) -> mailroom::pipeline::Rejection {
    match prepare(shared_pipeline(), directory, body).await {
        Err(Unprepared::Rejected(r)) if r.kind == DeadKind::Unroutable => r,
        other => panic!("expected unroutable, got {other:?}"),
    }
}

async fn ready(directory: &Directory, body: &[u8]) -> Prepared {
    match prepare(shared_pipeline(), directory, body).await {
        Ok(p) => p,
        Err(e) => panic!("expected an email, got {e}"),
    }
}

// ---------------------------------------------------------------------------------------------
// File source

#[tokio::test]
async fn a_thin_event_takes_language_and_branding_from_the_files() {
    let (_dir, directory) = folder_with_ana("fr");

    let p = ready(&directory, &thin_event("e1", "auth0|abc", "c1")).await;
    assert_eq!(p.rendered.locale, "fr");
    assert!(
        p.rendered.subject.contains("Acme Notes"),
        "{}",
        p.rendered.subject
    );
    assert!(
        from_header(&p).contains("Acme Notes"),
        "{}",
        from_header(&p)
    );
    assert!(
        p.rendered.html.contains("#4f46e5"),
        "the client's colour is used"
    );
    assert!(p.notes.is_empty(), "{:?}", p.notes);
}

#[tokio::test]
async fn an_edited_users_file_is_picked_up_without_a_restart() {
    let (dir, directory) = folder_with_ana("fr");
    assert_eq!(
        ready(&directory, &thin_event("e1", "auth0|abc", "c1"))
            .await
            .rendered
            .locale,
        "fr"
    );

    write(
        dir.path(),
        "users.json",
        &json!([user("auth0|abc", "ana@example.com", "de")]),
    );
    let mut locale = String::new();
    for _ in 0..50 {
        locale = ready(&directory, &thin_event("e2", "auth0|abc", "c1"))
            .await
            .rendered
            .locale;
        if locale == "de" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(locale, "de", "the new lang was not picked up within 5 s");

    // A broken file keeps the last good entries instead of emptying the directory.
    std::fs::write(dir.path().join("users.json"), b"[{\"user_id\": ").unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        ready(&directory, &thin_event("e3", "auth0|abc", "c1"))
            .await
            .rendered
            .locale,
        "de"
    );
}

#[tokio::test]
async fn an_unknown_user_is_unroutable_and_an_unknown_client_gets_the_default_brand() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "users.json",
        &json!({"users": [user("auth0|abc", "ana@example.com", "es")], "total": 1}),
    );
    write(dir.path(), "clients.json", &json!([]));
    let directory = file_directory(dir.path());

    let r = unroutable(&directory, &thin_event("e1", "auth0|nobody", "c1")).await;
    assert!(
        r.reason.contains("user_id `auth0|nobody`: no such user"),
        "{}",
        r.reason
    );
    assert_eq!(r.event_id.as_deref(), Some("e1"));

    let p = ready(&directory, &thin_event("e2", "auth0|abc", "c-unknown")).await;
    assert_eq!(p.rendered.locale, "es");
    assert!(
        // The fallback brand: the configured sender's display name, not any client's.
        from_header(&p).starts_with("From: Acme <"),
        "{}",
        from_header(&p)
    );
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("client_id `c-unknown`: no such client")
                && n.contains("default branding")),
        "{:?}",
        p.notes
    );
}

#[tokio::test]
async fn a_profile_without_an_email_is_unroutable_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "users.json",
        &json!([{ "user_id": "auth0|x", "name": "No Mail" }]),
    );
    let directory = file_directory(dir.path());
    let r = unroutable(&directory, &thin_event("e1", "auth0|x", "c1")).await;
    assert!(
        r.reason.contains("cannot be used: user.email: missing"),
        "{}",
        r.reason
    );
}

#[tokio::test]
async fn inline_data_wins_over_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "users.json",
        &json!([user("auth0|abc", "ana@example.com", "fr")]),
    );
    let directory = file_directory(dir.path());
    let mut event = crate::helpers::base_event();
    event["user"]["user_metadata"]["lang"] = json!("ja");
    event["user_id"] = json!("auth0|abc");
    let p = ready(&directory, event.to_string().as_bytes()).await;
    assert_eq!(p.rendered.locale, "ja");
}

#[tokio::test]
async fn a_missing_folder_finds_nothing_until_it_appears() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("later");
    let directory = file_directory(&dir);
    assert!(matches!(
        prepare(
            shared_pipeline(),
            &directory,
            &thin_event("e1", "auth0|abc", "c1")
        )
        .await,
        // A folder that never loaded cannot say "no such user": the event waits.
        Err(Unprepared::Lookup { .. })
    ));
    std::fs::create_dir(&dir).unwrap();
    write(
        &dir,
        "users.json",
        &json!([user("auth0|abc", "ana@example.com", "pt-BR")]),
    );
    let mut found = None;
    for _ in 0..50 {
        if let Ok(p) = prepare(
            shared_pipeline(),
            &directory,
            &thin_event("e2", "auth0|abc", "c1"),
        )
        .await
        {
            found = Some(p);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        found.expect("the new folder is read").rendered.locale,
        "pt-BR"
    );
}

// ---------------------------------------------------------------------------------------------
// Management API source

const CLIENT_ID: &str = "m2m-client";
const CLIENT_SECRET: &str = "s3cr3t-value-never-logged";

fn api_directory(server: &MockServer, tweak: impl FnOnce(&mut DirectorySettings)) -> Directory {
    let mut settings = DirectorySettings {
        source: DirectorySource::Auth0(Auth0Settings {
            base: format!("{}/", server.uri()).parse().unwrap(),
            client_id: CLIENT_ID.to_owned(),
            client_secret: Secret::new(CLIENT_SECRET),
            audience: format!("{}/api/v2/", server.uri()),
        }),
        cache_size: 1000,
        cache_ttl: Duration::from_secs(300),
        timeout: Duration::from_secs(5),
    };
    tweak(&mut settings);
    Directory::open(&settings).unwrap()
}

/// `POST /oauth/token` as Auth0 answers a client-credentials grant.
fn token_mock(token: &str, expires_in: u64) -> Mock {
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_partial_json(json!({
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": token,
            "scope": "read:users read:clients",
            "expires_in": expires_in,
            "token_type": "Bearer"
        })))
}

fn user_mock(encoded_id: &str, token: &str, body: Value) -> Mock {
    Mock::given(method("GET"))
        .and(path(format!("/api/v2/users/{encoded_id}")))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
}

/// `GET /api/v2/users/auth0%7C<name>` answering the profile of `auth0|<name>` in `lang`.
async fn mount_user(server: &MockServer, token: &str, name: &str, email: &str, lang: &str) {
    user_mock(
        &format!("auth0%7C{name}"),
        token,
        user(&format!("auth0|{name}"), email, lang),
    )
    .mount(server)
    .await;
}

fn client_mock(id: &str, token: &str) -> Mock {
    Mock::given(method("GET"))
        .and(path(format!("/api/v2/clients/{id}")))
        .and(query_param("fields", "client_id,name,client_metadata"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(client(id, "Acme Notes")))
}

async fn requests_to(server: &MockServer, method_name: &str, prefix: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r: &&Request| r.method.as_str() == method_name && r.url.path().starts_with(prefix))
        .count()
}

async fn not_found(server: &MockServer, prefix: &str) {
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex(format!("^{prefix}")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "statusCode": 404, "error": "Not Found", "message": "The user does not exist.", "errorCode": "inexistent_user"
        })))
        .with_priority(10)
        .mount(server)
        .await;
}

#[tokio::test]
async fn the_api_token_is_fetched_once_and_reused_and_ids_are_percent_encoded() {
    let server = MockServer::start().await;
    token_mock("tok-1", 86_400).mount(&server).await;
    mount_user(&server, "tok-1", "abc", "ana@example.com", "fr").await;
    mount_user(&server, "tok-1", "def", "bob@example.com", "ar").await;
    client_mock("c1", "tok-1").mount(&server).await;
    let directory = api_directory(&server, |_| {});

    let a = ready(&directory, &thin_event("e1", "auth0|abc", "c1")).await;
    let b = ready(&directory, &thin_event("e2", "auth0|def", "c1")).await;
    assert_eq!(a.rendered.locale, "fr");
    assert_eq!(b.rendered.locale, "ar");
    assert!(
        from_header(&a).contains("Acme Notes"),
        "{}",
        from_header(&a)
    );
    assert_eq!(requests_to(&server, "POST", "/oauth/token").await, 1);
    assert_eq!(requests_to(&server, "GET", "/api/v2/users/").await, 2);
    // The second event's client came from the cache.
    assert_eq!(requests_to(&server, "GET", "/api/v2/clients/").await, 1);
}

#[tokio::test]
async fn the_cache_serves_repeated_lookups_without_requests() {
    let server = MockServer::start().await;
    token_mock("tok-1", 86_400).mount(&server).await;
    mount_user(&server, "tok-1", "abc", "ana@example.com", "de").await;
    client_mock("c1", "tok-1").mount(&server).await;
    let directory = api_directory(&server, |_| {});
    for i in 0..20 {
        let p = ready(&directory, &thin_event(&format!("e{i}"), "auth0|abc", "c1")).await;
        assert_eq!(p.rendered.locale, "de");
    }
    assert_eq!(requests_to(&server, "GET", "/api/v2/users/").await, 1);
    assert_eq!(requests_to(&server, "GET", "/api/v2/clients/").await, 1);
    assert_eq!(requests_to(&server, "POST", "/oauth/token").await, 1);
}

#[tokio::test]
async fn a_hundred_concurrent_events_for_one_client_make_one_client_request() {
    let server = MockServer::start().await;
    token_mock("tok-1", 86_400).mount(&server).await;
    // Slow enough that all hundred lookups are in flight together.
    Mock::given(method("GET"))
        .and(path("/api/v2/clients/c1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(client("c1", "Acme Notes"))
                .set_delay(Duration::from_millis(300)),
        )
        .mount(&server)
        .await;
    let directory = Arc::new(api_directory(&server, |_| {}));
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let directory = directory.clone();
            tokio::spawn(async move {
                let mut event = crate::helpers::base_event();
                event["id"] = json!(format!("burst-{i}"));
                event.as_object_mut().unwrap().remove("client");
                event["client_id"] = json!("c1");
                prepare(shared_pipeline(), &directory, event.to_string().as_bytes())
                    .await
                    .map(|p| from_header(&p))
            })
        })
        .collect();
    for t in tasks {
        let from = t.await.unwrap().expect("every event is prepared");
        assert!(from.contains("Acme Notes"), "{from}");
    }
    assert_eq!(requests_to(&server, "GET", "/api/v2/clients/").await, 1);
    assert_eq!(requests_to(&server, "POST", "/oauth/token").await, 1);
}

#[tokio::test]
async fn an_expiring_token_is_replaced_before_it_expires() {
    let server = MockServer::start().await;
    // Lives one second: replaced after 0.9 s.
    token_mock("tok-short", 1).mount(&server).await;
    mount_user(&server, "tok-short", "abc", "ana@example.com", "fr").await;
    mount_user(&server, "tok-short", "def", "bob@example.com", "fr").await;
    client_mock("c1", "tok-short").mount(&server).await;
    let directory = api_directory(&server, |_| {});
    ready(&directory, &thin_event("e1", "auth0|abc", "c1")).await;
    assert_eq!(requests_to(&server, "POST", "/oauth/token").await, 1);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    ready(&directory, &thin_event("e2", "auth0|def", "c1")).await;
    assert_eq!(requests_to(&server, "POST", "/oauth/token").await, 2);
}

#[tokio::test]
async fn a_401_gets_one_fresh_token_and_the_lookup_succeeds() {
    let server = MockServer::start().await;
    // The first token is revoked on the API side; the second one works.
    token_mock("tok-revoked", 86_400)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    token_mock("tok-2", 86_400)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer tok-revoked"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "statusCode": 401, "error": "Unauthorized", "message": "Invalid token"
        })))
        .mount(&server)
        .await;
    mount_user(&server, "tok-2", "abc", "ana@example.com", "ja").await;
    client_mock("c1", "tok-2").mount(&server).await;
    let directory = api_directory(&server, |_| {});
    let p = ready(&directory, &thin_event("e1", "auth0|abc", "c1")).await;
    assert_eq!(p.rendered.locale, "ja");
    assert_eq!(requests_to(&server, "POST", "/oauth/token").await, 2);
}

#[tokio::test]
async fn a_second_401_fails_loudly_without_showing_secrets() {
    let server = MockServer::start().await;
    token_mock("tok-1", 86_400).mount(&server).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "statusCode": 401, "error": "Unauthorized", "message": "Invalid token"
        })))
        .mount(&server)
        .await;
    let directory = api_directory(&server, |_| {});
    match prepare(
        shared_pipeline(),
        &directory,
        &thin_event("e1", "auth0|abc", "c1"),
    )
    .await
    {
        Err(Unprepared::Lookup {
            error: e @ LookupError::Refused(_),
            event_id,
        }) => {
            assert_eq!(event_id, "e1");
            let text = e.to_string();
            assert!(text.contains("401"), "{text}");
            assert!(
                !text.contains("tok-1") && !text.contains(CLIENT_SECRET),
                "{text}"
            );
        }
        other => panic!("expected refused, got {other:?}"),
    }
    // One token, one fresh token; one request with each (user and client both tried).
    assert_eq!(requests_to(&server, "POST", "/oauth/token").await, 2);
    assert!(format!("{directory:?}").find(CLIENT_SECRET).is_none());
}

#[tokio::test]
async fn refused_client_credentials_are_a_clear_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "access_denied", "error_description": "Unauthorized"
        })))
        .mount(&server)
        .await;
    let directory = api_directory(&server, |_| {});
    match directory.verify().await {
        Err(LookupError::Refused(why)) => {
            assert!(
                why.contains("refused the client credentials of `m2m-client`"),
                "{why}"
            );
            assert!(!why.contains(CLIENT_SECRET), "{why}");
        }
        other => panic!("expected refused, got {other:?}"),
    }
}

#[tokio::test]
async fn an_upstream_error_that_echoes_the_secret_or_a_token_is_redacted() {
    let server = MockServer::start().await;
    // A proxy in front of the tenant that quotes the request it refused.
    let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlMTIzNDU2";
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(502).set_body_json(json!({
            "message": format!(
                "upstream refused grant_type=client_credentials&client_secret={CLIENT_SECRET} \
                 (last token {jwt})\n{}",
                "x".repeat(5000)
            )
        })))
        .mount(&server)
        .await;
    let directory = api_directory(&server, |_| {});
    match directory.verify().await {
        Err(e @ LookupError::Unavailable(_)) => {
            let why = e.to_string();
            assert!(why.contains("502"), "{why}");
            assert!(!why.contains(CLIENT_SECRET), "{why}");
            assert!(!why.contains("c2lnbmF0dXJlMTIzNDU2"), "{why}");
            assert!(!why.contains('\n'), "{why}");
            assert!(why.len() < 400, "{} bytes", why.len());
        }
        other => panic!("expected unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn api_404s_unroute_the_user_and_default_the_brand() {
    let server = MockServer::start().await;
    token_mock("tok-1", 86_400).mount(&server).await;
    mount_user(&server, "tok-1", "abc", "ana@example.com", "fr").await;
    not_found(&server, "/api/v2/").await;
    let directory = api_directory(&server, |_| {});

    let r = unroutable(&directory, &thin_event("e1", "auth0|gone", "c1")).await;
    assert!(
        r.reason.contains("user_id `auth0|gone`: no such user"),
        "{}",
        r.reason
    );
    let p = ready(&directory, &thin_event("e2", "auth0|abc", "c-gone")).await;
    assert_eq!(p.rendered.locale, "fr");
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("client_id `c-gone`: no such client")),
        "{:?}",
        p.notes
    );
}

#[tokio::test]
async fn a_429_is_waited_out_as_retry_after_says() {
    let server = MockServer::start().await;
    token_mock("tok-1", 86_400).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/auth0%7Cabc"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(json!({"statusCode": 429, "error": "Too Many Requests", "message": "Global limit has been reached"})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    user_mock(
        "auth0%7Cabc",
        "tok-1",
        user("auth0|abc", "ana@example.com", "es"),
    )
    .with_priority(2)
    .mount(&server)
    .await;
    client_mock("c1", "tok-1").mount(&server).await;
    let directory = api_directory(&server, |_| {});
    let started = std::time::Instant::now();
    let p = ready(&directory, &thin_event("e1", "auth0|abc", "c1")).await;
    assert_eq!(p.rendered.locale, "es");
    assert_eq!(requests_to(&server, "GET", "/api/v2/users/").await, 2);
    // Behaviour, not speed: the second request waited for the announced second.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_429_asking_for_too_long_a_wait_is_transient() {
    let server = MockServer::start().await;
    token_mock("tok-1", 86_400).mount(&server).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let directory = api_directory(&server, |_| {});
    let why = unavailable(&directory, &thin_event("e1", "auth0|abc", "c1")).await;
    assert!(why.contains("429"), "{why}");
}

#[tokio::test]
async fn server_errors_timeouts_and_refused_connections_are_transient() {
    let server = MockServer::start().await;
    token_mock("tok-1", 86_400).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/auth0%7Cslow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"statusCode": 500, "message": "internal"})),
        )
        .mount(&server)
        .await;
    let directory = api_directory(&server, |s| s.timeout = Duration::from_millis(500));

    let why = unavailable(&directory, &thin_event("e1", "auth0|abc", "c1")).await;
    assert!(why.contains("500"), "{why}");
    let why = unavailable(&directory, &thin_event("e2", "auth0|slow", "c1")).await;
    assert!(why.contains("timed out") || why.contains("500"), "{why}");
    // Errors are not cached: the next event asks again.
    let before = requests_to(&server, "GET", "/api/v2/users/auth0%7Cabc").await;
    let _ = prepare(
        shared_pipeline(),
        &directory,
        &thin_event("e3", "auth0|abc", "c1"),
    )
    .await;
    assert_eq!(
        requests_to(&server, "GET", "/api/v2/users/auth0%7Cabc").await,
        before + 1
    );

    // Nothing listens on this port.
    let port = crate::broker::free_port();
    let settings = DirectorySettings {
        source: DirectorySource::Auth0(Auth0Settings {
            base: format!("http://127.0.0.1:{port}/").parse().unwrap(),
            client_id: CLIENT_ID.to_owned(),
            client_secret: Secret::new(CLIENT_SECRET),
            audience: "x".to_owned(),
        }),
        ..DirectorySettings::default()
    };
    let down = Directory::open(&settings).unwrap();
    let why = unavailable(&down, &thin_event("e4", "auth0|abc", "c1")).await;
    assert!(why.contains("cannot connect"), "{why}");
}

#[tokio::test]
async fn only_thin_events_cause_requests() {
    let server = MockServer::start().await;
    let directory = api_directory(&server, |_| {});
    let p = ready(
        &directory,
        crate::helpers::base_event().to_string().as_bytes(),
    )
    .await;
    assert_eq!(p.rendered.locale, "en");
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        0
    );
}

// ---------------------------------------------------------------------------------------------
// In the worker: real SMTP, the directory decides between sent, retry and dead letter.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_sends_thin_events_retries_when_the_api_fails_and_dead_letters_unknown_users() {
    use crate::broker::{Smtp, worker_settings};
    use mailroom::mailer::Mailer;
    use mailroom::store::Store;

    let server = MockServer::start().await;
    token_mock("tok-1", 86_400).mount(&server).await;
    mount_user(&server, "tok-1", "abc", "ana@example.com", "fr").await;
    client_mock("c1", "tok-1").mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/auth0%7Cflaky"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    not_found(&server, "/api/v2/users/").await;

    let smtp = Smtp::start(crate::broker::Reply::Accept);
    let state = tempfile::tempdir().unwrap();
    let settings = worker_settings("unused", &smtp.url(), state.path());
    let mailer = Mailer::new(&settings.smtp_url, "w.test", settings.smtp_timeout, 2).unwrap();
    let store = Store::open(state.path(), Duration::from_secs(60)).unwrap();
    let worker = Worker::new(
        mailroom::reload::Live::new(crate::helpers::pipeline()),
        mailer,
        store,
        settings,
        "directory-test",
    )
    .with_directory(Arc::new(api_directory(&server, |_| {})));

    let (outcome, meta) = worker.handle(&thin_event("w1", "auth0|abc", "c1")).await;
    assert_eq!(outcome, Outcome::Sent);
    assert_eq!(meta.locale.as_deref(), Some("fr"));
    assert_eq!(smtp.count(), 1);
    let mail = &smtp.received()[0];
    assert!(
        mail.header("From")
            .unwrap_or_default()
            .contains("Acme Notes")
    );

    let (outcome, meta) = worker.handle(&thin_event("w2", "auth0|flaky", "c1")).await;
    match outcome {
        Outcome::Retry { reason } => assert!(reason.contains("503"), "{reason}"),
        other => panic!("expected a retry, got {other:?}"),
    }
    // The log line of the retry names the event that waits.
    assert_eq!(meta.event_id.as_deref(), Some("w2"));
    match worker
        .handle(&thin_event("w3", "auth0|nobody", "c1"))
        .await
        .0
    {
        Outcome::DeadLetter { kind, reason } => {
            assert_eq!(kind, DeadKind::Unroutable);
            assert!(reason.contains("no such user"), "{reason}");
        }
        other => panic!("expected a dead letter, got {other:?}"),
    }
    assert_eq!(smtp.count(), 1);
}

// ---------------------------------------------------------------------------------------------
// The binary: secrets stay out of the logs even at trace level; refused credentials stop it.

/// The binary in the repository with `env` set, logging at trace level.
fn run_binary(args: &[&str], env: &[(&str, String)]) -> std::process::Output {
    let mut vars = vec![("RUST_LOG", "trace")];
    vars.extend(env.iter().map(|(k, v)| (*k, v.as_str())));
    crate::helpers::mailroom_with(&crate::helpers::root(), args, &vars, None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_never_logs_the_secret_or_the_token_and_stops_on_refused_credentials() {
    let server = MockServer::start().await;
    token_mock("tok-must-not-be-logged", 86_400)
        .mount(&server)
        .await;
    let tenant = format!("auth0:{}", server.uri());
    for (name, lang) in [
        ("leamoreau", "fr"),
        ("hanakoyamada", "ja"),
        ("juergenmueller", "de"),
    ] {
        let email = format!("{name}@example.com");
        mount_user(&server, "tok-must-not-be-logged", name, &email, lang).await;
    }
    for id in [
        "AaiyAPdpYdesoKnqjj8HJqRn4T5titww",
        "Sj5Kd7Lf9Gh1Jk3Lz5Xc7Vb9Nm1Qw3Er",
        "Nk7Qa2Ws9Ed4Rf6Tg8Yh1Uj3Ik5Ol0Pm",
    ] {
        client_mock(id, "tok-must-not-be-logged")
            .mount(&server)
            .await;
    }
    not_found(&server, "/api/v2/").await;
    let env = [
        ("MAILROOM_DIRECTORY", tenant.clone()),
        ("MAILROOM_AUTH0_CLIENT_ID", CLIENT_ID.to_owned()),
        ("MAILROOM_AUTH0_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
    ];
    let out = tempfile::tempdir().unwrap();
    let outbox = out.path().to_str().unwrap().to_owned();
    let o = tokio::task::spawn_blocking(move || {
        run_binary(
            &[
                "run",
                "--events",
                "examples/thin-events.jsonl",
                "--outbox",
                &outbox,
            ],
            &env,
        )
    })
    .await
    .unwrap();
    let log = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{log}");
    assert!(log.contains("4 written"), "{log}");
    assert!(!log.contains(CLIENT_SECRET), "the secret is in the log");
    assert!(
        !log.contains("tok-must-not-be-logged"),
        "the token is in the log"
    );

    // Wrong credentials: the worker refuses to start (before any broker connection).
    let refusing = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "access_denied", "error_description": "Unauthorized"
        })))
        .mount(&refusing)
        .await;
    let env = [
        ("MAILROOM_DIRECTORY", format!("auth0:{}", refusing.uri())),
        ("MAILROOM_AUTH0_CLIENT_ID", CLIENT_ID.to_owned()),
        ("MAILROOM_AUTH0_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        (
            "MAILROOM_AMQP_URL",
            "amqp://guest:guest@127.0.0.1:1/%2f".to_owned(),
        ),
    ];
    let o = tokio::task::spawn_blocking(move || run_binary(&["run"], &env))
        .await
        .unwrap();
    let log = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!o.status.success(), "{log}");
    assert!(log.contains("refuses mailroom's credentials"), "{log}");
    assert!(!log.contains(CLIENT_SECRET), "the secret is in the log");
}

/// A client whose metadata names the example template set `b2b`.
fn b2b_client(client_id: &str) -> Value {
    let mut c = client(client_id, "Globex Portal");
    c["client_metadata"]["template_set"] = json!("b2b");
    c
}

#[tokio::test]
async fn a_directory_client_chooses_its_template_set_from_the_files_and_the_api() {
    // File source.
    let (dir, _) = folder_with_ana("de");
    write(dir.path(), "clients.json", &json!([b2b_client("c1")]));
    let directory = file_directory(dir.path());
    let p = ready(&directory, &thin_event("e1", "auth0|abc", "c1")).await;
    assert_eq!(p.template_set.as_deref(), Some("b2b"));
    assert!(
        p.rendered.text.contains("Mit freundlichen Grüßen"),
        "{}",
        p.rendered.text
    );

    // Management API source.
    let server = MockServer::start().await;
    token_mock("tok-1", 86_400).mount(&server).await;
    mount_user(&server, "tok-1", "abc", "ana@example.com", "fr").await;
    Mock::given(method("GET"))
        .and(path("/api/v2/clients/c2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(b2b_client("c2")))
        .mount(&server)
        .await;
    let directory = api_directory(&server, |_| {});
    let p = ready(&directory, &thin_event("e2", "auth0|abc", "c2")).await;
    assert_eq!(p.template_set.as_deref(), Some("b2b"));
    assert!(
        p.rendered
            .text
            .contains("Cordialement, l’équipe Globex Portal"),
        "{}",
        p.rendered.text
    );
}
