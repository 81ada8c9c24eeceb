//! SMTP delivery: the only module that knows the SMTP transport (lettre's connection type).
//!
//! Connections are pooled here rather than in lettre's pool for two reasons: lettre never sets
//! `TCP_NODELAY` (each email then waits ~40 ms on Nagle + delayed ACK), and its pool sends a
//! `NOOP` on every checkout. We open the socket ourselves with `TCP_NODELAY`, hand it to lettre
//! for the SMTP dialogue, and only probe a connection with `NOOP` after it sat idle.
//!
//! When the server advertises PIPELINING, a message takes two writes instead of lettre's five
//! ([`send_pipelined`], still through lettre's connection: its `command` and `read_response`);
//! otherwise lettre's own `send` runs the dialogue.
//!
//! Every send is bounded as a whole by the configured timeout (lettre's own timeout covers the
//! TCP connect only). The reply code decides [`SendError::Transient`] (4xx, timeouts, network
//! and set-up failures) vs [`SendError::Permanent`] (5xx to the message itself).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::{Duration, Instant};

use crate::compose::Composed;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Ehlo, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use crate::config::SecretUrl;

mod replies;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tls {
    None,
    /// STARTTLS when offered.
    Opportunistic,
    /// STARTTLS or fail.
    Required,
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// Where and how to connect, parsed from the SMTP URL.
#[derive(Clone)]
struct Endpoint {
    host: String,
    port: u16,
    tls: Tls,
    credentials: Option<Credentials>,
}

#[derive(Debug, thiserror::Error)]
#[error("{key}: {message}")]
pub struct UrlError {
    key: &'static str,
    message: String,
}

impl Endpoint {
    fn parse(url: &SecretUrl) -> Result<Endpoint, UrlError> {
        let err = |message: String| UrlError {
            key: "MAILROOM_SMTP_URL",
            message,
        };
        let u = url::Url::parse(url.expose())
            .map_err(|e| err(format!("`{}` is not a URL ({e})", url.redacted())))?;
        let host = u
            .host_str()
            .ok_or_else(|| err(format!("`{}` has no host", url.redacted())))?
            .trim_matches(['[', ']'])
            .to_owned();
        let mut tls = match u.scheme() {
            "smtp" => Tls::None,
            "smtps" => Tls::Implicit,
            other => return Err(err(format!("unknown scheme `{other}` (use smtp or smtps)"))),
        };
        for (k, v) in u.query_pairs() {
            match (k.as_ref(), v.as_ref(), tls) {
                ("tls", "required", Tls::None) => tls = Tls::Required,
                ("tls", "opportunistic", Tls::None) => tls = Tls::Opportunistic,
                ("tls", "none", Tls::None) => {}
                _ => {
                    return Err(err(format!(
                        "unknown option `{k}={v}` (smtp:// takes tls=required, tls=opportunistic or tls=none)"
                    )));
                }
            }
        }
        let port = u.port().unwrap_or(match tls {
            Tls::Implicit => 465,
            Tls::Required => 587,
            _ => 25,
        });
        let decode = |s: &str| {
            percent_decode(s)
                .map_err(|_| err("user or password is not valid percent-encoded UTF-8".into()))
        };
        let credentials = if u.username().is_empty() {
            None
        } else {
            Some(Credentials::new(
                decode(u.username())?,
                decode(u.password().unwrap_or_default())?,
            ))
        };
        Ok(Endpoint {
            host,
            port,
            tls,
            credentials,
        })
    }
}

fn percent_decode(s: &str) -> Result<String, std::str::Utf8Error> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
}

