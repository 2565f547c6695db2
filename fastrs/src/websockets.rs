//! WebSockets: FastAPI's `@app.websocket` and `WebSocket`.
//!
//! A route declared with `#[websocket("/ws/{client_id}")]` takes a
//! [`WebSocket`] beside the same parameters and dependencies as an HTTP
//! route. Its handler runs before the handshake is answered, as in FastAPI:
//! it may [`accept`](WebSocket::accept) the connection, or
//! [`close`](WebSocket::close) it first (the client is then refused with
//! `403`, uvicorn's answer; the test client sees the close code). Invalid
//! parameters refuse it with close code 1008 and the error list as the
//! reason (FastAPI's `WebSocketRequestValidationError`); a
//! [`WebSocketException`] returned by a dependency or the handler refuses it
//! with its code; an [`HttpError`](crate::HttpError) before the handshake is
//! sent as the HTTP answer itself (Starlette's denial response, what FastAPI
//! answers for an `HTTPException` raised in a websocket dependency).
//!
//! # How an upgrade flows
//!
//! The server (and the test client) puts an [`Upgrade`] in the extensions of
//! a `GET` request carrying `Upgrade:` (only those: a plain request pays one
//! header lookup). Routing sends a `GET` with `Upgrade: websocket` to the
//! path's websocket route, which first checks the handshake headers (a
//! wrong `Sec-WebSocket-Version` or a missing `Sec-WebSocket-Key` is refused
//! with `400` and uvicorn's text), then extracts the parameters and polls the
//! handler in place. When the handler calls `accept()`, the route answers
//! `101 Switching Protocols` and hands the rest of the handler (a boxed
//! future, the [`Session`]) to the connection's task, which runs it once
//! hyper has given up the connection: so an open socket keeps its slot of
//! the connection limit, is waited for by the graceful shutdown (which
//! closes it with 1001, "going away"), and is aborted with its connection
//! after the drain time.
//!
//! # The frame protocol: tokio-tungstenite
//!
//! Measured on this machine (`benches/websockets/frame_crates`, a counting
//! allocator and callgrind, both crates server-side over an in-memory pipe):
//!
//! | | heap per idle socket | instructions per echoed 16-byte message |
//! |---|---|---|
//! | tokio-tungstenite 0.30, default config | 132 058 B | — |
//! | tokio-tungstenite 0.30, 4 KiB read buffer (used here) | 5 210 B | 8 268 |
//! | fastwebsockets 0.10 | 8 936 B | 3 703 |
//!
//! fastwebsockets echoes a message in fewer instructions (about 4 500 fewer,
//! a microsecond, small beside parsing the message's JSON), but it is a
//! frame-level API: fragmented messages, UTF-8 checks of text and the close
//! handshake are left to the caller (`FragmentCollector`) and it is mostly
//! `unsafe` code. tokio-tungstenite (what axum uses) does all of these, limits
//! message and frame sizes, and with its read buffer cut from 128 KiB to
//! 4 KiB (it grows for a larger message) holds the least memory per idle
//! connection, the cost that matters with thousands of open sockets.
//!
//! # Keep-alive
//!
//! uvicorn's defaults: a ping after 20 s without a frame from the client,
//! and the socket closed (1011, "keepalive ping timeout") when nothing
//! answers within 20 s more ([`WebSocketConfig`]). The timer runs while the
//! handler waits in a `receive_*` call (a handler that never receives reads
//! no pong either; its sends fail once the peer is gone).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{FutureExt, SinkExt, StreamExt};
use http::header::{CONNECTION, CONTENT_TYPE, UPGRADE};
use http::{HeaderValue, StatusCode};
use tokio::io::{AsyncRead, AsyncWrite, DuplexStream, ReadBuf};
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role};
use tokio_tungstenite::tungstenite::{self, Message as WsMessage};
use tokio_tungstenite::WebSocketStream;

use crate::extract::{Declared, Extract, Param};
use crate::request::RequestContext;
use crate::response::{IntoResponse, Response};
use crate::routing::Operation;
use crate::validation::{Invalid, Loc, ValidationErrors};
use crate::{FromJson, Model};

/// WebSocket limits and keep-alive (uvicorn's `--ws-max-size`,
/// `--ws-ping-interval`, `--ws-ping-timeout`), a field of
/// [`server::Config`](crate::server::Config).
///
/// ```
/// use std::time::Duration;
/// let ws = fastrs::websockets::WebSocketConfig {
///     max_message_size: 64 * 1024,
///     ping_interval: Some(Duration::from_secs(5)),
///     ..Default::default()
/// };
/// assert_eq!(ws.ping_timeout, Duration::from_secs(20));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct WebSocketConfig {
    /// The largest message (and frame) a client may send, in bytes (default
    /// 16 MiB, uvicorn's); a larger one closes the socket with 1009.
    pub max_message_size: usize,
    /// How long the socket may stay silent before the server pings it
    /// (default 20 s); `None`: never.
    pub ping_interval: Option<Duration>,
    /// How long a ping may go unanswered before the socket is closed
    /// (default 20 s).
    pub ping_timeout: Duration,
}

