//! One home for observability: every thing that happens to an event is a typed value here,
//! and [`emit`] is the one place that turns it into a log line (and, next, a metric).
//!
//! Callers say *what happened* ([`Observed`]); they never format log lines of their own for
//! deliveries. This keeps field names the same in every mode (the worker and the embedded
//! mode log `event_id`, `template`, `locale`, `lang_source` alike), and gives metrics a single
//! place to plug in. It imports no adapter: the worker maps its outcome and broker action to a
//! [`Fate`] before emitting.
//!
//! Recipient addresses and rendered bodies never appear in an event here.

use std::path::Path;
use std::time::Duration;

use crate::kind::DeadKind;
use crate::locale::LangSource;
use crate::pipeline::{Prepared, Rejection};
use crate::text::logged;

/// What the logs say about a handled event, as far as it got.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub event_id: Option<String>,
    pub event_type: Option<String>,
    pub template: Option<String>,
    pub locale: Option<String>,
    pub lang_source: Option<LangSource>,
    /// The template set the email was rendered with (a loaded set's name), `None` for the
    /// defaults.
    pub template_set: Option<String>,
}

impl Meta {
    /// Everything known about a prepared email.
    pub fn of(prepared: &Prepared) -> Meta {
        Meta {
            event_id: Some(prepared.event_id.clone()),
            event_type: Some(prepared.event_type.clone()),
            template: Some(prepared.template.clone()),
            locale: Some(prepared.rendered.locale.clone()),
            lang_source: Some(prepared.lang_source),
            template_set: prepared.template_set.clone(),
        }
    }

    /// Only the event id (an event rejected before it was routed).
    pub fn id(event_id: Option<&str>) -> Meta {
        Meta {
            event_id: event_id.map(str::to_owned),
            ..Meta::default()
        }
    }
}

/// What became of one broker delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate<'a> {
    /// The SMTP server accepted the email.
    Sent,
    /// The id was sent before: acked without sending.
    Duplicate,
    /// Republished to a retry tier (`to`), or dead-lettered when `kind` is set.
    Republished {
        to: &'a str,
        kind: Option<DeadKind>,
        reason: &'a str,
    },
    /// Another delivery of the id is being sent, and there is no retry tier to wait in.
    Requeued,
    /// Acked for another reason.
    Settled,
}

/// One thing that happened.
#[derive(Debug)]
pub enum Observed<'a> {
    /// The worker settled a delivery (`attempt` counts this one).
    Delivery {
        meta: &'a Meta,
        fate: Fate<'a>,
        attempt: u32,
        took: Duration,
        acked: bool,
    },
    /// Values of a prepared email that were unusable and replaced (`line` in the embedded mode).
    Notes {
        event_id: &'a str,
        line: Option<usize>,
        notes: &'a [String],
    },
    /// The directory refuses mailroom's credentials: a person must act.
    DirectoryRefused { event_id: &'a str, error: &'a str },
    /// The embedded mode wrote an email to the outbox.
    Written {
        line: usize,
        prepared: &'a Prepared,
        file: &'a Path,
    },
    /// The embedded mode skipped a line whose event id an earlier line wrote.
    DuplicateLine {
        line: usize,
        first: usize,
        event_id: &'a str,
    },
    /// The embedded mode refused a line (appended to `rejected.jsonl`).
    RejectedLine {
        line: usize,
        rejection: &'a Rejection,
    },
}

/// Writes the log line of `event`.
pub fn emit(event: Observed<'_>) {
    match event {
        Observed::Delivery {
            meta,
            fate,
            attempt,
            took,
            acked,
        } => delivery(meta, fate, attempt, took, acked),
        Observed::Notes {
            event_id,
            line,
            notes,
        } => {
            let event_id = logged(event_id);
            for note in notes {
                let note = logged(note);
                match line {
                    Some(line) => tracing::warn!(line, event_id = %event_id, "{note}"),
                    None => tracing::warn!(event_id = %event_id, "{note}"),
                }
            }
        }
        Observed::DirectoryRefused { event_id, error } => {
            tracing::error!(event_id = %logged(event_id), "{}", logged(error));
        }
        Observed::Written {
            line,
            prepared,
            file,
        } => tracing::info!(
            line,
            event_id = %logged(&prepared.event_id),
            event_type = %logged(&prepared.event_type),
            template = %prepared.template,
            locale = %prepared.rendered.locale,
            lang_source = %prepared.lang_source,
            template_set = %prepared.template_set.as_deref().unwrap_or("-"),
            file = %file.display(),
            "written"
        ),
        Observed::DuplicateLine {
            line,
            first,
            event_id,
        } => tracing::warn!(
            line,
            event_id = %logged(event_id),
            "already written by line {first}; skipped"
        ),
        Observed::RejectedLine { line, rejection } => tracing::warn!(
            line,
            kind = %rejection.kind,
            event_id = %logged(rejection.event_id.as_deref().unwrap_or("-")),
            "rejected: {}",
            logged(&rejection.reason)
        ),
    }
}

fn delivery(meta: &Meta, fate: Fate<'_>, attempt: u32, took: Duration, acked: bool) {
    // From the event: escaped and clipped, so they can neither forge a line nor flood one.
    let event_id = logged(meta.event_id.as_deref().unwrap_or("-"));
    let event_type = logged(meta.event_type.as_deref().unwrap_or("-"));
    let template = meta.template.as_deref().unwrap_or("-");
    let locale = meta.locale.as_deref().unwrap_or("-");
    let lang_source = meta.lang_source.map_or("-", LangSource::as_str);
    // A loaded set's name (checked at load), or `-` for the default templates.
    let template_set = meta.template_set.as_deref().unwrap_or("-");
    let ms = took.as_millis() as u64;
    // The series (labels from what is loaded, never from the event: see `metrics`).
    match fate {
        Fate::Sent => crate::metrics::email_sent(
            meta.template.as_deref().unwrap_or("-"),
            meta.locale.as_deref().unwrap_or("-"),
            meta.lang_source.map_or("-", LangSource::as_str),
        ),
        Fate::Republished {
            kind: Some(kind), ..
        } => crate::metrics::dead_letter(kind.as_str()),
        Fate::Republished { kind: None, .. } => {
            crate::metrics::retry(meta.template.as_deref().unwrap_or("-"));
        }
        Fate::Duplicate | Fate::Requeued | Fate::Settled => {}
    }
    match fate {
        Fate::Sent => tracing::info!(
            event_id = %event_id,
            event_type = %event_type,
            template = %template,
            locale = %locale,
            lang_source = %lang_source,
            template_set = %template_set,
            attempt,
            ms,
            acked,
            "sent"
        ),
        Fate::Duplicate => tracing::info!(
            event_id = %event_id,
            event_type = %event_type,
            template = %template,
            attempt,
            ms,
            acked,
            "already sent; skipped"
        ),
        Fate::Republished { to, reason, .. } => tracing::warn!(
            event_id = %event_id,
            event_type = %event_type,
            template = %template,
            locale = %locale,
            attempt,
            ms,
            acked,
            to = %to,
            "{}",
            logged(reason)
        ),
        Fate::Requeued => tracing::info!(
            event_id = %event_id,
            attempt,
            ms,
            "another delivery of this event is being sent; requeued"
        ),
        Fate::Settled => tracing::info!(event_id = %event_id, attempt, ms, acked, "settled"),
    }
}
