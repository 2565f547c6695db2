//! Server-Sent Events: FastAPI's `fastapi.sse` (`EventSourceResponse`,
//! `ServerSentEvent`).
//!
//! A handler returns an [`EventSourceResponse<T>`] built from a `Stream` of
//! `T`, as a FastAPI path operation with `response_class=EventSourceResponse`
//! yields items:
//!
//! - `T` any `Serialize + JsonSchema` type (a model, a number…): each item is
//!   one event whose `data` is the item's JSON, and the document's
//!   `itemSchema` says so (`data` required, `contentMediaType:
//!   application/json`, `contentSchema`: `T`'s schema), as FastAPI does for
//!   `AsyncIterable[Item]`; [`serde_json::Value`] items are FastAPI's
//!   un-annotated generator (see [`stream_item`](crate::stream_item));
//! - `T` = [`ServerSentEvent`]: each item sets its own fields (`data` or
//!   `raw_data`, `event`, `id`, `retry`, `comment`), documented with the
//!   generic event schema, as FastAPI does for `AsyncIterable[ServerSentEvent]`.
//!
//! The answer is FastAPI's: `text/event-stream; charset=utf-8`,
//! `Cache-Control: no-cache`, `X-Accel-Buffering: no`, each event written as
//! `format_sse_event` writes it, and a `: ping` comment after every 15
//! seconds without an event ([`PING_INTERVAL`]; FastAPI's `_PING_INTERVAL`).
//!
//! The body is the stream itself, polled by the connection (no task is
//! spawned): each event is sent as soon as the stream yields it, and when the
//! client goes away hyper drops the body, which drops the stream.
//!
//! ```
//! use fastrs::prelude::*;
//! use fastrs::sse::{EventSourceResponse, ServerSentEvent};
//! use futures_util::stream;
//!
//! #[derive(Model)]
//! struct Item {
//!     name: String,
//!     price: f64,
//! }
//!
//! #[get("/items/stream")]
//! async fn stream_items() -> EventSourceResponse<ServerSentEvent> {
//!     let items = [("Plumbus", 32.99), ("Portal Gun", 999.99)];
//!     EventSourceResponse::new(stream::iter(items.into_iter().enumerate().map(|(i, (name, price))| {
//!         ServerSentEvent::new()
//!             .data(&Item { name: name.into(), price })
//!             .event("item_update")
//!             .id((i + 1).to_string())
//!             .retry(5000)
//!     })))
//! }
//!
//! let client = TestClient::new(App::new().route(stream_items));
//! let r = client.get("/items/stream").send();
//! assert_eq!(r.header("content-type"), Some("text/event-stream; charset=utf-8"));
//! assert_eq!(r.header("cache-control"), Some("no-cache"));
//! assert!(r.text().starts_with(
//!     "event: item_update\ndata: {\"name\":\"Plumbus\",\"price\":32.99}\nid: 1\nretry: 5000\n\n"
//! ));
//! ```

use std::any::TypeId;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use http::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use http_body::Frame;
use serde::Serialize;
use serde_json::{json, Value};

use crate::body::{Body, BoxError};
use crate::response::{IntoResponse, Response, ResponseContent};
use crate::stream_item::{write_python_json, StreamItem};

/// Seconds without an event after which a keep-alive comment is sent:
/// FastAPI's `_PING_INTERVAL` (15 s), as the HTML specification suggests.
pub const PING_INTERVAL: Duration = Duration::from_secs(15);

/// The keep-alive comment: FastAPI's `KEEPALIVE_COMMENT`.
pub const KEEPALIVE_COMMENT: &[u8] = b": ping\n\n";

/// The media type, with the charset Starlette adds to `text/*`.
const EVENT_STREAM: HeaderValue = HeaderValue::from_static("text/event-stream; charset=utf-8");

/// A response streaming Server-Sent Events: FastAPI's `EventSourceResponse`
/// (see the [module](self) documentation). `T` is the item type the stream
/// yields, which the document describes.
pub struct EventSourceResponse<T> {
    stream: Pin<Box<dyn Stream<Item = T> + Send>>,
    ping_interval: Duration,
}

impl<T> fmt::Debug for EventSourceResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSourceResponse")
            .field("ping_interval", &self.ping_interval)
            .finish_non_exhaustive()
    }
}

impl<T: Event> EventSourceResponse<T> {
    /// The events of `stream`, sent as they come.
    pub fn new(stream: impl Stream<Item = T> + Send + 'static) -> Self {
        EventSourceResponse {
            stream: Box::pin(stream),
            ping_interval: PING_INTERVAL,
        }
    }

    /// Sends the keep-alive comment after `interval` without an event
    /// instead of [`PING_INTERVAL`] (FastAPI's tests patch `_PING_INTERVAL`
    /// the same way). A zero interval is taken as one millisecond.
    pub fn ping_interval(mut self, interval: Duration) -> Self {
        self.ping_interval = interval.max(Duration::from_millis(1));
        self
    }
}

