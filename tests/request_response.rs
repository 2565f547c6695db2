//! The route and request/response details of issue 18, compared with
//! FastAPI: operation ids (`operation_id = "…"`, an app's, a router's and a
//! route's id generator, the duplicate-id warning); cookies written as
//! Starlette writes them, every option of `set_cookie` and `delete_cookie`,
//! on every response type; the request as a parameter; the response
//! parameter (headers, cookies, status from a handler and dependencies);
//! plain `fn` dependencies; clean-up hooks given the handler's outcome
//! (FastAPI's "Dependencies with yield").
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

// ---- app.py: cookies ----

mod cookies {
    use super::*;
    use fastrs::chrono::{TimeZone, Utc};
    use fastrs::response::{delete_cookie, set_cookie, Redirect, Streaming};
    use fastrs::set_cookie::{SameSite, SetCookie};

    fn cookie_response(c: SetCookie) -> Response {
        let mut r = Json(json!({"ok": true})).into_response();
        set_cookie(&mut r, &c);
        r
    }

    #[get("/cookies/default")]
    async fn cookie_default() -> Response {
        cookie_response(SetCookie::new("session", "abc"))
    }

    #[get("/cookies/empty")]
    async fn cookie_empty() -> Response {
        cookie_response(SetCookie::new("session", ""))
    }

    #[get("/cookies/all")]
    async fn cookie_all() -> Response {
        cookie_response(
            SetCookie::new("session", "abc")
                .max_age(3600)
                .expires(Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap())
                .path("/sub")
                .domain("example.com")
                .secure(true)
                .httponly(true)
                .samesite(Some(SameSite::Strict)),
        )
    }

    #[get("/cookies/expires-text")]
    async fn cookie_expires_text() -> Response {
        cookie_response(SetCookie::new("session", "abc").expires("Wed, 21 Oct 2015 07:28:00 GMT"))
    }

    #[get("/cookies/expires-in")]
    async fn cookie_expires_in() -> Response {
        cookie_response(SetCookie::new("session", "abc").expires(3600))
    }

    #[get("/cookies/no-path-no-samesite")]
    async fn cookie_bare() -> Response {
        cookie_response(SetCookie::new("session", "abc").path(None).samesite(None))
    }

    #[get("/cookies/none-secure")]
    async fn cookie_none_secure() -> Response {
        cookie_response(
            SetCookie::new("session", "abc")
                .samesite(Some(SameSite::None))
                .secure(true),
        )
    }

    #[get("/cookies/max-age-zero")]
    async fn cookie_max_age_zero() -> Response {
        cookie_response(SetCookie::new("session", "abc").max_age(0))
    }

    #[get("/cookies/quoted")]
    async fn cookie_quoted() -> Response {
        let mut r = Json(json!({"ok": true})).into_response();
        set_cookie(&mut r, &SetCookie::new("space", "hello world"));
        set_cookie(&mut r, &SetCookie::new("semi", "a;b,c"));
        set_cookie(&mut r, &SetCookie::new("quote", "say \"hi\" \\o/"));
        set_cookie(&mut r, &SetCookie::new("latin", "caf\u{e9}"));
        r
    }

    #[get("/cookies/delete")]
    async fn cookie_delete() -> Response {
        let mut r = Json(json!({"ok": true})).into_response();
        delete_cookie(&mut r, "session");
        r
    }

    #[get("/cookies/delete-options")]
    async fn cookie_delete_options() -> Response {
        cookie_response(
            SetCookie::delete("session")
                .path("/sub")
                .domain("example.com")
                .secure(true)
                .httponly(true)
                .samesite(Some(SameSite::None)),
        )
    }

    #[get("/cookies/html")]
    async fn cookie_html() -> Response {
        let mut r = Html("<h1>hi</h1>").into_response();
        set_cookie(&mut r, &SetCookie::new("kind", "html"));
        r
    }

