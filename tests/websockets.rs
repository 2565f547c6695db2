//! WebSockets: the sessions recorded from FastAPI (tests/fastapi_websockets:
//! app.py, cases.py, record.py → recorded.json) replayed against the same app
//! in fastrs, through the TestClient and over a real socket
//! (tokio-tungstenite's client against a server on 127.0.0.1:0); then bad
//! input: malformed handshakes, an oversized message, a client that never
//! answers pings, and a server shutdown with sockets open.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fastrs::prelude::*;
use fastrs::serde_json::{self, json, Value};
use fastrs::server::{Config, Server};
use fastrs::websockets::{Message, ReceiveJsonError, WebSocketConfig, WebSocketSender};
use fastrs::Router;
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;

const RECORDED: &str = include_str!("fastapi_websockets/recorded.json");

// --- app.py, in fastrs ---------------------------------------------------

// docs_src/websockets_/tutorial001
#[websocket("/ws")]
async fn websocket_endpoint(mut websocket: WebSocket) -> Result<(), WebSocketDisconnect> {
    websocket.accept().await?;
    loop {
        let data = websocket.receive_text().await?;
        websocket
            .send_text(format!("Message text was: {data}"))
            .await?;
    }
}

// docs_src/websockets_/tutorial002
#[dependency]
async fn get_cookie_or_token(
    #[cookie] session: Option<String>,
    #[query] token: Option<String>,
) -> Result<String, WebSocketException> {
    match session.or(token) {
        Some(v) => Ok(v),
        None => Err(WebSocketException::new(1008)),
    }
}

#[websocket("/items/{item_id}/ws")]
async fn websocket_items(
    mut websocket: WebSocket,
    item_id: String,
    q: Option<i64>,
    cookie_or_token: Depends<get_cookie_or_token>,
) -> Result<(), WebSocketDisconnect> {
    websocket.accept().await?;
    loop {
        let data = websocket.receive_text().await?;
        websocket
            .send_text(format!(
                "Session cookie or query token value is: {}",
                *cookie_or_token
            ))
            .await?;
        if let Some(q) = q {
            websocket
                .send_text(format!("Query parameter q is: {q}"))
                .await?;
        }
        websocket
            .send_text(format!("Message text was: {data}, for item ID: {item_id}"))
            .await?;
    }
}

// docs_src/websockets_/tutorial003: the connection manager keeps each
// socket's sender.
#[derive(Clone, Default)]
struct ConnectionManager(Arc<Mutex<Vec<(u64, WebSocketSender)>>>);

impl ConnectionManager {
    fn connect(&self, id: u64, sender: WebSocketSender) {
        self.0.lock().unwrap().push((id, sender));
    }

    fn disconnect(&self, id: u64) {
        self.0.lock().unwrap().retain(|(i, _)| *i != id);
    }

    async fn broadcast(&self, message: &str) {
        let all: Vec<WebSocketSender> = self
            .0
            .lock()
            .unwrap()
            .iter()
            .map(|(_, s)| s.clone())
            .collect();
        for s in all {
            let _ = s.send_text(message).await;
        }
    }
}

static NEXT_SOCKET: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[websocket("/ws/{client_id}")]
async fn websocket_chat(
    mut websocket: WebSocket,
    client_id: i64,
    manager: State<ConnectionManager>,
) -> Result<(), WebSocketDisconnect> {
    websocket.accept().await?;
    let id = NEXT_SOCKET.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    manager.connect(id, websocket.sender().expect("accepted"));
    loop {
        match websocket.receive_text().await {
            Ok(data) => {
                websocket.send_text(format!("You wrote: {data}")).await?;
                manager
                    .broadcast(&format!("Client #{client_id} says: {data}"))
                    .await;
            }
            Err(_) => {
                manager.disconnect(id);
                manager
                    .broadcast(&format!("Client #{client_id} left the chat"))
                    .await;
                return Ok(());
            }
        }
    }
}

// Our cases.
#[derive(Model, Debug)]
struct Item {
    name: String,
    #[field(gt = 0)]
    price: f64,
    #[field(default)]
    tags: Vec<String>,
}

