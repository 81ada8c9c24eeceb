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
//! Applications are each template's samples, each template set (the first sample rendered
//! with the set) and the clients of the file directory (rendered with the template's first
//! sample, the client swapped in). The compare view shows one application in every locale,
//! or (`?across=sets`) the defaults and every set in one locale. The gallery's own pages are Tera
//! templates named `*.html`, so every value in them is escaped; the emails run no script
//! (`<iframe sandbox>`, and `Content-Security-Policy: sandbox` on the raw HTML).
//!
//! One job per file: this one holds the [`Gallery`] (the snapshot it serves, reloading, and
//! preparing one email for a page); `links` names the pages, for the server and for files;
//! `pages` renders them; `server` is the axum routes and the file watcher; `export` writes the
//! static copy.

mod export;
mod links;
mod pages;
mod server;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use anyhow::anyhow;
use serde::Deserialize;
use tera::Tera;

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::directory::Directory;
use crate::event::ClientRef;
use crate::pipeline::{Overrides, Pipeline, Prepared, SetChoice};
use crate::preview::{resolve_locale, resolve_set, sample_event};

pub use export::export;
use links::App;
pub use server::{
    CONNECTION_LIFETIME, HEADER_READ_TIMEOUT, MAX_CONNECTIONS, router, serve, serve_blocking, watch,
};

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
        apps.extend(
            pipeline
                .renderer()
                .sets()
                .iter()
                .map(|s| App::Set(s.name().to_owned())),
        );
        apps.extend(self.directory.file_clients().into_iter().map(App::Client));
        apps
    }

    fn find_app(&self, pipeline: &Pipeline, template: &str, which: &Which) -> Result<App, String> {
        if let Some(set) = &which.set {
            return resolve_set(pipeline, set)
                .map(|_| App::Set(set.clone()))
                .map_err(|e| e.to_string());
        }
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
                    // A set's files can change any template.
                    t.is_empty() || t == template || t == "layouts" || t == "sets"
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
        let set = match app {
            App::Set(name) => SetChoice::Set(resolve_set(pipeline, name)?),
            _ => SetChoice::FromClient,
        };
        self.prepare_with(pipeline, template, locale, app, set)
    }

    /// [`Gallery::prepare`] with the template set chosen by the caller.
    fn prepare_with(
        &self,
        pipeline: &Pipeline,
        template: &str,
        locale: &str,
        app: &App,
        set: SetChoice,
    ) -> anyhow::Result<Prepared> {
        let (mut event, path) = match app {
            App::Sample(name) => sample_event(pipeline, template, Some(name))?,
            App::Client(_) | App::Set(_) => sample_event(pipeline, template, None)?,
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
                    set,
                    ..Overrides::default()
                },
            )
            .map_err(|r| anyhow!("{template} with {}: {r}", path.display()))
    }
}

/// Which application a page shows, and (compare) which locales.
#[derive(Debug, Default, Deserialize)]
pub struct Which {
    pub sample: Option<String>,
    pub client: Option<String>,
    /// A template set: the template's first sample rendered with it.
    pub set: Option<String>,
    pub locales: Option<String>,
    /// `sets`: the compare page shows the defaults and every set, in one locale.
    pub across: Option<String>,
}