    #[get("/cookies/text")]
    async fn cookie_text() -> Response {
        let mut r = PlainText("hi").into_response();
        set_cookie(&mut r, &SetCookie::new("kind", "text").httponly(true));
        r
    }

    #[get("/cookies/redirect")]
    async fn cookie_redirect() -> Response {
        let mut r = Redirect::to("/cookies/default").into_response();
        set_cookie(&mut r, &SetCookie::new("kind", "redirect"));
        r
    }

    #[get("/cookies/stream")]
    async fn cookie_stream() -> Response {
        let chunks = ["{\"a\":1}\n", "{\"b\":2}\n"]
            .map(|c| Ok::<_, std::io::Error>(bytes::Bytes::from_static(c.as_bytes())));
        let mut r = Streaming::new(futures_util::stream::iter(chunks))
            .content_type("application/x-ndjson")
            .into_response();
        set_cookie(&mut r, &SetCookie::new("kind", "stream"));
        r
    }

    #[get("/cookies/empty-response")]
    async fn cookie_empty_response() -> Response {
        let mut r = NoContent.into_response();
        set_cookie(&mut r, &SetCookie::new("kind", "empty"));
        delete_cookie(&mut r, "old");
        r
    }

    pub fn routes(app: App) -> App {
        app.route(cookie_default)
            .route(cookie_empty)
            .route(cookie_all)
            .route(cookie_expires_text)
            .route(cookie_expires_in)
            .route(cookie_bare)
            .route(cookie_none_secure)
            .route(cookie_max_age_zero)
            .route(cookie_quoted)
            .route(cookie_delete)
            .route(cookie_delete_options)
            .route(cookie_html)
            .route(cookie_text)
            .route(cookie_redirect)
            .route(cookie_stream)
            .route(cookie_empty_response)
    }
}

// ---- app.py: the request ----

mod request {
    use super::*;
    use fastrs::{Request, RequestState};

