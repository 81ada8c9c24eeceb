//! `preview --serve`: the axum routes over the pages, and the file watcher that reloads the
//! gallery when `templates/` or `locales/` change.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::links::{Links, safe_name};
use super::pages::Page;
use super::{CSS, Gallery, JS, Which};
use crate::cli::PreviewFormat;
use crate::config::Settings;

#[derive(Debug, Deserialize)]
struct RenderQuery {
    template: String,
    locale: String,
    sample: Option<String>,
    client: Option<String>,
    set: Option<String>,
}

fn html(page: Page) -> Response {
    let (status, body) = match page {
        Ok(body) => (StatusCode::OK, body),
        Err(e) => e,
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

fn plain(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn index(State(g): State<Arc<Gallery>>) -> Response {
    html(g.index_page(Links::Server, "/"))
}

async fn message(
    State(g): State<Arc<Gallery>>,
    UrlPath((template, locale)): UrlPath<(String, String)>,
    Query(which): Query<Which>,
) -> Response {
    html(g.message_page(Links::Server, "/", &template, &locale, &which, ""))
}

async fn compare(
    State(g): State<Arc<Gallery>>,
    UrlPath(template): UrlPath<String>,
    Query(which): Query<Which>,
) -> Response {
    html(g.compare_page(Links::Server, "/", &template, &which, ""))
}

/// The email's HTML alone, for the iframe. The CSP makes the document sandboxed (no scripts,
/// no forms, unique origin) even when opened outside the iframe.
async fn raw(
    State(g): State<Arc<Gallery>>,
    UrlPath((template, locale)): UrlPath<(String, String)>,
    Query(which): Query<Which>,
) -> Response {
    match g.prepared(&template, &locale, &which) {
        Ok(p) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CONTENT_SECURITY_POLICY, RAW_CSP),
                (header::CACHE_CONTROL, "no-store"),
            ],
            p.rendered.html,
        )
            .into_response(),
        Err((status, why)) => plain(status, why),
    }
}

async fn eml(
    State(g): State<Arc<Gallery>>,
    UrlPath((template, locale)): UrlPath<(String, String)>,
    Query(which): Query<Which>,
) -> Response {
    match g.prepared(&template, &locale, &which) {
        Ok(p) => {
            let name = format!("{}-{}.eml", safe_name(&template), safe_name(&locale));
            (
                [
                    (header::CONTENT_TYPE, "message/rfc822".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                ],
                p.message.formatted(),
            )
                .into_response()
        }
        Err((status, why)) => plain(status, why),
    }
}

/// `preview --format json` for one template, locale and application.
async fn api_render(State(g): State<Arc<Gallery>>, Query(q): Query<RenderQuery>) -> Response {
    let which = Which {
        sample: q.sample,
        client: q.client,
        set: q.set,
        ..Which::default()
    };
    let json = |status: StatusCode, body: Vec<u8>| {
        (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    match g.prepared(&q.template, &q.locale, &which) {
        Ok(p) => match crate::preview::format(&p, PreviewFormat::Json) {
            Ok(body) => json(StatusCode::OK, body),
            Err(e) => plain(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        },
        Err((status, why)) => json(
            status,
            serde_json::to_vec(&serde_json::json!({ "error": why })).unwrap_or_default(),
        ),
    }
}

async fn version(State(g): State<Arc<Gallery>>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        format!("{{\"version\":{}}}", g.version()),
    )
        .into_response()
}

async fn not_found(State(g): State<Arc<Gallery>>) -> Response {
    html(Err(g.error_page(
        StatusCode::NOT_FOUND,
        "/",
        Links::Server,
        "no such page",
        Vec::new(),
    )))
}

/// The routes, for [`serve`] and tests.
pub fn router(gallery: Arc<Gallery>) -> axum::Router {
    axum::Router::new()
        .route("/", get(index))
        .route("/t/{template}/{locale}", get(message))
        .route("/raw/{template}/{locale}", get(raw))
        .route("/eml/{template}/{locale}", get(eml))
        .route("/compare/{template}", get(compare))
        .route("/api/render", get(api_render))
        .route("/api/version", get(version))
        .route(
            "/assets/gallery.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS) }),
        )
        .route(
            "/assets/gallery.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    JS,
                )
            }),
        )
        .fallback(not_found)
        .with_state(gallery)
}

