//! `TestClient`: FastAPI's test client, in process, without a socket.
//!
//! Tests drive the app exactly as a server would (routing, extraction,
//! validation, panics caught into 500s) through a synchronous API, so a plain
//! `#[test]` reads like FastAPI's `client.post("/users", json=…)`. The client
//! owns a small tokio runtime; use it from synchronous tests, not from inside
//! another runtime.

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE, COOKIE};
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde::Serialize;
use serde_json::Value;

use crate::app::{App, AppService};
use crate::body::RequestBody;

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
    runtime: tokio::runtime::Runtime,
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
        TestClient { service, runtime }
    }

    /// The service under test.
    pub fn service(&self) -> &AppService {
        &self.service
    }

    /// A request with any method; `uri` is a path with an optional query.
    pub fn request(&self, method: Method, uri: &str) -> TestRequest<'_> {
        TestRequest {
            client: self,
            method,
            uri: uri.to_owned(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// A GET request.
    pub fn get(&self, uri: &str) -> TestRequest<'_> {
        self.request(Method::GET, uri)
    }

    /// A POST request.
    pub fn post(&self, uri: &str) -> TestRequest<'_> {
        self.request(Method::POST, uri)
    }

    /// A PUT request.
    pub fn put(&self, uri: &str) -> TestRequest<'_> {
        self.request(Method::PUT, uri)
    }

    /// A PATCH request.
    pub fn patch(&self, uri: &str) -> TestRequest<'_> {
        self.request(Method::PATCH, uri)
    }

    /// A DELETE request.
    pub fn delete(&self, uri: &str) -> TestRequest<'_> {
        self.request(Method::DELETE, uri)
    }

    /// A HEAD request.
    pub fn head(&self, uri: &str) -> TestRequest<'_> {
        self.request(Method::HEAD, uri)
    }

    /// An OPTIONS request.
    pub fn options(&self, uri: &str) -> TestRequest<'_> {
        self.request(Method::OPTIONS, uri)
    }
}

impl Drop for TestClient {
    fn drop(&mut self) {
        self.runtime.block_on(self.service.shutdown());
    }
}

/// A request being built by a [`TestClient`].
#[derive(Debug)]
pub struct TestRequest<'c> {
    client: &'c TestClient,
    method: Method,
    uri: String,
    headers: HeaderMap,
    body: Bytes,
}

impl TestRequest<'_> {
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

    /// Adds a cookie.
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

    /// Sends the request and reads the whole response.
    pub fn send(self) -> TestResponse {
        let TestRequest {
            client,
            method,
            uri,
            headers,
            body,
        } = self;
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .body(RequestBody::Full(body.clone()))
            .expect("a valid request");
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
        client.runtime.block_on(async {
            let resp = client.service.handle(req).await;
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
                headers: parts.headers,
                body,
            }
        })
    }
}

/// A response received by a [`TestClient`].
#[derive(Debug, Clone)]
pub struct TestResponse {
    status: StatusCode,
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
