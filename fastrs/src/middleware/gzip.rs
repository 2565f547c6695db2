//! GZip: Starlette's `GZipMiddleware` (FastAPI's `fastapi.middleware.gzip`).
//!
//! When the request's `Accept-Encoding` contains `gzip`, a response body of at
//! least `minimum_size` bytes (default 500) is compressed at `compresslevel`
//! (default 9): `Content-Encoding: gzip`, `Content-Length` set to the
//! compressed size, `Accept-Encoding` appended to `Vary`. As in Starlette:
//!
//! - a response that already has a `Content-Encoding`, a `206 Partial
//!   Content`, or an excluded content type (`text/event-stream`, images,
//!   audio, video, archives, gRPC, fonts: [`DEFAULT_EXCLUDED_CONTENT_TYPES`])
//!   is left alone;
//! - a body of at least `minimum_size` gets `Vary: Accept-Encoding` even when
//!   the client does not accept gzip (the answer depends on that header);
//! - a streamed body ([`Body::Stream`]) is compressed as it streams whatever
//!   its size, each chunk flushed (`Z_SYNC_FLUSH`) so the client gets it at
//!   once, `Content-Length` removed; a stream that yields no data is left alone.
//!
//! Bodies of 128 KiB or more are compressed on the blocking pool, as Starlette
//! moves them to a worker thread.
//!
//! Where fastrs differs: an empty body ([`Body::Empty`]: `204`, `304`, a
//! `HEAD` answer) is never compressed (Starlette compresses an empty body
//! when `minimum_size` is 0). A `HEAD` answer, whose body fastrs dropped
//! before the middleware runs, gets the headers its `GET` would get
//! (`Vary`, and `Content-Encoding: gzip` without `Content-Length`, since the
//! compressed size is unknown) when its `Content-Length` reaches
//! `minimum_size`.
//!
//! ```
//! use fastrs::prelude::*;
//! use fastrs::gzip::GZip;
//!
//! #[get("/big")]
//! async fn big() -> PlainText { PlainText("x".repeat(1000)) }
//!
//! let app = App::new().route(big).middleware_boxed(GZip::new().minimum_size(500).into_middleware());
//! let client = TestClient::new(app);
//! let r = client.get("/big").header("accept-encoding", "gzip, deflate").send();
//! assert_eq!(r.header("content-encoding"), Some("gzip"));
//! assert!(r.bytes().len() < 100);
//! let r = client.get("/big").send();
//! assert_eq!(r.header("content-encoding"), None);
//! assert_eq!(r.header("vary"), Some("Accept-Encoding"));
//! ```

