//! The request itself as a parameter: FastAPI's "Using the Request Directly".
//!
//! A handler or dependency that declares `request: Request` gets the
//! request's method, URL, headers, cookies, path parameters, the client's
//! address, the per-request [`RequestState`] (shared with middleware and
//! dependencies) and the app's state, and may read the raw body. Like
//! FastAPI's `Request`, it is not an OpenAPI parameter: nothing is validated
//! or documented for it.
//!
//! The client's address is the connection's peer: the server puts it in the
//! request's extensions as a [`Connection`] (only for apps that have a route
//! taking a `Request`, or that ask with
//! [`App::expose_client`](crate::App::expose_client) for their middleware,
//! so that other apps pay nothing for it);
//! the [`TestClient`](crate::TestClient) gives `testclient:50000`, as
//! Starlette's does.

use std::borrow::Cow;
use std::future::Future;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{HeaderMap, Method, Uri, Version};

use super::{Declared, Extract, Param};
use crate::body::RequestBody;
use crate::http_error::HttpError;
use crate::request::{BodyLimits, RequestContext, Source};
use crate::response::Response;
use crate::routing::Operation;
use crate::validation::ValidationErrors;

/// A host and port: Starlette's `request.client` (and `Address`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// The host: an IP address, or `testclient` under the test client.
    pub host: String,
    /// The port.
    pub port: u16,
}

/// Where a request came from and went to, as the server (or the test
/// client) puts it in the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// The client: the connection's peer.
    pub client: Option<Address>,
    /// The server, when the request carries no `Host` (Starlette's
    /// `scope["server"]`): `testserver:80` under the test client.
    pub server: Option<Address>,
    /// The scheme a trusted proxy forwarded (`X-Forwarded-Proto`, see
    /// [`proxy_headers`](crate::proxy_headers)); else the URI's, else `http`.
    pub scheme: Option<&'static str>,
}

/// Per-request state (Starlette's `request.state`): typed values that
/// middleware, dependencies and the handler of one request share, one per
/// type. Clones share the same values.
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::{Request, RequestState};
///
/// #[derive(Clone)]
/// struct RequestId(u64);
///
/// #[get("/")]
/// async fn root(request: Request) -> Json<u64> {
///     Json(request.state().get::<RequestId>().map_or(0, |r| r.0))
/// }
///
/// let app = App::new().route(root).middleware(|mut req, next| async move {
///     RequestState::of(&mut req).insert(RequestId(7));
///     next.run(req).await
/// });
/// assert_eq!(TestClient::new(app).get("/").send().json(), 7);
/// ```
#[derive(Debug, Clone, Default)]
pub struct RequestState(Arc<Mutex<http::Extensions>>);

impl RequestState {
    /// The state of `req`, created (empty) if it has none yet.
    pub fn of<B>(req: &mut http::Request<B>) -> RequestState {
        Self::in_extensions(req.extensions_mut())
    }

    fn in_extensions(ext: &mut http::Extensions) -> RequestState {
        ext.get_or_insert_default::<RequestState>().clone()
    }

    /// Sets the value of type `T` (replacing the previous one).
    pub fn insert<T: Clone + Send + Sync + 'static>(&self, value: T) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(value);
    }

    /// The value of type `T`, if one was set.
    pub fn get<T: Clone + Send + Sync + 'static>(&self) -> Option<T> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get::<T>()
            .cloned()
    }
}

/// The request as a handler or dependency parameter: FastAPI's `Request`.
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::Request;
///
/// #[get("/items/{item_id}")]
/// async fn read_root(item_id: String, request: Request) -> Json<serde_json::Value> {
///     let client_host = request.client().map(|c| c.host.clone());
///     Json(serde_json::json!({"client_host": client_host, "item_id": item_id}))
/// }
///
/// #[post("/echo")]
/// async fn echo(mut request: Request) -> Result<String, HttpError> {
///     let body = request.body().await?;
///     Ok(format!("{} {} bytes", request.method(), body.len()))
/// }
///
/// let client = TestClient::new(App::new().route(read_root).route(echo));
/// let r = client.get("/items/foo").send();
/// assert_eq!(r.json(), serde_json::json!({"client_host": "testclient", "item_id": "foo"}));
/// assert_eq!(client.post("/echo").body("hello").send().json(), "POST 5 bytes");
/// ```
#[derive(Debug)]
pub struct Request {
    method: Method,
    uri: Uri,
    version: Version,
    headers: HeaderMap,
    path_params: Vec<(String, String)>,
    cookies: Vec<(String, String)>,
    connection: Option<Connection>,
    state: RequestState,
    app_state: Arc<http::Extensions>,
    route_names: Option<Arc<[(String, String)]>>,
    root_path: Option<Arc<crate::root_path::RootPath>>,
    body: RequestBodyState,
}