impl Default for WebSocketConfig {
    fn default() -> Self {
        WebSocketConfig {
            max_message_size: 16 * 1024 * 1024,
            ping_interval: Some(Duration::from_secs(20)),
            ping_timeout: Duration::from_secs(20),
        }
    }
}

impl WebSocketConfig {
    fn protocol(&self) -> tungstenite::protocol::WebSocketConfig {
        tungstenite::protocol::WebSocketConfig::default()
            .read_buffer_size(4096)
            .write_buffer_size(0)
            .max_message_size(Some(self.max_message_size))
            .max_frame_size(Some(self.max_message_size))
    }
}

/// The socket closed: by the client (its close code, 1005 when it gave
/// none, 1006 when the connection dropped without a close frame) or by the
/// server. Starlette's `WebSocketDisconnect`; what the `receive_*` and
/// `send_*` methods return once the socket is closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSocketDisconnect {
    /// The close code.
    pub code: u16,
    /// The close reason (may be empty).
    pub reason: String,
}

impl std::fmt::Display for WebSocketDisconnect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "websocket closed with code {}", self.code)?;
        if !self.reason.is_empty() {
            write!(f, ": {}", self.reason)?;
        }
        Ok(())
    }
}

impl std::error::Error for WebSocketDisconnect {}

/// A handler returning `Err(WebSocketDisconnect)` (the `?` of a `receive_*`)
/// ended normally: nothing more is sent.
impl IntoResponse for WebSocketDisconnect {
    fn into_response(self) -> Response {
        refusal(CloseWith {
            code: self.code,
            reason: self.reason,
            disconnected: true,
        })
    }
}

/// Closes (or, before the handshake, refuses) the socket with a code:
/// FastAPI's `WebSocketException`, for a dependency or a handler to return.
///
/// ```
/// use fastrs::websockets::WebSocketException;
/// let e = WebSocketException::new(1008).reason("no token");
/// assert_eq!((e.code, e.reason.as_str()), (1008, "no token"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSocketException {
    /// The close code (1008: policy violation).
    pub code: u16,
    /// The close reason.
    pub reason: String,
}

impl WebSocketException {
    /// A close with `code` and no reason.
    pub fn new(code: u16) -> Self {
        WebSocketException {
            code,
            reason: String::new(),
        }
    }

    /// With a reason.
    #[must_use]
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = reason.into();
        self
    }
}

impl std::fmt::Display for WebSocketException {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "websocket closed with code {} {}",
            self.code, self.reason
        )
    }
}

impl std::error::Error for WebSocketException {}

impl IntoResponse for WebSocketException {
    fn into_response(self) -> Response {
        refusal(CloseWith {
            code: self.code,
            reason: self.reason,
            disconnected: false,
        })
    }
}

/// A close carried by a response: before the handshake, the refusal (403 on
/// the wire; the test client reads the code); after it, the close to send.
#[derive(Debug, Clone)]
pub(crate) struct CloseWith {
    pub(crate) code: u16,
    pub(crate) reason: String,
    /// The socket is closed already (a `WebSocketDisconnect` returned).
    disconnected: bool,
}

/// uvicorn's answer to a handshake the app closed: 403, empty.
fn refusal(close: CloseWith) -> Response {
    let mut r = http::Response::new(crate::body::Body::Empty);
    *r.status_mut() = StatusCode::FORBIDDEN;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r.extensions_mut().insert(close);
    r
}

/// The close code and reason a refused handshake carries (what the test
/// client reports), if it was refused by a close.
pub(crate) fn refused_with(r: &Response) -> Option<(u16, String)> {
    r.extensions()
        .get::<CloseWith>()
        .map(|c| (c.code, c.reason.clone()))
}

/// uvicorn's answer to an upgrade no websocket route takes: 403 (the test
/// client sees a close with 1000, as Starlette's does).
pub(crate) fn no_route() -> Response {
    refusal(CloseWith {
        code: 1000,
        reason: String::new(),
        disconnected: false,
    })
}

/// What the websocket route answers for invalid parameters: a refusal with
/// 1008 and the error list (as JSON) as the reason, FastAPI's
/// `WebSocketRequestValidationError`. The macro's code calls it.
pub fn invalid(errors: ValidationErrors) -> Response {
    let reason = serde_json::to_string(errors.errors()).unwrap_or_default();
    WebSocketException::new(1008).reason(reason).into_response()
}

/// A message received: text or bytes (`websocket.receive()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A text message.
    Text(String),
    /// A binary message.
    Bytes(Bytes),
}

/// Why [`WebSocket::receive_json`] gave no value.
#[derive(Debug)]
pub enum ReceiveJsonError {
    /// The socket closed.
    Disconnect(WebSocketDisconnect),
    /// The message is not valid JSON of the model: Pydantic's errors
    /// (`json_invalid` for broken JSON, else the model's own, located from
    /// the message's root as `Model.model_validate_json` locates them).
    Invalid(ValidationErrors),
}

