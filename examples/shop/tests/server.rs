//! The built `shop` binary on a real socket: a temp SQLite file (created by
//! the server), a free port, and a whole session over HTTP/1.1 with a raw
//! `TcpStream` client: register, token, item, order, stats; then SIGTERM
//! (graceful shutdown), a restart on the same file, and the data is still there.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fastrs::serde_json::{json, Value};

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The shop's signing key in these tests (32 bytes or more).
const SECRET: &str = "server-test-secret-0123456789abcdef";

fn start(db_url: &str) -> Server {
    start_with(
        db_url,
        &[("SECRET_KEY", SECRET), ("APP_API_KEY", "server-test-key")],
    )
    .0
}

/// Starts the binary with `env` on top of HOST, PORT, DATABASE_URL and
/// RUST_LOG; returns it once it listens, with the log lines printed so far.
fn start_with(db_url: &str, env: &[(&str, &str)]) -> (Server, Vec<String>) {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_shop"));
    command
        .env_remove("SECRET_KEY")
        .env_remove("APP_API_KEY")
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("the shop binary starts");
    // Wait for the "docs at" line the server prints when it listens.
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            seen.push(line.clone());
            if line.contains("docs at") {
                let _ = tx.send(seen.clone());
            }
        }
    });
    let lines = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the server says where it listens");
    let line = lines.last().unwrap();
    assert!(
        line.contains(&format!("http://127.0.0.1:{port}/docs")),
        "{line}"
    );
    (Server { child, port }, lines)
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        fastrs::serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// One HTTP/1.1 request on a new connection (`Connection: close`).
fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[end + 2..end + 2 + size]);
        b = &b[end + 2 + size + 2..];
    }
}

fn json_body(v: &Value) -> Vec<u8> {
    fastrs::serde_json::to_vec(v).unwrap()
}

#[test]
fn a_full_session_over_a_real_socket() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("shop.db");
    let db_url = format!("sqlite://{}", db_path.display());
    let server = start(&db_url);
    let port = server.port;
    assert!(db_path.exists(), "the server created the database file");

    let r = request(port, "GET", "/", &[], b"");
    assert_eq!(
        (r.status, r.json()),
        (200, json!({"message": "Hello, World"}))
    );
    assert!(r.header("x-response-time").unwrap().ends_with('s'));

    let ct = ("Content-Type", "application/json");
    let r = request(
        port,
        "POST",
        "/users",
        &[ct],
        &json_body(
            &json!({"name": "Jane", "email": "Jane@EXAMPLE.com", "age": 30, "password": "password123"}),
        ),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["email"], "Jane@example.com");

    let form = ("Content-Type", "application/x-www-form-urlencoded");
    let r = request(
        port,
        "POST",
        "/auth/token",
        &[form],
        b"username=Jane%40example.com&password=wrong-password",
    );
    assert_eq!(
        (r.status, r.header("www-authenticate")),
        (401, Some("Bearer"))
    );
    let r = request(
        port,
        "POST",
        "/auth/token",
        &[form],
        b"username=Jane%40example.com&password=password123",
    );
    assert_eq!(r.status, 200);
    let token = r.json()["access_token"].as_str().unwrap().to_owned();
    let auth = format!("Bearer {token}");
    let bearer = ("Authorization", auth.as_str());

    let r = request(port, "GET", "/users/me", &[bearer], b"");
    assert_eq!(r.json()["id"], 1);

    let r = request(
        port,
        "POST",
        "/items",
        &[ct, bearer],
        &json_body(&json!({"name": "Widget", "price": 0.1, "stock": 3})),
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["id"], 1);

    let order = json!({"items": [{"product_id": 1, "quantity": 3}],
        "shipping_address": {"street": "1 Main St", "city": "Springfield", "country": "US", "zip_code": "12345"}});
    let r = request(port, "POST", "/orders", &[ct, bearer], &json_body(&order));
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["total"], json!(0.30000000000000004));
    let r = request(port, "POST", "/orders", &[ct, bearer], &json_body(&order));
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["error"]["code"], "INSUFFICIENT_INVENTORY");

    let r = request(port, "DELETE", "/items/1", &[bearer], b"");
    assert_eq!(r.status, 204);
    assert!(r.body.is_empty());
    assert_eq!(r.header("content-type"), None);

    let key = ("X-API-Key", "server-test-key");
    let r = request(port, "GET", "/admin/stats", &[key, bearer], b"");
    assert_eq!(
        r.json(),
        json!({"total_users": 1, "total_items": 1, "total_orders": 1})
    );
    let r = request(
        port,
        "GET",
        "/admin/stats",
        &[("X-API-Key", "secret-key-123")],
        b"",
    );
    assert_eq!(r.status, 403, "APP_API_KEY replaces the default key");

    let r = request(port, "GET", "/docs", &[], b"");
    assert_eq!(r.status, 200);
    let r = request(port, "GET", "/openapi.json", &[], b"");
    assert_eq!(r.json()["info"]["title"], "Shop API");
    let r = request(port, "HEAD", "/items", &[], b"");
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());

    // graceful shutdown on SIGTERM
    let mut server = server;
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "the server stops on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");

    // a restart on the same file: migrations are not re-applied, data kept,
    // and the old token still verifies (same SECRET_KEY)
    let server = start(&db_url);
    let r = request(server.port, "GET", "/users/me", &[bearer], b"");
    assert_eq!(
        (r.status, r.json()["email"].clone()),
        (200, json!("Jane@example.com"))
    );
    let r = request(server.port, "GET", "/items/1", &[], b"");
    assert_eq!(r.status, 410);
}

