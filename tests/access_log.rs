//! The access log as uvicorn prints it, from a plain `main` (no tracing
//! subscriber installed by the program): `src/bin/plain_main.rs` run as a
//! process, its output read. Then the `request` span with its id, in
//! process.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const PATIENCE: Duration = Duration::from_secs(20);

/// The plain-main server as a child process, with its stderr read on a
/// thread line by line.
struct Proc {
    child: Child,
    addr: SocketAddr,
    stderr: mpsc::Receiver<String>,
}

fn spawn(env: &[(&str, &str)]) -> Proc {
    spawn_on(env, None)
}

/// `port`: known beforehand, for a filter that hides the start-up line.
fn spawn_on(env: &[(&str, &str)], port: Option<u16>) -> Proc {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_plain_main"));
    cmd.env_remove("RUST_LOG")
        .env_remove("ACCESS_LOG")
        .env_remove("FORWARDED_ALLOW_IPS")
        .env_remove("ROOT_PATH")
        .env("HOST", "127.0.0.1")
        .env("PORT", port.unwrap_or(0).to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    // The start-up line tells the port: "INFO:     fastrs running on http://127.0.0.1:PORT (docs …)".
    let addr = if let Some(port) = port {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = std::time::Instant::now() + PATIENCE;
        while TcpStream::connect(addr).is_err() {
            assert!(std::time::Instant::now() < deadline, "not listening");
            std::thread::sleep(Duration::from_millis(20));
        }
        addr
    } else {
        loop {
            let line = rx.recv_timeout(PATIENCE).expect("a start-up line");
            if let Some(rest) = line.split("running on http://").nth(1) {
                assert!(line.starts_with("INFO:     "), "{line}");
                break rest.split(' ').next().unwrap().parse().unwrap();
            }
        }
    };
    Proc {
        child,
        addr,
        stderr: rx,
    }
}

impl Proc {
    fn get(&self, path: &str, headers: &str) -> String {
        let mut s = TcpStream::connect(self.addr).unwrap();
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n{headers}\r\n"
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }

    /// SIGTERM, then everything the process wrote to stdout and stderr.
    fn stop(mut self) -> (String, Vec<String>) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let mut stdout = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status:?}");
        let rest: Vec<String> = self.stderr.try_iter().collect();
        (stdout, rest)
    }
}

fn is_access_line(line: &str, client_host: &str, request: &str, status: &str) -> bool {
    let Some(rest) = line.strip_prefix(&format!("INFO:     {client_host}:")) else {
        return false;
    };
    let Some((port, tail)) = rest.split_once(' ') else {
        return false;
    };
    port.parse::<u16>().is_ok() && tail == format!("- \"{request}\" {status}")
}

#[test]
fn a_plain_main_prints_uvicorns_access_line_on_stdout() {
    let p = spawn(&[]);
    assert!(p.get("/items/1", "").starts_with("HTTP/1.1 200"));
    assert!(p.get("/items/x?q=1", "").starts_with("HTTP/1.1 422"));
    assert!(p.get("/nowhere", "").starts_with("HTTP/1.1 404"));
    // A trusted proxy (127.0.0.1 by default) forwards its client's address.
    p.get("/items/2", "X-Forwarded-For: 203.0.113.9\r\n");
    let (stdout, stderr) = p.stop();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(
        is_access_line(lines[0], "127.0.0.1", "GET /items/1 HTTP/1.1", "200 OK"),
        "{}",
        lines[0]
    );
    assert!(is_access_line(
        lines[1],
        "127.0.0.1",
        "GET /items/x?q=1 HTTP/1.1",
        "422 Unprocessable Entity"
    ));
    assert!(is_access_line(
        lines[2],
        "127.0.0.1",
        "GET /nowhere HTTP/1.1",
        "404 Not Found"
    ));
    // uvicorn writes a forwarded client without a port as `host:0`.
    assert_eq!(
        lines[3],
        "INFO:     203.0.113.9:0 - \"GET /items/2 HTTP/1.1\" 200 OK"
    );
    // The server's own lines go to stderr, in the same format.
    assert!(
        stderr.iter().any(|l| l == "INFO:     fastrs stopped"),
        "{stderr:?}"
    );
}

#[test]
fn rust_log_filters_the_access_log() {
    let p = spawn(&[("RUST_LOG", "info,fastrs::access=off")]);
    assert!(p.get("/items/1", "").starts_with("HTTP/1.1 200"));
    let (stdout, stderr) = p.stop();
    assert_eq!(stdout, "");
    assert!(stderr.iter().any(|l| l == "INFO:     fastrs stopped"));

    // A port free a moment ago: the start-up line is filtered out.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let p = spawn_on(&[("RUST_LOG", "warn,fastrs::access=info")], Some(port));
    p.get("/items/1", "");
    let (stdout, stderr) = p.stop();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(!stderr.iter().any(|l| l.contains("fastrs stopped")));
}

#[test]
fn access_log_off_turns_it_off() {
    let p = spawn(&[("ACCESS_LOG", "off")]);
    assert!(p.get("/items/1", "").starts_with("HTTP/1.1 200"));
    let (stdout, stderr) = p.stop();
    assert_eq!(stdout, "");
    assert!(stderr.iter().any(|l| l == "INFO:     fastrs stopped"));
}

