//! `root_path` (FastAPI's "Behind a Proxy"), replayed against FastAPI's
//! answers recorded from uvicorn (`tests/fastapi_root_path/`: the page's
//! tutorial001 with `uvicorn --root-path`, tutorial002-004 with
//! `FastAPI(root_path=…)`, servers and `root_path_in_servers=False`, and an
//! app without a root path), each over a real socket.
//!
//! Compared per case: the status, the content type, the JSON body (the
//! whole OpenAPI document included) and `location`'s path (fastrs's
//! redirects carry a path, FastAPI's a full URL). For the docs pages, the
//! OpenAPI URL the page fetches: FastAPI writes an absolute
//! `/api/v1/openapi.json`, fastrs a relative link, resolved here against the
//! page's public URL (behind the proxy: the root path, then the path).
//! A trusted proxy's `X-Forwarded-Prefix` changes nothing, in either.

use std::net::SocketAddr;
use std::time::Duration;

use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};
use fastrs::server::{Config, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

const RECORDED: &str = include_str!("fastapi_root_path/recorded.json");
const ROOT: &str = "/api/v1";

#[get("/app")]
async fn read_main(request: Request) -> Json<Value> {
    Json(json!({"message": "Hello World", "root_path": request.root_path()}))
}

#[get("/urls")]
async fn urls(request: Request) -> Json<Value> {
    Json(json!({
        "url": request.url(),
        "base_url": request.base_url(),
        "url_for": request.url_for("read_main", &[]),
    }))
}

/// The variant of app.py, and the server's root path.
fn variant(name: &str) -> (App, Option<String>) {
    let app = App::new()
        .title("Behind a proxy")
        .version("1.0.0")
        .route(read_main)
        .route(urls);
    let with_servers = |app: App| {
        app.server("https://stag.example.com", Some("Staging environment"))
            .server("https://prod.example.com", Some("Production environment"))
    };
    match name {
        "server" => (app, Some(ROOT.to_owned())),
        "app" => (app.root_path(ROOT), None),
        "servers" => (with_servers(app).root_path(ROOT), None),
        "no_servers" => (
            with_servers(app)
                .root_path(ROOT)
                .root_path_in_servers(false),
            None,
        ),
        "none" => (app, None),
        other => panic!("unknown variant {other}"),
    }
}

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

async fn get(addr: SocketAddr, path: &str, headers: &Value) -> Resp {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let mut req = format!("GET {path} HTTP/1.1\r\nConnection: close\r\n");
    for (k, v) in headers.as_object().unwrap() {
        req.push_str(&format!("{k}: {}\r\n", v.as_str().unwrap()));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    timeout(Duration::from_secs(10), s.read_to_end(&mut raw))
        .await
        .expect("answered in time")
        .unwrap();
    let raw = String::from_utf8(raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .map(|l| {
            let (k, v) = l.split_once(':').unwrap();
            (k.trim().to_owned(), v.trim().to_owned())
        })
        .collect();
    Resp {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// The text between `before` and the next `end` in `page`.
fn between<'a>(page: &'a str, before: &str, end: char) -> Option<&'a str> {
    let rest = &page[page.find(before)? + before.len()..];
    Some(&rest[..rest.find(end)?])
}

/// The OpenAPI URL a docs page fetches, as written in it.
fn openapi_link(page: &str) -> Option<String> {
    let raw = between(page, "url: '", '\'')
        .or_else(|| between(page, "url: \"", '"'))
        .or_else(|| between(page, "spec-url=\"", '"'))?;
    Some(raw.to_owned())
}

/// `link` resolved against the page at `page` (a path).
fn resolve(page: &str, link: &str) -> String {
    if link.starts_with('/') {
        return link.to_owned();
    }
    let mut segs: Vec<&str> = page.split('/').collect();
    segs.pop();
    for part in link.split('/') {
        match part {
            "." => {}
            ".." => {
                segs.pop();
            }
            p => segs.push(p),
        }
    }
    segs.join("/")
}

async fn differences(variant_name: &str, cases: &[&Value]) -> Vec<String> {
    let (app, server_root) = variant(variant_name);
    let has_root = server_root.is_some() || variant_name != "none";
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        access_log: false,
        root_path: server_root,
        ..Config::default()
    };
    let server = Server::bind(app, config).await.unwrap();
    let addr = server.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server.run_until(async {
        let _ = stopped.await;
    }));
    let mut failures = Vec::new();
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let path = c["request"]["path"].as_str().unwrap();
        let host = c["request"]["headers"]["host"].as_str().unwrap();
        let want = &c["response"];
        let got = get(addr, path, &c["request"]["headers"]).await;
        let mut diff = Vec::new();
        if u64::from(got.status) != want["status"].as_u64().unwrap() {
            diff.push(format!("status {} != {}", got.status, want["status"]));
        }
        let ct = got.header("content-type").map(|v| v.replace("; ", ";"));
        let want_ct = want["content_type"].as_str().map(|v| v.replace("; ", ";"));
        if ct != want_ct {
            diff.push(format!("content-type {ct:?} != {want_ct:?}"));
        }
        let want_location = want["headers"]["location"]
            .as_str()
            .map(|l| l.trim_start_matches(&format!("http://{host}")).to_owned());
        if got.header("location").map(str::to_owned) != want_location {
            diff.push(format!(
                "location {:?} != {want_location:?}",
                got.header("location")
            ));
        }
        if !want["json"].is_null() {
            match serde_json::from_str::<Value>(&got.body) {
                Ok(v) if v == want["json"] => {}
                Ok(v) => diff.push(format!("json {v} != {}", want["json"])),
                Err(_) => diff.push(format!("not JSON: {:?}", got.body)),
            }
        } else if let Some(page) = want["text"].as_str().filter(|_| got.status == 200) {
            // The page's public URL: behind the proxy, with the root path in front.
            let public = if has_root && !path.starts_with(ROOT) {
                format!("{ROOT}{path}")
            } else {
                path.to_owned()
            };
            let theirs = openapi_link(page);
            let ours = openapi_link(&got.body).map(|l| resolve(&public, &l));
            if theirs.is_none() || ours != theirs {
                diff.push(format!("docs link {ours:?} != {theirs:?}"));
            }
        }
        if !diff.is_empty() {
            failures.push(format!("{name}: {}", diff.join("; ")));
        }
    }
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();
    failures
}

#[tokio::test]
async fn root_path_answers_as_fastapi_behind_uvicorn() {
    let all: Value = serde_json::from_str(RECORDED).unwrap();
    let cases: Vec<&Value> = all["cases"].as_array().unwrap().iter().collect();
    let mut failures = Vec::new();
    for v in ["server", "app", "servers", "no_servers", "none"] {
        let mine: Vec<&Value> = cases
            .iter()
            .copied()
            .filter(|c| c["variant"] == v)
            .collect();
        assert!(!mine.is_empty(), "no case for {v}");
        failures.extend(differences(v, &mine).await);
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_app_document_keeps_its_own_servers_and_adds_the_root_path_only_when_served() {
    // `App::openapi()` is FastAPI's `app.openapi()`: no root path in it.
    let (app, _) = variant("servers");
    assert_eq!(app.openapi()["servers"].as_array().unwrap().len(), 2);
    let client = TestClient::new(variant("servers").0);
    let served = client.get("/openapi.json").send().json();
    assert_eq!(served["servers"][0], json!({"url": "/api/v1"}));
    assert_eq!(served["servers"].as_array().unwrap().len(), 3);
}
