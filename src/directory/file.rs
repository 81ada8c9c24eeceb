//! The `file:` source: `users.json` and `clients.json` in Auth0's list formats, indexed in
//! memory and re-read when their size or modification time changes. A file that stops
//! parsing keeps the entries read before; a file never loaded answers "wait", not "missing".

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use super::{Entry, LookupError, Parse};
use crate::event::{
    Client, User, clip, parse_client as parse_client_profile, parse_user as parse_user_profile,
};

/// How often the file source looks at the files' metadata.
const FILE_CHECK_INTERVAL: Duration = Duration::from_millis(250);

/// Entries by id, and warnings about the entries that were skipped.
type Indexed<T> = (HashMap<String, Entry<T>>, Vec<String>);

/// A profile list in Auth0's formats → entries by id. Returns the entries and one warning per
/// skipped or duplicate entry.
fn index<T>(
    text: &[u8],
    list_key: &str,
    id_key: &str,
    parse: Parse<T>,
) -> Result<Indexed<T>, String> {
    let value: Value = serde_json::from_slice(text).map_err(|e| e.to_string())?;
    let items = match value {
        Value::Array(items) => items,
        // `?include_totals=true` wraps the list: {"users": [...], "total": …}.
        Value::Object(mut o) => match o.remove(list_key) {
            Some(Value::Array(items)) => items,
            _ => {
                return Err(format!(
                    "expected an array of {list_key} (or an object with a `{list_key}` array)"
                ));
            }
        },
        _ => return Err(format!("expected an array of {list_key}")),
    };
    let mut entries = HashMap::with_capacity(items.len());
    let mut warnings = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let Value::Object(map) = item else {
            warnings.push(format!("entry {i} is not an object; skipped"));
            continue;
        };
        let id = match map.get(id_key) {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            _ => {
                warnings.push(format!("entry {i} has no `{id_key}`; skipped"));
                continue;
            }
        };
        if entries
            .insert(id.clone(), Entry::parsed(map, parse))
            .is_some()
        {
            warnings.push(format!(
                "entry {i}: `{}` appears twice; the later one wins",
                clip(&id, 80)
            ));
        }
    }
    Ok((entries, warnings))
}

/// What identifies a version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(Stamp {
        modified: meta.modified().ok(),
        len: meta.len(),
    })
}

struct Table<T> {
    file: PathBuf,
    list_key: &'static str,
    id_key: &'static str,
    parse: Parse<T>,
    entries: HashMap<String, Entry<T>>,
    /// The version last read (or found broken); `None`: the file did not exist.
    stamp: Option<Stamp>,
    /// Whether the file was ever read and indexed. Until then "not in the file" means
    /// nothing, so lookups are transient (the event waits) rather than "no such profile".
    loaded: bool,
    /// Why the last read failed, for the start-up check.
    error: Option<String>,
}

impl<T> Table<T> {
    fn new(file: PathBuf, list_key: &'static str, id_key: &'static str, parse: Parse<T>) -> Self {
        Table {
            file,
            list_key,
            id_key,
            parse,
            entries: HashMap::new(),
            stamp: None,
            loaded: false,
            error: None,
        }
    }

    /// Re-reads the file if it changed. A file that does not parse is reported and the
    /// previous entries stay: a half-written file must not empty the directory.
    fn reload_if_changed(&mut self) {
        let now = stamp(&self.file);
        if now == self.stamp {
            return;
        }
        self.stamp = now;
        if now.is_none() {
            if !self.entries.is_empty() {
                tracing::warn!(
                    file = %self.file.display(),
                    "the directory file is gone; keeping the {} entries read before",
                    self.entries.len()
                );
            }
            return;
        }
        let text = match std::fs::read(&self.file) {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(file = %self.file.display(), "cannot read the directory file: {e}");
                self.error = Some(format!("cannot be read: {e}"));
                return;
            }
        };
        match index(&text, self.list_key, self.id_key, self.parse) {
            Ok((entries, warnings)) => {
                for w in warnings {
                    tracing::warn!(file = %self.file.display(), "{w}");
                }
                tracing::info!(
                    file = %self.file.display(),
                    entries = entries.len(),
                    "directory file loaded"
                );
                self.entries = entries;
                self.loaded = true;
                self.error = None;
            }
            Err(e) => {
                tracing::warn!(
                    file = %self.file.display(),
                    "the directory file is not valid ({e}); keeping the {} entries read before",
                    self.entries.len()
                );
                self.error = Some(format!("is not valid: {e}"));
            }
        }
    }

    /// The entry for `id`. With `strict`, a file that never loaded cannot answer "missing":
    /// users are looked up strictly (a missing user dead-letters the event), clients are not
    /// (a missing client only costs the default branding).
    fn get(&self, id: &str, strict: bool) -> Result<Entry<T>, LookupError> {
        if strict && !self.loaded {
            return Err(LookupError::Unavailable(format!(
                "{} has not been loaded (missing or not valid)",
                self.file.display()
            )));
        }
        Ok(self.entries.get(id).cloned().unwrap_or(Entry::Missing))
    }
}

