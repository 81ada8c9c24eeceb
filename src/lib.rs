//! mailroom turns user lifecycle events into localized, branded transactional emails.
//!
//! # Layout
//!
//! The core is pure (no I/O after start-up): [`event`] → [`pipeline`] (routing) →
//! [`brand`] → [`locale`] → [`render`] (Tera + [`i18n`], CSS inlined at load) → [`compose`]. Adapters sit at the
//! edges: [`outbox`] (files, for the embedded mode), [`amqp`] (RabbitMQ), [`mailer`] (SMTP)
//! and [`store`] (sent event ids); [`directory`] loads the profiles thin events only reference
//! (files or an Auth0 Management API); [`worker`] settles each delivery; commands live in [`cmd`].
//!
//! - [`cache`]: the key encoding and direct-mapped table of the hot-path caches.
//! - [`check`]: the checks of `mailroom check` and of a reload.
//! - [`cli`]: command-line definitions.
//! - [`config`]: settings from defaults, the TOML file and `MAILROOM_*` variables.
//! - [`diagnostic`]: problems found while loading, with file and line.
//! - [`fsread`]: reading the start-up folders, each failure a diagnostic naming the path.
//! - [`ingest`]: what `serve` accepts over HTTP (Auth0 and Supabase hooks, tokens, signatures), as v1 events.
//! - [`intake`]: bytes or an event in, an email or the reason out; every way in calls it.
//! - [`input`]: bounded reading of event lines and files.
//! - [`kind`]: the dead-letter kinds, listed once.
//! - [`observe`]: what happened to each event, as typed values; the one place that logs them.
//! - [`reload`]: the template set in service, and its validate-then-swap reload.
//! - [`preview`]: how a prepared email is shown without sending it (`preview`, the gallery).
//! - [`serve`]: the HTTP edge of `mailroom serve` (routes, body limits, the accept loop, the publisher).
//! - [`runtime`]: the one builder of the commands' tokio runtimes.
//! - [`watch`]: one call per burst of changes under the templates and locales folders.
//! - [`trace`]: W3C `traceparent`, whose trace id goes on a delivery's log lines.
//! - [`unwind`]: a panic while one event is handled stays that event's failure.

pub mod amqp;
pub mod brand;
pub mod cache;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod compose;
pub mod config;
pub mod diagnostic;
pub mod directory;
pub mod dkim;
pub mod event;
pub mod fsread;
pub mod gallery;
pub mod health;
pub mod i18n;
pub mod inert;
pub mod ingest;
pub mod input;
pub mod intake;
pub mod kind;
pub mod locale;
pub mod mailer;
pub mod metrics;
pub mod observe;
pub mod outbox;
pub mod pipeline;
pub mod preview;
pub mod reload;
pub mod render;
pub mod runtime;
pub mod serve;
pub mod store;
pub mod text;
pub mod trace;
pub mod unwind;
pub mod watch;
pub mod worker;
pub mod zone;
