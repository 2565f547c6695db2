//! Micro-benchmarks of fastrs's request hot path.
//!
//! Every `service.handle` bench drives a real frozen app (`App::into_service`)
//! on a tokio current-thread runtime, exactly as the server or the test client
//! would, minus hyper. The request is built in criterion's untimed setup
//! (`iter_batched`), and the response is dropped outside the timed section,
//! so the numbers are routing + extraction + validation + handler + response
//! serialization. Each app is checked once before timing (status and, for
//! 422s, the number of errors) so a bench cannot silently measure a 404.
//!
//! Groups:
//! * `user_create`: `POST /users` with a `UserCreate` body, valid (201) and
//!   with 4 errors (422).
//! * `user_create_deser` / `user_create_slow`: the body's fast path alone
//!   (`Lax<UserCreate>`) and the slow, error-collecting path alone.
//! * `order_create`: `POST /orders`, a nested model with a list of 3 items.
//! * `params`: `GET /items/{item_id}` with path, query and header parameters.
//! * `hello`: `GET /` → `{"message":"Hello, World"}`, the per-request floor.
//! * `routing`: a handler that does nothing, behind 1 and behind 200 routes.
//! * `overhead`: what the harness itself costs (`block_on` of a ready future,
//!   building a request), to subtract mentally from the others.
//!
//! `cargo bench --bench extract -- --quick`; allocation counts per request:
//! `cargo test --release --bench allocs -- --nocapture` (benches/allocs.rs).

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use fastrs::body::RequestBody;
use fastrs::http::{Method, Request, StatusCode};
use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};
use fastrs::{AppService, Route};
use tokio::runtime::Runtime;

// ---------------------------------------------------------------- models

#[derive(Model, Debug)]
struct Address {
    street: String,
    city: String,
    country: String,
    zip_code: String,
}

#[derive(Model, Debug)]
struct OrderItem {
    #[field(ge = 1)]
    product_id: i64,
    #[field(gt = 0)]
    quantity: i64,
}

#[derive(Model, Debug)]
struct OrderCreate {
    #[field(min_length = 1)]
    items: Vec<OrderItem>,
    shipping_address: Address,
    notes: Option<String>,
}

#[derive(Model, Debug)]
pub struct UserCreate {
    #[field(min_length = 1, max_length = 100)]
    name: String,
    email: Email,
    #[field(ge = 0, le = 150)]
    age: i64,
    bio: Option<String>,
    #[field(min_length = 8, max_length = 128)]
    password: String,
}

// ---------------------------------------------------------------- handlers

#[get("/")]
async fn read_root() -> Json<Value> {
    Json(json!({"message": "Hello, World"}))
}

#[post("/users", status_code = 201)]
async fn create_user(user: UserCreate) -> Json<Value> {
    Json(json!({"id": 1, "name": user.name, "email": user.email, "age": user.age, "bio": user.bio}))
}

#[post("/orders")]
async fn create_order(order: OrderCreate) -> Json<Value> {
    let count: i64 = order.items.iter().map(|i| i.quantity).sum();
    Json(json!({"item_count": count, "order": order}))
}

#[get("/items/{item_id}")]
async fn read_item(
    #[path(ge = 1)] item_id: i64,
    q: Option<String>,
    #[query(default = 0, ge = 0)] skip: i64,
    #[query(default = 20, le = 100)] limit: i64,
    #[header] x_api_key: Option<String>,
) -> Json<Value> {
    Json(json!({"item_id": item_id, "q": q, "skip": skip, "limit": limit, "x_api_key": x_api_key}))
}

pub fn app() -> AppService {
    App::new()
        .route(read_root)
        .route(create_user)
        .route(create_order)
        .route(read_item)
        .into_service()
}

/// `n` routes `GET /r{i}/items/{id}` whose handler does nothing (answers "ok").
pub fn routes_app(n: usize) -> AppService {
    let mut app = App::new();
    for i in 0..n {
        app = app.route(Route::new(
            Method::GET,
            format!("/r{i}/items/{{id}}"),
            |_cx| async { PlainText("ok").into_response() },
        ));
    }
    app.into_service()
}

// ---------------------------------------------------------------- bodies

pub const USER_VALID: &str = r#"{"name":"Jane Doe","email":"jane@example.com","age":30,"bio":"Loves Rust and Python","password":"s3cret-passw0rd"}"#;
pub const USER_INVALID: &str = r#"{"name":"","email":"x","age":200}"#;

