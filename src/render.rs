//! Templates: loading `templates/`, the `t()` translation function, and rendering one email.
//!
//! Everything expensive happens in [`Renderer::load`], once: template parsing, bundle building,
//! CSS inliner set-up. [`Renderer::render`] is pure (no I/O) and returns a [`RenderedEmail`]:
//! subject, inlined HTML and text.
//!
//! Escaping: `body.html` and layouts ending in `.html` are autoescaped by Tera; no value from an
//! event is ever marked safe. `t()` in an HTML template escapes the catalog's literal text (a
//! Fluent transform), escapes each string argument and wraps it in `<bdi>` so a left-to-right
//! name reads correctly inside right-to-left text; only then is its output marked safe.
//! Subjects and text parts (`.txt`) are not escaped and get no markup.
//!
//! Template folder layout: `templates/<name>/{subject.txt, body.html, body.txt?, template.toml?,
//! samples/*.json}`, shared layouts in `templates/layouts/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fluent_bundle::{FluentArgs, FluentValue};
use serde::{Deserialize, Serialize};
use tera::{Context, Function, Kwargs, State, Tera, TeraResult, Value};

use crate::brand::Brand;
use crate::cache::{DirectMapped, Key, Slot};
use crate::diagnostic::{Diagnostic, line_of};
use crate::event::{Data, DataField, User};
use crate::i18n::{Catalog, I18nError, Markup, SafeHtml};
use crate::text;

/// Files every template folder must have.
pub const REQUIRED_FILES: &[&str] = &["subject.txt", "body.html"];

/// `template.toml`: what a template needs from an event.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Manifest {
    /// Fields of `data` without which the template cannot render.
    pub requires: Vec<DataField>,
    /// One line for people browsing templates.
    pub description: Option<String>,
}

/// `template.toml` as written. `requires` is read as names and checked against the known
/// fields afterwards, so that an unknown one is reported with the known ones.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    description: Option<String>,
}

/// One template folder.
#[derive(Debug, Clone)]
pub struct TemplateInfo {
    pub name: String,
    pub dir: PathBuf,
    pub has_text: bool,
    pub manifest: Manifest,
    /// `samples/*.json`, sorted: events for `preview` and `check`.
    pub samples: Vec<PathBuf>,
}

/// A message id a template file names in `t(id="…")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageUse {
    pub file: PathBuf,
    pub line: usize,
    /// `None` when the id is computed (`t(id=x)`) and cannot be checked statically.
    pub id: Option<String>,
}

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

/// How a template's CSS reaches its `style` attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CssPlan {
    /// Inlined once at load (see [`crate::preinline`]).
    Preinlined,
    /// Inlined in every rendered email, for this reason.
    PerEmail(String),
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

/// The context variable through which `t()` learns the locale: the catalog index.
const LOCALE_INDEX: &str = "__locale";

/// The `t(id="…", name=…)` function.
struct Translate {
    catalog: Arc<Catalog>,
    fixed: Arc<Fixed>,
    /// The one locale of a Tera compiled per locale; else the context's `__locale`.
    locale: Option<usize>,
    /// Tells this instance's entries in the per-thread memo from those of an earlier load (a
    /// reload builds new instances); it is the first part of every memo key.
    memo_owner: u64,
}

