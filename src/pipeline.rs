//! The one-step core shared by every mode: event bytes in, a ready message or a rejection out.
//!
//! `parse → route → resolve → negotiate → render → compose`, with no I/O after start-up. The
//! embedded mode (`run --events/--outbox`), `preview` and the broker worker all call
//! [`Pipeline::prepare`]; only what they do with the result differs. A [`Rejection`] carries the
//! kind that decides where a message goes (`malformed`, `unroutable`, `render`) and a reason a
//! person can act on.

use std::fmt;
use std::sync::Arc;

use lettre::Message;

use crate::brand::Brand;
use crate::compose::{Addressing, compose};
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, summarize_errors};
use crate::event::{ClientRef, Event, ParseOptions, UserRef};
use crate::i18n::Catalog;
use crate::locale::{LangSource, Negotiated, Negotiator};
use crate::render::{RenderRequest, RenderedEmail, Renderer};

/// Why an event produced no email. The names are the `x-mailroom-error-kind` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectKind {
    /// Not JSON, missing or invalid fields, or data the template needs is absent.
    Malformed,
    /// No route for the event type, or a profile that cannot be found.
    Unroutable,
    /// A template or translation failed to render.
    Render,
}

impl RejectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectKind::Malformed => "malformed",
            RejectKind::Unroutable => "unroutable",
            RejectKind::Render => "render",
        }
    }
}

impl fmt::Display for RejectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {reason}")]
pub struct Rejection {
    pub kind: RejectKind,
    pub reason: String,
    /// The event id, when the event got far enough to have one.
    pub event_id: Option<String>,
}

impl Rejection {
    pub fn new(kind: RejectKind, reason: impl Into<String>, event_id: Option<&str>) -> Self {
        Rejection {
            kind,
            reason: reason.into(),
            event_id: event_id.map(str::to_owned),
        }
    }
}

/// An email ready to hand to a transport, with what logs and metrics need.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub event_id: String,
    pub event_type: String,
    pub template: String,
    pub lang_source: LangSource,
    pub rendered: RenderedEmail,
    pub message: Message,
    /// Set-but-unusable values that were replaced by defaults (for the log).
    pub notes: Vec<String>,
}

/// Start-up failed: the diagnostics say where.
#[derive(Debug, thiserror::Error)]
#[error("templates or translations have errors:\n{0}")]
pub struct LoadError(pub String);

/// Everything loaded once at start-up.
#[derive(Debug)]
pub struct Pipeline {
    settings: Settings,
    renderer: Renderer,
    /// Over the shipped locales, ending at the configured default (not the source locale).
    negotiator: Negotiator,
    /// The brand name when neither the client nor `[brand]` names one: the From display name,
    /// else its domain. Derived once here rather than per message.
    fallback_brand_name: String,
}

/// Explicit choices that bypass routing or negotiation (for `preview TEMPLATE --locale`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Overrides<'a> {
    pub template: Option<&'a str>,
    pub locale: Option<usize>,
}

