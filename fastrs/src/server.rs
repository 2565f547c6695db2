//! The server: `fastrs::serve(app)`, FastAPI's uvicorn.
//!
//! A FastAPI app needs uvicorn to face the network; a fastrs app needs this
//! module, so that `main` is one line and the defaults that keep a server
//! standing are on without anyone having to know about them. hyper parses
//! HTTP correctly but leaves policy to its caller, and an unconfigured hyper
//! server waits forever for a client that connects and sends nothing, or that
//! sends half a header and stalls. So [`serve`] speaks HTTP/1.1 with
//! keep-alive and, with the cargo feature `http2`, HTTP/2 (prior knowledge,
//! h2c) on the same port (the first bytes of a connection pick hyper's
//! HTTP/1 connection, or hyper-util's `auto` builder when they may be
//! HTTP/2's preface; without the feature, a connection opening with HTTP/2's
//! preface is answered with HTTP/2's own refusal, a GOAWAY with the error
//! `HTTP_1_1_REQUIRED`, and closed), and by default: cuts off a
//! client whose request head takes longer than 5 s to arrive (counted from
//! when the server starts waiting for it, one timer per connection rather
//! than one per request); closes a connection that sends no byte at
//! all within 10 s; closes a connection with no request in flight after 5 s
//! (an idle keep-alive or HTTP/2 connection, and a stalled protocol preface);
//! accepts at most 10 000 connections at once, leaving the rest in the
//! kernel's backlog rather than running out of file descriptors; survives
//! accept errors such as `EMFILE` by logging them and retrying shortly after;
//! sets `TCP_NODELAY` so small responses are not held back by Nagle's
//! algorithm; answers a panic anywhere in a request with a 500; logs each
//! request in uvicorn's format through `tracing` (target `fastrs::access`);
//! and on Ctrl-C or SIGTERM loses no request: it stops accepting, serves the
//! connections already waiting in the kernel's backlog, answers every
//! request already read with `Connection: close`, gives an idle keep-alive
//! connection a last call of 500 ms for a request on its way, lets requests
//! in flight finish, and then the background tasks they left running
//! (uvicorn waits for them too: Starlette runs them inside the request),
//! for up to 30 s in all, then closes what is left (a second signal closes
//! it at once); the app's shutdown hooks run last. [`Config`] changes any of these; [`Server`] binds first so a
//! test can serve on port 0 and learn the address.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http::{Request, Version};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
#[cfg(feature = "http2")]
use hyper_util::rt::{TokioExecutor, TokioTimer};
#[cfg(feature = "http2")]
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::{JoinError, JoinSet};

use crate::app::{App, AppService};
use crate::body::RequestBody;
use crate::http_error::HttpError;
use crate::proxy_headers::TrustedHosts;
use crate::response::IntoResponse;
use crate::websockets::{IoSource, Session, Upgrade, WebSocketConfig};

const LOG: &str = "fastrs::server";

#[cfg(not(feature = "http2"))]
mod no_http2;

/// Serves `app` on HOST:PORT from the environment (default 127.0.0.1:8000)
/// until Ctrl-C or SIGTERM.
///
/// ```no_run
/// use fastrs::prelude::*;
///
/// #[get("/")]
/// async fn read_root() -> Json<serde_json::Value> {
///     Json(serde_json::json!({"message": "Hello, World"}))
/// }
///
/// #[tokio::main]
/// async fn main() -> std::io::Result<()> {
///     fastrs::serve(App::new().route(read_root)).await
/// }
/// ```
///
/// `app` may be an [`App`] or an app in tower layers ([`App::layer`]).
/// Unless the program installed a `tracing` subscriber first, the log
/// (one uvicorn-style line per request) goes to the terminal, filtered by
/// `RUST_LOG`: see [`crate::logging`].
///
/// # Errors
/// When HOST, PORT or ACCESS_LOG is invalid, or the address cannot be bound.
pub async fn serve(app: impl Servable) -> io::Result<()> {
    crate::logging::install_default();
    Server::bind(app, Config::from_env()?).await?.run().await
}

/// What [`serve`] and [`Server::bind`] accept: an [`App`], or an app in
/// tower layers ([`App::layer`], which returns a [`Layered`](crate::layer::Layered)).
///
/// The one way to serve layers is [`App::layer`]: the app's start-up hooks
/// run first, then the layers wrap the started app.
pub trait Servable: Send + 'static {
    /// The started app as the server calls it.
    #[doc(hidden)]
    type Service: Serving;

    /// Runs the start-up hooks (the app told the server's `root_path`);
    /// the service to serve, and the app for its shutdown hooks.
    #[doc(hidden)]
    fn start(
        self,
        root_path: Option<String>,
    ) -> impl Future<Output = io::Result<(Self::Service, AppService)>> + Send;
}

impl Servable for App {
    type Service = AppService;

    async fn start(mut self, root_path: Option<String>) -> io::Result<(AppService, AppService)> {
        self.meta.server_root_path = root_path
            .as_deref()
            .and_then(|p| crate::root_path::RootPath::new(p, true));
        let service = App::start(self).await.map_err(io::Error::other)?;
        Ok((service.clone(), service))
    }
}