impl Translate {
    fn new(catalog: Arc<Catalog>, fixed: Arc<Fixed>, locale: Option<usize>) -> Translate {
        static OWNERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Translate {
            catalog,
            fixed,
            locale,
            memo_owner: OWNERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }
}

/// Slots of the per-thread memo of formatted messages: a fixed size bounds its memory.
const MEMO_SLOTS: usize = 256;

/// A message formatted with arguments, remembered per thread.
///
/// Most arguments are the client's brand (`client=brand.name`), the same in every email of
/// that client, so most `t()` calls repeat one made moments before; Fluent formatted each of
/// them anew, about 3,400 instructions a call and ten calls an email. The key holds
/// everything the text depends on (see [`Translate::memo_key`]) and a slot answers only on an
/// exact match, so a collision costs a miss, never a wrong text. Per-user values (a
/// greeting's name) simply miss and overwrite their slot.
struct Memoized {
    text: String,
    fell_back: bool,
}

thread_local! {
    static MEMO: std::cell::RefCell<DirectMapped<Slot<Memoized>, MEMO_SLOTS>> =
        std::cell::RefCell::new(DirectMapped::default());
}

/// Messages that templates call with no argument but `id`, formatted once at load: per
/// locale, the text and the HTML form. Such a message is the same in every email, and
/// formatting it through Fluent was most of what `t()` cost.
#[derive(Default)]
struct Fixed(Vec<[std::collections::HashMap<String, crate::i18n::Formatted>; 2]>);

impl Fixed {
    /// Formats every literal id in `usage` in every locale; ids that need arguments or do not
    /// format are left out (`t()` formats them, and reports their error, per email).
    fn build(catalog: &Catalog, usage: &[MessageUse]) -> Fixed {
        let ids: std::collections::BTreeSet<&str> =
            usage.iter().filter_map(|u| u.id.as_deref()).collect();
        let none = FluentArgs::new();
        Fixed(
            (0..catalog.locales().len())
                .map(|locale| {
                    [Markup::Text, Markup::Html].map(|markup| {
                        ids.iter()
                            .filter_map(|id| {
                                let f = catalog.format(locale, id, Some(&none), markup).ok()?;
                                Some(((*id).to_owned(), f))
                            })
                            .collect()
                    })
                })
                .collect(),
        )
    }

    fn get(&self, locale: usize, markup: Markup, id: &str) -> Option<&crate::i18n::Formatted> {
        self.0.get(locale)?[usize::from(markup == Markup::Html)].get(id)
    }
}

impl Function<TeraResult<String>> for Translate {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<String> {
        let id: &str = kwargs.must_get("id")?;
        // The locale index, not the tag: no string copy and no search per call.
        let locale: usize = match self.locale {
            Some(locale) => locale,
            None => state
                .get(LOCALE_INDEX)?
                .ok_or_else(|| tera::Error::message("t(): the locale is not set in the context"))?,
        };
        if locale >= self.catalog.locales().len() {
            return Err(tera::Error::message(format!(
                "t(): locale index {locale} is not a loaded locale"
            )));
        }
        let html = state.autoescaping_enabled();
        let markup = if html { Markup::Html } else { Markup::Text };
        let count = kwargs.iter().count();
        if count == 1
            && let Some(formatted) = self.fixed.get(locale, markup, id)
        {
            self.note_fallback(formatted.fell_back, locale, id);
            return Ok(formatted.text.clone());
        }
        let key = self.memo_key(&kwargs, locale, html, id)?;
        let hit = MEMO.with_borrow(|memo| {
            memo.slot(&key)
                .get(&key)
                .map(|m| (m.text.clone(), m.fell_back))
        });
        let (text, fell_back) = match hit {
            Some(hit) => hit,
            None => {
                let mut args = FluentArgs::with_capacity(count.saturating_sub(1));
                for (name, value) in arguments(&kwargs) {
                    args.set(name.to_owned(), fluent_arg(name, value, html)?);
                }
                let formatted = self
                    .catalog
                    .format(locale, id, Some(&args), markup)
                    .map_err(|e| tera::Error::message(e.to_string()))?;
                MEMO.with_borrow_mut(|memo| {
                    let remembered = Memoized {
                        text: formatted.text.clone(),
                        fell_back: formatted.fell_back,
                    };
                    memo.slot_mut(&key).put(&key, remembered);
                });
                (formatted.text, formatted.fell_back)
            }
        };
        self.note_fallback(fell_back, locale, id);
        Ok(text)
    }

    /// The output is safe only because the HTML bundle escapes both the catalog text (its
    /// transform) and every plain-string argument (its formatter).
    fn is_safe(&self) -> bool {
        true
    }
}

impl Translate {
    /// Everything the formatted text depends on: this instance, the locale, the bundle, the
    /// id, and every other argument's name, kind and value. Arguments go in name order, so
    /// the key does not depend on the order Tera keeps them in; the next name is picked
    /// afresh each time rather than sorted in a buffer, which keeps a hit free of
    /// allocations (calls have a handful of arguments). An argument Fluent cannot take is
    /// this call's error, named by [`fluent_arg`].
    fn memo_key(&self, kwargs: &Kwargs, locale: usize, html: bool, id: &str) -> TeraResult<Key> {
        let mut key = Key::new();
        key.u64(self.memo_owner)
            .u64(locale as u64)
            .byte(u8::from(html))
            .str(id);
        let mut after: Option<&str> = None;
        while let Some((name, value)) = arguments(kwargs)
            .filter(|(name, _)| after.is_none_or(|a| *name > a))
            .min_by_key(|(name, _)| *name)
        {
            after = Some(name);
            key.str(name);
            // The kinds `fluent_arg` tells apart: markup and plain text format differently.
            if let Some(s) = value.as_str() {
                key.byte(if html && value.is_safe() { b'h' } else { b's' })
                    .str(s);
            } else if let Some(n) = value.as_i64() {
                key.byte(b'i').u64(n as u64);
            } else if let Some(n) = value.as_f64() {
                key.byte(b'f').u64(n.to_bits());
            } else {
                fluent_arg(name, value, html)?;
            }
        }
        Ok(key)
    }

