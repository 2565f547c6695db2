//! `TestClient`: FastAPI's test client, in process, without a socket.
//!
//! Tests drive the app exactly as a server would (routing, extraction,
//! validation, panics caught into 500s), so a test reads like FastAPI's
//! `client.post("/users", json=…)`. Two clients share one request builder
//! ([`TestRequest`]) and one cookie jar behaviour (cookies set by responses
//! are sent back, as httpx's client does):
//!
//! - [`TestClient`], synchronous: it owns a small tokio runtime, so a plain
//!   `#[test]` uses it; not from inside another runtime.
//! - [`AsyncTestClient`], for `#[tokio::test]` (httpx's `AsyncClient` with
//!   `ASGITransport`): `client.get("/").send().await`.

mod asynchronous;
#[cfg(feature = "contract")]
pub mod contract;
mod cookies;
mod websocket;

pub use asynchronous::AsyncTestClient;
pub use websocket::{AsyncTestWebSocket, TestWebSocket, WebSocketRejected};

use std::sync::Mutex;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE, COOKIE};
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde::Serialize;
use serde_json::Value;

use crate::app::{App, AppService};
use crate::body::RequestBody;

/// `get`, `post`, … for a client with a `request(method, uri)` method.
macro_rules! verbs {
    ($client:ident) => {
        impl $client {
            /// A GET request.
            pub fn get(&self, uri: &str) -> TestRequest<'_, $client> {
                self.request(Method::GET, uri)
            }

            /// A POST request.
            pub fn post(&self, uri: &str) -> TestRequest<'_, $client> {
                self.request(Method::POST, uri)
            }

            /// A PUT request.
            pub fn put(&self, uri: &str) -> TestRequest<'_, $client> {
                self.request(Method::PUT, uri)
            }

            /// A PATCH request.
            pub fn patch(&self, uri: &str) -> TestRequest<'_, $client> {
                self.request(Method::PATCH, uri)
            }

            /// A DELETE request.
            pub fn delete(&self, uri: &str) -> TestRequest<'_, $client> {
                self.request(Method::DELETE, uri)
            }

            /// A HEAD request.
            pub fn head(&self, uri: &str) -> TestRequest<'_, $client> {
                self.request(Method::HEAD, uri)
            }

            /// An OPTIONS request.
            pub fn options(&self, uri: &str) -> TestRequest<'_, $client> {
                self.request(Method::OPTIONS, uri)
            }
        }
    };
}
use verbs;

/// An in-process client for an [`App`].
///
/// ```
/// use fastrs::prelude::*;
///
/// #[post("/echo", status_code = 201)]
/// async fn echo(body: serde_json::Value) -> Json<serde_json::Value> {
///     Json(body)
/// }
///
/// let client = TestClient::new(App::new().route(echo));
/// let r = client.post("/echo").json(&serde_json::json!({"a": 1})).send();
/// assert_eq!(r.status(), 201);
/// assert_eq!(r.json(), serde_json::json!({"a": 1}));
/// ```
pub struct TestClient {
    service: AppService,
    cookies: Mutex<cookies::Jar>,
    checks: Checks,
    runtime: tokio::runtime::Runtime,
    websocket: crate::websockets::WebSocketConfig,
}

impl std::fmt::Debug for TestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestClient").finish_non_exhaustive()
    }
}

