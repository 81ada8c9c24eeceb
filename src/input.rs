//! Bounded reading of event input: the lines of `run --events` and the file of `preview
//! --event`. No input, however large (a 1 GB line, `/dev/zero`), makes mailroom hold more than
//! the event limit plus one read buffer: an over-long line is hashed and counted as it is
//! skipped, and only a short prefix of it is kept for the record.

use std::io::{self, BufRead, Read};

use sha2::{Digest, Sha256};

use crate::event::MAX_EVENT_BYTES;

/// How much of an over-long line `rejected.jsonl` keeps, so a person can see what it was.
pub const PREFIX_BYTES: usize = 256;

/// One line, as far as it was kept.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The whole line is in the buffer (without its newline).
    Whole,
    /// The line was longer than the limit: it was skipped up to its newline.
    TooLong {
        /// Its length in bytes, without the newline.
        size: u64,
        /// SHA-256 (hex) of the whole line, so the record can be matched with the source.
        sha256: String,
        /// Its first [`PREFIX_BYTES`] bytes.
        prefix: Vec<u8>,
    },
    /// The input has ended.
    End,
}

/// Reads one line into `buf` (cleared first), keeping at most `limit` bytes; see [`Line`].
pub fn read_line(input: &mut impl BufRead, buf: &mut Vec<u8>, limit: usize) -> io::Result<Line> {
    buf.clear();
    let mut read_any = false;
    // Filled once the line is known to be too long: from then on bytes are only counted.
    let mut skipping: Option<(Sha256, u64)> = None;
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        read_any = true;
        let (part, newline) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (&chunk[..i], true),
            None => (chunk, false),
        };
        let used = part.len() + usize::from(newline);
        match &mut skipping {
            Some((hash, size)) => {
                hash.update(part);
                *size += part.len() as u64;
            }
            None if buf.len() + part.len() <= limit => buf.extend_from_slice(part),
            None => {
                let mut hash = Sha256::new();
                hash.update(&buf[..]);
                hash.update(part);
                let size = (buf.len() + part.len()) as u64;
                let keep = PREFIX_BYTES.saturating_sub(buf.len()).min(part.len());
                buf.extend_from_slice(&part[..keep]);
                buf.truncate(PREFIX_BYTES);
                skipping = Some((hash, size));
            }
        }
        input.consume(used);
        if newline {
            break;
        }
    }
    if !read_any {
        return Ok(Line::End);
    }
    Ok(match skipping {
        None => Line::Whole,
        Some((hash, size)) => Line::TooLong {
            size,
            sha256: crate::text::hex(&hash.finalize()),
            prefix: std::mem::take(buf),
        },
    })
}

/// Reads a whole event file (or standard input for `-`), refusing one over the event limit
/// without reading more than the limit plus one byte of it.
pub fn read_event_file(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context as _;
    let limit = MAX_EVENT_BYTES as u64 + 1;
    let mut buf = Vec::new();
    let what = if path == std::path::Path::new("-") {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut buf)
            .context("cannot read standard input")?;
        "standard input".to_owned()
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(limit).read_to_end(&mut buf))
            .with_context(|| format!("cannot read {}", path.display()))?;
        path.display().to_string()
    };
    if buf.len() > MAX_EVENT_BYTES {
        anyhow::bail!("{what}: the event is over the {MAX_EVENT_BYTES}-byte limit");
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], limit: usize) -> Vec<(Line, Vec<u8>)> {
        // A small read buffer, so lines span many reads.
        let mut r = io::BufReader::with_capacity(7, input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            let l = read_line(&mut r, &mut buf, limit).unwrap();
            if l == Line::End {
                return out;
            }
            out.push((l, buf.clone()));
        }
    }

    #[test]
    fn lines_within_the_limit_are_whole() {
        let got = lines(b"ab\n\ncdef\nlast", 4);
        let texts: Vec<&[u8]> = got.iter().map(|(_, b)| b.as_slice()).collect();
        assert_eq!(texts, [&b"ab"[..], b"", b"cdef", b"last"]);
        assert!(got.iter().all(|(l, _)| *l == Line::Whole));
    }

    #[test]
    fn an_over_long_line_is_skipped_hashed_and_the_next_one_read() {
        let long = vec![b'x'; 1000];
        let mut input = long.clone();
        input.extend_from_slice(b"\nok\n");
        let got = lines(&input, 300);
        assert_eq!(got.len(), 2);
        let Line::TooLong {
            size,
            sha256,
            prefix,
        } = &got[0].0
        else {
            panic!("{:?}", got[0].0)
        };
        assert_eq!(*size, 1000);
        assert_eq!(*sha256, crate::text::hex(&Sha256::digest(&long)));
        assert_eq!(prefix.as_slice(), &long[..PREFIX_BYTES]);
        assert_eq!(got[1], (Line::Whole, b"ok".to_vec()));
    }

    #[test]
    fn a_line_one_byte_over_the_limit_is_too_long() {
        let got = lines(b"12345\n1234\n", 4);
        assert!(matches!(got[0].0, Line::TooLong { size: 5, .. }));
        assert_eq!(got[1], (Line::Whole, b"1234".to_vec()));
    }

    #[test]
    fn an_endless_line_is_read_in_bounded_memory() {
        // 64 MiB of zeros without a newline, read through a 1 KiB limit.
        let mut zeros = io::BufReader::new(io::repeat(0).take(64 << 20));
        let mut buf = Vec::new();
        let l = read_line(&mut zeros, &mut buf, 1024).unwrap();
        assert!(matches!(l, Line::TooLong { size, .. } if size == 64 << 20));
        assert!(buf.capacity() <= 64 * 1024, "{}", buf.capacity());
    }
}
