//! The application: FastAPI's `FastAPI()` object.
//!
//! [`App`] collects routes and settings; [`App::into_service`] freezes them
//! into an [`AppService`], the cheap-to-clone value that serves requests. The
//! service does one matchit lookup per request (all methods of a path share
//! one entry, which is also what a 405's `Allow` lists), catches a panicking
//! handler into a 500 so the server keeps serving, answers `HEAD` like `GET`
//! without a body, and redirects a trailing-slash path to the route without it
//! (Starlette's `redirect_slashes`). It is a `tower::Service`, so tower layers
//! apply to it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::header::{HeaderValue, ALLOW, CONTENT_LENGTH, LOCATION};
use http::{Method, Request, StatusCode};
use http_body::Body as _;

use crate::body::{BoxError, RequestBody};
use crate::dependency::RouteDependencies;
use crate::http_error::HttpError;
use crate::request::{BodyLimits, PathParams, RequestContext, RouteScope};
use crate::response::{IntoResponse, Response};
use crate::routing::{Endpoint, Handler, Route, Router};

/// The application: routes, metadata and server-side limits.
///
/// ```
/// use fastrs::prelude::*;
///
/// #[get("/")]
/// async fn read_root() -> Json<serde_json::Value> {
///     Json(serde_json::json!({"message": "Hello, World"}))
/// }
///
/// let app = App::new().title("My API").version("1.0.0").route(read_root);
/// let client = TestClient::new(app);
/// assert_eq!(client.get("/").send().status(), 200);
/// ```
#[derive(Clone)]
pub struct App {
    pub(crate) title: String,
    pub(crate) version: String,
    pub(crate) description: Option<String>,
    pub(crate) routes: Vec<Route>,
    pub(crate) limits: BodyLimits,
    pub(crate) redirect_slashes: bool,
    pub(crate) meta: Meta,
    pub(crate) state: http::Extensions,
    pub(crate) dependencies: Vec<crate::dependency::RouteDependency>,
    /// Outermost first (the last added).
    pub(crate) middleware: Vec<crate::middleware::Middleware>,
    pub(crate) exception_handlers: Vec<(std::any::TypeId, crate::exception::Handler)>,
    pub(crate) startup: Vec<crate::lifespan::Startup>,
    pub(crate) shutdown: Vec<crate::lifespan::Shutdown>,
    pub(crate) overrides: crate::extract::overrides::Overrides,
}

/// The documentation settings of an app (FastAPI's constructor arguments).
#[derive(Debug, Clone)]
pub(crate) struct Meta {
    pub(crate) summary: Option<String>,
    pub(crate) contact: Option<crate::openapi::Contact>,
    pub(crate) license: Option<crate::openapi::License>,
    pub(crate) servers: Vec<(String, Option<String>)>,
    pub(crate) tags: Vec<(String, Option<String>)>,
    pub(crate) openapi_url: Option<String>,
    pub(crate) docs_url: Option<String>,
    pub(crate) redoc_url: Option<String>,
    pub(crate) docs_assets: crate::docs::DocsAssets,
    pub(crate) generate_unique_id: Option<crate::routing::GenerateUniqueId>,
    pub(crate) expose_client: bool,
    /// `FastAPI(root_path=…)` (root_path.rs).
    pub(crate) root_path: Option<crate::root_path::RootPath>,
    /// uvicorn's `--root-path`, set by the server from its `Config`.
    pub(crate) server_root_path: Option<crate::root_path::RootPath>,
    pub(crate) root_path_in_servers: bool,
}

impl Default for Meta {
    fn default() -> Self {
        Meta {
            summary: None,
            contact: None,
            license: None,
            servers: Vec::new(),
            tags: Vec::new(),
            openapi_url: Some("/openapi.json".into()),
            docs_url: Some("/docs".into()),
            redoc_url: Some("/redoc".into()),
            docs_assets: crate::docs::DocsAssets::Embedded,
            generate_unique_id: None,
            expose_client: false,
            root_path: None,
            server_root_path: None,
            root_path_in_servers: true,
        }
    }
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("title", &self.title)
            .field("version", &self.version)
            .field("routes", &self.routes)
            .field("middleware", &self.middleware.len())
            .finish_non_exhaustive()
    }
}

impl Default for App {
    fn default() -> Self {
        App {
            title: "FastRS".into(),
            version: "0.1.0".into(),
            description: None,
            routes: Vec::new(),
            limits: BodyLimits::default(),
            redirect_slashes: true,
            meta: Meta::default(),
            state: http::Extensions::new(),
            dependencies: Vec::new(),
            middleware: Vec::new(),
            exception_handlers: Vec::new(),
            startup: Vec::new(),
            shutdown: Vec::new(),
            overrides: Default::default(),
        }
    }
}