impl std::fmt::Display for ReceiveJsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReceiveJsonError::Disconnect(d) => d.fmt(f),
            ReceiveJsonError::Invalid(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReceiveJsonError {}

impl From<WebSocketDisconnect> for ReceiveJsonError {
    fn from(d: WebSocketDisconnect) -> Self {
        ReceiveJsonError::Disconnect(d)
    }
}

/// A `receive_json` error ends a handler like the disconnect or a 1008
/// close (invalid data).
impl IntoResponse for ReceiveJsonError {
    fn into_response(self) -> Response {
        match self {
            ReceiveJsonError::Disconnect(d) => d.into_response(),
            ReceiveJsonError::Invalid(e) => invalid(e),
        }
    }
}

/// The connection's bytes once upgraded: hyper's, or the test client's pipe.
pub(crate) enum IoSource {
    Hyper(hyper::upgrade::OnUpgrade),
    Memory(oneshot::Receiver<DuplexStream>),
}

/// The upgraded connection.
pub struct Io(IoKind);

enum IoKind {
    Hyper(hyper_util::rt::TokioIo<hyper::upgrade::Upgraded>),
    Memory(DuplexStream),
}

impl std::fmt::Debug for Io {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Io")
    }
}

impl AsyncRead for Io {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().0 {
            IoKind::Hyper(io) => Pin::new(io).poll_read(cx, buf),
            IoKind::Memory(io) => Pin::new(io).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Io {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match &mut self.get_mut().0 {
            IoKind::Hyper(io) => Pin::new(io).poll_write(cx, buf),
            IoKind::Memory(io) => Pin::new(io).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().0 {
            IoKind::Hyper(io) => Pin::new(io).poll_flush(cx),
            IoKind::Memory(io) => Pin::new(io).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().0 {
            IoKind::Hyper(io) => Pin::new(io).poll_shutdown(cx),
            IoKind::Memory(io) => Pin::new(io).poll_shutdown(cx),
        }
    }
}

type Stream = WebSocketStream<Io>;

/// What the server (or the test client) puts in an upgrade request's
/// extensions: where the connection's bytes will come from, where the
/// session goes once accepted, and the limits.
#[derive(Clone)]
pub struct Upgrade(Arc<UpgradeShared>);

struct UpgradeShared {
    io: Mutex<Option<IoSource>>,
    session: Mutex<Option<oneshot::Sender<Session>>>,
    config: WebSocketConfig,
}

impl std::fmt::Debug for Upgrade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upgrade").finish_non_exhaustive()
    }
}

impl Upgrade {
    pub(crate) fn new(
        io: IoSource,
        config: WebSocketConfig,
    ) -> (Upgrade, oneshot::Receiver<Session>) {
        let (tx, rx) = oneshot::channel();
        let u = Upgrade(Arc::new(UpgradeShared {
            io: Mutex::new(Some(io)),
            session: Mutex::new(Some(tx)),
            config,
        }));
        (u, rx)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Whether `headers` ask for a WebSocket (`Upgrade: websocket`, any case).
pub(crate) fn wants_websocket(headers: &http::HeaderMap) -> bool {
    headers.get_all(UPGRADE).iter().any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(',')
                .any(|t| t.trim().eq_ignore_ascii_case("websocket"))
        })
    })
}

/// The handshake's state, shared by the route's future and the handler's
/// [`WebSocket`].
struct Handshake {
    state: Mutex<HandshakeState>,
    /// The accepted socket's sender: how a failed session is closed (1011).
    sender: Mutex<Option<WebSocketSender>>,
}

enum HandshakeState {
    Waiting,
    Accepted { subprotocol: Option<String> },
    Closed(CloseWith),
}

/// The accepted rest of a websocket handler, run by the connection's task
/// (or the test client) once the connection is upgraded.
pub(crate) struct Session {
    future: Pin<Box<dyn Future<Output = Option<Response>> + Send>>,
    handshake: Arc<Handshake>,
}

impl Session {
    /// Runs the handler to its end. When `stop` resolves first (the server
    /// is shutting down) the socket is closed with 1001 and the handler
    /// goes on until it sees the disconnect. A panic or an error returned
    /// closes the socket with 1011 (a `WebSocketException`, with its code).
    pub(crate) async fn run(self, stop: impl Future<Output = ()>) {
        let Session { future, handshake } = self;
        let mut future = std::panic::AssertUnwindSafe(future).catch_unwind();
        let stop = std::pin::pin!(stop);
        let ended = tokio::select! {
            ended = &mut future => ended,
            () = stop => {
                let sender = lock(&handshake.sender).clone();
                if let Some(s) = sender {
                    let _ = s.close_with(1001, "").await;
                }
                future.await
            }
        };
        let close = match ended {
            Err(_) => {
                tracing::error!("websocket handler panicked; closed with 1011");
                Some((1011, String::new()))
            }
            Ok(None) => None,
            Ok(Some(r)) => match r.extensions().get::<CloseWith>() {
                Some(c) if c.disconnected => None,
                Some(c) => Some((c.code, c.reason.clone())),
                None => {
                    tracing::error!(status = %r.status(), "websocket handler failed; closed with 1011");
                    Some((1011, String::new()))
                }
            },
        };
        let sender = lock(&handshake.sender).take();
        if let Some(s) = sender {
            match close {
                Some((code, reason)) => {
                    let _ = s.close_with(code, &reason).await;
                }
                // Returned without closing: Starlette closes with 1000.
                None => {
                    let _ = s.close_with(1000, "").await;
                }
            }
        }
    }
}

