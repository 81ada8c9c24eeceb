//! Templates and translations reloaded while the worker runs (on a change under their folders,
//! and on SIGHUP), validate-then-swap.
//!
//! [`Live`] holds the set in service. A reload loads the whole set again and checks it as
//! `mailroom check` does (every template × locale × sample rendered); a set with an error is
//! refused and the running one stays, with every problem logged (file and line) and
//! `mailroom_reloads_total{result="error"}` counted. A good set replaces the old in one atomic
//! swap: each delivery takes the set once ([`Live::current`]) and renders from it alone, so
//! no email is rendered from a half-loaded or mixed set, and emails already being prepared
//! finish with the set they started with.
//!
//! A reload may also not take away what the running set serves: a template, a locale, or a
//! translated message of a locale (which would fall back to the source language). Such edits
//! are what a half-finished `git pull`, a folder renamed by mistake or a deleted `.ftl` file
//! look like; they are refused with what is gone, and a restart applies them on purpose.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::pipeline::Pipeline;

/// The template set in service, and how to load the next one.
pub struct Live {
    current: ArcSwap<Pipeline>,
    settings: Settings,
    /// One reload at a time: the watcher and SIGHUP may ask together.
    reloading: Mutex<()>,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live").finish_non_exhaustive()
    }
}

/// What a reload did.
#[derive(Debug)]
pub enum Reloaded {
    /// The new set is in service.
    Replaced {
        templates: usize,
        locales: usize,
        warnings: Vec<Diagnostic>,
        took: Duration,
    },
    /// The running set stays; these are the new set's errors.
    Refused { errors: Vec<Diagnostic> },
}

impl Live {
    /// Puts `pipeline` in service; reloads use its settings (only the files are read again).
    pub fn new(pipeline: Pipeline) -> Arc<Live> {
        Arc::new(Live {
            settings: pipeline.settings().clone(),
            current: ArcSwap::from_pointee(pipeline),
            reloading: Mutex::new(()),
        })
    }

    /// The set in service now. A delivery takes it once and keeps it to the end.
    pub fn current(&self) -> Arc<Pipeline> {
        self.current.load_full()
    }

    /// Loads, checks and (when clean) swaps in the set on disk; logs and counts the result.
    /// Blocking: the check renders every sample (call it off the async threads).
    pub fn reload(&self) -> Reloaded {
        let _one = self.reloading.lock().unwrap_or_else(|e| e.into_inner());
        let started = Instant::now();
        let (next, report) = crate::check::check_keeping(self.settings.clone());
        let (mut errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = report
            .diagnostics
            .into_iter()
            .partition(Diagnostic::is_error);
        if let Some(next) = &next {
            errors.extend(losses(&self.current(), next));
        }
        let outcome = match next {
            Some(next) if errors.is_empty() => {
                let templates = next.renderer().templates().len();
                let locales = next.catalog().locales().len();
                self.current.store(Arc::new(next));
                Reloaded::Replaced {
                    templates,
                    locales,
                    warnings,
                    took: started.elapsed(),
                }
            }
            _ => {
                if errors.is_empty() {
                    errors.push(Diagnostic::error(
                        None,
                        None,
                        "templates or catalogs could not be loaded".to_owned(),
                    ));
                }
                Reloaded::Refused { errors }
            }
        };
        report_outcome(&outcome);
        outcome
    }
}

fn report_outcome(outcome: &Reloaded) {
    match outcome {
        Reloaded::Replaced {
            templates,
            locales,
            warnings,
            took,
        } => {
            crate::diagnostic::log_warnings(warnings);
            crate::metrics::reload(true);
            tracing::info!(
                templates,
                locales,
                took_ms = took.as_millis() as u64,
                "templates and translations reloaded"
            );
        }
        Reloaded::Refused { errors } => {
            for e in errors {
                tracing::error!("reload refused: {}", e.located());
            }
            crate::metrics::reload(false);
            tracing::warn!(
                errors = errors.len(),
                "reload refused: still sending from the last good templates and translations"
            );
        }
    }
}

/// What the running set serves that `next` would not: each is an error naming where it was.
pub fn losses(running: &Pipeline, next: &Pipeline) -> Vec<Diagnostic> {
    let mut gone = Vec::new();
    let settings = running.settings();
    for (name, info) in running.renderer().templates() {
        if !next.renderer().templates().contains_key(name) {
            gone.push(Diagnostic::error(
                info.dir.clone(),
                None,
                format!(
                    "template `{name}` is gone; the running worker sends it, so the reload \
                     is refused (restore it, or restart to remove it)"
                ),
            ));
        }
    }
    let (old, new) = (running.catalog(), next.catalog());
    for locale in old.locales() {
        let Some(index) = new.index_of(&locale.tag) else {
            gone.push(Diagnostic::error(
                settings.locales_dir.join(&locale.tag),
                None,
                format!(
                    "locale `{}` is gone (its folder was renamed or removed?); its readers \
                     would get another language, so the reload is refused (restore it, or \
                     restart to remove it)",
                    locale.tag
                ),
            ));
            continue;
        };
        let now = new.locale(index);
        if now.tag == new.source().tag {
            continue;
        }
        for file in &locale.files {
            for id in file.messages.keys() {
                if !now.has_message(id) && new.source().has_message(id) {
                    gone.push(Diagnostic::error(
                        file.path.clone(),
                        None,
                        format!(
                            "`{}` no longer has message `{id}`, which the running worker \
                             translates; it would fall back to `{}`, so the reload is refused \
                             (restore it, or restart to accept the fallback)",
                            locale.tag,
                            new.source().tag
                        ),
                    ));
                }
            }
        }
    }
    gone
}
