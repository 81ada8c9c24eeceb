//! SMTP delivery: the only module that knows the SMTP transport (lettre's connection type).
//!
//! Connections are pooled here rather than in lettre's pool for two reasons: lettre never sets
//! `TCP_NODELAY` (each email then waits ~40 ms on Nagle + delayed ACK), and its pool sends a
//! `NOOP` on every checkout. We open the socket ourselves with `TCP_NODELAY`, hand it to lettre
//! for the SMTP dialogue, and only probe a connection with `NOOP` after it sat idle. TLS
//! (implicit, or STARTTLS) is ours too (`tls.rs`), inside the stream that makes replies
//! parseable (`replies.rs`), so lettre gets one stream either way.
//!
//! When the server advertises PIPELINING, a message takes two writes instead of lettre's five
//! (`pipelined.rs`, still through lettre's connection: its `command` and `read_response`);
//! otherwise lettre's own `send` runs the dialogue.
//!
//! Every send is bounded as a whole by the configured timeout (lettre's own timeout covers the
//! TCP connect only). The reply code decides [`SendError::Transient`] (4xx, timeouts, network
//! and set-up failures) vs [`SendError::Permanent`] (5xx to the message itself).

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::compose::Composed;
use lettre::transport::smtp::authentication::Mechanism;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::Ehlo;
use lettre::transport::smtp::extension::{ClientId, Extension};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use crate::config::SecretUrl;

mod endpoint;
mod pipelined;
mod replies;
mod tls;

pub use endpoint::UrlError;
use endpoint::{Endpoint, Tls};
use pipelined::{ascii_envelope, send_pipelined};
use replies::{Sanitized, Stream};
use rustls::ClientConfig;
use rustls::pki_types::CertificateDer;

/// Values of [`Mailer::eight_bit_mime`]'s flag.
const UNKNOWN: u8 = 0;
const YES: u8 = 1;
const NO: u8 = 2;

/// A pooled connection idle longer than this is probed with `NOOP` before use.
const PROBE_AFTER_IDLE: Duration = Duration::from_secs(5);
/// A pooled connection idle longer than this is closed (servers drop idle clients).
const MAX_IDLE: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying later: 4xx, timeout, connection refused or dropped, TLS or AUTH set-up.
    #[error("{0}")]
    Transient(String),
    /// The server refused this message (5xx): retrying will not help.
    #[error("{0}")]
    Permanent(String),
}

/// Sends messages over a bounded pool of SMTP connections.
pub struct Mailer {
    endpoint: Endpoint,
    hello: ClientId,
    timeout: Duration,
    /// Caps connections (and so sends) in flight: lettre has no cap of its own.
    permits: Semaphore,
    /// Connections between sends, with the moment they were returned.
    idle: Mutex<Vec<(Conn, Instant)>>,
    /// Whether the server takes 8bit bodies, as its last EHLO said: UNKNOWN, YES or NO.
    eight_bit_mime: AtomicU8,
    /// Whether the server advertised PIPELINING (RFC 2920), which lettre does not record.
    pipelining: AtomicBool,
    /// Trusted besides the system's roots (a private relay's CA).
    extra_roots: Vec<CertificateDer<'static>>,
    /// Built on the first TLS connection, so a plain-text relay never loads the system's roots.
    tls_config: OnceLock<Result<Arc<ClientConfig>, String>>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("host", &self.endpoint.host)
            .field("port", &self.endpoint.port)
            .field("tls", &self.endpoint.tls)
            .finish()
    }
}

impl Mailer {
    pub fn new(
        url: &SecretUrl,
        hello_name: &str,
        timeout: Duration,
        max_connections: usize,
    ) -> Result<Mailer, UrlError> {
        Ok(Mailer {
            endpoint: Endpoint::parse(url)?,
            hello: ClientId::Domain(hello_name.to_owned()),
            timeout,
            permits: Semaphore::new(max_connections.max(1)),
            idle: Mutex::new(Vec::new()),
            eight_bit_mime: AtomicU8::new(UNKNOWN),
            pipelining: AtomicBool::new(false),
            extra_roots: Vec::new(),
            tls_config: OnceLock::new(),
        })
    }

    /// Also trusts these CA certificates for the relay's TLS certificate (DER), besides the
    /// system's roots.
    pub fn trusting(mut self, roots: Vec<CertificateDer<'static>>) -> Mailer {
        self.extra_roots = roots;
        self.tls_config = OnceLock::new();
        self
    }

