//! Testing a fastrs app as FastAPI users do, compared with FastAPI:
//! `tests/fastapi_testing/app.py` is the "Testing Dependencies with
//! Overrides" page plus overrides of a sub-dependency, of a security scheme
//! and a replacement with its own parameters, and cookies that the test
//! client keeps between requests (httpx's jar); `record.py` saved FastAPI's
//! answers, in order, through one client, and its document. This is the same
//! app in fastrs, replayed through the blocking `TestClient` and the
//! `AsyncTestClient` in `#[tokio::test]`.

#[path = "support/replay.rs"]
mod replay;

use fastrs::prelude::*;
use fastrs::security::OAuth2PasswordBearer;
use fastrs::serde_json::{json, Value};
use fastrs::set_cookie::SetCookie;
use fastrs::AsyncTestClient;

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

// Cookies, set through the response parameter as FastAPI's app does.
#[post("/login")]
async fn login(response: TemporalResponse) -> Json<Value> {
    response.set_cookie(SetCookie::new("session", "abc"));
    response.set_cookie(SetCookie::new("area", "admin").path("/admin"));
    Json(json!({"logged_in": true}))
}

#[get("/whoami")]
async fn whoami(#[cookie] session: Option<String>, #[cookie] area: Option<String>) -> Json<Value> {
    Json(json!({"session": session, "area": area}))
}

#[get("/admin/whoami")]
async fn admin_whoami(
    #[cookie] session: Option<String>,
    #[cookie] area: Option<String>,
) -> Json<Value> {
    Json(json!({"session": session, "area": area}))
}

#[post("/logout")]
async fn logout(response: TemporalResponse) -> Json<Value> {
    response.delete_cookie("session");
    Json(json!({"logged_in": false}))
}

fn app() -> App {
    App::new()
        .title("Testing dependencies")
        .route(read_items)
        .route(read_users)
        .route(read_me)
        .route(read_secure)
        .route(read_db)
        .route(login)
        .route(whoami)
        .route(admin_whoami)
        .route(logout)
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
    replay::assert_replays(
        &TestClient::new(overridden()),
        include_str!("fastapi_testing/recorded.json"),
    );
}

#[tokio::test]
async fn the_async_client_answers_as_fastapi() {
    let cases = replay::cases(include_str!("fastapi_testing/recorded.json"));
    let client = AsyncTestClient::new(overridden());
    let failures = replay::differences_async(&client, &cases).await;
    replay::assert_no_case_differs(&failures, cases.len());
}