use std::io::Write;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use flate2::write::GzEncoder;
use flate2::Compression;
use http::header::{HeaderValue, ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use http::{Method, StatusCode};
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;

use crate::body::{Body, BoxError};
use crate::middleware::{Middleware, Next};
use crate::response::Response;

/// Content types never compressed (Starlette's `DEFAULT_EXCLUDED_CONTENT_TYPES`);
/// `type/*` covers a whole type.
pub const DEFAULT_EXCLUDED_CONTENT_TYPES: [&str; 14] = [
    "application/grpc",
    "application/gzip",
    "application/x-gzip",
    "application/zip",
    "audio/*",
    "font/woff",
    "font/woff2",
    "image/avif",
    "image/gif",
    "image/jpeg",
    "image/png",
    "image/webp",
    "text/event-stream",
    "video/*",
];

/// Bodies at least this large are compressed on the blocking pool.
const THREAD_MINIMUM_SIZE: usize = 128 * 1024;

const GZIP: HeaderValue = HeaderValue::from_static("gzip");

/// The GZip settings, with Starlette's names and defaults.
#[derive(Debug, Clone)]
pub struct GZip {
    /// Smaller bodies are sent as they are (default 500 bytes).
    pub minimum_size: usize,
    /// zlib's level, 0 (none) to 9 (best, the default).
    pub compresslevel: u32,
    /// Content types left alone (default [`DEFAULT_EXCLUDED_CONTENT_TYPES`]);
    /// parameters after `;` are ignored, case-insensitive, `type/*` allowed.
    pub exclude_content_types: Vec<String>,
}

impl Default for GZip {
    fn default() -> Self {
        GZip {
            minimum_size: 500,
            compresslevel: 9,
            exclude_content_types: DEFAULT_EXCLUDED_CONTENT_TYPES
                .iter()
                .map(|t| (*t).to_owned())
                .collect(),
        }
    }
}

impl GZip {
    /// Starlette's defaults: `minimum_size` 500, `compresslevel` 9.
    pub fn new() -> Self {
        Self::default()
    }

    /// The smallest body compressed, in bytes.
    pub fn minimum_size(mut self, bytes: usize) -> Self {
        self.minimum_size = bytes;
        self
    }

    /// The compression level, 0 to 9.
    pub fn compresslevel(mut self, level: u32) -> Self {
        self.compresslevel = level;
        self
    }

    /// The content types never compressed (replaces the default list).
    pub fn exclude_content_types<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.exclude_content_types = types.into_iter().map(Into::into).collect();
        self
    }

    /// The middleware, for [`App::middleware_boxed`](crate::App::middleware_boxed).
    ///
    /// # Panics
    /// When `compresslevel` is above 9 (zlib's "Bad compression level").
    pub fn into_middleware(self) -> Middleware {
        assert!(
            self.compresslevel <= 9,
            "GZip compresslevel must be 0 to 9, not {}",
            self.compresslevel
        );
        let config = Arc::new(Config {
            minimum_size: self.minimum_size,
            level: Compression::new(self.compresslevel),
            exclude: self
                .exclude_content_types
                .iter()
                .map(|t| normalize(t).to_owned())
                .collect(),
        });
        crate::middleware::from_fn(move |req, next: Next| {
            let config = Arc::clone(&config);
            async move {
                // Starlette: `"gzip" in headers.get("Accept-Encoding", "")`.
                let gzip = req
                    .headers()
                    .get(ACCEPT_ENCODING)
                    .is_some_and(|v| contains(v.as_bytes(), b"gzip"));
                let is_head = req.method() == Method::HEAD;
                let response = next.run(req).await;
                config.respond(response, gzip, is_head).await
            }
        })
    }
}

struct Config {
    minimum_size: usize,
    level: Compression,
    exclude: Vec<String>,
}

