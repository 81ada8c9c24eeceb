//! Templates: loading `templates/`, the `t()` translation function, and rendering one email.
//!
//! Everything expensive happens in [`Renderer::load`], once: template parsing, bundle building,
//! CSS inliner set-up. [`Renderer::render_with`] is pure (no I/O) and returns a
//! [`RenderedEmail`]: subject, inlined HTML and text.
//!
//! Escaping: `body.html` and layouts ending in `.html` are autoescaped by Tera; no value from an
//! event is ever marked safe. `t()` in an HTML template escapes the catalog's literal text (a
//! Fluent transform), escapes each string argument and wraps it in `<bdi>` so a left-to-right
//! name reads correctly inside right-to-left text; only then is its output marked safe.
//! Subjects and text parts (`.txt`) are not escaped and get no markup.
//!
//! One job per file: `load` reads template folders, manifests and samples and builds the
//! [`Renderer`]; `compile` turns sources into a compiled `Variant` (the defaults, or one
//! template set); `sets` reads `templates/sets/` and compiles each set over the defaults;
//! `template` is what one folder holds once read; `translate` is `t()` and what it remembers;
//! `context` is what templates see; `css` decides each template's [`CssPlan`] and inlines at
//! load, with `shield` keeping Tera code out of the inliner's way; `scan` finds message ids in
//! sources (for `check`); `plain` writes text parts. This file renders.

mod compile;
mod context;
mod css;
mod load;
mod plain;
mod scan;
mod sets;
mod shield;
mod template;
mod translate;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use tera::{Context, Tera};

use crate::brand::Brand;
use crate::event::{Data, User};
use crate::i18n::{Catalog, I18nError};
use crate::text;

pub use context::largest_unit;
pub use css::CssPlan;
pub use scan::{MessageUse, scan_message_ids};
pub use template::{Manifest, REQUIRED_FILES, TemplateInfo};

/// The output of rendering: what `compose` turns into a MIME message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedEmail {
    pub subject: String,
    pub html: String,
    pub text: String,
    /// Canonical tag of the locale the email is written in.
    pub locale: String,
    pub dir: &'static str,
}

/// What to render.
#[derive(Debug, Clone, Copy)]
pub struct RenderRequest<'a> {
    pub template: &'a str,
    /// Index into the catalog's locales.
    pub locale: usize,
    pub user: &'a User,
    pub client_id: Option<&'a str>,
    pub brand: &'a Brand,
    pub data: &'a Data,
    /// Index into [`Renderer::sets`]: the template set to render with, `None` for the
    /// defaults.
    pub set: Option<usize>,
    /// The recipient's time zone, for `at_local` and `expires_at` ([`crate::zone`]).
    pub zone: &'a jiff::tz::TimeZone,
    /// When the event happened (`occurred_at`), from which `expires_at` counts the lifetime;
    /// `None` counts from the moment of rendering.
    pub occurred_at: Option<time::OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error(
        "unknown template `{name}` (known: {known})",
        known = .known.join(", ")
    )]
    UnknownTemplate { name: String, known: Vec<String> },
    /// A Tera error, prefixed with the template file (and line, when Tera knows it).
    #[error("{message}")]
    Template { message: String },
    #[error("{0}")]
    I18n(#[from] I18nError),
    #[error("{template}: the subject rendered empty")]
    EmptySubject { template: String },
    #[error("{template}: CSS inlining failed: {message}")]
    Css { template: String, message: String },
}

/// Loaded templates plus everything needed to render them.
pub struct Renderer {
    /// The default templates, compiled.
    base: Variant,
    /// Template sets, by name (`templates/sets/<set>/`, `locales/<lang>/sets/<set>.ftl`).
    sets: Vec<TemplateSet>,
    inliner: css_inline::CSSInliner<'static>,
    templates: BTreeMap<String, TemplateInfo>,
    usage: Vec<MessageUse>,
}