#[websocket("/json")]
async fn websocket_json(mut websocket: WebSocket) -> Result<(), WebSocketDisconnect> {
    websocket.accept().await?;
    loop {
        match websocket.receive_json::<Item>().await {
            Ok(item) => websocket.send_json(&item).await?,
            Err(ReceiveJsonError::Invalid(e)) => {
                websocket.send_json(&json!({"errors": e.errors()})).await?
            }
            Err(ReceiveJsonError::Disconnect(d)) => return Err(d),
        }
    }
}

#[websocket("/bytes")]
async fn websocket_bytes(mut websocket: WebSocket) -> Result<(), WebSocketDisconnect> {
    websocket.accept().await?;
    let data = websocket.receive_bytes().await?;
    let reversed: Vec<u8> = data.iter().rev().copied().collect();
    websocket.send_bytes(reversed).await?;
    websocket.close(1000).await
}

#[websocket("/close")]
async fn websocket_close(mut websocket: WebSocket) -> Result<(), WebSocketDisconnect> {
    websocket.accept().await?;
    let code = websocket.receive_text().await?;
    websocket
        .close_with_reason(code.parse().unwrap_or(1000), "bye")
        .await
}

#[derive(Clone, Default)]
struct LastDisconnect(Arc<Mutex<Value>>);

#[websocket("/disconnect")]
async fn websocket_disconnect(
    mut websocket: WebSocket,
    last: State<LastDisconnect>,
) -> Result<(), WebSocketDisconnect> {
    websocket.accept().await?;
    loop {
        if let Err(e) = websocket.receive_text().await {
            *last.0 .0.lock().unwrap() = json!({"code": e.code, "reason": e.reason});
            return Ok(());
        }
    }
}

#[get("/last-disconnect")]
async fn read_last_disconnect(last: State<LastDisconnect>) -> Json<Value> {
    let v = last.0 .0.lock().unwrap().clone();
    Json(if v.is_null() { json!({}) } else { v })
}

#[websocket("/refuse")]
async fn websocket_refuse(mut websocket: WebSocket) -> Result<(), WebSocketDisconnect> {
    websocket.close_with_reason(4003, "not today").await
}

#[websocket("/header")]
async fn websocket_header(
    mut websocket: WebSocket,
    #[header] x_token: String,
) -> Result<(), WebSocketDisconnect> {
    websocket.accept().await?;
    websocket.send_text(format!("token {x_token}")).await?;
    websocket.close(1000).await
}

#[dependency]
async fn forbid() -> Result<(), HttpError> {
    Err(HttpError::new(403, "nope"))
}

#[websocket("/http-error")]
async fn websocket_http_error(
    mut websocket: WebSocket,
    _forbidden: Depends<forbid>,
) -> Result<(), WebSocketDisconnect> {
    websocket.accept().await
}

#[dependency]
async fn verify_key(#[query] key: String) -> Result<(), WebSocketException> {
    if key != "secret" {
        return Err(WebSocketException::new(1008).reason("bad key"));
    }
    Ok(())
}

#[websocket("/ws")]
async fn websocket_routed(mut websocket: WebSocket) -> Result<(), WebSocketDisconnect> {
    websocket.accept().await?;
    websocket.send_text("routed").await?;
    websocket.close(1000).await
}

use fastrs::security::APIKeyQuery;
fastrs::security_config!(ApiKeyParam: APIKeyConfig, name = "api_key");

#[websocket("/secure")]
async fn websocket_secure(
    mut websocket: WebSocket,
    key: Depends<APIKeyQuery<ApiKeyParam>>,
) -> Result<(), WebSocketDisconnect> {
    websocket.accept().await?;
    websocket.send_text(format!("key {}", *key)).await?;
    websocket.close(1000).await
}

