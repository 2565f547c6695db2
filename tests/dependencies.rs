//! Dependencies (`Depends`), their cache, router- and app-level
//! dependencies, errors, app state, and their documentation.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};

/// Counts how many times `counted` ran.
#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

#[dependency]
async fn counted(counter: State<Counter>) -> usize {
    counter.0 .0.fetch_add(1, Ordering::SeqCst) + 1
}

#[dependency]
async fn uses_counted(n: Depends<counted>) -> usize {
    *n
}

#[get("/cached")]
async fn cached(a: Depends<counted>, b: Depends<uses_counted>) -> Json<Value> {
    Json(json!({"a": *a, "b": *b}))
}

#[get("/fresh")]
async fn fresh(a: Depends<counted>, b: Fresh<counted>) -> Json<Value> {
    Json(json!({"a": *a, "b": *b}))
}

#[dependency]
async fn pagination(
    #[query(default = 0, ge = 0)] skip: i64,
    #[query(default = 20, le = 100)] limit: i64,
) -> (i64, i64) {
    (skip, limit)
}

#[dependency]
async fn verify_api_key(#[header] x_api_key: String) -> Result<String, HttpError> {
    if x_api_key != "secret-key-123" {
        return Err(HttpError::new(403, "Invalid API key"));
    }
    Ok(x_api_key)
}

#[derive(Clone, Debug)]
struct User {
    name: String,
}

#[dependency]
async fn current_user(#[header] authorization: Option<String>) -> Result<User, HttpError> {
    match authorization.as_deref() {
        Some("Bearer good") => Ok(User { name: "ada".into() }),
        Some(_) => Err(HttpError::new(401, "Could not validate credentials")
            .header("www-authenticate", "Bearer")),
        None => Err(HttpError::new(401, "Not authenticated").header("www-authenticate", "Bearer")),
    }
}

#[get("/items")]
async fn list_items(
    page: Depends<pagination>,
    #[query(min_length = 1)] q: Option<String>,
) -> Json<Value> {
    let (skip, limit) = *page;
    Json(json!({"skip": skip, "limit": limit, "q": q}))
}

#[get("/stats")]
async fn stats(user: Depends<current_user>) -> Json<Value> {
    Json(json!({"user": user.name}))
}

#[get("/missing-state")]
async fn missing_state(s: State<String>) -> Json<Value> {
    Json(json!({"s": *s}))
}

fn app() -> App {
    let admin = Router::new()
        .prefix("/admin")
        .tag("admin")
        .dependency::<verify_api_key>()
        .route(stats);
    App::new()
        .state(Counter::default())
        .route(cached)
        .route(fresh)
        .route(list_items)
        .route(missing_state)
        .include(admin)
}

#[test]
fn a_dependency_used_twice_runs_once_per_request() {
    let c = TestClient::new(app());
    assert_eq!(c.get("/cached").send().json(), json!({"a": 1, "b": 1}));
    // a new request runs it again, once
    assert_eq!(c.get("/cached").send().json(), json!({"a": 2, "b": 2}));
}

#[test]
fn fresh_opts_out_of_the_cache() {
    let c = TestClient::new(app());
    assert_eq!(c.get("/fresh").send().json(), json!({"a": 1, "b": 2}));
}

#[test]
fn dependency_parameters_validate_with_the_handlers() {
    let c = TestClient::new(app());
    assert_eq!(
        c.get("/items?skip=5").send().json(),
        json!({"skip": 5, "limit": 20, "q": null})
    );
    let r = c.get("/items?skip=-1&limit=500&q=").send();
    assert_eq!(r.status(), 422);
    let detail = r.json()["detail"].clone();
    let types: Vec<&str> = detail
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["greater_than_equal", "less_than_equal", "string_too_short"]
    );
}

#[test]
fn router_dependency_runs_first_and_short_circuits() {
    let c = TestClient::new(app());
    // wrong key: 403 even without a token
    let r = c.get("/admin/stats").header("x-api-key", "nope").send();
    assert_eq!(r.status(), 403);
    assert_eq!(r.json(), json!({"detail": "Invalid API key"}));
    // no key and no token: the key's error is a validation error, the token's a 401
    let r = c.get("/admin/stats").send();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json(), json!({"detail": "Not authenticated"}));
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    // good token, no key: 422 on the header
    let r = c
        .get("/admin/stats")
        .header("authorization", "Bearer good")
        .send();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json(),
        json!({"detail": [{"type": "missing", "loc": ["header", "x-api-key"], "msg": "Field required", "input": null}]})
    );
    let r = c
        .get("/admin/stats")
        .header("authorization", "Bearer good")
        .header("x-api-key", "secret-key-123")
        .send();
    assert_eq!(r.json(), json!({"user": "ada"}));
}

#[test]
fn missing_state_is_a_500() {
    let r = TestClient::new(app()).get("/missing-state").send();
    assert_eq!(r.status(), 500);
}

#[test]
fn dependency_parameters_are_documented_once() {
    let doc = app().openapi();
    let params = doc["paths"]["/items"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .clone();
    let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["skip", "limit", "q"]);
    let params = &doc["paths"]["/admin/stats"]["get"]["parameters"];
    let names: Vec<&str> = params
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["x-api-key", "authorization"]);
    // /cached takes only state and dependencies without parameters: no 422
    assert!(doc["paths"]["/cached"]["get"]["responses"]
        .get("422")
        .is_none());
}