/// Compiled templates with the catalog they render with: the defaults, or one set.
pub(super) struct Variant {
    tera: Tera,
    /// Per locale, the same templates with their HTML files' CSS already inlined and their
    /// argument-less `t()` calls replaced by the message text; used for the templates whose
    /// plan is [`CssPlan::Preinlined`]. Empty when no template could be pre-inlined.
    preinlined: Vec<Tera>,
    plans: BTreeMap<String, CssPlan>,
    catalog: Arc<Catalog>,
    /// Whether any of its files mentions `expires_at`: only then is the expiry time
    /// formatted for each email (it costs a few microseconds).
    shows_expiry_time: bool,
}

/// One template set: its own files compiled over the defaults, for the templates it changes.
pub struct TemplateSet {
    name: String,
    /// `templates/sets/<name>` (which need not exist: a set may change messages only).
    dir: PathBuf,
    variant: Variant,
    /// Templates whose email differs in this set (its own files, a layout, a message they
    /// use); the others render from the defaults, so a set compiles only what it changes.
    covers: BTreeSet<String>,
    /// Tera name → the set's file, for the files the set provides itself.
    own: BTreeMap<String, PathBuf>,
    /// Templates that have a text part in this set (the default's or the set's).
    with_text: BTreeSet<String>,
    /// Message ids the set's own template files name.
    usage: Vec<MessageUse>,
}

impl TemplateSet {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether this set renders `template` differently from the defaults.
    pub fn covers(&self, template: &str) -> bool {
        self.covers.contains(template)
    }

    /// The catalog this set renders with (the default one when it has no messages).
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.variant.catalog
    }

    /// How the CSS of each template this set covers is inlined.
    pub fn css_plans(&self) -> &BTreeMap<String, CssPlan> {
        &self.variant.plans
    }

    /// Message ids named in the set's own template files, with where.
    pub fn message_uses(&self) -> &[MessageUse] {
        &self.usage
    }

    /// The set's own files, by Tera name (`welcome_email/body.html`, `layouts/footer.html`).
    pub fn own_files(&self) -> &BTreeMap<String, PathBuf> {
        &self.own
    }
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("templates", &self.templates.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Renderer {
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.base.catalog
    }

    /// The template sets found at load, sorted by name.
    pub fn sets(&self) -> &[TemplateSet] {
        &self.sets
    }

    /// The index of set `name`, if one was loaded (a binary search: names are sorted).
    pub fn set_index(&self, name: &str) -> Option<usize> {
        self.sets
            .binary_search_by(|s| s.name.as_str().cmp(name))
            .ok()
    }

    pub fn templates(&self) -> &BTreeMap<String, TemplateInfo> {
        &self.templates
    }

    pub fn template(&self, name: &str) -> Result<&TemplateInfo, RenderError> {
        self.templates
            .get(name)
            .ok_or_else(|| RenderError::UnknownTemplate {
                name: name.to_owned(),
                known: self.templates.keys().cloned().collect(),
            })
    }

    /// Message ids named in the template files, with where.
    pub fn message_uses(&self) -> &[MessageUse] {
        &self.usage
    }

    /// How each template's CSS is inlined.
    pub fn css_plans(&self) -> &BTreeMap<String, CssPlan> {
        &self.base.plans
    }

    /// Sends a template of the defaults (`set` `None`) or of a set back to inlining per email
    /// (its pre-inlined form rendered differently).
    pub fn inline_per_email(&mut self, set: Option<usize>, template: &str, reason: String) {
        let variant = match set {
            Some(i) => &mut self.sets[i].variant,
            None => &mut self.base,
        };
        if let Some(plan) = variant.plans.get_mut(template) {
            *plan = CssPlan::PerEmail(reason);
        }
    }

    /// The set that renders `template` for a request naming `set`: `None` when the set
    /// does not change that template (or none is named), so the defaults render it.
    pub fn effective_set(&self, set: Option<usize>, template: &str) -> Option<&TemplateSet> {
        set.and_then(|i| self.sets.get(i))
            .filter(|s| s.covers(template))
    }

    /// Whether an email with `data` can show a time: `data.at` is given, or a template file
    /// (of the defaults or a set) mentions `expires_at`. Only then need the recipient's zone
    /// be found.
    pub fn shows_times(&self, data: &Data) -> bool {
        data.at.is_some()
            || self.base.shows_expiry_time
            || self.sets.iter().any(|s| s.variant.shows_expiry_time)
    }

    /// Renders one email. Pure: no I/O. CSS is inlined the way the template's [`CssPlan`]
    /// says, or per email when `force_per_email_css` is set: the two give the same document,
    /// and load checks it with this.
    pub fn render_with(
        &self,
        req: &RenderRequest<'_>,
        force_per_email_css: bool,
    ) -> Result<RenderedEmail, RenderError> {
        let info = self.template(req.template)?;
        let name = req.template;
        let set = self.effective_set(req.set, name);
        let (variant, has_text) = match set {
            Some(s) => (&s.variant, s.with_text.contains(name)),
            None => (&self.base, info.has_text),
        };
        let locale = variant.catalog.locale(req.locale);
        let ctx = self.context(variant, req)?;
        let preinlined = !force_per_email_css
            && variant.plans.get(name) == Some(&CssPlan::Preinlined)
            && req.locale < variant.preinlined.len();
        let (tera, inline_now) = if preinlined {
            (&variant.preinlined[req.locale], false)
        } else {
            (&variant.tera, true)
        };
        let render_file = |file: &str| render_file(tera, &format!("{name}/{file}"), &ctx, set);

        let subject = render_file("subject.txt")?;
        let subject = text::one_line(&subject);
        if subject.is_empty() {
            return Err(RenderError::EmptySubject {
                template: name.to_owned(),
            });
        }
        let raw_html = render_file("body.html")?;
        let html = if inline_now {
            self.inline(name, &raw_html)?
        } else {
            raw_html
        };
        let text = if has_text {
            plain::tidy_text(&render_file("body.txt")?)
        } else {
            plain::html_to_text(&html)
        };
        Ok(RenderedEmail {
            subject,
            html,
            text,
            locale: locale.tag.clone(),
            dir: locale.dir.as_str(),
        })
    }

    /// Runs the CSS inliner over a whole rendered page (also how load compares a pre-inlined
    /// page with one inlined per email: inlining again only re-serializes it).
    pub fn inline(&self, template: &str, html: &str) -> Result<String, RenderError> {
        self.inliner.inline(html).map_err(|e| RenderError::Css {
            template: template.to_owned(),
            message: e.to_string(),
        })
    }
}

