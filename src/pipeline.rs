//! The one-step core shared by every mode: event bytes in, a ready message or a rejection out.
//!
//! `parse → route → resolve → negotiate → render → compose → sign`, with no I/O after
//! start-up. The embedded mode (`run --events/--outbox`), `preview` and the broker worker all
//! call [`Pipeline::prepare`]; only what they do with the result differs. A [`Rejection`]
//! carries the kind that decides where a message goes (`malformed`, `unroutable`, `render`)
//! and a reason a person can act on.

use std::sync::Arc;

use crate::brand::BrandCache;
use crate::compose::{Addressing, BodyEncoding, Composed, compose};
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, summarize_errors};
use crate::event::{Client, ClientRef, Event, ParseOptions, User, UserRef};
use crate::i18n::{Catalog, SET_NAME_MAX, is_set_name};
pub use crate::kind::DeadKind;
use crate::locale::{LangSource, Negotiated, Negotiator};
use crate::render::{CssPlan, RenderRequest, RenderedEmail, Renderer};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {reason}")]
pub struct Rejection {
    pub kind: DeadKind,
    pub reason: String,
    /// The event id, when the event got far enough to have one.
    pub event_id: Option<String>,
}

impl Rejection {
    pub fn new(kind: DeadKind, reason: impl Into<String>, event_id: Option<&str>) -> Self {
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
    pub message: Composed,
    /// Set-but-unusable values that were replaced by defaults (for the log).
    pub notes: Vec<String>,
    /// The template set the email was rendered with (`client_metadata.template_set`), `None`
    /// for the defaults. A set that does not change this template still counts as used: it
    /// renders as the defaults do.
    pub template_set: Option<String>,
}

/// An event [`Pipeline::admit`] accepted, and the template its route chose.
#[derive(Debug, Clone)]
pub struct Admitted {
    pub event: Event,
    pub template: String,
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
    /// Brands resolved for recent clients (with this pipeline's defaults).
    brands: BrandCache,
}

/// Explicit choices that bypass routing or negotiation (for `preview TEMPLATE --locale`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Overrides<'a> {
    pub template: Option<&'a str>,
    pub locale: Option<usize>,
    /// Which template set renders: the client's (the default), none, or a given one.
    pub set: SetChoice,
    /// Inline CSS per email even when the template was inlined at load (for the load check).
    pub per_email_css: bool,
    /// How bodies are encoded: 8bit (the default, and what previews and the outbox show) or,
    /// for an SMTP server without 8BITMIME, 7-bit. A transport's state, so an argument: the
    /// core holds none.
    pub encoding: BodyEncoding,
}

/// Which template set an email is rendered with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SetChoice {
    /// The one `client_metadata.template_set` names, if it is loaded; else the defaults.
    #[default]
    FromClient,
    /// The defaults, whatever the client says.
    Defaults,
    /// This one (an index into [`Renderer::sets`]).
    Set(usize),
}

impl Pipeline {
    /// Loads catalogs and templates and checks the settings against them, reporting every
    /// problem. The pipeline is returned whenever templates and catalogs could be built, even
    /// with errors (so `check` can go on rendering); [`Pipeline::load_strict`] refuses errors.
    /// A panic while loading (a bug, which fuzzing the loader has found before) is an error
    /// diagnostic, so `check` reports it and the gallery keeps its last good set.
    pub fn load(settings: Settings) -> (Option<Pipeline>, Vec<Diagnostic>) {
        crate::unwind::catch(|| Pipeline::load_unguarded(settings)).unwrap_or_else(|p| {
            let message = format!("internal error while loading templates and catalogs ({p})");
            (None, vec![Diagnostic::error(None, None, message)])
        })
    }

    fn load_unguarded(settings: Settings) -> (Option<Pipeline>, Vec<Diagnostic>) {
        let (catalog, mut diags) = Catalog::load(&settings.locales_dir, &settings.source_locale);
        let Some(catalog) = catalog else {
            return (None, diags);
        };
        // Pseudo-locales come last in the catalog and are never negotiated, so the
        // negotiator's indexes are the catalog's.
        let shipped: Vec<_> = catalog
            .locales()
            .iter()
            .filter(|l| !l.pseudo)
            .map(|l| l.id.clone())
            .collect();
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
        let mut pipeline = Pipeline {
            settings,
            renderer,
            negotiator,
            fallback_brand_name,
            brands: BrandCache::default(),
        };
        pipeline.check_preinlined(false, &mut diags);
        (Some(pipeline), diags)
    }