#[test]
fn an_invalid_access_log_switch_is_refused_at_start() {
    let out = Command::new(env!("CARGO_BIN_EXE_plain_main"))
        .env("PORT", "0")
        .env("ACCESS_LOG", "maybe")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ACCESS_LOG must be on or off"));
}

mod span {
    //! The `request` span, seen by a subscriber of the test's own.
    use std::sync::{Arc, Mutex};

    use fastrs::prelude::*;
    use fastrs::server::{Config, Server};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tracing::span::{Attributes, Id};
    use tracing::Subscriber;
    use tracing_subscriber::layer::{Context, SubscriberExt};
    use tracing_subscriber::registry::LookupSpan;
    use tracing_subscriber::Layer;

    /// Records, for each event, its message and the `id` of the `request`
    /// span it happened in.
    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<Seen>>>);

    /// An event's message, and the id of its `request` span.
    type Seen = (String, Option<String>);

    struct SpanId(String);

    #[derive(Default)]
    struct Fields {
        id: Option<String>,
        message: Option<String>,
    }

    impl tracing::field::Visit for Fields {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            match field.name() {
                "id" => self.id = Some(format!("{value:?}")),
                "message" => self.message = Some(format!("{value:?}")),
                _ => {}
            }
        }

        fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
            match field.name() {
                "id" => self.id = Some(value.to_owned()),
                "message" => self.message = Some(value.to_owned()),
                _ => {}
            }
        }
    }

    impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Recorder {
        fn on_new_span(&self, _: &Attributes<'_>, _: &Id, _: Context<'_, S>) {}

        fn on_record(&self, id: &Id, values: &tracing::span::Record<'_>, cx: Context<'_, S>) {
            let mut f = Fields::default();
            values.record(&mut f);
            if let (Some(span), Some(v)) = (cx.span(id), f.id) {
                if span.name() == "request" {
                    span.extensions_mut().insert(SpanId(v));
                }
            }
        }

        fn on_event(&self, event: &tracing::Event<'_>, cx: Context<'_, S>) {
            let mut f = Fields::default();
            event.record(&mut f);
            let id = cx.event_scope(event).and_then(|scope| {
                scope
                    .from_root()
                    .find(|s| s.name() == "request")
                    .and_then(|s| s.extensions().get::<SpanId>().map(|i| i.0.clone()))
            });
            self.0
                .lock()
                .unwrap()
                .push((f.message.unwrap_or_default(), id));
        }
    }

    #[get("/hello")]
    async fn hello() -> Json<serde_json::Value> {
        tracing::info!("in the handler");
        Json(serde_json::json!({"ok": true}))
    }

    async fn get(addr: std::net::SocketAddr, headers: &str) {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let req = format!("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n{headers}\r\n");
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).await.unwrap();
        assert!(out.starts_with(b"HTTP/1.1 200"));
    }

    #[tokio::test]
    async fn each_request_runs_in_a_span_with_its_id() {
        let recorder = Recorder::default();
        let subscriber = tracing_subscriber::registry().with(recorder.clone());
        // The test's runtime has one thread: the server's tasks run on it.
        let _guard = tracing::subscriber::set_default(subscriber);
        let config = Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            ..Config::default()
        };
        let server = Server::bind(App::new().route(hello), config).await.unwrap();
        let addr = server.local_addr();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(server.run_until(async {
            let _ = stopped.await;
        }));
        get(addr, "x-request-id: abc-123\r\n").await;
        get(addr, "").await;
        get(addr, "").await;
        stop.send(()).unwrap();
        task.await.unwrap().unwrap();

        let events = recorder.0.lock().unwrap().clone();
        let in_request: Vec<(&str, &str)> = events
            .iter()
            .filter_map(|(m, id)| Some((m.as_str(), id.as_deref()?)))
            .collect();
        // The handler's event and the access line, each in its request's span.
        assert_eq!(in_request.len(), 6, "{events:?}");
        assert_eq!(in_request[0], ("in the handler", "abc-123"));
        assert!(in_request[1].0.contains("\"GET /hello HTTP/1.1\" 200 OK"));
        assert_eq!(in_request[1].1, "abc-123");
        // Without an x-request-id: a number counted by the process.
        let (a, b) = (in_request[2].1, in_request[4].1);
        let (a, b): (u64, u64) = (a.parse().unwrap(), b.parse().unwrap());
        assert!(b > a, "{a} {b}");
        assert_eq!(in_request[3].1, in_request[2].1);
    }
}

#[test]
fn an_untrusted_peer_cannot_change_the_logged_client() {
    // Only 10.0.0.1 is a trusted proxy: 127.0.0.1's X-Forwarded-For is ignored.
    let p = spawn(&[("FORWARDED_ALLOW_IPS", "10.0.0.1")]);
    p.get("/items/2", "X-Forwarded-For: 203.0.113.9\r\n");
    let (stdout, _) = p.stop();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(
        is_access_line(lines[0], "127.0.0.1", "GET /items/2 HTTP/1.1", "200 OK"),
        "{}",
        lines[0]
    );
}
