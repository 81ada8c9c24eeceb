//! Problems found while loading templates and catalogs, with the file and line they come from.
//!
//! Loading never stops at the first problem: `check` wants all of them, and the worker refuses
//! to start when any is an error. This module only describes problems; it finds none.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file at fault, as given to the loader (relative paths stay relative).
    pub file: Option<PathBuf>,
    /// 1-based line in `file`, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl Diagnostic {
    pub fn error(file: impl Into<Option<PathBuf>>, line: Option<usize>, message: String) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line,
            message,
        }
    }

    pub fn warning(file: impl Into<Option<PathBuf>>, line: Option<usize>, message: String) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            file: file.into(),
            line,
            message,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}", self.located())
    }
}

impl Diagnostic {
    /// `file:line: message` (as much of the place as is known), without the level.
    pub fn located(&self) -> String {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => format!("{}:{line}: {}", file.display(), self.message),
            (Some(file), None) => format!("{}: {}", file.display(), self.message),
            _ => self.message.clone(),
        }
    }
}

/// 1-based line number of byte offset `pos` in `source`.
pub fn line_of(source: &str, pos: usize) -> usize {
    let end = pos.min(source.len());
    source.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The error diagnostics of `list`, joined for a start-up failure message.
pub fn summarize_errors(list: &[Diagnostic]) -> Option<String> {
    let errors: Vec<String> = list
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    if errors.is_empty() {
        None
    } else {
        Some(errors.join("\n"))
    }
}

/// Logs the warnings among `diags` (for start-up); errors are reported by the caller.
pub fn log_warnings(diags: &[Diagnostic]) {
    for d in diags.iter().filter(|d| !d.is_error()) {
        tracing::warn!("{d}");
    }
}