    /// Renders every sample of every pre-inlined template both ways (CSS inlined at load, and
    /// per email) and sends a template back to inlining per email when a page differs. Both
    /// pages are run through the inliner once more before comparing, so only the document
    /// counts, not how it is serialized (`&#39;` or `'`). Samples that fail to render are
    /// skipped here; `check` reports them.
    ///
    /// Start-up compares in one locale per text direction (translations are escaped text, so
    /// the document's structure depends on the samples and the direction, not the language):
    /// a few milliseconds for the shipped templates. `check` passes `every_locale`.
    pub fn check_preinlined(&mut self, every_locale: bool, diags: &mut Vec<Diagnostic>) {
        let locales: Vec<usize> = {
            let all = self.catalog().locales();
            let source = all
                .iter()
                .position(|l| l.tag == self.catalog().source().tag);
            let other_dir = all
                .iter()
                .position(|l| l.dir != self.catalog().source().dir);
            (0..all.len())
                .filter(|i| every_locale || Some(*i) == source || Some(*i) == other_dir)
                .collect()
        };
        let mut differ = Vec::new();
        let variants = std::iter::once(None).chain((0..self.renderer.sets().len()).map(Some));
        for set in variants {
            let plans = match set {
                Some(i) => self.renderer.sets()[i].css_plans(),
                None => self.renderer.css_plans(),
            };
            for (name, info) in self.renderer.templates() {
                if plans.get(name) != Some(&CssPlan::Preinlined) {
                    continue;
                }
                if let Some(reason) = self.first_difference(name, &info.samples, set, &locales) {
                    differ.push((set, name.clone(), reason));
                }
            }
        }
        for (set, name, reason) in differ {
            let file = format!("{name}/body.html");
            let path = match set.map(|i| &self.renderer.sets()[i]) {
                Some(s) => s
                    .own_files()
                    .get(&file)
                    .cloned()
                    .unwrap_or_else(|| s.dir().to_path_buf()),
                None => self.renderer.templates()[&name].dir.join("body.html"),
            };
            diags.push(Diagnostic::warning(
                path,
                None,
                format!("CSS is inlined in every email (slower): {reason}"),
            ));
            self.renderer.inline_per_email(set, &name, reason);
        }
    }

    /// The first sample × locale whose email from the pre-inlined template (of the defaults,
    /// or of `set`) differs from the one inlined per email, and how.
    fn first_difference(
        &self,
        name: &str,
        samples: &[std::path::PathBuf],
        set: Option<usize>,
        locales: &[usize],
    ) -> Option<String> {
        for sample in samples {
            let Ok(body) = std::fs::read(sample) else {
                continue;
            };
            let Ok(event) = self.parse(&body) else {
                continue;
            };
            for &locale in locales {
                let overrides = Overrides {
                    template: Some(name),
                    locale: Some(locale),
                    set: set.map_or(SetChoice::Defaults, SetChoice::Set),
                    ..Overrides::default()
                };
                let per_email = Overrides {
                    per_email_css: true,
                    ..overrides
                };
                let (Ok(fast), Ok(slow)) = (
                    self.prepare_unsigned(&event, overrides),
                    self.prepare_unsigned(&event, per_email),
                ) else {
                    continue;
                };
                if let Some(why) = self.differs(name, &fast.rendered, &slow.rendered) {
                    let tag = &self.catalog().locale(locale).tag;
                    let set = set.map_or(String::new(), |i| {
                        format!(" (template set `{}`)", self.renderer.sets()[i].name())
                    });
                    return Some(format!(
                        "inlined at load, {} renders differently in `{tag}`{set}: {why}",
                        sample.display()
                    ));
                }
            }
        }
        None
    }

