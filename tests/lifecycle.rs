//! Exception handlers, lifespan hooks, background tasks and clean-up.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use fastrs::background::{BackgroundTasks, Cleanup};
use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};

#[derive(Debug)]
struct AppError {
    code: &'static str,
    message: String,
    status: u16,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        fastrs::exception::raise(self)
    }
}

fn app_error_handler(e: &AppError) -> Response {
    (
        StatusCode::from_u16(e.status).unwrap(),
        Json(json!({"error": {"code": e.code, "message": e.message}})),
    )
        .into_response()
}

#[post("/orders")]
async fn create_order() -> Result<Json<Value>, AppError> {
    Err(AppError {
        code: "INSUFFICIENT_INVENTORY",
        message: "Not enough stock for this order".into(),
        status: 409,
    })
}

#[get("/items/{item_id}")]
async fn read_item(item_id: i64) -> Result<Json<Value>, HttpError> {
    if item_id == 0 {
        return Err(HttpError::new(404, "Item not found"));
    }
    Ok(Json(json!({"id": item_id})))
}

#[test]
fn a_user_error_goes_through_its_handler() {
    let app = App::new()
        .route(create_order)
        .exception_handler(app_error_handler);
    let r = TestClient::new(app).post("/orders").send();
    assert_eq!(r.status(), 409);
    assert_eq!(
        r.json(),
        json!({"error": {"code": "INSUFFICIENT_INVENTORY", "message": "Not enough stock for this order"}})
    );
}

#[test]
fn an_unhandled_user_error_is_a_500() {
    let r = TestClient::new(App::new().route(create_order))
        .post("/orders")
        .send();
    assert_eq!(r.status(), 500);
    assert_eq!(r.json(), json!({"detail": "Internal Server Error"}));
}

#[test]
fn http_errors_and_validation_errors_can_be_overridden() {
    let app = App::new()
        .route(read_item)
        .exception_handler(|e: &HttpError| {
            (
                e.status(),
                Json(json!({"message": e.detail(), "status": e.status().as_u16()})),
            )
                .into_response()
        })
        .exception_handler(|e: &fastrs::ValidationErrors| {
            (StatusCode::BAD_REQUEST, Json(json!({"errors": e.len()}))).into_response()
        });
    let c = TestClient::new(app);
    let r = c.get("/items/0").send();
    assert_eq!(
        (r.status().as_u16(), r.json()),
        (404, json!({"message": "Item not found", "status": 404}))
    );
    // the router's own 404 goes through the same handler
    let r = c.get("/nope").send();
    assert_eq!(r.json(), json!({"message": "Not Found", "status": 404}));
    let r = c.get("/items/abc").send();
    assert_eq!((r.status().as_u16(), r.json()), (400, json!({"errors": 1})));
}

#[derive(Clone)]
struct Pool {
    closed: Arc<AtomicUsize>,
    name: &'static str,
}

#[get("/pool")]
async fn pool_name(pool: State<Pool>) -> Json<Value> {
    Json(json!({"pool": pool.name}))
}

#[test]
fn startup_state_is_served_and_shutdown_runs() {
    let closed = Arc::new(AtomicUsize::new(0));
    let c2 = closed.clone();
    let app = App::new()
        .route(pool_name)
        .on_startup(move || {
            let closed = c2.clone();
            async move {
                Ok::<_, std::io::Error>(Pool {
                    closed,
                    name: "main",
                })
            }
        })
        .on_shutdown(|pool: Pool| async move {
            pool.closed.fetch_add(1, Ordering::SeqCst);
        });
    let client = TestClient::new(app);
    assert_eq!(client.get("/pool").send().json(), json!({"pool": "main"}));
    assert_eq!(closed.load(Ordering::SeqCst), 0);
    drop(client);
    assert_eq!(closed.load(Ordering::SeqCst), 1);
}

#[test]
#[should_panic(expected = "start-up failed")]
fn a_failing_startup_stops_the_app() {
    let app =
        App::new().on_startup(|| async { Err::<(), _>(std::io::Error::other("no database")) });
    let _ = TestClient::new(app);
}

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, s: impl Into<String>) {
        self.0.lock().unwrap().push(s.into());
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

#[post("/signup")]
async fn signup(tasks: BackgroundTasks, log: State<Log>) -> Json<Value> {
    let l = log.0.clone();
    tasks.add_task(async move { l.push("email sent") });
    log.push("handler");
    Json(json!({"ok": true}))
}

#[dependency]
async fn transaction(cleanup: Cleanup, log: State<Log>) -> Log {
    let l = log.0.clone();
    cleanup.on_finish(move |outcome| async move {
        l.push(if outcome.succeeded() {
            "commit"
        } else {
            "rollback"
        });
    });
    log.push("begin");
    log.0.clone()
}

#[post("/tx/{mode}")]
async fn tx(mode: String, t: Depends<transaction>) -> Result<Json<Value>, HttpError> {
    t.push("work");
    match mode.as_str() {
        "fail" => Err(HttpError::new(409, "conflict")),
        "panic" => panic!("handler bug"),
        _ => Ok(Json(json!({"ok": true}))),
    }
}

fn log_app(log: &Log) -> App {
    App::new().state(log.clone()).route(signup).route(tx)
}

#[test]
fn background_tasks_run_after_the_response() {
    let log = Log::default();
    let c = TestClient::new(log_app(&log));
    assert_eq!(c.post("/signup").send().json(), json!({"ok": true}));
    assert_eq!(log.take(), ["handler", "email sent"]);
}

#[test]
fn cleanup_commits_on_success_and_rolls_back_on_error_or_panic() {
    let log = Log::default();
    let c = TestClient::new(log_app(&log));
    assert_eq!(c.post("/tx/ok").send().status(), 200);
    assert_eq!(log.take(), ["begin", "work", "commit"]);
    assert_eq!(c.post("/tx/fail").send().status(), 409);
    assert_eq!(log.take(), ["begin", "work", "rollback"]);
    assert_eq!(c.post("/tx/panic").send().status(), 500);
    assert_eq!(log.take(), ["begin", "work", "rollback"]);
}
