//! The OpenAPI document compared with FastAPI's, and validated.
//!
//! `tests/fastapi_twin/record_openapi.py` recorded FastAPI's `openapi.json`
//! for three apps (`openapi/{hello,twin,rich}.json`); the same apps are
//! declared here with fastrs and their documents must be equal to FastAPI's
//! (numbers compared by value: Pydantic writes model bounds as floats). Each
//! document is also checked by `openapi-spec-validator`, an independent
//! OpenAPI 3.1 validator from PyPI (installed by `.ci/run`).

#[path = "support/twin.rs"]
mod twin;

use fastrs::chrono::{DateTime, Utc};
use fastrs::openapi::{Contact, License};
use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};

#[derive(Model)]
#[model(rename_all = "lowercase")]
enum Color {
    Red,
    Green,
    Blue,
}

#[derive(Model)]
struct ErrorMessage {
    detail: String,
}

#[derive(Model)]
struct Address {
    street: String,
    city: String,
    country: String,
    zip_code: String,
}

#[derive(Model)]
struct OrderItem {
    #[field(ge = 1, description = "Catalog product id", example = 42)]
    product_id: i64,
    #[field(gt = 0)]
    quantity: i64,
}

#[derive(Model)]
struct OrderCreate {
    #[field(min_length = 1)]
    items: Vec<OrderItem>,
    shipping_address: Address,
    notes: Option<String>,
    #[field(default = false)]
    gift_wrap: bool,
    deliver_after: Option<DateTime<Utc>>,
}

#[derive(Model)]
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

#[derive(Model, Clone)]
struct UserResponse {
    id: i64,
    name: String,
    email: String,
    age: i64,
    #[field(required)]
    bio: Option<String>,
    created_at: DateTime<Utc>,
}

fn ada() -> UserResponse {
    UserResponse {
        id: 1,
        name: "Ada".into(),
        email: "ada@example.com".into(),
        age: 36,
        bio: None,
        created_at: DateTime::from_timestamp(1_704_067_200, 0).unwrap(),
    }
}

/// Creates a user.
#[post("", status_code = 201, response_model = UserResponse)]
async fn create_user(user: UserCreate) -> UserResponse {
    UserResponse {
        name: user.name,
        ..ada()
    }
}

#[get("/{user_id}", response_model = UserResponse, responses(404 = (ErrorMessage, "User not found")))]
async fn read_user(user_id: i64) -> Result<UserResponse, HttpError> {
    Ok(UserResponse {
        id: user_id,
        ..ada()
    })
}

#[get("", response_model = Vec<UserResponse>)]
async fn list_users(
    #[query(default = 0, ge = 0)] skip: i64,
    #[query(default = 20, ge = 1, le = 100)] limit: i64,
) -> Vec<UserResponse> {
    let _ = (skip, limit);
    vec![ada()]
}

/// Ignored: the explicit description wins.
#[get(
    "/legacy",
    summary = "Custom summary",
    description = "Custom description",
    deprecated
)]
async fn legacy_search() -> Json<Value> {
    Json(json!({"legacy": true}))
}

#[get("/internal", include_in_schema = false)]
async fn internal() -> Json<Value> {
    Json(json!({"internal": true}))
}

#[delete("/items/{item_id}", status_code = 204)]
async fn delete_item(item_id: i64) {
    let _ = item_id;
}

/// Paints with a color.
///
/// The color is a query parameter; the trace id comes from the `X-Request-ID` header.
#[get("/paint")]
async fn paint(
    #[query] color: Color,
    #[header(alias = "X-Request-ID")] request_id: Option<String>,
) -> Json<Value> {
    Json(json!({"color": color, "request_id": request_id}))
}

#[get("/search")]
async fn search(
    #[query(description = "Text to look for", example = "widget", min_length = 1)] term: String,
) -> Json<Value> {
    Json(json!({"term": term}))
}

#[post("/orders")]
async fn create_order(order: OrderCreate) -> Json<Value> {
    Json(json!({"item_count": order.items.iter().map(|i| i.quantity).sum::<i64>()}))
}

fn rich() -> App {
    let users = Router::new()
        .prefix("/users")
        .tag("users")
        .route(create_user)
        .route(read_user)
        .route(list_users);
    App::new()
        .title("Rich API")
        .version("2.1.0")
        .description("A richer app.")
        .summary("Short summary")
        .contact(Contact {
            name: Some("Team".into()),
            email: Some("team@example.com".into()),
            url: None,
        })
        .license(License {
            name: "MIT".into(),
            ..Default::default()
        })
        .server("http://localhost:8000", None)
        .tag("users", Some("User operations"))
        .include(users)
        .route(legacy_search)
        .route(internal)
        .route(delete_item)
        .route(paint)
        .route(search)
        .route(create_order)
}