    /// Where an email rendered from the pre-inlined template differs from the same email
    /// inlined per email, if it does.
    pub fn differs(
        &self,
        template: &str,
        fast: &RenderedEmail,
        slow: &RenderedEmail,
    ) -> Option<String> {
        if fast.subject != slow.subject {
            return Some("the subject".to_owned());
        }
        if fast.text != slow.text {
            return Some("the text part".to_owned());
        }
        let (Ok(fast), Ok(slow)) = (
            self.renderer.inline(template, &fast.html),
            self.renderer.inline(template, &slow.html),
        ) else {
            return Some("the HTML could not be parsed again".to_owned());
        };
        let at = fast
            .bytes()
            .zip(slow.bytes())
            .position(|(a, b)| a != b)
            .or((fast.len() != slow.len()).then(|| fast.len().min(slow.len())))?;
        let mut from = at.saturating_sub(40);
        while !slow.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = (at + 40).min(slow.len());
        while !slow.is_char_boundary(to) {
            to += 1;
        }
        Some(format!("the HTML, near `{}`", &slow[from..to]))
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
    /// [`crate::intake::prepare`] for the version that loads them).
    pub fn prepare(&self, body: &[u8]) -> Result<Prepared, Rejection> {
        let event = self.parse(body)?;
        self.prepare_event(&event, Overrides::default())
    }

    /// The first step: body → validated event, or a `malformed` rejection.
    pub fn parse(&self, body: &[u8]) -> Result<Event, Rejection> {
        let parsed =
            crate::unwind::catch(|| crate::event::parse_detailed(body, self.parse_options()))
                .map_err(|p| {
                    Rejection::new(
                        DeadKind::Render,
                        format!("internal error while parsing the event ({p})"),
                        None,
                    )
                })?;
        parsed.map_err(|i| {
            Rejection::new(
                DeadKind::Malformed,
                i.error.to_string(),
                i.event_id.as_deref(),
            )
        })
    }

    /// What `serve` checks before it queues an event, with the worker's own rules: the body
    /// parses, its type routes to a loaded template, its `data` has what that template
    /// requires, and an inline recipient is an address mail can go to. What needs a loaded
    /// profile (a thin event's recipient) or rendering is the worker's to find.
    pub fn admit(&self, body: &[u8]) -> Result<Admitted, Rejection> {
        let event = self.parse(body)?;
        let template = self.template_for(&event, None)?.to_owned();
        if let UserRef::Inline(user) = &event.user {
            crate::event::recipient_address(&user.email, self.settings.allow_local_addresses)
                .map_err(|why| {
                    Rejection::new(
                        DeadKind::Malformed,
                        format!("user.email: {why}"),
                        Some(&event.id),
                    )
                })?;
        }
        Ok(Admitted { event, template })
    }

    /// Everything after parsing, for an already validated event. A panic on the way (a bug,
    /// in our code or a dependency's) is this event's `render` rejection, never the caller's
    /// crash: every mode prepares through here.
    pub fn prepare_event(
        &self,
        event: &Event,
        overrides: Overrides<'_>,
    ) -> Result<Prepared, Rejection> {
        self.guarded(event, || {
            let mut prepared = self.prepare_unguarded(event, overrides)?;
            // Signed last, over the final bytes: every way out (SMTP, the outbox, preview)
            // gets the same signed message.
            if let Some(dkim) = &self.settings.dkim {
                let fields = dkim.sign(prepared.message.bytes()).map_err(|e| {
                    Rejection::new(DeadKind::Render, e.to_string(), Some(&event.id))
                })?;
                prepared.message = prepared.message.prepend_fields(&fields);
            }
            Ok(prepared)
        })
    }

    /// [`Pipeline::prepare_event`] without the DKIM signature, for the load-time comparison
    /// of the rendered parts (which signing does not touch, and would only slow).
    fn prepare_unsigned(
        &self,
        event: &Event,
        overrides: Overrides<'_>,
    ) -> Result<Prepared, Rejection> {
        self.guarded(event, || self.prepare_unguarded(event, overrides))
    }

    /// `f`, with a panic turned into this event's `render` rejection.
    fn guarded(
        &self,
        event: &Event,
        f: impl FnOnce() -> Result<Prepared, Rejection>,
    ) -> Result<Prepared, Rejection> {
        crate::unwind::catch(f).unwrap_or_else(|p| {
            Err(Rejection::new(
                DeadKind::Render,
                format!("internal error while preparing the email ({p})"),
                Some(&event.id),
            ))
        })
    }

    /// The steps in order: route and check the data, find the parties, brand, negotiate,
    /// render, compose. Each refusal names the field or setting to blame.
    fn prepare_unguarded(
        &self,
        event: &Event,
        overrides: Overrides<'_>,
    ) -> Result<Prepared, Rejection> {
        crate::unwind::fault_point("prepare", &event.id);
        let id = Some(event.id.as_str());
        let template = self.template_for(event, overrides.template)?;
        let mut notes = Vec::new();
        let (user, client, client_id) = parties(event, &mut notes)?;
        let to = crate::event::recipient_address(&user.email, self.settings.allow_local_addresses)
            .map_err(|why| Rejection::new(DeadKind::Malformed, format!("user.email: {why}"), id))?;
        let brand = self.brands.resolve(
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
                event.notification_locale.as_ref(),
                client.and_then(|c| c.client_metadata.get("default_lang")),
            ),
        };

        let set = match overrides.set {
            SetChoice::FromClient => self.client_set(client, &mut notes),
            SetChoice::Defaults => None,
            SetChoice::Set(i) => Some(i),
        };
        let zone = if self.renderer.shows_times(&event.data) {
            crate::zone::recipient_zone(
                user.zoneinfo.as_deref(),
                brand.time_zone.as_deref(),
                &mut notes,
            )
        } else {
            jiff::tz::TimeZone::UTC
        };
        let rendered = self
            .renderer
            .render_with(
                &RenderRequest {
                    template,
                    locale: negotiated.index,
                    user,
                    client_id,
                    brand: &brand,
                    data: &event.data,
                    set,
                    zone: &zone,
                    occurred_at: event.occurred_at,
                },
                overrides.per_email_css,
            )
            .map_err(|e| Rejection::new(DeadKind::Render, e.to_string(), id))?;
        let message = compose(
            &rendered,
            &Addressing {
                event_id: &event.id,
                occurred_at: event.occurred_at,
                from: &self.settings.from,
                sender_name: brand.sender_name.as_deref(),
                to: &to,
                to_name: user.display_name(),
                template,
                client_id,
            },
            overrides.encoding,
        )
        .map_err(|e| Rejection::new(DeadKind::Render, e.to_string(), id))?;
        Ok(Prepared {
            event_id: event.id.clone(),
            event_type: event.event_type.clone(),
            template: template.to_owned(),
            lang_source: negotiated.source,
            rendered,
            message,
            notes,
            template_set: set.map(|i| self.renderer.sets()[i].name().to_owned()),
        })
    }