/// Sends messages over a bounded pool of SMTP connections.
pub struct Mailer {
    endpoint: Endpoint,
    hello: ClientId,
    timeout: Duration,
    /// Caps connections (and so sends) in flight: lettre has no cap of its own.
    permits: Semaphore,
    /// Connections between sends, with the moment they were returned.
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    /// Whether the server takes 8bit bodies, as its last EHLO said: UNKNOWN, YES or NO.
    eight_bit_mime: AtomicU8,
    /// Whether the server advertised PIPELINING (RFC 2920), which lettre does not record.
    pipelining: AtomicBool,
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
        })
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
        if !bytes.is_ascii() && !conn.server_info().supports_feature(Extension::EightBitMime) {
            // Composed 8bit before this server was known not to take it: the next attempt is
            // composed 7-bit (the worker follows `eight_bit_mime`).
            self.checkin(conn);
            return Err(SendError::Transient(
                "the SMTP server does not advertise 8BITMIME; the message will be sent 7-bit on retry"
                    .into(),
            ));
        }
        let envelope = message.envelope();
        let result = if self.pipelining.load(Ordering::Relaxed) && ascii_envelope(envelope) {
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

    async fn checkout(&self) -> Result<AsyncSmtpConnection, SendError> {
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

    fn checkin(&self, conn: AsyncSmtpConnection) {
        if conn.has_broken() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        idle.push((conn, Instant::now()));
    }

    /// Opens a connection: TCP with `TCP_NODELAY`, EHLO, STARTTLS and AUTH as configured. Any
    /// failure here is transient: it says nothing about the message.
    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let ep = &self.endpoint;
        let setup = |what: &str, e: &dyn std::fmt::Display| {
            SendError::Transient(format!("SMTP {what} {}:{}: {e}", ep.host, ep.port))
        };
        let mut conn = if ep.tls == Tls::Implicit {
            // Implicit TLS goes through lettre's own connector (it wraps the socket before
            // EHLO); TLS records already batch each command.
            let tls =
                TlsParameters::new(ep.host.clone()).map_err(|e| setup("TLS set-up for", &e))?;
            AsyncSmtpConnection::connect_tokio1(
                (ep.host.as_str(), ep.port),
                Some(self.timeout),
                &self.hello,
                Some(tls),
                None,
            )
            .await
            .map_err(|e| setup("connect to", &e))?
        } else {
            let tcp = TcpStream::connect((ep.host.as_str(), ep.port))
                .await
                .map_err(|e| setup("connect to", &e))?;
            tcp.set_nodelay(true)
                .map_err(|e| setup("socket option on", &e))?;
            // Replies a parser can always read (see `replies`), until STARTTLS.
            let tcp = replies::Sanitized::new(tcp);
            let rewriting = tcp.handle();
            let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello)
                .await
                .map_err(|e| setup("greeting from", &e))?;
            let starttls = match ep.tls {
                Tls::Required => true,
                Tls::Opportunistic => conn.can_starttls(),
                _ => false,
            };
            if starttls {
                rewriting.store(false, Ordering::Relaxed);
                let tls =
                    TlsParameters::new(ep.host.clone()).map_err(|e| setup("TLS set-up for", &e))?;
                conn.starttls(tls, &self.hello)
                    .await
                    .map_err(|e| setup("STARTTLS with", &e))?;
            }
            conn
        };
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
        Ok(conn)
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

/// Only plain ASCII addresses go the pipelined way; anything else (SMTPUTF8) takes lettre's.
fn ascii_envelope(envelope: &Envelope) -> bool {
    let ascii = |a: &lettre::Address| AsRef::<str>::as_ref(a).is_ascii();
    envelope.from().is_none_or(ascii) && envelope.to().iter().all(ascii)
}

/// Text written to the server as it is, by lettre's `command` (which writes it and reads one
/// reply). lettre formats the command into a new `String` and keeps the command itself until
/// the reply comes, so a `Raw` hands its text over once and frees it as it is formatted: a
/// dot-stuffed message is then not held a second time while the server answers (at a
/// concurrency of 256 those copies were about 2 MB).
struct Raw(std::cell::Cell<String>);

impl Raw {
    fn new(text: String) -> Raw {
        Raw(std::cell::Cell::new(text))
    }
}

impl std::fmt::Display for Raw {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.take())
    }
}

