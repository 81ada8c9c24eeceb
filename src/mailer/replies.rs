//! The plain TCP stream lettre reads SMTP replies from, made safe to parse.
//!
//! lettre reads each reply line into a `String` and gives up on a byte that is not UTF-8 (an
//! I/O error) or on a line over 1,000 bytes (a parse error). Either way the reply code is lost
//! and the failure looks transient, so a server answering `550` in Latin-1, or with an endless
//! line, would have an email retried for hours instead of dead-lettered. This stream rewrites
//! what it reads: every byte outside ASCII becomes `?`, and a line is cut after
//! [`MAX_LINE`] bytes (its CR and LF are kept), so the code and the line structure survive.
//! Only the server's text changes, and that only goes into logs and dead-letter headers.
//!
//! TLS records must pass untouched, so [`Sanitized::handle`] switches the rewriting off before
//! STARTTLS; from then on lettre reads decrypted replies itself, unrewritten.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// Reply-line bytes kept: well under lettre's 1,000, and more than any useful reply text.
pub const MAX_LINE: usize = 512;

#[derive(Debug)]
pub struct Sanitized {
    inner: TcpStream,
    /// Bytes of the current line so far.
    column: usize,
    /// Cleared before STARTTLS: from then on the bytes are TLS records.
    rewrite: Arc<AtomicBool>,
}

impl Sanitized {
    pub fn new(inner: TcpStream) -> Sanitized {
        Sanitized {
            inner,
            column: 0,
            rewrite: Arc::new(AtomicBool::new(true)),
        }
    }

    /// A switch that stops the rewriting (for STARTTLS), usable after lettre took the stream.
    pub fn handle(&self) -> Arc<AtomicBool> {
        self.rewrite.clone()
    }
}

impl AsyncRead for Sanitized {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            let before = buf.filled().len();
            match Pin::new(&mut this.inner).poll_read(cx, buf) {
                Poll::Ready(Ok(())) => {}
                other => return other,
            }
            let read = buf.filled().len() - before;
            if read == 0 || !this.rewrite.load(Ordering::Relaxed) {
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
        self.inner.peer_addr()
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
