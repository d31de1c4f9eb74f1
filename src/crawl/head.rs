//! A connection wrapper that keeps each response head as it arrived and repairs what would
//! make hyper drop the whole response: a bare CR (one not followed by LF) becomes a space, as
//! RFC 9110 §5.5 allows. Bodies pass through untouched.
//!
//! HTTP/1.1 without pipelining: after the client writes a request, the next bytes read are
//! that request's response head (after any 1xx heads), ending at the first empty line.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Bytes of one head kept at most (hyper refuses a head past about 400 KB anyway).
const MAX_HEAD: usize = 512 * 1024;

/// The last complete response head read on one connection, shared with its responses.
#[derive(Clone, Default)]
pub struct HeadCapture(Arc<Mutex<Option<Vec<u8>>>>);

impl HeadCapture {
    /// The head of the response just read, once.
    pub fn take(&self) -> Option<Vec<u8>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    fn set(&self, head: Option<Vec<u8>>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = head;
    }
}

pub struct HeadFilter<S> {
    inner: S,
    capture: HeadCapture,
    in_head: bool,
    raw: Vec<u8>,
    /// A CR ending the last read, held back until the next byte says whether it is bare.
    held_cr: bool,
}

impl<S> HeadFilter<S> {
    pub fn new(inner: S, capture: HeadCapture) -> HeadFilter<S> {
        HeadFilter {
            inner,
            capture,
            in_head: false,
            raw: Vec::new(),
            held_cr: false,
        }
    }

    /// Reads the head bytes in `bytes` (repairing bare CRs in place); returns how many of
    /// them to deliver (all but a trailing CR that cannot be judged yet).
    fn scan(&mut self, bytes: &mut [u8], eof: bool) -> usize {
        let end = bytes.len();
        let mut i = 0;
        while i < end && self.in_head {
            let b = bytes[i];
            if b == b'\r' && i + 1 == end && !eof {
                self.held_cr = true;
                return end - 1;
            }
            if self.raw.len() < MAX_HEAD {
                self.raw.push(b);
            }
            if b == b'\r' && bytes.get(i + 1).is_some_and(|n| *n != b'\n') {
                bytes[i] = b' ';
            }
            if b == b'\n' && (self.raw.ends_with(b"\n\n") || self.raw.ends_with(b"\n\r\n")) {
                self.end_of_head();
            }
            i += 1;
        }
        end
    }

    fn end_of_head(&mut self) {
        let interim = self.raw.starts_with(b"HTTP/1.1 1") || self.raw.starts_with(b"HTTP/1.0 1");
        if interim {
            // hyper skips 1xx responses; the final head follows.
            self.raw.clear();
            return;
        }
        self.in_head = false;
        self.capture.set(Some(std::mem::take(&mut self.raw)));
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for HeadFilter<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if !this.in_head {
                return Pin::new(&mut this.inner).poll_read(cx, buf);
            }
            let start = buf.filled().len();
            let held = std::mem::take(&mut this.held_cr);
            if held {
                buf.put_slice(b"\r");
            }
            let before = buf.filled().len();
            match Pin::new(&mut this.inner).poll_read(cx, buf) {
                Poll::Ready(Ok(())) => {}
                other => {
                    buf.set_filled(start);
                    this.held_cr = held;
                    return other;
                }
            }
            let eof = buf.filled().len() == before;
            let keep = this.scan(&mut buf.filled_mut()[start..], eof);
            buf.set_filled(start + keep);
            // Only a held-back CR was read: read on rather than signal the end of stream.
            if keep > 0 || eof {
                return Poll::Ready(Ok(()));
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for HeadFilter<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        // A request goes out: what is read next is its response head.
        this.in_head = true;
        this.raw.clear();
        this.held_cr = false;
        this.capture.set(None);
        Pin::new(&mut this.inner).poll_write(cx, data)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// The values of every `Set-Cookie` line of a raw head, as bytes (control characters kept).
pub fn set_cookie_lines(head: &[u8]) -> Vec<&[u8]> {
    head.split(|b| *b == b'\n')
        .skip(1)
        .filter_map(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let colon = line.iter().position(|b| *b == b':')?;
            let (name, value) = line.split_at(colon);
            let name = name.trim_ascii_end();
            name.eq_ignore_ascii_case(b"set-cookie")
                .then(|| value[1..].trim_ascii())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Feeds `chunks` as separate reads after one write; returns what was delivered and kept.
    async fn filter(chunks: &[&[u8]]) -> (Vec<u8>, Option<Vec<u8>>) {
        let mut mock = tokio_test_io(chunks);
        let capture = HeadCapture::default();
        let mut f = HeadFilter::new(&mut mock, capture.clone());
        f.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
        let mut out = Vec::new();
        f.read_to_end(&mut out).await.unwrap();
        (out, capture.take())
    }

    /// A duplex pipe preloaded with `chunks`, each written separately.
    fn tokio_test_io(chunks: &[&[u8]]) -> tokio::io::DuplexStream {
        let (client, mut server) = tokio::io::duplex(1 << 20);
        let chunks: Vec<Vec<u8>> = chunks.iter().map(|c| c.to_vec()).collect();
        tokio::spawn(async move {
            let mut req = [0u8; 18];
            let _ = server.read_exact(&mut req).await;
            for c in chunks {
                let _ = server.write_all(&c).await;
                tokio::task::yield_now().await;
            }
        });
        client
    }

    #[tokio::test]
    async fn bare_cr_in_a_head_becomes_a_space_and_the_head_is_kept_as_sent() {
        let (out, head) = filter(&[
            b"HTTP/1.1 200 OK\r\nX: a\rb\r",
            b"\nY: c\r",
            b"d\r\n\r\nbo\rdy",
        ])
        .await;
        assert_eq!(out, b"HTTP/1.1 200 OK\r\nX: a b\r\nY: c d\r\n\r\nbo\rdy");
        assert_eq!(
            head.unwrap(),
            b"HTTP/1.1 200 OK\r\nX: a\rb\r\nY: c\rd\r\n\r\n"
        );
    }

    #[tokio::test]
    async fn interim_heads_are_skipped_and_bodies_untouched() {
        let (out, head) = filter(&[b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\n\nx\ry"]).await;
        assert!(out.ends_with(b"x\ry"));
        assert_eq!(head.unwrap(), b"HTTP/1.1 200 OK\n\n");
    }

    #[test]
    fn set_cookie_lines_keep_control_characters() {
        let head = b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\x01\r\nset-cookie:b=2 \r\nX: y\r\nSet-Cookie:c=\x7f\r\n\r\n";
        let lines = set_cookie_lines(head);
        assert_eq!(lines, vec![&b"a=1\x01"[..], b"b=2", b"c=\x7f"]);
    }
}
