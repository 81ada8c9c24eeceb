//! `serve`'s own accept loop (hyper under axum's router), for what `axum::serve` does not
//! bound: how long a client may take to send its headers or sit idle between requests, how
//! many connections are open, and a shutdown that stops accepting, lets every request in
//! flight finish, closes idle keep-alive connections and then returns.

use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio_util::sync::CancellationToken;

/// A request's headers must arrive within this, and a keep-alive connection may sit idle
/// this long between requests (hyper runs one timer for both), before it is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections open at once; more are closed as they arrive (requests in flight have their
/// own, lower cap, answered 503).
pub const MAX_CONNECTIONS: usize = 4096;

/// Connections the kernel holds for us before we accept them. tokio's `bind` asks for 128,
/// which a burst of clients connecting at once overflows (a dropped SYN is retried after a
/// second: the benchmark's p99.9 showed it); the kernel caps this at `somaxconn`.
pub const BACKLOG: u32 = 4096;

/// A listening socket on `addr` with [`BACKLOG`].
pub fn bind(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // Lets a restarted server bind while old connections sit in TIME_WAIT (on Linux it
    // does not let two servers listen on one port).
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Serves `app` on `listener` until `shutdown` is cancelled, then waits up to `drain` for
/// the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    shutdown: CancellationToken,
    drain: Duration,
) {
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let sock = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((sock, _)) => sock,
                // Out of file descriptors, say: wait a moment rather than spin.
                Err(e) => {
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            continue; // dropping `sock` closes it
        };
        // Answers are small and written whole: don't let Nagle hold them back.
        let _ = sock.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(IDLE_TIMEOUT)
            .serve_connection(TokioIo::new(sock), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    // No new connections from here on; the kernel refuses them once the listener is gone.
    drop(listener);
    let open = graceful.count();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(drain) => {
            tracing::warn!(
                "requests still in flight after {}; closing their connections (their callers retry)",
                humantime::format_duration(drain)
            );
        }
    }
    tracing::debug!(connections = open, "connections drained");
}
