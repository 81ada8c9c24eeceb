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
                (
                    header::CONTENT_SECURITY_POLICY,
                    "sandbox; script-src 'none'",
                ),
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
        locales: None,
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

/// Serves the gallery on `listener` until `shutdown` completes.
pub async fn serve(
    gallery: Arc<Gallery>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(gallery))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Watches the templates and locales folders; each burst of changes (creations, writes,
/// renames, removals: not reads, or every reload would trigger the next) reloads the gallery
/// once, 150 ms after the burst began. Watching stops when the returned watcher is dropped.
pub fn watch(gallery: Arc<Gallery>) -> anyhow::Result<notify::RecommendedWatcher> {
    use notify::{EventKind, RecursiveMode, Watcher as _};
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let mut watcher =
        notify::recommended_watcher(move |res: notify::Result<notify::Event>| match res {
            Ok(event) => {
                if matches!(
                    event.kind,
                    EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
                ) {
                    let _ = tx.send(());
                }
            }
            Err(e) => tracing::warn!("gallery: file watching: {e}"),
        })
        .context("cannot start watching files")?;
    for dir in [
        &gallery.settings.templates_dir,
        &gallery.settings.locales_dir,
    ] {
        watcher
            .watch(dir, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch {}", dir.display()))?;
    }
    // Ends when the watcher (and with it the sender) is dropped.
    std::thread::Builder::new()
        .name("gallery-watch".into())
        .spawn(move || {
            while rx.recv().is_ok() {
                // An editor saves in several steps: let the burst settle, then load once.
                std::thread::sleep(Duration::from_millis(150));
                while rx.try_recv().is_ok() {}
                gallery.reload();
            }
        })
        .context("cannot start the reload thread")?;
    Ok(watcher)
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