/// What a websocket handler returns: `()`, or a `Result` whose error is a
/// response (an [`HttpError`](crate::HttpError) before the handshake is the
/// HTTP answer; after it, the socket closes with 1011), a
/// [`WebSocketException`] (its code), or a [`WebSocketDisconnect`] (the
/// socket is closed already: nothing more).
#[diagnostic::on_unimplemented(
    message = "a websocket handler returns `()` or `Result<(), E>`, not `{Self}`",
    label = "not what a websocket handler returns",
    note = "`E` is a response: `WebSocketDisconnect` (the `?` of a receive), `WebSocketException`, `HttpError`…"
)]
pub trait SessionEnd: Send + 'static {
    /// `None`: ended normally.
    fn end(self) -> Option<Response>;
}

impl SessionEnd for () {
    fn end(self) -> Option<Response> {
        None
    }
}

impl<E: IntoResponse + Send + 'static> SessionEnd for Result<(), E> {
    fn end(self) -> Option<Response> {
        self.err().map(IntoResponse::into_response)
    }
}

/// A WebSocket connection, as a handler parameter (Starlette's `WebSocket`).
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::websockets::{WebSocket, WebSocketDisconnect};
///
/// #[websocket("/ws")]
/// async fn echo(mut ws: WebSocket) -> Result<(), WebSocketDisconnect> {
///     ws.accept().await?;
///     loop {
///         let text = ws.receive_text().await?;
///         ws.send_text(format!("Message text was: {text}")).await?;
///     }
/// }
///
/// let client = TestClient::new(App::new().route(echo));
/// let mut ws = client.websocket_connect("/ws").unwrap();
/// ws.send_text("hi");
/// assert_eq!(ws.receive_text().unwrap(), "Message text was: hi");
/// ```
pub struct WebSocket {
    handshake: Arc<Handshake>,
    io: Option<IoSource>,
    config: WebSocketConfig,
    reader: Option<SplitStream<Stream>>,
    sender: Option<WebSocketSender>,
    /// Set once the socket is closed: every later call returns it.
    closed: Option<WebSocketDisconnect>,
}

impl std::fmt::Debug for WebSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSocket")
            .field("accepted", &self.sender.is_some())
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}

/// The sending half of an accepted [`WebSocket`], cloneable: what a
/// connection manager keeps to broadcast to other sockets (FastAPI's chat
/// example keeps the `WebSocket` objects themselves).
#[derive(Clone)]
pub struct WebSocketSender {
    shared: Arc<SenderShared>,
}

struct SenderShared {
    sink: tokio::sync::Mutex<SplitSink<Stream, WsMessage>>,
    /// A close frame was sent: the client's reply is awaited at most
    /// `ping_timeout`.
    closing: std::sync::atomic::AtomicBool,
    /// Wakes a receive waiting when a close is sent from elsewhere.
    close_sent: tokio::sync::Notify,
}

impl std::fmt::Debug for WebSocketSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebSocketSender")
    }
}

fn send_error(e: &tungstenite::Error) -> WebSocketDisconnect {
    match e {
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
            WebSocketDisconnect {
                code: 1000,
                reason: String::new(),
            }
        }
        _ => WebSocketDisconnect {
            code: 1006,
            reason: String::new(),
        },
    }
}

impl WebSocketSender {
    async fn send(&self, m: WsMessage) -> Result<(), WebSocketDisconnect> {
        self.shared
            .sink
            .lock()
            .await
            .send(m)
            .await
            .map_err(|e| send_error(&e))
    }

    /// Sends a text message.
    ///
    /// # Errors
    /// When the socket is closed.
    pub async fn send_text(&self, text: impl Into<String>) -> Result<(), WebSocketDisconnect> {
        self.send(WsMessage::text(text.into())).await
    }

    /// Sends a binary message.
    ///
    /// # Errors
    /// When the socket is closed.
    pub async fn send_bytes(&self, data: impl Into<Bytes>) -> Result<(), WebSocketDisconnect> {
        self.send(WsMessage::Binary(data.into())).await
    }

    /// Sends a value as a JSON text message (Starlette's `send_json`).
    ///
    /// # Errors
    /// When the socket is closed.
    pub async fn send_json<T: serde::Serialize + ?Sized>(
        &self,
        value: &T,
    ) -> Result<(), WebSocketDisconnect> {
        let text = serde_json::to_string(value).unwrap_or_default();
        self.send(WsMessage::text(text)).await
    }

