//! Server-Sent Events and JSON Lines (issue 16, point 3) against FastAPI.
//!
//! `tests/fastapi_sse/` holds FastAPI's tutorial apps for both
//! (`sse_tutorial001.py`…`005.py`, `jsonl_tutorial001.py`, copied unchanged
//! from its docs_src) and `app.py` (edge cases: every field, multi-line
//! values, untyped data, non-ASCII, statuses), with `record.py`, which saved
//! each answer (every header; the body as text) and each document. Here the
//! same apps in fastrs: each answer is compared byte for byte and each
//! document by value. Over a real socket: events arrive one by one while the
//! stream is still open, the keep-alive comment is sent on an idle stream,
//! and a client that goes away drops the stream.

#[path = "support/replay.rs"]
mod replay;
#[path = "support/replay_headers.rs"]
mod replay_headers;

use fastrs::json_lines::JsonLines;
use fastrs::prelude::*;
use fastrs::serde_json::{self, json, Value};
use fastrs::sse::{EventSourceResponse, ServerSentEvent};
use fastrs::stream_item::iterate_in_threadpool;
use futures_util::stream;

fn assert_replays(app: App, module: &str, recorded: &str, openapi: &str) {
    let theirs: Value = serde_json::from_str(openapi).unwrap();
    let ours = app.openapi();
    let doc = replay::openapi_differences(&ours, &theirs);
    let client = TestClient::new(app);
    let cases = replay::cases(recorded);
    let answers = replay_headers::differences(&client, &cases);
    assert!(
        doc.is_empty() && answers.is_empty(),
        "{module}: {} document differences, {} of {} answers differ:\n{}\n{}",
        doc.len(),
        answers.len(),
        cases.len(),
        doc.join("\n"),
        answers.join("\n")
    );
}

macro_rules! fixture {
    ($module:literal) => {
        (
            $module,
            include_str!(concat!("fastapi_sse/", $module, ".recorded.json")),
            include_str!(concat!("fastapi_sse/", $module, ".openapi.json")),
        )
    };
}

// ---- sse_tutorial001.py: items as events, typed and untyped, async and not ----

mod sse_tutorial001 {
    use super::*;

    #[derive(Model, Clone)]
    pub struct Item {
        pub name: String,
        #[field(required)]
        pub description: Option<String>,
    }

    pub fn items() -> Vec<Item> {
        [
            ("Plumbus", "A multi-purpose household device."),
            ("Portal Gun", "A portal opening device."),
            ("Meeseeks Box", "A box that summons a Meeseeks."),
        ]
        .map(|(name, description)| Item {
            name: name.into(),
            description: Some(description.into()),
        })
        .into()
    }

    /// The items as FastAPI's un-annotated generator yields them.
    pub fn untyped() -> Vec<Value> {
        items()
            .iter()
            .map(|i| serde_json::to_value(i).unwrap())
            .collect()
    }

    #[get("/items/stream")]
    async fn sse_items() -> EventSourceResponse<Item> {
        EventSourceResponse::new(stream::iter(items()))
    }

    #[get("/items/stream-no-async")]
    fn sse_items_no_async() -> EventSourceResponse<Item> {
        EventSourceResponse::new(iterate_in_threadpool(items().into_iter()))
    }

    #[get("/items/stream-no-annotation")]
    async fn sse_items_no_annotation() -> EventSourceResponse<Value> {
        EventSourceResponse::new(stream::iter(untyped()))
    }

    #[get("/items/stream-no-async-no-annotation")]
    fn sse_items_no_async_no_annotation() -> EventSourceResponse<Value> {
        EventSourceResponse::new(iterate_in_threadpool(untyped().into_iter()))
    }

    pub fn app() -> App {
        App::new()
            .title("FastAPI")
            .route(sse_items)
            .route(sse_items_no_async)
            .route(sse_items_no_annotation)
            .route(sse_items_no_async_no_annotation)
    }
}

#[test]
fn sse_tutorial001_equals_fastapi() {
    let (m, rec, doc) = fixture!("sse_tutorial001");
    assert_replays(sse_tutorial001::app(), m, rec, doc);
}

