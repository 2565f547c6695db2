//! Bodies: what a request brings in and what a response sends out.
//!
//! [`Body`] is the response body: empty, one buffer, or a stream. Most
//! responses are one buffer, so that case carries no boxing. [`RequestBody`]
//! is the request body as the app receives it, from hyper's connection or from
//! the in-process test client; handlers never see it directly, they declare a
//! model or a form and fastrs reads it, within the app's size limit.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;

/// The error type of streamed bodies.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A response body.
#[derive(Debug, Default)]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// One buffer.
    Full(Bytes),
    /// A stream of frames.
    Stream(UnsyncBoxBody<Bytes, BoxError>),
}

impl Body {
    /// A body of one buffer.
    pub fn full(b: impl Into<Bytes>) -> Self {
        Body::Full(b.into())
    }

    /// A streamed body from any `http_body::Body`.
    pub fn stream<B>(b: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        use http_body_util::BodyExt;
        Body::Stream(b.map_err(Into::into).boxed_unsync())
    }
}

impl From<Bytes> for Body {
    fn from(b: Bytes) -> Self {
        Body::Full(b)
    }
}

impl From<Vec<u8>> for Body {
    fn from(b: Vec<u8>) -> Self {
        Body::Full(b.into())
    }
}

impl From<String> for Body {
    fn from(s: String) -> Self {
        Body::Full(s.into())
    }
}

impl From<&'static str> for Body {
    fn from(s: &'static str) -> Self {
        Body::Full(Bytes::from_static(s.as_bytes()))
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BoxError;

    #[inline]
    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        match this {
            Body::Empty => Poll::Ready(None),
            Body::Full(b) => {
                let b = std::mem::take(b);
                *this = Body::Empty;
                if b.is_empty() {
                    Poll::Ready(None)
                } else {
                    Poll::Ready(Some(Ok(Frame::data(b))))
                }
            }
            Body::Stream(s) => Pin::new(s).poll_frame(cx),
        }
    }

    #[inline]
    fn is_end_stream(&self) -> bool {
        match self {
            Body::Empty => true,
            Body::Full(b) => b.is_empty(),
            Body::Stream(s) => s.is_end_stream(),
        }
    }

    #[inline]
    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Empty => SizeHint::with_exact(0),
            Body::Full(b) => SizeHint::with_exact(b.len() as u64),
            Body::Stream(s) => s.size_hint(),
        }
    }
}

/// A request body, from a connection or from the test client.
#[derive(Debug)]
pub enum RequestBody {
    /// From a hyper connection.
    Incoming(hyper::body::Incoming),
    /// Already in memory.
    Full(Bytes),
    /// Any other body (through the `tower::Service` implementation).
    Boxed(UnsyncBoxBody<Bytes, BoxError>),
}

impl Default for RequestBody {
    fn default() -> Self {
        RequestBody::Full(Bytes::new())
    }
}

impl http_body::Body for RequestBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match self.get_mut() {
            RequestBody::Incoming(b) => Pin::new(b).poll_frame(cx).map_err(Into::into),
            RequestBody::Full(b) => {
                let b = std::mem::take(b);
                if b.is_empty() {
                    Poll::Ready(None)
                } else {
                    Poll::Ready(Some(Ok(Frame::data(b))))
                }
            }
            RequestBody::Boxed(b) => Pin::new(b).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            RequestBody::Incoming(b) => b.is_end_stream(),
            RequestBody::Full(b) => b.is_empty(),
            RequestBody::Boxed(b) => b.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            RequestBody::Incoming(b) => b.size_hint(),
            RequestBody::Full(b) => SizeHint::with_exact(b.len() as u64),
            RequestBody::Boxed(b) => b.size_hint(),
        }
    }
}

/// A body that keeps `guard` alive until the body is done (sent or
/// dropped): what runs work "after the response" hangs on the guard's `Drop`
/// (the server's in-flight count, background tasks).
#[derive(Debug)]
pub struct Guarded<G> {
    inner: Body,
    _guard: G,
}

impl<G> Guarded<G> {
    /// `inner`, with `guard` dropped when it is.
    pub fn new(inner: Body, guard: G) -> Self {
        Guarded {
            inner,
            _guard: guard,
        }
    }
}

impl<G: Unpin> http_body::Body for Guarded<G> {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