pub const ORDER_VALID: &str = r#"{"items":[{"product_id":1,"quantity":2},{"product_id":42,"quantity":1},{"product_id":7,"quantity":10}],"shipping_address":{"street":"1 Main St","city":"Springfield","country":"US","zip_code":"12345"},"notes":"leave at the door"}"#;
/// 6 errors: items.0.product_id (ge), items.0.quantity (gt),
/// items.1.product_id (int_parsing), items.2.quantity (gt),
/// shipping_address.country and .zip_code (missing).
pub const ORDER_INVALID: &str = r#"{"items":[{"product_id":0,"quantity":0},{"product_id":"x","quantity":1},{"product_id":7,"quantity":-1}],"shipping_address":{"street":"1 Main St","city":"Springfield"}}"#;

// ---------------------------------------------------------------- helpers

pub fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

pub fn post_json(uri: &str, body: &'static str) -> Request<RequestBody> {
    Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", "application/json")
        .header("content-length", body.len())
        .body(RequestBody::Full(body.as_bytes().into()))
        .expect("request")
}

pub fn get(uri: &str) -> Request<RequestBody> {
    Request::builder()
        .method("GET")
        .uri(uri)
        .body(RequestBody::Full(Default::default()))
        .expect("request")
}

/// Sends `req` once, outside any timing, and checks the status; returns the JSON body.
fn expect(rt: &Runtime, svc: &AppService, req: Request<RequestBody>, status: u16) -> Value {
    let resp = rt.block_on(svc.handle(req));
    let body = match resp.body() {
        fastrs::Body::Full(b) => serde_json::from_slice(b).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    assert_eq!(
        resp.status(),
        StatusCode::from_u16(status).unwrap(),
        "body: {body}"
    );
    body
}

fn detail_len(v: &Value) -> usize {
    v["detail"].as_array().map_or(0, Vec::len)
}

// ---------------------------------------------------------------- benches

fn bench_user_create(c: &mut Criterion) {
    let rt = runtime();
    let svc = app();
    let ok = expect(&rt, &svc, post_json("/users", USER_VALID), 201);
    assert_eq!(ok["email"], "jane@example.com");
    let bad = expect(&rt, &svc, post_json("/users", USER_INVALID), 422);
    assert_eq!(detail_len(&bad), 4, "{bad}");

    let mut g = c.benchmark_group("user_create");
    g.bench_function("valid", |b| {
        b.iter_batched(
            || post_json("/users", USER_VALID),
            |req| black_box(rt.block_on(svc.handle(black_box(req)))),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("invalid", |b| {
        b.iter_batched(
            || post_json("/users", USER_INVALID),
            |req| black_box(rt.block_on(svc.handle(black_box(req)))),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn bench_user_create_paths(c: &mut Criterion) {
    use fastrs::lax::Lax;
    use fastrs::validation::Loc;

    let valid = USER_VALID.as_bytes();
    let invalid = USER_INVALID.as_bytes();
    assert!(serde_json::from_slice::<Lax<UserCreate>>(valid).is_ok());
    assert!(serde_json::from_slice::<Lax<UserCreate>>(invalid).is_err());

    let mut g = c.benchmark_group("user_create_deser");
    g.bench_function("valid", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Lax<UserCreate>>(black_box(valid)).is_ok()))
    });
    g.finish();

    // What an invalid body costs after the fast path gave up: the Value parse
    // and the error-collecting walk (the failed fast-path attempt is in
    // `user_create/invalid` only).
    let slow = |bytes: &[u8]| {
        let v: Value = serde_json::from_slice(bytes).unwrap();
        let mut errors = fastrs::ValidationErrors::new();
        let out =
            <UserCreate as fastrs::FromJson>::from_json(&v, &mut Loc::new("body"), &mut errors);
        (out.is_some(), errors)
    };
    let (ok, errors) = slow(invalid);
    assert!(!ok);
    assert_eq!(errors.len(), 4, "{errors}");

    let mut g = c.benchmark_group("user_create_slow");
    g.bench_function("invalid", |b| {
        b.iter(|| black_box(slow(black_box(invalid))))
    });
    g.finish();
}

fn bench_order_create(c: &mut Criterion) {
    let rt = runtime();
    let svc = app();
    let ok = expect(&rt, &svc, post_json("/orders", ORDER_VALID), 200);
    assert_eq!(ok["item_count"], 13);
    let bad = expect(&rt, &svc, post_json("/orders", ORDER_INVALID), 422);
    assert_eq!(detail_len(&bad), 6, "{bad}");

    let mut g = c.benchmark_group("order_create");
    g.bench_function("valid", |b| {
        b.iter_batched(
            || post_json("/orders", ORDER_VALID),
            |req| black_box(rt.block_on(svc.handle(black_box(req)))),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("invalid", |b| {
        b.iter_batched(
            || post_json("/orders", ORDER_INVALID),
            |req| black_box(rt.block_on(svc.handle(black_box(req)))),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

pub fn item_request() -> Request<RequestBody> {
    Request::builder()
        .method("GET")
        .uri("/items/42?q=x&skip=10&limit=50")
        .header("x-api-key", "secret-key")
        .body(RequestBody::Full(Default::default()))
        .expect("request")
}

fn bench_params(c: &mut Criterion) {
    let rt = runtime();
    let svc = app();
    let ok = expect(&rt, &svc, item_request(), 200);
    assert_eq!(
        ok,
        json!({"item_id": 42, "q": "x", "skip": 10, "limit": 50, "x_api_key": "secret-key"})
    );

    let mut g = c.benchmark_group("params");
    g.bench_function("item", |b| {
        b.iter_batched(
            item_request,
            |req| black_box(rt.block_on(svc.handle(black_box(req)))),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn bench_hello(c: &mut Criterion) {
    let rt = runtime();
    let svc = app();
    let ok = expect(&rt, &svc, get("/"), 200);
    assert_eq!(ok, json!({"message": "Hello, World"}));

    c.bench_function("hello", |b| {
        b.iter_batched(
            || get("/"),
            |req| black_box(rt.block_on(svc.handle(black_box(req)))),
            BatchSize::SmallInput,
        )
    });
}

fn bench_routing(c: &mut Criterion) {
    let rt = runtime();
    let one = routes_app(1);
    let many = routes_app(200);
    let check = |svc: &AppService, uri: &str| {
        let r = rt.block_on(svc.handle(get(uri)));
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
    };
    check(&one, "/r0/items/7");
    check(&many, "/r199/items/7");
    assert_eq!(rt.block_on(many.handle(get("/r200/items/7"))).status(), 404);

    let mut g = c.benchmark_group("routing");
    g.bench_function("1_route", |b| {
        b.iter_batched(
            || get("/r0/items/7"),
            |req| black_box(rt.block_on(one.handle(black_box(req)))),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("200_routes", |b| {
        b.iter_batched(
            || get("/r199/items/7"),
            |req| black_box(rt.block_on(many.handle(black_box(req)))),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn bench_overhead(c: &mut Criterion) {
    let rt = runtime();
    let mut g = c.benchmark_group("overhead");
    g.bench_function("block_on_ready", |b| {
        b.iter(|| black_box(rt.block_on(async { black_box(1u32) })))
    });
    g.bench_function("build_post_request", |b| {
        b.iter(|| black_box(post_json("/users", black_box(USER_VALID))))
    });
    g.finish();
}

/// An app of 200 documented routes: the 4 macro routes above (with models,
/// constraints and parameters) mounted under 50 router prefixes.
fn app_200_routes() -> App {
    let mut app = App::new().title("Bench").version("1.0.0");
    for i in 0..50 {
        app = app.include(
            fastrs::Router::new()
                .prefix(format!("/v{i}"))
                .tag(format!("group{i}"))
                .route(read_root)
                .route(create_user)
                .route(create_order)
                .route(read_item),
        );
    }
    app
}

fn bench_openapi(c: &mut Criterion) {
    let app = app_200_routes();
    assert_eq!(app.routes().len(), 200);
    let doc = app.openapi();
    assert_eq!(doc["paths"].as_object().map(|p| p.len()), Some(200));
    let bytes = serde_json::to_vec(&doc).unwrap();
    eprintln!(
        "openapi: 200 routes -> /openapi.json of {} bytes",
        bytes.len()
    );
    let mut g = c.benchmark_group("openapi");
    g.bench_function("build_200_routes", |b| b.iter(|| black_box(app.openapi())));
    // Served from memory: the same bytes every time, no rebuild.
    let rt = runtime();
    let svc = app.clone().into_service();
    let served = expect(&rt, &svc, get("/openapi.json"), 200);
    assert_eq!(served, doc);
    g.bench_function("serve_200_routes", |b| {
        b.iter_batched(
            || get("/openapi.json"),
            |req| black_box(rt.block_on(svc.handle(req))),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_openapi,
    bench_user_create,
    bench_user_create_paths,
    bench_order_create,
    bench_params,
    bench_hello,
    bench_routing,
    bench_overhead
);
criterion_main!(benches);