    fn note_fallback(&self, fell_back: bool, locale: usize, id: &str) {
        if fell_back {
            let lang = &self.catalog.locale(locale).tag;
            tracing::debug!(message = id, locale = %lang, "message missing; used the source locale");
        }
    }
}

/// The arguments of a `t()` call besides `id`, in no particular order.
fn arguments(kwargs: &Kwargs) -> impl Iterator<Item = (&str, &Value)> {
    kwargs
        .iter()
        .filter_map(|(key, value)| Some((key.as_str()?, value)))
        .filter(|(name, _)| *name != "id")
}

fn fluent_arg(name: &str, value: &Value, html: bool) -> TeraResult<FluentValue<'static>> {
    if let Some(s) = value.as_str() {
        // In HTML the bundle's formatter escapes and isolates plain strings when it writes
        // them; a value Tera already considers safe markup is passed through as markup.
        if html && value.is_safe() {
            return Ok(FluentValue::Custom(Box::new(SafeHtml(s.to_owned()))));
        }
        return Ok(FluentValue::from(s.to_owned()));
    }
    if let Some(n) = value.as_i64() {
        return Ok(FluentValue::from(n));
    }
    if let Some(n) = value.as_f64() {
        return Ok(FluentValue::from(n));
    }
    Err(tera::Error::message(format!(
        "t(): argument `{name}` must be a string or a number, not {}",
        value.name()
    )))
}

/// Lists the template folders under `dir` without parsing anything.
fn discover(dir: &Path, diags: &mut Vec<Diagnostic>) -> (Vec<(String, PathBuf)>, Vec<PathBuf>) {
    let mut templates = Vec::new();
    let mut layouts = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diagnostic::error(
                dir.to_path_buf(),
                None,
                format!("cannot read the templates folder: {e}"),
            ));
            return (templates, layouts);
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "layouts" {
            layouts = files_in(&path, &["html", "txt"]);
        } else if name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            templates.push((name, path));
        } else {
            diags.push(Diagnostic::warning(
                path,
                None,
                format!(
                    "`{name}` is not a template name (lowercase letters, digits and `_`); skipped"
                ),
            ));
        }
    }
    templates.sort();
    (templates, layouts)
}