// ---- sse_tutorial002.py: ServerSentEvent with every field ----

mod priced {
    use super::*;

    #[derive(Model, Clone)]
    pub struct Item {
        pub name: String,
        pub price: f64,
    }

    pub fn items() -> Vec<Item> {
        [
            ("Plumbus", 32.99),
            ("Portal Gun", 999.99),
            ("Meeseeks Box", 49.99),
        ]
        .map(|(name, price)| Item {
            name: name.into(),
            price,
        })
        .into()
    }
}

mod sse_tutorial002 {
    use super::priced::items;
    use super::*;

    #[get("/items/stream")]
    async fn stream_items() -> EventSourceResponse<ServerSentEvent> {
        let first = ServerSentEvent::new().comment("stream of item updates");
        let updates = items().into_iter().enumerate().map(|(i, item)| {
            ServerSentEvent::new()
                .data(&item)
                .event("item_update")
                .id((i + 1).to_string())
                .retry(5000)
        });
        EventSourceResponse::new(stream::iter(std::iter::once(first).chain(updates)))
    }

    pub fn app() -> App {
        App::new().title("FastAPI").route(stream_items)
    }
}

#[test]
fn sse_tutorial002_equals_fastapi() {
    let (m, rec, doc) = fixture!("sse_tutorial002");
    assert_replays(sse_tutorial002::app(), m, rec, doc);
}

// ---- sse_tutorial003.py: raw data ----

mod sse_tutorial003 {
    use super::*;

    #[get("/logs/stream")]
    async fn stream_logs() -> EventSourceResponse<ServerSentEvent> {
        let logs = [
            "2025-01-01 INFO  Application started",
            "2025-01-01 DEBUG Connected to database",
            "2025-01-01 WARN  High memory usage detected",
        ];
        EventSourceResponse::new(stream::iter(
            logs.map(|line| ServerSentEvent::new().raw_data(line)),
        ))
    }

    pub fn app() -> App {
        App::new().title("FastAPI").route(stream_logs)
    }
}

#[test]
fn sse_tutorial003_equals_fastapi() {
    let (m, rec, doc) = fixture!("sse_tutorial003");
    assert_replays(sse_tutorial003::app(), m, rec, doc);
}

// ---- sse_tutorial004.py: resuming with Last-Event-ID ----

mod sse_tutorial004 {
    use super::priced::items;
    use super::*;

    #[get("/items/stream")]
    async fn stream_items(
        #[header] last_event_id: Option<i64>,
    ) -> EventSourceResponse<ServerSentEvent> {
        let start = last_event_id.map_or(0, |id| id + 1);
        let events = items()
            .into_iter()
            .enumerate()
            .filter(move |(i, _)| *i as i64 >= start)
            .map(|(i, item)| ServerSentEvent::new().data(&item).id(i.to_string()));
        EventSourceResponse::new(stream::iter(events))
    }

    pub fn app() -> App {
        App::new().title("FastAPI").route(stream_items)
    }
}

#[test]
fn sse_tutorial004_equals_fastapi() {
    let (m, rec, doc) = fixture!("sse_tutorial004");
    assert_replays(sse_tutorial004::app(), m, rec, doc);
}

// ---- sse_tutorial005.py: SSE over POST ----

mod sse_tutorial005 {
    use super::*;

    #[derive(Model)]
    pub struct Prompt {
        pub text: String,
    }

    #[post("/chat/stream")]
    async fn stream_chat(prompt: Prompt) -> EventSourceResponse<ServerSentEvent> {
        let words: Vec<String> = prompt.text.split_whitespace().map(str::to_owned).collect();
        let tokens = words
            .into_iter()
            .map(|w| ServerSentEvent::new().data(&w).event("token"));
        let done = ServerSentEvent::new().raw_data("[DONE]").event("done");
        EventSourceResponse::new(stream::iter(tokens.chain(std::iter::once(done))))
    }

    pub fn app() -> App {
        App::new().title("FastAPI").route(stream_chat)
    }
}

