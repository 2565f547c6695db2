//! `client.websocket_connect(path)`: Starlette's `WebSocketTestSession`.
//!
//! The request goes through the app as any other (routing, parameters,
//! dependencies), with an [`Upgrade`] whose connection is an in-memory pipe;
//! once the handler accepts, its session runs on the client's runtime and
//! the test talks to it through tokio-tungstenite's client over the pipe:
//! the real frame protocol (masking, close handshake, size limits), without
//! a socket.

use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::header::{CONNECTION, UPGRADE};
use http::HeaderValue;
use http_body_util::BodyExt;
use tokio::io::DuplexStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::WebSocketStream;

use super::{TestClient, TestRequest, TestResponse};
use crate::websockets::{IoSource, Message, Upgrade, WebSocketConfig, WebSocketDisconnect};

/// How long a test waits for the app before failing (never in a passing test).
const PATIENCE: Duration = Duration::from_secs(30);

/// The handshake was not accepted.
#[derive(Debug)]
pub enum WebSocketRejected {
    /// The app closed the socket before accepting it (a `close()`, invalid
    /// parameters: 1008, a `WebSocketException`, no websocket route: 1000):
    /// Starlette's `WebSocketDisconnect` on connect.
    Closed(WebSocketDisconnect),
    /// The app answered with an HTTP response instead (an `HttpError` before
    /// accepting, a malformed handshake): Starlette's `WebSocketDenialResponse`.
    Denied(Box<TestResponse>),
}

impl std::fmt::Display for WebSocketRejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebSocketRejected::Closed(d) => write!(f, "websocket refused: {d}"),
            WebSocketRejected::Denied(r) => write!(f, "websocket denied with {}", r.status()),
        }
    }
}

impl std::error::Error for WebSocketRejected {}

impl WebSocketRejected {
    /// The close, when the app closed the socket.
    pub fn disconnect(&self) -> Option<&WebSocketDisconnect> {
        match self {
            WebSocketRejected::Closed(d) => Some(d),
            WebSocketRejected::Denied(_) => None,
        }
    }
}

/// An open test WebSocket (Starlette's `WebSocketTestSession`). Dropping it
/// closes the socket with 1000 and lets the handler finish.
pub struct TestWebSocket<'c> {
    client: &'c TestClient,
    stream: WebSocketStream<DuplexStream>,
    session: Option<tokio::task::JoinHandle<()>>,
    closed: bool,
}

impl std::fmt::Debug for TestWebSocket<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestWebSocket").finish_non_exhaustive()
    }
}

impl TestClient {
    /// Opens a WebSocket to `path` (with the client's cookies), as FastAPI's
    /// `client.websocket_connect(path)`.
    ///
    /// # Errors
    /// When the app does not accept it: [`WebSocketRejected`].
    pub fn websocket_connect(&self, path: &str) -> Result<TestWebSocket<'_>, WebSocketRejected> {
        self.get(path).websocket()
    }
}

impl<'c> TestRequest<'c, TestClient> {
    /// Opens the request as a WebSocket (for headers or cookies of its own:
    /// `client.get("/ws").header("x-token", "t").websocket()`).
    ///
    /// # Errors
    /// When the app does not accept it: [`WebSocketRejected`].
    pub fn websocket(self) -> Result<TestWebSocket<'c>, WebSocketRejected> {
        let client = self.client;
        let (mut req, _) = self.build(&client.cookies);
        let h = req.headers_mut();
        h.insert(UPGRADE, HeaderValue::from_static("websocket"));
        h.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
        h.entry("sec-websocket-key")
            .or_insert(HeaderValue::from_static("dGhlIHNhbXBsZSBub25jZQ=="));
        h.entry("sec-websocket-version")
            .or_insert(HeaderValue::from_static("13"));
        let (io_tx, io_rx) = tokio::sync::oneshot::channel();
        let (upgrade, session) = Upgrade::new(IoSource::Memory(io_rx), client.websocket);
        req.extensions_mut().insert(upgrade);
        client.runtime.block_on(async {
            let resp = client.service.handle(req).await;
            if resp.status() != http::StatusCode::SWITCHING_PROTOCOLS {
                if let Some((code, reason)) = crate::websockets::refused_with(&resp) {
                    return Err(WebSocketRejected::Closed(WebSocketDisconnect {
                        code,
                        reason,
                    }));
                }
                let (parts, body) = resp.into_parts();
                let body = body
                    .collect()
                    .await
                    .map(|c| c.to_bytes())
                    .unwrap_or_default();
                return Err(WebSocketRejected::Denied(Box::new(TestResponse {
                    status: parts.status,
                    unread: false,
                    headers: parts.headers,
                    body,
                })));
            }
            let session = session
                .await
                .expect("an accepted websocket hands its session over");
            let (ours, theirs) = tokio::io::duplex(64 * 1024);
            let _ = io_tx.send(theirs);
            let task = tokio::spawn(session.run(std::future::pending()));
            let stream = WebSocketStream::from_raw_socket(ours, Role::Client, None).await;
            // Let the handler run past its `accept()` (to its first real
            // wait), as Starlette's client returns once the app accepted.
            for _ in 0..8 {
                tokio::task::yield_now().await;
            }
            Ok(TestWebSocket {
                client,
                stream,
                session: Some(task),
                closed: false,
            })
        })
    }
}