impl App {
    /// An app with no routes.
    pub fn new() -> Self {
        Self::default()
    }

    /// The API's title (OpenAPI `info.title`).
    pub fn title(mut self, t: impl Into<String>) -> Self {
        self.title = t.into();
        self
    }

    /// The API's version (OpenAPI `info.version`).
    pub fn version(mut self, v: impl Into<String>) -> Self {
        self.version = v.into();
        self
    }

    /// The API's description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// A short summary of the API (OpenAPI `info.summary`).
    pub fn summary(mut self, s: impl Into<String>) -> Self {
        self.meta.summary = Some(s.into());
        self
    }

    /// The API's contact (OpenAPI `info.contact`).
    pub fn contact(mut self, c: crate::openapi::Contact) -> Self {
        self.meta.contact = Some(c);
        self
    }

    /// The API's license (OpenAPI `info.license`).
    pub fn license(mut self, l: crate::openapi::License) -> Self {
        self.meta.license = Some(l);
        self
    }

    /// Adds a server (OpenAPI `servers`).
    pub fn server(mut self, url: impl Into<String>, description: Option<&str>) -> Self {
        self.meta
            .servers
            .push((url.into(), description.map(str::to_owned)));
        self
    }

    /// Describes a tag (FastAPI's `openapi_tags`).
    pub fn tag(mut self, name: impl Into<String>, description: Option<&str>) -> Self {
        self.meta
            .tags
            .push((name.into(), description.map(str::to_owned)));
        self
    }

    /// Where the OpenAPI document is served (default `/openapi.json`); `None`
    /// disables it, and with it the docs pages.
    pub fn openapi_url(mut self, url: Option<&str>) -> Self {
        self.meta.openapi_url = url.map(str::to_owned);
        self
    }

    /// Where Swagger UI is served (default `/docs`); `None` disables it.
    pub fn docs_url(mut self, url: Option<&str>) -> Self {
        self.meta.docs_url = url.map(str::to_owned);
        self
    }

    /// Where ReDoc is served (default `/redoc`); `None` disables it.
    pub fn redoc_url(mut self, url: Option<&str>) -> Self {
        self.meta.redoc_url = url.map(str::to_owned);
        self
    }

    /// Where the docs pages load Swagger UI and ReDoc from: embedded in the
    /// binary (default, works offline) or a CDN. Embedding needs the cargo
    /// features `swagger-ui` and `redoc` (on by default); without one,
    /// that page is not served (404) unless the assets come from the CDN.
    pub fn docs_assets(mut self, assets: crate::docs::DocsAssets) -> Self {
        self.meta.docs_assets = assets;
        self
    }

    /// Sets the function that generates the operation id of every route
    /// without an `operation_id` (FastAPI's `generate_unique_id_function`);
    /// a router's or a route's own generator wins. The id also names the
    /// route's `Body_<id>` and `Response_<id>` schemas. Two operations with
    /// one id are warned about when the document is built, as FastAPI
    /// does: `Duplicate Operation ID <id> for function <name>`.
    ///
    /// ```
    /// use fastrs::prelude::*;
    ///
    /// fn tag_and_name(route: &fastrs::Route) -> String {
    ///     format!("{}-{}", route.operation().tags[0], route.operation().name)
    /// }
    ///
    /// #[get("/items/", tags = ["items"])]
    /// async fn get_items() -> Json<Vec<String>> { Json(vec![]) }
    ///
    /// #[get("/users/", tags = ["users"], operation_id = "list_users")]
    /// async fn get_users() -> Json<Vec<String>> { Json(vec![]) }
    ///
    /// let doc = App::new().generate_unique_id(tag_and_name).route(get_items).route(get_users).openapi();
    /// assert_eq!(doc["paths"]["/items/"]["get"]["operationId"], "items-get_items");
    /// assert_eq!(doc["paths"]["/users/"]["get"]["operationId"], "list_users");
    /// ```
    pub fn generate_unique_id(mut self, f: crate::routing::GenerateUniqueId) -> Self {
        self.meta.generate_unique_id = Some(f);
        self
    }

    /// Gives every request the client's address (a
    /// [`Connection`](crate::request_param::Connection) in its extensions),
    /// for middleware that reads it. Without it, the server gives it only to
    /// apps with a route (or route dependency) taking a
    /// [`Request`](crate::Request), so that other apps pay nothing for it.
    pub fn expose_client(mut self, yes: bool) -> Self {
        self.meta.expose_client = yes;
        self
    }

    /// The OpenAPI document of the app's routes.
    pub fn openapi(&self) -> serde_json::Value {
        crate::openapi::document(self)
    }