#[test]
fn sse_tutorial005_equals_fastapi() {
    let (m, rec, doc) = fixture!("sse_tutorial005");
    assert_replays(sse_tutorial005::app(), m, rec, doc);
}

// ---- jsonl_tutorial001.py: JSON Lines ----

mod jsonl_tutorial001 {
    use super::sse_tutorial001::{items, untyped, Item};
    use super::*;

    #[get("/items/stream")]
    async fn stream_items() -> JsonLines<Item> {
        JsonLines::new(stream::iter(items()))
    }

    #[get("/items/stream-no-async")]
    fn stream_items_no_async() -> JsonLines<Item> {
        JsonLines::new(iterate_in_threadpool(items().into_iter()))
    }

    #[get("/items/stream-no-annotation")]
    async fn stream_items_no_annotation() -> JsonLines<Value> {
        JsonLines::new(stream::iter(untyped()))
    }

    #[get("/items/stream-no-async-no-annotation")]
    fn stream_items_no_async_no_annotation() -> JsonLines<Value> {
        JsonLines::new(iterate_in_threadpool(untyped().into_iter()))
    }

    pub fn app() -> App {
        App::new()
            .title("FastAPI")
            .route(stream_items)
            .route(stream_items_no_async)
            .route(stream_items_no_annotation)
            .route(stream_items_no_async_no_annotation)
    }
}

#[test]
fn jsonl_tutorial001_equals_fastapi() {
    let (m, rec, doc) = fixture!("jsonl_tutorial001");
    assert_replays(jsonl_tutorial001::app(), m, rec, doc);
}

// ---- app.py: edge cases ----

mod edges {
    use super::*;

    #[derive(Model, Clone)]
    pub struct Reading {
        pub sensor: String,
        pub value: f64,
        pub note: Option<String>,
    }

    fn readings() -> Vec<Reading> {
        vec![
            Reading {
                sensor: "café ☕".into(),
                value: 1.5,
                note: None,
            },
            Reading {
                sensor: "line\nbreak".into(),
                value: -0.25,
                note: Some("a \"quoted\" note".into()),
            },
            Reading {
                sensor: "big".into(),
                value: 100000.0,
                note: Some("tiny 1e-05".into()),
            },
        ]
    }

    #[get("/sse/fields")]
    async fn sse_fields() -> EventSourceResponse<ServerSentEvent> {
        let first = readings().swap_remove(0);
        EventSourceResponse::new(stream::iter([
            ServerSentEvent::new().comment("first line\nsecond line\r\nthird\rfourth"),
            ServerSentEvent::new()
                .data(&first)
                .event("reading")
                .id("r1")
                .retry(0),
            ServerSentEvent::new().event("empty"),
            ServerSentEvent::new().id("only-id"),
            ServerSentEvent::new().retry(2500),
            ServerSentEvent::new()
                .raw_data("one\ntwo\r\nthree\rfour\n")
                .event("raw"),
            ServerSentEvent::new().raw_data(""),
            ServerSentEvent::new().data("plain string"),
            ServerSentEvent::new().data(&42),
            ServerSentEvent::new().comment(""),
        ]))
    }

    #[get("/sse/untyped-data")]
    async fn sse_untyped_data() -> EventSourceResponse<ServerSentEvent> {
        EventSourceResponse::new(stream::iter([
            ServerSentEvent::new()
                .data(&json!({"name": "café", "tags": ["a", "b"], "n": 1.0, "none": null})),
            ServerSentEvent::new().data(&json!(["x", 2, true])),
            ServerSentEvent::new().data("naïve ☕"),
        ]))
    }

    #[get("/sse/readings")]
    async fn sse_readings() -> EventSourceResponse<Reading> {
        EventSourceResponse::new(stream::iter(readings()))
    }

    #[get("/sse/numbers")]
    fn sse_numbers() -> EventSourceResponse<i64> {
        EventSourceResponse::new(iterate_in_threadpool(0..3))
    }

    #[get("/sse/untyped")]
    async fn sse_untyped() -> EventSourceResponse<Value> {
        EventSourceResponse::new(stream::iter([
            json!({"a": 1, "b": "é", "c": [1.5, null, 1e16]}),
            json!("text"),
        ]))
    }