fn app() -> App {
    App::new()
        .title("WebSockets")
        .state(ConnectionManager::default())
        .state(LastDisconnect::default())
        .route(websocket_endpoint)
        .route(websocket_items)
        .route(websocket_chat)
        .route(websocket_json)
        .route(websocket_bytes)
        .route(websocket_close)
        .route(websocket_disconnect)
        .route(read_last_disconnect)
        .route(websocket_refuse)
        .route(websocket_header)
        .route(websocket_http_error)
        .route(websocket_secure)
        .include(
            Router::new()
                .prefix("/r")
                .dependency::<verify_key>()
                .route(websocket_routed),
        )
}

// --- replay ----------------------------------------------------------------

fn cases() -> Vec<Value> {
    let all: Value = serde_json::from_str(RECORDED).unwrap();
    all["cases"].as_array().unwrap().clone()
}

/// A close reason as recorded: text, or (for FastAPI's validation errors)
/// the error list; ours carries the list as JSON text.
fn reason_value(reason: &str, recorded: &Value) -> Value {
    if recorded.is_string() {
        Value::String(reason.to_owned())
    } else {
        serde_json::from_str(reason).unwrap_or(Value::String(reason.to_owned()))
    }
}

/// A received message in the recording's form.
fn message_value(m: Result<Message, WebSocketDisconnect>) -> Value {
    match m {
        Ok(Message::Text(t)) => json!({"text": t}),
        Ok(Message::Bytes(b)) => json!({"bytes": hex(&b)}),
        Err(d) => json!({"close": {"code": d.code, "reason": d.reason}}),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Text messages are compared as JSON when they are JSON (key order and
/// float spelling aside), else as text.
fn same_message(ours: &Value, theirs: &Value) -> bool {
    if ours == theirs {
        return true;
    }
    match (ours["text"].as_str(), theirs["text"].as_str()) {
        (Some(a), Some(b)) => match (
            serde_json::from_str::<Value>(a),
            serde_json::from_str::<Value>(b),
        ) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        },
        _ => false,
    }
}

/// Plays one case through the TestClient: (outcome, received).
fn play_test_client(client: &TestClient, case: &Value) -> (Value, Vec<Value>) {
    let mut req = client.get(case["path"].as_str().unwrap());
    for (k, v) in case["headers"].as_object().into_iter().flatten() {
        req = req.header(k, v.as_str().unwrap());
    }
    for (k, v) in case["cookies"].as_object().into_iter().flatten() {
        req = req.cookie(k, v.as_str().unwrap());
    }
    let mut got = Vec::new();
    let mut ws = match req.websocket() {
        Ok(ws) => ws,
        Err(fastrs::testclient::WebSocketRejected::Closed(d)) => {
            return (json!({"closed": {"code": d.code, "reason": d.reason}}), got)
        }
        Err(fastrs::testclient::WebSocketRejected::Denied(r)) => {
            return (
                json!({"denied": {"status": r.status().as_u16(), "json": r.json()}}),
                got,
            )
        }
    };
    for action in case["actions"].as_array().unwrap() {
        match action[0].as_str().unwrap() {
            "send_text" => ws.send_text(action[1].as_str().unwrap()),
            "send_json" => ws.send_json(&action[1]),
            "send_bytes" => ws.send_bytes(unhex(action[1].as_str().unwrap())),
            "receive" => got.push(message_value(ws.receive())),
            "close" => ws.close(action[1].as_u64().unwrap() as u16),
            "http_get" => {
                let r = client.get(action[1].as_str().unwrap()).send();
                got.push(json!({"http": {"status": r.status().as_u16(), "json": r.json()}}));
            }
            other => panic!("unknown action {other}"),
        }
    }
    (json!({"accepted": true}), got)
}

fn compare(case: &Value, outcome: &Value, got: &[Value], via: &str, failures: &mut Vec<String>) {
    let name = case["name"].as_str().unwrap();
    let want = &case["outcome"];
    let mut outcome = outcome.clone();
    if let (Some(reason), Some(theirs)) = (
        outcome["closed"]["reason"].as_str().map(str::to_owned),
        want["closed"].get("reason"),
    ) {
        outcome["closed"]["reason"] = reason_value(&reason, theirs);
    }
    if &outcome != want {
        failures.push(format!(
            "{via} {name}: outcome {outcome} != FastAPI's {want}"
        ));
        return;
    }
    let theirs = case["got"].as_array().unwrap();
    if got.len() != theirs.len() || got.iter().zip(theirs).any(|(a, b)| !same_message(a, b)) {
        failures.push(format!(
            "{via} {name}: received {} != FastAPI's {}",
            Value::from(got.to_vec()),
            Value::from(theirs.clone())
        ));
    }
}

#[test]
fn fastapi_sessions_replay_through_the_test_client() {
    let cases = cases();
    let mut failures = Vec::new();
    for case in &cases {
        // A client per case, as record.py has: cookies and state start afresh.
        let client = TestClient::new(app());
        let (outcome, got) = play_test_client(&client, &case["case"]);
        compare(case, &outcome, &got, "TestClient", &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

// --- over a real socket ------------------------------------------------------

struct Running {
    addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .expect("the server stops")
            .unwrap()
            .unwrap();
    }
}

async fn serve(app: App, config: Config) -> Running {
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        access_log: false,
        ..config
    };
    let server = Server::bind(app, config).await.unwrap();
    let addr = server.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server.run_until(async {
        stopped.await.ok();
    }));
    Running {
        addr,
        stop: Some(stop),
        task,
    }
}

type Client = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// Opens a websocket to `path` with tokio-tungstenite's client.
async fn connect(
    addr: std::net::SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<Client, tungstenite::Error> {
    use tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{addr}{path}").into_client_request().unwrap();
    for (k, v) in headers {
        req.headers_mut().insert(
            fastrs::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tokio_tungstenite::client_async(req, tcp)
        .await
        .map(|(ws, _)| ws)
}

async fn next_message(ws: &mut Client) -> Value {
    let next = tokio::time::timeout(Duration::from_secs(30), ws.next())
        .await
        .expect("a message within 30 s");
    match next {
        Some(Ok(tungstenite::Message::Text(t))) => json!({"text": t.as_str()}),
        Some(Ok(tungstenite::Message::Binary(b))) => json!({"bytes": hex(&b)}),
        Some(Ok(tungstenite::Message::Close(f))) => {
            let (code, reason) = f.map_or((1005, String::new()), |f| {
                (u16::from(f.code), f.reason.as_str().to_owned())
            });
            json!({"close": {"code": code, "reason": reason}})
        }
        other => json!({"other": format!("{other:?}")}),
    }
}

/// Plays one case over TCP. A refused handshake is an HTTP answer on the
/// wire (uvicorn's 403, or the HTTP error): the close code only the test
/// client sees, so the outcome compared is the status.
async fn play_socket(addr: std::net::SocketAddr, case: &Value) -> (Value, Vec<Value>) {
    let mut headers: Vec<(String, String)> = case["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    if let Some(c) = case["cookies"].as_object() {
        let cookie: Vec<String> = c
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap()))
            .collect();
        headers.push(("cookie".into(), cookie.join("; ")));
    }
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut got = Vec::new();
    let mut ws = match connect(addr, case["path"].as_str().unwrap(), &headers).await {
        Ok(ws) => ws,
        Err(tungstenite::Error::Http(r)) => {
            let body: Value = r
                .body()
                .as_ref()
                .and_then(|b| serde_json::from_slice(b).ok())
                .unwrap_or(Value::Null);
            return (json!({"http": r.status().as_u16(), "json": body}), got);
        }
        Err(e) => panic!("connecting failed: {e}"),
    };
    for action in case["actions"].as_array().unwrap() {
        match action[0].as_str().unwrap() {
            "send_text" => ws
                .send(tungstenite::Message::text(action[1].as_str().unwrap()))
                .await
                .unwrap(),
            "send_json" => ws
                .send(tungstenite::Message::text(action[1].to_string()))
                .await
                .unwrap(),
            "send_bytes" => ws
                .send(tungstenite::Message::Binary(
                    unhex(action[1].as_str().unwrap()).into(),
                ))
                .await
                .unwrap(),
            "receive" => got.push(next_message(&mut ws).await),
            "close" => {
                let code = action[1].as_u64().unwrap() as u16;
                ws.close(Some(CloseFrame {
                    code: CloseCode::from(code),
                    reason: "".into(),
                }))
                .await
                .unwrap();
                // The server's close reply ends the stream.
                while let Ok(Some(Ok(_))) =
                    tokio::time::timeout(Duration::from_secs(30), ws.next()).await
                {}
            }
            "http_get" => {
                let v = http_get(addr, action[1].as_str().unwrap()).await;
                got.push(json!({"http": {"status": 200, "json": v}}));
            }
            other => panic!("unknown action {other}"),
        }
    }
    (json!({"accepted": true}), got)
}

/// A GET over a fresh connection; the JSON of a 200 answer.
async fn http_get(addr: std::net::SocketAddr, path: &str) -> Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap()
}

#[tokio::test]
async fn fastapi_sessions_replay_over_a_real_socket() {
    let cases = cases();
    let mut failures = Vec::new();
    for case in &cases {
        let server = serve(app(), Config::default()).await;
        let (outcome, got) = play_socket(server.addr, &case["case"]).await;
        // On the wire a refusal is uvicorn's: 403 with an empty body for a
        // close before accepting, else the HTTP error itself.
        let want = &case["outcome"];
        let wire_want = if want.get("closed").is_some() {
            json!({"http": 403, "json": null})
        } else if let Some(d) = want.get("denied") {
            json!({"http": d["status"], "json": d["json"]})
        } else {
            want.clone()
        };
        let expected = json!({"name": case["name"], "outcome": wire_want, "got": case["got"]});
        compare(&expected, &outcome, &got, "socket", &mut failures);
        server.stop().await;
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

// --- the rest of the behaviour -----------------------------------------------

#[test]
fn websocket_routes_are_left_out_of_openapi() {
    let client = TestClient::new(app());
    let doc = client.get("/openapi.json").send();
    assert_eq!(doc.status(), 200);
    let paths: Vec<String> = doc.json()["paths"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(paths, vec!["/last-disconnect".to_owned()]);
}

#[test]
fn a_plain_get_to_a_websocket_path_is_404_as_in_starlette() {
    let client = TestClient::new(app());
    assert_eq!(client.get("/ws").send().status(), 404);
}

#[test]
fn the_chat_broadcasts_to_every_socket_and_says_who_left() {
    let client = TestClient::new(app());
    let mut a = client.websocket_connect("/ws/1").unwrap();
    let mut b = client.websocket_connect("/ws/2").unwrap();
    a.send_text("hi");
    assert_eq!(a.receive_text().unwrap(), "You wrote: hi");
    assert_eq!(a.receive_text().unwrap(), "Client #1 says: hi");
    assert_eq!(b.receive_text().unwrap(), "Client #1 says: hi");
    a.close(1000);
    assert_eq!(b.receive_text().unwrap(), "Client #1 left the chat");
}

// --- bad input, keep-alive, shutdown, middleware (over a real socket) --------

/// Sends `head` on a fresh connection and reads until the server closes it.
async fn raw_exchange(addr: std::net::SocketAddr, head: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut out))
        .await
        .expect("the server closes the connection")
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

fn upgrade_head(path: &str, extra: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n{extra}\r\n"
    )
}

#[tokio::test]
async fn malformed_handshakes_are_refused_with_uvicorns_400() {
    let server = serve(app(), Config::default()).await;
    let key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    for (extra, reason) in [
        (
            format!("{key}Sec-WebSocket-Version: 8\r\n"),
            "invalid Sec-WebSocket-Version header: 8",
        ),
        (key.to_owned(), "missing Sec-WebSocket-Version header"),
        (
            "Sec-WebSocket-Version: 13\r\n".to_owned(),
            "missing Sec-WebSocket-Key header",
        ),
    ] {
        let answer = raw_exchange(server.addr, &upgrade_head("/ws", &extra)).await;
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 400 Bad Request"), "{answer}");
        let head = head.to_ascii_lowercase();
        assert!(
            head.contains("content-type: text/plain; charset=utf-8"),
            "{answer}"
        );
        assert!(head.contains("connection: close"), "{answer}");
        assert_eq!(
            body,
            format!("Failed to open a WebSocket connection: {reason}.\n")
        );
    }
    // The server still serves.
    let mut ws = connect(server.addr, "/ws", &[]).await.unwrap();
    ws.send(tungstenite::Message::text("still here"))
        .await
        .unwrap();
    assert_eq!(
        next_message(&mut ws).await,
        json!({"text": "Message text was: still here"})
    );
    drop(ws);
    server.stop().await;
}

#[test]
fn the_test_client_shows_a_malformed_handshake_as_a_denial() {
    let client = TestClient::new(app());
    let denied = client
        .get("/ws")
        .header("sec-websocket-version", "8")
        .websocket()
        .unwrap_err();
    match denied {
        fastrs::testclient::WebSocketRejected::Denied(r) => {
            assert_eq!(r.status(), 400);
            assert_eq!(
                r.text(),
                "Failed to open a WebSocket connection: invalid Sec-WebSocket-Version header: 8.\n"
            );
        }
        other => panic!("expected a denial, got {other:?}"),
    }
}

fn small_limits() -> Config {
    Config {
        websocket: WebSocketConfig {
            max_message_size: 1024,
            ping_interval: Some(Duration::from_millis(100)),
            ping_timeout: Duration::from_millis(100),
        },
        ..Config::default()
    }
}

#[tokio::test]
async fn an_oversized_message_closes_the_socket_with_1009() {
    let server = serve(app(), small_limits()).await;
    let mut ws = connect(server.addr, "/ws", &[]).await.unwrap();
    ws.send(tungstenite::Message::text("x".repeat(1000)))
        .await
        .unwrap();
    assert_eq!(
        next_message(&mut ws).await["text"].as_str().map(str::len),
        Some("Message text was: ".len() + 1000)
    );
    ws.send(tungstenite::Message::text("x".repeat(2048)))
        .await
        .unwrap();
    assert_eq!(
        next_message(&mut ws).await,
        json!({"close": {"code": 1009, "reason": ""}})
    );
    drop(ws);
    server.stop().await;
}

#[test]
fn an_oversized_message_closes_the_test_socket_with_1009_too() {
    let client = TestClient::new(app()).websocket_config(WebSocketConfig {
        max_message_size: 16,
        ..WebSocketConfig::default()
    });
    let mut ws = client.websocket_connect("/ws").unwrap();
    ws.send_text(&"y".repeat(17));
    assert_eq!(ws.receive().unwrap_err().code, 1009);
}

/// Records that the handler ended, whatever way.
#[derive(Clone, Default)]
struct Ended(Arc<tokio::sync::Notify>);

#[websocket("/silent")]
async fn websocket_waits(
    mut websocket: WebSocket,
    ended: State<Ended>,
) -> Result<(), WebSocketDisconnect> {
    struct Signal(Ended);
    impl Drop for Signal {
        fn drop(&mut self) {
            self.0 .0.notify_one();
        }
    }
    let _signal = Signal(ended.0.clone());
    websocket.accept().await?;
    loop {
        websocket.receive_text().await?;
    }
}

#[tokio::test]
async fn a_client_that_never_answers_pings_is_closed_and_its_handler_ends() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let ended = Ended::default();
    let server = serve(
        App::new().state(ended.clone()).route(websocket_waits),
        small_limits(),
    )
    .await;
    // A raw client: the handshake, then never a byte (no pong).
    let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    s.write_all(
        upgrade_head(
            "/silent",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n",
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut out))
        .await
        .expect("the server closes the silent socket")
        .unwrap();
    tokio::time::timeout(Duration::from_secs(30), ended.0.notified())
        .await
        .expect("the handler ends");
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.starts_with("HTTP/1.1 101 Switching Protocols"),
        "{text}"
    );
    let frames = &out[text.find("\r\n\r\n").unwrap() + 4..];
    // A ping (0x89, empty), then a close (0x88) with 1011 and its reason.
    assert_eq!(&frames[..2], &[0x89, 0x00]);
    assert_eq!(frames[2], 0x88);
    assert_eq!(u16::from_be_bytes([frames[4], frames[5]]), 1011);
    assert_eq!(&frames[6..], b"keepalive ping timeout");
    server.stop().await;
}

#[tokio::test]
async fn a_client_that_answers_pings_stays_open() {
    let server = serve(app(), small_limits()).await;
    let mut ws = connect(server.addr, "/ws", &[]).await.unwrap();
    // tokio-tungstenite's client answers pings while it reads: several ping
    // intervals pass and the socket still echoes.
    let mut pings = 0;
    while pings < 3 {
        match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
            Ok(Some(Ok(tungstenite::Message::Ping(_)))) => pings += 1,
            other => panic!("expected a ping, got {other:?}"),
        }
    }
    ws.send(tungstenite::Message::text("alive")).await.unwrap();
    let reply = loop {
        let m = next_message(&mut ws).await;
        if m.get("other").is_none() {
            break m;
        }
    };
    assert_eq!(reply, json!({"text": "Message text was: alive"}));
    drop(ws);
    server.stop().await;
}

