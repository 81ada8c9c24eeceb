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
struct ResultLabel {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LookupLabel {
    /// `user` or `client`.
    profile: &'static str,
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OpLabel {
    op: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct IngestLabel {
    /// `events`, `auth0` or `supabase`.
    endpoint: &'static str,
    /// The HTTP status answered.
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    /// `unknown` (no such set loaded) or `invalid` (not a set name, not a string).
    reason: &'static str,
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
    set_fallbacks: Family<ReasonLabel, Counter>,
    smtp_send: Histogram,
    in_flight: Gauge<i64, std::sync::atomic::AtomicI64>,
    smtp_connections: Gauge<i64, std::sync::atomic::AtomicI64>,
    ready: Gauge<i64, std::sync::atomic::AtomicI64>,
    reloads: Family<ResultLabel, Counter>,
    lookups: Family<LookupLabel, Counter>,
    lookup_seconds: Histogram,
    store_seconds: Family<OpLabel, Histogram>,
    ingest: Family<IngestLabel, Counter>,
    ingest_seconds: Histogram,
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
        let set_fallbacks = Family::<ReasonLabel, Counter>::default();
        registry.register(
            "template_set_fallbacks",
            "Emails rendered with the default templates because client_metadata.template_set named no loaded set",
            set_fallbacks.clone(),
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
        let smtp_connections = Gauge::<i64, std::sync::atomic::AtomicI64>::default();
        registry.register(
            "smtp_connections",
            "SMTP connections open now (in use or idle in the pool)",
            smtp_connections.clone(),
        );
        let ready = Gauge::<i64, std::sync::atomic::AtomicI64>::default();
        registry.register(
            "ready",
            "1 while ready, as /readyz says (run: consuming; serve: the broker takes events); 0 otherwise",
            ready.clone(),
        );
        let reloads = Family::<ResultLabel, Counter>::default();
        // Both results exist from the start, so `increase()` sees the first refusal.
        for result in ["ok", "error"] {
            let _ = reloads.get_or_create(&ResultLabel { result });
        }
        registry.register(
            "reloads",
            "Reloads of templates and translations: ok (in service) or error (refused)",
            reloads.clone(),
        );
        let lookups = Family::<LookupLabel, Counter>::default();
        registry.register(
            "directory_lookups",
            "Profile lookups of thin events, by profile and result",
            lookups.clone(),
        );
        // 0.1 ms (a cached or file profile) to about 6.5 s (a slow API).
        let lookup_seconds = Histogram::new(exponential_buckets(0.0001, 2.0, 17));
        registry.register(
            "directory_lookup_seconds",
            "One profile lookup, cache hits included",
            lookup_seconds.clone(),
        );
        let store_seconds = Family::<OpLabel, Histogram>::new_with_constructor(
            store_histogram as fn() -> Histogram,
        );
        registry.register(
            "store_seconds",
            "One operation on the sent-id store (claim, mark_sent, release)",
            store_seconds.clone(),
        );
        let ingest = Family::<IngestLabel, Counter>::default();
        registry.register(
            "ingest_requests",
            "Requests to serve's ingest endpoints, by endpoint and the status answered",
            ingest.clone(),
        );
        // 0.05 ms to about 3.3 s: a confirm takes about a millisecond, 5 s is the cap.
        let ingest_seconds = Histogram::new(exponential_buckets(0.00005, 2.0, 17));
        registry.register(
            "ingest_seconds",
            "One ingest request, from its headers to the answer (confirm included)",
            ingest_seconds.clone(),
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
            set_fallbacks,
            smtp_send,
            in_flight,
            smtp_connections,
            ready,
            reloads,
            lookups,
            lookup_seconds,
            store_seconds,
            ingest,
            ingest_seconds,
        }
    })
}

/// 0.05 ms to about 1.6 s.
fn store_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.00005, 2.0, 16))
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

/// An email rendered with the defaults because its client's `template_set` is `reason`
/// (`unknown` or `invalid`).
pub fn template_set_fallback(reason: &'static str) {
    metrics()
        .set_fallbacks
        .get_or_create(&ReasonLabel { reason })
        .inc();
}

pub fn smtp_send(seconds: f64) {
    metrics().smtp_send.observe(seconds);
}

/// Counts a delivery in flight until the returned guard is dropped.
pub fn in_flight() -> Held {
    Held::on(&metrics().in_flight)
}

/// One unit of a gauge (a delivery in flight, an open SMTP connection), given back on drop.
pub struct Held(&'static Gauge<i64, std::sync::atomic::AtomicI64>);

impl Held {
    fn on(gauge: &'static Gauge<i64, std::sync::atomic::AtomicI64>) -> Held {
        gauge.inc();
        Held(gauge)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Whether the worker consumes now (`/readyz`).
pub fn ready(ready: bool) {
    metrics().ready.set(i64::from(ready));
}

/// Counts one reload: `ok` when the new set went into service, `error` when it was refused.
pub fn reload(ok: bool) {
    let result = if ok { "ok" } else { "error" };
    metrics()
        .reloads
        .get_or_create(&ResultLabel { result })
        .inc();
}

/// Counts one profile lookup (`profile`: `user` or `client`; `result`: `found`, `unusable`,
/// `missing`, `unavailable` or `refused`) and its time.
pub fn lookup(profile: &'static str, result: &'static str, seconds: f64) {
    let m = metrics();
    m.lookups
        .get_or_create(&LookupLabel { profile, result })
        .inc();
    m.lookup_seconds.observe(seconds);
}

/// Times one store operation (`claim`, `mark_sent`, `release`).
pub fn store_op(op: &'static str, seconds: f64) {
    metrics()
        .store_seconds
        .get_or_create(&OpLabel { op })
        .observe(seconds);
}

/// Counts one request to an ingest endpoint (`endpoint`: `events`, `auth0` or `supabase`)
/// with the status answered, and its time.
pub fn ingest(endpoint: &'static str, status: u16, seconds: f64) {
    let m = metrics();
    m.ingest
        .get_or_create(&IngestLabel { endpoint, status })
        .inc();
    m.ingest_seconds.observe(seconds);
}

/// Counts an SMTP connection open until the returned guard is dropped.
pub fn smtp_connection() -> Held {
    Held::on(&metrics().smtp_connections)
}

#[cfg(test)]
mod tests {
    #[test]
    fn lookups_store_operations_and_connections_are_series() {
        super::lookup("user", "found", 0.002);
        super::store_op("claim", 0.0001);
        let open = super::smtp_connection();
        let text = super::encode();
        assert!(
            text.contains("mailroom_directory_lookups_total{profile=\"user\",result=\"found\"}"),
            "{text}"
        );
        assert!(
            text.contains("mailroom_directory_lookup_seconds_count"),
            "{text}"
        );
        assert!(
            text.contains("mailroom_store_seconds_count{op=\"claim\"}"),
            "{text}"
        );
        assert!(
            text.contains("# TYPE mailroom_smtp_connections gauge"),
            "{text}"
        );
        drop(open);
    }
}