/// One message with PIPELINING (RFC 2920): `MAIL`, every `RCPT` and `DATA` in one write, their
/// replies read in order, then the dot-stuffed message and its final `.` in a second write.
/// lettre's own `send` makes five writes and waits for four replies; on loopback each write
/// is a packet and each reply a wake-up, together about as much CPU as rendering the email. The
/// first negative reply ends the dialogue with that error (the caller drops the connection,
/// so the replies still in flight are never misread as later ones).
async fn send_pipelined(
    conn: &mut AsyncSmtpConnection,
    envelope: &Envelope,
    message: &[u8],
) -> Result<Response, lettre::transport::smtp::Error> {
    let mut params = Vec::new();
    if !message.is_ascii() {
        params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    let mut group = Mail::new(envelope.from().cloned(), params).to_string();
    for to in envelope.to() {
        group.push_str(&Rcpt::new(to.clone(), Vec::new()).to_string());
    }
    group.push_str(&Data.to_string());
    conn.command(Raw::new(group)).await?;
    for _ in envelope.to() {
        conn.read_response().await?;
    }
    conn.read_response().await?;
    match String::from_utf8(dot_stuffed(message)) {
        Ok(data) => conn.command(Raw::new(data)).await,
        // Every message we compose is UTF-8; lettre's writer takes any bytes.
        Err(_) => conn.message(message).await,
    }
}

/// The message as `DATA` carries it (RFC 5321 §4.5.2): a `.` starting a line is doubled, and
/// `CRLF . CRLF` ends it. Lines start after CRLF, as lettre's own writer counts them.
fn dot_stuffed(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 16);
    if message.first() == Some(&b'.') {
        out.push(b'.');
    }
    let mut from = 0;
    for at in memchr::memmem::find_iter(message, b"\r\n.") {
        out.extend_from_slice(&message[from..at + 2]);
        out.push(b'.');
        from = at + 2;
    }
    out.extend_from_slice(&message[from..]);
    out.extend_from_slice(b"\r\n.\r\n");
    out
}

/// 5xx → permanent; a message the client cannot send at all (lettre's client errors, e.g. a
/// non-ASCII address to a server without SMTPUTF8) → permanent; everything else (4xx,
/// network, timeout, TLS) → transient. Addresses quoted in the server's text are removed: the
/// reason goes to logs and dead-letter headers.
fn classify(e: &lettre::transport::smtp::Error) -> SendError {
    let text = scrub_addresses(&e.to_string());
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

/// Replaces every word that contains `@` (an address, with or without angle brackets).
fn scrub_addresses(text: &str) -> String {
    text.split(' ')
        .map(|w| if w.contains('@') { "<address>" } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_command_hands_its_text_over_once() {
        let raw = Raw::new("DATA\r\n".to_owned());
        assert_eq!(raw.to_string(), "DATA\r\n");
        assert_eq!(
            raw.to_string(),
            "",
            "the text was freed when it was formatted"
        );
    }

    #[test]
    fn dots_that_start_a_line_are_doubled_and_the_data_ends_with_a_dot_line() {
        assert_eq!(dot_stuffed(b"a\r\nb"), b"a\r\nb\r\n.\r\n");
        assert_eq!(
            dot_stuffed(b".x\r\n.\r\n..y\r\nz.\r\n"),
            b"..x\r\n..\r\n...y\r\nz.\r\n\r\n.\r\n"
        );
        // As lettre counts lines: only after CRLF.
        assert_eq!(dot_stuffed(b"a\n.b"), b"a\n.b\r\n.\r\n");
    }

    #[test]
    fn server_text_loses_its_addresses() {
        assert_eq!(
            scrub_addresses("550 5.1.1 <ana@example.com>: Recipient address rejected"),
            "550 5.1.1 <address> Recipient address rejected"
        );
    }

    fn ep(url: &str) -> Endpoint {
        Endpoint::parse(&SecretUrl::new(url)).unwrap()
    }

    #[test]
    fn smtp_urls_choose_tls_and_ports() {
        let e = ep("smtp://127.0.0.1:2525");
        assert_eq!((e.port, e.tls), (2525, Tls::None));
        assert_eq!(ep("smtp://mx.test?tls=required").port, 587);
        assert_eq!(ep("smtp://mx.test?tls=required").tls, Tls::Required);
        assert_eq!(ep("smtps://mx.test").port, 465);
        assert!(ep("smtp://user%40x:p%3Ass@mx.test").credentials.is_some());
        let err = Endpoint::parse(&SecretUrl::new("smtp://u:hunter2@mx.test?tls=maybe"))
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("tls=maybe") && !err.contains("hunter2"),
            "{err}"
        );
    }

    #[test]
    fn percent_decoding_handles_escapes_and_plain_text() {
        assert_eq!(percent_decode("a%40b%3Ac").unwrap(), "a@b:c");
        assert_eq!(percent_decode("100%").unwrap(), "100%");
    }
}