/// A started app as the server calls it, once per request: [`AppService`]
/// directly (no allocation of its own), or
/// [`LayeredService`](crate::layer::LayeredService).
#[doc(hidden)]
pub trait Serving: Clone + Send + Sync + 'static {
    /// The response body.
    type Body: http_body::Body<Data = bytes::Bytes, Error: Into<crate::body::BoxError>>
        + From<crate::body::Body>
        + Send
        + 'static;
    /// The future of one response.
    type Future: Future<Output = http::Response<Self::Body>> + Send + 'static;
    /// Whether each request needs its client's address in its extensions.
    fn wants_client(&self) -> bool;
    /// Whether connections must support HTTP/1.1 upgrades (websockets).
    fn wants_upgrades(&self) -> bool;
    /// Starts answering `req`.
    fn serve(&self, req: Request<Incoming>) -> Self::Future;
}

impl Serving for AppService {
    type Body = crate::body::Body;
    type Future = crate::app::Handling;

    fn wants_client(&self) -> bool {
        AppService::wants_client(self)
    }

    fn wants_upgrades(&self) -> bool {
        AppService::wants_upgrades(self)
    }

    #[inline]
    fn serve(&self, req: Request<Incoming>) -> crate::app::Handling {
        let (parts, body) = req.into_parts();
        self.handle_parts(parts, RequestBody::Incoming(body))
    }
}

/// Server settings; [`Config::from_env`] reads HOST and PORT.
///
/// ```
/// use std::time::Duration;
/// let config = fastrs::server::Config {
///     header_read_timeout: Duration::from_secs(2),
///     ..fastrs::server::Config::default()
/// };
/// assert_eq!(config.addr.port(), 8000);
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on (default 127.0.0.1:8000).
    pub addr: SocketAddr,
    /// How long an HTTP/1 request head (request line and headers) may take
    /// to arrive, counted from when the server starts waiting for it (default 5 s).
    pub header_read_timeout: Duration,
    /// How long a connection may stay open with no request in flight before
    /// it is closed gracefully (default 5 s, uvicorn's keep-alive timeout).
    /// Covers idle HTTP/2 connections, which have no header-read timeout.
    pub idle_timeout: Duration,
    /// How long a new connection may wait before sending its first byte (default 10 s).
    pub first_byte_timeout: Duration,
    /// The most connections served at once (default 10 000); beyond it new
    /// connections wait in the kernel's backlog.
    pub max_connections: usize,
    /// Log every request at INFO under the `fastrs::access` target in
    /// uvicorn's format (default on; env `ACCESS_LOG=off` in
    /// [`from_env`](Config::from_env), uvicorn's `--no-access-log`). Each
    /// request also runs in a `request` span (target `fastrs::request`)
    /// with its `id`: the `x-request-id` header when the client sent one,
    /// else a number counted by the process.
    pub access_log: bool,
    /// How long requests in flight, and then the background tasks they
    /// started, may take to finish after a shutdown signal before their
    /// connections are closed (default 30 s).
    pub graceful_shutdown_timeout: Duration,
    /// After a shutdown signal, how long an idle keep-alive connection (or
    /// one accepted but silent) stays open for a request already on its way
    /// (default 500 ms): a request that arrives is answered with
    /// `Connection: close`; then the connection closes.
    pub shutdown_last_call: Duration,
    /// The proxies whose `X-Forwarded-For`/`X-Forwarded-Proto` give a
    /// request's client and scheme (uvicorn's `--forwarded-allow-ips`,
    /// default `127.0.0.1,::1`, env `FORWARDED_ALLOW_IPS` in
    /// [`from_env`](Config::from_env)); `None` ignores those headers
    /// (uvicorn's `--no-proxy-headers`). See [`crate::proxy_headers`].
    pub forwarded_allow_ips: Option<Arc<TrustedHosts>>,
    /// The path prefix a proxy serves the app under, which it strips
    /// before passing requests on (uvicorn's `--root-path`, env `ROOT_PATH`
    /// in [`from_env`](Config::from_env); default none). See [`crate::root_path`].
    pub root_path: Option<String>,
    /// WebSocket limits and keep-alive (uvicorn's `--ws-max-size`,
    /// `--ws-ping-interval`, `--ws-ping-timeout`; see [`crate::websockets`]).
    pub websocket: WebSocketConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8000),
            header_read_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(5),
            first_byte_timeout: Duration::from_secs(10),
            max_connections: 10_000,
            access_log: true,
            graceful_shutdown_timeout: Duration::from_secs(30),
            shutdown_last_call: Duration::from_millis(500),
            forwarded_allow_ips: Some(Arc::new(TrustedHosts::default())),
            root_path: None,
            websocket: WebSocketConfig::default(),
        }
    }
}

