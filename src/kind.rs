//! The dead-letter kinds, listed once: what `x-mailroom-error-kind` says, what
//! `rejected.jsonl` records as `kind`, and what the pipeline's rejections carry. The pipeline
//! only ever produces the first three; the worker adds the SMTP server's verdicts.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadKind {
    /// Not JSON, missing or invalid fields, or data the template needs is absent.
    Malformed,
    /// No route for the event type, or a profile that cannot be found.
    Unroutable,
    /// A template or translation failed to render (or a bug panicked while preparing or
    /// sending the event).
    Render,
    /// The SMTP server refused the message (5xx).
    Rejected,
    /// Transient failures on every attempt.
    RetriesExhausted,
}

impl DeadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeadKind::Malformed => "malformed",
            DeadKind::Unroutable => "unroutable",
            DeadKind::Render => "render",
            DeadKind::Rejected => "rejected",
            DeadKind::RetriesExhausted => "retries_exhausted",
        }
    }
}

impl fmt::Display for DeadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_value_is_the_serialized_name() {
        for k in [
            DeadKind::Malformed,
            DeadKind::Unroutable,
            DeadKind::Render,
            DeadKind::Rejected,
            DeadKind::RetriesExhausted,
        ] {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }
}
