//! The directory: loading the profiles that thin events only reference.
//!
//! A thin event names its user (`"user_id"`) or its application (`"client_id"`) instead of
//! carrying the objects. Before the core can choose a language and a brand, [`Directory::resolve`] swaps
//! those references for profiles from one of three sources:
//!
//! - **`file:FOLDER`** (the default, `file:directory`): `clients.json` and `users.json` in the
//!   formats Auth0's `GET /api/v2/clients` and `GET /api/v2/users` return (arrays of objects, or
//!   the `include_totals` objects around them). The files are indexed in memory and re-read
//!   when their size or modification time changes (checked at most every 250 ms).
//! - **`auth0:https://TENANT`**: the Management API with a client-credentials token that is
//!   fetched once, reused, and refreshed before it expires. Lookups go through a bounded TTL
//!   cache (moka) whose loader coalesces concurrent misses: a burst of events for one client
//!   makes one request.
//! - **`none`**.
//!
//! Inline data in an event always wins: an event with a `user` object is never looked up.
//!
//! What failures mean (the worker maps them through `intake::prepare`'s result):
//! - no such user → the event is `unroutable` (there is no one to write to);
//! - no such client → default branding and a warning: the email still goes out;
//! - 429 → wait for `Retry-After` (at most [`MAX_RATE_LIMIT_WAIT`], [`MAX_RATE_LIMIT_WAITS`]
//!   times), then ask again;
//! - 5xx, timeouts, connection errors → [`LookupError::Unavailable`]: the worker's retry tiers;
//! - 401 → a fresh token, once; a second 401 (or a refused token request, or 403) is
//!   [`LookupError::Refused`], which the worker logs as an error and retries later.
//!
//! Neither the client secret nor a token is ever formatted into an error or a log line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use moka::Expiry;
use moka::future::Cache;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};

use crate::config::{Auth0Settings, DirectorySettings, DirectorySource};
use crate::event::{
    Client, ClientRef, Event, User, UserRef, clip, parse_client as parse_client_profile,
    parse_user as parse_user_profile,
};
use crate::pipeline::{DeadKind, Rejection};

/// Longest a lookup waits for a rate limit to pass before it gives up for this attempt.
pub const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(30);
/// How many rate-limit waits one lookup accepts.
pub const MAX_RATE_LIMIT_WAITS: u32 = 3;
/// How long a "no such profile" answer is reused: short, since the profile may appear soon.
const MISSING_TTL: Duration = Duration::from_secs(30);
/// How often the file source looks at the files' metadata.
const FILE_CHECK_INTERVAL: Duration = Duration::from_millis(250);

/// `RFC 3986` unreserved characters stay; everything else in an id is percent-encoded, so
/// `auth0|abc` becomes `auth0%7Cabc` and no id can add a path segment or a query.
pub(crate) const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Why a lookup could not answer (as opposed to answering "no such profile").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// Try again later: timeout, connection error, 5xx, or a rate limit that lasts too long.
    #[error("the directory is unavailable: {0}")]
    Unavailable(String),
    /// The API refuses mailroom's credentials even with a fresh token: an operator must act.
    #[error("the directory refuses mailroom's credentials: {0}")]
    Refused(String),
}

/// Why [`Directory::resolve`] could not fill in an event's profiles.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unresolved {
    /// The user is not in the directory (or cannot be used): the event can never be sent.
    #[error("{0}")]
    Rejected(Rejection),
    /// The directory could not answer now.
    #[error("{0}")]
    Lookup(LookupError),
}

/// The result of one lookup.
#[derive(Debug)]
enum Entry<T> {
    Found(Arc<T>),
    /// The directory has the id, but the profile cannot be used (a user without an email).
    Unusable(Arc<str>),
    Missing,
}

/// Loads the profiles thin events reference. Cheap to share (`Arc`).
pub struct Directory {
    source: Source,
    /// `file:…` / `auth0:…` / `none`, for messages.
    label: String,
}

enum Source {
    None,
    File(Box<FileSource>),
    Api(Box<ApiSource>),
}