impl TestClient {
    /// A client for `app`; runs its start-up hooks (and, when dropped, its
    /// shutdown hooks), as FastAPI's `with TestClient(app)` does.
    ///
    /// # Panics
    /// When a start-up hook fails.
    pub fn new(app: App) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime for the test client");
        let service = runtime
            .block_on(app.start())
            .unwrap_or_else(|e| panic!("the app's start-up failed: {e}"));
        TestClient {
            service,
            cookies: Mutex::default(),
            checks: Checks::default(),
            runtime,
            websocket: websocket::default_config(),
        }
    }

    /// The limits and keep-alive of the websockets it opens (the server's
    /// defaults unless changed).
    pub fn websocket_config(mut self, config: crate::websockets::WebSocketConfig) -> Self {
        self.websocket = config;
        self
    }

    /// Checks every response against the app's own OpenAPI document (cargo
    /// feature `contract`): a status the operation does not document, or a
    /// body that breaks the documented schema, panics with the operation,
    /// the status and the failing schema path. See
    /// [`contract`](crate::testclient::contract).
    ///
    /// ```
    /// use fastrs::prelude::*;
    ///
    /// #[get("/items/{id}")]
    /// async fn read_item(id: i64) -> Result<Json<serde_json::Value>, HttpError> {
    ///     if id == 0 {
    ///         return Err(HttpError::new(404, "Item not found")); // not documented
    ///     }
    ///     Ok(Json(serde_json::json!({"id": id})))
    /// }
    ///
    /// let client = TestClient::new(App::new().route(read_item)).check_contract();
    /// assert_eq!(client.get("/items/1").send().status(), 200);
    /// let undocumented =
    ///     std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| client.get("/items/0").send()));
    /// assert!(undocumented.is_err());
    /// assert_eq!(client.contract_report(), "GET /items/{id} 422\n");
    /// ```
    #[cfg(feature = "contract")]
    pub fn check_contract(mut self) -> Self {
        self.checks = Checks::of(self.service.app().openapi());
        self
    }

    /// The documented (operation, status) pairs that no response exercised
    /// since [`check_contract`](Self::check_contract), one per line.
    #[cfg(feature = "contract")]
    pub fn contract_report(&self) -> String {
        self.checks.report()
    }

    /// The service under test.
    pub fn service(&self) -> &AppService {
        &self.service
    }

    /// The value of a cookie the client keeps (set by an earlier response).
    pub fn cookie(&self, name: &str) -> Option<String> {
        lock(&self.cookies).get(name).map(str::to_owned)
    }

    /// Forgets the cookies the client keeps.
    pub fn clear_cookies(&self) {
        lock(&self.cookies).clear();
    }

    /// A request with any method; `uri` is a path with an optional query.
    pub fn request(&self, method: Method, uri: &str) -> TestRequest<'_> {
        TestRequest::new(self, method, uri)
    }
}

verbs!(TestClient);

/// The contract check, when the client has it on.
#[derive(Default)]
struct Checks {
    #[cfg(feature = "contract")]
    contract: Option<contract::Contract>,
}

impl Checks {
    #[cfg(feature = "contract")]
    fn of(document: serde_json::Value) -> Self {
        Checks {
            contract: Some(contract::Contract::new(document)),
        }
    }

    /// Panics (failing the test) when `resp` breaks the contract.
    fn verify(&self, _method: &Method, _path: &str, _resp: &TestResponse) {
        #[cfg(feature = "contract")]
        if let Some(c) = &self.contract {
            let r = _resp;
            if r.unread {
                return;
            }
            if let Err(e) = c.check(_method, _path, r.status, &r.headers, &r.body) {
                panic!("contract check failed: {e}");
            }
        }
    }

    #[cfg(feature = "contract")]
    fn report(&self) -> String {
        self.contract
            .as_ref()
            .map(|c| c.report())
            .unwrap_or_default()
    }

    /// Prints what was never exercised, when the check is on.
    fn print_report(&self) {
        #[cfg(feature = "contract")]
        {
            let r = self.report();
            if !r.is_empty() && !std::thread::panicking() {
                eprintln!("contract check: documented responses never exercised:\n{r}");
            }
        }
    }
}

impl Drop for TestClient {
    fn drop(&mut self) {
        self.checks.print_report();
        self.runtime.block_on(self.service.shutdown());
    }
}

/// A request being built by a [`TestClient`] (`send()`) or an
/// [`AsyncTestClient`] (`send().await`).
#[derive(Debug)]
pub struct TestRequest<'c, C = TestClient> {
    client: &'c C,
    method: Method,
    uri: String,
    headers: HeaderMap,
    body: Bytes,
}

