//! Checks of the worker's keys against what RabbitMQ, lapin and an SMTP server would refuse or
//! misread: the AMQP URL's query, queue names, retry delays, the EHLO name. A value they would
//! trip over stops start-up with the key's name instead of failing later, or worse, being
//! misread.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use crate::text::clip;

use super::{ConfigError, SecretUrl, bad, parse};

/// RabbitMQ's largest per-queue message TTL (`x-message-ttl`), in milliseconds.
const MAX_TTL_MS: u128 = u32::MAX as u128;

/// AMQP short strings, queue names among them, are at most this many bytes.
const MAX_NAME_BYTES: usize = 255;

/// The query parameters lapin reads from an AMQP URL (amq-protocol-uri), with the values it
/// can use. lapin takes the first of repeated parameters and ignores unknown ones, so both are
/// refused here.
const AMQP_PARAMETERS: &[(&str, &str)] = &[
    (
        "auth_mechanism",
        "one of amqplain, anonymous, external, plain, rabbit-cr-demo",
    ),
    ("channel_max", "a number from 0 to 65535"),
    (
        "connection_timeout",
        "a number of milliseconds from 1 to 18446744073709551615",
    ),
    ("frame_max", "0 or a number from 4096 to 4294967295"),
    ("heartbeat", "a number of seconds from 0 to 65535"),
];

fn amqp_parameter_ok(name: &str, v: &str) -> bool {
    match name {
        "auth_mechanism" => [
            "amqplain",
            "anonymous",
            "external",
            "plain",
            "rabbit-cr-demo",
        ]
        .contains(&v.to_ascii_lowercase().as_str()),
        "channel_max" | "heartbeat" => v.parse::<u16>().is_ok(),
        // Zero would make the TCP connect fail at once.
        "connection_timeout" => v.parse::<u64>().is_ok_and(|n| n > 0),
        // RabbitMQ closes a connection that proposes frames under 4096 bytes; 0 takes its own.
        "frame_max" => v.parse::<u32>().is_ok_and(|n| n == 0 || n >= 4096),
        _ => false,
    }
}

pub(super) fn amqp_url(key: &str, v: &str) -> Result<SecretUrl, ConfigError> {
    let secret = parse::url(key, v, &["amqp", "amqps"])?;
    let u = url::Url::parse(secret.expose()).expect("parse::url parsed it");
    let mut seen: Vec<String> = Vec::new();
    for (name, value) in u.query_pairs() {
        let Some((_, wanted)) = AMQP_PARAMETERS.iter().find(|(n, _)| *n == name) else {
            let known: Vec<&str> = AMQP_PARAMETERS.iter().map(|(n, _)| *n).collect();
            return Err(bad(
                key,
                format!(
                    "unknown query parameter `{}` (known: {})",
                    clip(&name, 40),
                    known.join(", ")
                ),
            ));
        };
        if seen.iter().any(|s| *s == name) {
            return Err(bad(
                key,
                format!("the query parameter `{name}` is given twice"),
            ));
        }
        if !amqp_parameter_ok(&name, &value) {
            return Err(bad(
                key,
                format!("`{name}={}` is not {wanted}", clip(&value, 40)),
            ));
        }
        seen.push(name.into_owned());
    }
    Ok(secret)
}

pub(super) fn queue(key: &str, v: &str) -> Result<String, ConfigError> {
    if v.is_empty() || v.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad(
            key,
            format!(
                "`{}` is not a usable queue name (not empty, no spaces or control characters)",
                clip(v, 80)
            ),
        ));
    }
    if v.starts_with("amq.") {
        return Err(bad(
            key,
            format!(
                "`{}` starts with `amq.`, which RabbitMQ reserves for its own queues",
                clip(v, 80)
            ),
        ));
    }
    if v.len() > MAX_NAME_BYTES {
        return Err(bad(
            key,
            format!(
                "`{}` is {} bytes; a queue name is at most {MAX_NAME_BYTES}",
                clip(v, 80),
                v.len()
            ),
        ));
    }
    Ok(v.to_owned())
}

/// The retry queue of `delay`: `<queue>.retry.<delay>` (`10s`, `1m`, `1h30m`). The one
/// definition: `amqp::Topology` names its queues with it, and start-up checks their lengths.
pub fn retry_queue_name(queue: &str, delay: Duration) -> String {
    let delay = humantime::format_duration(delay)
        .to_string()
        .replace(' ', "");
    format!("{queue}.retry.{delay}")
}

