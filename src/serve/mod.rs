//! `mailroom serve`'s HTTP edge: the routes, and for each ingest request the order of its
//! checks. The decisions themselves are the core's: [`crate::ingest`] turns a hook's payload
//! into a v1 event and says who may call, [`crate::pipeline::Pipeline::admit`] judges the
//! event as the worker would. This module reads bodies, asks them, and publishes (or, with
//! `--outbox`, renders and writes) only what they accepted.
//!
//! Order of the checks, cheapest and least revealing first: a permit (503 past the cap), the
//! bearer token (401, before anything about the body is said), the content type (415), the
//! declared length (413), the body within its time (408) and size (413), Supabase's
//! signature (401), the payload and event (400, 422), then the broker's confirm (503).

pub mod listen;
pub mod publishing;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::StreamExt as _;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tracing::Instrument as _;

use crate::compose::BodyEncoding;
use crate::config::Secret;
use crate::directory::Directory;
use crate::ingest::auth::WebhookKey;
use crate::ingest::{Endpoint, Refusal, RefusalKind};
use crate::intake::Unprepared;
use crate::outbox::Outbox;
use crate::reload::Live;

pub use publishing::Publishing;

/// The largest body accepted (PRODUCT.md: 64 KiB).
pub const MAX_BODY: usize = 64 * 1024;
/// A body must arrive within this after its headers, or the request is answered 408.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// Where accepted events go.
pub enum Sink {
    /// The events queue, through a confirming publisher.
    Queue(Arc<Publishing>),
    /// `serve --outbox DIR`: rendered and written as `run --outbox` does.
    Outbox {
        outbox: Outbox,
        directory: Arc<Directory>,
        /// One write at a time: two deliveries of one id would share a temporary file.
        writing: tokio::sync::Mutex<()>,
    },
}

/// What every request handler shares.
pub struct Ingest {
    live: Arc<Live>,
    sink: Sink,
    token: Option<Secret>,
    supabase: Option<(WebhookKey, url::Url)>,
    permits: Semaphore,
}

impl std::fmt::Debug for Ingest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ingest")
            .field("token", &self.token)
            .field("supabase", &self.supabase.is_some())
            .finish()
    }
}

impl Ingest {
    pub fn new(
        live: Arc<Live>,
        sink: Sink,
        token: Option<Secret>,
        supabase: Option<(WebhookKey, url::Url)>,
        max_in_flight: usize,
    ) -> Arc<Ingest> {
        Arc::new(Ingest {
            live,
            sink,
            token,
            supabase,
            permits: Semaphore::new(max_in_flight),
        })
    }

    /// Templates are loaded (they are before the server starts) and accepted events have
    /// somewhere to go.
    fn ready(&self) -> Result<(), &'static str> {
        match &self.sink {
            Sink::Queue(p) if !p.is_up() => {
                Err("the broker is unreachable: events cannot be queued")
            }
            _ => Ok(()),
        }
    }
}

