//! Request-by-request comparison with FastAPI.
//!
//! `tests/fastapi_twin/app.py` is a FastAPI app; `record.py` ran every request
//! of `cases.py` through it and saved FastAPI's real answers in
//! `recorded.json`. The same app is declared here with fastrs, every recorded
//! request is replayed through the test client, and status, content type,
//! body and the `allow`/`location` headers must match, except in the few
//! places listed in `DELIBERATE`, where `shared/example-api.md` records that
//! fastrs differs on purpose (and the test checks fastrs's own answer).

use fastrs::chrono::{DateTime, Utc};
use fastrs::http::Method;
use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};

#[derive(Model, Debug)]
#[model(rename_all = "lowercase")]
enum Color {
    Red,
    Green,
    Blue,
}

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
struct UserCreate {
    #[field(min_length = 1, max_length = 100)]
    name: String,
    email: Email,
    #[field(ge = 0, le = 150)]
    age: i64,
    bio: Option<String>,
    #[field(min_length = 8, max_length = 128)]
    password: String,
}

#[derive(Model, Debug)]
struct Product {
    #[field(min_length = 2, max_length = 20, pattern = "^[a-z ]+$")]
    name: String,
    #[field(gt = 0, lt = 10000)]
    price: f64,
    #[field(default = 1, multiple_of = 5)]
    quantity: i64,
    #[field(default = 1.0, ge = 0.5, le = 100.0)]
    weight: f64,
    #[field(default, max_length = 3)]
    tags: Vec<String>,
    #[field(default = Color::Red)]
    color: Color,
    #[field(default = true)]
    in_stock: bool,
    released: Option<DateTime<Utc>>,
    rating: Option<f64>,
}

#[get("/")]
fn read_root() -> Json<Value> {
    Json(json!({"message": "Hello, World"}))
}

#[get("/items/{item_id}")]
async fn read_item(item_id: i64, q: Option<String>) -> Json<Value> {
    Json(json!({"item_id": item_id, "query": q}))
}

#[allow(clippy::too_many_arguments)]
#[get("/search/{item_id}")]
async fn search_items(
    #[path(ge = 1, description = "The ID of the item")] item_id: i64,
    #[query(default = 0, ge = 0)] skip: i64,
    #[query(default = 20, le = 100)] limit: i64,
    #[query(min_length = 1, max_length = 10)] search: Option<String>,
    #[query(pattern = "^[A-Z]{3}$")] code: Option<String>,
    #[query(default = 1.0, gt = 0, le = 10)] ratio: f64,
    #[query(default = 10, multiple_of = 5)] step: i64,
    #[query(default = false)] flag: bool,
    #[query] color: Option<Color>,
    tags: Vec<String>,
    ids: Vec<i64>,
    #[header] x_api_key: Option<String>,
) -> Json<Value> {
    Json(
        json!({"item_id": item_id, "skip": skip, "limit": limit, "search": search, "code": code,
        "ratio": ratio, "step": step, "flag": flag, "color": color, "tags": tags, "ids": ids,
        "x_api_key": x_api_key}),
    )
}