    /// Puts `value` in the app's state; handlers and dependencies take it
    /// by type with [`State<T>`](crate::State) (one value per type).
    pub fn state<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(value);
        self
    }

    /// Requires dependency `D` for every route (FastAPI's
    /// `FastAPI(dependencies=[Depends(d)])`).
    pub fn dependency<D: crate::Dependency>(mut self) -> Self {
        self.dependencies
            .push(crate::dependency::RouteDependency::of::<D>());
        self
    }

    /// Runs dependency `R` wherever a request asks for `D` (FastAPI's
    /// `app.dependency_overrides[d] = r`), for tests above all: see
    /// [`overrides`](crate::extract::overrides). `R` must give what `D` gives.
    ///
    /// ```compile_fail
    /// use fastrs::prelude::*;
    ///
    /// #[dependency]
    /// async fn user_name() -> String { "bob".into() }
    /// #[dependency]
    /// async fn user_id() -> i64 { 1 }
    ///
    /// // error: `user_id` gives an i64 where `user_name` gives a String
    /// let app = App::new().dependency_override::<user_name, user_id>();
    /// ```
    pub fn dependency_override<D, R>(mut self) -> Self
    where
        D: crate::Dependency,
        R: crate::Dependency<Output = D::Output>,
    {
        self.overrides.insert::<D, R>();
        self
    }

    /// Adds a middleware: an `async fn(request, next) -> response` run around
    /// every request (FastAPI's `@app.middleware("http")`). The last added runs
    /// outermost, as in Starlette.
    ///
    /// ```
    /// use fastrs::prelude::*;
    /// use fastrs::middleware::Next;
    ///
    /// #[get("/")]
    /// async fn root() -> Json<serde_json::Value> { Json(serde_json::json!({})) }
    ///
    /// let app = App::new().route(root).middleware(|req, next: Next| async move {
    ///     let mut r = next.run(req).await;
    ///     r.headers_mut().insert("x-powered-by", "fastrs".parse().unwrap());
    ///     r
    /// });
    /// assert_eq!(TestClient::new(app).get("/").send().header("x-powered-by"), Some("fastrs"));
    /// ```
    pub fn middleware<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Request<RequestBody>, crate::middleware::Next) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Response> + Send + 'static,
    {
        self.middleware.insert(0, crate::middleware::from_fn(f));
        self
    }

    /// Runs `f` at start-up (before the first request) and puts the value it
    /// returns in the app state, for [`State<T>`](crate::State): FastAPI's
    /// start-up event, e.g. opening a database pool. An error stops the start.
    ///
    /// ```
    /// use fastrs::prelude::*;
    ///
    /// #[derive(Clone)]
    /// struct Pool(&'static str);
    ///
    /// #[get("/db")]
    /// async fn db(pool: State<Pool>) -> Json<serde_json::Value> {
    ///     let Pool(name) = *pool;
    ///     Json(serde_json::json!({"pool": name}))
    /// }
    ///
    /// let app = App::new()
    ///     .route(db)
    ///     .on_startup(|| async { Ok::<_, std::io::Error>(Pool("open")) })
    ///     .on_shutdown(|pool: Pool| async move { let _ = pool; /* close it */ });
    /// assert_eq!(TestClient::new(app).get("/db").send().json()["pool"], "open");
    /// ```
    pub fn on_startup<T, E, F, Fut>(mut self, f: F) -> Self
    where
        T: Clone + Send + Sync + 'static,
        E: Into<crate::body::BoxError>,
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<T, E>> + Send + 'static,
    {
        self.startup.push(crate::lifespan::startup(f));
        self
    }

    /// Runs `f` at shutdown, after the last request, with the app state's `T`
    /// (what a start-up hook returned): FastAPI's shutdown event.
    pub fn on_shutdown<T, F, Fut>(mut self, f: F) -> Self
    where
        T: Clone + Send + Sync + 'static,
        F: Fn(T) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        self.shutdown.push(crate::lifespan::shutdown(f));
        self
    }

    /// Runs the start-up hooks, then freezes the app ([`App::into_service`]).
    ///
    /// # Errors
    /// The first start-up hook's error.
    pub async fn start(mut self) -> Result<AppService, crate::body::BoxError> {
        for hook in self.startup.clone() {
            let insert = hook().await?;
            insert(&mut self.state);
        }
        Ok(self.into_service())
    }

    /// Registers the response for errors of type `E` (FastAPI's
    /// `@app.exception_handler(E)`): a user error answered with
    /// [`exception::raise`](crate::exception::raise), or the framework's own
    /// [`HttpError`](crate::HttpError) (404 and 405 included) and
    /// [`ValidationErrors`](crate::ValidationErrors) (422).
    pub fn exception_handler<E, F>(mut self, f: F) -> Self
    where
        E: Send + Sync + 'static,
        F: Fn(&E) -> Response + Send + Sync + 'static,
    {
        let h: crate::exception::Handler = Arc::new(move |e| match e.downcast_ref::<E>() {
            Some(e) => f(e),
            None => HttpError::new(500, "Internal Server Error").into_response(),
        });
        self.exception_handlers
            .retain(|(t, _)| *t != std::any::TypeId::of::<E>());
        self.exception_handlers
            .push((std::any::TypeId::of::<E>(), h));
        self
    }

    /// Adds an already boxed middleware (what the CORS, GZip… builders return).
    pub fn middleware_boxed(mut self, m: crate::middleware::Middleware) -> Self {
        self.middleware.insert(0, m);
        self
    }

    /// Adds a route.
    pub fn route(mut self, e: impl Endpoint) -> Self {
        self.routes.push(e.route());
        self
    }

    /// Includes a router's routes (FastAPI's `include_router`).
    pub fn include(mut self, r: Router) -> Self {
        self.routes.extend(r.into_routes());
        self
    }

    /// The largest request body accepted, in bytes (default 1 MiB); larger → 413.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.limits.max_size = bytes;
        self
    }

    /// How long reading a request body may take (default 30 s); slower → 408.
    pub fn body_timeout(mut self, t: Duration) -> Self {
        self.limits.timeout = t;
        self
    }

    /// How long a client may pause between two chunks of a body (default
    /// 5 s, as uvicorn's keep-alive); longer → 408 and the connection closes.
    pub fn body_chunk_timeout(mut self, t: Duration) -> Self {
        self.limits.chunk_timeout = t;
        self
    }

    /// The most fields and files of one form (default 1000 each, as
    /// Starlette's `max_fields`/`max_files`); more → 400.
    pub fn max_form_parts(mut self, fields: usize, files: usize) -> Self {
        self.limits.max_fields = fields;
        self.limits.max_files = files;
        self
    }

    /// The largest multipart body of a route with file parameters, in bytes
    /// (default 100 MiB); forms without files keep [`max_body_size`](Self::max_body_size).
    pub fn max_upload_size(mut self, bytes: usize) -> Self {
        self.limits.max_upload_size = bytes;
        self
    }

    /// Redirect `/path/` to `/path` (and back) when only the other exists (default on).
    pub fn redirect_slashes(mut self, yes: bool) -> Self {
        self.redirect_slashes = yes;
        self
    }

    /// The registered routes.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// Freezes the app into the service that answers requests.
    ///
    /// # Panics
    /// When two routes conflict (the same method and path, or paths matchit
    /// cannot tell apart): a programming error, reported at start-up.
    pub fn into_service(mut self) -> AppService {
        if !self.exception_handlers.is_empty() {
            crate::exception::register_app_with_handlers();
        }
        let app_deps = std::mem::take(&mut self.dependencies);
        if !app_deps.is_empty() {
            for r in &mut self.routes {
                let mut deps = app_deps.clone();
                deps.extend(std::mem::take(&mut r.dependencies));
                r.dependencies = deps;
            }
        }
        self.add_docs_routes();
        AppService {
            inner: Arc::new(Inner::build(self)),
        }
    }

    /// Builds the OpenAPI document once and adds the routes that serve it
    /// (from memory) and the docs pages.
    fn add_docs_routes(&mut self) {
        let Some(openapi_url) = self.meta.openapi_url.clone() else {
            return;
        };
        let mut doc = self.openapi();
        if let (Some(root), true) = (self.effective_root_path(), self.meta.root_path_in_servers) {
            // FastAPI's openapi route: the root path first in `servers`
            // (a key added at the end when the app lists none).
            let url = serde_json::Value::String(root.path.clone());
            let listed = doc["servers"]
                .as_array()
                .is_some_and(|s| s.iter().any(|s| s["url"] == url));
            if !listed {
                let mut servers = vec![serde_json::json!({ "url": url })];
                if let Some(theirs) = doc["servers"].as_array() {
                    servers.extend(theirs.iter().cloned());
                }
                doc["servers"] = serde_json::Value::Array(servers);
            }
        }
        let doc = bytes::Bytes::from(serde_json::to_vec(&doc).unwrap_or_default());
        let route = crate::Route::new(Method::GET, openapi_url.clone(), move |_| {
            let doc = doc.clone();
            async move { crate::response::raw_json_response(StatusCode::OK, doc) }
        })
        .name("openapi")
        .include_in_schema(false);
        self.routes.push(route);
        let assets = self.meta.docs_assets;
        if let Some(docs_url) = &self.meta.docs_url {
            let title = format!("{} - Swagger UI", self.title);
            self.routes.extend(crate::docs::swagger_ui_routes(
                docs_url,
                &openapi_url,
                &title,
                assets,
            ));
        }
        if let Some(redoc_url) = &self.meta.redoc_url {
            let title = format!("{} - ReDoc", self.title);
            self.routes.extend(crate::docs::redoc_routes(
                redoc_url,
                &openapi_url,
                &title,
                assets,
            ));
        }
    }
}