#[tokio::test]
async fn shutdown_closes_open_sockets_with_1001_and_their_handlers_end() {
    let ended = Ended::default();
    let server = serve(
        App::new().state(ended.clone()).route(websocket_waits),
        Config::default(),
    )
    .await;
    let mut a = connect(server.addr, "/silent", &[]).await.unwrap();
    let mut b = connect(server.addr, "/silent", &[]).await.unwrap();
    let stopping = tokio::spawn(server.stop());
    for ws in [&mut a, &mut b] {
        assert_eq!(
            next_message(ws).await,
            json!({"close": {"code": 1001, "reason": ""}})
        );
        // Reading on sends the client's close reply, as a browser does.
        while let Ok(Some(Ok(_))) = tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
        }
    }
    // Both handlers end and the server stops (within its drain time).
    tokio::time::timeout(Duration::from_secs(30), stopping)
        .await
        .expect("the server stops")
        .unwrap();
    tokio::time::timeout(Duration::from_secs(30), ended.0.notified())
        .await
        .expect("the handlers end");
}

#[websocket("/panic")]
async fn websocket_panics(mut websocket: WebSocket) -> Result<(), WebSocketDisconnect> {
    websocket.accept().await?;
    let text = websocket.receive_text().await?;
    if text == "boom" {
        panic!("the handler panicked");
    }
    Ok(())
}