struct FileState {
    users: Table<User>,
    clients: Table<Client>,
}

pub(super) struct FileSource {
    dir: PathBuf,
    state: RwLock<FileState>,
    /// When the files' metadata was last looked at.
    checked: Mutex<Instant>,
}

impl FileSource {
    pub(super) fn open(dir: &Path) -> FileSource {
        if !dir.is_dir() {
            tracing::info!(
                folder = %dir.display(),
                "the directory folder does not exist (yet); thin events will find no profiles until it does"
            );
        }
        let mut state = FileState {
            users: Table::new(
                dir.join("users.json"),
                "users",
                "user_id",
                parse_user_profile,
            ),
            clients: Table::new(
                dir.join("clients.json"),
                "clients",
                "client_id",
                parse_client_profile,
            ),
        };
        state.users.reload_if_changed();
        state.clients.reload_if_changed();
        FileSource {
            dir: dir.to_path_buf(),
            state: RwLock::new(state),
            checked: Mutex::new(Instant::now()),
        }
    }

    /// Looks at the files at most every [`FILE_CHECK_INTERVAL`]; reloads the changed ones.
    fn refresh(&self) {
        {
            let mut checked = self.checked.lock().unwrap_or_else(|e| e.into_inner());
            if checked.elapsed() < FILE_CHECK_INTERVAL {
                return;
            }
            *checked = Instant::now();
        }
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        state.users.reload_if_changed();
        state.clients.reload_if_changed();
    }

    pub(super) fn user(&self, id: &str) -> Result<Entry<User>, LookupError> {
        self.refresh();
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        state.users.get(id, true)
    }

    pub(super) fn client(&self, id: &str) -> Result<Entry<Client>, LookupError> {
        self.refresh();
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        state.clients.get(id, false)
    }

    /// The folder the files are in.
    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Why the users file, else the clients file, could not be read or parsed when it was
    /// last read, naming it: for the start-up check.
    pub(super) fn load_error(&self) -> Option<String> {
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        [
            (&state.users.file, &state.users.error),
            (&state.clients.file, &state.clients.error),
        ]
        .into_iter()
        .find_map(|(file, error)| error.as_ref().map(|e| format!("{} {e}", file.display())))
    }

    /// Every usable client, sorted by id (for the preview gallery).
    pub(super) fn clients(&self) -> Vec<Arc<Client>> {
        self.refresh();
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        let mut all: Vec<_> = state
            .clients
            .entries
            .values()
            .filter_map(|e| match e {
                Entry::Found(c) => Some(c.clone()),
                _ => None,
            })
            .collect();
        all.sort_by(|a, b| a.client_id.cmp(&b.client_id));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_come_bare_or_wrapped_and_bad_entries_are_named() {
        let text = br#"{"clients":[{"client_id":"a","name":"A"},{"name":"no id"},7,{"client_id":"a","name":"A2"}],"total":3}"#;
        let (entries, warnings) =
            index(text, "clients", "client_id", parse_client_profile).unwrap();
        assert_eq!(entries.len(), 1);
        match &entries["a"] {
            Entry::Found(c) => assert_eq!(c.name.as_deref(), Some("A2")),
            _ => panic!("client a should be usable"),
        }
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[0].contains("no `client_id`"), "{warnings:?}");

        let users = br#"[{"user_id":"auth0|1","email":"a@example.com"},{"user_id":"auth0|2"}]"#;
        let (entries, _) = index(users, "users", "user_id", parse_user_profile).unwrap();
        assert!(matches!(entries["auth0|1"], Entry::Found(_)));
        match &entries["auth0|2"] {
            Entry::Unusable(why) => assert!(why.contains("user.email: missing"), "{why}"),
            _ => panic!("a user without email is unusable"),
        }

        let err = index(b"{\"users\": 3}", "users", "user_id", parse_user_profile).unwrap_err();
        assert!(err.contains("array of users"), "{err}");
    }
}