impl Config {
    /// The defaults, with the address from HOST (an IP address or a host
    /// name; default 127.0.0.1) and PORT (default 8000).
    ///
    /// # Errors
    /// When PORT is not a port number or HOST does not resolve.
    pub fn from_env() -> io::Result<Config> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let port = match var("PORT") {
            None => 8000,
            Some(p) => p.trim().parse::<u16>().map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("PORT must be a number from 0 to 65535, not {p:?}"),
                )
            })?,
        };
        let addr = match var("HOST") {
            None => SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
            Some(h) => {
                let h = h.trim();
                let h = h
                    .strip_prefix('[')
                    .and_then(|h| h.strip_suffix(']'))
                    .unwrap_or(h);
                match h.parse::<IpAddr>() {
                    Ok(ip) => SocketAddr::new(ip, port),
                    Err(_) => (h, port).to_socket_addrs()?.next().ok_or_else(|| {
                        io::Error::new(
                            io::ErrorKind::InvalidInput,
                            format!("HOST {h:?} does not resolve to an address"),
                        )
                    })?,
                }
            }
        };
        let mut config = Config {
            addr,
            ..Config::default()
        };
        if let Some(v) = var("ACCESS_LOG") {
            config.access_log = match v.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "on" | "yes" => true,
                "0" | "false" | "off" | "no" => false,
                _ => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!("ACCESS_LOG must be on or off, not {v:?}"),
                    ))
                }
            };
        }
        config.root_path = var("ROOT_PATH").map(|p| p.trim().to_owned());
        if let Some(list) = var("FORWARDED_ALLOW_IPS") {
            config.forwarded_allow_ips = Some(Arc::new(TrustedHosts::parse(list.trim())));
        }
        Ok(config)
    }
}

/// A bound server: lets tests bind port 0 and learn the address before serving.
///
/// ```no_run
/// # async fn demo(app: fastrs::App) -> std::io::Result<()> {
/// use fastrs::server::{Config, Server};
/// let config = Config { addr: "127.0.0.1:0".parse().unwrap(), ..Config::default() };
/// let server = Server::bind(app, config).await?;
/// let addr = server.local_addr();
/// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
/// let task = tokio::spawn(server.run_until(async { stopped.await.ok(); }));
/// // ... talk to `addr` ...
/// stop.send(()).ok();
/// task.await.unwrap()
/// # }
/// ```
pub struct Server<S = AppService> {
    listener: TcpListener,
    local_addr: SocketAddr,
    service: S,
    app: AppService,
    config: Config,
}

impl<S> std::fmt::Debug for Server<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .field("app", &self.app)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<S: Serving> Server<S> {
    /// Runs `app`'s start-up hooks, freezes it, wraps it in its layers if
    /// it has some ([`App::layer`]) and binds `config.addr`.
    ///
    /// # Errors
    /// When a start-up hook fails or the address cannot be bound.
    ///
    /// # Panics
    /// When two routes of `app` conflict (see [`App::into_service`]).
    pub async fn bind(app: impl Servable<Service = S>, config: Config) -> io::Result<Server<S>> {
        let (service, app) = app.start(config.root_path.clone()).await?;
        let listener = TcpListener::bind(config.addr).await?;
        let local_addr = listener.local_addr()?;
        Ok(Server {
            listener,
            local_addr,
            service,
            app,
            config,
        })
    }

