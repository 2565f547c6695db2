//! The route and request/response details of issue 18, compared with
//! FastAPI: operation ids (`operation_id = "…"`, an app's, a router's and a
//! route's id generator, the duplicate-id warning).
//!
//! `tests/fastapi_request_response/` holds FastAPI's apps (`app_ids.py`, …)
//! and `record.py`, which saved their answers with every header, their
//! documents and the warnings FastAPI gave; these are the same apps in
//! fastrs.

#[path = "support/replay.rs"]
mod replay;
#[path = "support/replay_headers.rs"]
mod replay_headers;

use std::sync::{Arc, Mutex};

use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};

fn assert_no_differences(diffs: Vec<String>) {
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

// ---- app_ids.py: operation ids ----

mod ids {
    use super::*;

    #[derive(Model)]
    pub struct Item {
        name: String,
        price: f64,
    }

    #[derive(Model)]
    pub struct ResponseMessage {
        message: String,
    }

    #[derive(Model)]
    pub struct User {
        username: String,
        email: String,
    }

    fn custom_generate_unique_id(route: &fastrs::Route) -> String {
        format!("{}-{}", route.operation().tags[0], route.operation().name)
    }

    fn router_generate_unique_id(route: &fastrs::Route) -> String {
        format!("router-{}", route.operation().name)
    }

    fn route_generate_unique_id(route: &fastrs::Route) -> String {
        format!(
            "own-{}-{}",
            route.operation().name,
            route.method().as_str().to_ascii_lowercase()
        )
    }

    fn message(m: &str) -> ResponseMessage {
        ResponseMessage { message: m.into() }
    }

    #[post("/items/", tags = ["items"])]
    async fn create_item(item: Item) -> ResponseMessage {
        let _ = item;
        message("Item received")
    }

    #[get("/items/", tags = ["items"], response_model = Vec<Item>)]
    async fn get_items() -> Vec<Item> {
        vec![
            Item {
                name: "Plumbus".into(),
                price: 3.0,
            },
            Item {
                name: "Portal Gun".into(),
                price: 9001.0,
            },
        ]
    }

    #[post("/users/", tags = ["users"])]
    async fn create_user(user: User) -> ResponseMessage {
        let _ = user;
        message("User received")
    }

    #[put("/users/{user_id}", tags = ["users"])]
    async fn update_user(user_id: i64, user: User, item: Item) -> Json<Value> {
        let _ = (user, item);
        Json(json!({"user_id": user_id}))
    }

    #[get("/specific/", operation_id = "some_specific_id_you_define", tags = ["items"])]
    async fn read_specific() -> Json<Value> {
        Json(json!([{"item_id": "Foo"}]))
    }

    #[post("/specific/", operation_id = "post_specific", tags = ["items"])]
    async fn post_specific(user: User, item: Item) -> Json<Value> {
        let _ = (user, item);
        Json(json!({"ok": true}))
    }

    #[get("/own/", tags = ["items"], generate_unique_id_function = route_generate_unique_id)]
    async fn own_generator() -> Json<Value> {
        Json(json!({"own": true}))
    }

    #[get("/a")]
    async fn routed_a() -> Json<Value> {
        Json(json!({"a": true}))
    }

    #[get("/b", generate_unique_id_function = route_generate_unique_id)]
    async fn routed_b() -> Json<Value> {
        Json(json!({"b": true}))
    }

    #[get("/dup/one", operation_id = "duplicated", tags = ["dup"])]
    async fn dup_one() -> Json<Value> {
        Json(json!({"one": 1}))
    }

    #[get("/dup/two", operation_id = "duplicated", tags = ["dup"])]
    async fn dup_two() -> Json<Value> {
        Json(json!({"two": 2}))
    }

    pub fn app() -> App {
        let router = Router::new()
            .prefix("/router")
            .tag("routed")
            .generate_unique_id(router_generate_unique_id)
            .route(routed_a)
            .route(routed_b);
        App::new()
            .title("Operation ids")
            .generate_unique_id(custom_generate_unique_id)
            .route(create_item)
            .route(get_items)
            .route(create_user)
            .route(update_user)
            .route(read_specific)
            .route(post_specific)
            .route(own_generator)
            .include(router)
            .route(dup_one)
            .route(dup_two)
    }
}

#[test]
fn operation_ids_document_equals_fastapi() {
    let theirs: Value = fastrs::serde_json::from_str(include_str!(
        "fastapi_request_response/app_ids.openapi.json"
    ))
    .unwrap();
    assert_no_differences(replay::openapi_differences(&ids::app().openapi(), &theirs));
}

#[test]
fn operation_ids_answers_equal_fastapi() {
    let client = TestClient::new(ids::app());
    let cases = replay::cases(include_str!(
        "fastapi_request_response/app_ids.recorded.json"
    ));
    assert_no_differences(replay_headers::differences(&client, &cases));
}

/// A `tracing` subscriber keeping the message of every warning.
struct Warnings(Arc<Mutex<Vec<String>>>);

struct Message<'a>(&'a mut String);

impl tracing::field::Visit for Message<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            *self.0 = format!("{value:?}");
        }
    }
}

impl tracing::Subscriber for Warnings {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        if *event.metadata().level() == tracing::Level::WARN {
            let mut m = String::new();
            event.record(&mut Message(&mut m));
            self.0.lock().unwrap().push(m);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn duplicate_operation_ids_warned_as_fastapi() {
    let theirs: Vec<String> = fastrs::serde_json::from_str(include_str!(
        "fastapi_request_response/app_ids.warnings.json"
    ))
    .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    tracing::subscriber::with_default(Warnings(seen.clone()), || {
        // At start-up: the document is built when the app is frozen.
        let _client = TestClient::new(ids::app());
    });
    assert_eq!(*seen.lock().unwrap(), theirs);
}
