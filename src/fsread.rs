//! Reading the folders loaded at start-up (`templates/`, `locales/`): a folder or file that
//! cannot be read becomes an error [`Diagnostic`] naming its path, and loading goes on.
//!
//! A leaf beside `diagnostic` (it imports nothing else of ours), so `render` and `i18n` share
//! it without importing each other. What a folder should contain is their business.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// The paths in `dir`, in the order the system lists them. When `dir` cannot be read, one
/// error names it (`cannot read {what}: …`, `what` being e.g. "the locales folder") and the
/// answer is `None`.
pub fn entries(dir: &Path, what: &str, diags: &mut Vec<Diagnostic>) -> Option<Vec<PathBuf>> {
    match std::fs::read_dir(dir) {
        Ok(entries) => Some(entries.flatten().map(|e| e.path()).collect()),
        Err(e) => {
            diags.push(Diagnostic::error(
                dir.to_path_buf(),
                None,
                format!("cannot read {what}: {e}"),
            ));
            None
        }
    }
}

/// The folders directly in `dir`, as (name, path), in the order the system lists them; `None`
/// (and an error) as for [`entries`].
pub fn subfolders(
    dir: &Path,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<(String, PathBuf)>> {
    let folders = entries(dir, what, diags)?
        .into_iter()
        .filter(|path| path.is_dir())
        .map(|path| {
            let name = path.file_name().unwrap_or_default();
            (name.to_string_lossy().into_owned(), path)
        })
        .collect();
    Some(folders)
}

/// The text of the file at `path`, or `None` and an error naming it (`cannot read: …`).
pub fn read_text(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) => {
            diags.push(Diagnostic::error(
                path.to_path_buf(),
                None,
                format!("cannot read: {e}"),
            ));
            None
        }
    }
}

/// The files directly in `dir` whose extension is one of `extensions`, sorted; none when the
/// folder cannot be read (the caller decides whether that is a problem).
pub fn files_in(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && p.extension()
                            .and_then(|x| x.to_str())
                            .is_some_and(|x| extensions.contains(&x))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
