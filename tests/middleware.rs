//! Middleware: `App::middleware` (FastAPI's `@app.middleware("http")`), its
//! order, and the CORS, GZip and TrustedHost middlewares, plus a `tower`
//! layer around the app.
//!
//! CORS is compared with Starlette's real `CORSMiddleware`:
//! `tests/fastapi_twin/record_cors.py` sent every request of its `CASES` to a
//! small FastAPI app under each configuration of its `CONFIGS` and saved the
//! answers in `tests/fastapi_twin/cors.json`; here the same app is declared
//! with fastrs, `Cors` is built from each recorded configuration, and every
//! request is replayed (status, body, `access-control-*`, `vary`,
//! `content-type`). Re-record: `python3 tests/fastapi_twin/record_cors.py`.

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use fastrs::cors::Cors;
use fastrs::gzip::GZip;
use fastrs::http::{Method, Request};
use fastrs::middleware::Next;
use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};
use fastrs::trusted_host::TrustedHost;
use fastrs::TestResponse;

#[get("/")]
async fn read_root() -> Json<Value> {
    Json(json!({"message": "Hello"}))
}

#[post("/items")]
async fn create_item() -> Json<Value> {
    Json(json!({"created": true}))
}

#[get("/vary")]
async fn vary() -> ([(&'static str, String); 1], Json<Value>) {
    (
        [("vary", "Accept-Encoding".into())],
        Json(json!({"vary": true})),
    )
}

#[get("/own-cors")]
async fn own_cors() -> ([(&'static str, String); 1], Json<Value>) {
    (
        [("access-control-allow-origin", "https://mine.example".into())],
        Json(json!({"own": true})),
    )
}

/// The app of `record_cors.py`, without middleware.
fn cors_twin() -> App {
    App::new()
        .route(read_root)
        .route(create_item)
        .route(vary)
        .route(own_cors)
}

/// The article's timing middleware.
async fn timing(req: Request<fastrs::body::RequestBody>, next: Next) -> Response {
    let start = Instant::now();
    let mut response = next.run(req).await;
    let elapsed = format!("{:.4}s", start.elapsed().as_secs_f64());
    response
        .headers_mut()
        .insert("x-response-time", elapsed.parse().unwrap());
    response
}

fn assert_timing(r: &TestResponse) {
    let v = r
        .header("x-response-time")
        .unwrap_or_else(|| panic!("no x-response-time on a {}", r.status()));
    let secs = v.strip_suffix('s').expect("ends with s");
    assert_eq!(secs.split('.').nth(1).map(str::len), Some(4), "{v}");
    assert!(secs.parse::<f64>().unwrap() < 5.0, "{v}");
}

// ---------------------------------------------------------------- (a) timing

#[test]
fn timing_middleware_marks_every_response() {
    let cors = Cors::new()
        .allow_origins(["http://localhost:3000"])
        .allow_credentials(true)
        .allow_methods(["*"])
        .allow_headers(["*"]);
    let app = cors_twin()
        .middleware_boxed(cors.into_middleware())
        .middleware(timing);
    let client = TestClient::new(app);

    let ok = client.get("/").send();
    assert_eq!(ok.status(), 200);
    assert_timing(&ok);

    let not_found = client.get("/nowhere").send();
    assert_eq!(not_found.status(), 404);
    assert_timing(&not_found);

    let not_allowed = client.delete("/").send();
    assert_eq!(not_allowed.status(), 405);
    assert_timing(&not_allowed);

    // The preflight is answered by CORS, inside the timing middleware.
    let preflight = client
        .options("/")
        .header("origin", "http://localhost:3000")
        .header("access-control-request-method", "POST")
        .send();
    assert_eq!(preflight.status(), 200);
    assert_eq!(preflight.text(), "OK");
    assert_timing(&preflight);

    let refused = client
        .options("/")
        .header("origin", "http://evil.example")
        .header("access-control-request-method", "POST")
        .send();
    assert_eq!(refused.status(), 400);
    assert_timing(&refused);

    let validation = client.post("/items").body("not json").send();
    assert_timing(&validation);
}

#[test]
fn timing_added_before_cors_misses_the_preflight() {
    // Added first, timing is inside CORS: CORS answers a preflight without
    // calling it (as in Starlette).
    let app = cors_twin().middleware(timing).middleware_boxed(
        Cors::new()
            .allow_origins(["http://localhost:3000"])
            .into_middleware(),
    );
    let client = TestClient::new(app);
    let preflight = client
        .options("/")
        .header("origin", "http://localhost:3000")
        .header("access-control-request-method", "GET")
        .send();
    assert_eq!(preflight.status(), 200);
    assert_eq!(preflight.header("x-response-time"), None);
    assert_timing(&client.get("/").send());
}

// ----------------------------------------------------------------- (b) order

#[get("/trace")]
async fn read_trace(#[header] x_trace: Option<String>) -> Json<Value> {
    Json(json!({"request_trace": x_trace}))
}

/// A middleware that records itself before and after the rest of the chain,
/// appends itself to the request's `x-trace` and to the response's `x-trace`.
fn recorder(name: &'static str, log: Arc<Mutex<Vec<String>>>) -> fastrs::middleware::Middleware {
    fastrs::middleware::from_fn(move |mut req, next: Next| {
        let log = Arc::clone(&log);
        async move {
            log.lock().unwrap().push(format!("{name} before"));
            let trace = match req.headers().get("x-trace") {
                Some(v) => format!("{},{name}", v.to_str().unwrap()),
                None => name.to_owned(),
            };
            req.headers_mut().insert("x-trace", trace.parse().unwrap());
            let mut r = next.run(req).await;
            log.lock().unwrap().push(format!("{name} after"));
            r.headers_mut().append("x-trace", name.parse().unwrap());
            r
        }
    })
}

#[test]
fn the_last_added_middleware_runs_outermost() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let app = App::new()
        .route(read_trace)
        .middleware_boxed(recorder("first", log.clone()))
        .middleware_boxed(recorder("second", log.clone()))
        .middleware_boxed(recorder("third", log.clone()));
    let client = TestClient::new(app);
    let r = client.get("/trace").send();
    assert_eq!(r.status(), 200);
    // The request passes third, second, first…
    assert_eq!(r.json(), json!({"request_trace": "third,second,first"}));
    // …and the response comes back through first, second, third.
    let back: Vec<&str> = r
        .headers()
        .get_all("x-trace")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(back, ["first", "second", "third"]);
    assert_eq!(
        *log.lock().unwrap(),
        [
            "third before",
            "second before",
            "first before",
            "first after",
            "second after",
            "third after"
        ]
    );
}

#[test]
fn a_middleware_may_answer_without_calling_next() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let app = App::new()
        .route(read_trace)
        .middleware_boxed(recorder("inner", log.clone()))
        .middleware(
            |req: Request<fastrs::body::RequestBody>, next: Next| async move {
                if req.headers().contains_key("x-block") {
                    return HttpError::new(403, "Blocked").into_response();
                }
                next.run(req).await
            },
        );
    let client = TestClient::new(app);
    let r = client.get("/trace").header("x-block", "1").send();
    assert_eq!(r.status(), 403);
    assert_eq!(r.json(), json!({"detail": "Blocked"}));
    assert!(log.lock().unwrap().is_empty());
    assert_eq!(client.get("/trace").send().status(), 200);
    assert_eq!(log.lock().unwrap().len(), 2);
}

// ------------------------------------------------------- (c) CORS vs Starlette

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

/// `Cors` from `CORSMiddleware`'s keyword arguments.
fn cors_from(config: &Value) -> Cors {
    let mut cors = Cors::new();
    for (key, v) in config.as_object().unwrap() {
        cors = match key.as_str() {
            "allow_origins" => cors.allow_origins(strings(v)),
            "allow_origin_regex" => cors.allow_origin_regex(v.as_str().unwrap()),
            "allow_methods" => cors.allow_methods(strings(v)),
            "allow_headers" => cors.allow_headers(strings(v)),
            "allow_credentials" => cors.allow_credentials(v.as_bool().unwrap()),
            "allow_private_network" => cors.allow_private_network(v.as_bool().unwrap()),
            "expose_headers" => cors.expose_headers(strings(v)),
            "max_age" => cors.max_age(v.as_u64().unwrap()),
            other => panic!("record_cors.py uses {other}, unknown here"),
        };
    }
    cors
}

fn recorded_headers(r: &TestResponse) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = r
        .headers()
        .iter()
        .filter(|(name, _)| {
            let n = name.as_str();
            n.starts_with("access-control-") || n == "vary" || n == "content-type"
        })
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    out.sort();
    out
}

#[test]
fn cors_answers_exactly_as_starlette() {
    let recorded: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fastapi_twin/cors.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let mut compared = 0;
    let mut mismatches = Vec::new();
    for config in recorded["configs"].as_array().unwrap() {
        let cname = config["name"].as_str().unwrap();
        let app = cors_twin().middleware_boxed(cors_from(&config["config"]).into_middleware());
        let client = TestClient::new(app);
        for case in config["cases"].as_array().unwrap() {
            let req = &case["request"];
            let method = Method::from_bytes(req["method"].as_str().unwrap().as_bytes()).unwrap();
            let mut request = client.request(method, req["path"].as_str().unwrap());
            for (k, v) in req["headers"].as_object().unwrap() {
                request = request.header(k, v.as_str().unwrap());
            }
            let r = request.send();
            let want = &case["response"];
            let want_headers: Vec<(String, String)> = want["headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p[0].as_str().unwrap().to_owned(),
                        p[1].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            let got = (r.status().as_u16(), r.text(), recorded_headers(&r));
            let expected = (
                want["status"].as_u64().unwrap() as u16,
                want["body"].as_str().unwrap().to_owned(),
                want_headers,
            );
            if got != expected {
                mismatches.push(format!(
                    "{cname}/{}:\n  fastrs:    {got:?}\n  starlette: {expected:?}",
                    case["name"].as_str().unwrap()
                ));
            }
            compared += 1;
        }
    }
    assert!(compared >= 150, "only {compared} recorded cases");
    assert!(
        mismatches.is_empty(),
        "{} of {compared} differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn cors_the_articles_configuration() {
    let cors = Cors::new()
        .allow_origins(["http://localhost:3000"])
        .allow_credentials(true)
        .allow_methods(["*"])
        .allow_headers(["*"]);
    let client = TestClient::new(cors_twin().middleware_boxed(cors.into_middleware()));

    let r = client
        .options("/items")
        .header("origin", "http://localhost:3000")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type, x-token")
        .send();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text(), "OK");
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    assert_eq!(r.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(
        r.header("access-control-allow-methods"),
        Some("DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, QUERY")
    );
    assert_eq!(
        r.header("access-control-allow-headers"),
        Some("content-type, x-token")
    );
    assert_eq!(r.header("access-control-max-age"), Some("600"));
    assert!(r.header("vary").unwrap().starts_with("Origin, "));

    let r = client
        .options("/items")
        .header("origin", "http://localhost:3001")
        .header("access-control-request-method", "POST")
        .send();
    assert_eq!(r.status(), 400);
    assert_eq!(r.text(), "Disallowed CORS origin");
    assert_eq!(r.header("access-control-allow-origin"), None);

    let r = client
        .post("/items")
        .header("origin", "http://localhost:3000")
        .send();
    assert_eq!(r.json(), json!({"created": true}));
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    assert_eq!(r.header("vary"), Some("Origin"));

    let r = client.get("/").header("origin", "http://localhost").send();
    assert_eq!(r.header("access-control-allow-origin"), None);
    assert_eq!(r.header("vary"), Some("Origin"));
}

#[test]
#[should_panic(expected = "allow_origin_regex")]
fn cors_rejects_a_broken_regex_at_start_up() {
    let _ = Cors::new().allow_origin_regex("(").into_middleware();
}

// ------------------------------------------------------------------ (d) GZip

#[get("/big")]
async fn big() -> Json<Value> {
    Json(json!({"items": vec!["lorem ipsum dolor sit amet"; 100]}))
}

#[get("/small")]
async fn small() -> Json<Value> {
    Json(json!({"ok": true}))
}

#[get("/events")]
async fn events() -> Response {
    let mut r = http_response("data: tick\n\n".repeat(100));
    r.headers_mut()
        .insert("content-type", "text/event-stream".parse().unwrap());
    r
}

#[get("/encoded")]
async fn encoded() -> Response {
    let mut r = http_response("x".repeat(1000));
    r.headers_mut()
        .insert("content-encoding", "br".parse().unwrap());
    r
}

#[get("/streamed")]
async fn streamed() -> Response {
    let body = fastrs::Body::stream(fastrs::Body::full("a short streamed body"));
    let mut r = fastrs::http::Response::new(body);
    r.headers_mut()
        .insert("content-type", "text/plain; charset=utf-8".parse().unwrap());
    r
}

fn http_response(text: String) -> Response {
    let mut r = fastrs::http::Response::new(fastrs::Body::from(text));
    r.headers_mut()
        .insert("content-type", "text/plain; charset=utf-8".parse().unwrap());
    r
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("a gzip body");
    out
}

fn gzip_client(gzip: GZip) -> TestClient {
    TestClient::new(
        App::new()
            .route(big)
            .route(small)
            .route(events)
            .route(encoded)
            .route(streamed)
            .route(vary)
            .middleware_boxed(gzip.into_middleware()),
    )
}

#[test]
fn gzip_compresses_big_bodies() {
    let client = gzip_client(GZip::new());
    let plain = client.get("/big").send();
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain.bytes().len() >= 500);
    // Starlette sets Vary whenever the body is big enough, gzip or not.
    assert_eq!(plain.header("vary"), Some("Accept-Encoding"));

    let r = client
        .get("/big")
        .header("accept-encoding", "gzip, deflate, br")
        .send();
    assert_eq!(r.status(), 200);
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert_eq!(r.header("vary"), Some("Accept-Encoding"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.header("content-length"),
        Some(r.bytes().len().to_string().as_str())
    );
    assert!(r.bytes().len() < plain.bytes().len() / 4);
    assert_eq!(gunzip(r.bytes()), plain.bytes().as_ref());
}

#[test]
fn gzip_leaves_small_bodies_and_other_encodings() {
    let client = gzip_client(GZip::new());
    let r = client
        .get("/small")
        .header("accept-encoding", "gzip")
        .send();
    assert_eq!(r.header("content-encoding"), None);
    assert_eq!(r.header("vary"), None);
    assert_eq!(r.json(), json!({"ok": true}));

    // Accept-Encoding without gzip (Starlette looks for the substring "gzip").
    let r = client
        .get("/big")
        .header("accept-encoding", "br, deflate")
        .send();
    assert_eq!(r.header("content-encoding"), None);
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 100);
    let r = client
        .get("/big")
        .header("accept-encoding", "x-gzip")
        .send();
    assert_eq!(r.header("content-encoding"), Some("gzip"));

    // Excluded content type, already encoded: untouched, no Vary.
    let r = client
        .get("/events")
        .header("accept-encoding", "gzip")
        .send();
    assert_eq!(r.header("content-encoding"), None);
    assert_eq!(r.header("vary"), None);
    assert!(r.text().starts_with("data: tick"));
    let r = client
        .get("/encoded")
        .header("accept-encoding", "gzip")
        .send();
    assert_eq!(r.header("content-encoding"), Some("br"));
    assert_eq!(r.bytes().len(), 1000);
}

#[test]
fn gzip_minimum_size_level_and_existing_vary() {
    let client = gzip_client(GZip::new().minimum_size(5).compresslevel(1));
    let r = client
        .get("/small")
        .header("accept-encoding", "gzip")
        .send();
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert_eq!(gunzip(r.bytes()), br#"{"ok":true}"#);
    let r = client.get("/vary").header("accept-encoding", "gzip").send();
    assert_eq!(r.header("vary"), Some("Accept-Encoding, Accept-Encoding"));
    assert_eq!(gunzip(r.bytes()), br#"{"vary":true}"#);
}

#[test]
fn gzip_compresses_a_stream_whatever_its_size() {
    let client = gzip_client(GZip::new());
    let r = client
        .get("/streamed")
        .header("accept-encoding", "gzip")
        .send();
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert_eq!(r.header("content-length"), None);
    assert_eq!(r.header("vary"), Some("Accept-Encoding"));
    assert_eq!(gunzip(r.bytes()), b"a short streamed body");
    let r = client.get("/streamed").send();
    assert_eq!(r.header("content-encoding"), None);
    assert_eq!(r.text(), "a short streamed body");
}

#[test]
fn gzip_head_gets_the_headers_of_get() {
    let client = gzip_client(GZip::new());
    let r = client.head("/big").header("accept-encoding", "gzip").send();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().is_empty());
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert_eq!(r.header("vary"), Some("Accept-Encoding"));
    let r = client
        .head("/small")
        .header("accept-encoding", "gzip")
        .send();
    assert_eq!(r.header("content-encoding"), None);
}

#[test]
fn gzip_outside_cors_compresses_the_cors_response() {
    let app = App::new()
        .route(big)
        .middleware_boxed(Cors::new().allow_origins(["*"]).into_middleware())
        .middleware_boxed(GZip::new().into_middleware());
    let client = TestClient::new(app);
    let r = client
        .get("/big")
        .header("origin", "http://a.example")
        .header("accept-encoding", "gzip")
        .send();
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.header("vary"), Some("Origin, Accept-Encoding"));
    assert_eq!(r.header("content-encoding"), Some("gzip"));
}

// ----------------------------------------------------------- (e) TrustedHost

fn host_client(hosts: TrustedHost) -> TestClient {
    TestClient::new(
        App::new()
            .route(read_root)
            .middleware_boxed(hosts.into_middleware()),
    )
}

#[test]
fn trusted_host_allows_listed_hosts_only() {
    let client = host_client(TrustedHost::new([
        "example.com",
        "*.example.org",
        "www.site.com",
    ]));
    let ok = |host: &str| client.get("/").header("host", host).send().status();
    assert_eq!(ok("example.com"), 200);
    assert_eq!(ok("EXAMPLE.com:8080"), 200);
    assert_eq!(ok("a.example.org"), 200);
    assert_eq!(ok("a.b.example.org:443"), 200);
    assert_eq!(ok("www.site.com"), 200);

    for bad in [
        "evil.com",
        "example.org",
        "example.com.evil",
        "exa mple.com",
        "example.com:",
    ] {
        let r = client.get("/").header("host", bad).send();
        assert_eq!(r.status(), 400, "{bad}");
        assert_eq!(r.text(), "Invalid host header");
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    }
    // No Host at all.
    assert_eq!(client.get("/").send().status(), 400);
}

#[test]
fn trusted_host_redirects_to_www() {
    let client = host_client(TrustedHost::new(["www.site.com"]));
    let r = client.get("/p?q=1").header("host", "site.com:8000").send();
    assert_eq!(r.status(), 307);
    assert_eq!(r.header("location"), Some("http://www.site.com:8000/p?q=1"));
    assert!(r.bytes().is_empty());

    let client = host_client(TrustedHost::new(["www.site.com"]).www_redirect(false));
    let r = client.get("/p").header("host", "site.com").send();
    assert_eq!(r.status(), 400);
}

#[test]
fn trusted_host_default_allows_any() {
    let client = host_client(TrustedHost::default());
    assert_eq!(client.get("/").send().status(), 200);
    assert_eq!(
        client.get("/").header("host", "what.ever").send().status(),
        200
    );
}

#[test]
#[should_panic(expected = "Domain wildcard patterns must be like '*.example.com'.")]
fn trusted_host_rejects_a_misplaced_wildcard() {
    let _ = TrustedHost::new(["example.*"]).into_middleware();
}

// -------------------------------------------------------------- (f) tower

#[tokio::test(flavor = "multi_thread")]
async fn a_tower_layer_wraps_the_app_service() {
    use tower::ServiceExt;

    let app = cors_twin().middleware(timing);
    let svc = tower::ServiceBuilder::new()
        .layer(tower::util::MapRequestLayer::new(
            |mut req: Request<fastrs::body::RequestBody>| {
                req.headers_mut()
                    .insert("origin", "http://localhost:3000".parse().unwrap());
                req
            },
        ))
        .layer(tower::util::MapResponseLayer::new(|mut r: Response| {
            r.headers_mut().insert("x-tower", "yes".parse().unwrap());
            r
        }))
        .service(
            app.middleware_boxed(
                Cors::new()
                    .allow_origins(["http://localhost:3000"])
                    .into_middleware(),
            )
            .into_service(),
        );

    let req = Request::builder()
        .uri("/items")
        .method("POST")
        .body(fastrs::body::RequestBody::Full("".into()))
        .unwrap();
    let r = svc.clone().oneshot(req).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-tower"], "yes");
    assert!(r.headers().contains_key("x-response-time"));
    // The origin added by the tower layer reached the CORS middleware.
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://localhost:3000"
    );
    let body = buffered_body(r.into_body()).await;
    assert_eq!(body, br#"{"created":true}"#);

    let req = Request::builder()
        .uri("/nowhere")
        .body(fastrs::body::RequestBody::Full("".into()))
        .unwrap();
    let r = svc.oneshot(req).await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["x-tower"], "yes");
}

/// Reads a whole response body (what `http_body_util::BodyExt::collect` does).
async fn buffered_body(body: fastrs::Body) -> Vec<u8> {
    match body {
        fastrs::Body::Empty => Vec::new(),
        fastrs::Body::Full(b) => b.to_vec(),
        fastrs::Body::Stream(_) => panic!("a buffered body was expected"),
    }
}