#[websocket("/panic-early")]
async fn websocket_panics_early(_websocket: WebSocket) -> Result<(), WebSocketDisconnect> {
    panic!("before accepting")
}

#[tokio::test]
async fn a_panicking_handler_closes_with_1011_and_the_server_keeps_serving() {
    let server = serve(
        app().route(websocket_panics).route(websocket_panics_early),
        Config::default(),
    )
    .await;
    let mut ws = connect(server.addr, "/panic", &[]).await.unwrap();
    ws.send(tungstenite::Message::text("boom")).await.unwrap();
    assert_eq!(
        next_message(&mut ws).await,
        json!({"close": {"code": 1011, "reason": ""}})
    );
    // Before accepting: uvicorn's plain-text 500.
    let answer = raw_exchange(
        server.addr,
        &upgrade_head(
            "/panic-early",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n",
        ),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
    assert!(
        answer.ends_with("\r\n\r\nInternal Server Error"),
        "{answer}"
    );
    let mut ok = connect(server.addr, "/ws", &[]).await.unwrap();
    ok.send(tungstenite::Message::text("after")).await.unwrap();
    assert_eq!(
        next_message(&mut ok).await,
        json!({"text": "Message text was: after"})
    );
    drop((ws, ok));
    server.stop().await;
}

async fn stamp(
    req: fastrs::http::Request<fastrs::body::RequestBody>,
    next: fastrs::middleware::Next,
) -> Response {
    let mut r = next.run(req).await;
    r.headers_mut().insert("x-stamp", "1".parse().unwrap());
    r
}

#[tokio::test]
async fn fn_middleware_cors_and_gzip_do_not_break_an_upgrade() {
    let app = app()
        .middleware_boxed(
            fastrs::cors::Cors::new()
                .allow_origins(["http://localhost:3000"])
                .into_middleware(),
        )
        .middleware_boxed(fastrs::gzip::GZip::new().into_middleware())
        .middleware(stamp);
    let server = serve(app, Config::default()).await;
    let mut ws = connect(
        server.addr,
        "/ws",
        &[
            ("origin", "http://localhost:3000"),
            ("accept-encoding", "gzip"),
        ],
    )
    .await
    .unwrap();
    ws.send(tungstenite::Message::text("through"))
        .await
        .unwrap();
    assert_eq!(
        next_message(&mut ws).await,
        json!({"text": "Message text was: through"})
    );
    drop(ws);
    server.stop().await;
}

#[tokio::test]
async fn the_async_test_client_opens_websockets_too() {
    let client = fastrs::AsyncTestClient::new(app());
    let mut ws = client.websocket_connect("/ws").await.unwrap();
    ws.send_text("async").await;
    assert_eq!(ws.receive_text().await.unwrap(), "Message text was: async");
    ws.close(1000).await;
    let refused = client.websocket_connect("/ws/abc").await.unwrap_err();
    assert_eq!(refused.disconnect().unwrap().code, 1008);
}

#[tokio::test]
async fn shutdown_does_not_wait_forever_for_a_client_that_never_answers_the_close() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let ended = Ended::default();
    let server = serve(
        App::new().state(ended.clone()).route(websocket_waits),
        Config {
            websocket: WebSocketConfig {
                ping_interval: None,
                ping_timeout: Duration::from_millis(100),
                ..WebSocketConfig::default()
            },
            ..Config::default()
        },
    )
    .await;
    let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    s.write_all(
        upgrade_head(
            "/silent",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n",
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut head = [0u8; 12];
    s.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 101");
    // The server stops (well within its 30 s drain) although the client
    // never answers its 1001 close, and the handler ends.
    tokio::time::timeout(Duration::from_secs(20), server.stop())
        .await
        .expect("the server stops");
    tokio::time::timeout(Duration::from_secs(30), ended.0.notified())
        .await
        .expect("the handler ends");
    let mut rest = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut rest)).await;
    let close_at = rest
        .windows(2)
        .position(|w| w == [0x88, 0x02])
        .expect("a close frame");
    assert_eq!(
        u16::from_be_bytes([rest[close_at + 2], rest[close_at + 3]]),
        1001
    );
}