impl std::fmt::Debug for Directory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Directory")
            .field("source", &self.label)
            .finish()
    }
}

impl Directory {
    /// No directory: thin users are unroutable, thin clients get the default branding.
    pub fn none() -> Directory {
        Directory {
            source: Source::None,
            label: "none".to_owned(),
        }
    }

    /// Opens the configured source. The file source reads its files now (a missing folder is
    /// not an error: it may appear later); the API source only builds its HTTP client.
    pub fn open(settings: &DirectorySettings) -> anyhow::Result<Directory> {
        Ok(match &settings.source {
            DirectorySource::None => Directory::none(),
            DirectorySource::File(dir) => Directory {
                source: Source::File(Box::new(FileSource::open(dir))),
                label: format!("file:{}", dir.display()),
            },
            DirectorySource::Auth0(auth0) => Directory {
                source: Source::Api(Box::new(ApiSource::new(auth0, settings)?)),
                label: format!("auth0:{}", auth0.base),
            },
        })
    }

    /// [`Directory::open`], for the commands that serve events (`run`): a `file:` folder that
    /// does not exist, or a file in it that cannot be read or parsed, stops start-up with the
    /// setting's name (at run time the same faults only make lookups wait). The built-in
    /// default folder may be absent: a deployment without thin events needs none.
    pub fn open_checked(settings: &DirectorySettings) -> anyhow::Result<Directory> {
        let directory = Directory::open(settings)?;
        let Source::File(f) = &directory.source else {
            return Ok(directory);
        };
        let bad = |message: String| crate::config::ConfigError::Value {
            key: "MAILROOM_DIRECTORY (file key `directory`)".to_owned(),
            message: format!("`{}`: {message}", directory.label),
        };
        if !f.dir.is_dir() {
            if settings.source == DirectorySettings::default().source {
                return Ok(Directory::none());
            }
            return Err(bad("the folder does not exist".to_owned()).into());
        }
        let state = f.state.read().unwrap_or_else(|e| e.into_inner());
        for (file, error) in [
            (&state.users.file, &state.users.error),
            (&state.clients.file, &state.clients.error),
        ] {
            if let Some(e) = error {
                return Err(bad(format!("{} {e}", file.display())).into());
            }
        }
        drop(state);
        Ok(directory)
    }

    /// `file:…`, `auth0:…` or `none`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Start-up check of the API source: fetch a token, so wrong credentials stop the worker
    /// at once instead of failing every event. The other sources have nothing to check.
    pub async fn verify(&self) -> Result<(), LookupError> {
        match &self.source {
            Source::Api(api) => api.token().await.map(drop),
            _ => Ok(()),
        }
    }