    /// The address the server listens on (with the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until `shutdown` resolves, then stops accepting and lets
    /// in-flight requests finish (up to the graceful timeout).
    ///
    /// # Errors
    /// None today: accept and connection errors are logged, never returned.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send) -> io::Result<()> {
        self.run_inner(shutdown, std::future::pending()).await
    }

    /// Serves until Ctrl-C / SIGTERM; a second signal closes remaining
    /// connections without waiting for the graceful timeout.
    ///
    /// # Errors
    /// None today: accept and connection errors are logged, never returned.
    pub async fn run(self) -> io::Result<()> {
        self.run_inner(shutdown_signal(), shutdown_signal()).await
    }

    async fn run_inner(
        self,
        shutdown: impl Future<Output = ()> + Send,
        force: impl Future<Output = ()> + Send,
    ) -> io::Result<()> {
        let Server {
            listener,
            local_addr,
            service,
            app,
            config,
        } = self;
        let line =
            format!("fastrs running on http://{local_addr} (docs at http://{local_addr}/docs)");
        tracing::info!(target: LOG, "{line}");
        // Without a tracing subscriber the line above goes nowhere: say it anyway.
        if !tracing::dispatcher::has_been_set() {
            eprintln!("{line}");
        }

        let shared = Arc::new(Shared {
            upgrades: service.wants_upgrades(),
            app: service,
            #[cfg(feature = "http2")]
            builder: connection_builder(&config),
            http1: http1_builder(),
            first_byte_timeout: config.first_byte_timeout,
            header_read_timeout: config.header_read_timeout,
            idle_timeout: config.idle_timeout,
            shutdown_last_call: config.shutdown_last_call,
            access_log: config.access_log,
            forwarded_allow_ips: config.forwarded_allow_ips.clone(),
            websocket: config.websocket,
        });
        let max = config.max_connections.clamp(1, Semaphore::MAX_PERMITS);
        let limit = Arc::new(Semaphore::new(max));
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut conns: JoinSet<()> = JoinSet::new();
        let mut shutdown = std::pin::pin!(shutdown);
        let mut permit: Option<OwnedSemaphorePermit> = None;
        let mut last_limit_warning: Option<Instant> = None;

        'accept: loop {
            if permit.is_none() {
                if let Ok(p) = limit.clone().try_acquire_owned() {
                    permit = Some(p);
                } else {
                    if last_limit_warning.is_none_or(|t| t.elapsed() >= Duration::from_secs(10)) {
                        tracing::warn!(
                            target: LOG,
                            "connection limit reached ({max}); new connections wait until one closes"
                        );
                        last_limit_warning = Some(Instant::now());
                    }
                    tokio::select! {
                        biased;
                        () = &mut shutdown => break 'accept,
                        p = limit.clone().acquire_owned() => permit = p.ok(),
                    }
                }
                continue;
            }
            tokio::select! {
                biased;
                () = &mut shutdown => break 'accept,
                Some(done) = conns.join_next() => reap(done),
                accepted = listener.accept() => match accepted {
                    Ok((stream, peer)) => {
                        let Some(p) = permit.take() else { continue };
                        spawn_connection(&mut conns, stream, peer, &shared, &stop_rx, Some(p));
                    }
                    Err(e) if is_per_connection(&e) => {
                        tracing::debug!(target: LOG, "accept: {e}");
                    }
                    Err(e) => {
                        // EMFILE, ENFILE, ENOBUFS, ENOMEM: wait for resources to free up.
                        tracing::error!(target: LOG, "accept failed: {e}; retrying in 100 ms");
                        tokio::select! {
                            biased;
                            () = &mut shutdown => break 'accept,
                            () = tokio::time::sleep(Duration::from_millis(100)) => {}
                        }
                    }
                },
            }
        }

        // Connections the kernel completed before the listener closes are
        // served (their requests answered with `Connection: close`), not reset.
        let _ = stop_tx.send(true);
        let mut late = 0usize;
        while let Poll::Ready(accepted) =
            std::future::poll_fn(|cx| Poll::Ready(listener.poll_accept(cx))).await
        {
            match accepted {
                Ok((stream, peer)) => {
                    spawn_connection(&mut conns, stream, peer, &shared, &stop_rx, None);
                    late += 1;
                }
                Err(e) if is_per_connection(&e) => {}
                Err(_) => break,
            }
        }
        drop(listener);
        if late > 0 {
            tracing::debug!(target: LOG, "{late} connection(s) accepted from the backlog while closing");
        }
        tracing::info!(
            target: LOG,
            "shutting down: no longer accepting; waiting for {} connection(s) (up to {:?})",
            conns.len(),
            config.graceful_shutdown_timeout
        );
        let drain = async {
            while let Some(done) = conns.join_next().await {
                reap(done);
            }
            // Then the background tasks those requests started.
            app.background_tasks_done().await;
        };
        let drained = tokio::select! {
            r = tokio::time::timeout(config.graceful_shutdown_timeout, drain) => r.is_ok(),
            () = force => false,
        };
        if !drained {
            tracing::warn!(
                target: LOG,
                "closing {} connection(s) still open ({} background task(s) still running)",
                conns.len(),
                app.background_tasks_running()
            );
            conns.shutdown().await;
        }
        app.shutdown().await;
        tracing::info!(target: LOG, "fastrs stopped");
        Ok(())
    }
}

/// Serves an accepted connection on its own task, holding its slot of the
/// connection limit (`None`: one accepted while closing, over the limit).
fn spawn_connection<S: Serving>(
    conns: &mut JoinSet<()>,
    stream: TcpStream,
    peer: SocketAddr,
    shared: &Arc<Shared<S>>,
    stop: &watch::Receiver<bool>,
    permit: Option<OwnedSemaphorePermit>,
) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!(target: LOG, %peer, "setting TCP_NODELAY failed: {e}");
    }
    let shared = shared.clone();
    let stop = stop.clone();
    conns.spawn(async move {
        connection(stream, peer, &shared, stop).await;
        drop(permit);
    });
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM; never if neither can be listened for.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(target: LOG, "cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(target: LOG, "cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!(target: LOG, "Ctrl-C received"),
        () = term => tracing::info!(target: LOG, "SIGTERM received"),
    }
}

/// Accept errors that concern one connection, not the listener.
fn is_per_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

fn reap(done: Result<(), JoinError>) {
    if let Err(e) = done {
        if e.is_panic() {
            tracing::error!(target: LOG, "a connection task panicked: {e}");
        }
    }
}

#[cfg(feature = "http2")]
fn connection_builder(config: &Config) -> auto::Builder<TokioExecutor> {
    let mut b = auto::Builder::new(TokioExecutor::new());
    b.http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout)
        .keep_alive(true);
    b.http2().timer(TokioTimer::new());
    b
}

/// The HTTP/1 builder for connections known to be HTTP/1 from their first
/// bytes. No hyper timer: the header-read deadline is kept per connection by
/// [`Activity::expired`], not re-armed for every request head.
fn http1_builder() -> http1::Builder {
    let mut b = http1::Builder::new();
    b.keep_alive(true).header_read_timeout(None);
    b
}

/// What every connection task shares.
struct Shared<S> {
    app: S,
    /// Serve HTTP/1 connections with upgrades (see [`Serving::wants_upgrades`]).
    upgrades: bool,
    #[cfg(feature = "http2")]
    builder: auto::Builder<TokioExecutor>,
    http1: http1::Builder,
    first_byte_timeout: Duration,
    header_read_timeout: Duration,
    idle_timeout: Duration,
    shutdown_last_call: Duration,
    access_log: bool,
    forwarded_allow_ips: Option<Arc<TrustedHosts>>,
    websocket: WebSocketConfig,
}

