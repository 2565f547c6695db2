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
        let (req, _) = self.build(&client.cookies);
        let (stream, session) =
            client
                .runtime
                .block_on(open(&client.service, req, client.websocket))?;
        Ok(TestWebSocket {
            client,
            stream,
            session: Some(session),
            closed: false,
        })
    }
}

impl<'c> TestRequest<'c, super::AsyncTestClient> {
    /// Opens the request as a WebSocket, for `#[tokio::test]`:
    /// `client.get("/ws").websocket().await`.
    ///
    /// # Errors
    /// When the app does not accept it: [`WebSocketRejected`].
    pub async fn websocket(self) -> Result<AsyncTestWebSocket, WebSocketRejected> {
        let client = self.client;
        let service = client.start().await.clone();
        let (req, _) = self.build(&client.cookies);
        let (stream, session) = open(&service, req, WebSocketConfig::default()).await?;
        Ok(AsyncTestWebSocket {
            stream,
            session: Some(session),
            closed: false,
        })
    }
}

impl super::AsyncTestClient {
    /// Opens a WebSocket to `path`, as httpx-ws / Starlette's
    /// `websocket_connect` (for `#[tokio::test]`).
    ///
    /// # Errors
    /// When the app does not accept it: [`WebSocketRejected`].
    pub async fn websocket_connect(
        &self,
        path: &str,
    ) -> Result<AsyncTestWebSocket, WebSocketRejected> {
        self.get(path).websocket().await
    }
}

type ClientStream = WebSocketStream<DuplexStream>;

/// Sends `req` as an upgrade through `service`; once accepted, the session
/// runs on the current runtime and the client's end of the pipe is returned.
async fn open(
    service: &crate::app::AppService,
    mut req: http::Request<crate::body::RequestBody>,
    config: WebSocketConfig,
) -> Result<(ClientStream, tokio::task::JoinHandle<()>), WebSocketRejected> {
    let h = req.headers_mut();
    h.insert(UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    h.entry("sec-websocket-key")
        .or_insert(HeaderValue::from_static("dGhlIHNhbXBsZSBub25jZQ=="));
    h.entry("sec-websocket-version")
        .or_insert(HeaderValue::from_static("13"));
    let (io_tx, io_rx) = tokio::sync::oneshot::channel();
    let (upgrade, session) = Upgrade::new(IoSource::Memory(io_rx), config);
    req.extensions_mut().insert(upgrade);
    let resp = service.handle(req).await;
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
    // Let the handler run past its `accept()` (to its first real wait), as
    // Starlette's client returns once the app accepted.
    for _ in 0..8 {
        tokio::task::yield_now().await;
    }
    Ok((stream, task))
}

/// The next message from the app (bounded: a test never hangs).
async fn receive(stream: &mut ClientStream) -> Result<Message, WebSocketDisconnect> {
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
}

/// Sends a close and waits for the app's reply and its handler's end.
async fn close(
    stream: &mut ClientStream,
    session: Option<tokio::task::JoinHandle<()>>,
    code: u16,
    reason: &str,
) {
    let frame = CloseFrame {
        code: CloseCode::from(code),
        reason: reason.to_owned().into(),
    };
    let _ = stream.send(WsMessage::Close(Some(frame))).await;
    let _ = tokio::time::timeout(PATIENCE, async {
        while let Some(Ok(_)) = stream.next().await {}
    })
    .await;
    if let Some(task) = session {
        let _ = tokio::time::timeout(PATIENCE, task).await;
    }
}

fn text_of(m: Message) -> String {
    match m {
        Message::Text(t) => t,
        Message::Bytes(b) => panic!("expected a text message, got {} bytes", b.len()),
    }
}

fn bytes_of(m: Message) -> Bytes {
    match m {
        Message::Bytes(b) => b,
        Message::Text(t) => panic!("expected a binary message, got text {t:?}"),
    }
}

fn json_of(m: Message) -> serde_json::Value {
    let bytes = match m {
        Message::Text(t) => Bytes::from(t),
        Message::Bytes(b) => b,
    };
    serde_json::from_slice(&bytes).expect("a JSON message")
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
        self.client.runtime.block_on(receive(stream))
    }

    /// The next text message.
    ///
    /// # Errors
    /// The close.
    ///
    /// # Panics
    /// When the message is binary.
    pub fn receive_text(&mut self) -> Result<String, WebSocketDisconnect> {
        self.receive().map(text_of)
    }

    /// The next binary message.
    ///
    /// # Errors
    /// The close.
    ///
    /// # Panics
    /// When the message is text.
    pub fn receive_bytes(&mut self) -> Result<Bytes, WebSocketDisconnect> {
        self.receive().map(bytes_of)
    }

    /// The next message, parsed as JSON.
    ///
    /// # Errors
    /// The close.
    ///
    /// # Panics
    /// When the message is not JSON.
    pub fn receive_json(&mut self) -> Result<serde_json::Value, WebSocketDisconnect> {
        self.receive().map(json_of)
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
        let stream = &mut self.stream;
        let session = self.session.take();
        self.client
            .runtime
            .block_on(close(stream, session, code, reason));
    }
}