#[get("/required")]
async fn required(
    n: i64,
    #[header] x_token: String,
    #[cookie] session_id: String,
    #[header(alias = "X-Hint")] user_agent_hint: Option<String>,
) -> Json<Value> {
    Json(json!({"n": n, "x_token": x_token, "session_id": session_id, "hint": user_agent_hint}))
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

#[post("/products")]
async fn create_product(product: Product) -> Product {
    product
}

#[put("/products/{product_id}")]
async fn update_product(
    product_id: i64,
    product: Product,
    #[query(default = false)] dry_run: bool,
) -> Json<Value> {
    Json(json!({"product_id": product_id, "dry_run": dry_run, "product": product}))
}

fn twin() -> App {
    App::new()
        .title("Twin")
        .version("1.0.0")
        .route(read_root)
        .route(read_item)
        .route(search_items)
        .route(required)
        .route(create_user)
        .route(create_order)
        .route(create_product)
        .route(update_product)
}

/// Where fastrs answers differently from FastAPI on purpose
/// (`shared/example-api.md`), with fastrs's own expected status.
const DELIBERATE: &[(&str, u16, &str)] = &[
    (
        "items_path_big_int",
        422,
        "an integer beyond i64 is a 422 (FastAPI's Python int has no bound)",
    ),
    (
        "root_head",
        200,
        "HEAD on a GET route is answered like GET without a body",
    ),
    (
        "users_age_1e999",
        422,
        "non-finite JSON numbers are a 422, FastAPI answers 500",
    ),
    (
        "products_price_1e999",
        422,
        "non-finite JSON numbers are a 422, FastAPI answers 500",
    ),
    (
        "products_price_nan",
        422,
        "NaN in JSON is a 422, FastAPI answers 500",
    ),
    (
        "products_price_infinity",
        422,
        "Infinity in JSON is a 422, FastAPI answers 500",
    ),
    (
        "products_price_neg_infinity",
        422,
        "-Infinity in JSON is a 422, FastAPI answers 500",
    ),
    (
        "products_rating_nan",
        422,
        "NaN in JSON is a 422, FastAPI answers 500",
    ),
    (
        "products_rating_1e999",
        422,
        "non-finite JSON numbers are a 422, FastAPI answers 500",
    ),
];

/// Known gaps, not yet matched: Pydantic keeps a datetime's offset (or its
/// absence) and prints microseconds; fastrs stores `DateTime<Utc>` and prints
/// chrono's RFC 3339. These cases are still sent (they must not fail or
/// panic) and their status must match.
const KNOWN_GAPS: &[&str] = &[
    "products_released_date_only",
    "products_released_offset",
    "products_released_naive",
    "products_released_unix_float",
    "products_released_unix_string",
    "products_released_space_separator",
    "products_released_digit_string_is_unix",
    "products_released_unix_millis",
    "products_released_float_string_bad",
];

fn recorded() -> Vec<Value> {
    let text = include_str!("fastapi_twin/recorded.json");
    let all: Value = serde_json::from_str(text).expect("recorded.json is JSON");
    all["cases"].as_array().expect("cases").clone()
}

fn send(client: &TestClient, req: &Value) -> fastrs::TestResponse {
    let method = Method::from_bytes(req["method"].as_str().unwrap().as_bytes()).unwrap();
    let mut r = client.request(method, req["path"].as_str().unwrap());
    for (k, v) in req["headers"].as_object().unwrap() {
        r = r.header(k, v.as_str().unwrap());
    }
    if let Some(b) = req["body"].as_str() {
        r = r.body(b.to_owned());
    } else if let Some(b) = req["body_b64"].as_str() {
        r = r.body(base64_decode(b));
    }
    r.send()
}

fn base64_decode(s: &str) -> Vec<u8> {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = T.iter().position(|&t| t == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[test]
fn every_recorded_request_matches_fastapi() {
    let client = TestClient::new(twin());
    let cases = recorded();
    assert!(cases.len() >= 90, "the recording has {} cases", cases.len());
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let want = &case["response"];
        let got = send(&client, &case["request"]);
        if let Some((_, status, _)) = DELIBERATE.iter().find(|(n, _, _)| *n == name) {
            if got.status() != *status {
                failures.push(format!(
                    "{name}: expected fastrs's {status}, got {}: {}",
                    got.status(),
                    got.text()
                ));
            }
            continue;
        }
        if KNOWN_GAPS.contains(&name) {
            if got.status().as_u16() as u64 != want["status"].as_u64().unwrap() {
                failures.push(format!(
                    "{name}: status {} != {}",
                    got.status(),
                    want["status"]
                ));
            }
            continue;
        }
        compared += 1;
        let mut problems = Vec::new();
        if got.status().as_u16() as u64 != want["status"].as_u64().unwrap() {
            problems.push(format!("status {} != {}", got.status(), want["status"]));
        }
        let want_ct = want["content_type"].as_str();
        if got.header("content-type") != want_ct
            && !(want_ct.is_none() && got.header("content-type").is_none())
        {
            problems.push(format!(
                "content-type {:?} != {:?}",
                got.header("content-type"),
                want_ct
            ));
        }
        if let Some(loc) = want["headers"]["location"].as_str() {
            let path = loc.trim_start_matches("http://testserver");
            if got.header("location") != Some(path) {
                problems.push(format!("location {:?} != {path:?}", got.header("location")));
            }
        }
        if let Some(allow) = want["headers"]["allow"].as_str() {
            // fastrs answers HEAD on GET routes, so it also lists HEAD.
            let got_allow = got.header("allow").unwrap_or("").replace(", HEAD", "");
            if got_allow != allow {
                problems.push(format!("allow {got_allow:?} != {allow:?}"));
            }
        }
        if !want["json"].is_null() {
            let body: Value = serde_json::from_slice(got.bytes()).unwrap_or(Value::Null);
            if body != want["json"] {
                problems.push(format!("body\n    got  {body}\n    want {}", want["json"]));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{name} ({} {}): {}",
                case["request"]["method"].as_str().unwrap(),
                case["request"]["path"].as_str().unwrap(),
                problems.join("; ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from FastAPI:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(compared >= 90);
}
