//! The preview gallery: every template × locale × application, in the browser or as files.
//!
//! `preview --serve` runs a small HTTP server (axum) over the same core the worker uses:
//! an index with every subject in its language, a message view (the HTML in a sandboxed
//! iframe, the text part, the headers, the size, the other locales), a side-by-side compare
//! view, `GET /api/render` (the json of `preview --format json`) and `.eml` downloads. Edits to
//! `templates/` and `locales/` are picked up by a file watcher ([`watch`]): a load that works
//! replaces the pipeline, one that fails keeps the last good pipeline and shows its problems
//! (file and line) on the pages they touch. Open pages poll `/api/version` and reload.
//!
//! `preview --out DIR` ([`export`]) writes the same pages as static files.
//!
//! Applications are each template's samples plus the clients of the file directory (rendered
//! with the template's first sample, the client swapped in). The gallery's own pages are Tera
//! templates named `*.html`, so every value in them is escaped; the emails run no script
//! (`<iframe sandbox>`, and `Content-Security-Policy: sandbox` on the raw HTML).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::{Context as _, anyhow};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use percent_encoding::utf8_percent_encode;
use serde::{Deserialize, Serialize};
use tera::{Context, Tera};

use crate::cli::PreviewFormat;
use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::directory::Directory;
use crate::event::{Client, ClientRef};
use crate::pipeline::{Overrides, Pipeline, Prepared};
use crate::preview::{headers, resolve_locale, sample_event};

const CSS: &str = include_str!("ui/gallery.css");
const JS: &str = include_str!("ui/gallery.js");
const UI: &[(&str, &str)] = &[
    ("base.html", include_str!("ui/base.html")),
    ("index.html", include_str!("ui/index.html")),
    ("message.html", include_str!("ui/message.html")),
    ("compare.html", include_str!("ui/compare.html")),
    ("error.html", include_str!("ui/error.html")),
];

/// What the gallery serves at one moment.
struct Snapshot {
    /// The last pipeline that loaded without errors.
    pipeline: Arc<Pipeline>,
    /// Errors of the latest load, when it failed (empty when the latest load worked).
    problems: Vec<Diagnostic>,
}

/// The gallery: settings, the current snapshot, and its own page templates.
pub struct Gallery {
    settings: Settings,
    current: RwLock<Arc<Snapshot>>,
    /// Bumped by every reload, so open pages know to refresh.
    version: AtomicU64,
    ui: Tera,
    /// Clients of the file directory: extra sample applications.
    directory: Directory,
    /// Server pages poll for changes; static pages do not.
    live: bool,
}

/// One sample application: a sample file of the template, or a directory client.
#[derive(Debug, Clone)]
enum App {
    Sample(String),
    Client(Arc<Client>),
}

impl App {
    fn label(&self) -> String {
        match self {
            App::Sample(name) => format!("sample {name}"),
            App::Client(c) => format!(
                "{} ({})",
                c.name.as_deref().unwrap_or("unnamed client"),
                c.client_id.as_deref().unwrap_or("-")
            ),
        }
    }

    /// `?sample=…` / `?client=…` for server links.
    fn query(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        match self {
            App::Sample(name) => q.append_pair("sample", name),
            App::Client(c) => q.append_pair("client", c.client_id.as_deref().unwrap_or("")),
        };
        q.finish()
    }

    /// A file-name-safe name for static export.
    fn slug(&self, index: usize) -> String {
        match self {
            App::Sample(name) => format!("sample-{}", safe_name(name)),
            App::Client(_) => format!("client-{index}"),
        }
    }
}

fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn seg(s: &str) -> String {
    utf8_percent_encode(s, crate::directory::PATH_SEGMENT).to_string()
}

/// How pages link to each other: server routes, or relative files.
#[derive(Clone, Copy)]
enum Links {
    Server,
    Static,
}

