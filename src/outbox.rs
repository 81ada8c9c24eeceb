//! The file adapters of the embedded mode: an outbox folder instead of SMTP, and a
//! `rejected.jsonl` instead of the dead-letter queue.
//!
//! One `.eml` per email, named after the `Message-ID` local part, so an event sent twice still
//! leaves one file. Files are written to a temporary name and renamed, so a crash never leaves
//! half an email behind. Rejected lines keep their original bytes: nothing is lost.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::Serialize;

use crate::compose::message_id_local;
use crate::pipeline::{Prepared, Rejection};

/// The name of the rejected-lines file inside the outbox.
pub const REJECTED_FILE: &str = "rejected.jsonl";

#[derive(Debug)]
pub struct Outbox {
    dir: PathBuf,
    /// Opened on the first rejection, so a clean run leaves no empty file.
    rejected: Option<File>,
}

/// What `rejected.jsonl` keeps of a refused line.
#[derive(Debug, Clone, Copy)]
pub enum Raw<'a> {
    /// The line itself, byte for byte.
    Whole(&'a [u8]),
    /// A line over the event limit: its first bytes, its size and its SHA-256 (hex).
    Prefix {
        prefix: &'a [u8],
        size: u64,
        sha256: &'a str,
    },
}

/// One line of `rejected.jsonl`.
#[derive(Debug, Serialize)]
struct RejectedLine<'a> {
    /// 1-based line number in the input.
    line: usize,
    kind: &'a str,
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_id: Option<&'a str>,
    /// The original line, when it is UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<&'a str>,
    /// The original line in base64, when it is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_base64: Option<String>,
    /// The first bytes of an over-long line (as text when they are UTF-8, else base64).
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_prefix_base64: Option<String>,
    /// An over-long line's size in bytes and SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sha256: Option<&'a str>,
}

/// `bytes` as text when they are UTF-8, else as base64.
fn text_or_base64(bytes: &[u8]) -> (Option<String>, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(t) => (Some(t.to_owned()), None),
        // A prefix may cut a character in two: keep the whole characters before the cut.
        Err(e) if e.error_len().is_none() => {
            let valid = &bytes[..e.valid_up_to()];
            (std::str::from_utf8(valid).ok().map(str::to_owned), None)
        }
        Err(_) => (
            None,
            Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
        ),
    }
}

impl Outbox {
    pub fn open(dir: &Path) -> io::Result<Outbox> {
        std::fs::create_dir_all(dir)?;
        Ok(Outbox {
            dir: dir.to_path_buf(),
            rejected: None,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path an email for `event_id` is written to.
    pub fn path_for(&self, event_id: &str) -> PathBuf {
        self.dir.join(format!("{}.eml", message_id_local(event_id)))
    }

    /// Writes the email; returns its path.
    pub fn deliver(&self, prepared: &Prepared) -> io::Result<PathBuf> {
        let path = self.path_for(&prepared.event_id);
        let tmp = path.with_extension("eml.tmp");
        std::fs::write(&tmp, prepared.message.formatted())?;
        std::fs::rename(&tmp, &path)?;
        Ok(path)
    }

    /// Appends a rejected line with its reason.
    pub fn reject(&mut self, line: usize, raw: Raw<'_>, rejection: &Rejection) -> io::Result<()> {
        let file = match &mut self.rejected {
            Some(f) => f,
            None => self.rejected.insert(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(self.dir.join(REJECTED_FILE))?,
            ),
        };
        let mut record = RejectedLine {
            line,
            kind: rejection.kind.as_str(),
            error: &rejection.reason,
            event_id: rejection.event_id.as_deref(),
            raw: None,
            raw_base64: None,
            raw_prefix: None,
            raw_prefix_base64: None,
            size: None,
            sha256: None,
        };
        let whole;
        match raw {
            Raw::Whole(bytes) => {
                whole = std::str::from_utf8(bytes).ok();
                record.raw = whole;
                record.raw_base64 = whole
                    .is_none()
                    .then(|| base64::engine::general_purpose::STANDARD.encode(bytes));
            }
            Raw::Prefix {
                prefix,
                size,
                sha256,
            } => {
                (record.raw_prefix, record.raw_prefix_base64) = text_or_base64(prefix);
                record.size = Some(size);
                record.sha256 = Some(sha256);
            }
        }
        let mut json = serde_json::to_vec(&record).map_err(io::Error::other)?;
        json.push(b'\n');
        // One write per record, so concurrent readers never see half a line.
        file.write_all(&json)?;
        file.flush()
    }
}