struct PathEntry {
    /// The route's path template (`/items/{item_id}`).
    template: String,
    param_names: Arc<[Arc<str>]>,
    methods: Vec<MethodEntry>,
    /// The path's websocket route (`#[websocket]`), apart from its methods.
    websocket: Option<MethodEntry>,
    allow: HeaderValue,
}

struct MethodEntry {
    method: Method,
    handler: Handler,
    scope: Arc<RouteScope>,
    needs_completion: bool,
}

struct Inner {
    router: matchit::Router<usize>,
    paths: Vec<PathEntry>,
    redirect_slashes: bool,
    state: Arc<http::Extensions>,
    /// The root path routing strips (an app's, not the server's).
    strip_root: Option<crate::root_path::RootPath>,
    /// The root path put in front of redirects (the server's).
    server_root: Option<String>,
    /// A route takes the `Request`, or the app asked for it
    /// ([`App::expose_client`]): the server gives each request the client's
    /// address.
    wants_client: bool,
    /// A websocket route exists: the server's connections must support
    /// HTTP/1.1 upgrades (hyper's `with_upgrades`, a cost on every request).
    wants_upgrades: bool,
    /// Background tasks and clean-up running after their responses.
    after_response: tokio_util::task::TaskTracker,
    app: App,
}

impl Inner {
    fn build(app: App) -> Inner {
        let mut router = matchit::Router::new();
        let mut paths: Vec<PathEntry> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let state = Arc::new(app.state.clone());
        let overrides = (!app.overrides.is_empty()).then(|| Arc::new(app.overrides.clone()));
        let overrides_complete = app.overrides.need_completion();
        let mut wants_client = app.meta.expose_client;
        let route_names: Arc<[(String, String)]> = app
            .routes
            .iter()
            .map(|r| (r.operation.name.to_string(), r.path.clone()))
            .collect();
        let mut cleanup = false;
        let root = app.effective_root_path().cloned().map(Arc::new);
        for r in &app.routes {
            let i = *index.entry(r.path.clone()).or_insert_with(|| {
                if let Err(e) = router.insert(r.path.clone(), paths.len()) {
                    panic!("route {} {} conflicts with another: {e}", r.method, r.path);
                }
                paths.push(PathEntry {
                    template: r.path.clone(),
                    param_names: param_names(&r.path).into_iter().map(Arc::from).collect(),
                    methods: Vec::new(),
                    websocket: None,
                    allow: HeaderValue::from_static(""),
                });
                paths.len() - 1
            });
            let entry = &mut paths[i];
            assert!(
                !(r.websocket && entry.websocket.is_some()),
                "websocket route {} is declared twice",
                r.path
            );
            assert!(
                r.websocket || !entry.methods.iter().any(|m| m.method == r.method),
                "route {} {} is declared twice",
                r.method,
                r.path
            );
            let deps = (!r.dependencies.is_empty())
                .then(|| RouteDependencies::from(r.dependencies.clone()));
            let mut route_deps = crate::routing::Operation::default();
            for d in &r.dependencies {
                (d.document)(&mut route_deps);
            }
            let needs_completion =
                r.operation.needs_completion || route_deps.needs_completion || overrides_complete;
            let uses_request = r.operation.uses_request || route_deps.uses_request;
            wants_client |= uses_request;
            if needs_completion {
                cleanup = true;
            }
            let target = MethodEntry {
                method: r.method.clone(),
                handler: r.handler.clone(),
                scope: Arc::new(RouteScope {
                    overrides: overrides.clone(),
                    keep_body: uses_request,
                    route_names: uses_request.then(|| route_names.clone()),
                    root_path: root.clone().filter(|_| uses_request),
                    ..RouteScope::new(state.clone(), deps, app.limits, r.operation.form_multipart)
                }),
                needs_completion,
            };
            if r.websocket {
                entry.websocket = Some(target);
            } else {
                entry.methods.push(target);
            }
        }
        if cleanup {
            crate::exception::register_app_with_cleanup();
        }
        for entry in &mut paths {
            let mut names: Vec<&str> = entry.methods.iter().map(|m| m.method.as_str()).collect();
            if names.contains(&"GET") && !names.contains(&"HEAD") {
                names.push("HEAD");
            }
            names.sort_unstable();
            entry.allow = HeaderValue::from_str(&names.join(", ")).expect("method names are valid");
        }
        let wants_upgrades = paths.iter().any(|p| p.websocket.is_some());
        Inner {
            router,
            paths,
            redirect_slashes: app.redirect_slashes,
            state,
            strip_root: root.as_deref().filter(|r| !r.from_server).cloned(),
            server_root: root
                .as_deref()
                .filter(|r| r.from_server)
                .map(|r| r.path.clone()),
            wants_client,
            wants_upgrades,
            after_response: tokio_util::task::TaskTracker::new(),
            app,
        }
    }
}