impl Links {
    fn index(self) -> String {
        match self {
            Links::Server => String::new(),
            Links::Static => "index.html".into(),
        }
    }
    fn message(self, t: &str, l: &str, app: &App, slug: &str) -> String {
        match self {
            Links::Server => format!("t/{}/{}?{}", seg(t), seg(l), app.query()),
            Links::Static => format!("{}/{}/{slug}.html", safe_name(t), safe_name(l)),
        }
    }
    fn raw(self, t: &str, l: &str, app: &App, slug: &str) -> String {
        match self {
            Links::Server => format!("raw/{}/{}?{}", seg(t), seg(l), app.query()),
            Links::Static => format!("{}/{}/{slug}.raw.html", safe_name(t), safe_name(l)),
        }
    }
    fn eml(self, t: &str, l: &str, app: &App, slug: &str) -> String {
        match self {
            Links::Server => format!("eml/{}/{}?{}", seg(t), seg(l), app.query()),
            Links::Static => format!("{}/{}/{slug}.eml", safe_name(t), safe_name(l)),
        }
    }
    fn json(self, t: &str, l: &str, app: &App) -> Option<String> {
        match self {
            Links::Server => Some(format!(
                "api/render?template={}&locale={}&{}",
                seg(t),
                seg(l),
                app.query()
            )),
            Links::Static => None,
        }
    }
    fn compare(self, t: &str, app: &App, slug: &str) -> String {
        match self {
            Links::Server => format!("compare/{}?{}", seg(t), app.query()),
            Links::Static => format!("{}/compare-{slug}.html", safe_name(t)),
        }
    }
}

#[derive(Serialize)]
struct Cell {
    locale: String,
    dir: &'static str,
    subject: String,
    href: String,
    error: bool,
}

#[derive(Serialize)]
struct Row {
    label: String,
    cells: Vec<Cell>,
}

#[derive(Serialize)]
struct TemplateRows {
    name: String,
    description: Option<String>,
    compare_href: String,
    rows: Vec<Row>,
}

#[derive(Serialize)]
struct LocaleLink {
    tag: String,
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct Column {
    locale: String,
    dir: &'static str,
    subject: String,
    href: String,
    raw_href: String,
    error: Option<String>,
}

/// A page or a failure to make one (status and the page that says why).
type Page = Result<String, (StatusCode, String)>;

impl Gallery {
    /// Loads everything once; fails when the templates or catalogs do not load (there is no
    /// last good version to fall back on yet).
    pub fn new(settings: Settings, live: bool) -> anyhow::Result<Arc<Gallery>> {
        let (pipeline, warnings) = Pipeline::load_strict(settings.clone())?;
        crate::diagnostic::log_warnings(&warnings);
        let directory = match &settings.directory.source {
            // Only the file source can list its clients; the API source is asked per event.
            crate::config::DirectorySource::File(_) => Directory::open(&settings.directory)?,
            _ => Directory::none(),
        };
        let mut ui = Tera::default();
        ui.add_raw_templates(UI.iter().copied())
            .map_err(|e| anyhow!("the gallery's own pages do not load: {e}"))?;
        Ok(Arc::new(Gallery {
            settings,
            current: RwLock::new(Arc::new(Snapshot {
                pipeline: Arc::new(pipeline),
                problems: Vec::new(),
            })),
            version: AtomicU64::new(1),
            ui,
            directory,
            live,
        }))
    }

    /// Reloads templates and catalogs: a clean load replaces the pipeline; a failed one keeps
    /// the last good pipeline and records its errors. Returns whether the load was clean.
    pub fn reload(&self) -> bool {
        let (pipeline, diags) = Pipeline::load(self.settings.clone());
        let errors: Vec<Diagnostic> = diags.iter().filter(|d| d.is_error()).cloned().collect();
        let clean = pipeline.is_some() && errors.is_empty();
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        let next = match pipeline {
            Some(p) if errors.is_empty() => Snapshot {
                pipeline: Arc::new(p),
                problems: Vec::new(),
            },
            _ => Snapshot {
                pipeline: current.pipeline.clone(),
                problems: if errors.is_empty() {
                    vec![Diagnostic::error(
                        None,
                        None,
                        "templates or catalogs could not be loaded".to_owned(),
                    )]
                } else {
                    errors
                },
            },
        };
        *current = Arc::new(next);
        drop(current);
        self.version.fetch_add(1, Ordering::SeqCst);
        if clean {
            tracing::info!("gallery reloaded");
        } else {
            tracing::warn!("gallery: the last edit does not load; serving the last good version");
        }
        clean
    }