    /// All clients the file source holds (for the preview gallery); empty for other sources.
    pub fn file_clients(&self) -> Vec<Arc<Client>> {
        match &self.source {
            Source::File(f) => {
                f.refresh();
                let state = f.state.read().unwrap_or_else(|e| e.into_inner());
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
            _ => Vec::new(),
        }
    }

    /// Whether `event` references anything this directory would have to load.
    pub fn needs_lookup(event: &Event) -> bool {
        matches!(event.user, UserRef::Id(_)) || matches!(event.client, ClientRef::Id(_))
    }

    /// Replaces the event's references by loaded profiles. Returns notes for the log (a
    /// client that is not in the directory); `Err(Rejected)` when the user is not.
    pub async fn resolve(&self, event: &mut Event) -> Result<Vec<String>, Unresolved> {
        let user_id = match &event.user {
            UserRef::Id(id) => Some(id.clone()),
            UserRef::Inline(_) => None,
        };
        let client_id = match &event.client {
            ClientRef::Id(id) => Some(id.clone()),
            _ => None,
        };
        let (user, client) = tokio::join!(
            async {
                match &user_id {
                    Some(id) => Some(self.user(id).await),
                    None => None,
                }
            },
            async {
                match &client_id {
                    Some(id) => Some(self.client(id).await),
                    None => None,
                }
            }
        );
        let mut notes = Vec::new();
        let rejected = |reason: String| {
            Unresolved::Rejected(Rejection::new(
                DeadKind::Unroutable,
                reason,
                Some(&event.id),
            ))
        };
        if let (Some(id), Some(found)) = (&user_id, user) {
            let user = match found.map_err(Unresolved::Lookup)? {
                Entry::Found(u) => u,
                Entry::Unusable(why) => {
                    return Err(rejected(format!(
                        "user_id `{}`: the profile in the directory ({}) cannot be used: {why}",
                        clip(id, 80),
                        self.label
                    )));
                }
                Entry::Missing => {
                    return Err(rejected(format!(
                        "user_id `{}`: no such user in the directory ({})",
                        clip(id, 80),
                        self.label
                    )));
                }
            };
            event.user = UserRef::Inline(Box::new((*user).clone()));
        }
        if let (Some(id), Some(found)) = (&client_id, client) {
            let client = match found.map_err(Unresolved::Lookup)? {
                Entry::Found(c) => Client {
                    client_id: Some(id.clone()),
                    ..(*c).clone()
                },
                Entry::Unusable(why) => {
                    notes.push(format!(
                        "client_id `{}`: the directory's client ({}) cannot be used ({why}); default branding",
                        clip(id, 80),
                        self.label
                    ));
                    bare_client(id)
                }
                Entry::Missing => {
                    notes.push(format!(
                        "client_id `{}`: no such client in the directory ({}); default branding",
                        clip(id, 80),
                        self.label
                    ));
                    bare_client(id)
                }
            };
            event.client = ClientRef::Inline(client);
        }
        Ok(notes)
    }

    async fn user(&self, id: &str) -> Result<Entry<User>, LookupError> {
        match &self.source {
            Source::None => Ok(Entry::Missing),
            Source::File(f) => f.user(id),
            Source::Api(api) => api.user(id).await,
        }
    }

    async fn client(&self, id: &str) -> Result<Entry<Client>, LookupError> {
        match &self.source {
            Source::None => Ok(Entry::Missing),
            Source::File(f) => f.client(id),
            Source::Api(api) => api.client(id).await,
        }
    }
}

/// A client known only by its id: templates still see the id, the brand is the default.
fn bare_client(id: &str) -> Client {
    Client {
        client_id: Some(id.to_owned()),
        ..Client::default()
    }
}

// ---------------------------------------------------------------------------------------------
// The file source

/// Entries by id, and warnings about the entries that were skipped.
type Indexed<T> = (HashMap<String, Entry<T>>, Vec<String>);

/// A profile list in Auth0's formats → entries by id. Returns the entries and one warning per
/// skipped or duplicate entry.
fn index<T>(
    text: &[u8],
    list_key: &str,
    id_key: &str,
    parse: fn(Map<String, Value>) -> Result<T, crate::event::EventError>,
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
        let entry = match parse(map) {
            Ok(t) => Entry::Found(Arc::new(t)),
            Err(e) => Entry::Unusable(Arc::from(e.to_string())),
        };
        if entries.insert(id.clone(), entry).is_some() {
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
    parse: fn(Map<String, Value>) -> Result<T, crate::event::EventError>,
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
    fn new(
        file: PathBuf,
        list_key: &'static str,
        id_key: &'static str,
        parse: fn(Map<String, Value>) -> Result<T, crate::event::EventError>,
    ) -> Self {
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

// By hand: a derive would require `T: Clone`, and the profiles are shared, not copied.
impl<T> Clone for Entry<T> {
    fn clone(&self) -> Self {
        match self {
            Entry::Found(t) => Entry::Found(t.clone()),
            Entry::Unusable(w) => Entry::Unusable(w.clone()),
            Entry::Missing => Entry::Missing,
        }
    }
}

struct FileState {
    users: Table<User>,
    clients: Table<Client>,
}

struct FileSource {
    dir: PathBuf,
    state: RwLock<FileState>,
    /// When the files' metadata was last looked at.
    checked: Mutex<Instant>,
}

impl FileSource {
    fn open(dir: &Path) -> FileSource {
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

    fn user(&self, id: &str) -> Result<Entry<User>, LookupError> {
        self.refresh();
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        state.users.get(id, true)
    }

    fn client(&self, id: &str) -> Result<Entry<Client>, LookupError> {
        self.refresh();
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        state.clients.get(id, false)
    }
}

// ---------------------------------------------------------------------------------------------
// The Management API source

/// A bearer token and when to stop using it.
struct Token {
    value: Arc<str>,
    refresh_at: Instant,
}

/// Found and unusable profiles live for the configured TTL; "missing" only briefly.
struct EntryExpiry {
    ttl: Duration,
}

impl<T> Expiry<String, Entry<T>> for EntryExpiry {
    fn expire_after_create(
        &self,
        _key: &String,
        value: &Entry<T>,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(match value {
            Entry::Missing => self.ttl.min(MISSING_TTL),
            _ => self.ttl,
        })
    }
}

struct ApiSource {
    http: reqwest::Client,
    auth0: Auth0Settings,
    /// Held while a token is fetched, so concurrent lookups wait for one token request
    /// instead of each making their own.
    token: tokio::sync::Mutex<Option<Token>>,
    users: Cache<String, Entry<User>>,
    clients: Cache<String, Entry<Client>>,
}

/// One HTTP answer, reduced to what the lookup logic needs.
enum Reply {
    Ok(Value),
    NotFound,
    Unauthorized,
    RateLimited(Option<Duration>),
}

impl ApiSource {
    fn new(auth0: &Auth0Settings, settings: &DirectorySettings) -> anyhow::Result<ApiSource> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            // A redirect could carry the bearer token somewhere else; the API never needs one.
            .redirect(reqwest::redirect::Policy::none())
            .tcp_nodelay(true)
            .user_agent(concat!("mailroom/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| anyhow::anyhow!("cannot build the HTTP client for the directory: {e}"))?;
        Ok(ApiSource {
            http,
            auth0: auth0.clone(),
            token: tokio::sync::Mutex::new(None),
            users: cache(settings),
            clients: cache(settings),
        })
    }

    async fn user(&self, id: &str) -> Result<Entry<User>, LookupError> {
        let path = format!("api/v2/users/{}", utf8_percent_encode(id, PATH_SEGMENT));
        self.users
            .try_get_with(id.to_owned(), async {
                let found = self.get(&path).await?;
                Ok(into_entry(found, parse_user_profile))
            })
            .await
            .map_err(|e: Arc<LookupError>| (*e).clone())
    }

    async fn client(&self, id: &str) -> Result<Entry<Client>, LookupError> {
        let path = format!(
            "api/v2/clients/{}?fields=client_id,name,client_metadata",
            utf8_percent_encode(id, PATH_SEGMENT)
        );
        self.clients
            .try_get_with(id.to_owned(), async {
                let found = self.get(&path).await?;
                Ok(into_entry(found, parse_client_profile))
            })
            .await
            .map_err(|e: Arc<LookupError>| (*e).clone())
    }

    /// A GET with the bearer token: one fresh token after a 401, waits on 429.
    async fn get(&self, path: &str) -> Result<Option<Value>, LookupError> {
        let url = format!("{}{path}", self.auth0.base);
        // The path without the query, for messages.
        let what = path.split('?').next().unwrap_or(path);
        let mut refreshed = false;
        let mut waits = 0;
        loop {
            let token = self.token().await?;
            let sent = self.http.get(&url).bearer_auth(&*token).send().await;
            match reply(sent, what).await? {
                Reply::Ok(v) => return Ok(Some(v)),
                Reply::NotFound => return Ok(None),
                Reply::Unauthorized if !refreshed => {
                    // The token may have been revoked or rotated: one fresh token, one retry.
                    refreshed = true;
                    self.forget_token(&token).await;
                }
                Reply::Unauthorized => {
                    return Err(LookupError::Refused(format!(
                        "GET /{what}: 401 with a freshly issued token; check the application's grant on the Management API (read:users, read:clients)"
                    )));
                }
                Reply::RateLimited(wait) => {
                    let wait = wait.unwrap_or(Duration::from_secs(1));
                    if waits >= MAX_RATE_LIMIT_WAITS || wait > MAX_RATE_LIMIT_WAIT {
                        return Err(LookupError::Unavailable(format!(
                            "GET /{what}: 429 rate limited (asked to wait {}s after {waits} waits)",
                            wait.as_secs()
                        )));
                    }
                    waits += 1;
                    tracing::debug!(wait_ms = wait.as_millis() as u64, "directory rate limited");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// The current token, fetching one when there is none or it is about to expire.
    async fn token(&self) -> Result<Arc<str>, LookupError> {
        let mut slot = self.token.lock().await;
        if let Some(t) = slot.as_ref()
            && Instant::now() < t.refresh_at
        {
            return Ok(t.value.clone());
        }
        let token = self.fetch_token().await?;
        let value = token.value.clone();
        *slot = Some(token);
        Ok(value)
    }

    /// Drops `stale` unless another lookup already replaced it.
    async fn forget_token(&self, stale: &Arc<str>) {
        let mut slot = self.token.lock().await;
        if slot.as_ref().is_some_and(|t| Arc::ptr_eq(&t.value, stale)) {
            *slot = None;
        }
    }

    async fn fetch_token(&self) -> Result<Token, LookupError> {
        let url = format!("{}oauth/token", self.auth0.base);
        let body = serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": self.auth0.client_id,
            "client_secret": self.auth0.client_secret.expose(),
            "audience": self.auth0.audience,
        });
        let started = Instant::now();
        let sent = self.http.post(&url).json(&body).send().await;
        let value = match reply(sent, "oauth/token").await? {
            Reply::Ok(v) => v,
            Reply::Unauthorized | Reply::NotFound => {
                return Err(LookupError::Refused(format!(
                    "POST /oauth/token: the tenant refused the client credentials of `{}`",
                    clip(&self.auth0.client_id, 80)
                )));
            }
            Reply::RateLimited(_) => {
                return Err(LookupError::Unavailable(
                    "POST /oauth/token: 429 rate limited".to_owned(),
                ));
            }
        };
        let token = value
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                LookupError::Unavailable("POST /oauth/token: no access_token in the answer".into())
            })?;
        let lifetime = Duration::from_secs(
            value
                .get("expires_in")
                .and_then(Value::as_u64)
                .unwrap_or(86_400),
        );
        tracing::info!(
            expires_in_s = lifetime.as_secs(),
            "directory: fetched a Management API token"
        );
        Ok(Token {
            value: Arc::from(token),
            refresh_at: started + refresh_after(lifetime),
        })
    }
}

fn cache<T: Send + Sync + 'static>(settings: &DirectorySettings) -> Cache<String, Entry<T>> {
    Cache::builder()
        .max_capacity(settings.cache_size)
        .expire_after(EntryExpiry {
            ttl: settings.cache_ttl,
        })
        .build()
}

/// When to replace a token that lives `lifetime`: a minute early, or at 90 % of a short life,
/// so no request goes out with a token that expires on the way.
pub fn refresh_after(lifetime: Duration) -> Duration {
    let margin = Duration::from_secs(60).min(lifetime / 10);
    lifetime.saturating_sub(margin)
}

fn into_entry<T>(
    found: Option<Value>,
    parse: fn(Map<String, Value>) -> Result<T, crate::event::EventError>,
) -> Entry<T> {
    match found {
        None => Entry::Missing,
        Some(Value::Object(map)) => match parse(map) {
            Ok(t) => Entry::Found(Arc::new(t)),
            Err(e) => Entry::Unusable(Arc::from(e.to_string())),
        },
        Some(_) => Entry::Unusable(Arc::from("the answer is not a JSON object")),
    }
}

/// Classifies an HTTP answer. Connection errors and timeouts are `Unavailable`; so are 5xx and
/// bodies that are not JSON. 403 is `Refused` (a missing scope will not fix itself).
async fn reply(
    sent: Result<reqwest::Response, reqwest::Error>,
    what: &str,
) -> Result<Reply, LookupError> {
    let response = sent.map_err(|e| {
        let why = if e.is_timeout() {
            "timed out".to_owned()
        } else if e.is_connect() {
            "cannot connect".to_owned()
        } else {
            // Without the URL: reqwest's message names it, and the query is noise.
            e.without_url().to_string()
        };
        LookupError::Unavailable(format!("/{what}: {why}"))
    })?;
    let status = response.status();
    match status.as_u16() {
        200..=299 => {
            let bytes = response.bytes().await.map_err(|e| {
                LookupError::Unavailable(format!(
                    "/{what}: reading the answer: {}",
                    e.without_url()
                ))
            })?;
            serde_json::from_slice(&bytes).map(Reply::Ok).map_err(|e| {
                LookupError::Unavailable(format!("/{what}: the answer is not JSON ({e})"))
            })
        }
        404 => Ok(Reply::NotFound),
        401 => Ok(Reply::Unauthorized),
        429 => Ok(Reply::RateLimited(retry_after(response.headers()))),
        403 => Err(LookupError::Refused(format!(
            "/{what}: 403 {}",
            api_message(response).await
        ))),
        _ => Err(LookupError::Unavailable(format!(
            "/{what}: {} {}",
            status.as_u16(),
            api_message(response).await
        ))),
    }
}

/// The `message` (or `error_description`) of an Auth0 error body, cut short.
async fn api_message(response: reqwest::Response) -> String {
    let bytes = response.bytes().await.unwrap_or_default();
    let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    ["message", "error_description", "error"]
        .iter()
        .find_map(|k| value.get(*k).and_then(Value::as_str))
        .map(|m| clip(m, 160))
        .unwrap_or_default()
}

/// `Retry-After` (seconds or an HTTP date), else Auth0's `X-RateLimit-Reset` (epoch seconds).
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let now = SystemTime::now();
    if let Some(v) = headers.get(reqwest::header::RETRY_AFTER)
        && let Ok(v) = v.to_str()
    {
        let v = v.trim();
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(at) = httpdate::parse_http_date(v) {
            return Some(at.duration_since(now).unwrap_or_default());
        }
    }
    let reset = headers
        .get("x-ratelimit-reset")?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()?;
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(reset);
    Some(at.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_one_path_segment() {
        let enc = |s: &str| utf8_percent_encode(s, PATH_SEGMENT).to_string();
        assert_eq!(enc("auth0|5f7c8ec7"), "auth0%7C5f7c8ec7");
        assert_eq!(enc("../clients?x=1"), "..%2Fclients%3Fx%3D1");
        assert_eq!(enc("google-oauth2|1.2_3~"), "google-oauth2%7C1.2_3~");
    }

    #[test]
    fn tokens_are_replaced_before_they_expire() {
        assert_eq!(
            refresh_after(Duration::from_secs(86_400)),
            Duration::from_secs(86_340)
        );
        assert_eq!(
            refresh_after(Duration::from_secs(10)),
            Duration::from_secs(9)
        );
        assert_eq!(refresh_after(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn retry_after_reads_seconds_dates_and_auth0_reset() {
        use reqwest::header::{HeaderMap, HeaderValue};
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));

        let mut h = HeaderMap::new();
        let at = SystemTime::now() + Duration::from_secs(120);
        h.insert(
            "retry-after",
            HeaderValue::from_str(&httpdate::fmt_http_date(at)).unwrap(),
        );
        let d = retry_after(&h).unwrap();
        assert!(
            d > Duration::from_secs(100) && d <= Duration::from_secs(120),
            "{d:?}"
        );

        let mut h = HeaderMap::new();
        let reset = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 5;
        h.insert(
            "x-ratelimit-reset",
            HeaderValue::from_str(&reset.to_string()).unwrap(),
        );
        let d = retry_after(&h).unwrap();
        assert!(d <= Duration::from_secs(5), "{d:?}");

        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

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