/// `content_type.partition(";")[0].strip().lower()`.
fn normalize(t: &str) -> String {
    t.split(';').next().unwrap_or("").trim().to_lowercase()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

impl Config {
    /// Whether the response must go out untouched, before looking at its body.
    fn passes_through(&self, response: &Response) -> bool {
        let headers = response.headers();
        if headers.contains_key(CONTENT_ENCODING)
            || response.status() == StatusCode::PARTIAL_CONTENT
        {
            return true;
        }
        let media_type = headers
            .get(CONTENT_TYPE)
            .map(|v| {
                let s: String = v.as_bytes().iter().map(|&b| char::from(b)).collect();
                normalize(&s)
            })
            .unwrap_or_default();
        let wildcard = format!("{}/*", media_type.split('/').next().unwrap_or(""));
        let grpc = media_type.starts_with("application/grpc+");
        self.exclude
            .iter()
            .any(|e| *e == media_type || *e == wildcard || (grpc && e == "application/grpc"))
    }

    async fn respond(&self, mut response: Response, gzip: bool, is_head: bool) -> Response {
        if self.passes_through(&response) {
            return response;
        }
        match std::mem::take(response.body_mut()) {
            Body::Empty => {
                let len = response
                    .headers()
                    .get(CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<usize>().ok());
                if is_head && len.is_some_and(|n| n >= self.minimum_size) {
                    let headers = response.headers_mut();
                    crate::cors::append_vary(headers, "Accept-Encoding");
                    if gzip {
                        headers.insert(CONTENT_ENCODING, GZIP);
                        headers.remove(CONTENT_LENGTH);
                    }
                }
                response
            }
            Body::Full(bytes) if bytes.len() < self.minimum_size => {
                *response.body_mut() = Body::Full(bytes);
                response
            }
            Body::Full(bytes) => {
                crate::cors::append_vary(response.headers_mut(), "Accept-Encoding");
                if !gzip {
                    *response.body_mut() = Body::Full(bytes);
                    return response;
                }
                let compressed = if bytes.len() >= THREAD_MINIMUM_SIZE {
                    let level = self.level;
                    tokio::task::spawn_blocking(move || compress(&bytes, level))
                        .await
                        .expect("gzip compression does not panic")
                } else {
                    compress(&bytes, self.level)
                };
                let headers = response.headers_mut();
                headers.insert(CONTENT_ENCODING, GZIP);
                headers.insert(CONTENT_LENGTH, HeaderValue::from(compressed.len()));
                *response.body_mut() = Body::Full(compressed);
                response
            }
            Body::Stream(mut stream) => {
                // Starlette withholds the headers until the first body message;
                // a stream that ends at once is an empty body, left alone.
                let first = match stream.frame().await {
                    None => {
                        *response.body_mut() = Body::Empty;
                        return response;
                    }
                    Some(Err(e)) => {
                        *response.body_mut() = Body::stream(ErrorBody(Some(e)));
                        return response;
                    }
                    Some(Ok(frame)) => frame,
                };
                let headers = response.headers_mut();
                crate::cors::append_vary(headers, "Accept-Encoding");
                if !gzip {
                    *response.body_mut() = Body::stream(Prepend {
                        first: Some(first),
                        rest: stream,
                    });
                    return response;
                }
                headers.insert(CONTENT_ENCODING, GZIP);
                headers.remove(CONTENT_LENGTH);
                *response.body_mut() = Body::stream(GzipStream {
                    first: Some(first),
                    inner: stream,
                    encoder: Some(GzEncoder::new(Vec::new(), self.level)),
                });
                response
            }
        }
    }
}

/// The whole body, gzip-compressed (`zlib.compressobj(level, DEFLATED, 16 + MAX_WBITS)`).
fn compress(bytes: &[u8], level: Compression) -> Bytes {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 3 + 32), level);
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.try_finish())
        .expect("writing to a Vec does not fail");
    Bytes::from(encoder.finish().expect("writing to a Vec does not fail"))
}

type Inner = http_body_util::combinators::UnsyncBoxBody<Bytes, BoxError>;

/// A body that only fails (the stream's first frame was an error).
struct ErrorBody(Option<BoxError>);

impl http_body::Body for ErrorBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        Poll::Ready(self.0.take().map(Err))
    }
}

/// The stream with its already read first frame put back.
struct Prepend {
    first: Option<Frame<Bytes>>,
    rest: Inner,
}

impl http_body::Body for Prepend {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if let Some(f) = self.first.take() {
            return Poll::Ready(Some(Ok(f)));
        }
        Pin::new(&mut self.rest).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.first.is_none() && self.rest.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        let first = self
            .first
            .as_ref()
            .and_then(Frame::data_ref)
            .map_or(0, |d| d.len() as u64);
        let rest = self.rest.size_hint();
        let mut hint = SizeHint::new();
        hint.set_lower(rest.lower() + first);
        if let Some(upper) = rest.upper() {
            hint.set_upper(upper + first);
        }
        hint
    }
}

/// A stream compressed chunk by chunk, each flushed, the gzip trailer at the end.
struct GzipStream {
    first: Option<Frame<Bytes>>,
    inner: Inner,
    /// `None` once finished.
    encoder: Option<GzEncoder<Vec<u8>>>,
}

impl GzipStream {
    /// Compresses one chunk and flushes (`compress(chunk) + flush(Z_SYNC_FLUSH)`).
    fn chunk(&mut self, data: &[u8]) -> Bytes {
        let Some(encoder) = self.encoder.as_mut() else {
            return Bytes::new();
        };
        encoder
            .write_all(data)
            .and_then(|()| encoder.flush())
            .expect("writing to a Vec does not fail");
        Bytes::from(std::mem::take(encoder.get_mut()))
    }

    /// The rest of the compressed data and the gzip trailer.
    fn finish(&mut self) -> Bytes {
        match self.encoder.take() {
            Some(encoder) => Bytes::from(encoder.finish().expect("writing to a Vec does not fail")),
            None => Bytes::new(),
        }
    }