/// The routes of `serve`.
pub fn router(ingest: Arc<Ingest>) -> axum::Router {
    axum::Router::new()
        .route(
            Endpoint::Events.path(),
            post(|s: State<Arc<Ingest>>, r: Request| handle(s, Endpoint::Events, r)),
        )
        .route(
            Endpoint::Auth0.path(),
            post(|s: State<Arc<Ingest>>, r: Request| handle(s, Endpoint::Auth0, r)),
        )
        .route(
            Endpoint::Supabase.path(),
            post(|s: State<Arc<Ingest>>, r: Request| handle(s, Endpoint::Supabase, r)),
        )
        .route("/healthz", get(crate::health::healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(crate::health::metrics))
        .fallback(|| async {
            refused(
                None,
                &Refusal::new(
                    RefusalKind::NotFound,
                    "no such endpoint (see PRODUCT.md, Ways in)",
                ),
            )
        })
        .method_not_allowed_fallback(|| async {
            refused(
                None,
                &Refusal::new(
                    RefusalKind::MethodNotAllowed,
                    "the ingest endpoints take POST; /healthz, /readyz and /metrics take GET",
                ),
            )
        })
        .with_state(ingest)
}

async fn readyz(State(ingest): State<Arc<Ingest>>) -> Response {
    match ingest.ready() {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(why) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {why}\n"),
        )
            .into_response(),
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn refused(endpoint: Option<Endpoint>, refusal: &Refusal) -> Response {
    let status =
        StatusCode::from_u16(refusal.kind.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = json_response(status, &refusal.body(endpoint));
    // A body we did not read (too large, too slow) leaves the connection unusable.
    if matches!(refusal.kind, RefusalKind::TooLarge | RefusalKind::Timeout) {
        response.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
    }
    response
}

/// One ingest request, from its headers to the answer; logged and counted here only.
async fn handle(
    State(ingest): State<Arc<Ingest>>,
    endpoint: Endpoint,
    request: Request,
) -> Response {
    let started = Instant::now();
    let traceparent = request
        .headers()
        .get(crate::trace::TRACEPARENT)
        .and_then(|v| v.to_str().ok())
        .filter(|v| crate::trace::trace_id(v).is_some())
        .map(str::to_owned);
    let span = crate::trace::span(traceparent.as_deref().and_then(crate::trace::trace_id));
    let outcome = accept(&ingest, endpoint, request, traceparent.as_deref())
        .instrument(span.clone())
        .await;
    let _in_span = span.enter();
    let response = match outcome {
        Ok(accepted) => {
            tracing::info!(
                endpoint = endpoint.label(),
                event_id = %crate::text::logged(&accepted.id),
                template = %accepted.template,
                status = accepted.status,
                "accepted"
            );
            let status = if endpoint == Endpoint::Supabase {
                StatusCode::OK
            } else {
                StatusCode::ACCEPTED
            };
            let body = match endpoint {
                Endpoint::Events => json!({"id": accepted.id, "status": accepted.status}),
                Endpoint::Auth0 => json!({
                    "id": accepted.id,
                    "status": accepted.status,
                    "template": accepted.template,
                }),
                Endpoint::Supabase => json!({}),
            };
            json_response(status, &body)
        }
        Err(refusal) => {
            tracing::info!(
                endpoint = endpoint.label(),
                status = refusal.kind.status(),
                kind = refusal.kind.as_str(),
                "refused: {}",
                crate::text::logged(&refusal.message)
            );
            refused(Some(endpoint), &refusal)
        }
    };
    crate::metrics::ingest(
        endpoint.label(),
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// What an accepted request answers with.
struct Accepted {
    id: String,
    template: String,
    /// `queued`, or `written` with `--outbox`.
    status: &'static str,
}

async fn accept(
    ingest: &Ingest,
    endpoint: Endpoint,
    request: Request,
    traceparent: Option<&str>,
) -> Result<Accepted, Refusal> {
    let _permit = ingest.permits.try_acquire().map_err(|_| {
        Refusal::new(
            RefusalKind::Unavailable,
            "too many requests in flight (MAILROOM_HTTP_MAX_IN_FLIGHT); retry",
        )
    })?;
    let (parts, body) = request.into_parts();
    ingest.check_headers(endpoint, &parts.headers)?;
    let body = read_body(&parts.headers, body).await?;
    // The judging is synchronous and kept out of this future's state (which axum boxes and
    // moves): only the bytes to queue, the id and the template cross the next await.
    let ready = ingest.admit(endpoint, &parts.headers, &body)?;
    match &ingest.sink {
        Sink::Queue(publishing) => {
            let properties = crate::amqp::event_properties(traceparent);
            publishing.publish(&ready.event, properties).await?;
            Ok(Accepted {
                id: ready.id,
                template: ready.template,
                status: "queued",
            })
        }
        Sink::Outbox {
            outbox,
            directory,
            writing,
        } => Box::pin(write(outbox, directory, writing, ready)).await,
    }
}

/// An admitted request: the v1 event to queue, its id and the template its route chose.
struct Ready {
    event: Vec<u8>,
    id: String,
    template: String,
    pipeline: Arc<crate::pipeline::Pipeline>,
}

impl Ingest {
    /// The bearer token (not on Supabase's endpoint, which is signed instead), then the
    /// content type: nothing is said about the body to a caller without the token.
    fn check_headers(&self, endpoint: Endpoint, headers: &HeaderMap) -> Result<(), Refusal> {
        if endpoint != Endpoint::Supabase
            && let Some(token) = &self.token
        {
            crate::ingest::auth::bearer(
                headers.get(header::AUTHORIZATION).map(|v| v.as_bytes()),
                token.expose(),
            )?;
        }
        json_content_type(headers)
    }

    /// The payload as a v1 event (Supabase's signature checked first), admitted by the
    /// pipeline in service.
    fn admit(
        &self,
        endpoint: Endpoint,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Ready, Refusal> {
        let event = match endpoint {
            Endpoint::Events => body.to_vec(),
            Endpoint::Auth0 => to_json(crate::ingest::auth0::event(body)?),
            Endpoint::Supabase => {
                let Some((key, project)) = &self.supabase else {
                    return Err(Refusal::new(
                        RefusalKind::Unauthorized,
                        "this server has no MAILROOM_SUPABASE_HOOK_SECRET: it cannot verify Supabase's signature, so it refuses the hook",
                    ));
                };
                let text = |h: &str| headers.get(h).and_then(|v| v.to_str().ok());
                let id = key.verify(
                    text("webhook-id"),
                    text("webhook-timestamp"),
                    text("webhook-signature"),
                    body,
                    SystemTime::now(),
                )?;
                to_json(crate::ingest::supabase::event(body, id, project)?)
            }
        };
        let pipeline = self.live.current();
        let admitted = pipeline.admit(&event).map_err(|r| Refusal::from(&r))?;
        Ok(Ready {
            event,
            id: admitted.event.id,
            template: admitted.template,
            pipeline,
        })
    }
}

/// `--outbox`: render with the pipeline that admitted the event, and write the file.
async fn write(
    outbox: &Outbox,
    directory: &Directory,
    writing: &tokio::sync::Mutex<()>,
    ready: Ready,
) -> Result<Accepted, Refusal> {
    let prepared = crate::intake::prepare(
        &ready.pipeline,
        directory,
        &ready.event,
        BodyEncoding::EightBit,
    )
    .await
    .map_err(|e| match e {
        Unprepared::Rejected(r) => Refusal::from(&r),
        Unprepared::Lookup { error, .. } => Refusal::new(
            RefusalKind::Unavailable,
            format!("cannot load the profile now ({error}); retry"),
        ),
    })?;
    let _one = writing.lock().await;
    let path = outbox.deliver(&prepared).map_err(|e| {
        tracing::error!("cannot write to the outbox {}: {e}", outbox.dir().display());
        Refusal::new(
            RefusalKind::Unavailable,
            "the outbox cannot be written; retry",
        )
    })?;
    tracing::debug!(file = %path.display(), "written");
    Ok(Accepted {
        id: ready.id,
        template: ready.template,
        status: "written",
    })
}

fn to_json(event: serde_json::Map<String, Value>) -> Vec<u8> {
    // Serializing a map of JSON values cannot fail.
    serde_json::to_vec(&event).unwrap_or_default()
}

/// `application/json`, with or without parameters (`; charset=utf-8`); `+json` types too.
fn json_content_type(headers: &HeaderMap) -> Result<(), Refusal> {
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = value.split(';').next().unwrap_or("").trim();
    let json = essence.eq_ignore_ascii_case("application/json")
        || essence.rsplit_once('+').is_some_and(|(ty, suffix)| {
            ty.starts_with("application/") && suffix.eq_ignore_ascii_case("json")
        });
    if json {
        Ok(())
    } else if value.is_empty() {
        Err(Refusal::new(
            RefusalKind::UnsupportedMediaType,
            "missing Content-Type: send `Content-Type: application/json`",
        ))
    } else {
        Err(Refusal::new(
            RefusalKind::UnsupportedMediaType,
            format!(
                "Content-Type `{}` is not application/json",
                crate::text::clip(value, 80)
            ),
        ))
    }
}

fn too_large(size: Option<u64>) -> Refusal {
    let size = size.map_or_else(|| "more than".to_owned(), |s| format!("{s} bytes,"));
    Refusal::new(
        RefusalKind::TooLarge,
        format!("the body is {size} over the limit of {MAX_BODY} bytes"),
    )
}

/// The whole body, at most [`MAX_BODY`] bytes, within [`BODY_TIMEOUT`].
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, Refusal> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = declared
        && n > MAX_BODY as u64
    {
        return Err(too_large(Some(n)));
    }
    let read = async {
        let mut stream = body.into_data_stream();
        let mut buf = Vec::with_capacity(declared.map_or(1024, |n| n as usize));
        while let Some(chunk) = stream.next().await {
            let chunk = chunk
                .map_err(|e| Refusal::malformed(format!("the body could not be read: {e}")))?;
            if buf.len() + chunk.len() > MAX_BODY {
                return Err(too_large(None));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(buf))
    };
    tokio::time::timeout(BODY_TIMEOUT, read)
        .await
        .map_err(|_| {
            Refusal::new(
                RefusalKind::Timeout,
                format!("the body did not arrive within {}s", BODY_TIMEOUT.as_secs()),
            )
        })?
}
