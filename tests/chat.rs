//! examples/chat: FastAPI's chat through the TestClient's WebSockets (the
//! same messages word for word), the Server-Sent Events feed of the messages
//! over a real socket, the pages and the feed's document.

use std::time::Duration;

use chat::ConnectionManager;
use fastrs::prelude::*;
use fastrs::server::{Config, Server};
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

/// FastAPI's chat (tutorial003): each message echoed to its sender and
/// broadcast to everyone, a client that leaves announced. (A socket joins
/// the broadcast list just after its handshake: a client is known to be in
/// it once its own message was answered, so each client speaks first.)
#[test]
fn two_clients_chat_through_the_test_client() {
    let client = TestClient::new(chat::app());
    let mut first = client.websocket_connect("/ws/1").unwrap();
    first.send_text("Hello");
    assert_eq!(first.receive_text().unwrap(), "You wrote: Hello");
    assert_eq!(first.receive_text().unwrap(), "Client #1 says: Hello");
    let mut second = client.websocket_connect("/ws/2").unwrap();
    second.send_text("Hi there");
    assert_eq!(second.receive_text().unwrap(), "You wrote: Hi there");
    assert_eq!(second.receive_text().unwrap(), "Client #2 says: Hi there");
    assert_eq!(first.receive_text().unwrap(), "Client #2 says: Hi there");
    first.send_text("Welcome");
    assert_eq!(first.receive_text().unwrap(), "You wrote: Welcome");
    assert_eq!(first.receive_text().unwrap(), "Client #1 says: Welcome");
    assert_eq!(second.receive_text().unwrap(), "Client #1 says: Welcome");
    second.close(1000);
    assert_eq!(first.receive_text().unwrap(), "Client #2 left the chat");
    // the second socket is no longer broadcast to
    first.send_text("Alone");
    assert_eq!(first.receive_text().unwrap(), "You wrote: Alone");
    assert_eq!(first.receive_text().unwrap(), "Client #1 says: Alone");
}

/// A client id that is not an integer is refused (FastAPI: 1008 before accept).
#[test]
fn a_bad_client_id_is_refused() {
    let client = TestClient::new(chat::app());
    assert!(client.websocket_connect("/ws/abc").is_err());
}