    fn tls_config(&self) -> Result<&Arc<ClientConfig>, String> {
        self.tls_config
            .get_or_init(|| tls::client_config(self.extra_roots.clone()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Whether the server advertised 8BITMIME on the latest connection (`None` before any).
    pub fn eight_bit_mime(&self) -> Option<bool> {
        match self.eight_bit_mime.load(Ordering::Relaxed) {
            YES => Some(true),
            NO => Some(false),
            _ => None,
        }
    }

    /// Opens one connection and keeps it in the pool, to learn the server's extensions before
    /// the first message is composed. A failure is returned but changes nothing: sends will
    /// connect again.
    pub async fn probe(&self) -> Result<(), SendError> {
        let conn = tokio::time::timeout(self.timeout, self.connect())
            .await
            .map_err(|_| SendError::Transient("SMTP connect timed out".into()))??;
        self.checkin(conn);
        Ok(())
    }

    /// Sends one message; the whole attempt is bounded by the configured timeout.
    pub async fn send(&self, message: &Composed) -> Result<(), SendError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| SendError::Transient("the mailer is shut down".into()))?;
        match tokio::time::timeout(self.timeout, self.send_unbounded(message)).await {
            Ok(result) => result,
            // The connection was inside the cancelled future and is dropped with it, so a
            // half-finished dialogue is never reused.
            Err(_) => Err(SendError::Transient(format!(
                "SMTP send timed out after {}",
                humantime::format_duration(self.timeout)
            ))),
        }
    }

    async fn send_unbounded(&self, message: &Composed) -> Result<(), SendError> {
        let mut conn = self.checkout().await?;
        let bytes = message.bytes();
        let envelope = message.envelope();
        let ascii_addresses = ascii_envelope(envelope);
        let info = conn.server_info();
        // Checked before 8BITMIME: such an address makes even a 7-bit message 8-bit (it is in
        // the `To:` header), so "send it 7-bit on retry" would be retried until the last tier.
        let takes_utf8 = info.supports_feature(Extension::SmtpUtfEight)
            && info.supports_feature(Extension::EightBitMime);
        if !ascii_addresses && !takes_utf8 {
            self.checkin(conn);
            return Err(SendError::Permanent(
                "the recipient or sender address is not ASCII and the SMTP server does not offer SMTPUTF8 \
                 (RFC 6531), which such an address needs"
                    .into(),
            ));
        }
        if !bytes.is_ascii() && !info.supports_feature(Extension::EightBitMime) {
            // Composed 8bit before this server was known not to take it: the next attempt is
            // composed 7-bit (the worker follows `eight_bit_mime`).
            self.checkin(conn);
            return Err(SendError::Transient(
                "the SMTP server does not advertise 8BITMIME; the message will be sent 7-bit on retry"
                    .into(),
            ));
        }
        let result = if self.pipelining.load(Ordering::Relaxed) && ascii_addresses {
            send_pipelined(&mut conn, envelope, bytes).await
        } else {
            conn.send(envelope, bytes).await
        };
        match result {
            Ok(_) => {
                self.checkin(conn);
                Ok(())
            }
            // After any SMTP error the dialogue's state is unknown (lettre also closes it):
            // the connection is dropped, never returned to the pool.
            Err(e) => Err(classify(&e)),
        }
    }

    /// Whether the server advertised PIPELINING on the latest connection.
    pub fn pipelining(&self) -> bool {
        self.pipelining.load(Ordering::Relaxed)
    }

    async fn checkout(&self) -> Result<Conn, SendError> {
        loop {
            let candidate = {
                let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
                idle.pop()
            };
            let Some((mut conn, since)) = candidate else {
                // Boxed: connecting (TLS included) is by far the largest state of a send,
                // and most sends reuse a pooled connection.
                return Box::pin(self.connect()).await;
            };
            let idle_for = since.elapsed();
            if idle_for > MAX_IDLE {
                conn.abort().await;
                continue;
            }
            if idle_for > PROBE_AFTER_IDLE && !conn.test_connected().await {
                continue;
            }
            return Ok(conn);
        }
    }

    fn checkin(&self, conn: Conn) {
        if conn.has_broken() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        idle.push((conn, Instant::now()));
    }

    /// Opens a connection: TCP with `TCP_NODELAY`, EHLO, STARTTLS and AUTH as configured. Any
    /// failure here is transient: it says nothing about the message.
    async fn connect(&self) -> Result<Conn, SendError> {
        let ep = &self.endpoint;
        let setup = |what: &str, e: &dyn std::fmt::Display| {
            SendError::Transient(format!("SMTP {what} {}:{}: {e}", ep.host, ep.port))
        };
        let tcp = TcpStream::connect((ep.host.as_str(), ep.port))
            .await
            .map_err(|e| setup("connect to", &e))?;
        tcp.set_nodelay(true)
            .map_err(|e| setup("socket option on", &e))?;
        let tls = |tcp| async move {
            let config = self.tls_config().map_err(|e| setup("TLS set-up for", &e))?;
            let tls = tls::handshake(config, &ep.host, tcp)
                .await
                .map_err(|e| setup("TLS handshake with", &e))?;
            Ok::<_, SendError>(Stream::Tls(Box::new(tls)))
        };
        // Replies a parser can always read (see `replies`), under TLS too (see `tls`).
        let stream = match ep.tls {
            Tls::None => Sanitized::new(Stream::Plain(tcp)),
            Tls::Implicit => Sanitized::new(tls(tcp).await?),
            Tls::Opportunistic | Tls::Required => {
                let mut tcp = tcp;
                let required = ep.tls == Tls::Required;
                let upgrade = tls::starttls(&mut tcp, &self.hello, required)
                    .await
                    .map_err(|e| setup("STARTTLS with", &e))?;
                let stream = if upgrade {
                    tls(tcp).await?
                } else {
                    Stream::Plain(tcp)
                };
                Sanitized::after_greeting(stream)
            }
        };
        let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello)
            .await
            .map_err(|e| setup("greeting from", &e))?;
        // lettre keeps only the EHLO keywords it knows, and PIPELINING is not one of them:
        // ask again (EHLO may be repeated, RFC 5321 §4.1.4; before AUTH, which a repeated
        // EHLO could reset) and read the keywords ourselves. Once per pooled connection.
        let ehlo = conn
            .command(Ehlo::new(self.hello.clone()))
            .await
            .map_err(|e| setup("EHLO to", &e))?;
        let pipelining = ehlo.message().skip(1).any(|line| {
            line.split_whitespace()
                .next()
                .is_some_and(|k| k.eq_ignore_ascii_case("PIPELINING"))
        });
        self.pipelining.store(pipelining, Ordering::Relaxed);
        if let Some(credentials) = &ep.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(|e| setup("AUTH with", &e))?;
        }
        let eight_bit = conn.server_info().supports_feature(Extension::EightBitMime);
        let was = self
            .eight_bit_mime
            .swap(if eight_bit { YES } else { NO }, Ordering::Relaxed);
        if !eight_bit && was != NO {
            tracing::warn!(
                "the SMTP server does not advertise 8BITMIME: bodies are sent quoted-printable (more CPU per email)"
            );
        }
        Ok(Conn {
            inner: conn,
            _open: crate::metrics::smtp_connection(),
        })
    }

    /// Closes pooled connections politely (QUIT).
    pub async fn shutdown(&self) {
        let conns: Vec<_> = {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            idle.drain(..).collect()
        };
        for (mut c, _) in conns {
            let _ = c.quit().await;
        }
    }
}

