//! The Prometheus series, counted where things happen: deliveries in `observe::emit`, SMTP
//! sends in the handler, translation fallbacks where `t()` falls back. One process-wide
//! registry (a worker is one process); [`encode`] writes it for `/metrics`.
//!
//! Label values are bounded: templates and locales come from what is loaded, kinds and
//! language sources from fixed lists; no recipient, user id or event id is ever a label.

use std::sync::OnceLock;
use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TemplateLocale {
    template: String,
    locale: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TemplateOnly {
    template: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceLabel {
    source: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LocaleLabel {
    locale: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VersionLabel {
    version: String,
}

struct Metrics {
    registry: Registry,
    sent: Family<TemplateLocale, Counter>,
    dead_letters: Family<KindLabel, Counter>,
    retries: Family<TemplateOnly, Counter>,
    lang_source: Family<SourceLabel, Counter>,
    fallbacks: Family<LocaleLabel, Counter>,
    smtp_send: Histogram,
    in_flight: Gauge<i64, std::sync::atomic::AtomicI64>,
}

fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let mut registry = Registry::with_prefix("mailroom");
        let sent = Family::<TemplateLocale, Counter>::default();
        registry.register(
            "emails_sent",
            "Emails the SMTP server accepted",
            sent.clone(),
        );
        let dead_letters = Family::<KindLabel, Counter>::default();
        registry.register(
            "dead_letters",
            "Events moved to the dead-letter queue, by kind",
            dead_letters.clone(),
        );
        let retries = Family::<TemplateOnly, Counter>::default();
        registry.register(
            "retries",
            "Deliveries republished to a retry tier",
            retries.clone(),
        );
        let lang_source = Family::<SourceLabel, Counter>::default();
        registry.register(
            "lang_source",
            "Sent emails by the negotiation step that chose their language",
            lang_source.clone(),
        );
        let fallbacks = Family::<LocaleLabel, Counter>::default();
        registry.register(
            "translation_fallbacks",
            "Messages taken from the source locale because the email's locale lacks them",
            fallbacks.clone(),
        );
        // 1 ms to about 32 s.
        let smtp_send = Histogram::new(exponential_buckets(0.001, 2.0, 16));
        registry.register(
            "smtp_send_seconds",
            "One SMTP send, from taking a connection to the server's answer",
            smtp_send.clone(),
        );
        let in_flight = Gauge::<i64, std::sync::atomic::AtomicI64>::default();
        registry.register(
            "deliveries_in_flight",
            "Deliveries being prepared or sent now",
            in_flight.clone(),
        );
        let build = Family::<VersionLabel, Gauge<u64, AtomicU64>>::default();
        build
            .get_or_create(&VersionLabel {
                version: env!("CARGO_PKG_VERSION").to_owned(),
            })
            .set(1);
        registry.register("build_info", "The running build (always 1)", build);
        Metrics {
            registry,
            sent,
            dead_letters,
            retries,
            lang_source,
            fallbacks,
            smtp_send,
            in_flight,
        }
    })
}

/// The registry in the OpenMetrics text format (which Prometheus reads).
pub fn encode() -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = prometheus_client::encoding::text::encode(&mut out, &metrics().registry);
    out
}

/// The content type of [`encode`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

pub fn email_sent(template: &str, locale: &str, lang_source: &str) {
    let m = metrics();
    m.sent
        .get_or_create(&TemplateLocale {
            template: template.to_owned(),
            locale: locale.to_owned(),
        })
        .inc();
    m.lang_source
        .get_or_create(&SourceLabel {
            source: lang_source.to_owned(),
        })
        .inc();
}

pub fn dead_letter(kind: &str) {
    metrics()
        .dead_letters
        .get_or_create(&KindLabel {
            kind: kind.to_owned(),
        })
        .inc();
}

pub fn retry(template: &str) {
    metrics()
        .retries
        .get_or_create(&TemplateOnly {
            template: template.to_owned(),
        })
        .inc();
}

pub fn translation_fallback(locale: &str) {
    metrics()
        .fallbacks
        .get_or_create(&LocaleLabel {
            locale: locale.to_owned(),
        })
        .inc();
}

pub fn smtp_send(seconds: f64) {
    metrics().smtp_send.observe(seconds);
}

/// Counts a delivery in flight until the returned guard is dropped.
pub fn in_flight() -> InFlight {
    metrics().in_flight.inc();
    InFlight
}

pub struct InFlight;

impl Drop for InFlight {
    fn drop(&mut self) {
        metrics().in_flight.dec();
    }
}