/// The HTTP/2 client preface (RFC 9113, section 3.4).
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// The protocol the first bytes of a connection show, if they show one yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Http1,
    /// The whole HTTP/2 preface, or a part of it: served by hyper-util's
    /// `auto` builder, which reads on until it can tell.
    #[cfg(feature = "http2")]
    Undecided,
    /// The whole HTTP/2 preface, HTTP/2 being off: refused
    /// ([`no_http2::refuse`]). A part of it is served as HTTP/1, whose
    /// parser answers `PRI * HTTP/2.0` with a 400.
    #[cfg(not(feature = "http2"))]
    Http2,
}

fn sniff(first: &[u8]) -> Protocol {
    #[cfg(feature = "http2")]
    if H2_PREFACE.starts_with(first) {
        return Protocol::Undecided;
    }
    #[cfg(not(feature = "http2"))]
    if first == H2_PREFACE {
        return Protocol::Http2;
    }
    Protocol::Http1
}

/// Serves one accepted connection to its end; never fails, logs instead.
async fn connection<S: Serving>(
    stream: TcpStream,
    peer: SocketAddr,
    shared: &Shared<S>,
    mut stop: watch::Receiver<bool>,
) {
    // hyper reads nothing until bytes arrive, so a silent client would hold
    // its connection forever without this deadline. The bytes peeked (not
    // consumed) also tell HTTP/1 from HTTP/2's preface.
    let mut probe = [0u8; H2_PREFACE.len()];
    let protocol = tokio::select! {
        biased;
        peeked = tokio::time::timeout(shared.first_byte_timeout, stream.peek(&mut probe)) => {
            match peeked {
                Ok(Ok(n)) if n > 0 => Some(sniff(&probe[..n])),
                Ok(Ok(_)) => return,
                Ok(Err(e)) => {
                    tracing::debug!(target: LOG, %peer, "connection error before any byte: {e}");
                    return;
                }
                Err(_) => {
                    tracing::debug!(
                        target: LOG, %peer,
                        "no byte within {:?}; connection closed", shared.first_byte_timeout
                    );
                    return;
                }
            }
        }
        _ = stop.wait_for(|s| *s) => None,
    };
    // Shutting down before the first byte: a request may already be on its
    // way (a connection just accepted from the backlog); a last call for it.
    let protocol = match protocol {
        Some(p) => p,
        None => {
            match tokio::time::timeout(shared.shutdown_last_call, stream.peek(&mut probe)).await {
                Ok(Ok(n)) if n > 0 => sniff(&probe[..n]),
                _ => return,
            }
        }
    };

    let activity = Arc::new(Activity::new(peer));
    let service = ConnService {
        app: shared.app.clone(),
        peer,
        activity: activity.clone(),
        access_log: shared.access_log,
        forwarded_allow_ips: shared.forwarded_allow_ips.clone(),
        websocket: shared.websocket,
    };
    // For an accepted websocket, run after hyper gives the connection up.
    let session_stop = stop.clone();
    let io = TokioIo::new(stream);
    match protocol {
        // Plain HTTP/1 (every request a load balancer or browser sends
        // without TLS): hyper's HTTP/1 connection directly, without the
        // `auto` builder's rewinding reader in the way of every read.
        // Upgrades cost every request a little: only for apps that take them.
        Protocol::Http1 if shared.upgrades => {
            let conn = shared.http1.serve_connection(io, service).with_upgrades();
            let head_timeout = Some(shared.header_read_timeout);
            drive(
                conn,
                |c| c.graceful_shutdown(),
                head_timeout,
                shared,
                &activity,
                peer,
                stop,
            )
            .await;
        }
        Protocol::Http1 => {
            let conn = shared.http1.serve_connection(io, service);
            let head_timeout = Some(shared.header_read_timeout);
            drive(
                conn,
                |c| c.graceful_shutdown(),
                head_timeout,
                shared,
                &activity,
                peer,
                stop,
            )
            .await;
        }
        #[cfg(not(feature = "http2"))]
        Protocol::Http2 => {
            no_http2::refuse(io.into_inner(), peer, shared.header_read_timeout).await;
        }
        #[cfg(feature = "http2")]
        Protocol::Undecided => {
            let conn = shared.builder.serve_connection_with_upgrades(io, service);
            drive(
                conn,
                |c| c.graceful_shutdown(),
                None,
                shared,
                &activity,
                peer,
                stop,
            )
            .await;
        }
    }
    // An accepted websocket: its handler goes on here, on the connection's
    // task (so the connection limit and the graceful drain count it); a
    // shutdown closes it with 1001.
    let session = lock_session(&activity)
        .take()
        .and_then(|mut rx| rx.try_recv().ok());
    if let Some(session) = session {
        let mut stop = session_stop;
        session
            .run(async move {
                let _ = stop.wait_for(|s| *s).await;
            })
            .await;
    }
}

