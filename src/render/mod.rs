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
//! One job per file: `load` reads template folders, manifests and samples and
//! builds the [`Renderer`]; `template` is what one folder holds once read; `translate` is `t()` and what it remembers; `context` is what
//! templates see; `css` decides each template's [`CssPlan`] and inlines at load, with `shield`
//! keeping Tera code out of the inliner's way; `scan` finds message ids in sources (for
//! `check`); `plain` writes text parts. This file renders.

mod context;
mod css;
mod load;
mod plain;
mod scan;
mod shield;
mod template;
mod translate;

use std::collections::BTreeMap;
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
    tera: Tera,
    /// Per locale, the same templates with their HTML files' CSS already inlined and their
    /// argument-less `t()` calls replaced by the message text; used for the templates whose
    /// plan is [`CssPlan::Preinlined`]. Empty when no template could be pre-inlined.
    preinlined: Vec<Tera>,
    plans: BTreeMap<String, CssPlan>,
    catalog: Arc<Catalog>,
    inliner: css_inline::CSSInliner<'static>,
    templates: BTreeMap<String, TemplateInfo>,
    usage: Vec<MessageUse>,
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
        &self.catalog
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
        &self.plans
    }

    /// Sends a template back to inlining per email (its pre-inlined form rendered differently).
    pub fn inline_per_email(&mut self, template: &str, reason: String) {
        if let Some(plan) = self.plans.get_mut(template) {
            *plan = CssPlan::PerEmail(reason);
        }
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
        let locale = self.catalog.locale(req.locale);
        let ctx = self.context(req)?;
        let name = req.template;
        let preinlined = !force_per_email_css
            && self.plans.get(name) == Some(&CssPlan::Preinlined)
            && req.locale < self.preinlined.len();
        let (tera, inline_now) = if preinlined {
            (&self.preinlined[req.locale], false)
        } else {
            (&self.tera, true)
        };

        let subject = self.render_file(tera, &format!("{name}/subject.txt"), &ctx)?;
        let subject = text::one_line(&subject);
        if subject.is_empty() {
            return Err(RenderError::EmptySubject {
                template: name.to_owned(),
            });
        }
        let raw_html = self.render_file(tera, &format!("{name}/body.html"), &ctx)?;
        let html = if inline_now {
            self.inline(name, &raw_html)?
        } else {
            raw_html
        };
        let text = if info.has_text {
            plain::tidy_text(&self.render_file(tera, &format!("{name}/body.txt"), &ctx)?)
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

    fn render_file(&self, tera: &Tera, name: &str, ctx: &Context) -> Result<String, RenderError> {
        tera.render(name, ctx).map_err(|e| {
            let message = one_line(&e);
            // Syntax and rendering errors already start with `file:line:`.
            if message.starts_with(name) {
                RenderError::Template { message }
            } else {
                RenderError::Template {
                    message: format!("{name}: {message}"),
                }
            }
        })
    }
}

/// A Tera error on one line: `file:line: message` for syntax and rendering errors.
fn one_line(e: &tera::Error) -> String {
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
