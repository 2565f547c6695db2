//! Stream JSON Lines: FastAPI's generator path operations without a
//! `response_class` (since 0.134), answered as `application/jsonl`.
//!
//! A handler returns [`JsonLines<T>`] built from a `Stream` of `T` (any
//! `Serialize + JsonSchema` type, see [`StreamItem`]): each item is one line
//! of JSON followed by `\n`, sent as soon as the stream yields it, and the
//! document gives `T`'s schema as the `itemSchema` of `application/jsonl`
//! (FastAPI's `AsyncIterable[Item]`; [`serde_json::Value`] items are its
//! un-annotated generator: `json.dumps` lines, `itemSchema: {}`).
//!
//! ```
//! use fastrs::prelude::*;
//! use fastrs::json_lines::JsonLines;
//!
//! #[derive(Model, Clone)]
//! struct Item {
//!     name: String,
//!     description: Option<String>,
//! }
//!
//! #[get("/items/stream")]
//! async fn stream_items() -> JsonLines<Item> {
//!     let items = vec![
//!         Item { name: "Plumbus".into(), description: None },
//!         Item { name: "Portal Gun".into(), description: Some("A portal opening device.".into()) },
//!     ];
//!     JsonLines::new(futures_util::stream::iter(items))
//! }
//!
//! let client = TestClient::new(App::new().route(stream_items));
//! let r = client.get("/items/stream").send();
//! assert_eq!(r.header("content-type"), Some("application/jsonl"));
//! assert_eq!(
//!     r.text(),
//!     "{\"name\":\"Plumbus\",\"description\":null}\n\
//!      {\"name\":\"Portal Gun\",\"description\":\"A portal opening device.\"}\n"
//! );
//! ```
//!
//! The body is the stream itself, polled by the connection: no task is
//! spawned, and a client that goes away drops the stream.

use std::fmt;
use std::pin::Pin;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use http::header::{HeaderValue, CONTENT_TYPE};
use serde_json::json;

use crate::body::{Body, BoxError};
use crate::response::{IntoResponse, Response, ResponseContent};
use crate::stream_item::StreamItem;

/// A response streaming one JSON document per line (`application/jsonl`);
/// see the [module](self) documentation.
pub struct JsonLines<T> {
    stream: Pin<Box<dyn Stream<Item = T> + Send>>,
}

impl<T> fmt::Debug for JsonLines<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLines").finish_non_exhaustive()
    }
}

impl<T: StreamItem> JsonLines<T> {
    /// The items of `stream`, one line each, sent as they come.
    pub fn new(stream: impl Stream<Item = T> + Send + 'static) -> Self {
        JsonLines {
            stream: Box::pin(stream),
        }
    }
}

impl<T: StreamItem> IntoResponse for JsonLines<T> {
    fn into_response(self) -> Response {
        let lines = self.stream.map(|item| {
            let mut line = Vec::new();
            match item.write_json(&mut line) {
                Ok(()) => {
                    line.push(b'\n');
                    Ok(http_body::Frame::data(Bytes::from(line)))
                }
                Err(e) => {
                    tracing::error!("JSON Lines item not sent, the stream ends: {e}");
                    Err(BoxError::from(e))
                }
            }
        });
        let mut r = http::Response::new(Body::stream(http_body_util::StreamBody::new(lines)));
        r.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/jsonl"));
        r
    }

    fn response_content(gen: &mut schemars::SchemaGenerator) -> Option<ResponseContent> {
        let item = T::item_schema(gen).map_or_else(|| json!({}), |s| s.to_value());
        Some(ResponseContent {
            media_type: "application/jsonl",
            media: json!({ "itemSchema": item }),
            item_schema: Some("/itemSchema"),
        })
    }
}