fn lock_session(
    activity: &Activity,
) -> std::sync::MutexGuard<'_, Option<tokio::sync::oneshot::Receiver<Session>>> {
    activity
        .session
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Polls a connection to its end, closing it gracefully on shutdown or
/// after `idle_timeout` without a request, and at once when a request head
/// is late (`head_timeout`, HTTP/1 only).
///
/// The connection is polled on every wake-up; the shutdown signal and the
/// watcher timer only when one of them woke the task ([`Gate`]), so a
/// request costs no polling of either.
async fn drive<C, E, S>(
    conn: C,
    graceful: impl Fn(Pin<&mut C>),
    head_timeout: Option<Duration>,
    shared: &Shared<S>,
    activity: &Activity,
    peer: SocketAddr,
    mut stop: watch::Receiver<bool>,
) where
    C: Future<Output = Result<(), E>>,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    enum Event<E> {
        Done(Result<(), E>),
        Stop,
        Expired(Expiry),
        /// During the last call: a request arrived, or none did in time.
        LastCall,
    }
    let mut conn = std::pin::pin!(conn);
    let mut stopped = std::pin::pin!(Some(async move {
        // An error means the server is gone: stop as well.
        let _ = stop.wait_for(|s| *s).await;
    }));
    let mut expiry = std::pin::pin!(activity.expired(head_timeout, Some(shared.idle_timeout)));
    // Set after a shutdown signal found the connection idle.
    let mut last_call = std::pin::pin!(None::<tokio::time::Sleep>);
    let gate = Gate::new();
    loop {
        gate.open();
        let event = std::future::poll_fn(|cx| {
            if let Poll::Ready(done) = conn.as_mut().poll(cx) {
                return Poll::Ready(Event::Done(done));
            }
            if last_call.is_some() && activity.idle_since().is_none() {
                return Poll::Ready(Event::LastCall);
            }
            let Some(mut watch_cx) = gate.pass(cx) else {
                return Poll::Pending;
            };
            if let Some(s) = stopped.as_mut().as_pin_mut() {
                if s.poll(&mut watch_cx).is_ready() {
                    return Poll::Ready(Event::Stop);
                }
            }
            if let Some(s) = last_call.as_mut().as_pin_mut() {
                if s.poll(&mut watch_cx).is_ready() {
                    return Poll::Ready(Event::LastCall);
                }
            }
            expiry.as_mut().poll(&mut watch_cx).map(Event::Expired)
        })
        .await;
        match event {
            Event::Done(done) => {
                if let Err(e) = done {
                    log_connection_error(peer, &*e.into());
                }
                return;
            }
            // Closing: a request in flight is finished with `Connection:
            // close`; an idle connection gets a last call for a request on
            // its way. The head deadline still applies, the idle one no more.
            Event::Stop => {
                stopped.set(None);
                activity.closing.store(true, Ordering::Relaxed);
                if activity.idle_since().is_none() {
                    graceful(conn.as_mut());
                } else {
                    last_call.set(Some(tokio::time::sleep(shared.shutdown_last_call)));
                }
                expiry.set(activity.expired(head_timeout, None));
            }
            Event::LastCall => {
                last_call.set(None);
                graceful(conn.as_mut());
            }
            Event::Expired(Expiry::Head) => {
                tracing::debug!(
                    target: LOG, %peer,
                    "request head not received within {:?}; connection closed",
                    shared.header_read_timeout
                );
                return;
            }
            Event::Expired(Expiry::Idle) => {
                tracing::debug!(target: LOG, %peer, "idle for {:?}; closing", shared.idle_timeout);
                stopped.set(None);
                graceful(conn.as_mut());
                expiry.set(activity.expired(head_timeout, None));
            }
        }
    }
}

/// Lets a task poll its secondary futures (the shutdown signal, the
/// watcher timer) only after one of them woke it: they are polled with the
/// gate's own waker, which marks the gate before waking the task.
struct Gate {
    state: Arc<GateState>,
    /// Wakes through `state`: made once per connection.
    waker: std::task::Waker,
}

struct GateState {
    woken: AtomicBool,
    task: futures_util::task::AtomicWaker,
}

impl std::task::Wake for GateState {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.task.wake();
    }
}

impl Gate {
    fn new() -> Self {
        let state = Arc::new(GateState {
            woken: AtomicBool::new(true),
            task: futures_util::task::AtomicWaker::new(),
        });
        Gate {
            waker: std::task::Waker::from(state.clone()),
            state,
        }
    }

    /// Marks the gate, so that the next [`Gate::pass`] lets the secondary
    /// futures be polled (new ones must be polled once to register).
    fn open(&self) {
        self.state.woken.store(true, Ordering::Release);
    }

    /// Keeps the task's waker for the secondary futures' wake-ups, then, if
    /// one of them fired since the last pass, the context to poll them with.
    fn pass(&self, cx: &Context<'_>) -> Option<Context<'_>> {
        self.state.task.register(cx.waker());
        if !self.state.woken.swap(false, Ordering::AcqRel) {
            return None;
        }
        Some(Context::from_waker(&self.waker))
    }
}

fn log_connection_error(peer: SocketAddr, e: &(dyn std::error::Error + 'static)) {
    if let Some(h) = e.downcast_ref::<hyper::Error>() {
        if h.is_parse() || h.is_parse_status() || h.is_parse_too_large() {
            // uvicorn logs these at WARNING too; hyper has already answered 400 or 431.
            tracing::warn!(target: LOG, %peer, "invalid HTTP request received: {h}");
            return;
        }
        if h.is_timeout() {
            tracing::debug!(target: LOG, %peer, "request head not received in time; connection closed");
            return;
        }
    }
    if let Some(io) = e.downcast_ref::<io::Error>() {
        if io.kind() == io::ErrorKind::Interrupted {
            // The `auto` builder's protocol detection was cancelled (idle or shutdown).
            tracing::debug!(target: LOG, %peer, "connection closed before a complete protocol preface");
            return;
        }
    }
    tracing::debug!(target: LOG, %peer, "connection error: {e}");
}

/// Requests in flight on one connection, and since when it has had none.
struct Activity {
    /// The connection's peer (the panic log names it).
    peer: SocketAddr,
    start: Instant,
    in_flight: AtomicUsize,
    /// Set once the server is shutting down: HTTP/1 responses then carry
    /// `Connection: close`, so clients do not reuse the connection.
    closing: AtomicBool,
    /// Milliseconds from `start` to when the last request finished.
    idle_since_ms: AtomicU64,
    /// Where an accepted websocket's handler arrives (upgrade requests only).
    session: std::sync::Mutex<Option<tokio::sync::oneshot::Receiver<Session>>>,
}

impl Activity {
    fn new(peer: SocketAddr) -> Self {
        Activity {
            peer,
            start: Instant::now(),
            in_flight: AtomicUsize::new(0),
            closing: AtomicBool::new(false),
            idle_since_ms: AtomicU64::new(0),
            session: std::sync::Mutex::new(None),
        }
    }

    fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self.clone())
    }