    #[post("/sse/created", status_code = 201)]
    async fn sse_created() -> EventSourceResponse<Reading> {
        EventSourceResponse::new(stream::iter(readings().into_iter().take(1)))
    }

    #[get("/sse/empty")]
    async fn sse_empty() -> EventSourceResponse<Reading> {
        EventSourceResponse::new(stream::empty())
    }

    #[get("/jsonl/readings")]
    async fn jsonl_readings() -> JsonLines<Reading> {
        JsonLines::new(stream::iter(readings()))
    }

    #[get("/jsonl/numbers")]
    fn jsonl_numbers() -> JsonLines<i64> {
        JsonLines::new(iterate_in_threadpool(0..3))
    }

    #[get("/jsonl/untyped")]
    async fn jsonl_untyped() -> JsonLines<Value> {
        JsonLines::new(stream::iter([
            json!({"a": 1, "b": "é", "c": [1.5, null, 1e16, 0.0001, 1e-05]}),
            json!("text\nwith newline"),
        ]))
    }

    #[get("/jsonl/single")]
    async fn jsonl_single() -> JsonLines<Reading> {
        JsonLines::new(stream::iter(readings().into_iter().take(1)))
    }

    pub fn app() -> App {
        App::new()
            .title("SSE edges")
            .route(sse_fields)
            .route(sse_untyped_data)
            .route(sse_readings)
            .route(sse_numbers)
            .route(sse_untyped)
            .route(sse_created)
            .route(sse_empty)
            .route(jsonl_readings)
            .route(jsonl_numbers)
            .route(jsonl_untyped)
            .route(jsonl_single)
    }
}

#[test]
fn edge_cases_equal_fastapi() {
    let (m, rec, doc) = fixture!("app");
    assert_replays(edges::app(), m, rec, doc);
}

// ---- over a real socket: streamed as produced, keep-alive, disconnect ----

mod live {
    use std::sync::Mutex;
    use std::time::Duration;

    use super::*;
    use fastrs::server::{Config, Server};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;
    use tokio::sync::{mpsc, oneshot};

    /// A stream of what the test sends, which reports when it is dropped.
    struct Feed<T> {
        items: mpsc::UnboundedReceiver<T>,
        dropped: Option<oneshot::Sender<()>>,
    }

    impl<T> Drop for Feed<T> {
        fn drop(&mut self) {
            if let Some(d) = self.dropped.take() {
                let _ = d.send(());
            }
        }
    }

    impl<T> futures_util::Stream for Feed<T> {
        type Item = T;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<T>> {
            self.items.poll_recv(cx)
        }
    }

    /// The feeds, by the name of the test that takes it (`?key=`): the
    /// tests run at once.
    type Feeds<T> = Mutex<Vec<(String, Feed<T>)>>;
    static EVENTS: Feeds<ServerSentEvent> = Mutex::new(Vec::new());
    static LINES: Feeds<i64> = Mutex::new(Vec::new());

    fn feed<T>(feeds: &Feeds<T>, key: &str) -> (mpsc::UnboundedSender<T>, oneshot::Receiver<()>) {
        let (tx, items) = mpsc::unbounded_channel();
        let (dropped, on_drop) = oneshot::channel();
        let feed = Feed {
            items,
            dropped: Some(dropped),
        };
        feeds.lock().unwrap().push((key.to_owned(), feed));
        (tx, on_drop)
    }

    fn take<T>(feeds: &Feeds<T>, key: &str) -> Result<Feed<T>, HttpError> {
        let mut feeds = feeds.lock().unwrap();
        let i = feeds
            .iter()
            .position(|(k, _)| k == key)
            .ok_or(HttpError::new(404, "no feed"))?;
        Ok(feeds.swap_remove(i).1)
    }

    #[get("/events")]
    async fn events(key: String) -> Result<EventSourceResponse<ServerSentEvent>, HttpError> {
        let feed = take(&EVENTS, &key)?;
        Ok(EventSourceResponse::new(feed).ping_interval(Duration::from_millis(20)))
    }