    /// Sends a close frame.
    async fn close_with(&self, code: u16, reason: &str) -> Result<(), WebSocketDisconnect> {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.to_owned().into(),
        };
        self.shared
            .closing
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let sent = self.send(WsMessage::Close(Some(frame))).await;
        self.shared.close_sent.notify_waiters();
        sent
    }

    fn closing(&self) -> bool {
        self.shared
            .closing
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    async fn flush(&self) {
        let _ = self.shared.sink.lock().await.flush().await;
    }
}

impl WebSocket {
    fn not_accepted() -> WebSocketDisconnect {
        WebSocketDisconnect {
            code: 1006,
            reason: "the websocket is not accepted".into(),
        }
    }

    /// Accepts the connection: the handshake is answered (`101`).
    ///
    /// # Errors
    /// When the connection closed before the handshake completed, or
    /// `accept` was called twice.
    pub async fn accept(&mut self) -> Result<(), WebSocketDisconnect> {
        self.accept_inner(None).await
    }

    /// Accepts the connection with a subprotocol (`Sec-WebSocket-Protocol`).
    ///
    /// # Errors
    /// As [`accept`](WebSocket::accept).
    pub async fn accept_subprotocol(&mut self, protocol: &str) -> Result<(), WebSocketDisconnect> {
        self.accept_inner(Some(protocol.to_owned())).await
    }

    async fn accept_inner(
        &mut self,
        subprotocol: Option<String>,
    ) -> Result<(), WebSocketDisconnect> {
        let Some(io) = self.io.take() else {
            return Err(self.closed.clone().unwrap_or_else(Self::not_accepted));
        };
        *lock(&self.handshake.state) = HandshakeState::Accepted { subprotocol };
        let gone = || WebSocketDisconnect {
            code: 1006,
            reason: String::new(),
        };
        let io = match io {
            IoSource::Hyper(on) => Io(IoKind::Hyper(hyper_util::rt::TokioIo::new(
                on.await.map_err(|_| gone())?,
            ))),
            IoSource::Memory(rx) => Io(IoKind::Memory(rx.await.map_err(|_| gone())?)),
        };
        let stream =
            WebSocketStream::from_raw_socket(io, Role::Server, Some(self.config.protocol())).await;
        let (sink, reader) = stream.split();
        let sender = WebSocketSender {
            shared: Arc::new(SenderShared {
                sink: tokio::sync::Mutex::new(sink),
                closing: std::sync::atomic::AtomicBool::new(false),
                close_sent: tokio::sync::Notify::new(),
            }),
        };
        *lock(&self.handshake.sender) = Some(sender.clone());
        self.sender = Some(sender);
        self.reader = Some(reader);
        Ok(())
    }

    /// A cloneable sender for this socket, once accepted.
    pub fn sender(&self) -> Option<WebSocketSender> {
        self.sender.clone()
    }

    fn live_sender(&self) -> Result<&WebSocketSender, WebSocketDisconnect> {
        if let Some(c) = &self.closed {
            return Err(c.clone());
        }
        self.sender.as_ref().ok_or_else(Self::not_accepted)
    }

    /// Sends a text message.
    ///
    /// # Errors
    /// When the socket is closed (or not accepted).
    pub async fn send_text(&self, text: impl Into<String>) -> Result<(), WebSocketDisconnect> {
        self.live_sender()?.send_text(text).await
    }

    /// Sends a binary message.
    ///
    /// # Errors
    /// When the socket is closed (or not accepted).
    pub async fn send_bytes(&self, data: impl Into<Bytes>) -> Result<(), WebSocketDisconnect> {
        self.live_sender()?.send_bytes(data).await
    }

    /// Sends a value as a JSON text message.
    ///
    /// # Errors
    /// When the socket is closed (or not accepted).
    pub async fn send_json<T: serde::Serialize + ?Sized>(
        &self,
        value: &T,
    ) -> Result<(), WebSocketDisconnect> {
        self.live_sender()?.send_json(value).await
    }

    /// Closes the socket with `code` (1000: normal). Before
    /// [`accept`](WebSocket::accept) it refuses the handshake (403; the test
    /// client sees the code), as Starlette's `close()` does.
    ///
    /// # Errors
    /// When the socket was closed already.
    pub async fn close(&mut self, code: u16) -> Result<(), WebSocketDisconnect> {
        self.close_with_reason(code, "").await
    }

    /// Closes the socket with a code and a reason.
    ///
    /// # Errors
    /// When the socket was closed already.
    pub async fn close_with_reason(
        &mut self,
        code: u16,
        reason: &str,
    ) -> Result<(), WebSocketDisconnect> {
        if self.sender.is_none() && self.io.is_some() {
            self.io = None;
            *lock(&self.handshake.state) = HandshakeState::Closed(CloseWith {
                code,
                reason: reason.to_owned(),
                disconnected: false,
            });
            self.closed = Some(WebSocketDisconnect {
                code,
                reason: reason.to_owned(),
            });
            return Ok(());
        }
        let sender = self.live_sender()?.clone();
        let sent = sender.close_with(code, reason).await;
        self.closed = Some(WebSocketDisconnect {
            code,
            reason: reason.to_owned(),
        });
        sent
    }