/// The names of the `{param}` segments of a path template, in order.
pub(crate) fn param_names(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + end];
        out.push(name.trim_start_matches('*').to_owned());
        rest = &rest[start + end + 1..];
    }
    out
}

/// A routed request: answered already, or its handler started.
enum Started {
    /// Answered at once (404, 405, 307): boxed, so that the common case, a
    /// started handler, is a few words to move.
    Done(Box<Response>),
    Running {
        future: crate::routing::BoxFuture,
        completion: Option<Arc<crate::background::Completion>>,
        is_head: bool,
    },
}

/// The future of one request, as [`AppService::handle`] returns it: the
/// handler's future polled in place (a panic becomes a 500), then the
/// response finished without another allocation. Written by hand rather than
/// as an `async` block, which would hold the request, the started handler
/// and the response at once (~1 KiB, past the allocator's small-size cache).
#[must_use = "futures do nothing unless polled"]
pub struct Handling {
    state: HandlingState,
}

enum HandlingState {
    /// An answer ready at once, boxed (see [`Started::Done`]): the state is
    /// moved with every request, and a `Response` is 150 bytes.
    Ready(Option<Box<Response>>),
    Running {
        app: AppService,
        future: crate::routing::BoxFuture,
        completion: Option<Arc<crate::background::Completion>>,
        is_head: bool,
    },
    /// Middleware, or clean-up and background tasks to register: boxed.
    Chain(crate::middleware::MiddlewareFuture),
    Completing(crate::routing::BoxFuture),
}