#[test]
fn a_bad_database_url_stops_the_start() {
    let out = Command::new(env!("CARGO_BIN_EXE_shop"))
        .env("PORT", free_port().to_string())
        .env("DATABASE_URL", "mysql://nope")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("DATABASE_URL must start with sqlite: or postgres:"),
        "{text}"
    );
}

fn register_and_login(port: u16) -> String {
    let r = request(
        port,
        "POST",
        "/users",
        &[("Content-Type", "application/json")],
        &json_body(
            &json!({"name": "Jane", "email": "jane@example.com", "age": 30, "password": "password123"}),
        ),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let r = request(
        port,
        "POST",
        "/auth/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"username=jane%40example.com&password=password123",
    );
    assert_eq!(r.status, 200);
    format!("Bearer {}", r.json()["access_token"].as_str().unwrap())
}

#[test]
fn without_secrets_it_starts_with_a_random_key_and_no_api_key() {
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!("sqlite://{}", dir.path().join("shop.db").display());
    let (server, log) = start_with(&db_url, &[]);
    let log = log.join("\n");
    assert!(
        log.contains("SECRET_KEY is not set") && log.contains("will not survive a restart"),
        "{log}"
    );
    assert!(log.contains("APP_API_KEY is not set"), "{log}");
    let auth = register_and_login(server.port);
    let bearer = ("Authorization", auth.as_str());
    let r = request(server.port, "GET", "/users/me", &[bearer], b"");
    assert_eq!(r.status, 200);
    // no public default key: every key is refused
    for key in ["secret-key-123", "", "anything"] {
        let r = request(
            server.port,
            "GET",
            "/admin/stats",
            &[bearer, ("X-API-Key", key)],
            b"",
        );
        assert_eq!(
            (r.status, r.json()),
            (403, json!({"detail": "Invalid API key"})),
            "{key:?}"
        );
    }
    drop(server);
    // a new start, a new key: the old token no longer verifies
    let (server, _) = start_with(&db_url, &[]);
    let r = request(server.port, "GET", "/users/me", &[bearer], b"");
    assert_eq!(
        (r.status, r.json()),
        (401, json!({"detail": "Could not validate credentials"}))
    );
}

#[test]
fn a_short_secret_key_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shop"))
        .env("PORT", free_port().to_string())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("shop.db").display()),
        )
        .env("SECRET_KEY", "0123456789abcdef0123456789abcde")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("SECRET_KEY must be at least 32 bytes, it is 31"),
        "{text}"
    );
}

/// The value of the sample `series` (`name{labels}`) in a Prometheus text page.
fn sample(page: &str, series: &str) -> Option<f64> {
    page.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .map(|v| v.trim().parse().unwrap())
}

#[test]
fn metrics_are_scraped_per_route_template() {
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!("sqlite://{}", dir.path().join("shop.db").display());
    let server = start(&db_url);
    let port = server.port;
    assert_eq!(request(port, "GET", "/", &[], b"").status, 200);
    // Two item ids, one route: one series, labelled with the template.
    assert_eq!(request(port, "GET", "/items/1", &[], b"").status, 404);
    assert_eq!(request(port, "GET", "/items/2", &[], b"").status, 404);
    assert_eq!(request(port, "GET", "/items/abc", &[], b"").status, 422);
    assert_eq!(request(port, "GET", "/no/such/path", &[], b"").status, 404);

    let r = request(port, "GET", "/metrics", &[], b"");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let page = String::from_utf8(r.body).unwrap();
    let total = |labels: &str| sample(&page, &format!("http_requests_total{{{labels}}}"));
    assert_eq!(
        total(r#"handler="/",method="GET",status="2xx""#),
        Some(1.0),
        "{page}"
    );
    assert_eq!(
        total(r#"handler="/items/{item_id}",method="GET",status="4xx""#),
        Some(3.0),
        "{page}"
    );
    // A path no route matches is `none`, never the raw path.
    assert_eq!(
        total(r#"handler="none",method="GET",status="4xx""#),
        Some(1.0)
    );
    assert!(!page.contains("/items/1") && !page.contains("/no/such/path"));
    // The latency histogram, per route template.
    let items = r#"handler="/items/{item_id}",method="GET""#;
    assert_eq!(
        sample(
            &page,
            &format!("http_request_duration_seconds_count{{{items}}}")
        ),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &page,
            &format!("http_request_duration_seconds_bucket{{{items},le=\"+Inf\"}}")
        ),
        Some(3.0)
    );
    assert!(page.contains("# TYPE http_request_duration_seconds histogram"));
    // In flight: the scrape itself; the finished requests are back to 0.
    let inprogress = |h: &str| {
        sample(
            &page,
            &format!("http_requests_inprogress{{handler=\"{h}\",method=\"GET\"}}"),
        )
    };
    assert_eq!(inprogress("/metrics"), Some(1.0));
    assert_eq!(inprogress("/items/{item_id}"), Some(0.0));

    // Not in the OpenAPI document (the instrumentator's include_in_schema=False).
    let doc = request(port, "GET", "/openapi.json", &[], b"").json();
    assert!(doc["paths"].get("/metrics").is_none());
    assert!(doc["paths"].get("/items/{item_id}").is_some());
    drop(server);
}
