//! Tower layers around an app (`App::layer`), served by fastrs's own server
//! over a real socket: tower-http's Trace, Timeout, Compression and
//! request-id layers, tower's own Timeout (an error answered 500), and the
//! order of stacked layers.

use std::io::Read;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fastrs::http::{Response, StatusCode};
use fastrs::prelude::*;
use fastrs::server::{Config, Servable, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::time::timeout;

const PATIENCE: Duration = Duration::from_secs(10);

#[get("/items/{item_id}")]
async fn read_item(item_id: i64) -> Json<serde_json::Value> {
    Json(serde_json::json!({"item_id": item_id}))
}

#[get("/big")]
async fn big() -> Json<serde_json::Value> {
    Json(serde_json::json!({"text": "fastrs ".repeat(2000)}))
}

#[get("/slow")]
async fn slow() -> Json<serde_json::Value> {
    tokio::time::sleep(Duration::from_secs(5)).await;
    Json(serde_json::json!({"late": true}))
}

fn app() -> App {
    App::new().route(read_item).route(big).route(slow)
}

struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        timeout(PATIENCE, self.task)
            .await
            .expect("stops in time")
            .unwrap()
            .unwrap();
    }
}

async fn start(app: impl Servable) -> Running {
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        ..Config::default()
    };
    let server = Server::bind(app, config).await.unwrap();
    let addr = server.local_addr();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run_until(async {
        let _ = stopped.await;
    }));
    Running {
        addr,
        stop: Some(stop),
        task,
    }
}

/// A response read off the wire (`Connection: close`, so read to the end).
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
}

async fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Resp {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    timeout(PATIENCE, stream.read_to_end(&mut raw))
        .await
        .expect("response in time")
        .unwrap();
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8(raw[..end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (k, v) = l.split_once(':').unwrap();
            (k.trim().to_owned(), v.trim().to_owned())
        })
        .collect();
    let mut resp = Resp {
        status,
        headers,
        body: Vec::new(),
    };
    let rest = &raw[end..];
    resp.body = if resp.header("transfer-encoding") == Some("chunked") {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    resp
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(std::str::from_utf8(&data[..eol]).unwrap(), 16).unwrap();
        data = &data[eol + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

#[tokio::test]
async fn trace_layer_sees_every_request_with_its_status() {
    let seen = Arc::new(Mutex::new(Vec::<u16>::new()));
    let log = seen.clone();
    let trace = tower_http::trace::TraceLayer::new_for_http().on_response(
        move |r: &Response<_>, _latency: Duration, _span: &tracing::Span| {
            log.lock().unwrap().push(r.status().as_u16());
        },
    );
    let server = start(app().layer(trace)).await;
    let r = get(server.addr, "/items/3", &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, br#"{"item_id":3}"#);
    assert_eq!(get(server.addr, "/items/x", &[]).await.status, 422);
    assert_eq!(get(server.addr, "/nowhere", &[]).await.status, 404);
    assert_eq!(*seen.lock().unwrap(), [200, 422, 404]);
    server.stop().await;
}

#[tokio::test]
async fn timeout_layer_answers_a_slow_handler_408_and_leaves_fast_ones_alone() {
    let layer = tower_http::timeout::TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        Duration::from_millis(200),
    );
    let server = start(app().layer(layer)).await;
    assert_eq!(get(server.addr, "/slow", &[]).await.status, 408);
    assert_eq!(get(server.addr, "/items/1", &[]).await.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn a_failing_layer_is_answered_500_and_the_server_keeps_serving() {
    // tower's own Timeout fails with an error rather than answering.
    let layer = tower::timeout::TimeoutLayer::new(Duration::from_millis(200));
    let server = start(app().layer(layer)).await;
    let r = get(server.addr, "/slow", &[]).await;
    assert_eq!(r.status, 500);
    assert_eq!(r.body, br#"{"detail":"Internal Server Error"}"#);
    assert_eq!(get(server.addr, "/items/2", &[]).await.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn compression_layer_gzips_when_the_client_accepts_it() {
    let server = start(app().layer(tower_http::compression::CompressionLayer::new())).await;
    let plain = get(server.addr, "/big", &[]).await;
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-encoding"), None);
    let zipped = get(server.addr, "/big", &[("accept-encoding", "gzip")]).await;
    assert_eq!(zipped.status, 200);
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    assert!(zipped.body.len() < plain.body.len() / 10);
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&zipped.body[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain.body);
    server.stop().await;
}

#[tokio::test]
async fn request_id_layers_set_and_propagate_x_request_id() {
    use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
    // The last layer is the outermost: the id is set, then propagated.
    let app = app()
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid));
    let server = start(app).await;
    let a = get(server.addr, "/items/1", &[]).await;
    let b = get(server.addr, "/items/1", &[]).await;
    let (ida, idb) = (
        a.header("x-request-id").unwrap(),
        b.header("x-request-id").unwrap(),
    );
    assert_eq!(ida.len(), 36, "a UUID: {ida}");
    assert_ne!(ida, idb);
    let mine = get(server.addr, "/items/1", &[("x-request-id", "abc-123")]).await;
    assert_eq!(mine.header("x-request-id"), Some("abc-123"));
    server.stop().await;
}

#[tokio::test]
async fn stacked_layers_run_outermost_last_added_and_the_docs_are_layered_too() {
    use tower_http::set_header::SetResponseHeaderLayer;
    let h = fastrs::http::HeaderName::from_static("x-layer");
    let app = app()
        .layer(SetResponseHeaderLayer::appending(
            h.clone(),
            fastrs::http::HeaderValue::from_static("inner"),
        ))
        .layer(SetResponseHeaderLayer::appending(
            h,
            fastrs::http::HeaderValue::from_static("outer"),
        ));
    let server = start(app).await;
    for path in ["/items/1", "/openapi.json", "/docs"] {
        let r = get(server.addr, path, &[]).await;
        assert_eq!(r.status, 200, "{path}");
        let values: Vec<&str> = r
            .headers
            .iter()
            .filter(|(k, _)| k == "x-layer")
            .map(|(_, v)| v.as_str())
            .collect();
        // The inner layer's header is added first, the outer one's after.
        assert_eq!(values, ["inner", "outer"], "{path}");
    }
    server.stop().await;
}

#[tokio::test]
async fn a_handler_panic_inside_layers_is_a_500() {
    #[get("/boom")]
    async fn boom() -> Json<serde_json::Value> {
        panic!("boom")
    }
    let app = App::new()
        .route(boom)
        .route(read_item)
        .layer(tower_http::compression::CompressionLayer::new());
    let server = start(app).await;
    assert_eq!(get(server.addr, "/boom", &[]).await.status, 500);
    assert_eq!(get(server.addr, "/items/5", &[]).await.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn layers_apply_over_http2_too() {
    use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
    let app = app()
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid));
    let server = start(app).await;
    let tcp = TcpStream::connect(server.addr).await.unwrap();
    let (client, h2_conn) = timeout(PATIENCE, h2::client::handshake(tcp))
        .await
        .unwrap()
        .expect("HTTP/2 handshake (prior knowledge)");
    let driver = tokio::spawn(h2_conn);
    let mut client = client.ready().await.unwrap();
    let req = fastrs::http::Request::builder()
        .uri(format!("http://{}/items/7", server.addr))
        .body(())
        .unwrap();
    let (response, _) = client.send_request(req, true).unwrap();
    let response = timeout(PATIENCE, response).await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), fastrs::http::Version::HTTP_2);
    assert_eq!(response.headers()["x-request-id"].len(), 36);
    let mut body = response.into_body();
    let mut bytes = Vec::new();
    while let Some(chunk) = body.data().await {
        let chunk = chunk.unwrap();
        let _ = body.flow_control().release_capacity(chunk.len());
        bytes.extend_from_slice(&chunk);
    }
    assert_eq!(bytes, br#"{"item_id":7}"#);
    drop(client);
    driver.abort();
    server.stop().await;
}
