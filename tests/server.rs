//! `fastrs::server` over a real socket on 127.0.0.1: keep-alive, HTTP/2,
//! the header-read and first-byte deadlines, graceful shutdown, panics and
//! the body limit. The HTTP/1 client is raw `TcpStream` reads and writes, so
//! each test controls exactly which bytes are sent and when; HTTP/2 uses the
//! `h2` crate's client (already a dependency of hyper).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use fastrs::http::{Method, Request};
use fastrs::server::{Config, Server};
use fastrs::{App, IntoResponse, Json, RequestContext, Route};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinHandle;
use tokio::time::timeout;

/// Generous bound for anything expected to happen "promptly".
const PATIENCE: Duration = Duration::from_secs(5);

/// `/slow` tells the test it started, waits for the test to release it, then
/// sleeps 300 ms; the gate lets a test act while the request is surely in flight.
#[derive(Default)]
struct Gate {
    started: Notify,
    release: Notify,
}

fn app(gate: Arc<Gate>) -> App {
    App::new()
        .route(Route::new(Method::GET, "/", |_cx| async {
            Json(json!({"message": "Hello, World"})).into_response()
        }))
        .route(Route::new(Method::GET, "/slow", move |_cx| {
            let gate = gate.clone();
            async move {
                gate.started.notify_one();
                gate.release.notified().await;
                tokio::time::sleep(Duration::from_millis(300)).await;
                Json(json!({"slow": true})).into_response()
            }
        }))
        .route(Route::new(Method::GET, "/panic", |_cx| async {
            if true {
                panic!("boom");
            }
            Json(json!(null)).into_response()
        }))
        .route(Route::new(
            Method::POST,
            "/upload",
            |mut cx: RequestContext| async move {
                match cx.read_body().await {
                    Ok(b) => Json(json!({"len": b.len()})).into_response(),
                    Err(e) => e.into_response(),
                }
            },
        ))
}

/// A test config: port 0, and every deadline long unless a test shortens it.
fn config() -> Config {
    Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        header_read_timeout: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(60),
        first_byte_timeout: Duration::from_secs(60),
        access_log: true,
        ..Config::default()
    }
}

struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    gate: Arc<Gate>,
}

async fn start(config: Config) -> Running {
    let gate = Arc::new(Gate::default());
    start_with(app(gate.clone()), gate, config).await
}

async fn start_with(app: App, gate: Arc<Gate>, config: Config) -> Running {
    let server = Server::bind(app, config).await.unwrap();
    let addr = server.local_addr();
    assert_ne!(addr.port(), 0);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run_until(async {
        let _ = stopped.await;
    }));
    Running {
        addr,
        stop: Some(stop),
        task,
        gate,
    }
}

impl Running {
    fn shutdown(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// A response read off the wire.
#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// Reads one `Content-Length`-framed HTTP/1.1 response, leaving the stream
/// positioned at the next one.
async fn read_response(stream: &mut TcpStream) -> Resp {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut byte = [0u8; 1];
        let n = stream.read(&mut byte).await.unwrap();
        assert!(
            n > 0,
            "connection closed mid-head: {:?}",
            String::from_utf8_lossy(&buf)
        );
        buf.push(byte[0]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (k, v) = l.split_once(':').unwrap();
            (k.trim().to_owned(), v.trim().to_owned())
        })
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).await.unwrap();
    Resp {
        status,
        headers,
        body,
    }
}

async fn get(stream: &mut TcpStream, path: &str) -> Resp {
    let req = format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    timeout(PATIENCE, read_response(stream))
        .await
        .expect("response in time")
}