impl Drop for TestWebSocket<'_> {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.close(1000);
        }
    }
}

/// An open WebSocket of an [`AsyncTestClient`](super::AsyncTestClient), for
/// `#[tokio::test]`. Close it with [`close`](AsyncTestWebSocket::close) to
/// let the handler finish (dropping it only drops the client's end).
pub struct AsyncTestWebSocket {
    stream: ClientStream,
    session: Option<tokio::task::JoinHandle<()>>,
    closed: bool,
}

impl std::fmt::Debug for AsyncTestWebSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncTestWebSocket").finish_non_exhaustive()
    }
}

impl AsyncTestWebSocket {
    /// Sends a text message.
    ///
    /// # Panics
    /// When the socket is closed.
    pub async fn send_text(&mut self, text: &str) {
        self.stream
            .send(WsMessage::text(text))
            .await
            .expect("sending on the test websocket");
    }

    /// Sends a binary message.
    ///
    /// # Panics
    /// When the socket is closed.
    pub async fn send_bytes(&mut self, data: impl Into<Bytes>) {
        self.stream
            .send(WsMessage::Binary(data.into()))
            .await
            .expect("sending on the test websocket");
    }

    /// Sends a value as a JSON text message.
    ///
    /// # Panics
    /// When the socket is closed.
    pub async fn send_json<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        let text = serde_json::to_string(value).expect("a serializable value");
        self.send_text(&text).await;
    }

    /// The next message from the app.
    ///
    /// # Errors
    /// The close, when the app closed the socket.
    pub async fn receive(&mut self) -> Result<Message, WebSocketDisconnect> {
        receive(&mut self.stream).await
    }

    /// The next text message (panics on a binary one).
    ///
    /// # Errors
    /// The close.
    pub async fn receive_text(&mut self) -> Result<String, WebSocketDisconnect> {
        self.receive().await.map(text_of)
    }

    /// The next binary message (panics on a text one).
    ///
    /// # Errors
    /// The close.
    pub async fn receive_bytes(&mut self) -> Result<Bytes, WebSocketDisconnect> {
        self.receive().await.map(bytes_of)
    }

    /// The next message as JSON (panics when it is not JSON).
    ///
    /// # Errors
    /// The close.
    pub async fn receive_json(&mut self) -> Result<serde_json::Value, WebSocketDisconnect> {
        self.receive().await.map(json_of)
    }

    /// Closes the socket with `code` and waits for the handler to end (at most 30 s).
    pub async fn close(&mut self, code: u16) {
        if std::mem::replace(&mut self.closed, true) {
            return;
        }
        close(&mut self.stream, self.session.take(), code, "").await;
    }
}

/// The settings a [`TestClient`]'s websockets get (the server's defaults).
pub(super) fn default_config() -> WebSocketConfig {
    WebSocketConfig::default()
}