#[derive(Debug)]
enum RequestBodyState {
    Unread(RequestBody, BodyLimits),
    Read(Bytes),
}

impl Request {
    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request target as received (path and query; scheme and authority
    /// too for HTTP/2).
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The HTTP version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The full URL, as Starlette's `str(request.url)`:
    /// `http://host/path?query`, the host from the `Host` header (else the
    /// URI's authority, else the server's address).
    pub fn url(&self) -> String {
        let scheme = self.scheme();
        let mut url = format!("{scheme}://{}", self.host());
        if let Some(root) = self.root_path.as_deref().filter(|r| r.from_server) {
            url.push_str(&root.path);
        }
        url.push_str(&self.path());
        if let Some(q) = self.query() {
            url.push('?');
            url.push_str(q);
        }
        url
    }

    /// The URL without path and query, ending with `/`: Starlette's
    /// `request.base_url` (with the app's root path, see [`crate::root_path`]).
    pub fn base_url(&self) -> String {
        let scheme = self.scheme();
        format!("{scheme}://{}{}/", self.host(), self.root_path())
    }

    /// The path prefix a proxy serves the app under, `""` when none:
    /// FastAPI's `request.scope["root_path"]` (see [`crate::root_path`]).
    pub fn root_path(&self) -> &str {
        self.root_path.as_deref().map_or("", |r| r.path.as_str())
    }

    /// The scheme: a trusted proxy's `X-Forwarded-Proto`, else the URI's
    /// (HTTP/2), else `http`.
    pub fn scheme(&self) -> &str {
        self.connection
            .as_ref()
            .and_then(|c| c.scheme)
            .or(self.uri.scheme_str())
            .unwrap_or("http")
    }

    fn host(&self) -> Cow<'_, str> {
        if let Some(h) = self
            .headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
        {
            return Cow::Borrowed(h);
        }
        if let Some(a) = self.uri.authority() {
            return Cow::Borrowed(a.as_str());
        }
        match self.connection.as_ref().and_then(|c| c.server.as_ref()) {
            Some(Address { host, port: 80 }) => Cow::Borrowed(host),
            Some(Address { host, port }) => Cow::Owned(format!("{host}:{port}")),
            None => Cow::Borrowed("localhost"),
        }
    }