/// An open connection, counted in `mailroom_smtp_connections` until it is dropped (closed).
struct Conn {
    inner: AsyncSmtpConnection,
    _open: crate::metrics::Held,
}

impl std::ops::Deref for Conn {
    type Target = AsyncSmtpConnection;
    fn deref(&self) -> &AsyncSmtpConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut AsyncSmtpConnection {
        &mut self.inner
    }
}

/// 5xx → permanent; a message the client cannot send at all (lettre's client errors, e.g. a
/// non-ASCII address to a server without SMTPUTF8) → permanent; everything else (4xx,
/// network, timeout, TLS) → transient. Addresses quoted in the server's text are removed: the
/// reason goes to logs and dead-letter headers.
fn classify(e: &lettre::transport::smtp::Error) -> SendError {
    // Controls (an ESC from the server) are escaped: the text reaches terminals and headers.
    let text = crate::text::clip(&scrub_addresses(&e.to_string()), 600);
    if e.is_client() {
        SendError::Permanent(format!("the message cannot be sent: {text}"))
    } else if e.is_permanent() {
        SendError::Permanent(format!("SMTP server refused the message: {text}"))
    } else if e.is_transient() {
        SendError::Transient(format!("SMTP server deferred the message: {text}"))
    } else {
        SendError::Transient(format!("SMTP delivery failed: {text}"))
    }
}

/// Replaces every address (with or without angle brackets, its local part quoted or not:
/// `"ana lima"@example.com`) by `<address>`.
fn scrub_addresses(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut done = 0; // chars[..done] are written or replaced
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '@' {
            i += 1;
            continue;
        }
        // The local part: a quoted string, or the word before `@`.
        let mut start = i;
        if start > done && chars[start - 1] == '"' {
            start -= 1;
            while start > done && chars[start - 1] != '"' {
                start -= 1;
            }
            start = start.saturating_sub(1).max(done);
        } else {
            while start > done && !chars[start - 1].is_whitespace() && chars[start - 1] != '<' {
                start -= 1;
            }
        }
        let mut end = i + 1;
        while end < chars.len()
            && !chars[end].is_whitespace()
            && !matches!(chars[end], '>' | ',' | ';')
        {
            end += 1;
        }
        // Its angle brackets and a colon right after go with it.
        if start > done && chars[start - 1] == '<' {
            start -= 1;
        }
        if end < chars.len() && chars[end] == '>' {
            end += 1;
        }
        if end < chars.len() && chars[end] == ':' {
            end += 1;
        }
        out.extend(&chars[done..start]);
        out.push_str("<address>");
        done = end;
        i = end;
    }
    out.extend(&chars[done..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_text_loses_its_addresses() {
        assert_eq!(
            scrub_addresses("550 5.1.1 <ana@example.com>: Recipient address rejected"),
            "550 5.1.1 <address> Recipient address rejected"
        );
        for (reply, scrubbed) in [
            (
                "550 <\"ana lima\"@example.com> unknown",
                "550 <address> unknown",
            ),
            (
                "550 \"quoted local\"@example.com unknown",
                "550 <address> unknown",
            ),
            (
                "550 user ana@example.com, bob@example.org gone",
                "550 user <address>, <address> gone",
            ),
            ("451 try later", "451 try later"),
        ] {
            assert_eq!(scrub_addresses(reply), scrubbed, "{reply}");
        }
    }
}
