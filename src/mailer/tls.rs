//! TLS to the relay, done here rather than by lettre so that the replies read after it still
//! pass through [`Sanitized`](super::replies::Sanitized) (lettre wraps TLS around the stream
//! it is given, and would then read the decrypted replies unrewritten), and so that the
//! implicit-TLS socket gets `TCP_NODELAY` like every other.
//!
//! STARTTLS (RFC 3207) is a short plain-text dialogue before the handshake: the greeting,
//! `EHLO`, `STARTTLS` and its `220`. It runs here on the bare socket; lettre gets the
//! encrypted stream afterwards and starts with `EHLO`, so what it learns of the server (AUTH
//! mechanisms, 8BITMIME) is what the server says under TLS.

use std::sync::Arc;

use lettre::transport::smtp::commands::Ehlo;
use lettre::transport::smtp::extension::ClientId;
use rustls::ClientConfig;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// A plain-text reply before STARTTLS is at most this long; a server sending more is not
/// one we can talk to.
const MAX_PLAIN_REPLY: usize = 16 * 1024;

/// Certificates checked by the platform's verifier (the system's roots), plus `extra_roots`
/// (a private relay's CA).
pub fn client_config(
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<Arc<ClientConfig>, String> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider.clone())
            .map_err(|e| format!("the system's TLS roots could not be loaded: {e}"))?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous() // a custom verifier: the platform's, which does verify
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The TLS handshake over `tcp`, verifying the certificate for `host`.
pub async fn handshake(
    config: &Arc<ClientConfig>,
    host: &str,
    tcp: TcpStream,
) -> Result<TlsStream<TcpStream>, String> {
    let name = ServerName::try_from(host.to_owned())
        .map_err(|e| format!("`{host}` is not a name a certificate can be checked against: {e}"))?;
    TlsConnector::from(config.clone())
        .connect(name, tcp)
        .await
        .map_err(|e| match e.get_ref() {
            // rustls says why (an unknown issuer, an expired certificate, a name mismatch).
            Some(inner) => inner.to_string(),
            None => e.to_string(),
        })
}

/// The plain-text part of STARTTLS: the greeting, `EHLO`, and `STARTTLS` when the server
/// offers it. `Ok(true)`: the server said `220` and the handshake comes next; `Ok(false)`:
/// not offered and not `required`, so the session goes on in plain text.
pub async fn starttls(
    tcp: &mut TcpStream,
    hello: &ClientId,
    required: bool,
) -> Result<bool, String> {
    let greeting = read_reply(tcp).await?;
    if !greeting.starts_with('2') {
        return Err(format!("the server's greeting is not positive: {greeting}"));
    }
    write(tcp, Ehlo::new(hello.clone()).to_string().as_bytes()).await?;
    let ehlo = read_reply(tcp).await?;
    if !ehlo.starts_with('2') {
        return Err(format!("EHLO was refused: {ehlo}"));
    }
    let offered = ehlo.lines().skip(1).any(|line| {
        line.get(4..)
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(|k| k.eq_ignore_ascii_case("STARTTLS"))
    });
    if !offered {
        return if required {
            Err("the server does not offer STARTTLS, and the URL says tls=required".into())
        } else {
            Ok(false)
        };
    }
    write(tcp, b"STARTTLS\r\n").await?;
    let ready = read_reply(tcp).await?;
    if !ready.starts_with("220") {
        return Err(format!("STARTTLS was refused: {ready}"));
    }
    Ok(true)
}

async fn write(tcp: &mut TcpStream, bytes: &[u8]) -> Result<(), String> {
    tcp.write_all(bytes).await.map_err(|e| e.to_string())
}

/// One reply (all its lines), read byte by byte so nothing after it is consumed: after
/// `220` to STARTTLS the next bytes are the server's TLS records. Non-ASCII bytes become `?`.
async fn read_reply(tcp: &mut TcpStream) -> Result<String, String> {
    let mut reply = Vec::new();
    let mut line_start = 0;
    loop {
        let b = tcp.read_u8().await.map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => "the server closed the connection".to_owned(),
            _ => e.to_string(),
        })?;
        reply.push(if b.is_ascii() { b } else { b'?' });
        if reply.len() > MAX_PLAIN_REPLY {
            return Err("the server's reply is too long".into());
        }
        if b == b'\n' {
            let line = &reply[line_start..];
            // `250-…` continues, `250 …` (or a bare code) ends the reply.
            if line.len() < 4 || line[3] != b'-' {
                let text = String::from_utf8_lossy(&reply).trim_end().to_owned();
                return Ok(text);
            }
            line_start = reply.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_platform_verifier_config_builds() {
        client_config(Vec::new()).unwrap();
    }
}
