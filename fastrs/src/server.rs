//! The server: `fastrs::serve(app)`, FastAPI's uvicorn.
//!
//! A FastAPI app needs uvicorn to face the network; a fastrs app needs this
//! module, so that `main` is one line and the defaults that keep a server
//! standing are on without anyone having to know about them. hyper parses
//! HTTP correctly but leaves policy to its caller, and an unconfigured hyper
//! server waits forever for a client that connects and sends nothing, or that
//! sends half a header and stalls. So [`serve`] speaks HTTP/1.1 with
//! keep-alive and HTTP/2 (prior knowledge, h2c) on one port through hyper-util's
//! `auto` builder, and by default: cuts off a client whose request head takes
//! longer than 5 s to arrive (hyper's header-read timeout, which only fires
//! because a timer is wired in); closes a connection that sends no byte at
//! all within 10 s; closes a connection with no request in flight after 5 s
//! (an idle keep-alive or HTTP/2 connection, and a stalled protocol preface);
//! accepts at most 10 000 connections at once, leaving the rest in the
//! kernel's backlog rather than running out of file descriptors; survives
//! accept errors such as `EMFILE` by logging them and retrying shortly after;
//! sets `TCP_NODELAY` so small responses are not held back by Nagle's
//! algorithm; answers a panic anywhere in a request with a 500; logs each
//! request in uvicorn's format through `tracing` (target `fastrs::access`);
//! and on Ctrl-C or SIGTERM stops accepting at once, lets requests in flight
//! finish for up to 30 s, then closes what is left (a second signal closes
//! it at once). [`Config`] changes any of these; [`Server`] binds first so a
//! test can serve on port 0 and learn the address.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use http::{Request, Version};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::{JoinError, JoinSet};

use crate::app::{App, AppService};
use crate::body::RequestBody;
use crate::http_error::HttpError;
use crate::response::IntoResponse;

const LOG: &str = "fastrs::server";

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
/// # Errors
/// When HOST or PORT is invalid, or the address cannot be bound.
pub async fn serve(app: App) -> io::Result<()> {
    Server::bind(app, Config::from_env()?).await?.run().await
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
    /// Log every request at INFO under the `fastrs::access` target (default on).
    pub access_log: bool,
    /// How long requests in flight may take to finish after a shutdown
    /// signal before their connections are closed (default 30 s).
    pub graceful_shutdown_timeout: Duration,
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
        Ok(Config {
            addr,
            ..Config::default()
        })
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
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    local_addr: SocketAddr,
    service: AppService,
    config: Config,
}

