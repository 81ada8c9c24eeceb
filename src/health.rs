//! The operator's endpoints of `run`: `/metrics` (Prometheus), `/healthz` (the process
//! answers) and `/readyz` (it is consuming: a broker session is up and a template set is
//! loaded, which the worker has before it consumes). `serve` routes the same `/metrics` and
//! `/healthz` beside its own readiness. The only HTTP of the worker; it knows
//! axum, the core does not.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// `/metrics`: the registry in the OpenMetrics text format (`serve` routes it too).
pub(crate) async fn metrics() -> Response {
    (
        [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
        crate::metrics::encode(),
    )
        .into_response()
}

/// `/healthz`: the process answers.
pub(crate) async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(ready): State<Arc<AtomicBool>>) -> Response {
    if ready.load(Ordering::Relaxed) {
        (StatusCode::OK, "ready\n").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "not consuming: the broker connection is down or not yet up\n",
        )
            .into_response()
    }
}

/// The routes, over `ready` (the worker's readiness flag).
pub fn router(ready: Arc<AtomicBool>) -> axum::Router {
    axum::Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(ready)
}

/// Serves the endpoints on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    ready: Arc<AtomicBool>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(ready))
        .with_graceful_shutdown(shutdown)
        .await
}