    #[derive(Clone)]
    pub struct Greeting(pub &'static str);

    #[derive(Clone)]
    struct Marker(&'static str);

    pub async fn mark(
        mut req: fastrs::http::Request<fastrs::body::RequestBody>,
        next: fastrs::middleware::Next,
    ) -> Response {
        if req.uri().path().starts_with("/request/") {
            RequestState::of(&mut req).insert(Marker("from-middleware"));
        }
        next.run(req).await
    }

    #[get("/items/{item_id}")]
    fn read_root(item_id: String, request: Request) -> Json<Value> {
        let client_host = request.client().map(|c| c.host.clone());
        Json(json!({"client_host": client_host, "item_id": item_id}))
    }

    fn describe(request: &Request) -> Json<Value> {
        let path_params: fastrs::serde_json::Map<String, Value> = request
            .path_params()
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        let cookies: fastrs::serde_json::Map<String, Value> = request
            .cookies()
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        let client = request.client().unwrap();
        Json(json!({
            "method": request.method().as_str(),
            "url": request.url(),
            "base_url": request.base_url(),
            "path": request.path(),
            "query": request.query().unwrap_or(""),
            "query_params": request.query_params(),
            "path_params": path_params,
            "x_custom": request.header("x-custom"),
            "cookies": cookies,
            "client": [client.host, client.port],
            "state": request.state().get::<Marker>().map(|m| m.0),
            "greeting": request.app_state::<Greeting>().unwrap().0,
        }))
    }

    #[get("/request/info/{name}")]
    async fn request_info(name: String, request: Request) -> Json<Value> {
        let _ = name;
        describe(&request)
    }

    #[post("/request/info/{name}")]
    async fn request_info_post(name: String, request: Request) -> Json<Value> {
        let _ = name;
        describe(&request)
    }

    #[post("/request/body")]
    async fn request_body(mut request: Request) -> Result<Json<Value>, HttpError> {
        let body = request.body().await?;
        Ok(Json(
            json!({"length": body.len(), "text": String::from_utf8_lossy(&body)}),
        ))
    }

    #[derive(Model)]
    struct Item {
        name: String,
        price: f64,
    }

    #[post("/request/body-and-model")]
    async fn request_body_and_model(
        item: Item,
        mut request: Request,
    ) -> Result<Json<Value>, HttpError> {
        let body = request.body().await?;
        Ok(Json(json!({
            "item": fastrs::serde_json::to_value(item).unwrap(),
            "raw": String::from_utf8_lossy(&body),
        })))
    }

    #[dependency]
    fn token_from_request(request: Request) -> String {
        request.header("x-token").unwrap_or("none").to_owned()
    }

    #[get("/request/dependency")]
    fn request_dependency(token: Depends<token_from_request>) -> Json<Value> {
        Json(json!({"token": *token}))
    }

    #[get("/request/users/{user_id}/items/{item_id}", name = "user_item")]
    async fn user_item_route(user_id: i64, item_id: String) -> Json<Value> {
        Json(json!({"user_id": user_id, "item_id": item_id}))
    }

    #[get("/request/links")]
    async fn links(request: Request) -> Json<Value> {
        let mut out = fastrs::serde_json::Map::new();
        let found = [
            (
                "user_item",
                request.url_for("user_item", &[("user_id", "3"), ("item_id", "pen")]),
            ),
            ("info", request.url_for("request_info", &[("name", "x")])),
            ("self", request.url_for("links", &[])),
        ];
        for (k, v) in found {
            out.insert(k.into(), json!(v.expect("a route of that name")));
        }
        let missing: [(&str, &[(&str, &str)]); 3] = [
            ("nope", &[]),
            ("user_item", &[("user_id", "3")]),
            ("links", &[("extra", "1")]),
        ];
        for (name, params) in missing {
            let v = match request.url_for(name, params) {
                Some(_) => "found",
                None => "NoMatchFound",
            };
            out.insert(format!("{name}{}", params.len()), json!(v));
        }
        Json(Value::Object(out))
    }

    pub fn routes(app: App) -> App {
        app.state(Greeting("hello"))
            .middleware(mark)
            .route(read_root)
            .route(request_info)
            .route(request_info_post)
            .route(request_body)
            .route(request_body_and_model)
            .route(request_dependency)
            .route(user_item_route)
            .route(links)
    }
}

// ---- app.py: the response parameter ----

mod temporal {
    use super::*;
    use fastrs::Endpoint;
    use fastrs::TemporalResponse;
    use std::collections::HashMap;
    use std::sync::LazyLock;

    #[post("/cookie-and-object/")]
    fn create_cookie(response: TemporalResponse) -> Json<Value> {
        response.set_cookie(fastrs::set_cookie::SetCookie::new(
            "fakesession",
            "fake-cookie-session-value",
        ));
        Json(json!({"message": "Come to the dark side, we have cookies"}))
    }

    #[get("/headers-and-object/")]
    fn get_headers(response: TemporalResponse) -> Json<Value> {
        response.insert_header("X-Cat-Dog", "alone in the world");
        Json(json!({"message": "Hello World"}))
    }

    static TASKS: LazyLock<Mutex<HashMap<String, String>>> = LazyLock::new(|| {
        Mutex::new(HashMap::from([(
            "foo".to_owned(),
            "Listen to the Bar Fighters".to_owned(),
        )]))
    });

    #[put("/get-or-create-task/{task_id}", status_code = 200)]
    fn get_or_create_task(task_id: String, response: TemporalResponse) -> String {
        let mut tasks = TASKS.lock().unwrap();
        if !tasks.contains_key(&task_id) {
            tasks.insert(task_id.clone(), "This didn't exist before".into());
            response.set_status(StatusCode::CREATED);
        }
        tasks[&task_id].clone()
    }

    #[derive(Model)]
    pub struct Message {
        message: String,
        count: i64,
    }

    #[dependency]
    async fn tracking(response: TemporalResponse) -> String {
        response.insert_header("x-from-dependency", "dep");
        response.set_cookie(fastrs::set_cookie::SetCookie::new("dep", "1").httponly(true));
        "tracked".into()
    }

    #[dependency]
    fn accepted(response: TemporalResponse) {
        response.set_status(StatusCode::ACCEPTED);
    }

    #[get("/response/model")]
    async fn response_model(response: TemporalResponse, tracked: Depends<tracking>) -> Message {
        response.insert_header("x-from-handler", "handler");
        response.delete_cookie("old");
        Message {
            message: tracked.clone(),
            count: 1,
        }
    }

    #[post("/response/status-from-dependency", status_code = 201)]
    async fn status_from_dependency() -> Json<Value> {
        Json(json!({"ok": true}))
    }

    #[get("/response/error")]
    async fn response_error(
        response: TemporalResponse,
        tracked: Depends<tracking>,
    ) -> Result<Json<Value>, HttpError> {
        let _ = tracked;
        response.insert_header("x-from-handler", "handler");
        Err(HttpError::new(418, "teapot").header("x-error", "yes"))
    }

    #[get("/response/explicit")]
    async fn response_explicit(response: TemporalResponse, tracked: Depends<tracking>) -> Response {
        let _ = (response, tracked);
        let mut r = Json(json!({"explicit": true})).into_response();
        r.headers_mut()
            .insert("x-own", fastrs::http::HeaderValue::from_static("own"));
        r
    }

    #[get("/response/both-headers")]
    async fn response_both(response: TemporalResponse) -> Json<Value> {
        response.insert_header("x-multi", "one");
        response.append_header("x-multi", "two");
        response.insert_header("x-replaced", "first");
        response.insert_header("x-replaced", "second");
        Json(json!({"ok": true}))
    }

    pub fn routes(app: App) -> App {
        app.route(create_cookie)
            .route(get_headers)
            .route(get_or_create_task)
            .route(response_model)
            .route(status_from_dependency.route().dependency::<accepted>())
            .route(response_error)
            .route(response_explicit)
            .route(response_both)
    }
}

// ---- app.py: plain `fn` dependencies ----

mod sync_deps {
    use super::*;

    #[dependency]
    fn common_parameters(
        q: Option<String>,
        #[query(default = 0)] skip: i64,
        #[query(default = 100)] limit: i64,
    ) -> Value {
        json!({"q": q, "skip": skip, "limit": limit})
    }

    #[get("/sync-deps/items/")]
    fn read_sync_items(commons: Depends<common_parameters>) -> Json<Value> {
        Json(commons.clone())
    }

    #[dependency]
    fn sync_checked(#[header] x_key: String) -> Result<String, HttpError> {
        if x_key != "fake-super-secret-key" {
            return Err(HttpError::new(400, "X-Key header invalid"));
        }
        Ok(x_key)
    }

    #[get("/sync-deps/checked/")]
    async fn read_sync_checked(key: Depends<sync_checked>) -> Json<Value> {
        Json(json!({"key": *key}))
    }

    pub fn routes(app: App) -> App {
        app.route(read_sync_items).route(read_sync_checked)
    }
}

// ---- app.py: "Dependencies with yield" ----

mod with_yield {
    use super::*;
    use fastrs::background::Cleanup;
    use std::sync::LazyLock;

    static LOG: LazyLock<Mutex<Vec<String>>> = LazyLock::new(Mutex::default);

    fn log(s: impl Into<String>) {
        LOG.lock().unwrap().push(s.into());
    }

    #[derive(Debug)]
    struct OwnerError(String);

    impl IntoResponse for OwnerError {
        fn into_response(self) -> Response {
            fastrs::exception::raise(self)
        }
    }

    /// An error no handler takes: answered as Starlette's 500 page.
    #[derive(Debug)]
    struct InternalError(#[allow(dead_code)] String); // the message, as Python's exception has it

    impl IntoResponse for InternalError {
        fn into_response(self) -> Response {
            let page = (
                StatusCode::INTERNAL_SERVER_ERROR,
                PlainText("Internal Server Error"),
            );
            fastrs::exception::attach(page.into_response(), self)
        }
    }

    #[derive(Debug)]
    struct TeapotError(String);

    impl IntoResponse for TeapotError {
        fn into_response(self) -> Response {
            fastrs::exception::raise(self)
        }
    }

    fn item(id: &str) -> Option<Value> {
        match id {
            "plumbus" => Some(json!({"description": "Freshly pickled plumbus", "owner": "Morty"})),
            "portal-gun" => Some(json!({"description": "Gun to create portals", "owner": "Rick"})),
            _ => None,
        }
    }

    // tutorial008b
    #[dependency]
    fn get_username_b(cleanup: Cleanup) -> String {
        cleanup.on_exit(|exit| async move {
            match exit.error::<OwnerError>() {
                Some(e) => {
                    let detail = format!("Owner error: {}", e.0);
                    exit.replace(HttpError::new(400, detail))
                }
                None => exit,
            }
        });
        "Rick".into()
    }

    #[get("/yield/b/items/{item_id}")]
    fn get_item_b(item_id: String, username: Depends<get_username_b>) -> Response {
        let Some(item) = item(&item_id) else {
            return HttpError::new(404, "Item not found").into_response();
        };
        if item["owner"] != *username {
            return OwnerError(username.clone()).into_response();
        }
        Json(item).into_response()
    }

    fn get_item_cd(item_id: String, username: &str) -> Response {
        if item_id == "portal-gun" {
            let message = format!("The portal gun is too dangerous to be owned by {username}");
            return InternalError(message).into_response();
        }
        if item_id != "plumbus" {
            return HttpError::new(404, "Item not found, there's only a plumbus here")
                .into_response();
        }
        item_id.into_response()
    }

    // tutorial008c: the hook sees the error; it cannot swallow it.
    #[dependency]
    fn get_username_c(cleanup: Cleanup) -> String {
        cleanup.on_exit(|exit| async move {
            if exit.error::<InternalError>().is_some() {
                log("caught, not raised again");
            }
            exit
        });
        "Rick".into()
    }

    #[get("/yield/c/items/{item_id}")]
    fn get_item_c(item_id: String, username: Depends<get_username_c>) -> Response {
        get_item_cd(item_id, &username)
    }

    // tutorial008d
    #[dependency]
    fn get_username_d(cleanup: Cleanup) -> String {
        cleanup.on_exit(|exit| async move {
            if exit.error::<InternalError>().is_some() {
                log("caught, raised again");
            }
            exit
        });
        "Rick".into()
    }

    #[get("/yield/d/items/{item_id}")]
    fn get_item_d(item_id: String, username: Depends<get_username_d>) -> Response {
        get_item_cd(item_id, &username)
    }

    // tutorial008: nested, innermost exits first
    #[dependency]
    async fn dependency_a(cleanup: Cleanup) -> String {
        log("enter a");
        cleanup.on_finish(|_| async { log("exit a") });
        "a".into()
    }

    #[dependency]
    async fn dependency_b(cleanup: Cleanup, dep_a: Depends<dependency_a>) -> String {
        log("enter b");
        cleanup.on_finish(|_| async { log("exit b") });
        format!("{}b", *dep_a)
    }

    #[dependency]
    async fn dependency_c(cleanup: Cleanup, dep_b: Depends<dependency_b>) -> String {
        log("enter c");
        cleanup.on_exit(|exit| async move {
            if let Some(e) = exit.error::<HttpError>() {
                log(format!("c saw {}", e.status().as_u16()));
            }
            log("exit c");
            exit
        });
        format!("{}c", *dep_b)
    }

    #[get("/yield/nested")]
    async fn nested(dep_c: Depends<dependency_c>) -> Json<Value> {
        log("handler");
        Json(json!({"c": *dep_c}))
    }

    #[get("/yield/nested-error")]
    async fn nested_error(dep_c: Depends<dependency_c>) -> Result<Json<Value>, HttpError> {
        let _ = dep_c;
        log("handler");
        Err(HttpError::new(404, "nope"))
    }

    #[dependency]
    fn watching(cleanup: Cleanup) -> String {
        cleanup.on_exit(|exit| async move {
            if exit.error::<TeapotError>().is_some() {
                log("dependency saw teapot");
            }
            exit
        });
        "watching".into()
    }

    #[get("/yield/teapot")]
    async fn teapot(w: Depends<watching>) -> Result<Json<Value>, TeapotError> {
        let _ = w;
        log("handler");
        Err(TeapotError("short and stout".into()))
    }

    #[get("/yield/log")]
    fn read_log() -> Json<Vec<String>> {
        Json(std::mem::take(&mut *LOG.lock().unwrap()))
    }

    pub fn routes(app: App) -> App {
        app.route(get_item_b)
            .route(get_item_c)
            .route(get_item_d)
            .route(nested)
            .route(nested_error)
            .route(teapot)
            .route(read_log)
            .exception_handler(|e: &TeapotError| {
                log("exception handler");
                (StatusCode::IM_A_TEAPOT, Json(json!({"teapot": e.0}))).into_response()
            })
    }
}

fn app() -> App {
    let app = App::new().title("Request and response");
    let app = sync_deps::routes(temporal::routes(request::routes(cookies::routes(app))));
    with_yield::routes(app)
}

/// A plain `fn` dependency runs on the blocking pool, not on the thread
/// that polls the handler.
#[test]
fn plain_fn_dependency_runs_on_the_blocking_pool() {
    #[dependency]
    fn blocking_thread() -> String {
        std::thread::sleep(std::time::Duration::from_millis(5));
        format!("{:?}", std::thread::current().id())
    }

    #[get("/threads")]
    async fn threads(dep: Depends<blocking_thread>) -> Json<Value> {
        Json(json!([*dep, format!("{:?}", std::thread::current().id())]))
    }

    let client = TestClient::new(App::new().route(threads));
    let ids = client.get("/threads").send().json();
    assert_ne!(ids[0], ids[1], "{ids}");
}

#[test]
fn answers_equal_fastapi() {
    let client = TestClient::new(app());
    let cases = replay::cases(include_str!("fastapi_request_response/app.recorded.json"));
    assert_no_differences(replay_headers::differences(&client, &cases));
}

#[test]
fn document_equals_fastapi() {
    let theirs: Value =
        fastrs::serde_json::from_str(include_str!("fastapi_request_response/app.openapi.json"))
            .unwrap();
    assert_no_differences(replay::openapi_differences(&app().openapi(), &theirs));
}

/// Over a real socket the client is the connection's peer (for a route
/// taking the `Request`, and for middleware with `expose_client`), or the
/// client a trusted proxy forwarded; the URL's host is the `Host` header.
#[tokio::test]
async fn client_is_the_peer_on_a_socket() {
    use fastrs::proxy_headers::TrustedHosts;
    use fastrs::server::{Config, Server};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[get("/peer")]
    async fn peer(request: fastrs::Request) -> Json<Value> {
        let c = request.client().cloned().unwrap();
        Json(json!({"host": c.host, "port": c.port, "url": request.url()}))
    }

    // A middleware reads it too, when the app exposes it.
    fn app() -> App {
        App::new()
            .route(peer)
            .expose_client(true)
            .middleware(|req, next| async move {
                let conn = req
                    .extensions()
                    .get::<fastrs::request_param::Connection>()
                    .cloned();
                let mut r = next.run(req).await;
                let port = conn.and_then(|c| c.client).map(|a| a.port.to_string());
                r.headers_mut()
                    .insert("x-peer-port", port.unwrap_or_default().parse().unwrap());
                r
            })
    }

    // Not a trusted proxy: the forwarded headers are ignored; the default
    // trusts 127.0.0.1, whose forwarded client and scheme are taken.
    for trusted in [Some("10.0.0.0/8"), None] {
        let mut config = Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            access_log: false,
            ..Config::default()
        };
        if let Some(t) = trusted {
            config.forwarded_allow_ips = Some(std::sync::Arc::new(TrustedHosts::parse(t)));
        }
        let server = Server::bind(app(), config).await.unwrap();
        let addr = server.local_addr();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(server.run_until(async {
            let _ = stopped.await;
        }));
        let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
        let local = conn.local_addr().unwrap();
        conn.write_all(
            b"GET /peer?x=1 HTTP/1.1\r\nhost: example.test:8080\r\nx-forwarded-for: 198.51.100.7\r\n\
              x-forwarded-proto: https\r\nconnection: close\r\n\r\n",
        )
        .await
        .unwrap();
        let mut raw = Vec::new();
        conn.read_to_end(&mut raw).await.unwrap();
        let text = String::from_utf8(raw).unwrap();
        let body = text.split("\r\n\r\n").nth(1).unwrap();
        let v: Value = fastrs::serde_json::from_str(body).unwrap();
        let want = if trusted.is_some() {
            json!({"host": "127.0.0.1", "port": local.port(), "url": "http://example.test:8080/peer?x=1"})
        } else {
            json!({"host": "198.51.100.7", "port": 0, "url": "https://example.test:8080/peer?x=1"})
        };
        assert_eq!(v, want);
        let port_header = format!("x-peer-port: {}\r\n", want["port"]);
        assert!(text.contains(&port_header), "{text}");
        let _ = stop.send(());
        task.await.unwrap().unwrap();
    }
}

/// A clean-up hook sees a handler's panic (answered 500) and may replace it.
#[test]
fn clean_up_sees_a_panic() {
    use fastrs::background::Cleanup;

    #[dependency]
    async fn guarded(cleanup: Cleanup) -> u8 {
        cleanup.on_exit(|exit| async move {
            assert!(exit.panicked() && !exit.succeeded());
            assert_eq!(exit.status(), 500);
            exit.replace(HttpError::new(503, "recovered"))
        });
        1
    }

    #[get("/boom")]
    async fn boom(g: Depends<guarded>) -> Json<u8> {
        if *g == 1 {
            panic!("boom");
        }
        Json(*g)
    }

    let r = TestClient::new(App::new().route(boom)).get("/boom").send();
    assert_eq!(
        (r.status().as_u16(), r.json()),
        (503, json!({"detail": "recovered"}))
    );
}

/// The client behind a trusted proxy, as uvicorn's `ProxyHeadersMiddleware`
/// makes it (`fastapi_request_response/record_forwarded.py`: 650 cases of
/// trusted hosts, peers, `X-Forwarded-For` and `X-Forwarded-Proto`).
#[test]
fn proxy_headers_as_uvicorn() {
    use fastrs::proxy_headers::TrustedHosts;
    use fastrs::request_param::Address;

    let cases = replay::cases(include_str!("fastapi_request_response/forwarded.json"));
    let mut failures = Vec::new();
    for c in &cases {
        let trusted = TrustedHosts::parse(c["trusted"].as_str().unwrap());
        let mut headers = fastrs::http::HeaderMap::new();
        for v in c["forwarded_for"].as_array().unwrap() {
            headers.append("x-forwarded-for", v.as_str().unwrap().parse().unwrap());
        }
        if let Some(p) = c["forwarded_proto"].as_str() {
            headers.append("x-forwarded-proto", p.parse().unwrap());
        }
        let peer = Address {
            host: c["peer"].as_str().unwrap().to_owned(),
            port: 50000,
        };
        let (client, scheme) = trusted.resolve(peer, &headers);
        let got = json!({"client": [client.host, client.port], "scheme": scheme.unwrap_or("http")});
        let want = json!({"client": c["client"], "scheme": c["scheme"]});
        if got != want {
            failures.push(format!("{c}\n    got {got}"));
        }
    }
    assert_no_differences(failures);
}