impl<T: Event> IntoResponse for EventSourceResponse<T> {
    fn into_response(self) -> Response {
        let body = EventStreamBody {
            stream: self.stream,
            interval: self.ping_interval,
            ping: None,
            buf: Vec::new(),
        };
        let mut r = http::Response::new(Body::stream(body));
        let h = r.headers_mut();
        h.insert(CONTENT_TYPE, EVENT_STREAM);
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        h.insert("x-accel-buffering", HeaderValue::from_static("no"));
        r
    }

    fn response_content(gen: &mut schemars::SchemaGenerator) -> Option<ResponseContent> {
        let mut item = json!({
            "type": "object",
            "properties": {
                "data": {"type": "string"},
                "event": {"type": "string"},
                "id": {"type": "string"},
                "retry": {"type": "integer", "minimum": 0},
            },
        });
        let typed = T::data_schema(gen);
        let item_schema = typed
            .is_some()
            .then_some("/itemSchema/properties/data/contentSchema");
        if let Some(schema) = typed {
            item["properties"]["data"] = json!({
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": schema.to_value(),
            });
            item["required"] = json!(["data"]);
        }
        Some(ResponseContent {
            media_type: "text/event-stream",
            media: json!({ "itemSchema": item }),
            item_schema,
        })
    }
}

/// What an [`EventSourceResponse`] stream yields: a [`ServerSentEvent`], or
/// any [`StreamItem`] (a `Serialize + JsonSchema` value), sent as the `data`
/// of an event.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an item of an `EventSourceResponse`",
    label = "not an event",
    note = "stream `ServerSentEvent`s, or a `#[derive(Model)]` type (any `Serialize + JsonSchema` type) sent as each event's `data`"
)]
pub trait Event: Send + 'static {
    /// Appends the event in the `text/event-stream` format.
    fn write_event(&self, out: &mut Vec<u8>) -> Result<(), BoxError>;

    /// The schema of the `data` field's JSON, when every event carries one
    /// of a known type (`None` for [`ServerSentEvent`] and untyped items).
    fn data_schema(gen: &mut schemars::SchemaGenerator) -> Option<schemars::Schema>;
}

impl<T: StreamItem> Event for T {
    fn write_event(&self, out: &mut Vec<u8>) -> Result<(), BoxError> {
        let mut data = Vec::new();
        self.write_json(&mut data)?;
        let data = String::from_utf8(data)?;
        format_event(out, None, None, Some(&data), None, None);
        Ok(())
    }

    fn data_schema(gen: &mut schemars::SchemaGenerator) -> Option<schemars::Schema> {
        T::item_schema(gen)
    }
}

/// One event with every field of the format: FastAPI's `ServerSentEvent`.
///
/// `data` is JSON ([`data`](Self::data)), `raw_data` a string sent as it is
/// ([`raw_data`](Self::raw_data)); setting one replaces the other. An
/// invalid field (an `event` or `id` of several lines, an `id` with a NUL:
/// what FastAPI's validators refuse) makes the event an error: the stream
/// stops there and the connection is closed, as when FastAPI's generator
/// raises.
///
/// ```
/// use fastrs::sse::{Event, ServerSentEvent};
/// let mut out = Vec::new();
/// ServerSentEvent::new().raw_data("[DONE]").event("done").write_event(&mut out).unwrap();
/// assert_eq!(out, b"event: done\ndata: [DONE]\n\n");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerSentEvent {
    data: Option<String>,
    event: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
    comment: Option<String>,
    invalid: Option<String>,
}

impl ServerSentEvent {
    /// An event with no field (written as an empty event, `\n\n`… see
    /// FastAPI's `format_sse_event`).
    pub fn new() -> Self {
        Self::default()
    }

    /// The payload, as JSON: a model as Pydantic writes it
    /// (`model_dump_json`), a string quoted (`data: "hello"`). A string and
    /// a [`serde_json::Value`] are written as Python's `json.dumps` writes
    /// the non-model data FastAPI receives (`{"a": 1}`, ASCII only:
    /// `"caf\u00e9"`); other values compact, as Pydantic writes a model.
    pub fn data<T: Serialize + ?Sized + 'static>(mut self, value: &T) -> Self {
        let mut out = Vec::new();
        let python = [
            TypeId::of::<Value>(),
            TypeId::of::<str>(),
            TypeId::of::<String>(),
        ];
        let written = if python.contains(&TypeId::of::<T>()) {
            write_python_json(value, &mut out)
        } else {
            serde_json::to_writer(&mut out, value)
        };
        match written.map(|()| String::from_utf8(out)) {
            Ok(Ok(s)) => self.data = Some(s),
            Ok(Err(e)) => self.invalid = Some(e.to_string()),
            Err(e) => self.invalid = Some(e.to_string()),
        }
        self
    }

    /// The payload as a string sent without JSON encoding (FastAPI's
    /// `raw_data`): pre-formatted text, a `[DONE]` sentinel. Each of its
    /// lines becomes a `data:` line.
    pub fn raw_data(mut self, data: impl Into<String>) -> Self {
        self.data = Some(data.into());
        self
    }

    /// The event type (`addEventListener(event, …)` in a browser); one line.
    pub fn event(mut self, event: impl Into<String>) -> Self {
        let event = event.into();
        if event.contains(['\r', '\n']) {
            self.invalid = Some("SSE 'event' must be a single line".into());
        }
        self.event = Some(event);
        self
    }

    /// The event id, which a browser sends back as `Last-Event-ID` when it
    /// reconnects; one line, no NUL.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        let id = id.into();
        if id.contains('\0') {
            self.invalid = Some("SSE 'id' must not contain null characters".into());
        } else if id.contains(['\r', '\n']) {
            self.invalid = Some("SSE 'id' must be a single line".into());
        }
        self.id = Some(id);
        self
    }

    /// The reconnection time in milliseconds.
    pub fn retry(mut self, millis: u64) -> Self {
        self.retry = Some(millis);
        self
    }

    /// A comment (lines starting with `:`, ignored by `EventSource`).
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }
}

