//! The core features beyond the FastAPI comparison: every route method and
//! option, routers, sync handlers, panics, `HttpError`, response kinds,
//! `response_model`, body limits and content types.

use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};

#[derive(Model, Debug, Clone)]
struct UserCreate {
    #[field(min_length = 1, max_length = 100)]
    name: String,
    email: Email,
    #[field(ge = 0, le = 150)]
    age: i64,
    bio: Option<String>,
    #[field(default = "member")]
    role: String,
}

/// The stored user: has a password hash that must never be returned.
struct UserRow {
    id: i64,
    name: String,
    password_hash: String,
}

#[derive(Model)]
struct UserResponse {
    id: i64,
    name: String,
}

impl From<UserRow> for UserResponse {
    fn from(r: UserRow) -> Self {
        let _ = r.password_hash;
        UserResponse {
            id: r.id,
            name: r.name,
        }
    }
}

#[post("/users", status_code = 201, tags = ["users"], summary = "Create a user")]
async fn create_user(user: UserCreate) -> UserCreate {
    user
}

#[get("/users/{user_id}", response_model = UserResponse)]
async fn read_user(user_id: i64) -> Result<UserRow, HttpError> {
    if user_id == 404 {
        return Err(HttpError::new(404, "User not found").header("x-error", "yes"));
    }
    Ok(UserRow {
        id: user_id,
        name: "Jane".into(),
        password_hash: "secret".into(),
    })
}

#[get("/users", response_model = Vec<UserResponse>)]
async fn list_users() -> Vec<UserRow> {
    vec![UserRow {
        id: 1,
        name: "A".into(),
        password_hash: "x".into(),
    }]
}

/// A plain function: runs on the blocking pool.
#[get("/sync/{n}")]
fn sync_square(n: i64) -> Json<Value> {
    std::thread::sleep(std::time::Duration::from_millis(1));
    Json(json!({"square": n * n}))
}

#[get("/panic")]
async fn panics() -> Json<Value> {
    panic!("boom")
}

#[get("/sync-panic")]
fn sync_panics() -> Json<Value> {
    panic!("sync boom")
}

#[put("/things/{id}")]
async fn put_thing(id: i64) -> Json<Value> {
    Json(json!({"put": id}))
}

#[patch("/things/{id}")]
async fn patch_thing(id: i64) -> Json<Value> {
    Json(json!({"patch": id}))
}

#[delete("/things/{id}", status_code = 204)]
async fn delete_thing(id: i64) {
    let _ = id;
}

#[head("/things")]
async fn head_things() -> NoContent {
    NoContent
}

#[options("/things")]
async fn options_things() -> ([(&'static str, String); 1], NoContent) {
    ([("allow", "GET, OPTIONS".to_string())], NoContent)
}

#[get("/html", include_in_schema = false, deprecated)]
async fn html() -> Html<&'static str> {
    Html("<h1>Hi</h1>")
}

#[get("/text")]
async fn text() -> PlainText<&'static str> {
    PlainText("hello")
}

