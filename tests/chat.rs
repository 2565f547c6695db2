//! examples/chat: FastAPI's chat session (recorded in `tests/fastapi_chat/`)
//! replayed through the TestClient's WebSockets, word for word; its page;
//! the Server-Sent Events feed of the messages over a real socket; the feed's
//! document.

use std::time::Duration;

use chat::ConnectionManager;
use fastrs::prelude::*;
use fastrs::serde_json::{self, json, Value};
use fastrs::server::{Config, Server};
use fastrs::testclient::TestWebSocket;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads from `conn` into `seen` until it holds `want` (at most 10 s).
async fn read_until(conn: &mut TcpStream, seen: &mut Vec<u8>, want: &str) {
    let read = async {
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(seen).contains(want) {
            let n = conn.read(&mut buf).await.unwrap();
            assert!(
                n > 0,
                "closed before {want:?}: {:?}",
                String::from_utf8_lossy(seen)
            );
            seen.extend_from_slice(&buf[..n]);
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .unwrap_or_else(|_| panic!("no {want:?} in {:?}", String::from_utf8_lossy(seen)));
}

#[tokio::test]
async fn the_feed_streams_each_broadcast_message() {
    let manager = ConnectionManager::default();
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        ..Config::default()
    };
    let server = Server::bind(chat::app_with(manager.clone()), config)
        .await
        .unwrap();
    let addr = server.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run_until(async {
        let _ = stopped.await;
    }));

    let mut conn = TcpStream::connect(addr).await.unwrap();
    conn.write_all(b"GET /events HTTP/1.1\r\nhost: chat\r\n\r\n")
        .await
        .unwrap();
    let mut seen = Vec::new();
    // the head is sent once the handler returned, subscribed
    read_until(&mut conn, &mut seen, "\r\n\r\n").await;
    assert!(
        String::from_utf8_lossy(&seen).contains("content-type: text/event-stream; charset=utf-8")
    );
    manager.broadcast("Client #1 says: héllo \"you\"").await;
    read_until(
        &mut conn,
        &mut seen,
        "data: \"Client #1 says: héllo \\\"you\\\"\"\n\n",
    )
    .await;
    manager.broadcast("Client #1 left the chat").await;
    read_until(
        &mut conn,
        &mut seen,
        "data: \"Client #1 left the chat\"\n\n",
    )
    .await;
    drop(conn);
    let _ = stop.send(());
    serving.await.unwrap().unwrap();
}

#[test]
fn the_pages_and_the_feed_document() {
    let client = TestClient::new(chat::app());
    let page = client.get("/").send();
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.text(), chat::CHAT_HTML);
    assert!(page
        .text()
        .contains("ws://${location.host}/ws/${client_id}"));
    let feed = client.get("/feed").send();
    assert!(feed.text().contains("new EventSource(\"/events\")"));
    let doc = client.get("/openapi.json").send().json();
    let item = &doc["paths"]["/events"]["get"]["responses"]["200"]["content"]["text/event-stream"]
        ["itemSchema"];
    assert_eq!(item["required"], fastrs::serde_json::json!(["data"]));
    assert_eq!(
        item["properties"]["data"]["contentSchema"]["type"],
        "string"
    );
}

/// FastAPI's chat (tutorial003, `tests/fastapi_chat/app.py`) recorded
/// with two clients through Starlette's TestClient (`record.py`): the same
/// script through fastrs's TestClient gives the same messages, word for
/// word; a client id that is not an integer is refused with the same code.
#[test]
fn the_recorded_fastapi_session_replays() {
    let recorded: Value = serde_json::from_str(include_str!("fastapi_chat/recorded.json")).unwrap();
    let client = TestClient::new(chat::app());
    let mut sockets: Vec<(&str, TestWebSocket<'_>)> = Vec::new();
    for (i, step) in recorded["session"].as_array().unwrap().iter().enumerate() {
        let who = step["client"].as_str().unwrap();
        let arg = &step["argument"];
        let socket = |sockets: &mut Vec<(&str, TestWebSocket<'_>)>| {
            sockets
                .iter()
                .position(|(w, _)| *w == who)
                .expect("a connected client")
        };
        match step["action"].as_str().unwrap() {
            "connect" => match client.websocket_connect(arg.as_str().unwrap()) {
                Ok(ws) => {
                    assert_eq!(step["result"], "accepted", "step {i}: {step}");
                    sockets.push((who, ws));
                }
                Err(refused) => {
                    let code = refused.disconnect().map(|d| d.code);
                    assert_eq!(json!({"refused": code}), step["result"], "step {i}: {step}");
                }
            },
            "send_text" => {
                let at = socket(&mut sockets);
                sockets[at].1.send_text(arg.as_str().unwrap());
            }
            "receive_text" => {
                let at = socket(&mut sockets);
                let got = sockets[at].1.receive_text().unwrap();
                assert_eq!(got, step["result"].as_str().unwrap(), "step {i}: {step}");
            }
            "close" => {
                let at = socket(&mut sockets);
                let (_, mut ws) = sockets.remove(at);
                ws.close(u16::try_from(arg.as_u64().unwrap()).unwrap());
            }
            other => panic!("unknown action {other}"),
        }
    }
}

/// The page is FastAPI's, but for the WebSocket's address.
#[test]
fn the_page_is_fastapis() {
    let recorded: Value = serde_json::from_str(include_str!("fastapi_chat/recorded.json")).unwrap();
    let client = TestClient::new(chat::app());
    let page = client.get("/").send();
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.header("content-type"),
        recorded["page"]["content_type"].as_str()
    );
    let theirs = recorded["page"]["text"].as_str().unwrap().replace(
        "ws://localhost:8000/ws/${client_id}",
        "ws://${location.host}/ws/${client_id}",
    );
    assert_eq!(page.text(), theirs);
}
