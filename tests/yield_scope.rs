//! When a dependency's clean-up runs, compared with FastAPI
//! (`tests/fastapi_yield_scope/`): after the response has been sent (a
//! streaming body's chunks, then the background tasks) when the handler
//! returned, as FastAPI's default `scope="request"` runs a `yield`
//! dependency's exit code; before the error response, able to see the
//! error, when it raised; `Cleanup::function_scope` hooks before the
//! response (FastAPI's `scope="function"`). `/log` answers and clears what
//! happened.

#[path = "support/replay.rs"]
mod replay;

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use fastrs::background::{BackgroundTasks, Cleanup};
use fastrs::prelude::*;
use fastrs::response::Streaming;
use fastrs::serde_json::{json, Value};
use futures_util::StreamExt;

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, s: impl Into<String>) {
        self.0.lock().unwrap().push(s.into());
    }
}

#[dependency]
async fn session(cleanup: Cleanup, log: State<Log>) -> String {
    log.push("enter");
    let l = log.0.clone();
    cleanup.on_exit(move |exit| async move {
        let line = match exit.error::<HttpError>() {
            Some(e) => format!("exit with {}", e.status().as_u16()),
            None => "exit".into(),
        };
        l.push(line);
        exit
    });
    "session".into()
}

#[get("/stream")]
async fn stream(s: Depends<session>, log: State<Log>) -> impl IntoResponse {
    let (s, log) = (s.into_inner(), log.0.clone());
    let chunks = futures_util::stream::iter(0..2).map(move |i| {
        log.push(format!("chunk {i} with {s}"));
        Ok::<_, std::io::Error>(Bytes::from(format!("{i};")))
    });
    Streaming::new(chunks).content_type("text/plain; charset=utf-8")
}

#[get("/json")]
async fn json_with_task(
    s: Depends<session>,
    tasks: BackgroundTasks,
    log: State<Log>,
) -> Json<Value> {
    let l = log.0.clone();
    tasks.add_task(async move { l.push("background task") });
    log.push("handler");
    Json(json!({"session": *s}))
}

#[get("/fail")]
async fn fail(_s: Depends<session>, log: State<Log>) -> Result<Json<Value>, HttpError> {
    log.push("handler");
    Err(HttpError::new(409, "conflict"))
}

// FastAPI's "Early exit and scope" (tutorial008e): scope="function".
#[dependency]
async fn get_username(cleanup: Cleanup, log: State<Log>) -> String {
    log.push("enter function-scoped");
    let l = log.0.clone();
    cleanup
        .function_scope()
        .on_finish(move |_| async move { l.push("function-scoped exit") });
    "Rick".into()
}

#[get("/users/me")]
async fn get_user_me(
    username: Depends<get_username>,
    s: Depends<session>,
    log: State<Log>,
) -> impl IntoResponse {
    let (username, s, log) = (username.into_inner(), s.into_inner(), log.0.clone());
    let chunks = futures_util::stream::iter([0]).map(move |_| {
        log.push(format!("chunk for {username} with {s}"));
        Ok::<_, std::io::Error>(Bytes::from(username.clone()))
    });
    Streaming::new(chunks).content_type("text/plain; charset=utf-8")
}

#[get("/log")]
async fn read_log(log: State<Log>) -> Json<Vec<String>> {
    Json(std::mem::take(&mut *log.0 .0.lock().unwrap()))
}

fn app() -> App {
    App::new()
        .title("Yield scope")
        .state(Log::default())
        .route(stream)
        .route(json_with_task)
        .route(fail)
        .route(get_user_me)
        .route(read_log)
}

#[test]
fn clean_up_runs_when_fastapi_runs_it() {
    replay::assert_replays(
        &TestClient::new(app()),
        include_str!("fastapi_yield_scope/recorded.json"),
    );
}

#[test]
fn openapi_equals_fastapi() {
    replay::assert_openapi_equal(
        &app().openapi(),
        include_str!("fastapi_yield_scope/openapi.json"),
    );
}
