//! The pipelined SMTP dialogue (RFC 2920) over lettre's connection, and the dot-stuffing it
//! needs: one write for `MAIL`, `RCPT` and `DATA`, one for the message.

use lettre::address::Envelope;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;

/// Only plain ASCII addresses go the pipelined way; anything else (SMTPUTF8) takes lettre's.
pub(super) fn ascii_envelope(envelope: &Envelope) -> bool {
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
pub(super) async fn send_pipelined(
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
}
