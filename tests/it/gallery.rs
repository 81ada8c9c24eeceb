//! The preview gallery over HTTP: every route, live reload, static export, and a real browser.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use mailroom::config::{DirectorySettings, DirectorySource, Settings};
use mailroom::gallery::{Gallery, serve, watch};
use serde_json::Value;

use crate::helpers::{root, scratch_copy};

/// A gallery over a scratch copy of the shipped templates and locales (so tests may edit
/// them) and the shipped example directory, served on a free loopback port.
struct Served {
    addr: SocketAddr,
    dir: tempfile::TempDir,
    gallery: Arc<Gallery>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _watcher: Option<notify::RecommendedWatcher>,
}

impl Served {
    async fn start(live: bool) -> Served {
        let dir = scratch_copy();
        let settings = Settings {
            templates_dir: dir.path().join("templates"),
            locales_dir: dir.path().join("locales"),
            // The sender of ./mailroom.toml, so pages equal what the CLI prints there.
            from: "Mailroom <no-reply@mailroom.localhost>".parse().unwrap(),
            directory: DirectorySettings {
                source: DirectorySource::File(root().join("directory")),
                ..DirectorySettings::default()
            },
            ..Settings::default()
        };
        let gallery = Gallery::new(settings, live).unwrap();
        let watcher = live.then(|| watch(gallery.clone()).unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(serve(gallery.clone(), listener, async {
            let _ = rx.await;
        }));
        Served {
            addr,
            dir,
            gallery,
            stop: Some(tx),
            _watcher: watcher,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn get(&self, path: &str) -> (u16, String, String) {
        let r = reqwest::get(self.url(path)).await.unwrap();
        let status = r.status().as_u16();
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, ct, r.text().await.unwrap())
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_lists_every_template_locale_and_application_in_its_language() {
    let s = Served::start(false).await;
    let (status, ct, body) = s.get("/").await;
    assert_eq!(status, 200);
    assert_eq!(ct, "text/html; charset=utf-8");
    for template in ["verify_email", "verify_email_by_code", "welcome_email"] {
        assert!(body.contains(&format!("id=\"{template}\"")), "{template}");
    }
    // Subjects in their own languages, right-to-left cells marked as such.
    assert!(body.contains("Confirmez votre adresse e-mail pour Acme Notes"));
    assert!(body.contains("Bestätigen Sie Ihre E-Mail-Adresse"), "de");
    assert!(body.contains("lang=\"ar\" dir=\"rtl\""));
    // Applications: the samples and the clients of the directory.
    assert!(body.contains("sample default") && body.contains("sample hostile"));
    assert!(body.contains("Globex &amp; Co (Zk3Jd8s0Qm2Lp9Xv7Rt5Wy1Hb4Nc6Fg8)"));
    // Hostile sample data is escaped, never markup.
    assert!(
        !body.contains("<script>alert"),
        "unescaped script in the index"
    );
    assert!(body.contains("&lt;Dev&gt; Tools &amp; Co"));
    // (30 samples of 13 templates + 13 × 1 template set + 13 × 4 clients) × (7 locales + 2
    // pseudo-locales), every one rendered.
    assert_eq!(
        body.matches("data-template=").count(),
        (30 + 13 + 13 * 4) * 9
    );
    // A row per template set, and the defaults beside every set in each locale.
    assert!(body.contains("template set b2b"));
    assert!(
        body.contains("href=\"/compare/welcome_email?across=sets&amp;locales=de\""),
        "compare across sets"
    );
    assert!(!body.contains("class=\"error\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_message_view_shows_headers_text_size_and_the_other_locales() {
    let s = Served::start(false).await;
    let (status, ct, body) = s.get("/t/verify_email/ja?sample=default").await;
    assert_eq!((status, ct.as_str()), (200, "text/html; charset=utf-8"));
    assert!(
        body.contains("<th>Content-Language</th><td>ja</td>"),
        "{body}"
    );
    assert!(body.contains("<th>Message-ID</th>"));
    assert!(body.contains("<th>From</th>") && body.contains("<th>To</th>"));
    assert!(body.contains(" bytes</td>"));
    assert!(body.contains("<iframe id=\"email\""));
    assert!(body.contains(" sandbox src=\"/raw/verify_email/ja?sample=default\""));
    for other in ["en", "fr", "de", "es", "pt-BR", "ar"] {
        assert!(
            body.contains(&format!("href=\"/t/verify_email/{other}?sample=default\"")),
            "{other}"
        );
    }
    assert!(body.contains("href=\"/eml/verify_email/ja?sample=default\" download"));
    assert!(body.contains("<pre lang=\"ja\" dir=\"ltr\">"));

    // A directory client as the application: its brand, in the From header.
    let (status, _, body) = s
        .get("/t/welcome_email/fr?client=Zk3Jd8s0Qm2Lp9Xv7Rt5Wy1Hb4Nc6Fg8")
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("Globex &amp; Co"), "{body}");

    // The hostile sample: escaped in the page, in the text part and in the headers.
    let (status, _, body) = s.get("/t/verify_email/en?sample=hostile").await;
    assert_eq!(status, 200);
    assert!(!body.contains("<script>alert"), "unescaped script");
    assert!(body.contains("&lt;script&gt;"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_html_is_sandboxed_and_right_to_left_in_arabic() {
    let s = Served::start(false).await;
    let r = reqwest::get(s.url("/raw/verify_email/ar?sample=default"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Sandboxed, and nothing but images, inline styles and fonts may load (no scripts).
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.starts_with("sandbox;")
            && csp.contains("default-src 'none'")
            && !csp.contains("script-src"),
        "{csp}"
    );
    let body = r.text().await.unwrap();
    assert!(body.starts_with("<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\">"));
    let (_, _, hostile) = s.get("/raw/welcome_email/en?sample=hostile").await;
    assert!(!hostile.contains("<script>alert"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_puts_locales_side_by_side() {
    let s = Served::start(false).await;
    let (status, _, body) = s
        .get("/compare/welcome_email?sample=default&locales=en,ar,ja")
        .await;
    assert_eq!(status, 200);
    assert_eq!(body.matches("<iframe").count(), 3);
    assert!(body.contains("src=\"/raw/welcome_email/ar?sample=default\""));
    assert!(body.contains("<figcaption lang=\"ar\" dir=\"rtl\">"));
    let (_, _, all) = s.get("/compare/welcome_email").await;
    // The seven shipped locales and the two pseudo-locales.
    assert_eq!(all.matches("<iframe").count(), 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_render_returns_the_preview_json_and_eml_downloads() {
    let s = Served::start(false).await;
    let (status, ct, body) = s
        .get("/api/render?template=verify_email_by_code&locale=de&sample=default")
        .await;
    assert_eq!((status, ct.as_str()), (200, "application/json"));
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["locale"], "de");
    assert_eq!(v["template"], "verify_email_by_code");
    assert_eq!(v["headers"]["content_language"], "de");
    // Exactly what `preview --format json` prints.
    let cli = crate::helpers::mailroom(
        &root(),
        &[
            "preview",
            "verify_email_by_code",
            "--locale",
            "de",
            "--sample",
            "default",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(body, String::from_utf8_lossy(&cli.stdout));

    let r = reqwest::get(s.url("/eml/verify_email/pt-BR?sample=default"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "message/rfc822");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    let eml = r.text().await.unwrap();
    assert!(eml.contains("Content-Language: pt-BR\r\n"));

    // Unknown things are 404 with a reason, not a crash.
    let (status, _, body) = s.get("/api/render?template=nope&locale=en").await;
    assert_eq!(status, 404);
    assert!(body.contains("unknown template"), "{body}");
    let (status, _, body) = s.get("/t/verify_email/xx?sample=default").await;
    assert_eq!(status, 404);
    assert!(body.contains("no shipped locale"), "{body}");
    let (status, _, _) = s.get("/nothing/here").await;
    assert_eq!(status, 404);
    let (status, ct, _) = s.get("/assets/gallery.js").await;
    assert_eq!(
        (status, ct.as_str()),
        (200, "text/javascript; charset=utf-8")
    );
}

async fn wait_for_version_after(s: &Served, before: u64) {
    for _ in 0..100 {
        if s.gallery.version() > before {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no reload within 5 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_are_picked_up_and_a_broken_file_shows_its_error_while_the_rest_keeps_serving() {
    let s = Served::start(true).await;
    let ftl = s.dir.path().join("locales/fr/verify_email.ftl");
    let original = std::fs::read_to_string(&ftl).unwrap();
    let edited = original.replacen(
        "Confirmez votre adresse e-mail",
        "Validez votre adresse e-mail",
        1,
    );
    assert_ne!(
        original, edited,
        "the subject message is in verify_email.ftl"
    );

    let before = s.gallery.version();
    std::fs::write(&ftl, &edited).unwrap();
    wait_for_version_after(&s, before).await;
    let (_, _, version) = s.get("/api/version").await;
    assert_eq!(
        serde_json::from_str::<Value>(&version).unwrap()["version"],
        s.gallery.version()
    );
    let (status, _, body) = s.get("/t/verify_email/fr?sample=default").await;
    assert_eq!(status, 200);
    assert!(body.contains("Validez votre adresse e-mail"), "{body}");

    // Break the French catalog: French pages show the error with file and line; English ones
    // are served from the last good version.
    let before = s.gallery.version();
    std::fs::write(&ftl, format!("{edited}\nbroken-message = {{ $unclosed\n")).unwrap();
    wait_for_version_after(&s, before).await;
    let (status, _, body) = s.get("/t/verify_email/fr?sample=default").await;
    assert_eq!(status, 500);
    let line = edited.lines().count() + 2;
    assert!(
        body.contains(&format!("verify_email.ftl:{line}")),
        "the error names the file and line {line}: {body}"
    );
    let (status, _, body) = s.get("/t/verify_email/en?sample=default").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("The last edit does not load"),
        "the banner says so"
    );
    let (status, _, index) = s.get("/").await;
    assert_eq!(status, 200);
    assert!(index.contains("class=\"error\""));

    // Fixing it clears the error.
    let before = s.gallery.version();
    std::fs::write(&ftl, &original).unwrap();
    wait_for_version_after(&s, before).await;
    let (status, _, body) = s.get("/t/verify_email/fr?sample=default").await;
    assert_eq!(status, 200);
    assert!(body.contains("Confirmez votre adresse e-mail"));
    assert!(!body.contains("The last edit does not load"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_template_shows_its_error_only_on_its_own_pages() {
    let s = Served::start(true).await;
    let body_html = s.dir.path().join("templates/welcome_email/body.html");
    let before = s.gallery.version();
    std::fs::write(&body_html, "{% extends \"layouts/base.html\" %}\n{% block content %}\n{{ oops( }}\n{% endblock content %}\n").unwrap();
    wait_for_version_after(&s, before).await;
    let (status, _, body) = s.get("/t/welcome_email/en?sample=default").await;
    assert_eq!(status, 500);
    assert!(body.contains("welcome_email/body.html:3"), "{body}");
    let (status, _, _) = s.get("/t/verify_email/en?sample=default").await;
    assert_eq!(status, 200);
}

#[test]
fn preview_out_writes_the_whole_gallery_as_files() {
    let out = tempfile::tempdir().unwrap();
    let o = crate::helpers::mailroom(
        &root(),
        &["preview", "--out", out.path().to_str().unwrap()],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let index = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(index.contains("href=\"verify_email/ar/sample-default.html\""));
    assert!(!index.contains("gallery.js"), "static pages do not poll");
    for template in ["verify_email", "verify_email_by_code", "welcome_email"] {
        for locale in ["en", "fr", "de", "es", "pt-BR", "ja", "ar"] {
            let base = out.path().join(template).join(locale);
            for ext in ["html", "raw.html", "txt", "eml"] {
                let f = base.join(format!("sample-default.{ext}"));
                assert!(f.exists(), "{}", f.display());
            }
        }
    }
    let page =
        std::fs::read_to_string(out.path().join("verify_email/ar/sample-default.html")).unwrap();
    assert!(page.contains("src=\"../../verify_email/ar/sample-default.raw.html\""));
    assert!(page.contains("href=\"../../assets/gallery.css\""));
    let raw = std::fs::read_to_string(out.path().join("verify_email/ar/sample-default.raw.html"))
        .unwrap();
    assert!(raw.contains("dir=\"rtl\""));
    // A static file has no headers: its CSP is the first thing in its head.
    let head = raw.find("<head").unwrap();
    let meta = raw
        .find("<meta http-equiv=\"Content-Security-Policy\"")
        .unwrap();
    assert!(
        meta > head && raw[head..meta].matches('<').count() == 1,
        "{}",
        &raw[..300]
    );
    assert!(raw[meta..].contains("script-src 'none'"));
    // The .eml is what `preview --format eml` prints for the same sample and locale.
    let eml = std::fs::read(out.path().join("welcome_email/de/sample-default.eml")).unwrap();
    let cli = crate::helpers::mailroom(
        &root(),
        &[
            "preview",
            "welcome_email",
            "--locale",
            "de",
            "--format",
            "eml",
        ],
        None,
    );
    assert_eq!(eml, cli.stdout);
    assert!(
        out.path()
            .join("welcome_email/compare-sample-default.html")
            .exists()
    );
    // Each template set has its row of files, and a page puts the defaults beside every set.
    let set = std::fs::read_to_string(out.path().join("welcome_email/fr/set-b2b.txt")).unwrap();
    assert!(set.contains("Cordialement, l’équipe"), "{set}");
    let compare =
        std::fs::read_to_string(out.path().join("welcome_email/compare-sets-fr.html")).unwrap();
    assert!(
        compare.contains(">defaults</a>") && compare.contains(">template set b2b</a>"),
        "{compare}"
    );
    assert!(
        compare.contains("src=\"../welcome_email/fr/set-b2b.raw.html\""),
        "{compare}"
    );
}

// ---------------------------------------------------------------------------------------------
// A real browser: Debian's chromium through chromedriver (installed by scripts/setup-test-env.sh).

struct Driver(std::process::Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_an_arabic_email_opens_right_to_left_and_the_page_follows_edits() {
    assert!(
        std::path::Path::new("/usr/bin/chromedriver").exists(),
        "chromedriver is missing: run scripts/setup-test-env.sh (Debian packages chromium, chromium-driver)"
    );
    let s = Served::start(true).await;
    let port = crate::broker::free_port();
    let _driver = Driver(
        std::process::Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let webdriver = format!("http://127.0.0.1:{port}");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"]
        }),
    );
    let mut client = None;
    for _ in 0..100 {
        match fantoccini::ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps.clone())
            .connect(&webdriver)
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let c = client.expect("chromedriver accepts a session within 10 s");
    let result = async {
        c.goto(&s.url("/")).await?;
        let link = c
            .find(fantoccini::Locator::Css(
                "a[data-template='verify_email'][data-locale='ar']",
            ))
            .await?;
        link.click().await?;
        let frame = c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(fantoccini::Locator::Css("iframe#email"))
            .await?;
        let shot = c.screenshot().await?;
        frame.enter_frame().await?;
        let html = c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(fantoccini::Locator::Css("html"))
            .await?;
        let dir = html.attr("dir").await?;
        let lang = html.attr("lang").await?;
        c.enter_parent_frame().await?;

        // Live reload: a translator edits the Arabic subject; the open page refreshes itself.
        let ftl = s.dir.path().join("locales/ar/verify_email.ftl");
        let text = std::fs::read_to_string(&ftl).unwrap();
        let edited = text.replacen(
            "verify-email-subject = أكِّد",
            "verify-email-subject = (مراجعة) أكِّد",
            1,
        );
        assert_ne!(text, edited);
        std::fs::write(&ftl, edited).unwrap();
        let mut refreshed = false;
        for _ in 0..100 {
            if c.source().await?.contains("(مراجعة)") {
                refreshed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok::<_, fantoccini::error::CmdError>((dir, lang, shot, refreshed))
    }
    .await;
    let _ = c.close().await;
    let (dir, lang, shot, refreshed) = result.expect("the browser steps work");
    assert!(refreshed, "the open page did not show the edit within 10 s");
    assert_eq!(dir.as_deref(), Some("rtl"));
    assert_eq!(lang.as_deref(), Some("ar"));
    let artifacts = root().join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    std::fs::write(artifacts.join("gallery-ar.png"), &shot).unwrap();
    assert!(shot.starts_with(b"\x89PNG"), "a PNG screenshot");
}

/// The raw HTTP answer to `request`, sent as is.
async fn raw_request(addr: SocketAddr, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
    sock.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), sock.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_host_name_is_refused_so_dns_rebinding_reads_nothing() {
    let s = Served::start(false).await;
    let port = s.addr.port();
    for host in [
        "evil.test",
        "evil.test:80",
        "127.0.0.1.evil.test",
        "localhost.evil.test",
    ] {
        let answer = raw_request(
            s.addr,
            &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 421"), "{host}: {answer}");
        assert!(!answer.contains("verify_email"), "{host}");
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "[::1]".to_owned(),
    ] {
        let answer = raw_request(
            s.addr,
            &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{host}: {answer}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_a_content_security_policy_and_nosniff() {
    let s = Served::start(false).await;
    for path in [
        "/",
        "/t/verify_email/fr",
        "/raw/verify_email/fr",
        "/eml/verify_email/fr",
        "/compare/verify_email",
        "/api/render?template=verify_email&locale=fr",
        "/api/version",
        "/assets/gallery.css",
        "/assets/gallery.js",
        "/no/such/page",
        "/raw/nope/fr",
    ] {
        let r = reqwest::get(s.url(path)).await.unwrap();
        let csp = r
            .headers()
            .get("content-security-policy")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("{path}: no CSP"));
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert_eq!(
            r.headers().get("x-content-type-options").unwrap(),
            "nosniff",
            "{path}"
        );
        if path.starts_with("/raw/verify_email") {
            assert!(csp.starts_with("sandbox"), "{path}: {csp}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off_and_connections_are_capped() {
    use mailroom::gallery::{HEADER_READ_TIMEOUT, MAX_CONNECTIONS};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = Served::start(false).await;
    // Slow clients: a request line and one header, then nothing.
    let mut slow = Vec::new();
    for _ in 0..MAX_CONNECTIONS + 20 {
        let mut sock = tokio::net::TcpStream::connect(s.addr).await.unwrap();
        sock.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
            .await
            .unwrap();
        slow.push(sock);
    }
    // Over the cap, connections are closed at once: the 20 extra ones read end-of-file.
    let mut closed_at_once = 0;
    for sock in slow.iter_mut().skip(MAX_CONNECTIONS) {
        let mut buf = [0u8; 64];
        // Closed (end of file), or reset since the request was never read.
        if let Ok(Ok(0) | Err(_)) =
            tokio::time::timeout(Duration::from_secs(2), sock.read(&mut buf)).await
        {
            closed_at_once += 1;
        }
    }
    assert_eq!(closed_at_once, 20);
    // The others are closed once their headers are late.
    tokio::time::sleep(HEADER_READ_TIMEOUT + Duration::from_secs(1)).await;
    let mut cut = 0;
    for sock in slow.iter_mut().take(MAX_CONNECTIONS) {
        let mut buf = [0u8; 512];
        // hyper may answer 408 before closing; either way the connection ends.
        let mut ended = false;
        for _ in 0..4 {
            match tokio::time::timeout(Duration::from_secs(2), sock.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => {
                    ended = true;
                    break;
                }
                Ok(Ok(_)) => continue,
                Err(_) => break,
            }
        }
        cut += usize::from(ended);
    }
    assert_eq!(cut, MAX_CONNECTIONS, "slow connections still held");
    drop(slow);
    // And the gallery still answers.
    let (status, _, _) = s.get("/").await;
    assert_eq!(status, 200);
}