    /// The next message, text or bytes.
    ///
    /// # Errors
    /// The disconnect, when the client closes the socket (or it dropped,
    /// 1006; or a message broke the size limit, 1009; or a ping went
    /// unanswered, 1011).
    pub async fn receive(&mut self) -> Result<Message, WebSocketDisconnect> {
        if let Some(c) = &self.closed {
            return Err(c.clone());
        }
        let Some(reader) = self.reader.as_mut() else {
            return Err(Self::not_accepted());
        };
        let sender = self.sender.clone().ok_or_else(Self::not_accepted)?;
        let mut pinged = false;
        loop {
            // Registered before `closing` is read: a close sent meanwhile
            // (a shutdown) wakes this wait, which then shortens.
            let close_sent = sender.shared.close_sent.notified();
            let closing = sender.closing();
            let wait = match (pinged || closing, self.config.ping_interval) {
                (true, _) => Some(self.config.ping_timeout),
                (false, interval) => interval,
            };
            let read = async {
                match wait {
                    Some(d) => tokio::time::timeout(d, reader.next()).await.ok(),
                    None => Some(reader.next().await),
                }
            };
            let next = tokio::select! {
                read = read => match read {
                    Some(n) => n,
                    // The close sent was never answered.
                    None if closing => return Err(self.closed_with(1006, "")),
                    None if !pinged => {
                        pinged = true;
                        let _ = sender.send(WsMessage::Ping(Bytes::new())).await;
                        continue;
                    }
                    None => {
                        tracing::debug!("websocket keepalive ping unanswered; closed with 1011");
                        let _ = sender.close_with(1011, "keepalive ping timeout").await;
                        return Err(self.closed_with(1006, ""));
                    }
                },
                () = close_sent, if !closing => continue,
            };
            pinged = false;
            match next {
                Some(Ok(WsMessage::Text(t))) => return Ok(Message::Text(t.as_str().to_owned())),
                Some(Ok(WsMessage::Binary(b))) => return Ok(Message::Bytes(b)),
                Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_) | WsMessage::Frame(_))) => {
                    // tungstenite queues the pong itself; it goes out with the next write.
                    sender.flush().await;
                }
                Some(Ok(WsMessage::Close(frame))) => {
                    let (code, reason) = frame.map_or((1005, String::new()), |f| {
                        (u16::from(f.code), f.reason.as_str().to_owned())
                    });
                    // The close reply is queued by tungstenite: flush it.
                    sender.flush().await;
                    return Err(self.closed_with(code, &reason));
                }
                Some(Err(tungstenite::Error::Capacity(e))) => {
                    tracing::debug!("websocket message refused: {e}; closed with 1009");
                    let _ = sender.close_with(1009, "").await;
                    return Err(self.closed_with(1009, ""));
                }
                Some(Err(tungstenite::Error::Protocol(e))) => {
                    tracing::debug!("websocket protocol error: {e}; closed with 1002");
                    let _ = sender.close_with(1002, "").await;
                    return Err(self.closed_with(1002, ""));
                }
                Some(Err(tungstenite::Error::Utf8(_))) => {
                    let _ = sender.close_with(1007, "").await;
                    return Err(self.closed_with(1007, ""));
                }
                Some(Err(_)) | None => return Err(self.closed_with(1006, "")),
            }
        }
    }

    fn closed_with(&mut self, code: u16, reason: &str) -> WebSocketDisconnect {
        let d = WebSocketDisconnect {
            code,
            reason: reason.to_owned(),
        };
        self.closed = Some(d.clone());
        d
    }

    /// The next text message (a binary one is decoded as UTF-8, lossily).
    ///
    /// # Errors
    /// The disconnect.
    pub async fn receive_text(&mut self) -> Result<String, WebSocketDisconnect> {
        Ok(match self.receive().await? {
            Message::Text(t) => t,
            Message::Bytes(b) => String::from_utf8_lossy(&b).into_owned(),
        })
    }

    /// The next binary message (a text one as its UTF-8 bytes).
    ///
    /// # Errors
    /// The disconnect.
    pub async fn receive_bytes(&mut self) -> Result<Bytes, WebSocketDisconnect> {
        Ok(match self.receive().await? {
            Message::Text(t) => Bytes::from(t),
            Message::Bytes(b) => b,
        })
    }

    /// The next message as JSON, validated as `T` (a model, or any type
    /// read from JSON, `serde_json::Value` included) with Pydantic's errors.
    ///
    /// # Errors
    /// The disconnect, or the message's validation errors.
    pub async fn receive_json<T: FromJson>(&mut self) -> Result<T, ReceiveJsonError> {
        let bytes = self.receive_bytes().await?;
        parse_json::<T>(&bytes).map_err(ReceiveJsonError::Invalid)
    }

    /// The next message as a [`Model`] (the same as
    /// [`receive_json`](WebSocket::receive_json), named for the common case).
    ///
    /// # Errors
    /// The disconnect, or the message's validation errors.
    pub async fn receive_model<T: Model>(&mut self) -> Result<T, ReceiveJsonError> {
        self.receive_json::<T>().await
    }
}