/// `<queue>.dlq` and every `<queue>.retry.<delay>` must be AMQP short strings too.
pub(super) fn check_queue_names(
    key: &str,
    queue: &str,
    delays: &[Duration],
) -> Result<(), ConfigError> {
    let names = std::iter::once(format!("{queue}.dlq"))
        .chain(delays.iter().map(|d| retry_queue_name(queue, *d)));
    for name in names {
        if name.len() > MAX_NAME_BYTES {
            return Err(bad(
                key,
                format!(
                    "`{}` is too long: its companion queue `<queue>{}` would be {} bytes; a queue name is at most {MAX_NAME_BYTES}",
                    clip(queue, 60),
                    &name[queue.len()..],
                    name.len()
                ),
            ));
        }
    }
    Ok(())
}

/// Retry tiers: each a whole number of milliseconds (the TTL's unit) within RabbitMQ's TTL
/// range, each longer than the one before: a backoff that shrinks or repeats is a typo (and
/// two equal tiers would share one retry queue under one name).
pub(super) fn delays(key: &str, v: &str) -> Result<Vec<Duration>, ConfigError> {
    let v = v.trim();
    if v.is_empty() || v == "none" {
        return Ok(Vec::new());
    }
    let mut tiers: Vec<(Duration, &str)> = Vec::new();
    for raw in v.split(',') {
        let d = parse::duration(key, raw)?;
        let raw = raw.trim();
        if d.subsec_nanos() % 1_000_000 != 0 {
            return Err(bad(
                key,
                format!("`{raw}` is not a whole number of milliseconds (the unit of a queue TTL)"),
            ));
        }
        if d.as_millis() > MAX_TTL_MS {
            return Err(bad(
                key,
                format!(
                    "`{raw}` is longer than RabbitMQ's longest queue TTL ({MAX_TTL_MS}ms, about 49.7 days)"
                ),
            ));
        }
        if let Some((last, last_raw)) = tiers.last()
            && d <= *last
        {
            let what = if d == *last {
                "the same as"
            } else {
                "shorter than"
            };
            return Err(bad(
                key,
                format!(
                    "`{raw}` is {what} `{last_raw}` before it; each delay must be longer than the one before"
                ),
            ));
        }
        tiers.push((d, raw));
    }
    Ok(tiers.into_iter().map(|(d, _)| d).collect())
}

/// An EHLO name (RFC 5321 §4.1.1.1): a domain, or an address literal like `[192.0.2.1]` or
/// `[IPv6:2001:db8::1]`. It is written into the SMTP dialogue as is, so a CR/LF would start a
/// command of its own.
pub(super) fn hello_name(key: &str, v: &str) -> Result<String, ConfigError> {
    let example = "a domain like `mail.example.com` or an address literal like `[192.0.2.1]`";
    if v.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad(
            key,
            format!(
                "`{}` contains whitespace or control characters; the EHLO name is {example}",
                clip(v, 80)
            ),
        ));
    }
    if is_domain(v) || is_address_literal(v) {
        return Ok(v.to_owned());
    }
    Err(bad(
        key,
        format!("`{}` is not an EHLO name: use {example}", clip(v, 80)),
    ))
}

/// Letters, digits and inner hyphens, in dot-separated labels of 1 to 63 bytes.
fn is_domain(v: &str) -> bool {
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    (1..=253).contains(&v.len()) && v.split('.').all(label_ok)
}