fn files_in(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && p.extension()
                            .and_then(|x| x.to_str())
                            .is_some_and(|x| extensions.contains(&x))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

impl Renderer {
    /// Loads every template under `dir`. All problems are returned; the renderer is `None`
    /// when the templates cannot be compiled together.
    pub fn load(dir: &Path, catalog: Arc<Catalog>) -> (Option<Renderer>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let (found, layouts) = discover(dir, &mut diags);

        // (Tera name, path, source) of every file to compile.
        let mut sources: Vec<(String, PathBuf, String)> = Vec::new();
        let mut read = |tera_name: String, path: &Path, diags: &mut Vec<Diagnostic>| {
            match std::fs::read_to_string(path) {
                Ok(s) => sources.push((tera_name, path.to_path_buf(), s)),
                Err(e) => diags.push(Diagnostic::error(
                    path.to_path_buf(),
                    None,
                    format!("cannot read: {e}"),
                )),
            }
        };
        for path in &layouts {
            let file = path.file_name().unwrap_or_default().to_string_lossy();
            read(format!("layouts/{file}"), path, &mut diags);
        }
        let mut templates = BTreeMap::new();
        for (name, tdir) in found {
            let mut complete = true;
            for file in REQUIRED_FILES {
                let p = tdir.join(file);
                if p.is_file() {
                    read(format!("{name}/{file}"), &p, &mut diags);
                } else {
                    complete = false;
                    diags.push(Diagnostic::error(
                        p,
                        None,
                        format!("template `{name}` has no {file}"),
                    ));
                }
            }
            let text = tdir.join("body.txt");
            let has_text = text.is_file();
            if has_text {
                read(format!("{name}/body.txt"), &text, &mut diags);
            }
            let manifest = load_manifest(&tdir.join("template.toml"), &mut diags);
            if complete {
                templates.insert(
                    name.clone(),
                    TemplateInfo {
                        samples: files_in(&tdir.join("samples"), &["json"]),
                        name,
                        dir: tdir,
                        has_text,
                        manifest,
                    },
                );
            }
        }

        let mut usage = Vec::new();
        for (_, path, src) in &sources {
            usage.extend(scan_message_ids(path, src));
        }

        // Syntax first, one file at a time, so every broken file is reported with its line.
        // Inheritance is resolved afterwards, when all files are compiled together.
        let mut syntax_ok = true;
        for (name, path, src) in &sources {
            let mut probe = new_tera(catalog.clone(), Arc::default(), None);
            if let Err(e) = probe.add_raw_template(name, src)
                && let tera::ErrorKind::SyntaxError(report) = e.kind()
            {
                syntax_ok = false;
                diags.push(Diagnostic::error(
                    path.clone(),
                    Some(report.span().start_line),
                    format!("template syntax error: {}", report.message()),
                ));
            }
        }
        if !syntax_ok {
            return (None, diags);
        }
        let fixed = Arc::new(Fixed::build(&catalog, &usage));
        let mut tera = new_tera(catalog.clone(), fixed.clone(), None);
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|(n, _, s)| (n.as_str(), s.as_str())))
        {
            diags.push(Diagnostic::error(dir.to_path_buf(), None, one_line(&e)));
            return (None, diags);
        }
        let inliner = css_inline::CSSInliner::options()
            .load_remote_stylesheets(false)
            .keep_at_rules(true)
            .build();
        let (preinlined, plans) =
            preinline_templates(&sources, &templates, &inliner, &catalog, &fixed);
        (
            Some(Renderer {
                tera,
                preinlined,
                plans,
                catalog,
                inliner,
                templates,
                usage,
            }),
            diags,
        )
    }

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

    /// Renders one email. Pure: no I/O.
    pub fn render(&self, req: &RenderRequest<'_>) -> Result<RenderedEmail, RenderError> {
        self.render_with(req, false)
    }

    /// [`Renderer::render`], optionally inlining CSS per email even for a template inlined at
    /// load. The two give the same document; load checks it with this.
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
            tidy_text(&self.render_file(tera, &format!("{name}/body.txt"), &ctx)?)
        } else {
            html_to_text(&html)
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

    fn context(&self, req: &RenderRequest<'_>) -> Result<Context, RenderError> {
        let locale = self.catalog.locale(req.locale);
        let user = req.user;
        let mut ctx = Context::new();
        ctx.insert("lang", &locale.tag);
        ctx.insert(LOCALE_INDEX, &req.locale);
        ctx.insert("dir", locale.dir.as_str());
        // The start side of the text, for `align=` attributes (Outlook ignores `text-align: start`).
        ctx.insert(
            "align",
            match locale.dir {
                crate::locale::Direction::Ltr => "left",
                crate::locale::Direction::Rtl => "right",
            },
        );
        ctx.insert(
            "user",
            &UserContext {
                user_id: user.user_id.as_deref(),
                email: user.email.as_ref(),
                name: user.name.as_deref(),
                given_name: user.given_name.as_deref(),
                nickname: user.nickname.as_deref(),
                greeting_name: user.greeting_name(),
                user_metadata: &user.user_metadata,
                app_metadata: &user.app_metadata,
            },
        );
        ctx.insert(
            "client",
            &ClientContext {
                client_id: req.client_id,
                name: &req.brand.name,
            },
        );
        ctx.insert("brand", req.brand);
        ctx.insert("data", &DataContext(req.data));
        let expires_in = match req.data.ttl_seconds {
            Some(secs) => Some(self.duration_text(req.locale, secs)?),
            None => None,
        };
        ctx.insert("expires_in", &expires_in);
        Ok(ctx)
    }

    /// "24 hours", "2 Tagen", "ساعتين": a lifetime in its largest whole unit, through the
    /// locale's plural rules.
    fn duration_text(&self, locale: usize, secs: u64) -> Result<String, RenderError> {
        let (id, count) = largest_unit(secs);
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(count));
        Ok(self
            .catalog
            .format(locale, id, Some(&args), Markup::Text)?
            .text)
    }
}

