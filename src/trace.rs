//! W3C Trace Context (`traceparent`): the trace id of the request that caused an event, kept
//! so every log line of the event's delivery can name it.
//!
//! Only the trace id is used: mailroom does not export spans, it lets logs be joined to the
//! trace of the service that published the event (`traceparent` as an AMQP header, or as the
//! HTTP request's header).

/// The name of the header, in AMQP and HTTP alike.
pub const TRACEPARENT: &str = "traceparent";

/// The trace id of a `traceparent` value (`00-<32 hex>-<16 hex>-<2 hex>`), or `None` when the
/// value is not one (so a malformed header is ignored rather than logged as if it were an id).
///
/// Follows the W3C rules: lowercase hex only; version `ff` and all-zero ids are invalid; a
/// later version may append fields after a `-`, and its first four fields are read as
/// version 00's.
pub fn trace_id(traceparent: &str) -> Option<&str> {
    let v = traceparent.trim_matches([' ', '\t']);
    let b = v.as_bytes();
    if b.len() < 55 || b[2] != b'-' || b[35] != b'-' || b[52] != b'-' {
        return None;
    }
    let version = &v[..2];
    if !hex(version) || version == "ff" {
        return None;
    }
    if (version == "00" && b.len() != 55) || (b.len() > 55 && b[55] != b'-') {
        return None;
    }
    let (trace, parent, flags) = (&v[3..35], &v[36..52], &v[53..55]);
    if !hex(trace) || !hex(parent) || !hex(flags) {
        return None;
    }
    if trace.bytes().all(|c| c == b'0') || parent.bytes().all(|c| c == b'0') {
        return None;
    }
    Some(trace)
}

fn hex(s: &str) -> bool {
    s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// The span a delivery's log lines are written in: it carries the trace id when the event
/// had one. At `ERROR` level so that no log filter that lets a line through drops its span.
pub fn span(trace_id: Option<&str>) -> tracing::Span {
    match trace_id {
        Some(id) => tracing::error_span!("delivery", trace_id = %id),
        None => tracing::Span::none(),
    }
}

#[cfg(test)]
mod tests {
    use super::trace_id;

    #[test]
    fn reads_the_trace_id_of_a_valid_traceparent() {
        let v = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assert_eq!(trace_id(v), Some("4bf92f3577b34da6a3ce929d0e0e4736"));
        // A later version may carry more fields.
        let v = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra";
        assert_eq!(trace_id(v), Some("4bf92f3577b34da6a3ce929d0e0e4736"));
    }

    #[test]
    fn refuses_what_is_not_a_traceparent() {
        for v in [
            "",
            "garbage",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
            "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
            "00-4bf92f3577b34da6a3ce929d0e0e4736\n-00f067aa0ba902b7-0",
            "0é-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ] {
            assert_eq!(trace_id(v), None, "{v:?}");
        }
    }
}
