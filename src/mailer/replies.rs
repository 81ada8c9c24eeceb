//! The stream lettre reads SMTP replies from, made safe to parse.
//!
//! lettre reads each reply line into a `String` and gives up on a byte that is not UTF-8 (an
//! I/O error) or on a line over 1,000 bytes (a parse error). Either way the reply code is lost
//! and the failure looks transient, so a server answering `550` in Latin-1, or with an endless
//! line, would have an email retried for hours instead of dead-lettered. This stream rewrites
//! what it reads: every byte outside ASCII becomes `?`, and a line is cut after
//! [`MAX_LINE`] bytes (its CR and LF are kept), so the code and the line structure survive.
//! Only the server's text changes, and that only goes into logs and dead-letter headers.
//!
//! The rewriting applies to the decrypted replies too: TLS (implicit, or after STARTTLS, which
//! `tls` runs before lettre gets the stream) is inside this stream, not around it.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

/// Reply-line bytes kept: well under lettre's 1,000, and more than any useful reply text.
pub const MAX_LINE: usize = 512;

/// The connection under the rewriting: plain, or TLS over TCP.
#[derive(Debug)]
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

#[derive(Debug)]
pub struct Sanitized {
    inner: Stream,
    /// Bytes of the current line so far.
    column: usize,
    /// Read before the stream (see [`Sanitized::after_greeting`]).
    prefix: &'static [u8],
}

impl Sanitized {
    pub fn new(inner: Stream) -> Sanitized {
        Sanitized {
            inner,
            column: 0,
            prefix: b"",
        }
    }

    /// A stream whose greeting was already read (by the STARTTLS dialogue in `tls`): lettre
    /// reads a greeting first, so it is given this stand-in, which it reads and ignores, and
    /// then says EHLO, as RFC 3207 requires after STARTTLS.
    pub fn after_greeting(inner: Stream) -> Sanitized {
        Sanitized {
            prefix: b"220 mailroom: greeting read before STARTTLS\r\n",
            ..Sanitized::new(inner)
        }
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }
}

impl AsyncRead for Sanitized {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.prefix.is_empty() {
            let n = this.prefix.len().min(buf.remaining());
            buf.put_slice(&this.prefix[..n]);
            this.prefix = &this.prefix[n..];
            return Poll::Ready(Ok(()));
        }
        loop {
            let before = buf.filled().len();
            match Pin::new(&mut this.inner).poll_read(cx, buf) {
                Poll::Ready(Ok(())) => {}
                other => return other,
            }
            let read = buf.filled().len() - before;
            if read == 0 {
                return Poll::Ready(Ok(()));
            }
            let kept = rewrite(&mut this.column, &mut buf.filled_mut()[before..]);
            buf.set_filled(before + kept);
            // Everything read was cut off: read on, since 0 new bytes would mean end of stream.
            if kept > 0 {
                return Poll::Ready(Ok(()));
            }
        }
    }
}

/// The rewrite itself (see the module doc), in place over the running line length `column`;
/// returns how many bytes are kept.
fn rewrite(column: &mut usize, bytes: &mut [u8]) -> usize {
    let mut kept = 0;
    for i in 0..bytes.len() {
        let b = bytes[i];
        let keep = match b {
            b'\n' => {
                *column = 0;
                true
            }
            b'\r' => true,
            _ => {
                *column += 1;
                *column <= MAX_LINE
            }
        };
        if keep {
            bytes[kept] = if b.is_ascii() { b } else { b'?' };
            kept += 1;
        }
    }
    kept
}

impl AsyncWrite for Sanitized {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

impl lettre::transport::smtp::client::AsyncTokioStream for Sanitized {
    fn peer_addr(&self) -> io::Result<std::net::SocketAddr> {
        match &self.inner {
            Stream::Plain(s) => s.peer_addr(),
            Stream::Tls(s) => s.get_ref().0.peer_addr(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_keep_their_code_and_lines_whatever_their_text() {
        let mut column = 0;
        let mut reply = b"550 5.1.1 Usu\xe1rio desconhecido\r\n".to_vec();
        let kept = rewrite(&mut column, &mut reply);
        assert_eq!(&reply[..kept], b"550 5.1.1 Usu?rio desconhecido\r\n");

        let mut long = b"550 ".to_vec();
        long.extend(std::iter::repeat_n(b'x', 5000));
        long.extend_from_slice(b"\r\n250 next\r\n");
        // In two reads, cut in the middle of the long line.
        let (a, b) = long.split_at_mut(3000);
        let (ka, kb) = (rewrite(&mut column, a), rewrite(&mut column, b));
        let out = [&a[..ka], &b[..kb]].concat();
        assert_eq!(out.len(), MAX_LINE + 2 + b"250 next\r\n".len());
        assert!(out.starts_with(b"550 xxx"));
        assert!(out.ends_with(b"x\r\n250 next\r\n"));
    }
}