/// `T.model_validate_json(bytes)`: `json_invalid` for broken JSON, else the
/// model's errors located from the root.
fn parse_json<T: FromJson>(bytes: &[u8]) -> Result<T, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            let input = serde_json::Value::String(String::from_utf8_lossy(bytes).into_owned());
            let msg = e.to_string();
            errors.push(
                &Loc::empty(),
                input,
                Invalid::new("json_invalid", format!("Invalid JSON: {msg}")).with_ctx("error", msg),
            );
            return Err(errors);
        }
    };
    match T::from_json(&value, &mut Loc::empty(), &mut errors) {
        Some(v) if errors.is_empty() => Ok(v),
        _ => Err(errors),
    }
}

/// Where the route's code finds the handshake once the [`WebSocket`]
/// parameter is extracted.
#[derive(Clone)]
struct Pending {
    handshake: Arc<Handshake>,
    upgrade: Upgrade,
}

impl Extract<WebSocket> for WebSocket {
    type Read = ();

    const WEBSOCKET: bool = true;

    fn read(
        _: &mut RequestContext,
        _: &'static Declared<WebSocket>,
    ) -> impl Future<Output = Result<(), Response>> + Send {
        std::future::ready(Ok(()))
    }

    fn extract(
        cx: &mut RequestContext,
        _: (),
        _: &'static Declared<WebSocket>,
        _: &mut ValidationErrors,
    ) -> impl Future<Output = Result<Option<WebSocket>, Response>> + Send {
        let upgrade = cx.parts_mut().extensions.get::<Upgrade>().cloned();
        std::future::ready(match upgrade {
            None => Err(crate::HttpError::new(
                400,
                "a WebSocket parameter needs a websocket route (#[websocket])",
            )
            .into_response()),
            Some(upgrade) => {
                let handshake = Arc::new(Handshake {
                    state: Mutex::new(HandshakeState::Waiting),
                    sender: Mutex::new(None),
                });
                let io = lock(&upgrade.0.io).take();
                let config = upgrade.0.config;
                cx.cache_mut().insert(Pending {
                    handshake: handshake.clone(),
                    upgrade,
                });
                Ok(Some(WebSocket {
                    handshake,
                    io,
                    config,
                    reader: None,
                    sender: None,
                    closed: None,
                }))
            }
        })
    }

    fn document(_: &'static Declared<WebSocket>, _: &mut Operation) {}
}

impl Param for WebSocket {
    type Source = WebSocket;
}

/// The refusal of a malformed handshake, in uvicorn's words (the
/// `websockets` library's): 400, plain text, `Connection: close`.
fn bad_handshake(reason: &str) -> Response {
    let body = format!("Failed to open a WebSocket connection: {reason}.\n");
    let mut r = http::Response::new(crate::body::Body::from(body));
    *r.status_mut() = StatusCode::BAD_REQUEST;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    r
}

/// Checks an upgrade request's handshake headers as the `websockets`
/// library does (Connection, Upgrade, then the key, then the version).
pub(crate) fn check_handshake(headers: &http::HeaderMap) -> Option<Response> {
    let has_token = |name: http::HeaderName, token: &str| {
        headers.get_all(name).iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
        })
    };
    if !has_token(CONNECTION, "upgrade") {
        return Some(match headers.get(CONNECTION) {
            None => bad_handshake("missing Connection header"),
            Some(v) => bad_handshake(&format!(
                "invalid Connection header: {}",
                String::from_utf8_lossy(v.as_bytes())
            )),
        });
    }
    if !has_token(UPGRADE, "websocket") {
        return Some(bad_handshake("missing Upgrade header"));
    }
    let key = headers
        .get_all("sec-websocket-key")
        .iter()
        .collect::<Vec<_>>();
    match key.as_slice() {
        [] => return Some(bad_handshake("missing Sec-WebSocket-Key header")),
        [k] => {
            use base64::Engine as _;
            let ok = base64::engine::general_purpose::STANDARD
                .decode(k.as_bytes())
                .is_ok_and(|raw| raw.len() == 16);
            if !ok {
                return Some(bad_handshake(&format!(
                    "invalid Sec-WebSocket-Key header: {}",
                    String::from_utf8_lossy(k.as_bytes())
                )));
            }
        }
        _ => {
            return Some(bad_handshake(
                "invalid Sec-WebSocket-Key header: multiple values",
            ))
        }
    }
    match headers.get("sec-websocket-version") {
        None => Some(bad_handshake("missing Sec-WebSocket-Version header")),
        Some(v) if v.as_bytes() == b"13" => None,
        Some(v) => Some(bad_handshake(&format!(
            "invalid Sec-WebSocket-Version header: {}",
            String::from_utf8_lossy(v.as_bytes())
        ))),
    }
}