/// Reads until the peer closes; `true` if it closed before `deadline`.
async fn closes_within(stream: &mut TcpStream, deadline: Duration) -> bool {
    let drain = async {
        let mut buf = [0u8; 1024];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    timeout(deadline, drain).await.is_ok()
}

#[tokio::test]
async fn http1_keep_alive_serves_two_requests_on_one_connection() {
    let mut server = start(config()).await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    let first = get(&mut conn, "/").await;
    assert_eq!(first.status, 200);
    assert_eq!(first.json(), json!({"message": "Hello, World"}));
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert_ne!(first.header("connection"), Some("close"));
    // The same socket again: only works if the server kept the connection open.
    let second = get(&mut conn, "/?again=1").await;
    assert_eq!(second.status, 200);
    assert_eq!(second.json(), json!({"message": "Hello, World"}));
    server.shutdown();
    timeout(PATIENCE, &mut server.task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn http2_prior_knowledge_is_served() {
    let mut server = start(config()).await;
    let tcp = TcpStream::connect(server.addr).await.unwrap();
    let (client, h2_conn) = timeout(PATIENCE, h2::client::handshake(tcp))
        .await
        .unwrap()
        .expect("HTTP/2 handshake (prior knowledge)");
    let driver = tokio::spawn(h2_conn);
    let mut client = client.ready().await.unwrap();
    for _ in 0..2 {
        let req = Request::builder()
            .method(Method::GET)
            .uri(format!("http://{}/", server.addr))
            .body(())
            .unwrap();
        let (response, _) = client.send_request(req, true).unwrap();
        let response = timeout(PATIENCE, response).await.unwrap().unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.version(), fastrs::http::Version::HTTP_2);
        let mut body = response.into_body();
        let mut bytes = Vec::new();
        while let Some(chunk) = body.data().await {
            let chunk = chunk.unwrap();
            let _ = body.flow_control().release_capacity(chunk.len());
            bytes.extend_from_slice(&chunk);
        }
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v, json!({"message": "Hello, World"}));
    }
    drop(client);
    driver.abort();
    server.shutdown();
    timeout(PATIENCE, &mut server.task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn a_stalled_request_head_is_cut_off_by_the_header_read_timeout() {
    let server = start(Config {
        header_read_timeout: Duration::from_secs(1),
        ..config()
    })
    .await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    conn.write_all(b"GET / HTTP/1.1\r\nHost: te").await.unwrap();
    // Never finish the head. Every other deadline is 60 s, so only the
    // header-read timeout can close this connection within 3 s.
    assert!(
        closes_within(&mut conn, Duration::from_secs(3)).await,
        "the server kept a half-sent request head open"
    );
}

#[tokio::test]
async fn a_request_head_stalled_after_a_first_request_is_cut_off_too() {
    let server = start(Config {
        header_read_timeout: Duration::from_secs(1),
        ..config()
    })
    .await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    assert_eq!(get(&mut conn, "/").await.status, 200);
    // The second head starts 0.5 s later and never ends: the deadline runs
    // from the end of the first request, not from the connection's start.
    tokio::time::sleep(Duration::from_millis(500)).await;
    conn.write_all(b"GET / HTTP/1.1\r\nHo").await.unwrap();
    assert!(
        closes_within(&mut conn, Duration::from_secs(3)).await,
        "the server kept a half-sent second request head open"
    );
}

#[tokio::test]
async fn a_connection_that_keeps_sending_requests_is_not_cut_off() {
    let server = start(Config {
        header_read_timeout: Duration::from_millis(600),
        idle_timeout: Duration::from_millis(600),
        ..config()
    })
    .await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    // Requests every 200 ms for 2 s: each head arrives in time, so the
    // connection outlives both deadlines several times over.
    for _ in 0..10 {
        assert_eq!(get(&mut conn, "/").await.status, 200);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Then silence: the idle connection is closed.
    assert!(closes_within(&mut conn, Duration::from_secs(3)).await);
}

#[tokio::test]
async fn a_head_sent_one_byte_at_a_time_is_still_served() {
    // "P" alone could be HTTP/2's preface: the server must wait and see.
    let server = start(config()).await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    for b in b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi" {
        conn.write_all(&[*b]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let r = read_response(&mut conn).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"len": 2}));
}

/// One chunk of a `Transfer-Encoding: chunked` body.
fn chunked(data: &[u8]) -> Vec<u8> {
    [format!("{:x}\r\n", data.len()).as_bytes(), data, b"\r\n"].concat()
}

#[tokio::test]
async fn a_chunked_body_is_joined_from_its_chunks() {
    let server = start(config()).await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    conn.write_all(b"POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
        .await
        .unwrap();
    for chunk in [&b"hello "[..], b"chunked ", b"world"] {
        conn.write_all(&chunked(chunk)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    conn.write_all(b"0\r\n\r\n").await.unwrap();
    let r = read_response(&mut conn).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"len": 19}));
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_answered_413_while_reading() {
    let server = start(config()).await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    conn.write_all(b"POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
        .await
        .unwrap();
    // 1 MiB is the default limit: two chunks of 600 KiB pass it only together.
    let chunk = vec![b'x'; 600 * 1024];
    for _ in 0..2 {
        if conn.write_all(&chunked(&chunk)).await.is_err() {
            break; // the server may answer and close before taking it all
        }
    }
    let _ = conn.write_all(b"0\r\n\r\n").await;
    let r = read_response(&mut conn).await;
    assert_eq!(r.status, 413);
}

#[tokio::test]
async fn a_silent_connection_is_closed_by_the_first_byte_deadline() {
    let server = start(Config {
        first_byte_timeout: Duration::from_secs(1),
        ..config()
    })
    .await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    // Send nothing at all.
    assert!(
        closes_within(&mut conn, Duration::from_secs(3)).await,
        "the server kept a silent connection open"
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let server = start(Config {
        idle_timeout: Duration::from_millis(400),
        ..config()
    })
    .await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    assert_eq!(get(&mut conn, "/").await.status, 200);
    // The head deadline is 60 s: only the idle timeout can close it.
    let since = std::time::Instant::now();
    assert!(closes_within(&mut conn, Duration::from_secs(5)).await);
    assert!(
        since.elapsed() >= Duration::from_millis(300),
        "closed before the idle timeout: {:?}",
        since.elapsed()
    );
}

#[tokio::test]
async fn shutdown_closes_idle_keep_alive_connections() {
    let mut server = start(config()).await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    assert_eq!(get(&mut conn, "/").await.status, 200);
    assert_eq!(get(&mut conn, "/").await.status, 200);
    // Every deadline is 60 s: only the shutdown signal can close it.
    server.shutdown();
    assert!(
        closes_within(&mut conn, PATIENCE).await,
        "an idle connection outlived the shutdown"
    );
    timeout(PATIENCE, &mut server.task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn graceful_shutdown_finishes_in_flight_requests_and_refuses_new_ones() {
    let mut server = start(config()).await;
    let addr = server.addr;
    let mut conn = TcpStream::connect(addr).await.unwrap();
    conn.write_all(b"GET /slow HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    timeout(PATIENCE, server.gate.started.notified())
        .await
        .expect("the slow handler started");

    server.shutdown();

    // The listener is closed at once, while the slow request is still running.
    // (A connection racing the shutdown may still be accepted by the kernel, or
    // reset; what matters is that connecting soon fails with "refused".)
    timeout(PATIENCE, async {
        loop {
            match TcpStream::connect(addr).await {
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => return,
                _ => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
    })
    .await
    .expect("new connections refused after shutdown");
    assert!(
        !server.task.is_finished(),
        "the server stopped before its request finished"
    );

    // The request in flight still completes (after its 300 ms sleep).
    server.gate.release.notify_one();
    let resp = timeout(PATIENCE, read_response(&mut conn)).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json(), json!({"slow": true}));

    // And the server returns once it is drained.
    timeout(PATIENCE, &mut server.task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn a_panicking_handler_answers_500_and_the_server_keeps_serving() {
    let server = start(config()).await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    let resp = get(&mut conn, "/panic").await;
    assert_eq!(resp.status, 500);
    assert_eq!(resp.json(), json!({"detail": "Internal Server Error"}));

    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    let resp = get(&mut conn, "/").await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json(), json!({"message": "Hello, World"}));
}

#[tokio::test]
async fn an_oversized_content_length_is_refused_with_413_before_the_body_is_read() {
    let server = start(config()).await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    // Announce 10 MB (over the 1 MiB default limit) and send none of it: the
    // answer can only come from the `Content-Length` check, since reading the
    // body would wait for bytes that never come (the body timeout is 30 s).
    conn.write_all(
        b"POST /upload HTTP/1.1\r\nHost: test\r\nContent-Type: application/octet-stream\r\n\
          Content-Length: 10000000\r\n\r\n",
    )
    .await
    .unwrap();
    let resp = timeout(PATIENCE, read_response(&mut conn))
        .await
        .expect("413 without the body being sent");
    assert_eq!(resp.status, 413);
    assert_eq!(resp.header("connection"), Some("close"));
    assert_eq!(resp.json(), json!({"detail": "Payload Too Large"}));
    // ...and the server does close the connection instead of draining 10 MB.
    assert!(closes_within(&mut conn, PATIENCE).await);
}

#[tokio::test]
async fn the_hello_app_over_a_real_socket() {
    let mut server = start_with(hello::app(), Arc::default(), config()).await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    let r = get(&mut conn, "/").await;
    assert_eq!(
        (r.status, r.json()),
        (200, json!({"message": "Hello, World"}))
    );
    let r = get(&mut conn, "/items/5?q=somequery").await;
    assert_eq!(r.json(), json!({"item_id": 5, "query": "somequery"}));
    let r = get(&mut conn, "/items/abc").await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["detail"][0]["type"], "int_parsing");
    let r = get(&mut conn, "/openapi.json").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["info"]["title"], "Hello");
    server.shutdown();
    timeout(PATIENCE, &mut server.task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn a_body_that_stalls_is_answered_408() {
    let gate = Arc::new(Gate::default());
    let app = app(gate.clone()).body_timeout(Duration::from_millis(500));
    let _server = start_with(app, gate, config()).await;
    let mut conn = TcpStream::connect(_server.addr).await.unwrap();
    conn.write_all(b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789")
        .await
        .unwrap();
    let r = timeout(PATIENCE, read_response(&mut conn))
        .await
        .expect("an answer");
    assert_eq!(r.status, 408);
    assert_eq!(r.json(), json!({"detail": "Request Timeout"}));
    assert_eq!(r.header("connection"), Some("close"));
}

/// A body that stops short of its `Content-Length` is cut off by the pause
/// between chunks (5 s by default, as uvicorn's keep-alive), long before the
/// whole-body timeout (30 s).
#[tokio::test]
async fn a_body_that_stops_short_is_answered_408_within_the_chunk_timeout() {
    let gate = Arc::new(Gate::default());
    let _server = start_with(app(gate.clone()), gate, config()).await;
    let mut conn = TcpStream::connect(_server.addr).await.unwrap();
    conn.write_all(b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789")
        .await
        .unwrap();
    let r = timeout(Duration::from_secs(15), read_response(&mut conn))
        .await
        .expect("an answer within the default chunk timeout, not the body timeout");
    assert_eq!(r.status, 408);
    assert_eq!(r.header("connection"), Some("close"));
}

/// A body that keeps coming, slowly, is read as long as no pause exceeds the
/// chunk timeout.
#[tokio::test]
async fn a_slow_body_with_short_pauses_is_read() {
    let gate = Arc::new(Gate::default());
    let app = app(gate.clone()).body_chunk_timeout(Duration::from_millis(400));
    let _server = start_with(app, gate, config()).await;
    let mut conn = TcpStream::connect(_server.addr).await.unwrap();
    conn.write_all(b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 30\r\n\r\n")
        .await
        .unwrap();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        conn.write_all(b"0123456789").await.unwrap();
    }
    let r = timeout(PATIENCE, read_response(&mut conn))
        .await
        .expect("an answer");
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"len": 30}));
}

/// How a request sent on a connection ended.
enum Outcome {
    /// A complete response; `true` when it asked to close the connection.
    Answered(bool),
    /// The connection closed before a complete response: a lost request.
    Lost,
}

/// Sends `GET /` and reads the answer, tolerating a close at any point.
async fn try_get(conn: &mut TcpStream) -> Outcome {
    if conn
        .write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .is_err()
    {
        return Outcome::Lost;
    }
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            if buf.len() >= end + 4 + len {
                return Outcome::Answered(head.contains("connection: close"));
            }
        }
        match timeout(PATIENCE, conn.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => return Outcome::Lost,
        }
    }
}

/// Graceful shutdown under load loses no request: 20 clients send requests
/// back to back on keep-alive connections (reconnecting when told to close)
/// while the server is stopped. Every request sent gets a complete answer;
/// only new connections after the listener closed are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_under_load_loses_no_request() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    // The last call is what lets a request already on its way to an idle
    // connection be answered; on a saturated CI machine a client can take
    // longer than the default 500 ms to send its next one, so the test
    // gives it more room (what is tested is that none is lost, not the
    // window's length).
    let mut server = start(Config {
        shutdown_last_call: Duration::from_secs(3),
        ..config()
    })
    .await;
    let addr = server.addr;
    let stop = Arc::new(AtomicBool::new(false));
    let (answered, lost, refused) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
    );
    let mut clients = Vec::new();
    for _ in 0..20 {
        let (stop, answered, lost, refused) = (
            stop.clone(),
            answered.clone(),
            lost.clone(),
            refused.clone(),
        );
        clients.push(tokio::spawn(async move {
            // Bounded: at most 20 000 requests per client, and it stops once
            // the server refuses connections.
            let mut sent = 0;
            'connect: while sent < 20_000 {
                let Ok(mut conn) = TcpStream::connect(addr).await else {
                    refused.fetch_add(1, Ordering::Relaxed);
                    return;
                };
                loop {
                    sent += 1;
                    match try_get(&mut conn).await {
                        Outcome::Answered(close) => {
                            answered.fetch_add(1, Ordering::Relaxed);
                            if close {
                                continue 'connect;
                            }
                        }
                        Outcome::Lost => {
                            lost.fetch_add(1, Ordering::Relaxed);
                            continue 'connect;
                        }
                    }
                    if stop.load(Ordering::Relaxed) && sent >= 20_000 {
                        return;
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let before = answered.load(Ordering::Relaxed);
    server.shutdown();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        timeout(Duration::from_secs(30), c).await.unwrap().unwrap();
    }
    timeout(PATIENCE, &mut server.task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let (answered, lost, refused) = (
        answered.load(Ordering::Relaxed),
        lost.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed),
    );
    assert!(
        before > 100,
        "the load ran before the shutdown ({before} answers)"
    );
    assert_eq!(
        lost, 0,
        "{lost} request(s) lost; {answered} answered, {refused} refused"
    );
    assert_eq!(refused, 20, "every client ends on a refused connection");
}

/// What the background task and the shutdown hook of [`after_response`]'s app did, in order.
#[derive(Clone, Default)]
struct Events(Arc<std::sync::Mutex<Vec<&'static str>>>);

impl Events {
    fn push(&self, e: &'static str) {
        self.0.lock().unwrap().push(e);
    }
}

/// Answers at once and leaves a background task that takes 300 ms.
#[fastrs::get("/after")]
async fn after_response(
    tasks: fastrs::background::BackgroundTasks,
    events: fastrs::State<Events>,
) -> Json<Value> {
    let events = events.0.clone();
    tasks.add_task(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        events.push("background task done");
    });
    Json(json!({"ok": true}))
}

#[tokio::test]
async fn graceful_shutdown_waits_for_background_tasks_before_the_shutdown_hooks() {
    let events = Events::default();
    let app = App::new()
        .state(events.clone())
        .route(after_response)
        .on_shutdown(|events: Events| async move { events.push("shutdown hook") });
    let mut server = start_with(app, Arc::new(Gate::default()), config()).await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    conn.write_all(b"GET /after HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let resp = timeout(PATIENCE, read_response(&mut conn)).await.unwrap();
    assert_eq!(resp.status, 200);
    // The response is out and its connection closed; the task still runs.
    server.shutdown();
    timeout(PATIENCE, &mut server.task)
        .await
        .expect("the server stops once the task is done")
        .unwrap()
        .unwrap();
    assert_eq!(
        *events.0.lock().unwrap(),
        ["background task done", "shutdown hook"],
        "the server returned, and ran its shutdown hooks, before the background task ended"
    );
}