impl std::fmt::Debug for Handling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.state {
            HandlingState::Ready(_) => "ready",
            HandlingState::Running { .. } => "running",
            HandlingState::Chain(_) => "middleware",
            HandlingState::Completing(_) => "completing",
        };
        f.debug_struct("Handling").field("state", &state).finish()
    }
}

impl Handling {
    fn started(app: AppService, started: Started) -> Handling {
        let state = match started {
            Started::Done(r) => {
                HandlingState::Ready(Some(Box::new(app.apply_exception_handlers(*r))))
            }
            Started::Running {
                future,
                completion,
                is_head,
            } => HandlingState::Running {
                app,
                future,
                completion,
                is_head,
            },
        };
        Handling { state }
    }
}

impl std::future::Future for Handling {
    type Output = Response;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Response> {
        use std::task::Poll;
        loop {
            match &mut self.state {
                HandlingState::Ready(r) => {
                    return Poll::Ready(*r.take().expect("Handling polled after completion"))
                }
                HandlingState::Chain(f) | HandlingState::Completing(f) => {
                    return f.as_mut().poll(cx)
                }
                HandlingState::Running {
                    future,
                    app,
                    completion,
                    is_head,
                } => {
                    let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        future.as_mut().poll(cx)
                    }));
                    let response = match polled {
                        Ok(Poll::Pending) => return Poll::Pending,
                        Ok(Poll::Ready(r)) => r,
                        Err(panic) => panicked(&*panic),
                    };
                    let is_head = *is_head;
                    match completion.take() {
                        // Returned directly: the response is not parked in
                        // `self` first (each move of it is a 150-byte copy).
                        None => {
                            let response = app.finish(response, is_head);
                            self.state = HandlingState::Ready(None);
                            return Poll::Ready(response);
                        }
                        Some(c) => {
                            let app = app.clone();
                            self.state = HandlingState::Completing(Box::pin(async move {
                                let mut response = response;
                                c.finish(&mut response).await;
                                app.finish(response, is_head)
                            }))
                        }
                    }
                }
            }
        }
    }
}

/// The 500 answered for a handler that panicked, logged with its message.
fn panicked(panic: &(dyn std::any::Any + Send)) -> Response {
    let msg = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".into());
    tracing::error!(panic = %msg, "handler panicked; answered 500");
    let mut r = HttpError::new(500, "Internal Server Error").into_response();
    r.extensions_mut().insert(crate::background::Panicked);
    r
}

/// A frozen [`App`], answering requests; clone it freely (one `Arc`).
#[derive(Clone)]
pub struct AppService {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for AppService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppService")
            .field("routes", &self.inner.app.routes.len())
            .finish()
    }
}

impl AppService {
    /// Runs the app's shutdown hooks, in the order they were added.
    pub async fn shutdown(&self) {
        for hook in &self.inner.app.shutdown {
            hook(&self.inner.state).await;
        }
    }