/// Runs a websocket handler up to its handshake: what the `#[websocket]`
/// macro's code calls with the handler's future once the parameters are
/// extracted. The handler is polled here until it accepts (then `101` is
/// answered and the rest of it becomes the connection's session), closes
/// (a `403` refusal carrying the code), or ends before accepting (its
/// error as the answer; a panic is uvicorn's plain-text `500`).
pub async fn handshake<R: SessionEnd>(
    cx: &mut RequestContext,
    handler: impl Future<Output = R> + Send + 'static,
) -> Response {
    let Some(Pending { handshake, upgrade }) = cx.cache().get::<Pending>().cloned() else {
        tracing::error!("a websocket route's handler takes no WebSocket parameter");
        return crate::HttpError::new(500, "Internal Server Error").into_response();
    };
    let key = cx
        .headers()
        .get("sec-websocket-key")
        .map(|k| tungstenite::handshake::derive_accept_key(k.as_bytes()));
    let mut session: Pin<Box<dyn Future<Output = Option<Response>> + Send>> =
        Box::pin(handler.map(SessionEnd::end));
    let polled = std::future::poll_fn(|cx| {
        let r =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| session.as_mut().poll(cx)));
        match r {
            Err(_) => Poll::Ready(Err(())),
            Ok(Poll::Ready(end)) => Poll::Ready(Ok(Some(end))),
            Ok(Poll::Pending) => {
                if matches!(*lock(&handshake.state), HandshakeState::Accepted { .. }) {
                    Poll::Ready(Ok(None))
                } else {
                    Poll::Pending
                }
            }
        }
    })
    .await;
    let state = std::mem::replace(&mut *lock(&handshake.state), HandshakeState::Waiting);
    match (polled, state) {
        (Err(()), _) => {
            tracing::error!("websocket handler panicked before the handshake; answered 500");
            let mut r = http::Response::new(crate::body::Body::from("Internal Server Error"));
            *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            r.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            r
        }
        (Ok(None), HandshakeState::Accepted { subprotocol }) => {
            let sent = lock(&upgrade.0.session).take().map(|tx| {
                tx.send(Session {
                    future: session,
                    handshake: handshake.clone(),
                })
            });
            if !matches!(sent, Some(Ok(()))) {
                tracing::error!("websocket accepted but the connection cannot be upgraded");
            }
            let mut r = http::Response::new(crate::body::Body::Empty);
            *r.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
            let h = r.headers_mut();
            h.insert(UPGRADE, HeaderValue::from_static("websocket"));
            h.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
            if let Some(Ok(v)) = key.map(HeaderValue::try_from) {
                h.insert("sec-websocket-accept", v);
            }
            if let Some(Ok(p)) = subprotocol.map(HeaderValue::try_from) {
                h.insert("sec-websocket-protocol", p);
            }
            r
        }
        // Ended before the handshake: closed, refused by an error, or
        // returned without accepting (uvicorn refuses with 403).
        (Ok(end), state) => {
            let end = end.flatten();
            match (state, end) {
                (HandshakeState::Closed(c), _) => refusal(c),
                (_, Some(r)) => r,
                (_, None) => refusal(CloseWith {
                    code: 1000,
                    reason: String::new(),
                    disconnected: false,
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_headers_are_checked_in_the_websockets_library_order() {
        let mut h = http::HeaderMap::new();
        h.insert(CONNECTION, HeaderValue::from_static("keep-alive, Upgrade"));
        h.insert(UPGRADE, HeaderValue::from_static("websocket"));
        let text = |r: Response| match r.into_body() {
            crate::body::Body::Full(b) => String::from_utf8(b.to_vec()).unwrap(),
            _ => panic!("a full body"),
        };
        assert_eq!(
            text(check_handshake(&h).unwrap()),
            "Failed to open a WebSocket connection: missing Sec-WebSocket-Key header.\n"
        );
        h.insert(
            "sec-websocket-key",
            HeaderValue::from_static("dGhlIHNhbXBsZSBub25jZQ=="),
        );
        assert_eq!(
            text(check_handshake(&h).unwrap()),
            "Failed to open a WebSocket connection: missing Sec-WebSocket-Version header.\n"
        );
        h.insert("sec-websocket-version", HeaderValue::from_static("8"));
        let r = check_handshake(&h).unwrap();
        assert_eq!(r.status(), 400);
        assert_eq!(r.headers()[CONNECTION], "close");
        assert_eq!(
            text(r),
            "Failed to open a WebSocket connection: invalid Sec-WebSocket-Version header: 8.\n"
        );
        h.insert("sec-websocket-version", HeaderValue::from_static("13"));
        assert!(check_handshake(&h).is_none());
        h.insert("sec-websocket-key", HeaderValue::from_static("short"));
        assert_eq!(
            text(check_handshake(&h).unwrap()),
            "Failed to open a WebSocket connection: invalid Sec-WebSocket-Key header: short.\n"
        );
    }

    #[test]
    fn broken_json_is_pydantic_json_invalid() {
        let e = parse_json::<serde_json::Value>(b"{").unwrap_err();
        let v = serde_json::to_value(e.errors()).unwrap();
        assert_eq!(v[0]["type"], "json_invalid");
        assert_eq!(
            v[0]["msg"],
            "Invalid JSON: EOF while parsing an object at line 1 column 1"
        );
        assert_eq!(v[0]["loc"], serde_json::json!([]));
    }
}