    #[get("/lines")]
    async fn lines(key: String) -> Result<JsonLines<i64>, HttpError> {
        Ok(JsonLines::new(take(&LINES, &key)?))
    }

    async fn start() -> (std::net::SocketAddr, oneshot::Sender<()>) {
        let config = Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            ..Config::default()
        };
        let server = Server::bind(App::new().route(events).route(lines), config)
            .await
            .unwrap();
        let addr = server.local_addr();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(server.run_until(async {
            let _ = stopped.await;
        }));
        (addr, stop)
    }

    /// Reads from `conn` into `seen` until it holds `want` (at most 10 s).
    async fn read_until(conn: &mut TcpStream, seen: &mut Vec<u8>, want: &str) {
        let found = |seen: &[u8]| String::from_utf8_lossy(seen).contains(want);
        let read = async {
            let mut buf = [0u8; 4096];
            while !found(seen) {
                let n = conn.read(&mut buf).await.unwrap();
                assert!(
                    n > 0,
                    "connection closed before {want:?}: {:?}",
                    String::from_utf8_lossy(seen)
                );
                seen.extend_from_slice(&buf[..n]);
            }
        };
        tokio::time::timeout(Duration::from_secs(10), read)
            .await
            .unwrap_or_else(|_| panic!("no {want:?} in {:?}", String::from_utf8_lossy(seen)));
    }

    async fn dropped_within_10s(on_drop: oneshot::Receiver<()>) {
        tokio::time::timeout(Duration::from_secs(10), on_drop)
            .await
            .expect("the stream was not dropped after the client left")
            .expect("the stream reports its drop");
    }

    #[test]
    fn a_result_of_a_stream_is_documented_as_the_stream() {
        let doc = App::new().route(events).route(lines).openapi();
        let sse = &doc["paths"]["/events"]["get"]["responses"]["200"]["content"];
        assert_eq!(
            sse["text/event-stream"]["itemSchema"]["properties"]["data"],
            json!({"type": "string"})
        );
        assert!(sse.get("application/json").is_none());
        let jsonl = &doc["paths"]["/lines"]["get"]["responses"]["200"]["content"];
        assert_eq!(
            jsonl["application/jsonl"]["itemSchema"],
            json!({"type": "integer", "title": "Streamitem Lines Lines Get"})
        );
    }

    #[tokio::test]
    async fn events_stream_as_produced_with_pings_and_stop_when_the_client_leaves() {
        let (addr, stop) = start().await;
        let (tx, on_drop) = feed(&EVENTS, "pings");
        let mut conn = TcpStream::connect(addr).await.unwrap();
        conn.write_all(b"GET /events?key=pings HTTP/1.1\r\nhost: test\r\n\r\n")
            .await
            .unwrap();
        let mut seen = Vec::new();
        tx.send(ServerSentEvent::new().data("first").id("1"))
            .unwrap();
        read_until(&mut conn, &mut seen, "data: \"first\"\nid: 1\n\n").await;
        let head = String::from_utf8_lossy(&seen).to_lowercase();
        assert!(head.starts_with("http/1.1 200 ok\r\n"), "{head}");
        assert!(
            head.contains("content-type: text/event-stream; charset=utf-8\r\n"),
            "{head}"
        );
        assert!(head.contains("cache-control: no-cache\r\n"), "{head}");
        assert!(head.contains("x-accel-buffering: no\r\n"), "{head}");
        assert!(head.contains("transfer-encoding: chunked\r\n"), "{head}");
        // the response is still open: the next event arrives when produced
        tx.send(ServerSentEvent::new().event("second").raw_data("2"))
            .unwrap();
        read_until(&mut conn, &mut seen, "event: second\ndata: 2\n\n").await;
        // an idle stream gets the keep-alive comment
        let mut after = Vec::new();
        read_until(&mut conn, &mut after, ": ping\n\n").await;
        // the client goes away: the stream is dropped, its sender sees it
        drop(conn);
        dropped_within_10s(on_drop).await;
        assert!(tx.send(ServerSentEvent::new().data("late")).is_err());
        let _ = stop.send(());
    }

    #[tokio::test]
    async fn json_lines_stream_as_produced_and_stop_when_the_client_leaves() {
        let (addr, stop) = start().await;
        let (tx, on_drop) = feed(&LINES, "lines");
        let mut conn = TcpStream::connect(addr).await.unwrap();
        conn.write_all(b"GET /lines?key=lines HTTP/1.1\r\nhost: test\r\n\r\n")
            .await
            .unwrap();
        let mut seen = Vec::new();
        tx.send(41).unwrap();
        read_until(&mut conn, &mut seen, "41\n").await;
        assert!(String::from_utf8_lossy(&seen).contains("content-type: application/jsonl\r\n"));
        tx.send(42).unwrap();
        read_until(&mut conn, &mut seen, "42\n").await;
        drop(conn);
        dropped_within_10s(on_drop).await;
        assert!(tx.send(43).is_err());
        let _ = stop.send(());
    }

    /// What the next `/panics` request waits for before its stream panics
    /// (so its first event is sent and read first).
    static PANIC_GATE: Mutex<Option<std::sync::mpsc::Receiver<()>>> = Mutex::new(None);

    /// One event, then a panic in the stream (a blocking iterator's `next`,
    /// once the test has read the event).
    #[get("/panics")]
    async fn panics() -> Result<EventSourceResponse<i64>, HttpError> {
        let gate = PANIC_GATE
            .lock()
            .unwrap()
            .take()
            .ok_or(HttpError::new(404, "no gate"))?;
        let mut n = 0;
        Ok(EventSourceResponse::new(iterate_in_threadpool(
            std::iter::from_fn(move || {
                n += 1;
                if n > 1 {
                    let _ = gate.recv_timeout(Duration::from_secs(10));
                    panic!("the stream fails");
                }
                Some(n)
            }),
        )))
    }

    #[tokio::test]
    async fn a_panic_in_the_stream_closes_that_connection_only() {
        let config = Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            ..Config::default()
        };
        let server = Server::bind(App::new().route(panics), config)
            .await
            .unwrap();
        let addr = server.local_addr();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(server.run_until(async {
            let _ = stopped.await;
        }));
        for _ in 0..2 {
            let (go, gate) = std::sync::mpsc::channel();
            *PANIC_GATE.lock().unwrap() = Some(gate);
            let mut conn = TcpStream::connect(addr).await.unwrap();
            conn.write_all(b"GET /panics HTTP/1.1\r\nhost: test\r\n\r\n")
                .await
                .unwrap();
            let mut seen = Vec::new();
            read_until(&mut conn, &mut seen, "data: 1\n\n").await;
            go.send(()).unwrap();
            let mut rest = Vec::new();
            let closed =
                tokio::time::timeout(Duration::from_secs(10), conn.read_to_end(&mut rest)).await;
            assert!(closed.is_ok(), "the connection stays open");
            assert!(!String::from_utf8_lossy(&rest).contains("0\r\n\r\n"));
        }
        let _ = stop.send(());
    }

    #[tokio::test]
    async fn an_invalid_event_ends_the_stream() {
        let (addr, stop) = start().await;
        let (tx, on_drop) = feed(&EVENTS, "invalid");
        let mut conn = TcpStream::connect(addr).await.unwrap();
        conn.write_all(b"GET /events?key=invalid HTTP/1.1\r\nhost: test\r\n\r\n")
            .await
            .unwrap();
        let mut seen = Vec::new();
        tx.send(ServerSentEvent::new().data(&1)).unwrap();
        read_until(&mut conn, &mut seen, "data: 1\n\n").await;
        // an event name of two lines: what FastAPI's validator refuses
        tx.send(ServerSentEvent::new().event("a\nb")).unwrap();
        dropped_within_10s(on_drop).await;
        // the connection is closed without the terminating chunk
        let mut rest = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(10), conn.read_to_end(&mut rest)).await;
        assert!(read.is_ok(), "the connection stays open");
        assert!(!String::from_utf8_lossy(&rest).contains("event: a"));
        assert!(!String::from_utf8_lossy(&rest).contains("0\r\n\r\n"));
        let _ = stop.send(());
    }
}