impl Server {
    /// Runs `app`'s start-up hooks, freezes it and binds `config.addr`.
    ///
    /// # Errors
    /// When a start-up hook fails or the address cannot be bound.
    ///
    /// # Panics
    /// When two routes of `app` conflict (see [`App::into_service`]).
    pub async fn bind(app: App, config: Config) -> io::Result<Server> {
        let service = app.start().await.map_err(io::Error::other)?;
        let listener = TcpListener::bind(config.addr).await?;
        let local_addr = listener.local_addr()?;
        Ok(Server {
            listener,
            local_addr,
            service,
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
            app: service.clone(),
            builder: connection_builder(&config),
            first_byte_timeout: config.first_byte_timeout,
            idle_timeout: config.idle_timeout,
            access_log: config.access_log,
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
                        if let Err(e) = stream.set_nodelay(true) {
                            tracing::debug!(target: LOG, %peer, "setting TCP_NODELAY failed: {e}");
                        }
                        let shared = shared.clone();
                        let stop = stop_rx.clone();
                        conns.spawn(async move {
                            connection(stream, peer, &shared, stop).await;
                            drop(p);
                        });
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

        drop(listener);
        tracing::info!(
            target: LOG,
            "shutting down: no longer accepting; waiting for {} connection(s) (up to {:?})",
            conns.len(),
            config.graceful_shutdown_timeout
        );
        let _ = stop_tx.send(true);
        let drain = async {
            while let Some(done) = conns.join_next().await {
                reap(done);
            }
        };
        let drained = tokio::select! {
            r = tokio::time::timeout(config.graceful_shutdown_timeout, drain) => r.is_ok(),
            () = force => false,
        };
        if !drained {
            tracing::warn!(target: LOG, "closing {} connection(s) still open", conns.len());
            conns.shutdown().await;
        }
        service.shutdown().await;
        tracing::info!(target: LOG, "fastrs stopped");
        Ok(())
    }
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

fn connection_builder(config: &Config) -> auto::Builder<TokioExecutor> {
    let mut b = auto::Builder::new(TokioExecutor::new());
    b.http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout)
        .keep_alive(true);
    b.http2().timer(TokioTimer::new());
    b
}

/// What every connection task shares.
struct Shared {
    app: AppService,
    builder: auto::Builder<TokioExecutor>,
    first_byte_timeout: Duration,
    idle_timeout: Duration,
    access_log: bool,
}

/// Serves one accepted connection to its end; never fails, logs instead.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    shared: &Shared,
    mut stop: watch::Receiver<bool>,
) {
    // hyper reads nothing until bytes arrive (the `auto` builder first waits
    // for enough bytes to tell HTTP/1 from HTTP/2), so a silent client would
    // hold its connection forever without this deadline.
    let mut probe = [0u8; 1];
    tokio::select! {
        peeked = tokio::time::timeout(shared.first_byte_timeout, stream.peek(&mut probe)) => {
            match peeked {
                Ok(Ok(n)) if n > 0 => {}
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
        _ = stop.wait_for(|s| *s) => return,
    }

    let activity = Arc::new(Activity::new());
    let service = ConnService {
        app: shared.app.clone(),
        peer,
        activity: activity.clone(),
        access_log: shared.access_log,
    };
    let conn = shared
        .builder
        .serve_connection(TokioIo::new(stream), service);
    let mut conn = std::pin::pin!(conn);
    let mut idle = std::pin::pin!(activity.idle(shared.idle_timeout));
    let mut closing = false;
    loop {
        tokio::select! {
            done = conn.as_mut() => {
                if let Err(e) = done {
                    log_connection_error(peer, &*e);
                }
                return;
            }
            _ = stop.wait_for(|s| *s), if !closing => {
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
            () = &mut idle, if !closing => {
                tracing::debug!(target: LOG, %peer, "idle for {:?}; closing", shared.idle_timeout);
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
        }
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
    start: Instant,
    in_flight: AtomicUsize,
    /// Milliseconds from `start` to when the last request finished.
    idle_since_ms: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Activity {
            start: Instant::now(),
            in_flight: AtomicUsize::new(0),
            idle_since_ms: AtomicU64::new(0),
        }
    }

    fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self.clone())
    }

    /// When the connection will have been idle for `timeout`; `None` while busy.
    fn idle_deadline(&self, timeout: Duration) -> Option<Instant> {
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            return None;
        }
        let since = Duration::from_millis(self.idle_since_ms.load(Ordering::SeqCst));
        Some(self.start + since + timeout)
    }

    /// Resolves once no request has been in flight for `timeout`.
    async fn idle(&self, timeout: Duration) {
        let mut wake = Instant::now() + timeout;
        loop {
            tokio::time::sleep_until(wake.into()).await;
            let now = Instant::now();
            match self.idle_deadline(timeout) {
                Some(deadline) if deadline <= now => return,
                Some(deadline) => wake = deadline,
                None => wake = now + timeout,
            }
        }
    }
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

/// The response body, holding its request's [`InFlight`] until it is done.
type TrackedBody = crate::body::Guarded<InFlight>;

/// The app as hyper calls it on one connection.
#[derive(Clone)]
struct ConnService {
    app: AppService,
    peer: SocketAddr,
    activity: Arc<Activity>,
    access_log: bool,
}

type ServiceFuture =
    Pin<Box<dyn Future<Output = Result<http::Response<TrackedBody>, Infallible>> + Send>>;

impl hyper::service::Service<Request<Incoming>> for ConnService {
    type Response = http::Response<TrackedBody>;
    type Error = Infallible;
    type Future = ServiceFuture;

    fn call(&self, req: Request<Incoming>) -> ServiceFuture {
        let in_flight = self.activity.begin();
        let app = self.app.clone();
        let peer = self.peer;
        let log =
            self.access_log && tracing::enabled!(target: "fastrs::access", tracing::Level::INFO);
        Box::pin(async move {
            let start = Instant::now();
            let line = log.then(|| (req.method().clone(), req.uri().clone(), req.version()));
            let handled = AssertUnwindSafe(app.handle(req.map(RequestBody::Incoming)))
                .catch_unwind()
                .await;
            let response = handled.unwrap_or_else(|_| {
                tracing::error!(target: LOG, %peer, "request handling panicked; answered 500");
                HttpError::new(500, "Internal Server Error").into_response()
            });
            if let Some((method, uri, version)) = line {
                let target = uri.path_and_query().map_or("/", |p| p.as_str());
                tracing::info!(
                    target: "fastrs::access",
                    elapsed = ?start.elapsed(),
                    "{peer} - \"{method} {target} {}\" {}",
                    version_str(version),
                    response.status().as_u16(),
                );
            }
            Ok(response.map(|inner| TrackedBody::new(inner, in_flight)))
        })
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