    /// Changes with every reload.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn apps(&self, pipeline: &Pipeline, template: &str) -> Vec<App> {
        let mut apps: Vec<App> = pipeline
            .renderer()
            .template(template)
            .map(|info| {
                info.samples
                    .iter()
                    .filter_map(|p| p.file_stem())
                    .map(|s| App::Sample(s.to_string_lossy().into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        apps.extend(self.directory.file_clients().into_iter().map(App::Client));
        apps
    }

    fn find_app(&self, pipeline: &Pipeline, template: &str, which: &Which) -> Result<App, String> {
        match (&which.sample, &which.client) {
            (_, Some(id)) => self
                .directory
                .file_clients()
                .into_iter()
                .find(|c| c.client_id.as_deref() == Some(id.as_str()))
                .map(App::Client)
                .ok_or_else(|| {
                    format!(
                        "no client `{}` in the directory",
                        crate::event::clip(id, 80)
                    )
                }),
            (Some(name), None) => Ok(App::Sample(name.clone())),
            (None, None) => self
                .apps(pipeline, template)
                .into_iter()
                .next()
                .ok_or_else(|| format!("template `{template}` has no samples")),
        }
    }

    /// The problems of the latest load that touch `template` in `locale`: its own folder, the
    /// shared layouts, the locale's catalog or the source catalog (every locale falls back to
    /// it), and anything without a file.
    fn problems_for(&self, snap: &Snapshot, template: &str, locale: &str) -> Vec<String> {
        let templates = &self.settings.templates_dir;
        let locales = &self.settings.locales_dir;
        let source = snap.pipeline.catalog().source().tag.clone();
        snap.problems
            .iter()
            .filter(|d| {
                let Some(file) = &d.file else { return true };
                let first = |base: &Path| {
                    file.strip_prefix(base).ok().and_then(|rest| {
                        let mut parts = rest.components();
                        let first = parts.next()?.as_os_str().to_string_lossy().into_owned();
                        // A file directly in the base folder concerns everything.
                        Some(if parts.next().is_none() {
                            String::new()
                        } else {
                            first
                        })
                    })
                };
                if let Some(t) = first(templates) {
                    t.is_empty() || t == template || t == "layouts"
                } else if let Some(l) = first(locales) {
                    l.is_empty() || l == locale || l == source
                } else {
                    true
                }
            })
            .map(ToString::to_string)
            .collect()
    }

    fn prepare(
        &self,
        pipeline: &Pipeline,
        template: &str,
        locale: &str,
        app: &App,
    ) -> anyhow::Result<Prepared> {
        let (mut event, path) = match app {
            App::Sample(name) => sample_event(pipeline, template, Some(name))?,
            App::Client(_) => sample_event(pipeline, template, None)?,
        };
        if let App::Client(c) = app {
            event.client = ClientRef::Inline((**c).clone());
        }
        let index = resolve_locale(pipeline, locale)?;
        pipeline
            .prepare_event(
                &event,
                Overrides {
                    template: Some(template),
                    locale: Some(index),
                    ..Overrides::default()
                },
            )
            .map_err(|r| anyhow!("{template} with {}: {r}", path.display()))
    }

    fn page(&self, name: &str, root: &str, mut ctx: Context, snap: &Snapshot) -> Page {
        ctx.insert("root", root);
        ctx.insert("live", &self.live);
        ctx.insert("version", &self.version());
        ctx.insert(
            "problems",
            &snap
                .problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
        );
        self.ui.render(name, &ctx).map_err(|e| {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the gallery page {name} failed: {e}"),
            )
        })
    }

    fn error_page(
        &self,
        status: StatusCode,
        root: &str,
        links: Links,
        heading: &str,
        details: Vec<String>,
    ) -> (StatusCode, String) {
        let snap = self.snapshot();
        let mut ctx = Context::new();
        ctx.insert("heading", heading);
        ctx.insert("details", &details);
        ctx.insert("index_href", &links.index());
        match self.page("error.html", root, ctx, &snap) {
            Ok(html) => (status, html),
            Err(e) => e,
        }
    }

    fn index_page(&self, links: Links, root: &str) -> Page {
        let snap = self.snapshot();
        let pipeline = &snap.pipeline;
        let locales = pipeline.catalog().locales();
        let mut templates = Vec::new();
        for (name, info) in pipeline.renderer().templates() {
            let apps = self.apps(pipeline, name);
            let rows = apps
                .iter()
                .enumerate()
                .map(|(i, app)| {
                    let slug = app.slug(i);
                    let cells = locales
                        .iter()
                        .map(|l| {
                            let href = format!("{root}{}", links.message(name, &l.tag, app, &slug));
                            let blocked = !self.problems_for(&snap, name, &l.tag).is_empty();
                            let rendered = if blocked {
                                None
                            } else {
                                self.prepare(pipeline, name, &l.tag, app).ok()
                            };
                            Cell {
                                locale: l.tag.clone(),
                                dir: l.dir.as_str(),
                                error: rendered.is_none(),
                                subject: rendered.map(|p| p.rendered.subject).unwrap_or_default(),
                                href,
                            }
                        })
                        .collect();
                    Row {
                        label: app.label(),
                        cells,
                    }
                })
                .collect();
            let first = apps.first().cloned().unwrap_or(App::Sample(String::new()));
            templates.push(TemplateRows {
                name: name.clone(),
                description: info.manifest.description.clone(),
                compare_href: format!("{root}{}", links.compare(name, &first, &first.slug(0))),
                rows,
            });
        }
        let mut ctx = Context::new();
        ctx.insert("templates", &templates);
        ctx.insert(
            "locales",
            &locales
                .iter()
                .map(|l| serde_json::json!({ "tag": l.tag }))
                .collect::<Vec<_>>(),
        );
        ctx.insert("index_href", &links.index());
        self.page("index.html", root, ctx, &snap)
    }

    /// The message view, or the error page when the edit broke this template or locale.
    fn message_page(
        &self,
        links: Links,
        root: &str,
        template: &str,
        locale: &str,
        which: &Which,
        slug: &str,
    ) -> Page {
        let snap = self.snapshot();
        let pipeline = &snap.pipeline;
        let fail = |status, heading: String, details| {
            self.error_page(status, root, links, &heading, details)
        };
        let app = self
            .find_app(pipeline, template, which)
            .map_err(|e| fail(StatusCode::NOT_FOUND, e, Vec::new()))?;
        let problems = self.problems_for(&snap, template, locale);
        if !problems.is_empty() {
            return Err(fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("{template} in {locale} does not load"),
                problems,
            ));
        }
        let prepared = self
            .prepare(pipeline, template, locale, &app)
            .map_err(|e| fail(status_of(&e), format!("{e:#}"), Vec::new()))?;
        let others = pipeline
            .catalog()
            .locales()
            .iter()
            .map(|l| LocaleLink {
                tag: l.tag.clone(),
                href: format!("{root}{}", links.message(template, &l.tag, &app, slug)),
                current: l.tag == prepared.rendered.locale,
            })
            .collect::<Vec<_>>();
        let mut ctx = Context::new();
        ctx.insert("template", template);
        ctx.insert("locale", &prepared.rendered.locale);
        ctx.insert("dir", prepared.rendered.dir);
        ctx.insert("app", &app.label());
        ctx.insert("others", &others);
        ctx.insert("headers", &headers(&prepared));
        ctx.insert("size", &prepared.message.formatted().len());
        ctx.insert("lang_source", prepared.lang_source.as_str());
        ctx.insert("text", &prepared.rendered.text);
        ctx.insert(
            "raw_href",
            &format!("{root}{}", links.raw(template, locale, &app, slug)),
        );
        ctx.insert(
            "eml_href",
            &format!("{root}{}", links.eml(template, locale, &app, slug)),
        );
        ctx.insert(
            "json_href",
            &links
                .json(template, locale, &app)
                .map(|j| format!("{root}{j}")),
        );
        ctx.insert("index_href", &links.index());
        self.page("message.html", root, ctx, &snap)
    }

    fn compare_page(
        &self,
        links: Links,
        root: &str,
        template: &str,
        which: &Which,
        slug: &str,
    ) -> Page {
        let snap = self.snapshot();
        let pipeline = &snap.pipeline;
        let app = self
            .find_app(pipeline, template, which)
            .map_err(|e| self.error_page(StatusCode::NOT_FOUND, root, links, &e, Vec::new()))?;
        pipeline.renderer().template(template).map_err(|e| {
            self.error_page(
                StatusCode::NOT_FOUND,
                root,
                links,
                &e.to_string(),
                Vec::new(),
            )
        })?;
        let wanted: Option<Vec<String>> = which
            .locales
            .as_ref()
            .map(|l| l.split(',').map(|s| s.trim().to_owned()).collect());
        let columns = pipeline
            .catalog()
            .locales()
            .iter()
            .filter(|l| wanted.as_ref().is_none_or(|w| w.contains(&l.tag)))
            .map(|l| {
                let problems = self.problems_for(&snap, template, &l.tag);
                let result = if problems.is_empty() {
                    self.prepare(pipeline, template, &l.tag, &app)
                        .map_err(|e| format!("{e:#}"))
                } else {
                    Err(problems.join("\n"))
                };
                Column {
                    locale: l.tag.clone(),
                    dir: l.dir.as_str(),
                    subject: result
                        .as_ref()
                        .map(|p| p.rendered.subject.clone())
                        .unwrap_or_default(),
                    href: format!("{root}{}", links.message(template, &l.tag, &app, slug)),
                    raw_href: format!("{root}{}", links.raw(template, &l.tag, &app, slug)),
                    error: result.err(),
                }
            })
            .collect::<Vec<_>>();
        let mut ctx = Context::new();
        ctx.insert("template", template);
        ctx.insert("app", &app.label());
        ctx.insert("columns", &columns);
        ctx.insert("index_href", &links.index());
        self.page("compare.html", root, ctx, &snap)
    }

    /// The prepared email for the raw, eml and json routes (errors as plain text).
    fn prepared(
        &self,
        template: &str,
        locale: &str,
        which: &Which,
    ) -> Result<Prepared, (StatusCode, String)> {
        let snap = self.snapshot();
        let app = self
            .find_app(&snap.pipeline, template, which)
            .map_err(|e| (StatusCode::NOT_FOUND, e))?;
        let problems = self.problems_for(&snap, template, locale);
        if !problems.is_empty() {
            return Err((StatusCode::INTERNAL_SERVER_ERROR, problems.join("\n")));
        }
        self.prepare(&snap.pipeline, template, locale, &app)
            .map_err(|e| (status_of(&e), format!("{e:#}")))
    }
}

/// Unknown template, sample or locale → 404; anything else (a render failure) → 500.
fn status_of(e: &anyhow::Error) -> StatusCode {
    let text = format!("{e:#}");
    if text.contains("unknown template")
        || text.contains("has no sample")
        || text.contains("no shipped locale")
        || text.contains("is not a language tag")
    {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

/// Which application a page shows, and (compare) which locales.
#[derive(Debug, Default, Deserialize)]
pub struct Which {
    pub sample: Option<String>,
    pub client: Option<String>,
    pub locales: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RenderQuery {
    template: String,
    locale: String,
    sample: Option<String>,
    client: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// The server

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

// ---------------------------------------------------------------------------------------------
// Static export

/// `preview --out DIR`: the index, and per template × locale × application the message page,
/// the raw HTML, the text part and the `.eml`; per template and application a compare page.
pub fn export(settings: Settings, out: &Path) -> anyhow::Result<i32> {
    let gallery = Gallery::new(settings, false)?;
    let written = gallery.export_to(out)?;
    eprintln!("gallery: {written} files written to {}", out.display());
    Ok(0)
}

impl Gallery {
    /// Writes the static gallery into `out`; returns the number of files.
    pub fn export_to(&self, out: &Path) -> anyhow::Result<usize> {
        let write = |rel: &str, bytes: &[u8]| -> anyhow::Result<()> {
            let path: PathBuf = out.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
        };
        let unwrap = |page: Page| page.unwrap_or_else(|(_, body)| body);
        let mut count = 0;
        write("assets/gallery.css", CSS.as_bytes())?;
        write(
            "index.html",
            unwrap(self.index_page(Links::Static, "")).as_bytes(),
        )?;
        count += 2;
        let snap = self.snapshot();
        let pipeline = &snap.pipeline;
        for name in pipeline.renderer().templates().keys() {
            for (i, app) in self.apps(pipeline, name).iter().enumerate() {
                let slug = app.slug(i);
                let which = match app {
                    App::Sample(s) => Which {
                        sample: Some(s.clone()),
                        ..Which::default()
                    },
                    App::Client(c) => Which {
                        client: c.client_id.clone(),
                        ..Which::default()
                    },
                };
                let compare = unwrap(self.compare_page(Links::Static, "../", name, &which, &slug));
                write(&Links::Static.compare(name, app, &slug), compare.as_bytes())?;
                count += 1;
                for l in pipeline.catalog().locales() {
                    let page = unwrap(self.message_page(
                        Links::Static,
                        "../../",
                        name,
                        &l.tag,
                        &which,
                        &slug,
                    ));
                    write(
                        &Links::Static.message(name, &l.tag, app, &slug),
                        page.as_bytes(),
                    )?;
                    count += 1;
                    if let Ok(p) = self.prepare(pipeline, name, &l.tag, app) {
                        let base = format!("{}/{}/{slug}", safe_name(name), safe_name(&l.tag));
                        write(&format!("{base}.raw.html"), p.rendered.html.as_bytes())?;
                        write(&format!("{base}.txt"), p.rendered.text.as_bytes())?;
                        write(&format!("{base}.eml"), &p.message.formatted())?;
                        count += 3;
                    }
                }
            }
        }
        Ok(count)
    }
}