    /// The absolute URL of the route named `name` (its function's name, or
    /// its `name = "…"` option) with its path parameters `params`:
    /// Starlette's `request.url_for(name, **params)`. `None` (Starlette's
    /// `NoMatchFound`) when no route has that name and exactly those
    /// parameters.
    ///
    /// ```
    /// use fastrs::prelude::*;
    ///
    /// #[get("/items/{item_id}")]
    /// async fn read_item(item_id: i64) -> Json<i64> { Json(item_id) }
    ///
    /// #[get("/link")]
    /// async fn link(request: Request) -> Json<Option<String>> {
    ///     Json(request.url_for("read_item", &[("item_id", "3")]))
    /// }
    ///
    /// let client = TestClient::new(App::new().route(read_item).route(link));
    /// assert_eq!(client.get("/link").send().json(), "http://testserver/items/3");
    /// ```
    pub fn url_for(&self, name: &str, params: &[(&str, &str)]) -> Option<String> {
        let names = self.route_names.as_deref()?;
        'routes: for (_, template) in names.iter().filter(|(n, _)| n == name) {
            let wanted = crate::app::param_names(template);
            if wanted.len() != params.len() {
                continue;
            }
            let mut path = template.clone();
            for w in &wanted {
                let Some((_, v)) = params.iter().find(|(k, _)| k == w) else {
                    continue 'routes;
                };
                if v.is_empty() || v.contains('/') {
                    continue 'routes;
                }
                path = path.replace(&format!("{{{w}}}"), v);
            }
            let base = self.base_url();
            return Some(format!("{}{path}", base.trim_end_matches('/')));
        }
        None
    }

    /// The path, percent-decoded (Starlette's `request.url.path`).
    pub fn path(&self) -> Cow<'_, str> {
        percent_encoding::percent_decode_str(self.uri.path()).decode_utf8_lossy()
    }

    /// The query string, if any.
    pub fn query(&self) -> Option<&str> {
        self.uri.query()
    }

    /// Every query parameter, decoded, in order (Starlette's
    /// `request.query_params.multi_items()`).
    pub fn query_params(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    /// The last value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<String> {
        form_urlencoded::parse(self.query().unwrap_or("").as_bytes())
            .filter(|(k, _)| k == name)
            .last()
            .map(|(_, v)| v.into_owned())
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The value of a header, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The matched path parameters, decoded (Starlette's `request.path_params`).
    pub fn path_params(&self) -> &[(String, String)] {
        &self.path_params
    }

    /// Every cookie, decoded, in order.
    pub fn cookies(&self) -> &[(String, String)] {
        &self.cookies
    }

    /// The value of a cookie (the last of that name).
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The client's address (Starlette's `request.client`): the
    /// connection's peer, or the client a trusted proxy forwarded (see
    /// [`proxy_headers`](crate::proxy_headers)); `None` when the server did
    /// not give it.
    pub fn client(&self) -> Option<&Address> {
        self.connection.as_ref().and_then(|c| c.client.as_ref())
    }

    /// The per-request state, shared with middleware and dependencies.
    pub fn state(&self) -> &RequestState {
        &self.state
    }

    /// The app's state of type `T` (see [`App::state`](crate::App::state)):
    /// Starlette's `request.app.state`.
    pub fn app_state<T: Clone + Send + Sync + 'static>(&self) -> Option<T> {
        self.app_state.get::<T>().cloned()
    }

    /// The whole body, read within the app's limits (413, 408 and 400 as
    /// for any body); read once, then kept. A route that also takes a JSON
    /// body or a form gets the bytes that parameter read.
    pub async fn body(&mut self) -> Result<Bytes, HttpError> {
        let bytes = match std::mem::replace(&mut self.body, RequestBodyState::Read(Bytes::new())) {
            RequestBodyState::Read(b) => b,
            RequestBodyState::Unread(body, limits) => {
                let read = crate::request::read_limited(
                    body,
                    &self.headers,
                    limits.max_size,
                    limits.timeout,
                    limits.chunk_timeout,
                )
                .await;
                match read {
                    Ok(b) => b,
                    Err(e) => return Err(e),
                }
            }
        };
        self.body = RequestBodyState::Read(bytes.clone());
        Ok(bytes)
    }

    /// The body as a stream of frames (Starlette's `request.stream()`), if
    /// it was not read yet; no limit applies to it.
    pub fn take_stream(&mut self) -> Option<RequestBody> {
        match std::mem::replace(&mut self.body, RequestBodyState::Read(Bytes::new())) {
            RequestBodyState::Unread(body, _) => Some(body),
            read @ RequestBodyState::Read(_) => {
                self.body = read;
                None
            }
        }
    }

    /// The request as a parameter sees it in `cx`: the unread body is taken
    /// from `cx` (the bytes a body parameter read, if one did).
    pub fn from_context(cx: &mut RequestContext) -> Request {
        let state = RequestState::in_extensions(&mut cx.parts_mut().extensions);
        let body = match cx.take_body() {
            Some(b) => RequestBodyState::Unread(b, cx.limits()),
            None => RequestBodyState::Read(cx.kept_body().unwrap_or_default()),
        };
        let parts = cx.parts();
        let path_params = cx.path_param_pairs();
        let cookies = cx
            .source_pairs(Source::Cookie)
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Request {
            method: parts.method.clone(),
            uri: parts.uri.clone(),
            version: parts.version,
            headers: parts.headers.clone(),
            path_params,
            cookies,
            connection: parts.extensions.get::<Connection>().cloned(),
            state,
            app_state: cx.app_state(),
            route_names: cx.route_names(),
            root_path: cx.root_path(),
            body,
        }
    }
}

impl Extract<Request> for Request {
    type Read = ();

    fn read(
        _: &mut RequestContext,
        _: &'static Declared<Self>,
    ) -> impl Future<Output = Result<(), Response>> + Send {
        std::future::ready(Ok(()))
    }

    fn extract(
        cx: &mut RequestContext,
        _: (),
        _: &'static Declared<Self>,
        _: &mut ValidationErrors,
    ) -> impl Future<Output = Result<Option<Self>, Response>> + Send {
        std::future::ready(Ok(Some(Request::from_context(cx))))
    }

    /// Not a documented parameter; marks the route as wanting the client's
    /// address and the body a body parameter reads.
    fn document(_: &'static Declared<Self>, op: &mut Operation) {
        op.uses_request = true;
    }
}

impl Param for Request {
    type Source = Self;
}