impl Event for ServerSentEvent {
    fn write_event(&self, out: &mut Vec<u8>) -> Result<(), BoxError> {
        if let Some(e) = &self.invalid {
            return Err(e.clone().into());
        }
        format_event(
            out,
            self.comment.as_deref(),
            self.event.as_deref(),
            self.data.as_deref(),
            self.id.as_deref(),
            self.retry,
        );
        Ok(())
    }

    fn data_schema(_: &mut schemars::SchemaGenerator) -> Option<schemars::Schema> {
        None
    }
}

/// FastAPI's `format_sse_event`: comment lines, `event`, `data` lines, `id`,
/// `retry`, then a blank line. Multi-line values split on `\r\n`, `\r` and
/// `\n`, each line its own field.
fn format_event(
    out: &mut Vec<u8>,
    comment: Option<&str>,
    event: Option<&str>,
    data: Option<&str>,
    id: Option<&str>,
    retry: Option<u64>,
) {
    fn lines(out: &mut Vec<u8>, prefix: &[u8], value: &str) {
        let value = value.replace("\r\n", "\n").replace('\r', "\n");
        for line in value.split('\n') {
            out.extend_from_slice(prefix);
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
    }
    if let Some(c) = comment {
        lines(out, b": ", c);
    }
    if let Some(e) = event {
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(e.as_bytes());
        out.push(b'\n');
    }
    if let Some(d) = data {
        lines(out, b"data: ", d);
    }
    if let Some(i) = id {
        out.extend_from_slice(b"id: ");
        out.extend_from_slice(i.as_bytes());
        out.push(b'\n');
    }
    if let Some(r) = retry {
        out.extend_from_slice(b"retry: ");
        out.extend_from_slice(itoa::Buffer::new().format(r).as_bytes());
        out.push(b'\n');
    }
    out.push(b'\n');
}

/// The response body: the event stream, with a keep-alive comment when the
/// stream is idle for the interval. Polled by the connection; dropping it
/// drops the stream and the timer.
struct EventStreamBody<T> {
    stream: Pin<Box<dyn Stream<Item = T> + Send>>,
    interval: Duration,
    /// Created on the first poll (inside the runtime), reset after each event.
    ping: Option<Pin<Box<tokio::time::Sleep>>>,
    buf: Vec<u8>,
}

impl<T: Event> http_body::Body for EventStreamBody<T> {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        let interval = this.interval;
        let ping = this
            .ping
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(interval)));
        match this.stream.as_mut().poll_next(cx) {
            Poll::Ready(Some(event)) => {
                ping.as_mut().reset(tokio::time::Instant::now() + interval);
                this.buf.clear();
                match event.write_event(&mut this.buf) {
                    Ok(()) => Poll::Ready(Some(Ok(Frame::data(Bytes::copy_from_slice(&this.buf))))),
                    Err(e) => {
                        tracing::error!("server-sent event not sent, the stream ends: {e}");
                        Poll::Ready(Some(Err(e)))
                    }
                }
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match ping.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    ping.as_mut().reset(tokio::time::Instant::now() + interval);
                    Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(KEEPALIVE_COMMENT)))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(e: &ServerSentEvent) -> String {
        let mut out = Vec::new();
        e.write_event(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn fields_in_fastapi_order() {
        let e = ServerSentEvent::new()
            .retry(5)
            .id("7")
            .raw_data("a\r\nb\rc\n")
            .event("e")
            .comment("x\ny");
        assert_eq!(
            written(&e),
            ": x\n: y\nevent: e\ndata: a\ndata: b\ndata: c\ndata: \nid: 7\nretry: 5\n\n"
        );
        assert_eq!(written(&ServerSentEvent::new()), "\n");
    }

    #[test]
    fn invalid_fields_are_errors() {
        let mut out = Vec::new();
        for e in [
            ServerSentEvent::new().event("a\nb"),
            ServerSentEvent::new().id("a\rb"),
            ServerSentEvent::new().id("a\0b"),
        ] {
            assert!(e.write_event(&mut out).is_err());
        }
        assert!(out.is_empty());
    }
}