#[fastrs::get("/plain")]
async fn plain_route() -> fastrs::Json<Value> {
    fastrs::Json(json!({"plain": true}))
}

/// An app without a websocket route is served without hyper's upgrade
/// support (`Serving::wants_upgrades`): a handshake is still routed as one
/// and refused with uvicorn's 403, even on a path with an HTTP route, and the
/// connection goes on serving plain requests.
#[tokio::test]
async fn an_app_without_websocket_routes_refuses_a_handshake_with_403() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = serve(App::new().route(plain_route), Config::default()).await;
    match connect(server.addr, "/plain", &[]).await {
        Err(tungstenite::Error::Http(r)) => assert_eq!(r.status(), 403),
        other => panic!("expected a 403 refusal, got {other:?}"),
    }
    let mut tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    tcp.write_all(
        b"GET /plain HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: websocket\r\n\
          sec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n\
          GET /plain HTTP/1.1\r\nhost: x\r\n\r\n",
    )
    .await
    .unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("{\"plain\":true}") {
        let n = tokio::time::timeout(Duration::from_secs(30), tcp.read(&mut buf))
            .await
            .expect("an answer within 30 s")
            .unwrap();
        assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&seen);
    assert!(text.starts_with("HTTP/1.1 403 Forbidden\r\n"), "{text}");
    assert_eq!(text.matches("HTTP/1.1 200 OK\r\n").count(), 1, "{text}");
    drop(tcp);
    server.stop().await;
}