    /// Resolves once no background task or clean-up hook started after a
    /// response is running ([`BackgroundTasks`](crate::background::BackgroundTasks),
    /// [`Cleanup`](crate::background::Cleanup)); those started meanwhile
    /// are waited for too. The server awaits it after its last connection
    /// closed and before the shutdown hooks, within its graceful timeout,
    /// so that a SIGTERM does not cut a background task short (uvicorn's
    /// graceful shutdown waits for them as part of their request).
    pub async fn background_tasks_done(&self) {
        let tracker = &self.inner.after_response;
        tracker.close();
        tracker.wait().await;
        tracker.reopen();
    }

    /// How many background tasks (and clean-ups) run after their responses.
    pub fn background_tasks_running(&self) -> usize {
        self.inner.after_response.len()
    }

    /// Whether the app reads the client's address (a route takes the
    /// [`Request`](crate::Request), or [`App::expose_client`]): the server
    /// then puts a [`Connection`](crate::request_param::Connection) in each
    /// request's extensions.
    pub fn wants_client(&self) -> bool {
        self.inner.wants_client
    }

    /// Whether the app has a websocket route, so that its connections must
    /// be able to switch protocols (the server serves them with upgrades).
    pub fn wants_upgrades(&self) -> bool {
        self.inner.wants_upgrades
    }

    /// The path template of the route `path` would be routed to
    /// (`/items/{item_id}` for `/items/3`), whatever its method; `None`
    /// when no route matches. For metrics and logs labelled by route
    /// rather than by raw path (a tower layer gets the `AppService` it wraps).
    ///
    /// ```
    /// use fastrs::prelude::*;
    /// #[get("/items/{item_id}")]
    /// async fn read_item(item_id: i64) -> Json<i64> { Json(item_id) }
    /// let app = App::new().route(read_item).into_service();
    /// assert_eq!(app.route_template("/items/3"), Some("/items/{item_id}"));
    /// assert_eq!(app.route_template("/nowhere"), None);
    /// ```
    pub fn route_template(&self, path: &str) -> Option<&str> {
        let inner = &*self.inner;
        let path = match &inner.strip_root {
            Some(root) => root.route_path(path),
            None => path,
        };
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let matched = inner.router.at(&decoded).ok()?;
        Some(&inner.paths[*matched.value].template)
    }

    /// The app it was built from (routes and metadata).
    pub fn app(&self) -> &App {
        &self.inner.app
    }

    /// Answers one request: the middleware chain, then routing.
    ///
    /// Routing runs here, synchronously; the returned future holds only the
    /// started handler (a few words), not the request it came from.
    pub fn handle(&self, req: Request<RequestBody>) -> Handling {
        let (parts, body) = req.into_parts();
        self.handle_parts(parts, body)
    }

    /// [`handle`](Self::handle) of a request in parts: the server's way,
    /// which saves moving the request whole (a 200-byte copy each time).
    #[inline]
    pub(crate) fn handle_parts(&self, parts: http::request::Parts, body: RequestBody) -> Handling {
        if self.inner.app.middleware.is_empty() {
            Handling::started(self.clone(), self.start(parts, body))
        } else {
            let req = Request::from_parts(parts, body);
            Handling {
                state: HandlingState::Chain(self.run_from(0, req)),
            }
        }
    }

    /// Runs the middleware chain from `index` (what [`Next`](crate::middleware::Next) calls).
    pub(crate) fn run_from(
        &self,
        index: usize,
        req: Request<RequestBody>,
    ) -> crate::middleware::MiddlewareFuture {
        let this = self.clone();
        match this.inner.app.middleware.get(index).cloned() {
            Some(m) => m(
                req,
                crate::middleware::Next {
                    service: this,
                    index: index + 1,
                },
            ),
            None => {
                let (parts, body) = req.into_parts();
                let started = this.start(parts, body);
                Box::pin(Handling::started(this, started))
            }
        }
    }

    /// Awaits a started handler, then applies the app's exception handlers
    /// to the errors raised in its response.
    /// The handler's response after its clean-up and background tasks
    /// have been registered: HEAD's empty body, then the exception handlers.
    fn finish(&self, mut response: Response, is_head: bool) -> Response {
        if is_head {
            if let Some(len) = response.body().size_hint().exact() {
                response
                    .headers_mut()
                    .insert(CONTENT_LENGTH, HeaderValue::from(len));
            }
            *response.body_mut() = crate::body::Body::Empty;
        }
        self.apply_exception_handlers(response)
    }

    fn apply_exception_handlers(&self, response: Response) -> Response {
        let handlers = &self.inner.app.exception_handlers;
        if handlers.is_empty() && response.extensions().is_empty() {
            return response;
        }
        crate::exception::apply(handlers, response)
    }