/// The largest unit that expresses `secs` as a whole number: days, then hours, else minutes
/// (rounded down, never below one: a link must not seem to live longer than it does).
pub fn largest_unit(secs: u64) -> (&'static str, u64) {
    if secs >= 86_400 && secs.is_multiple_of(86_400) {
        ("duration-days", secs / 86_400)
    } else if secs >= 3_600 && secs.is_multiple_of(3_600) {
        ("duration-hours", secs / 3_600)
    } else {
        ("duration-minutes", (secs / 60).max(1))
    }
}

#[derive(Serialize)]
struct UserContext<'a> {
    user_id: Option<&'a str>,
    email: &'a str,
    name: Option<&'a str>,
    given_name: Option<&'a str>,
    nickname: Option<&'a str>,
    /// The first usable of given name, name and nickname.
    greeting_name: Option<&'a str>,
    user_metadata: &'a serde_json::Map<String, serde_json::Value>,
    app_metadata: &'a serde_json::Map<String, serde_json::Value>,
}

/// `data` as templates see it: everything sent, with the checked forms of the known fields
/// ([`DataField`]) replacing what was sent (e.g. a trimmed link). The known fields are always
/// present, as null when absent, so templates can test them without `?.`. Serialized straight
/// from the event, without copying the map first.
struct DataContext<'a>(&'a Data);

impl Serialize for DataContext<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let data = self.0;
        let extra = data
            .raw
            .keys()
            .filter(|k| DataField::from_name(k).is_none())
            .count();
        let mut map = serializer.serialize_map(Some(extra + DataField::ALL.len()))?;
        // serde_json's map is ordered by key (a BTreeMap): keep that order, with the known
        // fields in their sorted places, as the merged map would serialize.
        let mut known = DataField::BY_NAME.iter().peekable();
        for (key, value) in &data.raw {
            while let Some(field) = known.next_if(|f| f.name() < key.as_str()) {
                map.serialize_entry(field.name(), &field.value(data))?;
            }
            if DataField::from_name(key).is_some() {
                continue;
            }
            map.serialize_entry(key, value)?;
        }
        for field in known {
            map.serialize_entry(field.name(), &field.value(data))?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct ClientContext<'a> {
    client_id: Option<&'a str>,
    name: &'a str,
}

