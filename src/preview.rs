//! How a prepared email is shown without sending it: the samples a template renders with, a
//! `--locale` value negotiated like a user's `lang`, the headers a mail client shows, and the
//! formats `preview` prints (`text`, `html`, `eml`, `json`). Library code shared by
//! `cmd/preview` and the gallery; it sends nothing and serves nothing.

use anyhow::{Context as _, anyhow};
use lettre::message::Mailboxes;
use lettre::message::header;
use serde::Serialize;

use crate::cli::PreviewFormat;
use crate::locale::normalize;
use crate::pipeline::{Overrides, Pipeline, Prepared, SetChoice};

/// Renders `template` with one of its samples in `locale` (negotiated; default: the default)
/// and template set `set` (default: the one the sample's client names).
pub fn preview_sample(
    pipeline: &Pipeline,
    template: &str,
    locale: Option<&str>,
    sample: Option<&str>,
    set: Option<&str>,
) -> anyhow::Result<Prepared> {
    let (event, path) = sample_event(pipeline, template, sample)?;
    let locale = match locale {
        Some(raw) => Some(resolve_locale(pipeline, raw)?),
        None => None,
    };
    let set = match set {
        Some(name) => SetChoice::Set(resolve_set(pipeline, name)?),
        None => SetChoice::FromClient,
    };
    pipeline
        .prepare_event(
            &event,
            Overrides {
                template: Some(template),
                locale,
                set,
                ..Overrides::default()
            },
        )
        .map_err(|r| anyhow!("{} in {}: {r}", template, path.display()))
}

/// The event of one of `template`'s samples (default: the first), and the sample's path.
pub fn sample_event(
    pipeline: &Pipeline,
    template: &str,
    sample: Option<&str>,
) -> anyhow::Result<(crate::event::Event, std::path::PathBuf)> {
    let info = pipeline.renderer().template(template)?;
    let path = match sample {
        Some(name) => info
            .samples
            .iter()
            .find(|p| {
                p.file_stem().is_some_and(|s| s == name) || p.file_name().is_some_and(|s| s == name)
            })
            .ok_or_else(|| {
                anyhow!(
                    "template `{template}` has no sample `{name}` (samples: {})",
                    sample_names(&info.samples)
                )
            })?,
        None => info.samples.first().ok_or_else(|| {
            anyhow!(
                "template `{template}` has no samples; add one under {}",
                info.dir.join("samples").display()
            )
        })?,
    };
    let body = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let event = crate::event::parse(body.trim_ascii(), pipeline.parse_options())
        .with_context(|| format!("sample {} is not a valid event", path.display()))?;
    Ok((event, path.clone()))
}

fn sample_names(samples: &[std::path::PathBuf]) -> String {
    samples
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The loaded template set named `name`.
pub fn resolve_set(pipeline: &Pipeline, name: &str) -> anyhow::Result<usize> {
    pipeline.renderer().set_index(name).ok_or_else(|| {
        let sets: Vec<&str> = pipeline
            .renderer()
            .sets()
            .iter()
            .map(|s| s.name())
            .collect();
        anyhow!(
            "no template set `{}` (sets: {})",
            crate::text::clip(name, 80),
            if sets.is_empty() {
                "none".to_owned()
            } else {
                sets.join(", ")
            }
        )
    })
}

/// The shipped locale for a `--locale` value, negotiated like a user's `lang`, or a
/// pseudo-locale named exactly (`en-XA`, `ar-XB`).
pub fn resolve_locale(pipeline: &Pipeline, raw: &str) -> anyhow::Result<usize> {
    let shipped = || {
        let tags = |pseudo: bool| {
            pipeline
                .catalog()
                .locales()
                .iter()
                .filter(|l| l.pseudo == pseudo)
                .map(|l| l.tag.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!("{}; pseudo-locales: {}", tags(false), tags(true))
    };
    // A pseudo-locale is chosen by its exact tag only: negotiation never serves one.
    if let Some(index) = pipeline
        .catalog()
        .index_of(raw)
        .filter(|i| pipeline.catalog().locale(*i).pseudo)
    {
        return Ok(index);
    }
    let tag = normalize(raw).ok_or_else(|| anyhow!("`{raw}` is not a language tag"))?;
    pipeline
        .negotiator()
        .negotiate(&tag)
        .ok_or_else(|| anyhow!("no shipped locale serves `{raw}` (shipped: {})", shipped()))
}

#[derive(Serialize)]
struct JsonPreview<'a> {
    event_id: &'a str,
    template: &'a str,
    /// The template set used, `null` for the defaults.
    template_set: Option<&'a str>,
    subject: &'a str,
    html: &'a str,
    text: &'a str,
    locale: &'a str,
    dir: &'a str,
    lang_source: &'a str,
    headers: Headers,
    size_bytes: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Headers {
    pub from: String,
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub content_language: String,
    pub date: String,
}

/// The headers of interest, as the recipient's client shows them.
pub fn headers(p: &Prepared) -> Headers {
    let h = p.message.headers();
    let get = |name: &str| h.get_raw(name).unwrap_or_default().to_owned();
    Headers {
        from: h
            .get::<header::From>()
            .map(|f| Mailboxes::from(f).to_string())
            .unwrap_or_default(),
        to: h
            .get::<header::To>()
            .map(|t| Mailboxes::from(t).to_string())
            .unwrap_or_default(),
        subject: p.rendered.subject.clone(),
        message_id: get("Message-ID"),
        content_language: get("Content-Language"),
        date: get("Date"),
    }
}

/// The bytes `preview` prints for `p` in `format`.
pub fn format(p: &Prepared, format: PreviewFormat) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        PreviewFormat::Eml => p.message.formatted(),
        PreviewFormat::Html => p.rendered.html.clone().into_bytes(),
        PreviewFormat::Text => {
            let h = headers(p);
            let mut s = String::new();
            s.push_str(&format!("From: {}\n", h.from));
            s.push_str(&format!("To: {}\n", h.to));
            s.push_str(&format!("Subject: {}\n", h.subject));
            s.push_str(&format!("Message-ID: {}\n", h.message_id));
            s.push_str(&format!("Content-Language: {}\n", h.content_language));
            let set = p
                .template_set
                .as_ref()
                .map_or(String::new(), |s| format!(", template set {s}"));
            s.push_str(&format!(
                "X-Preview: template {}{set}, locale {} ({}), from {}\n\n",
                p.template, p.rendered.locale, p.rendered.dir, p.lang_source
            ));
            s.push_str(&p.rendered.text);
            s.into_bytes()
        }
        PreviewFormat::Json => {
            let mut v = serde_json::to_vec_pretty(&JsonPreview {
                event_id: &p.event_id,
                template: &p.template,
                template_set: p.template_set.as_deref(),
                subject: &p.rendered.subject,
                html: &p.rendered.html,
                text: &p.rendered.text,
                locale: &p.rendered.locale,
                dir: p.rendered.dir,
                lang_source: p.lang_source.as_str(),
                headers: headers(p),
                size_bytes: p.message.formatted().len(),
            })?;
            v.push(b'\n');
            v
        }
    })
}