    /// Routes `req` and starts its handler, or answers at once (404, 405, 307).
    fn start(&self, parts: http::request::Parts, body: RequestBody) -> Started {
        let inner = &*self.inner;
        let full = parts.uri.path();
        let raw = match &inner.strip_root {
            Some(root) => root.route_path(full),
            None => full,
        };
        let decoded = if raw.contains('%') {
            percent_encoding::percent_decode_str(raw).decode_utf8_lossy()
        } else {
            Cow::Borrowed(raw)
        };
        let matched = match inner.router.at(&decoded) {
            Ok(m) => m,
            Err(_)
                if parts
                    .extensions
                    .get::<crate::websockets::Upgrade>()
                    .is_some()
                    && crate::websockets::wants_websocket(&parts.headers) =>
            {
                return Started::Done(Box::new(crate::websockets::no_route()))
            }
            Err(_) => return Started::Done(Box::new(self.not_found(&parts, &decoded))),
        };
        let entry = &inner.paths[*matched.value];
        let is_head = parts.method == Method::HEAD;
        // An upgrade the server (or test client) can carry out: only the
        // path's websocket route answers it (Starlette's routing by scope).
        let upgrade = parts
            .extensions
            .get::<crate::websockets::Upgrade>()
            .is_some()
            && parts.method == Method::GET
            && crate::websockets::wants_websocket(&parts.headers);
        let handler = if upgrade {
            match &entry.websocket {
                Some(t) => Some(t),
                None => return Started::Done(Box::new(crate::websockets::no_route())),
            }
        } else {
            entry
                .methods
                .iter()
                .find(|m| m.method == parts.method)
                .or_else(|| {
                    is_head
                        .then(|| entry.methods.iter().find(|m| m.method == Method::GET))
                        .flatten()
                })
        };
        let Some(target) = handler else {
            if entry.methods.is_empty() {
                // Only a websocket route here: Starlette's 404.
                return Started::Done(Box::new(
                    HttpError::from_status(StatusCode::NOT_FOUND).into_response(),
                ));
            }
            let mut r = HttpError::from_status(StatusCode::METHOD_NOT_ALLOWED).into_response();
            r.headers_mut().insert(ALLOW, entry.allow.clone());
            return Started::Done(Box::new(r));
        };
        // Offsets into the request's own path when it was not decoded
        // (the matched values are slices of it, root path or not).
        let base: &str = match &decoded {
            Cow::Borrowed(_) => full,
            Cow::Owned(path) => path,
        };
        let spans = PathParams::spans(base, matched.params.iter().map(|(_, v)| v));
        let text = match decoded {
            Cow::Owned(path) => Some(path),
            Cow::Borrowed(_) => None,
        };
        let params = PathParams::new(&entry.param_names, text, spans);
        let completion = target.needs_completion.then(|| {
            Arc::new(crate::background::Completion::tracked(
                self.inner.after_response.clone(),
            ))
        });
        let cx = RequestContext::routed(
            parts,
            body,
            params,
            target.scope.clone(),
            completion.clone(),
        );
        Started::Running {
            future: (target.handler)(cx),
            completion,
            is_head,
        }
    }

    fn not_found(&self, parts: &http::request::Parts, path: &str) -> Response {
        let inner = &*self.inner;
        if inner.redirect_slashes && path != "/" {
            let other: Cow<'_, str> = match path.strip_suffix('/') {
                Some(p) => Cow::Borrowed(p),
                None => Cow::Owned(format!("{path}/")),
            };
            if inner.router.at(&other).is_ok() {
                let raw = parts.uri.path();
                // Behind the server's root path, the client's URL has it.
                let root = inner.server_root.as_deref().unwrap_or("");
                let mut target = match raw.strip_suffix('/') {
                    Some(p) => format!("{root}{p}"),
                    None => format!("{root}{raw}/"),
                };
                if let Some(q) = parts.uri.query() {
                    target.push('?');
                    target.push_str(q);
                }
                if let Ok(v) = HeaderValue::from_str(&target) {
                    let mut r = http::Response::new(crate::body::Body::Empty);
                    *r.status_mut() = StatusCode::TEMPORARY_REDIRECT;
                    r.headers_mut().insert(LOCATION, v);
                    return r;
                }
            }
        }
        HttpError::from_status(StatusCode::NOT_FOUND).into_response()
    }
}

impl<B> tower_service::Service<Request<B>> for AppService
where
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = crate::routing::BoxFutureResult;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        use http_body_util::BodyExt;
        let this = self.clone();
        let req = req.map(|b| RequestBody::Boxed(b.map_err(Into::into).boxed_unsync()));
        Box::pin(async move { Ok(this.handle(req).await) })
    }
}