/// Builds the pre-inlined Tera and decides each template's [`CssPlan`]. Each HTML file a
/// template uses (its body, the layouts it extends, the partials it includes) is inlined once:
/// the root layout as a document, the others as fragments with the root layout's stylesheet.
/// A file needed under two different stylesheets, or one that cannot be shielded, sends the
/// templates using it back to inlining per email.
fn preinline_templates(
    sources: &[(String, PathBuf, String)],
    templates: &BTreeMap<String, TemplateInfo>,
    inliner: &css_inline::CSSInliner<'static>,
    catalog: &Arc<Catalog>,
    fixed: &Arc<Fixed>,
) -> (Vec<Tera>, BTreeMap<String, CssPlan>) {
    use crate::preinline::{references, shield, style_sheets, unshield};

    let source: BTreeMap<&str, &str> = sources
        .iter()
        .map(|(n, _, s)| (n.as_str(), s.as_str()))
        .collect();
    // File → the stylesheet it is inlined with (`None`: it is the document, with its own).
    let mut modes: BTreeMap<&str, Option<String>> = BTreeMap::new();
    let mut uses: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut plans: BTreeMap<String, CssPlan> = BTreeMap::new();

    for name in templates.keys() {
        let plan = (|| -> Result<Vec<(&str, Option<String>)>, String> {
            let body = format!("{name}/body.html");
            let (body, _) = source.get_key_value(body.as_str()).ok_or("no body.html")?;
            // Every file reached, and the root of the `extends` chain.
            let mut files: Vec<&str> = vec![body];
            let mut root = *body;
            let mut i = 0;
            while i < files.len() {
                let file = files[i];
                i += 1;
                for (target, extends) in references(source[file])? {
                    let (target, _) = source
                        .get_key_value(target.as_str())
                        .ok_or_else(|| format!("{file} names `{target}`, which is not loaded"))?;
                    if !target.ends_with(".html") {
                        return Err(format!("{file} uses {target}, not an .html file"));
                    }
                    if extends && file == root {
                        root = target;
                    }
                    if !files.contains(target) {
                        files.push(target);
                    }
                }
            }
            let css = style_sheets(source[root]);
            Ok(files
                .into_iter()
                .map(|f| (f, (f != root).then(|| css.clone())))
                .collect())
        })();
        let plan = plan.and_then(|files| {
            for (file, mode) in &files {
                if modes.get(file).is_some_and(|m| m != mode) {
                    return Err(format!("{file} is used with two different stylesheets"));
                }
            }
            for (file, mode) in files {
                modes.insert(file, mode);
                uses.entry(file).or_default().push(name);
            }
            Ok(())
        });
        plans.insert(
            name.clone(),
            match plan {
                Ok(()) => CssPlan::Preinlined,
                Err(reason) => CssPlan::PerEmail(reason),
            },
        );
    }

    let mut inlined: BTreeMap<&str, String> = BTreeMap::new();
    for (file, mode) in &modes {
        let result = shield(source[file]).and_then(|s| {
            let html = match mode {
                None => inliner.inline(&s.html),
                Some(css) => inliner.inline_fragment(&s.html, css),
            }
            .map_err(|e| format!("CSS inlining failed: {e}"))?;
            unshield(&html, &s.pieces)
        });
        match result {
            Ok(html) => {
                inlined.insert(file, html);
            }
            Err(reason) => {
                for t in &uses[file] {
                    plans.insert(
                        (*t).to_owned(),
                        CssPlan::PerEmail(format!("{file}: {reason}")),
                    );
                }
            }
        }
    }
    if !plans.values().any(|p| *p == CssPlan::Preinlined) {
        return (Vec::new(), plans);
    }
    let localized = (0..catalog.locales().len())
        .map(|locale| {
            let mut tera = new_tera(catalog.clone(), fixed.clone(), Some(locale));
            tera.add_raw_templates(sources.iter().map(|(n, _, s)| {
                let s = inlined.get(n.as_str()).map_or(s.as_str(), String::as_str);
                // Tera's rule for autoescaping, which decides the bundle `t()` would use.
                let markup = if n.ends_with(".html") {
                    Markup::Html
                } else {
                    Markup::Text
                };
                (n.as_str(), literal_messages(s, fixed, locale, markup))
            }))
            .map(|()| tera)
        })
        .collect::<Result<Vec<Tera>, _>>();
    match localized {
        Ok(localized) => (localized, plans),
        Err(e) => {
            let reason = format!("the pre-inlined templates do not compile: {}", one_line(&e));
            for plan in plans.values_mut() {
                *plan = CssPlan::PerEmail(reason.clone());
            }
            (Vec::new(), plans)
        }
    }
}

/// `{{ t(id="…") }}` with no other argument is the same text in every email of a locale:
/// it becomes that text, formatted at load (escaped by the HTML bundle in `.html` files), in a
/// `{% raw %}` block so Tera copies it as it is. A call with arguments, or whose message did
/// not format, stays a call.
fn literal_messages(src: &str, fixed: &Fixed, locale: usize, markup: Markup) -> String {
    let mut out = String::with_capacity(src.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = src[from..].find("{{") {
        let at = from + found;
        let Some(end) = crate::preinline::tera_end(src, at) else {
            break;
        };
        from = end;
        let inner = &src[at + 2..end - 2];
        let (trim_before, inner) = match inner.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, inner),
        };
        let (trim_after, inner) = match inner.strip_suffix('-') {
            Some(rest) => (true, rest),
            None => (false, inner),
        };
        let Some(id) = only_id(inner) else { continue };
        let Some(message) = fixed.get(locale, markup, id) else {
            continue;
        };
        if message.text.contains("endraw") {
            continue;
        }
        out.push_str(&src[copied..at]);
        out.push_str(if trim_before {
            "{%- raw %}"
        } else {
            "{% raw %}"
        });
        out.push_str(&message.text);
        out.push_str(if trim_after {
            "{% endraw -%}"
        } else {
            "{% endraw %}"
        });
        copied = end;
    }
    out.push_str(&src[copied..]);
    out
}

