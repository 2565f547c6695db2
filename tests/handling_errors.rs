//! FastAPI's "Handling Errors" page, compared with FastAPI: each tutorial's
//! app in fastrs, replayed against the answers `tests/fastapi_errors/record.py`
//! recorded from FastAPI (one directory per app, since exception handlers
//! are app-wide).
//!
//! - t001_003: `HTTPException` (with headers) and a custom exception with
//!   its own handler;
//! - t004: the `HTTPException` and validation handlers replaced by
//!   plain-text ones;
//! - t005: a validation handler answering with the errors and the body the
//!   request carried (`exc.body`), the body sent as JSON, broken JSON, text, a
//!   form, or not at all;
//! - t006: handlers that log, then answer as the default ones.

#[path = "support/replay.rs"]
mod replay;

use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};
use fastrs::validation::LocItem;
use fastrs::ValidationErrors;

fn replay(app: App, recorded: &str) {
    let cases = replay::cases(recorded);
    let failures = replay::differences(&TestClient::new(app), &cases);
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

// ---- tutorials 001-003

fn stored(item_id: &str) -> Option<&'static str> {
    (item_id == "foo").then_some("The Foo Wrestlers")
}

#[get("/items/{item_id}")]
async fn read_item(item_id: String) -> Result<Json<Value>, HttpError> {
    let item = stored(&item_id).ok_or_else(|| HttpError::new(404, "Item not found"))?;
    Ok(Json(json!({ "item": item })))
}

#[get("/items-header/{item_id}")]
async fn read_item_header(item_id: String) -> Result<Json<Value>, HttpError> {
    let item = stored(&item_id).ok_or_else(|| {
        HttpError::new(404, "Item not found").header("X-Error", "There goes my error")
    })?;
    Ok(Json(json!({ "item": item })))
}

#[derive(Debug)]
struct UnicornException {
    name: String,
}

impl IntoResponse for UnicornException {
    fn into_response(self) -> Response {
        fastrs::exception::raise(self)
    }
}

#[get("/unicorns/{name}")]
async fn read_unicorn(name: String) -> Result<Json<Value>, UnicornException> {
    if name == "yolo" {
        return Err(UnicornException { name });
    }
    Ok(Json(json!({ "unicorn_name": name })))
}

fn app_001_003() -> App {
    App::new()
        .route(read_item)
        .route(read_item_header)
        .route(read_unicorn)
        .exception_handler(|exc: &UnicornException| {
            let message = format!("Oops! {} did something. There goes a rainbow...", exc.name);
            (StatusCode::IM_A_TEAPOT, Json(json!({ "message": message }))).into_response()
        })
}

#[test]
fn tutorials_001_to_003() {
    // The recorder keeps no custom header: the page's `X-Error` checked here.
    let r = TestClient::new(app_001_003())
        .get("/items-header/bar")
        .send();
    assert_eq!(r.header("x-error"), Some("There goes my error"));
    replay(
        app_001_003(),
        include_str!("fastapi_errors/t001_003/recorded.json"),
    );
}

// ---- tutorials 004 and 006

#[get("/items/{item_id}")]
async fn read_int_item(item_id: i64) -> Result<Json<Value>, HttpError> {
    if item_id == 3 {
        return Err(HttpError::new(418, "Nope! I don't like 3."));
    }
    Ok(Json(json!({ "item_id": item_id })))
}

/// An error's `loc` as Python prints the tuple: `('path', 'item_id')`.
fn python_tuple(loc: &[LocItem]) -> String {
    let items: Vec<String> = loc
        .iter()
        .map(|l| match l {
            LocItem::Key(k) => format!("'{k}'"),
            LocItem::Index(i) => i.to_string(),
        })
        .collect();
    match items.len() {
        1 => format!("({},)", items[0]),
        _ => format!("({})", items.join(", ")),
    }
}

#[test]
fn tutorial_004_plain_text_handlers() {
    let app = App::new()
        .route(read_int_item)
        .exception_handler(|exc: &HttpError| {
            let detail = match exc.detail() {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (exc.status(), PlainText(detail)).into_response()
        })
        .exception_handler(|exc: &ValidationErrors| {
            let mut message = String::from("Validation errors:");
            for e in exc.errors() {
                message += &format!("\nField: {}, Error: {}", python_tuple(&e.loc), e.msg);
            }
            (StatusCode::BAD_REQUEST, PlainText(message)).into_response()
        });
    replay(app, include_str!("fastapi_errors/t004/recorded.json"));
}

#[test]
fn tutorial_006_reusing_the_default_handlers() {
    let app = App::new()
        .route(read_int_item)
        .exception_handler(|exc: &HttpError| {
            eprintln!("OMG! An HTTP error!: {exc}");
            exc.clone().into_response()
        })
        .exception_handler(|exc: &ValidationErrors| {
            eprintln!("OMG! The client sent invalid data!: {} errors", exc.len());
            exc.clone().into_response()
        });
    replay(app, include_str!("fastapi_errors/t006/recorded.json"));
}

// ---- tutorial 005

#[derive(Model)]
struct Item {
    title: String,
    size: i64,
}

#[post("/items/")]
async fn create_item(item: Item) -> Item {
    item
}

#[get("/query")]
async fn query(size: i64) -> Json<Value> {
    Json(json!({ "size": size }))
}

#[post("/form")]
async fn form(#[form] title: String, #[form] size: i64) -> Json<Value> {
    Json(json!({ "title": title, "size": size }))
}

fn app_005() -> App {
    App::new()
        .title("Handling errors")
        .route(create_item)
        .route(query)
        .route(form)
        .exception_handler(|exc: &ValidationErrors| {
            let content = json!({"detail": exc.errors(), "body": exc.body()});
            (StatusCode::UNPROCESSABLE_ENTITY, Json(content)).into_response()
        })
}

#[test]
fn tutorial_005_the_handler_sees_the_body() {
    replay(app_005(), include_str!("fastapi_errors/t005/recorded.json"));
}

/// Without a handler, the 422 is FastAPI's plain `{"detail": […]}`.
#[test]
fn without_a_handler_the_body_is_not_echoed() {
    let app = App::new().route(create_item);
    let r = TestClient::new(app)
        .post("/items/")
        .json(&json!({"title": "towel", "size": "XL"}))
        .send();
    assert_eq!(r.status(), 422);
    assert!(r.json().get("body").is_none());
    assert_eq!(r.json()["detail"][0]["loc"], json!(["body", "size"]));
}