    /// The set `client_metadata.template_set` names, when it is one loaded. Anything else
    /// (not a string, not a set name, a set not loaded) renders the defaults, with a note and
    /// a count: the event is never refused for it. The value is only compared with the loaded
    /// names, never used as a path.
    fn client_set(&self, client: Option<&Client>, notes: &mut Vec<String>) -> Option<usize> {
        let value = client?.client_metadata.get("template_set")?;
        let (reason, note) = match value {
            serde_json::Value::Null => return None,
            serde_json::Value::String(name) if is_set_name(name) => {
                if let Some(i) = self.renderer.set_index(name) {
                    return Some(i);
                }
                let loaded: Vec<&str> = self.renderer.sets().iter().map(|s| s.name()).collect();
                (
                    "unknown",
                    format!(
                        "client_metadata.template_set `{name}`: no such template set (loaded: {}); default templates",
                        crate::text::clip(
                            &if loaded.is_empty() {
                                "none".to_owned()
                            } else {
                                loaded.join(", ")
                            },
                            120
                        )
                    ),
                )
            }
            serde_json::Value::String(_) => (
                "invalid",
                format!(
                    "client_metadata.template_set {}: not a template set name (1 to {SET_NAME_MAX} of a-z, 0-9, `_` and `-`); default templates",
                    crate::event::Shown(value)
                ),
            ),
            other => (
                "invalid",
                format!(
                    "client_metadata.template_set {}: not a string; default templates",
                    crate::event::Shown(other)
                ),
            ),
        };
        crate::metrics::template_set_fallback(reason);
        notes.push(note);
        None
    }

    /// The template to render: the override, else the event type's route; refused when the
    /// event lacks a `data` field the template's manifest requires.
    fn template_for<'s>(
        &'s self,
        event: &Event,
        chosen: Option<&'s str>,
    ) -> Result<&'s str, Rejection> {
        let id = Some(event.id.as_str());
        let template = match chosen {
            Some(t) => t,
            None => self.settings.routes.get(&event.event_type).ok_or_else(|| {
                Rejection::new(
                    DeadKind::Unroutable,
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
            .map_err(|e| Rejection::new(DeadKind::Unroutable, e.to_string(), id))?;
        for field in &info.manifest.requires {
            if !field.is_present(&event.data) {
                return Err(Rejection::new(
                    DeadKind::Malformed,
                    format!("data.{field}: missing (template `{template}` needs it)"),
                    id,
                ));
            }
        }
        Ok(template)
    }
}

/// The user (inline: thin events are resolved by a directory before this step), the client
/// when the event carries one, and the client id for links; a client named only by id
/// brands by default, with a note saying why.
fn parties<'e>(
    event: &'e Event,
    notes: &mut Vec<String>,
) -> Result<(&'e User, Option<&'e Client>, Option<&'e str>), Rejection> {
    let user = match &event.user {
        UserRef::Inline(u) => u,
        UserRef::Id(user_id) => {
            return Err(Rejection::new(
                DeadKind::Unroutable,
                format!(
                    "user_id `{}`: the event carries no user profile and no directory is configured to load one",
                    crate::event::clip(user_id, 80)
                ),
                Some(&event.id),
            ));
        }
    };
    let (client, client_id) = match &event.client {
        ClientRef::Inline(c) => (Some(c), c.client_id.as_deref()),
        ClientRef::Id(client_id) => {
            notes.push(format!(
                "client_id `{}`: no directory is configured to load the client; default branding",
                crate::event::clip(client_id, 80)
            ));
            (None, Some(client_id.as_str()))
        }
        ClientRef::None => (None, None),
    };
    Ok((user, client, client_id))
}