/// Renders one file. An error names the file as Tera knows it (`welcome_email/body.html:3`),
/// or as `sets/<set>/…` when the set's own file is to blame.
fn render_file(
    tera: &Tera,
    name: &str,
    ctx: &Context,
    set: Option<&TemplateSet>,
) -> Result<String, RenderError> {
    tera.render(name, ctx).map_err(|e| {
        let message = one_line(&e);
        let message = match set {
            Some(set) => set_file_names(&set.name, &set.own, message),
            None => message,
        };
        // Syntax and rendering errors already start with `file:line:`.
        if message.starts_with(name) || message.starts_with("sets/") {
            RenderError::Template { message }
        } else {
            RenderError::Template {
                message: format!("{name}: {message}"),
            }
        }
    })
}

/// `message` with a leading Tera name of one of the set's own files written as the set's
/// file (`sets/b2b/layouts/base.html:4: …`).
pub(super) fn set_file_names(
    set: &str,
    own: &BTreeMap<String, PathBuf>,
    message: String,
) -> String {
    match own
        .keys()
        .find(|n| message.starts_with(n.as_str()) && message[n.len()..].starts_with(':'))
    {
        Some(_) => format!("sets/{set}/{message}"),
        None => message,
    }
}

/// A Tera error on one line: `file:line: message` for syntax and rendering errors.
pub(super) fn one_line(e: &tera::Error) -> String {
    use std::error::Error as _;
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let mut msg = format!("{}:{}: {}", r.filename(), r.span().start_line, r.message());
            if let Some(source) = e.source() {
                msg.push_str(": ");
                msg.push_str(&source.to_string());
            }
            msg
        }
        other => other.to_string(),
    }
}