impl Pipeline {
    /// Loads catalogs and templates and checks the settings against them, reporting every
    /// problem. The pipeline is returned whenever templates and catalogs could be built, even
    /// with errors (so `check` can go on rendering); [`Pipeline::load_strict`] refuses errors.
    pub fn load(settings: Settings) -> (Option<Pipeline>, Vec<Diagnostic>) {
        let (catalog, mut diags) = Catalog::load(&settings.locales_dir, &settings.source_locale);
        let Some(catalog) = catalog else {
            return (None, diags);
        };
        let shipped: Vec<_> = catalog.locales().iter().map(|l| l.id.clone()).collect();
        let negotiator = match Negotiator::new(shipped.clone(), &settings.default_locale) {
            Some(n) => n,
            None => {
                diags.push(Diagnostic::error(
                    None,
                    None,
                    format!(
                        "default_locale `{}` is not a shipped locale (shipped: {})",
                        settings.default_locale,
                        catalog
                            .locales()
                            .iter()
                            .map(|l| l.tag.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
                Negotiator::new(shipped, &settings.source_locale)
                    .expect("the catalog contains its source locale")
            }
        };
        let (renderer, more) = Renderer::load(&settings.templates_dir, Arc::new(catalog));
        diags.extend(more);
        let Some(renderer) = renderer else {
            return (None, diags);
        };
        for (event_type, template) in &settings.routes {
            if let Err(e) = renderer.template(template) {
                diags.push(Diagnostic::error(
                    None,
                    None,
                    format!("route `{event_type}`: {e}"),
                ));
            }
        }
        let fallback_brand_name = settings
            .from
            .name
            .clone()
            .unwrap_or_else(|| settings.from.email.domain().to_owned());
        (
            Some(Pipeline {
                settings,
                renderer,
                negotiator,
                fallback_brand_name,
            }),
            diags,
        )
    }

    /// [`Pipeline::load`], failing on any error diagnostic; warnings are returned.
    pub fn load_strict(settings: Settings) -> Result<(Pipeline, Vec<Diagnostic>), LoadError> {
        let (pipeline, diags) = Pipeline::load(settings);
        match (pipeline, summarize_errors(&diags)) {
            (Some(p), None) => Ok((p, diags)),
            (_, errors) => {
                Err(LoadError(errors.unwrap_or_else(|| {
                    "templates or catalogs could not be loaded".to_owned()
                })))
            }
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn renderer(&self) -> &Renderer {
        &self.renderer
    }

    pub fn catalog(&self) -> &Catalog {
        self.renderer.catalog()
    }

    pub fn negotiator(&self) -> &Negotiator {
        &self.negotiator
    }

    pub fn parse_options(&self) -> ParseOptions {
        ParseOptions {
            allow_http_links: self.settings.allow_http_links,
        }
    }

    /// The whole core for one event body (thin references unresolved: see
    /// [`crate::directory::prepare`] for the version that loads them).
    pub fn prepare(&self, body: &[u8]) -> Result<Prepared, Rejection> {
        let event = self.parse(body)?;
        self.prepare_event(&event, Overrides::default())
    }

    /// The first step: body → validated event, or a `malformed` rejection.
    pub fn parse(&self, body: &[u8]) -> Result<Event, Rejection> {
        crate::event::parse_detailed(body, self.parse_options()).map_err(|i| {
            Rejection::new(
                RejectKind::Malformed,
                i.error.to_string(),
                i.event_id.as_deref(),
            )
        })
    }

    /// Everything after parsing, for an already validated event.
    pub fn prepare_event(
        &self,
        event: &Event,
        overrides: Overrides<'_>,
    ) -> Result<Prepared, Rejection> {
        let id = Some(event.id.as_str());
        let template = match overrides.template {
            Some(t) => t,
            None => self.settings.routes.get(&event.event_type).ok_or_else(|| {
                Rejection::new(
                    RejectKind::Unroutable,
                    format!(
                        "type: no route for `{}` (routed: {})",
                        crate::event::clip(&event.event_type, 80),
                        self.settings
                            .routes
                            .keys()
                            .map(String::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    id,
                )
            })?,
        };
        let info = self
            .renderer
            .template(template)
            .map_err(|e| Rejection::new(RejectKind::Unroutable, e.to_string(), id))?;
        for field in &info.manifest.requires {
            let present = match field.as_str() {
                "url" => event.data.url.is_some(),
                "code" => event.data.code.is_some(),
                "ttl_seconds" => event.data.ttl_seconds.is_some(),
                _ => true,
            };
            if !present {
                return Err(Rejection::new(
                    RejectKind::Malformed,
                    format!("data.{field}: missing (template `{template}` needs it)"),
                    id,
                ));
            }
        }

        let user = match &event.user {
            UserRef::Inline(u) => u,
            UserRef::Id(user_id) => {
                return Err(Rejection::new(
                    RejectKind::Unroutable,
                    format!(
                        "user_id `{}`: the event carries no user profile and no directory is configured to load one",
                        crate::event::clip(user_id, 80)
                    ),
                    id,
                ));
            }
        };
        let mut notes = Vec::new();
        let client = match &event.client {
            ClientRef::Inline(c) => Some(c),
            ClientRef::Id(client_id) => {
                notes.push(format!(
                    "client_id `{}`: no directory is configured to load the client; default branding",
                    crate::event::clip(client_id, 80)
                ));
                None
            }
            ClientRef::None => None,
        };
        let client_id = match &event.client {
            ClientRef::Inline(c) => c.client_id.as_deref(),
            ClientRef::Id(c) => Some(c.as_str()),
            ClientRef::None => None,
        };
        let brand = Brand::resolve(
            client,
            &self.settings.brand,
            &self.fallback_brand_name,
            self.settings.allow_http_links,
            &mut notes,
        );

        let negotiated = match overrides.locale {
            Some(index) => Negotiated {
                index,
                source: LangSource::Explicit,
            },
            None => self.negotiator.choose(
                user.user_metadata.get("lang"),
                user.locale.as_ref(),
                client.and_then(|c| c.client_metadata.get("default_lang")),
            ),
        };

        let rendered = self
            .renderer
            .render(&RenderRequest {
                template,
                locale: negotiated.index,
                user,
                client_id,
                brand: &brand,
                data: &event.data,
            })
            .map_err(|e| Rejection::new(RejectKind::Render, e.to_string(), id))?;
        let message = compose(
            &rendered,
            &Addressing {
                event_id: &event.id,
                occurred_at: event.occurred_at,
                from: &self.settings.from,
                sender_name: brand.sender_name.as_deref(),
                to: &user.email,
                to_name: user.display_name(),
            },
        )
        .map_err(|e| Rejection::new(RejectKind::Render, e.to_string(), id))?;
        Ok(Prepared {
            event_id: event.id.clone(),
            event_type: event.event_type.clone(),
            template: template.to_owned(),
            lang_source: negotiated.source,
            rendered,
            message,
            notes,
        })
    }
}
