//! Parameter models, compared with FastAPI: a `#[derive(Model)]` struct as
//! `#[query]`, `#[header]`, `#[cookie]` and `#[form]` parameter.
//!
//! `tests/fastapi_param_models/app.py` holds FastAPI's "Query Parameter
//! Models", "Header Parameter Models", "Cookie Parameter Models" and "Form
//! Models" pages, each with and without `extra = "forbid"`; `record.py`
//! saved FastAPI's answers and document. This is the same app in fastrs,
//! replayed through `tests/support/replay.rs`, its document compared with
//! FastAPI's.

#[path = "support/replay.rs"]
mod replay;

use fastrs::prelude::*;
use fastrs::serde_json::Value;

/// The handlers return the model as FastAPI's do, undeclared (`{}` in the
/// document).
fn to_value<T: fastrs::serde::Serialize>(model: T) -> Value {
    fastrs::serde_json::to_value(model).unwrap()
}

#[derive(Model, Default)]
#[model(literal, rename_all = "snake_case")]
enum OrderBy {
    #[default]
    CreatedAt,
    UpdatedAt,
}

#[derive(Model)]
struct FilterParams {
    #[field(default = 100, gt = 0, le = 100)]
    limit: i64,
    #[field(default = 0, ge = 0)]
    offset: i64,
    #[field(default)]
    order_by: OrderBy,
    #[field(default)]
    tags: Vec<String>,
}

#[derive(Model)]
#[model(extra = "forbid")]
struct StrictFilterParams {
    #[field(default = 100, gt = 0, le = 100)]
    limit: i64,
    #[field(default = 0, ge = 0)]
    offset: i64,
    #[field(default)]
    order_by: OrderBy,
    #[field(default)]
    tags: Vec<String>,
}

#[get("/query/items/")]
async fn read_items_query(#[query] filter_query: FilterParams) -> Json<Value> {
    Json(to_value(filter_query))
}

#[get("/query-forbid/items/")]
async fn read_items_query_forbid(#[query] filter_query: StrictFilterParams) -> Json<Value> {
    Json(to_value(filter_query))
}

#[derive(Model)]
struct CommonHeaders {
    host: String,
    save_data: bool,
    if_modified_since: Option<String>,
    traceparent: Option<String>,
    #[field(default)]
    x_tag: Vec<String>,
}

#[derive(Model)]
#[model(extra = "forbid")]
struct StrictCommonHeaders {
    host: String,
    save_data: bool,
    if_modified_since: Option<String>,
    traceparent: Option<String>,
    #[field(default)]
    x_tag: Vec<String>,
}

#[get("/header/items/")]
async fn read_items_header(#[header] headers: CommonHeaders) -> Json<Value> {
    Json(to_value(headers))
}

#[get("/header-forbid/items/")]
async fn read_items_header_forbid(#[header] headers: StrictCommonHeaders) -> Json<Value> {
    Json(to_value(headers))
}

#[derive(Model)]
struct Cookies {
    session_id: String,
    fatebook_tracker: Option<String>,
    googall_tracker: Option<String>,
}

#[derive(Model)]
#[model(extra = "forbid")]
struct StrictCookies {
    session_id: String,
    fatebook_tracker: Option<String>,
    googall_tracker: Option<String>,
}

#[get("/cookie/items/")]
async fn read_items_cookie(#[cookie] cookies: Cookies) -> Json<Value> {
    Json(to_value(cookies))
}

#[get("/cookie-forbid/items/")]
async fn read_items_cookie_forbid(#[cookie] cookies: StrictCookies) -> Json<Value> {
    Json(to_value(cookies))
}

#[derive(Model)]
struct FormData {
    username: String,
    password: String,
}

#[derive(Model)]
#[model(extra = "forbid")]
struct StrictFormData {
    username: String,
    password: String,
}

#[post("/form/login/")]
async fn login(#[form] data: FormData) -> Json<Value> {
    Json(to_value(data))
}

#[post("/form-forbid/login/")]
async fn login_forbid(#[form] data: StrictFormData) -> Json<Value> {
    Json(to_value(data))
}

fn app() -> App {
    App::new()
        .title("Parameter models")
        .version("0.1.0")
        .route(read_items_query)
        .route(read_items_query_forbid)
        .route(read_items_header)
        .route(read_items_header_forbid)
        .route(read_items_cookie)
        .route(read_items_cookie_forbid)
        .route(login)
        .route(login_forbid)
}

/// `Header(convert_underscores=False)` has no fastrs equivalent yet: its
/// cases and operation are left out.
fn supported(name: &str) -> bool {
    !name.starts_with("header-underscores")
}

#[test]
fn answers_as_fastapi_does() {
    let cases: Vec<Value> = replay::cases(include_str!("fastapi_param_models/recorded.json"))
        .into_iter()
        .filter(|c| supported(c["name"].as_str().unwrap()))
        .collect();
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
    let mut theirs: Value =
        fastrs::serde_json::from_str(include_str!("fastapi_param_models/openapi.json")).unwrap();
    theirs["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/header-underscores/items/");
    let diffs = replay::openapi_differences(&app().openapi(), &theirs);
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}