/// Numbers as f64, so `1` and `1.0` compare equal (Pydantic floats model bounds).
fn numbers_by_value(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64().unwrap_or(f64::NAN)),
        Value::Array(a) => Value::Array(a.iter().map(numbers_by_value).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), numbers_by_value(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn first_difference(ours: &Value, theirs: &Value, path: &str) -> Option<String> {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for k in a.keys().chain(b.keys()) {
                let p = format!("{path}/{k}");
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => {
                        if let Some(d) = first_difference(x, y, &p) {
                            return Some(d);
                        }
                    }
                    (x, y) => return Some(format!("{p}: ours {x:?}, FastAPI's {y:?}")),
                }
            }
            None
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}/{i}"))),
        _ if ours == theirs => None,
        _ => Some(format!("{path}: ours {ours}, FastAPI's {theirs}")),
    }
}

fn assert_same_as_fastapi(ours: &Value, recorded: &str) {
    let theirs: Value = serde_json::from_str(recorded).expect("recorded JSON");
    let (a, b) = (numbers_by_value(ours), numbers_by_value(&theirs));
    if let Some(d) = first_difference(&a, &b, "") {
        panic!(
            "differs from FastAPI at {d}\nours: {}",
            serde_json::to_string_pretty(ours).unwrap()
        );
    }
}

#[test]
fn hello_document_equals_fastapi() {
    assert_same_as_fastapi(
        &hello::app().openapi(),
        include_str!("fastapi_twin/openapi/hello.json"),
    );
}

#[test]
fn twin_document_equals_fastapi() {
    assert_same_as_fastapi(
        &twin::twin().openapi(),
        include_str!("fastapi_twin/openapi/twin.json"),
    );
}

#[test]
fn rich_document_equals_fastapi() {
    assert_same_as_fastapi(
        &rich().openapi(),
        include_str!("fastapi_twin/openapi/rich.json"),
    );
}

#[test]
fn served_from_memory_and_configurable() {
    let client = TestClient::new(hello::app());
    let r = client.get("/openapi.json").send();
    assert_eq!(r.status(), 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json(), hello::app().openapi());
    // the document route itself is not documented
    assert!(r.json()["paths"].get("/openapi.json").is_none());

    let client = TestClient::new(hello::app().openapi_url(Some("/api/spec.json")));
    assert_eq!(client.get("/api/spec.json").send().status(), 200);
    assert_eq!(client.get("/openapi.json").send().status(), 404);
    let client = TestClient::new(hello::app().openapi_url(None));
    assert_eq!(client.get("/openapi.json").send().status(), 404);
}

#[test]
fn required_nullable_field_must_be_present() {
    let doc = rich().openapi();
    let required = &doc["components"]["schemas"]["UserResponse"]["required"];
    assert!(required.as_array().unwrap().contains(&json!("bio")));
}

/// Runs `openapi-spec-validator` on each document. Without Python or the
/// validator the test says why and passes, unless `FASTRS_REQUIRE_VALIDATOR`
/// is set (CI sets it).
#[test]
fn documents_are_valid_openapi_3_1() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fastapi_twin/validate_openapi.py"
    );
    let available = Command::new("python3")
        .args(["-c", "import openapi_spec_validator"])
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        assert!(
            std::env::var_os("FASTRS_REQUIRE_VALIDATOR").is_none(),
            "openapi-spec-validator is required (pip install openapi-spec-validator)"
        );
        eprintln!("skipped: python3 with openapi-spec-validator is not installed");
        return;
    }
    // The twin declares a default (1) that breaks its own multiple_of (5), as
    // FastAPI's does; the validator checks defaults, Pydantic does not.
    for (name, doc, extra) in [
        ("hello", hello::app().openapi(), None),
        ("rich", rich().openapi(), None),
        ("twin", twin::twin().openapi(), Some("--ignore-defaults")),
    ] {
        let mut cmd = Command::new("python3");
        cmd.arg(script);
        if let Some(e) = extra {
            cmd.arg(e);
        }
        let mut child = cmd
            .arg("-")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(serde_json::to_string(&doc).unwrap().as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{name}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