#[get("/created")]
async fn created() -> (StatusCode, [(&'static str, String); 1], Json<Value>) {
    (
        StatusCode::ACCEPTED,
        [("x-total", "3".to_string())],
        Json(json!({"ok": true})),
    )
}

#[get("/params")]
async fn params(
    #[query(alias = "item-query")] item_query: Option<String>,
    ids: Vec<i64>,
    #[header] x_api_key: Option<String>,
    #[header(alias = "X-Custom")] custom: Option<String>,
    #[cookie] session: Option<String>,
    #[query(default)] page: u32,
) -> Json<Value> {
    Json(
        json!({"q": item_query, "ids": ids, "key": x_api_key, "custom": custom, "session": session, "page": page}),
    )
}

fn app() -> App {
    let users = Router::new()
        .tag("users")
        .route(read_user)
        .route(list_users)
        .route(create_user);
    let things = Router::new()
        .prefix("/v1")
        .tag("things")
        .route(put_thing)
        .route(patch_thing)
        .route(delete_thing)
        .route(head_things)
        .route(options_things);
    App::new()
        .include(users)
        .include(Router::new().prefix("/api").include(things))
        .route(sync_square)
        .route(panics)
        .route(sync_panics)
        .route(html)
        .route(text)
        .route(created)
        .route(params)
        .max_body_size(64)
}

#[test]
fn model_body_defaults_and_status() {
    let c = TestClient::new(app());
    let r = c
        .post("/users")
        .json(&json!({"name": "Jane", "email": " Jane@EXAMPLE.com", "age": "30", "extra": 1}))
        .send();
    assert_eq!(r.status(), 201, "{}", r.text());
    assert_eq!(
        r.json(),
        json!({"name": "Jane", "email": "Jane@example.com", "age": 30, "bio": null, "role": "member"})
    );
}

#[test]
fn response_model_converts_and_hides_fields() {
    let c = TestClient::new(app());
    let r = c.get("/users/7").send();
    assert_eq!(r.json(), json!({"id": 7, "name": "Jane"}));
    let r = c.get("/users").send();
    assert_eq!(r.json(), json!([{"id": 1, "name": "A"}]));
}

#[test]
fn http_error_with_headers() {
    let r = TestClient::new(app()).get("/users/404").send();
    assert_eq!(r.status(), 404);
    assert_eq!(r.json(), json!({"detail": "User not found"}));
    assert_eq!(r.header("x-error"), Some("yes"));
}

#[test]
fn every_method_and_router_prefixes() {
    let c = TestClient::new(app());
    assert_eq!(c.put("/api/v1/things/3").send().json(), json!({"put": 3}));
    assert_eq!(
        c.patch("/api/v1/things/3").send().json(),
        json!({"patch": 3})
    );
    let r = c.delete("/api/v1/things/3").send();
    assert_eq!(r.status(), 204);
    assert!(r.bytes().is_empty());
    assert_eq!(r.header("content-type"), None);
    assert_eq!(c.head("/api/v1/things").send().status(), 204);
    let r = c.options("/api/v1/things").send();
    assert_eq!(r.status(), 204);
    assert_eq!(r.header("allow"), Some("GET, OPTIONS"));
    let r = c.get("/api/v1/things/3").send();
    assert_eq!(r.status(), 405);
    assert_eq!(r.header("allow"), Some("DELETE, PATCH, PUT"));
}

#[test]
fn router_tags_and_route_options_are_recorded() {
    let app = app();
    let find = |p: &str, m: &str| {
        app.routes()
            .iter()
            .find(|r| r.path() == p && r.method().as_str() == m)
            .unwrap_or_else(|| panic!("{m} {p}"))
            .operation()
            .clone()
    };
    let op = find("/users", "POST");
    assert_eq!(op.tags, vec!["users", "users"]);
    assert_eq!(op.summary.as_deref(), Some("Create a user"));
    assert_eq!(op.status, 201);
    let op = find("/api/v1/things/{id}", "PUT");
    assert_eq!(op.tags, vec!["things"]);
    let op = find("/html", "GET");
    assert!(op.deprecated);
    assert!(!op.include_in_schema);
    let op = find("/sync/{n}", "GET");
    assert_eq!(
        op.description.as_deref(),
        Some("A plain function: runs on the blocking pool.")
    );
}

#[test]
fn sync_handler_runs() {
    let r = TestClient::new(app()).get("/sync/7").send();
    assert_eq!(r.json(), json!({"square": 49}));
}

#[test]
fn panic_is_a_500_and_the_app_keeps_serving() {
    let c = TestClient::new(app());
    for path in ["/panic", "/sync-panic"] {
        let r = c.get(path).send();
        assert_eq!(r.status(), 500);
        assert_eq!(r.json(), json!({"detail": "Internal Server Error"}));
    }
    assert_eq!(c.get("/sync/2").send().status(), 200);
}

#[test]
fn other_response_kinds() {
    let c = TestClient::new(app());
    let r = c.get("/html").send();
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(r.text(), "<h1>Hi</h1>");
    let r = c.get("/text").send();
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    let r = c.get("/created").send();
    assert_eq!(r.status(), 202);
    assert_eq!(r.header("x-total"), Some("3"));
}

#[test]
fn params_from_every_source() {
    let c = TestClient::new(app());
    let r = c
        .get("/params?item-query=a%20b&ids=1&ids=2")
        .header("x-api-key", "k")
        .header("x-custom", "c")
        .cookie("session", "s1")
        .send();
    assert_eq!(
        r.json(),
        json!({"q": "a b", "ids": [1, 2], "key": "k", "custom": "c", "session": "s1", "page": 0})
    );
    let r = c.get("/params?page=-1").send();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json()["detail"][0]["type"], "greater_than_equal");
}

#[test]
fn body_over_the_limit_is_413() {
    let c = TestClient::new(app());
    let big = format!(
        r#"{{"name":"{}","email":"a@example.com","age":1}}"#,
        "x".repeat(100)
    );
    let r = c
        .post("/users")
        .header("content-type", "application/json")
        .body(big)
        .send();
    assert_eq!(r.status(), 413);
    assert_eq!(r.json(), json!({"detail": "Payload Too Large"}));
}

#[test]
fn content_types() {
    let c = TestClient::new(app());
    let body = r#"{"name":"J","email":"a@example.com","age":1}"#;
    for ct in [
        "application/json",
        "application/vnd.api+json",
        "APPLICATION/JSON; charset=utf-8",
    ] {
        let r = c
            .post("/users")
            .header("content-type", ct)
            .body(body)
            .send();
        assert_eq!(r.status(), 201, "{ct}");
    }
    for ct in [None, Some("text/plain")] {
        let mut req = c.post("/users").body(body);
        if let Some(ct) = ct {
            req = req.header("content-type", ct);
        }
        let r = req.send();
        assert_eq!(r.status(), 422);
        assert_eq!(r.json()["detail"][0]["type"], "model_attributes_type");
        assert_eq!(r.json()["detail"][0]["input"], body);
    }
    let r = c
        .post("/users")
        .header("content-type", "application/json")
        .body(&b"\xff\xfe\xfd"[..])
        .send();
    assert_eq!(r.status(), 400);
}