/// Connections served at once; more are closed as they arrive. The gallery has one reader.
pub const MAX_CONNECTIONS: usize = 64;
/// A request's headers must arrive within this, or the connection is closed (slow clients
/// would otherwise hold connections forever).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// No connection lives longer than this; the page's polling opens a new one.
pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(60);

/// What every page may load: its own script and styles, images, and the email in its frame.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' https: http: data:; frame-src 'self'; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";
/// The email's HTML: sandboxed (no scripts, no forms, a unique origin) even when opened
/// outside its frame; its images and inline styles load.
const RAW_CSP: &str = "sandbox; default-src 'none'; img-src https: http: data:; \
     style-src 'unsafe-inline'; font-src https: data:; frame-ancestors 'self'";

/// Refuses requests for another host, and gives every answer the security headers.
///
/// On loopback only `localhost`, `127.0.0.1` and `[::1]` are served: a web page whose domain
/// an attacker re-points at 127.0.0.1 (DNS rebinding) sends its own name as `Host`, and would
/// otherwise read every template, sample and client.
async fn guard(
    State(loopback): State<bool>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let mut response = if loopback && !is_loopback_host(host) {
        plain(
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "this gallery answers for localhost only, not for `{}`\n",
                crate::text::clip(host, 80)
            ),
        )
    } else {
        next.run(req).await
    };
    let h = response.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(header::HeaderValue::from_static(PAGE_CSP));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    response
}

/// `localhost`, `127.0.0.1` or `[::1]`, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Serves the gallery on `listener` until `shutdown` completes: at most
/// [`MAX_CONNECTIONS`] at once, each request's headers within [`HEADER_READ_TIMEOUT`], no
/// connection beyond [`CONNECTION_LIFETIME`].
pub async fn serve(
    gallery: Arc<Gallery>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let loopback = listener.local_addr()?.ip().is_loopback();
    let app = router(gallery).layer(axum::middleware::from_fn_with_state(loopback, guard));
    let permits = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    tokio::pin!(shutdown);
    loop {
        let sock = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok((sock, _)) => sock,
                // Out of file descriptors, say: wait a moment rather than spin.
                Err(e) => {
                    tracing::warn!("gallery: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            continue; // dropping `sock` closes it
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(hyper_util::rt::TokioIo::new(sock), service);
            let _ = tokio::time::timeout(CONNECTION_LIFETIME, connection).await;
            drop(permit);
        });
    }
}

/// Watches the templates and locales folders; each burst of changes reloads the gallery once
/// (see [`crate::watch`]). Watching stops when the returned watcher is dropped.
pub fn watch(gallery: Arc<Gallery>) -> anyhow::Result<notify::RecommendedWatcher> {
    let dirs = [
        gallery.settings.templates_dir.clone(),
        gallery.settings.locales_dir.clone(),
    ];
    crate::watch::watch(&dirs, "gallery", move || {
        gallery.reload();
    })
}

/// `preview --serve ADDR`: serve until SIGINT/SIGTERM.
pub fn serve_blocking(settings: Settings, addr: std::net::SocketAddr) -> anyhow::Result<i32> {
    let gallery = Gallery::new(settings, true)?;
    let _watching = watch(gallery.clone())?;
    if !addr.ip().is_loopback() {
        tracing::warn!(
            %addr,
            "the gallery listens beyond this machine: anyone who can reach it sees every template and sample"
        );
    }
    let runtime = crate::runtime::build(crate::runtime::Threads::Pool(Some(2)))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let bound = listener.local_addr()?;
        eprintln!("mailroom gallery on http://{bound}/ (Ctrl-C stops it)");
        serve(gallery, listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("the gallery server failed")
    })?;
    Ok(0)
}