    /// A data frame becomes its compressed bytes; trailers pass.
    fn map(&mut self, frame: Frame<Bytes>) -> Option<Frame<Bytes>> {
        match frame.into_data() {
            Ok(data) => {
                let out = self.chunk(&data);
                (!out.is_empty()).then(|| Frame::data(out))
            }
            Err(frame) => {
                // Trailers end the body: the compressed data must end first,
                // so the trailer frame is held back behind the gzip trailer.
                Some(frame)
            }
        }
    }
}

impl http_body::Body for GzipStream {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        if let Some(first) = this.first.take() {
            if let Some(out) = this.map(first) {
                if out.is_trailers() {
                    this.first = Some(out);
                    let end = this.finish();
                    return Poll::Ready(Some(Ok(Frame::data(end))));
                }
                return Poll::Ready(Some(Ok(out)));
            }
        }
        loop {
            if this.encoder.is_none() {
                // Finished: only held-back trailers may remain.
                return Poll::Ready(this.first.take().map(Ok));
            }
            match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(frame))) => match this.map(frame) {
                    None => continue,
                    Some(out) if out.is_trailers() => {
                        this.first = Some(out);
                        let end = this.finish();
                        return Poll::Ready(Some(Ok(Frame::data(end))));
                    }
                    Some(out) => return Poll::Ready(Some(Ok(out))),
                },
                Poll::Ready(None) => {
                    let end = this.finish();
                    return Poll::Ready(Some(Ok(Frame::data(end))));
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.encoder.is_none() && self.first.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn gunzip(b: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(b)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn content_types_are_matched_like_starlette() {
        let c = Config {
            minimum_size: 0,
            level: Compression::new(9),
            exclude: GZip::new()
                .exclude_content_types
                .iter()
                .map(|t| normalize(t))
                .collect(),
        };
        let excluded = |ct: &str| {
            let mut r = http::Response::new(Body::Empty);
            r.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
            c.passes_through(&r)
        };
        assert!(excluded("text/event-stream; charset=utf-8"));
        assert!(excluded("Video/MP4"));
        assert!(excluded("application/grpc+proto"));
        assert!(excluded("image/png"));
        assert!(!excluded("image/svg+xml"));
        assert!(!excluded("application/json"));
        assert!(!excluded("text/plain; charset=utf-8"));
    }

    #[tokio::test]
    async fn a_stream_is_compressed_chunk_by_chunk() {
        let chunks: Vec<Result<Frame<Bytes>, BoxError>> = vec![
            Ok(Frame::data(Bytes::from("hello "))),
            Ok(Frame::data(Bytes::new())),
            Ok(Frame::data(Bytes::from("world"))),
        ];
        let stream = http_body_util::StreamBody::new(futures_util::stream::iter(chunks));
        let r = http::Response::new(Body::stream(stream));
        let c = Config {
            minimum_size: 500,
            level: Compression::new(9),
            exclude: Vec::new(),
        };
        let r = c.respond(r, true, false).await;
        assert_eq!(r.headers()[CONTENT_ENCODING], "gzip");
        let mut body = r.into_body();
        let mut frames = Vec::new();
        while let Some(f) = body.frame().await {
            frames.push(f.unwrap().into_data().unwrap());
        }
        // The first chunk alone decompresses (sync flush), before the end.
        let mut d = flate2::write::GzDecoder::new(Vec::new());
        d.write_all(&frames[0]).unwrap();
        d.flush().unwrap();
        assert_eq!(d.get_ref().as_slice(), b"hello ");
        let all: Vec<u8> = frames.concat();
        assert_eq!(gunzip(&all), b"hello world");
    }

    #[tokio::test]
    async fn an_empty_stream_is_left_alone() {
        let chunks: Vec<Result<Frame<Bytes>, BoxError>> = Vec::new();
        let stream = http_body_util::StreamBody::new(futures_util::stream::iter(chunks));
        let c = Config {
            minimum_size: 0,
            level: Compression::new(9),
            exclude: Vec::new(),
        };
        let r = c
            .respond(http::Response::new(Body::stream(stream)), true, false)
            .await;
        assert!(r.headers().get(CONTENT_ENCODING).is_none());
        assert!(matches!(r.body(), Body::Empty));
    }
}