    /// Since when no request has been in flight; `None` while one is.
    fn idle_since(&self) -> Option<Instant> {
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            return None;
        }
        Some(self.start + Duration::from_millis(self.idle_since_ms.load(Ordering::SeqCst)))
    }

    /// Resolves once no request has been in flight for `head` (the next
    /// request head is late: [`Expiry::Head`]) or for `idle`
    /// ([`Expiry::Idle`]); never when both are `None`. One timer per
    /// connection, re-armed only when it fires.
    async fn expired(&self, head: Option<Duration>, idle: Option<Duration>) -> Expiry {
        let Some(first) = head.into_iter().chain(idle).min() else {
            return std::future::pending().await;
        };
        let mut wake = Instant::now() + first;
        loop {
            tokio::time::sleep_until(wake.into()).await;
            let now = Instant::now();
            let Some(since) = self.idle_since() else {
                wake = now + first;
                continue;
            };
            if head.is_some_and(|h| since + h <= now) {
                return Expiry::Head;
            }
            if idle.is_some_and(|i| since + i <= now) {
                return Expiry::Idle;
            }
            wake = since + first;
        }
    }
}

/// Why [`Activity::expired`] resolved.
enum Expiry {
    Head,
    Idle,
}

/// One request in flight, from its head's arrival until its response body
/// is sent or dropped.
struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let a = &self.0;
        let ms = u64::try_from(a.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        a.idle_since_ms.store(ms, Ordering::SeqCst);
        a.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

pin_project_lite::pin_project! {
    /// The response body, holding its request's [`InFlight`] until it is done.
    struct TrackedBody<B> {
        #[pin]
        inner: B,
        in_flight: InFlight,
    }
}

impl<B> http_body::Body for TrackedBody<B>
where
    B: http_body::Body<Data = bytes::Bytes>,
    B::Error: Into<crate::body::BoxError>,
{
    type Data = bytes::Bytes;
    type Error = crate::body::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        self.project().inner.poll_frame(cx).map_err(Into::into)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The app as hyper calls it on one connection.
#[derive(Clone)]
struct ConnService<S> {
    app: S,
    peer: SocketAddr,
    activity: Arc<Activity>,
    access_log: bool,
    forwarded_allow_ips: Option<Arc<TrustedHosts>>,
    websocket: WebSocketConfig,
}

/// Numbers the requests of the process, for the `request` span's `id`
/// when the client sent no `x-request-id`.
static REQUEST_COUNT: AtomicU64 = AtomicU64::new(0);

impl<S: Serving> hyper::service::Service<Request<Incoming>> for ConnService<S> {
    type Response = http::Response<TrackedBody<S::Body>>;
    type Error = Infallible;
    type Future = ConnFuture<S::Future>;

    fn call(&self, mut req: Request<Incoming>) -> Self::Future {
        let in_flight = self.activity.begin();
        let req_is_http1 = req.version() < Version::HTTP_2;
        let log = self.access_log
            && tracing::enabled!(target: crate::logging::ACCESS_TARGET, tracing::Level::INFO);
        // Disabled (no allocation, one cached check) unless a subscriber wants it.
        let span =
            tracing::info_span!(target: "fastrs::request", "request", id = tracing::field::Empty);
        if !span.is_disabled() {
            match req.headers().get("x-request-id").map(|v| v.to_str()) {
                Some(Ok(id)) => span.record("id", id),
                _ => span.record("id", REQUEST_COUNT.fetch_add(1, Ordering::Relaxed) + 1),
            };
        }
        let _entered = span.enter();
        // The client as the app and the access log see it: the peer, or
        // the address a trusted proxy forwarded (see `proxy_headers`).
        let mut client = None;
        let forwarded = log
            && self.forwarded_allow_ips.as_ref().is_some_and(|t| {
                req.headers().contains_key("x-forwarded-for")
                    && t.contains(&self.peer.ip().to_string())
            });
        if self.app.wants_client() || forwarded {
            let peer = crate::request_param::Address {
                host: self.peer.ip().to_string(),
                port: self.peer.port(),
            };
            let (resolved, scheme) = match &self.forwarded_allow_ips {
                Some(t) => t.resolve(peer, req.headers()),
                None => (peer, None),
            };
            if forwarded {
                client = Some(resolved.clone());
            }
            if self.app.wants_client() {
                req.extensions_mut()
                    .insert(crate::request_param::Connection {
                        client: Some(resolved),
                        server: None,
                        scheme,
                    });
            }
        }
        let line = log.then(|| AccessLine {
            client,
            method: req.method().clone(),
            uri: req.uri().clone(),
            version: req.version(),
            start: Instant::now(),
        });
        // An HTTP/1.1 upgrade: the way to its connection, for a websocket
        // route to take. hyper puts an `OnUpgrade` in the extensions of an
        // HTTP/1.1 request carrying `Upgrade:` (and of a CONNECT), so every
        // other request pays one check of its (empty) extensions.
        if req.version() == Version::HTTP_11
            && req.method() == http::Method::GET
            && req
                .extensions()
                .get::<hyper::upgrade::OnUpgrade>()
                .is_some()
        {
            let on = hyper::upgrade::on(&mut req);
            let (upgrade, session) = Upgrade::new(IoSource::Hyper(on), self.websocket);
            *lock_session(&self.activity) = Some(session);
            req.extensions_mut().insert(upgrade);
        }
        // Routing runs now (a panic there is caught too); the future holds
        // only the started handler.
        let handling = std::panic::catch_unwind(AssertUnwindSafe(|| self.app.serve(req))).ok();
        drop(_entered);
        // Nothing to box when no subscriber wants the span and the log is off.
        let observed =
            (line.is_some() || !span.is_disabled()).then(|| Box::new(Observed { span, line }));
        ConnFuture {
            handling,
            in_flight: Some(in_flight),
            http1: req_is_http1,
            observed,
        }
    }
}

/// What the access log line needs, kept only while the log is on.
struct AccessLine {
    /// The client a trusted proxy forwarded; `None`: the peer.
    client: Option<crate::request_param::Address>,
    method: http::Method,
    uri: http::Uri,
    version: Version,
    start: Instant,
}

/// A request's `request` span and access log line: kept (boxed) only when a
/// subscriber wants the span or the log is on, so that the future hyper
/// moves for every request stays small.
struct Observed {
    span: tracing::Span,
    line: Option<AccessLine>,
}

pin_project_lite::pin_project! {
    /// One request on a connection: the app's future, a panic turned into a
    /// 500, the access log line, and the response body holding the
    /// request's [`InFlight`]. No allocation of its own unless observed.
    struct ConnFuture<F> {
        // `None` when routing panicked.
        #[pin]
        handling: Option<F>,
        in_flight: Option<InFlight>,
        // HTTP/1.x: a response may carry `Connection: close`.
        http1: bool,
        observed: Option<Box<Observed>>,
    }
}

impl<F, B> Future for ConnFuture<F>
where
    F: Future<Output = http::Response<B>>,
    B: From<crate::body::Body>,
{
    type Output = Result<http::Response<TrackedBody<B>>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let (span, line) = match this.observed.as_deref_mut() {
            Some(Observed { span, line }) => (Some(&*span), Some(line)),
            None => (None, None),
        };
        let _entered = span.map(tracing::Span::enter);
        let polled = match this.handling.as_pin_mut() {
            Some(h) => std::panic::catch_unwind(AssertUnwindSafe(|| h.poll(cx))),
            None => Err(Box::new("routing panicked") as Box<dyn std::any::Any + Send>),
        };
        let in_flight = this
            .in_flight
            .as_ref()
            .expect("ConnFuture polled after completion");
        let peer = in_flight.0.peer;
        let mut response = match polled {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(r)) => r,
            Err(_) => {
                tracing::error!(target: LOG, peer = %peer, "request handling panicked; answered 500");
                HttpError::new(500, "Internal Server Error")
                    .into_response()
                    .map(B::from)
            }
        };
        if let Some(line) = line.and_then(Option::take) {
            let target = line.uri.path_and_query().map_or("/", |p| p.as_str());
            let status = response.status().as_u16();
            // uvicorn's `host:port`, an IPv6 host without brackets.
            let peer_ip = peer.ip();
            let (host, port): (&dyn std::fmt::Display, u16) = match &line.client {
                Some(c) => (&c.host, c.port),
                None => (&peer_ip, peer.port()),
            };
            tracing::info!(
                target: crate::logging::ACCESS_TARGET,
                elapsed = ?line.start.elapsed(),
                "{host}:{port} - \"{} {target} {}\" {status} {}",
                line.method,
                version_str(line.version),
                crate::logging::status_phrase(status),
            );
        }
        let in_flight = this
            .in_flight
            .take()
            .expect("ConnFuture polled after completion");
        if *this.http1 && in_flight.0.closing.load(Ordering::Relaxed) {
            // Shutting down: the client learns not to send another request here.
            response.headers_mut().insert(
                http::header::CONNECTION,
                http::HeaderValue::from_static("close"),
            );
        }
        Poll::Ready(Ok(response.map(|inner| TrackedBody { inner, in_flight })))
    }
}

fn version_str(v: Version) -> &'static str {
    match v {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_11 => "HTTP/1.1",
        Version::HTTP_2 => "HTTP/2",
        Version::HTTP_3 => "HTTP/3",
        _ => "HTTP",
    }
}