/// The document shows the dependencies as written, not their replacements.
#[test]
fn openapi_equals_fastapi() {
    replay::assert_openapi_equal(
        &overridden().openapi(),
        include_str!("fastapi_testing/openapi.json"),
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

/// Start-up runs on the first request, shutdown on `shutdown().await` or
/// on drop; the app runs on the test's runtime.
#[tokio::test]
async fn the_async_client_runs_the_lifespan() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[derive(Clone)]
    struct Counters {
        started: Arc<AtomicUsize>,
        stopped: Arc<AtomicUsize>,
    }

    #[get("/started")]
    async fn started(c: State<Counters>) -> Json<Value> {
        // the handler runs on the test's runtime: its tasks are there
        let on_test_runtime = tokio::task::spawn(async { 1 }).await.unwrap();
        Json(json!({"started": c.started.load(Ordering::SeqCst), "spawned": on_test_runtime}))
    }

    let app = |c: Counters| {
        let s = c.clone();
        App::new()
            .route(started)
            .state(c)
            .on_startup(move || {
                let s = s.clone();
                async move {
                    s.started.fetch_add(1, Ordering::SeqCst);
                    Ok::<_, std::io::Error>(())
                }
            })
            .on_shutdown(|c: Counters| async move {
                c.stopped.fetch_add(1, Ordering::SeqCst);
            })
    };
    let c = Counters {
        started: Arc::default(),
        stopped: Arc::default(),
    };

    let client = AsyncTestClient::new(app(c.clone()));
    assert_eq!(
        c.started.load(Ordering::SeqCst),
        0,
        "nothing runs before the first request"
    );
    let r = client.get("/started").send().await;
    assert_eq!(r.json(), json!({"started": 1, "spawned": 1}));
    client.get("/started").send().await;
    assert_eq!(c.started.load(Ordering::SeqCst), 1, "start-up runs once");
    client.shutdown().await;
    assert_eq!(c.stopped.load(Ordering::SeqCst), 1);

    let client = AsyncTestClient::new(app(c.clone()));
    client.get("/started").send().await;
    drop(client);
    assert_eq!(
        c.stopped.load(Ordering::SeqCst),
        2,
        "dropping the client shuts the app down"
    );

    let client = AsyncTestClient::new(app(c.clone()));
    drop(client);
    assert_eq!(
        c.started.load(Ordering::SeqCst),
        2,
        "a client never used starts nothing"
    );
    assert_eq!(c.stopped.load(Ordering::SeqCst), 2);
}

// ---- the contract check: responses against the app's own document

#[derive(Model, Clone)]
struct Stock {
    name: String,
    #[field(ge = 0)]
    count: i64,
}

#[get("/stock/{name}")]
async fn read_stock(name: String) -> Result<Stock, HttpError> {
    match name.as_str() {
        "gone" => Err(HttpError::new(410, "Gone")),
        // a bug: a negative count where the schema says minimum 0
        "broken" => Ok(Stock { name, count: -1 }),
        _ => Ok(Stock { name, count: 3 }),
    }
}

fn contract_failure(f: impl FnOnce()) -> String {
    let e = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .expect_err("the contract check should fail");
    e.downcast_ref::<String>().cloned().unwrap_or_default()
}

#[test]
fn the_contract_check_fails_on_an_undocumented_status() {
    let client = TestClient::new(App::new().route(read_stock)).check_contract();
    assert_eq!(client.get("/stock/apple").send().status(), 200);
    let msg = contract_failure(|| {
        client.get("/stock/gone").send();
    });
    assert_eq!(
        msg,
        "contract check failed: GET /stock/{name}: status 410 is not documented (documented: 200, 422)"
    );
}

#[test]
fn the_contract_check_fails_on_a_body_that_breaks_its_schema() {
    let client = TestClient::new(App::new().route(read_stock)).check_contract();
    let msg = contract_failure(|| {
        client.get("/stock/broken").send();
    });
    assert_eq!(
        msg,
        "contract check failed: GET /stock/{name}: the body of status 200 does not match the documented schema\n  \
         at `/count` (schema /components/schemas/Stock/properties/count/minimum): -1 is less than the minimum of 0\n  \
         body: {\"name\":\"broken\",\"count\":-1}"
    );
}

#[tokio::test]
async fn the_async_client_checks_the_contract_and_reports_what_was_not_exercised() {
    let client = AsyncTestClient::new(App::new().route(read_stock)).check_contract();
    assert_eq!(
        client.contract_report(),
        "GET /stock/{name} 200\nGET /stock/{name} 422\n"
    );
    client.get("/stock/apple").send().await;
    // not an operation: not checked
    assert_eq!(client.get("/nothing").send().await.status(), 404);
    assert_eq!(client.contract_report(), "GET /stock/{name} 422\n");
}

/// The FastAPI-recorded app above passes the check on every recorded
/// request but those to `/db`, whose replacement takes parameters that the
/// document (written from the dependency it replaces) does not have: its 422
/// is undocumented, in FastAPI's document too, and the check says so.
#[test]
fn the_recorded_app_keeps_its_contract_but_for_an_override_with_parameters() {
    let cases: Vec<Value> = replay::cases(include_str!("fastapi_testing/recorded.json"))
        .into_iter()
        .filter(|c| !c["name"].as_str().unwrap().starts_with("db_"))
        .collect();
    let client = TestClient::new(overridden()).check_contract();
    let failures = replay::differences(&client, &cases);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let msg = contract_failure(|| {
        client.get("/db?n=x").header("x-suffix", "a").send();
    });
    assert_eq!(
        msg,
        "contract check failed: GET /db: status 422 is not documented (documented: 200)"
    );
}

/// `#[dependency(responses(…))]` documents the dependency's errors on every
/// route using it, directly or as a router's dependency; a route's own
/// `responses(…)` win.
#[test]
fn dependency_responses_are_documented_on_their_routes() {
    #[dependency(responses(401 = HttpError, 403 = (HttpError, "Not allowed")))]
    async fn guard(#[header] x_user: String) -> Result<String, HttpError> {
        match x_user.as_str() {
            "" => Err(HttpError::new(401, "Who are you?")),
            "eve" => Err(HttpError::new(403, "Not you")),
            _ => Ok(x_user),
        }
    }
    #[get("/direct")]
    async fn direct(user: Depends<guard>) -> Json<Value> {
        Json(json!({"user": *user}))
    }
    #[get("/own", responses(401 = (HttpError, "Log in first")))]
    async fn own(_user: Depends<guard>) -> Json<Value> {
        Json(json!({}))
    }
    #[get("/routed")]
    async fn routed() -> Json<Value> {
        Json(json!({}))
    }
    let app = App::new().route(direct).route(own).include(
        Router::new()
            .prefix("/r")
            .dependency::<guard>()
            .route(routed),
    );
    let doc = app.clone().openapi();
    let descriptions = |path: &str| -> Value {
        let r = doc["paths"][path]["get"]["responses"].as_object().unwrap();
        r.iter()
            .map(|(k, v)| (k.clone(), v["description"].clone()))
            .collect()
    };
    let want = json!({"200": "Successful Response", "401": "Unauthorized", "403": "Not allowed", "422": "Validation Error"});
    assert_eq!(descriptions("/direct"), want);
    assert_eq!(descriptions("/r/routed"), want);
    assert_eq!(descriptions("/own")["401"], "Log in first");
    assert_eq!(
        doc["paths"]["/direct"]["get"]["responses"]["403"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/HTTPError"})
    );
    // and the contract check holds the routes to them
    let client = TestClient::new(app).check_contract();
    assert_eq!(
        client
            .get("/direct")
            .header("x-user", "eve")
            .send()
            .status(),
        403
    );
    assert_eq!(
        client.get("/r/routed").header("x-user", "").send().status(),
        401
    );
    assert_eq!(
        client.get("/own").header("x-user", "ada").send().status(),
        200
    );
}