fn is_address_literal(v: &str) -> bool {
    let Some(inner) = v.strip_prefix('[').and_then(|s| s.strip_suffix(']')) else {
        return false;
    };
    match inner.get(..5) {
        Some(tag) if tag.eq_ignore_ascii_case("ipv6:") => inner[5..].parse::<Ipv6Addr>().is_ok(),
        _ => inner.parse::<Ipv4Addr>().is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err<T: std::fmt::Debug>(r: Result<T, ConfigError>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn the_amqp_query_takes_only_what_lapin_reads_correctly() {
        let k = "MAILROOM_AMQP_URL";
        amqp_url(
            k,
            "amqp://u:p@h/%2f?heartbeat=10&frame_max=131072&channel_max=0&connection_timeout=5000&auth_mechanism=PLAIN",
        )
        .unwrap();
        amqp_url(k, "amqps://h/%2f?frame_max=0").unwrap();
        let cases = [
            (
                "frame_max=abc",
                "`frame_max=abc` is not 0 or a number from 4096",
            ),
            (
                "frame_max=1024",
                "`frame_max=1024` is not 0 or a number from 4096",
            ),
            (
                "heartbeat=-1",
                "`heartbeat=-1` is not a number of seconds from 0 to 65535",
            ),
            (
                "heartbeat=70000",
                "`heartbeat=70000` is not a number of seconds",
            ),
            (
                "channel_max=x",
                "`channel_max=x` is not a number from 0 to 65535",
            ),
            (
                "connection_timeout=0",
                "`connection_timeout=0` is not a number of milliseconds",
            ),
            (
                "connection_timeout=5s",
                "`connection_timeout=5s` is not a number of milliseconds",
            ),
            (
                "auth_mechanism=kerberos",
                "`auth_mechanism=kerberos` is not one of amqplain",
            ),
            (
                "heartbeat=10&heartbeat=20",
                "the query parameter `heartbeat` is given twice",
            ),
            (
                "heartbaet=10",
                "unknown query parameter `heartbaet` (known: auth_mechanism,",
            ),
        ];
        for (query, want) in cases {
            let e = err(amqp_url(k, &format!("amqp://u:hunter2@h/%2f?{query}")));
            assert!(e.starts_with(&format!("{k}: {want}")), "{query}: {e}");
            assert!(!e.contains("hunter2"), "{e}");
        }
    }

    #[test]
    fn queue_names_rabbitmq_refuses_are_errors() {
        let k = "MAILROOM_QUEUE";
        assert_eq!(queue(k, "mail.events").unwrap(), "mail.events");
        assert_eq!(
            err(queue(k, "amq.events")),
            "MAILROOM_QUEUE: `amq.events` starts with `amq.`, which RabbitMQ reserves for its own queues"
        );
        let long = "q".repeat(256);
        assert!(err(queue(k, &long)).ends_with("is 256 bytes; a queue name is at most 255"));
        assert!(
            err(queue(k, "a b")).starts_with("MAILROOM_QUEUE: `a b` is not a usable queue name")
        );
        // 246 bytes fit, and so does `.retry.1s` after them, but not `.retry.10m`.
        let q = "q".repeat(246);
        queue(k, &q).unwrap();
        check_queue_names(k, &q, &[Duration::from_secs(1)]).unwrap();
        let e = err(check_queue_names(k, &q, &[Duration::from_secs(600)]));
        assert!(e.starts_with("MAILROOM_QUEUE: `qqq"), "{e}");
        assert!(
            e.ends_with("`<queue>.retry.10m` would be 256 bytes; a queue name is at most 255"),
            "{e}"
        );
        let e = err(check_queue_names(k, &"q".repeat(252), &[]));
        assert!(e.contains("`<queue>.dlq` would be 256 bytes"), "{e}");
    }

    #[test]
    fn retry_delays_must_increase_and_must_fit_a_queue_ttl() {
        let k = "MAILROOM_RETRY_DELAYS";
        assert!(delays(k, "none").unwrap().is_empty());
        assert_eq!(delays(k, "1s,1500ms").unwrap().len(), 2);
        assert!(err(delays(k, "1s,1s")).contains("`1s` is the same as `1s` before it"));
        delays(k, "49days 17h 2m 47s 295ms").unwrap();
        assert!(err(delays(k, "49days 17h 2m 47s 296ms")).contains("longest queue TTL"));
        let cases = [
            (
                "10s,1m,30s",
                "`30s` is shorter than `1m` before it; each delay must be longer than the one before",
            ),
            (
                "1m,2m,59s",
                "`59s` is shorter than `2m` before it; each delay must be longer than the one before",
            ),
            ("10s,0s", "`0s` must be longer than zero"),
            (
                "1s,50days",
                "`50days` is longer than RabbitMQ's longest queue TTL (4294967295ms, about 49.7 days)",
            ),
            (
                "1s500us",
                "`1s500us` is not a whole number of milliseconds (the unit of a queue TTL)",
            ),
        ];
        for (v, want) in cases {
            assert_eq!(err(delays(k, v)), format!("{k}: {want}"), "{v}");
        }
    }

    #[test]
    fn an_ehlo_name_is_a_domain_or_an_address_literal() {
        let k = "MAILROOM_HELLO_NAME";
        for good in [
            "mail.example.com",
            "localhost",
            "w-1.test",
            "[192.0.2.1]",
            "[IPv6:2001:db8::1]",
        ] {
            assert_eq!(hello_name(k, good).unwrap(), good);
        }
        assert_eq!(
            err(hello_name(k, "mail.test\r\nRSET")),
            "MAILROOM_HELLO_NAME: `mail.test\\r\\nRSET` contains whitespace or control characters; the EHLO name is a domain like `mail.example.com` or an address literal like `[192.0.2.1]`"
        );
        assert!(err(hello_name(k, "my host")).contains("contains whitespace"));
        for bad in [
            "",
            "-x.test",
            "x-.test",
            "a..b",
            "mail.test.",
            "under_score.test",
            "bücher.test",
            "[192.0.2.300]",
            "[2001:db8::1]",
            "[IPv6:nope]",
            &"a".repeat(64),
        ] {
            let e = err(hello_name(k, bad));
            assert!(e.starts_with("MAILROOM_HELLO_NAME: `"), "{bad}: {e}");
            assert!(e.contains("is not an EHLO name"), "{bad}: {e}");
        }
    }
}
