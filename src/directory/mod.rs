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
//!
//! One file per source: `file` indexes the JSON files and re-reads them on change; `auth0`
//! asks the Management API through its token and cache. This file holds what both answer
//! with (`Entry`), the errors, and [`Directory::resolve`], which turns answers into profiles.

mod auth0;
mod file;

use std::sync::Arc;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value};

use crate::config::{DirectorySettings, DirectorySource};
use crate::event::{Client, ClientRef, Event, EventError, User, UserRef, clip};
use crate::pipeline::{DeadKind, Rejection};

use auth0::ApiSource;
pub use auth0::{refresh_after, retry_after};
use file::FileSource;

/// Longest a lookup waits for a rate limit to pass before it gives up for this attempt.
pub const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(30);
/// How many rate-limit waits one lookup accepts.
pub const MAX_RATE_LIMIT_WAITS: u32 = 3;
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

impl<T> Entry<T> {
    /// A profile the directory holds: usable, or unusable for the reason `parse` gives.
    fn parsed(map: Map<String, Value>, parse: Parse<T>) -> Entry<T> {
        match parse(map) {
            Ok(t) => Entry::Found(Arc::new(t)),
            Err(e) => Entry::Unusable(Arc::from(e.to_string())),
        }
    }
}

/// Turns one profile object of Auth0's shape into ours (`event::parse_user`, `parse_client`).
type Parse<T> = fn(Map<String, Value>) -> Result<T, EventError>;

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
        if !f.dir().is_dir() {
            if settings.source == DirectorySettings::default().source {
                return Ok(Directory::none());
            }
            return Err(bad("the folder does not exist".to_owned()).into());
        }
        if let Some(e) = f.load_error() {
            return Err(bad(e).into());
        }
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
            Source::File(f) => f.clients(),
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
        let started = std::time::Instant::now();
        let found = match &self.source {
            Source::None => Ok(Entry::Missing),
            Source::File(f) => f.user(id),
            Source::Api(api) => api.user(id).await,
        };
        counted("user", &found, started);
        found
    }

    async fn client(&self, id: &str) -> Result<Entry<Client>, LookupError> {
        let started = std::time::Instant::now();
        let found = match &self.source {
            Source::None => Ok(Entry::Missing),
            Source::File(f) => f.client(id),
            Source::Api(api) => api.client(id).await,
        };
        counted("client", &found, started);
        found
    }
}

/// Counts a lookup's result and time (`mailroom_directory_lookups_total`, `_seconds`).
fn counted<T>(
    profile: &'static str,
    found: &Result<Entry<T>, LookupError>,
    started: std::time::Instant,
) {
    let result = match found {
        Ok(Entry::Found(_)) => "found",
        Ok(Entry::Unusable(_)) => "unusable",
        Ok(Entry::Missing) => "missing",
        Err(LookupError::Unavailable(_)) => "unavailable",
        Err(LookupError::Refused(_)) => "refused",
    };
    crate::metrics::lookup(profile, result, started.elapsed().as_secs_f64());
}

/// A client known only by its id: templates still see the id, the brand is the default.
fn bare_client(id: &str) -> Client {
    Client {
        client_id: Some(id.to_owned()),
        ..Client::default()
    }
}
