//! The gallery's pages, rendered from its own Tera templates (`ui/`): the index of every
//! template × locale × application, the message view, the compare view and the error page;
//! and the prepared email behind the raw, `.eml` and json routes. Both the server and the
//! static export call these.

use axum::http::StatusCode;
use serde::Serialize;
use tera::Context;

use super::links::{App, Links};
use super::{Gallery, Snapshot, Which};
use crate::pipeline::{Prepared, SetChoice};
use crate::preview::headers;

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
    /// The defaults beside every template set, one link per locale (empty without sets).
    compare_sets: Vec<LocaleLink>,
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
    /// What the column shows: its locale, or (across sets) the defaults or a set.
    label: String,
    locale: String,
    dir: &'static str,
    subject: String,
    href: String,
    raw_href: String,
    error: Option<String>,
}

/// What one compare column shows: an application, with a template set chosen for it (`None`:
/// the application's own).
struct ColumnOf<'a> {
    label: String,
    app: &'a App,
    slug: &'a str,
    set: Option<SetChoice>,
}

/// A page or a failure to make one (status and the page that says why).
pub(super) type Page = Result<String, (StatusCode, String)>;

impl Gallery {
    /// Renders the page `name` with `ctx` and what every page shows: the root, the index
    /// link, whether it polls for reloads, and the latest load's problems.
    pub(super) fn page(
        &self,
        name: &str,
        root: &str,
        links: Links,
        mut ctx: Context,
        snap: &Snapshot,
    ) -> Page {
        ctx.insert("root", root);
        ctx.insert("index_href", &links.index());
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

    pub(super) fn error_page(
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
        match self.page("error.html", root, links, ctx, &snap) {
            Ok(html) => (status, html),
            Err(e) => e,
        }
    }

    pub(super) fn index_page(&self, links: Links, root: &str) -> Page {
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
            let compare_sets = if pipeline.renderer().sets().is_empty() {
                Vec::new()
            } else {
                locales
                    .iter()
                    .map(|l| LocaleLink {
                        tag: l.tag.clone(),
                        href: format!("{root}{}", links.compare_sets(name, &l.tag)),
                        current: false,
                    })
                    .collect()
            };
            templates.push(TemplateRows {
                name: name.clone(),
                description: info.manifest.description.clone(),
                compare_href: format!("{root}{}", links.compare(name, &first, &first.slug(0))),
                compare_sets,
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
        self.page("index.html", root, links, ctx, &snap)
    }

    /// The message view, or the error page when the edit broke this template or locale.
    pub(super) fn message_page(
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
        self.page("message.html", root, links, ctx, &snap)
    }

    pub(super) fn compare_page(
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
        if which.across.as_deref() == Some("sets") {
            let locale = wanted
                .as_ref()
                .and_then(|w| w.first().cloned())
                .unwrap_or_else(|| pipeline.catalog().source().tag.clone());
            return self.compare_sets_page(links, root, template, &locale, &snap);
        }
        let columns = pipeline
            .catalog()
            .locales()
            .iter()
            .filter(|l| wanted.as_ref().is_none_or(|w| w.contains(&l.tag)))
            .map(|l| {
                let column = ColumnOf {
                    label: l.tag.clone(),
                    app: &app,
                    slug,
                    set: None,
                };
                self.column(&snap, links, root, template, l, column)
            })
            .collect::<Vec<_>>();
        let mut ctx = Context::new();
        ctx.insert("template", template);
        ctx.insert("app", &app.label());
        ctx.insert("columns", &columns);
        self.page("compare.html", root, links, ctx, &snap)
    }

    /// The defaults and every template set side by side: the template's first sample, in
    /// `locale`.
    fn compare_sets_page(
        &self,
        links: Links,
        root: &str,
        template: &str,
        locale: &str,
        snap: &Snapshot,
    ) -> Page {
        let pipeline = &snap.pipeline;
        let not_found =
            |e: String| self.error_page(StatusCode::NOT_FOUND, root, links, &e, Vec::new());
        let index = crate::preview::resolve_locale(pipeline, locale)
            .map_err(|e| not_found(format!("{e:#}")))?;
        let first = self
            .apps(pipeline, template)
            .into_iter()
            .next()
            .ok_or_else(|| not_found(format!("template `{template}` has no samples")))?;
        let l = pipeline.catalog().locale(index);
        let mut variants = vec![("defaults".to_owned(), first.clone(), SetChoice::Defaults)];
        for (i, set) in pipeline.renderer().sets().iter().enumerate() {
            variants.push((
                format!("template set {}", set.name()),
                App::Set(set.name().to_owned()),
                SetChoice::Set(i),
            ));
        }
        let columns = variants
            .into_iter()
            .map(|(label, app, set)| {
                let slug = app.slug(0);
                let column = ColumnOf {
                    label,
                    app: &app,
                    slug: &slug,
                    set: Some(set),
                };
                self.column(snap, links, root, template, l, column)
            })
            .collect::<Vec<_>>();
        let mut ctx = Context::new();
        ctx.insert("template", template);
        ctx.insert("app", &format!("template sets in {}", l.tag));
        ctx.insert("columns", &columns);
        self.page("compare.html", root, links, ctx, snap)
    }

    /// One column of a compare page: `of` rendered in locale `l` (or why it does not render).
    fn column(
        &self,
        snap: &Snapshot,
        links: Links,
        root: &str,
        template: &str,
        l: &crate::i18n::Locale,
        of: ColumnOf<'_>,
    ) -> Column {
        let pipeline = &snap.pipeline;
        let problems = self.problems_for(snap, template, &l.tag);
        let result = if !problems.is_empty() {
            Err(problems.join("\n"))
        } else {
            match of.set {
                Some(set) => self.prepare_with(pipeline, template, &l.tag, of.app, set),
                None => self.prepare(pipeline, template, &l.tag, of.app),
            }
            .map_err(|e| format!("{e:#}"))
        };
        Column {
            label: of.label,
            locale: l.tag.clone(),
            dir: l.dir.as_str(),
            subject: result
                .as_ref()
                .map(|p| p.rendered.subject.clone())
                .unwrap_or_default(),
            href: format!("{root}{}", links.message(template, &l.tag, of.app, of.slug)),
            raw_href: format!("{root}{}", links.raw(template, &l.tag, of.app, of.slug)),
            error: result.err(),
        }
    }

    /// The prepared email for the raw, eml and json routes (errors as plain text).
    pub(super) fn prepared(
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
