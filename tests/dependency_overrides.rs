//! Dependency overrides (FastAPI's `app.dependency_overrides`), compared
//! with FastAPI: `tests/fastapi_testing/app.py` is the "Testing Dependencies
//! with Overrides" page plus overrides of a sub-dependency, of a security
//! scheme, and a replacement with its own parameters; `record.py` saved
//! FastAPI's answers and document. This is the same app in fastrs.

#[path = "support/replay.rs"]
mod replay;

use fastrs::prelude::*;
use fastrs::security::OAuth2PasswordBearer;
use fastrs::serde_json::{json, Value};

#[dependency]
async fn common_parameters(
    q: Option<String>,
    #[query(default = 0)] skip: i64,
    #[query(default = 100)] limit: i64,
) -> Value {
    json!({"q": q, "skip": skip, "limit": limit})
}

#[get("/items/")]
async fn read_items(commons: Depends<common_parameters>) -> Json<Value> {
    Json(json!({"message": "Hello Items!", "params": *commons}))
}

#[get("/users/")]
async fn read_users(commons: Depends<common_parameters>) -> Json<Value> {
    Json(json!({"message": "Hello Users!", "params": *commons}))
}

#[dependency]
async fn override_dependency(q: Option<String>) -> Value {
    json!({"q": q, "skip": 5, "limit": 10})
}

// A sub-dependency replaced.
#[dependency]
async fn get_token(#[header] x_token: String) -> String {
    x_token
}

#[dependency]
async fn current_user(token: Depends<get_token>) -> Value {
    json!({"name": format!("user of {}", *token)})
}

#[get("/me")]
async fn read_me(user: Depends<current_user>) -> Json<Value> {
    Json(user.into_inner())
}

#[dependency]
async fn fake_token() -> String {
    "fixed".into()
}

// A security scheme replaced.
fastrs::security_config!(pub TokenUrl: OAuth2PasswordBearerConfig, token_url = "token");

#[get("/secure")]
async fn read_secure(token: Depends<OAuth2PasswordBearer<TokenUrl>>) -> Json<Value> {
    Json(json!({"token": *token}))
}

#[dependency]
async fn logged_in() -> String {
    "test-token".into()
}

// A replacement with its own parameters and sub-dependency.
#[dependency]
async fn real_db() -> String {
    "production".into()
}

#[get("/db")]
async fn read_db(db: Depends<real_db>) -> Json<Value> {
    Json(json!({"db": *db}))
}

#[dependency]
async fn db_suffix(#[header] x_suffix: String) -> String {
    x_suffix
}

#[dependency]
async fn test_db(suffix: Depends<db_suffix>, #[query(default = 1)] n: i64) -> String {
    format!("test-{}-{n}", *suffix)
}

fn app() -> App {
    App::new()
        .title("Testing dependencies")
        .route(read_items)
        .route(read_users)
        .route(read_me)
        .route(read_secure)
        .route(read_db)
}

fn overridden() -> App {
    app()
        .dependency_override::<common_parameters, override_dependency>()
        .dependency_override::<get_token, fake_token>()
        .dependency_override::<OAuth2PasswordBearer<TokenUrl>, logged_in>()
        .dependency_override::<real_db, test_db>()
}

#[test]
fn overrides_answer_as_fastapi() {
    let cases = replay::cases(include_str!("fastapi_testing/recorded.json"));
    let failures = replay::differences(&TestClient::new(overridden()), &cases);
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The document shows the dependencies as written, not their replacements.
#[test]
fn openapi_equals_fastapi() {
    let theirs: Value =
        fastrs::serde_json::from_str(include_str!("fastapi_testing/openapi.json")).unwrap();
    let diffs = replay::openapi_differences(&overridden().openapi(), &theirs);
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

/// Without overrides the same app runs the dependencies it declares.
#[test]
fn without_overrides_the_declared_dependencies_run() {
    let client = TestClient::new(app());
    let r = client.get("/items/?skip=1").send();
    assert_eq!(
        r.json()["params"],
        json!({"q": null, "skip": 1, "limit": 100})
    );
    assert_eq!(client.get("/me").send().status(), 422);
    assert_eq!(client.get("/secure").send().status(), 401);
    assert_eq!(client.get("/db").send().json(), json!({"db": "production"}));
}

/// Router and app dependencies, and `Fresh`, run the replacement too.
#[test]
fn route_dependencies_and_fresh_are_overridden() {
    #[dependency]
    async fn verify_key(#[header] x_key: String) -> Result<(), HttpError> {
        if x_key == "good" {
            Ok(())
        } else {
            Err(HttpError::new(403, "bad key"))
        }
    }
    #[dependency]
    async fn accept_all() {}

    #[get("/fresh")]
    async fn fresh(v: Fresh<real_db>) -> Json<Value> {
        Json(json!({"db": *v}))
    }
    #[dependency]
    async fn staging() -> String {
        "staging".into()
    }

    let app = App::new()
        .route(fresh)
        .dependency::<verify_key>()
        .dependency_override::<verify_key, accept_all>()
        .dependency_override::<real_db, staging>();
    let client = TestClient::new(app);
    let r = client.get("/fresh").send();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json(), json!({"db": "staging"}));
}