impl<'c, C> TestRequest<'c, C> {
    fn new(client: &'c C, method: Method, uri: &str) -> Self {
        TestRequest {
            client,
            method,
            uri: uri.to_owned(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// Adds a header.
    ///
    /// # Panics
    /// On a header name or value that HTTP does not allow.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("a valid header name");
        let value = HeaderValue::from_str(value).expect("a valid header value");
        self.headers.append(name, value);
        self
    }

    /// Adds a cookie to this request. As with httpx, a request that carries
    /// its own cookies does not also carry those the client keeps.
    pub fn cookie(self, name: &str, value: &str) -> Self {
        self.header(COOKIE.as_str(), &format!("{name}={value}"))
    }

    /// Sends `value` as a JSON body (`Content-Type: application/json`).
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        self.body = serde_json::to_vec(value)
            .expect("a serializable body")
            .into();
        self.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        self
    }

    /// Sends a raw body, with whatever content type was set by [`header`](Self::header).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Sends an URL-encoded form.
    pub fn form(mut self, fields: &[(&str, &str)]) -> Self {
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.body = encoded.into();
        self.headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        self
    }

    /// The request to hand the service, with the jar's cookies for its path.
    fn build(self, jar: &Mutex<cookies::Jar>) -> (Request<RequestBody>, String) {
        let TestRequest {
            method,
            uri,
            mut headers,
            body,
            ..
        } = self;
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .body(RequestBody::Full(body.clone()))
            .expect("a valid request");
        let path = req.uri().path().to_owned();
        // As httpx: a request with its own Cookie header does not get the
        // kept ones.
        if !headers.contains_key(COOKIE) {
            if let Some(kept) = lock(jar).header_for(&path) {
                let kept = HeaderValue::from_str(&kept)
                    .expect("cookies the app set are valid header text");
                headers.insert(COOKIE, kept);
            }
        }
        *req.headers_mut() = headers;
        // Starlette's TestClient: client `testclient:50000`, server `testserver:80`.
        req.extensions_mut()
            .insert(crate::request_param::Connection {
                client: Some(crate::request_param::Address {
                    host: "testclient".into(),
                    port: 50000,
                }),
                server: Some(crate::request_param::Address {
                    host: "testserver".into(),
                    port: 80,
                }),
                scheme: None,
            });
        if !body.is_empty() && !req.headers().contains_key(http::header::CONTENT_LENGTH) {
            req.headers_mut()
                .insert(http::header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        }
        (req, path)
    }
}

impl TestRequest<'_, TestClient> {
    /// Sends the request and reads the whole response.
    pub fn send(self) -> TestResponse {
        let client = self.client;
        let (req, path) = self.build(&client.cookies);
        let method = req.method().clone();
        let resp = client.runtime.block_on(exchange(&client.service, req));
        lock(&client.cookies).store(&resp.headers, &path);
        client.checks.verify(&method, &path, &resp);
        resp
    }
}

/// Hands `req` to the service and reads the whole response.
async fn exchange(service: &AppService, req: Request<RequestBody>) -> TestResponse {
    let resp = service.handle(req).await;
    let (parts, body) = resp.into_parts();
    let body = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    // The body is sent: let background tasks that were just started
    // run, as FastAPI's TestClient runs them before returning.
    for _ in 0..8 {
        tokio::task::yield_now().await;
    }
    TestResponse {
        status: parts.status,
        unread: parts
            .extensions
            .get::<crate::response::RequestUnread>()
            .is_some(),
        headers: parts.headers,
        body,
    }
}

/// The jar, even if a test panicked while holding it.
fn lock(jar: &Mutex<cookies::Jar>) -> std::sync::MutexGuard<'_, cookies::Jar> {
    jar.lock().unwrap_or_else(|e| e.into_inner())
}

/// A response received by a [`TestClient`].
#[derive(Debug, Clone)]
pub struct TestResponse {
    status: StatusCode,
    /// The framework could not read the request ([`RequestUnread`](crate::response::RequestUnread)).
    unread: bool,
    headers: HeaderMap,
    body: Bytes,
}

impl TestResponse {
    /// The status; compares with integers: `assert_eq!(r.status(), 200)`.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Whether the framework answered because it could not read the request
    /// (a body it cannot parse, too large or too slow: [`RequestUnread`](crate::response::RequestUnread)).
    pub fn request_unread(&self) -> bool {
        self.unread
    }

    /// One header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON.
    ///
    /// # Panics
    /// When the body is not JSON (the panic shows the body).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "response body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The raw body.
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }
}
