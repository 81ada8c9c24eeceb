//! Finding the message ids a template source names in `t(id="…")`, with their lines: what
//! `check` compares with the catalogs, and which messages `t()` formats once at load.
//!
//! It is a scan, not a parse: good enough to list ids and their lines. A computed id
//! (`t(id=x)`, `t(id="a-" ~ x)`) is reported as `None`, since it cannot be checked statically.

use std::path::{Path, PathBuf};

use crate::diagnostic::line_of;

/// A message id a template file names in `t(id="…")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageUse {
    pub file: PathBuf,
    pub line: usize,
    /// `None` when the id is computed (`t(id=x)`) and cannot be checked statically.
    pub id: Option<String>,
}

/// Finds `t(id="…")` calls in a template source.
pub fn scan_message_ids(file: &Path, src: &str) -> Vec<MessageUse> {
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    let mut from = 0;
    while let Some(found) = src[from..].find("t(") {
        let at = from + found;
        from = at + 2;
        let preceded_by_ident = at > 0 && {
            let b = bytes[at - 1];
            b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
        };
        if preceded_by_ident {
            continue;
        }
        let args = &src[at + 2..];
        let end = args.find(')').unwrap_or(args.len());
        let args = &args[..end];
        let line = line_of(src, at);
        let Some(pos) = find_kwarg(args, "id") else {
            continue;
        };
        let rest = args[pos..].trim_start();
        let id = rest
            .strip_prefix('"')
            .and_then(|r| r.split_once('"'))
            .or_else(|| rest.strip_prefix('\'').and_then(|r| r.split_once('\'')))
            .map(|(id, tail)| (id, tail.trim_start()))
            // `"a" ~ x` is a computed id, not the literal `a`.
            .filter(|(_, tail)| !tail.starts_with('~'))
            .map(|(id, _)| id.to_owned());
        out.push(MessageUse {
            file: file.to_path_buf(),
            line,
            id,
        });
    }
    out
}

/// Byte offset just after `name =` in a kwargs list.
fn find_kwarg(args: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = args[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before_ok = at == 0 || {
            let b = args.as_bytes()[at - 1];
            !(b.is_ascii_alphanumeric() || b == b'_')
        };
        let after = args[at + name.len()..].trim_start();
        if before_ok && after.starts_with('=') && !after.starts_with("==") {
            return Some(args.len() - after.len() + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_found_with_their_lines() {
        let src = "{{ t(id=\"a-b\") }}\n{{ t(id='c', name=user.name) }}\n{{ t(id=\"x-\" ~ unit) }}\n{{ at(id=\"no\") }}";
        let ids: Vec<(Option<String>, usize)> = scan_message_ids(Path::new("f"), src)
            .into_iter()
            .map(|u| (u.id, u.line))
            .collect();
        assert_eq!(
            ids,
            vec![(Some("a-b".into()), 1), (Some("c".into()), 2), (None, 3)]
        );
    }
}