impl TestWebSocket<'_> {
    fn send(&mut self, m: WsMessage) {
        let sent = self
            .client
            .runtime
            .block_on(async { self.stream.send(m).await });
        if let Err(e) = sent {
            panic!("sending on the test websocket failed: {e}");
        }
    }

    /// Sends a text message.
    pub fn send_text(&mut self, text: &str) {
        self.send(WsMessage::text(text));
    }

    /// Sends a binary message.
    pub fn send_bytes(&mut self, data: impl Into<Bytes>) {
        self.send(WsMessage::Binary(data.into()));
    }

    /// Sends a value as a JSON text message.
    pub fn send_json<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        self.send_text(&serde_json::to_string(value).expect("a serializable value"));
    }

    /// The next message from the app.
    ///
    /// # Errors
    /// The close, when the app closed the socket (Starlette raises
    /// `WebSocketDisconnect`).
    ///
    /// # Panics
    /// When the app sends nothing for 30 s.
    pub fn receive(&mut self) -> Result<Message, WebSocketDisconnect> {
        let stream = &mut self.stream;
        self.client.runtime.block_on(async {
            loop {
                let next = tokio::time::timeout(PATIENCE, stream.next())
                    .await
                    .expect("the app sent nothing on the websocket for 30 s");
                return match next {
                    Some(Ok(WsMessage::Text(t))) => Ok(Message::Text(t.as_str().to_owned())),
                    Some(Ok(WsMessage::Binary(b))) => Ok(Message::Bytes(b)),
                    Some(Ok(WsMessage::Close(f))) => Err(f.map_or(
                        WebSocketDisconnect {
                            code: 1005,
                            reason: String::new(),
                        },
                        |f| WebSocketDisconnect {
                            code: u16::from(f.code),
                            reason: f.reason.as_str().to_owned(),
                        },
                    )),
                    Some(Ok(_)) => continue,
                    Some(Err(_)) | None => Err(WebSocketDisconnect {
                        code: 1006,
                        reason: String::new(),
                    }),
                };
            }
        })
    }

    /// The next text message.
    ///
    /// # Errors
    /// The close.
    ///
    /// # Panics
    /// When the message is binary.
    pub fn receive_text(&mut self) -> Result<String, WebSocketDisconnect> {
        match self.receive()? {
            Message::Text(t) => Ok(t),
            Message::Bytes(b) => panic!("expected a text message, got {} bytes", b.len()),
        }
    }

    /// The next binary message.
    ///
    /// # Errors
    /// The close.
    ///
    /// # Panics
    /// When the message is text.
    pub fn receive_bytes(&mut self) -> Result<Bytes, WebSocketDisconnect> {
        match self.receive()? {
            Message::Bytes(b) => Ok(b),
            Message::Text(t) => panic!("expected a binary message, got text {t:?}"),
        }
    }

    /// The next message, parsed as JSON.
    ///
    /// # Errors
    /// The close.
    ///
    /// # Panics
    /// When the message is not JSON.
    pub fn receive_json(&mut self) -> Result<serde_json::Value, WebSocketDisconnect> {
        let bytes = match self.receive()? {
            Message::Text(t) => Bytes::from(t),
            Message::Bytes(b) => b,
        };
        Ok(serde_json::from_slice(&bytes).expect("a JSON message"))
    }

    /// Closes the socket with `code` and waits for the app's handler to end.
    pub fn close(&mut self, code: u16) {
        self.close_with_reason(code, "");
    }

    /// Closes the socket with a code and a reason, and waits for the app's
    /// handler to end (at most 30 s).
    pub fn close_with_reason(&mut self, code: u16, reason: &str) {
        if self.closed {
            return;
        }
        self.closed = true;
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.to_owned().into(),
        };
        let stream = &mut self.stream;
        let session = self.session.take();
        self.client.runtime.block_on(async {
            let _ = stream.send(WsMessage::Close(Some(frame))).await;
            // Read the app's close reply (and anything sent before it).
            let _ = tokio::time::timeout(PATIENCE, async {
                while let Some(Ok(_)) = stream.next().await {}
            })
            .await;
            if let Some(task) = session {
                let _ = tokio::time::timeout(PATIENCE, task).await;
            }
        });
    }
}

impl Drop for TestWebSocket<'_> {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.close(1000);
        }
    }
}

/// The settings a [`TestClient`]'s websockets get (the server's defaults).
pub(super) fn default_config() -> WebSocketConfig {
    WebSocketConfig::default()
}