/// The id of `t(id="…")` (or `'…'`) when that is the whole expression.
fn only_id(expr: &str) -> Option<&str> {
    let args = expr.trim().strip_prefix("t(")?.strip_suffix(')')?;
    let (key, value) = args.split_once('=')?;
    if key.trim() != "id" {
        return None;
    }
    let value = value.trim();
    let quote = value.chars().next().filter(|q| matches!(q, '"' | '\''))?;
    let id = value.strip_prefix(quote)?.strip_suffix(quote)?;
    (!id.contains(['"', '\'', '\\'])).then_some(id)
}

/// `locale` is set for a Tera compiled for one locale only (the pre-inlined ones), whose
/// `t()` then need not look the locale up in the context on every call.
fn new_tera(catalog: Arc<Catalog>, fixed: Arc<Fixed>, locale: Option<usize>) -> Tera {
    let mut tera = Tera::default();
    // Registered before any template is added: Tera 2 checks function names at load.
    tera.register_function("t", Translate::new(catalog, fixed, locale));
    tera
}

/// A missing `template.toml` is an empty manifest. A field in `requires` that is not a
/// [`DataField`] is an error (and requires nothing).
fn load_manifest(path: &Path, diags: &mut Vec<Diagnostic>) -> Manifest {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Manifest::default();
    };
    match toml::from_str::<ManifestFile>(&text) {
        Ok(m) => {
            let mut requires = Vec::with_capacity(m.requires.len());
            for name in &m.requires {
                match DataField::from_name(name) {
                    Some(field) => requires.push(field),
                    None => diags.push(Diagnostic::error(
                        path.to_path_buf(),
                        None,
                        format!(
                            "requires `{name}`, which is not a known data field (known: {})",
                            DataField::known()
                        ),
                    )),
                }
            }
            Manifest {
                requires,
                description: m.description,
            }
        }
        Err(e) => {
            diags.push(Diagnostic::error(
                path.to_path_buf(),
                e.span().map(|s| line_of(&text, s.start)),
                format!("invalid template.toml: {}", e.message()),
            ));
            Manifest::default()
        }
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

/// Text parts: no trailing spaces (except in the `-- ` signature separator), at most one blank
/// line in a row, one final newline.
fn tidy_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        let line = if line == "-- " { line } else { line.trim_end() };
        if line.is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The text part of a template that ships none: a plain conversion of the HTML.
fn html_to_text(html: &str) -> String {
    let text = html2text::config::plain()
        .no_table_borders()
        .no_link_wrapping()
        .link_footnotes(true)
        .string_from_read(html.as_bytes(), 78)
        .unwrap_or_else(|_| String::new());
    tidy_text(&text)
}

/// Finds `t(id="…")` calls in a template source. It is a scan, not a parse: good enough for
/// `check` to list ids and their lines; a computed id is reported as `None`.
pub fn scan_message_ids(file: &Path, src: &str) -> Vec<MessageUse> {
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    let mut from = 0;
    while let Some(found) = src[from..].find("t(") {
        let at = from + found;
        from = at + 2;
        let preceded_by_ident = at > 0 && {
            let b = bytes[at - 1];
            b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
        };
        if preceded_by_ident {
            continue;
        }
        let args = &src[at + 2..];
        let end = args.find(')').unwrap_or(args.len());
        let args = &args[..end];
        let line = line_of(src, at);
        let Some(pos) = find_kwarg(args, "id") else {
            continue;
        };
        let rest = args[pos..].trim_start();
        let id = rest
            .strip_prefix('"')
            .and_then(|r| r.split_once('"'))
            .or_else(|| rest.strip_prefix('\'').and_then(|r| r.split_once('\'')))
            .map(|(id, tail)| (id, tail.trim_start()))
            // `"a" ~ x` is a computed id, not the literal `a`.
            .filter(|(_, tail)| !tail.starts_with('~'))
            .map(|(id, _)| id.to_owned());
        out.push(MessageUse {
            file: file.to_path_buf(),
            line,
            id,
        });
    }
    out
}

/// Byte offset just after `name =` in a kwargs list.
fn find_kwarg(args: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = args[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before_ok = at == 0 || {
            let b = args.as_bytes()[at - 1];
            !(b.is_ascii_alphanumeric() || b == b'_')
        };
        let after = args[at + name.len()..].trim_start();
        if before_ok && after.starts_with('=') && !after.starts_with("==") {
            return Some(args.len() - after.len() + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_calls_with_just_an_id_are_recognized() {
        assert_eq!(only_id(" t(id=\"a-b\") "), Some("a-b"));
        assert_eq!(only_id("t( id = 'c' )"), Some("c"));
        assert_eq!(only_id("t(id=\"a\", name=x)"), None);
        assert_eq!(only_id("t(id=x)"), None);
        assert_eq!(only_id("t(name=\"a\")"), None);
        assert_eq!(only_id("user.name"), None);
    }

    #[test]
    fn lifetimes_use_their_largest_whole_unit() {
        assert_eq!(largest_unit(86_400), ("duration-days", 1));
        assert_eq!(largest_unit(2 * 86_400), ("duration-days", 2));
        assert_eq!(largest_unit(36 * 3_600), ("duration-hours", 36));
        assert_eq!(largest_unit(3_600), ("duration-hours", 1));
        assert_eq!(largest_unit(5_400), ("duration-minutes", 90));
        assert_eq!(largest_unit(45), ("duration-minutes", 1));
        assert_eq!(largest_unit(119), ("duration-minutes", 1));
    }

    #[test]
    fn text_is_tidied() {
        assert_eq!(tidy_text("\n\na  \n\n\n\nb\n\n"), "a\n\nb\n");
    }

    #[test]
    fn message_ids_are_found_with_their_lines() {
        let src = "{{ t(id=\"a-b\") }}\n{{ t(id='c', name=user.name) }}\n{{ t(id=\"x-\" ~ unit) }}\n{{ at(id=\"no\") }}";
        let ids: Vec<(Option<String>, usize)> = scan_message_ids(Path::new("f"), src)
            .into_iter()
            .map(|u| (u.id, u.line))
            .collect();
        assert_eq!(
            ids,
            vec![(Some("a-b".into()), 1), (Some("c".into()), 2), (None, 3)]
        );
    }

    /// A templates folder with one template, `note`, whose `template.toml` is `manifest`,
    /// loaded with the shipped catalogs.
    fn load_with_manifest(
        manifest: &str,
    ) -> (tempfile::TempDir, Option<Renderer>, Vec<Diagnostic>) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (catalog, diags) = Catalog::load(&root.join("locales"), &"en".parse().unwrap());
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        let dir = tempfile::tempdir().unwrap();
        let note = dir.path().join("note");
        std::fs::create_dir(&note).unwrap();
        std::fs::write(note.join("subject.txt"), "A note").unwrap();
        std::fs::write(note.join("body.html"), "<p>{{ data.url }}</p>").unwrap();
        std::fs::write(note.join("template.toml"), manifest).unwrap();
        let (renderer, diags) = Renderer::load(dir.path(), Arc::new(catalog.unwrap()));
        (dir, renderer, diags)
    }

    #[test]
    fn a_required_field_that_is_not_a_data_field_is_a_load_error_naming_file_and_fields() {
        let (dir, renderer, diags) = load_with_manifest("requires = [\"url\", \"tl_seconds\"]\n");
        let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{diags:?}");
        assert_eq!(
            errors[0].file.as_deref(),
            Some(dir.path().join("note/template.toml").as_path())
        );
        assert_eq!(
            errors[0].message,
            "requires `tl_seconds`, which is not a known data field (known: url, code, ttl_seconds)"
        );
        // The known field is still required.
        let renderer = renderer.unwrap();
        assert_eq!(
            renderer.templates()["note"].manifest.requires,
            vec![DataField::Url]
        );
    }

    #[test]
    fn every_data_field_can_be_required() {
        let names: Vec<String> = DataField::ALL
            .iter()
            .map(|f| format!("\"{}\"", f.name()))
            .collect();
        let (_dir, renderer, diags) =
            load_with_manifest(&format!("requires = [{}]\n", names.join(", ")));
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        let renderer = renderer.unwrap();
        assert_eq!(
            renderer.templates()["note"].manifest.requires,
            DataField::ALL
        );
    }

    #[test]
    fn data_shows_every_known_field_in_its_sorted_place_with_its_checked_value() {
        let event = br#"{"id":"e","type":"t","user":{"email":"a@b.c"},
            "data":{"zz":2,"url":" https://a.test/v ","a":1,"ttl_seconds":60}}"#;
        let event = crate::event::parse(event, Default::default()).unwrap();
        assert_eq!(
            serde_json::to_string(&DataContext(&event.data)).unwrap(),
            r#"{"a":1,"code":null,"ttl_seconds":60,"url":"https://a.test/v","zz":2}"#
        );
    }
}
