//! Several body parameters, singular body values, `embed`, and files as
//! bytes, compared with FastAPI.
//!
//! `tests/fastapi_bodies/app.py` is FastAPI's "Body - Multiple Parameters"
//! page (its tutorials 001-005, each under its own prefix) plus a singular
//! body value alone, embedded values with defaults and an alias, a list and
//! a dict in one body, `File()` as bytes beside `UploadFile` (the "Request
//! Files" page), and form fields interleaved with files. `record.py` saved
//! FastAPI's answers and document; this is the same app in fastrs, replayed
//! through `tests/support/replay.rs`, its document compared with FastAPI's.

#[path = "support/replay.rs"]
mod replay;

use std::collections::HashMap;

use fastrs::form::UploadFile;
use fastrs::prelude::*;
use fastrs::serde_json::{json, Map, Value};
use fastrs::Bytes;

#[derive(Model)]
struct Item {
    name: String,
    description: Option<String>,
    price: f64,
    tax: Option<f64>,
}

#[derive(Model)]
struct User {
    username: String,
    full_name: Option<String>,
}

/// `results` as the tutorials build it: a dict of what was given.
fn results(pairs: Vec<(&str, Value)>) -> Json<Map<String, Value>> {
    Json(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn dump<T: fastrs::serde::Serialize>(v: T) -> Value {
    fastrs::serde_json::to_value(v).unwrap()
}

// tutorial001: path constraints, an optional query and an optional body.
#[put("/t1/items/{item_id}")]
async fn update_item_t1(
    #[path(title = "The ID of the item to get", ge = 0, le = 1000)] item_id: i64,
    q: Option<String>,
    item: Option<Item>,
) -> Json<Map<String, Value>> {
    let mut r = vec![("item_id", json!(item_id))];
    if let Some(q) = q.filter(|q| !q.is_empty()) {
        r.push(("q", json!(q)));
    }
    if let Some(item) = item {
        r.push(("item", dump(item)));
    }
    results(r)
}

// tutorial002: two body models.
#[put("/t2/items/{item_id}")]
async fn update_item_t2(item_id: i64, item: Item, user: User) -> Json<Map<String, Value>> {
    results(vec![
        ("item_id", json!(item_id)),
        ("item", dump(item)),
        ("user", dump(user)),
    ])
}

// tutorial003: a singular value in the body.
#[put("/t3/items/{item_id}")]
async fn update_item_t3(
    item_id: i64,
    item: Item,
    user: User,
    #[body] importance: i64,
) -> Json<Map<String, Value>> {
    results(vec![
        ("item_id", json!(item_id)),
        ("item", dump(item)),
        ("user", dump(user)),
        ("importance", json!(importance)),
    ])
}

// tutorial004: a constrained singular body value and a query parameter.
#[put("/t4/items/{item_id}")]
async fn update_item_t4(
    item_id: i64,
    item: Item,
    user: User,
    #[body(gt = 0)] importance: i64,
    q: Option<String>,
) -> Json<Map<String, Value>> {
    let mut r = vec![
        ("item_id", json!(item_id)),
        ("item", dump(item)),
        ("user", dump(user)),
        ("importance", json!(importance)),
    ];
    if let Some(q) = q.filter(|q| !q.is_empty()) {
        r.push(("q", json!(q)));
    }
    results(r)
}

// tutorial005: one model, embedded.
#[put("/t5/items/{item_id}")]
async fn update_item_t5(item_id: i64, #[body(embed)] item: Item) -> Json<Map<String, Value>> {
    results(vec![("item_id", json!(item_id)), ("item", dump(item))])
}

// A singular body value alone: the body is the value itself.
#[post("/single")]
async fn single(#[body(gt = 0)] importance: i64) -> Json<Value> {
    Json(json!({ "importance": importance }))
}

// A singular value embedded, with a default and an alias.
#[post("/embedded-default")]
async fn embedded_default(
    #[body(embed, alias = "n", default = 3)] count: i64,
    #[body(embed)] note: Option<String>,
) -> Json<Value> {
    Json(json!({ "count": count, "note": note }))
}

// A list and a dict as embedded body values.
#[post("/collections")]
async fn collections(
    #[body] tags: Vec<String>,
    #[body] weights: HashMap<String, f64>,
) -> Json<Value> {
    Json(json!({ "tags": tags, "weights": weights }))
}

// request_files tutorial001: `File()` as bytes beside `UploadFile`.
#[post("/files/")]
async fn create_file(#[file] file: Bytes) -> Json<Value> {
    Json(json!({ "file_size": file.len() }))
}

#[post("/uploadfile/")]
async fn create_upload_file(file: UploadFile) -> Json<Value> {
    Json(json!({ "filename": file.filename }))
}

// Form fields and files declared interleaved: errors in declaration order.
#[post("/mixed")]
async fn mixed(
    #[form] first: i64,
    #[file] upload: Bytes,
    #[form] second: i64,
    #[file] optional: Option<Bytes>,
) -> Json<Value> {
    Json(json!({
        "first": first,
        "size": upload.len(),
        "second": second,
        "optional": optional.map(|o| o.len()),
    }))
}

fn app() -> App {
    App::new()
        .title("Bodies")
        .version("0.1.0")
        .route(update_item_t1)
        .route(update_item_t2)
        .route(update_item_t3)
        .route(update_item_t4)
        .route(update_item_t5)
        .route(single)
        .route(embedded_default)
        .route(collections)
        .route(create_file)
        .route(create_upload_file)
        .route(mixed)
}

#[test]
fn answers_as_fastapi_does() {
    let cases = replay::cases(include_str!("fastapi_bodies/recorded.json"));
    let failures = replay::differences(&TestClient::new(app()), &cases);
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn openapi_equals_fastapi() {
    let theirs: Value =
        fastrs::serde_json::from_str(include_str!("fastapi_bodies/openapi.json")).unwrap();
    let diffs = replay::openapi_differences(&app().openapi(), &theirs);
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}
