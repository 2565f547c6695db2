//! Routes and routers: FastAPI's path operations and `APIRouter`.
//!
//! A [`Route`] is one method on one path template with its handler and its
//! documentation ([`Operation`]). The route macros turn an `async fn` into a
//! unit struct implementing [`Endpoint`], whose `route()` builds that `Route`
//! with plain calls to this module; a route can also be written by hand with
//! [`Route::new`]. A [`Router`] groups routes under a prefix and tags, and
//! routers nest, as in FastAPI's "bigger applications" layout.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::{Method, StatusCode};

use crate::constraints::Constraints;
use crate::dependency::{Dependency, RouteDependency};
use crate::request::{ParamSpec, RequestContext, Source};
use crate::response::Response;

/// A boxed, sendable future of a response.
pub type BoxFuture = Pin<Box<dyn Future<Output = Response> + Send + 'static>>;

/// A type-erased handler: the request in, a response out.
pub type Handler = Arc<dyn Fn(RequestContext) -> BoxFuture + Send + Sync + 'static>;

/// Builds the JSON Schema of a type for the OpenAPI document.
pub type SchemaFn = fn(&mut schemars::SchemaGenerator) -> schemars::Schema;

/// A function giving a route its operation id (FastAPI's
/// `generate_unique_id_function`): see [`App::generate_unique_id`](crate::App::generate_unique_id).
pub type GenerateUniqueId = fn(&Route) -> String;

/// A documented parameter of an operation.
#[derive(Debug, Clone, Copy)]
pub struct ParamDoc {
    /// Its declaration.
    pub spec: &'static ParamSpec,
    /// Where it is read from (OpenAPI's `in`).
    pub source: Source,
    /// Whether the request must carry it.
    pub required: bool,
    /// The schema of its type.
    pub schema: SchemaFn,
    /// Its default, as JSON.
    pub default: Option<fn() -> serde_json::Value>,
}

/// What the OpenAPI document says of a route.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The handler's function name (FastAPI's operationId and summary derive from it).
    pub name: Cow<'static, str>,
    /// The operation id given to the route (`operation_id = "…"`), else
    /// generated (see [`Operation::generate_unique_id`]).
    pub operation_id: Option<Cow<'static, str>>,
    /// The route's or its router's operation-id generator (FastAPI's
    /// `generate_unique_id_function`); `None`: the app's, else
    /// [`generate_unique_id`](crate::openapi::generate_unique_id).
    pub generate_unique_id: Option<GenerateUniqueId>,
    /// A one-line summary ("Read Item" by default).
    pub summary: Option<Cow<'static, str>>,
    /// The description (the doc comment by default).
    pub description: Option<Cow<'static, str>>,
    /// Tags, the router's first.
    pub tags: Vec<Cow<'static, str>>,
    /// Marked deprecated.
    pub deprecated: bool,
    /// Shown in the OpenAPI document.
    pub include_in_schema: bool,
    /// The success status.
    pub status: StatusCode,
    /// Path, query, header and cookie parameters.
    pub params: Vec<ParamDoc>,
    /// The JSON request body, when one parameter is the whole body.
    pub body: Option<ParamDoc>,
    /// The JSON body's parameters when there are several (or one declared
    /// `embed`): documented as one `Body_<operation id>` object schema.
    pub body_fields: Vec<ParamDoc>,
    /// The success response's schema: from `response_model`, else from the
    /// return type (`None`: an untyped JSON response, documented as `{}`).
    pub response: Option<SchemaFn>,
    /// The return type's schema, when it declares one (models do).
    pub returns: Option<fn(&mut schemars::SchemaGenerator) -> Option<schemars::Schema>>,
    /// The return type's content when it is not JSON (streams: Server-Sent
    /// Events, JSON Lines), which then replaces `application/json`.
    pub returns_content:
        Option<fn(&mut schemars::SchemaGenerator) -> Option<crate::response::ResponseContent>>,
    /// Additional documented responses: status, schema, description.
    pub responses: Vec<(StatusCode, Option<SchemaFn>, Option<Cow<'static, str>>)>,
    /// Security requirements (from security dependencies such as
    /// `OAuth2PasswordBearer`): OpenAPI `security` and `components.securitySchemes`.
    pub security: Vec<SecurityRequirement>,
    /// Whether the route (or a dependency of it) uses `BackgroundTasks` or
    /// `Cleanup`, so the app prepares a per-request completion registry.
    pub needs_completion: bool,
    /// Whether the route (or a dependency of it) takes the
    /// [`Request`](crate::Request): the server then gives the request the
    /// client's address, and a body parameter's bytes are kept for it.
    pub uses_request: bool,
    /// Form fields (and files): documented as one `Body_<operation id>`
    /// schema of the request body.
    pub form: Vec<ParamDoc>,
    /// The form is `multipart/form-data` (it has files), else URL-encoded.
    pub form_multipart: bool,
    /// A form read as one model (`#[form] data: FormData`): the request
    /// body's schema.
    pub form_model: Option<SchemaFn>,
    /// Parameter models (`#[query] filter: FilterParams`): each field is a
    /// parameter of the document.
    pub param_models: Vec<crate::extract::param_model::ParamModelDoc>,
}

impl Operation {
    /// Documents an additional response with a body of type `T`, unless the
    /// status is documented already (the route's own `responses(…)` come
    /// first, then its dependencies', in declaration order).
    pub fn error_response<T: schemars::JsonSchema>(
        &mut self,
        status: StatusCode,
        description: Option<&'static str>,
    ) {
        if self.responses.iter().any(|(s, _, _)| *s == status) {
            return;
        }
        self.responses.push((
            status,
            Some(|g| g.subschema_for::<T>()),
            description.map(Cow::Borrowed),
        ));
    }
}

/// One security scheme an operation requires.
#[derive(Debug, Clone)]
pub struct SecurityRequirement {
    /// The scheme's name in `components.securitySchemes` (FastAPI uses the
    /// class name, e.g. `OAuth2PasswordBearer`).
    pub name: Cow<'static, str>,
    /// The scheme object, e.g. `{"type": "http", "scheme": "bearer"}`.
    pub scheme: serde_json::Value,
    /// The scopes required.
    pub scopes: Vec<String>,
}

impl Default for Operation {
    fn default() -> Self {
        Operation {
            name: Cow::Borrowed(""),
            operation_id: None,
            generate_unique_id: None,
            summary: None,
            description: None,
            tags: Vec::new(),
            deprecated: false,
            include_in_schema: true,
            status: StatusCode::OK,
            params: Vec::new(),
            body: None,
            body_fields: Vec::new(),
            response: None,
            returns: None,
            returns_content: None,
            responses: Vec::new(),
            security: Vec::new(),
            needs_completion: false,
            uses_request: false,
            form: Vec::new(),
            form_multipart: false,
            form_model: None,
            param_models: Vec::new(),
        }
    }
}

/// One method on one path, with its handler and documentation.
#[derive(Clone)]
pub struct Route {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) handler: Handler,
    pub(crate) operation: Operation,
    pub(crate) dependencies: Vec<RouteDependency>,
    /// A websocket route (`#[websocket]`): answers `GET` requests carrying
    /// `Upgrade: websocket`, beside the path's HTTP routes.
    pub(crate) websocket: bool,
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("operation", &self.operation)
            .finish_non_exhaustive()
    }
}

impl Route {
    /// A route from a handler closure; what the macros generate, and the way
    /// to write a route without them.
    ///
    /// ```
    /// use fastrs::{Route, Json, IntoResponse, http::Method};
    /// let route = Route::new(Method::GET, "/ping", |_cx| async {
    ///     Json(serde_json::json!({"pong": true})).into_response()
    /// });
    /// let app = fastrs::App::new().route(route);
    /// let client = fastrs::TestClient::new(app);
    /// assert_eq!(client.get("/ping").send().json(), serde_json::json!({"pong": true}));
    /// ```
    pub fn new<F, Fut>(method: Method, path: impl Into<String>, handler: F) -> Self
    where
        F: Fn(RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Response> + Send + 'static,
    {
        Route {
            method,
            path: path.into(),
            handler: Arc::new(move |cx| Box::pin(handler(cx))),
            operation: Operation::default(),
            dependencies: Vec::new(),
            websocket: false,
        }
    }

    /// A websocket route (FastAPI's `@app.websocket`): what `#[websocket]`
    /// generates. It answers a `GET` with `Upgrade: websocket` on `path`
    /// (a plain request to a path with only websocket routes is a 404, as in
    /// Starlette); the handshake headers are checked before `handler` runs
    /// (see [`websockets`](crate::websockets)). Left out of the OpenAPI
    /// document, as FastAPI does.
    pub fn websocket<F, Fut>(path: impl Into<String>, handler: F) -> Self
    where
        F: Fn(RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Response> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let mut route = Route::new(Method::GET, path, move |cx: RequestContext| {
            let handler = handler.clone();
            async move {
                if let Some(r) = crate::websockets::check_handshake(cx.headers()) {
                    return r;
                }
                handler(cx).await
            }
        })
        .include_in_schema(false);
        route.websocket = true;
        route
    }

    /// Whether it is a websocket route.
    pub fn is_websocket(&self) -> bool {
        self.websocket
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path template, prefixes included.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The documentation.
    pub fn operation(&self) -> &Operation {
        &self.operation
    }

    /// Changes the documentation.
    pub fn operation_mut(&mut self) -> &mut Operation {
        &mut self.operation
    }

    /// Sets the handler's name (used for the operation id and summary).
    pub fn name(mut self, name: &'static str) -> Self {
        self.operation.name = Cow::Borrowed(name);
        self
    }

    /// Sets the operation id (FastAPI's `operation_id=`), which is also the
    /// route's unique id in `Body_<id>` and `Response_<id>` schema names.
    pub fn operation_id(mut self, id: impl Into<Cow<'static, str>>) -> Self {
        self.operation.operation_id = Some(id.into());
        self
    }

    /// Sets the function that generates this route's operation id when it
    /// has none (FastAPI's `generate_unique_id_function` on a path
    /// operation); it wins over the router's and the app's.
    pub fn generate_unique_id(mut self, f: GenerateUniqueId) -> Self {
        self.operation.generate_unique_id = Some(f);
        self
    }

    /// The route's unique id: its `operation_id`, else what its generator
    /// (the route's, its router's, else `app_default`, else FastAPI's
    /// [`generate_unique_id`](crate::openapi::generate_unique_id)) gives.
    pub fn unique_id(&self, app_default: Option<GenerateUniqueId>) -> Cow<'static, str> {
        if let Some(id) = &self.operation.operation_id {
            return id.clone();
        }
        let f = self
            .operation
            .generate_unique_id
            .or(app_default)
            .unwrap_or(crate::openapi::generate_unique_id);
        Cow::Owned(f(self))
    }

    /// Sets the success status.
    pub fn status(mut self, status: StatusCode) -> Self {
        self.operation.status = status;
        self
    }

    /// Sets the summary.
    pub fn summary(mut self, s: impl Into<Cow<'static, str>>) -> Self {
        self.operation.summary = Some(s.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, s: impl Into<Cow<'static, str>>) -> Self {
        self.operation.description = Some(s.into());
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, t: impl Into<Cow<'static, str>>) -> Self {
        self.operation.tags.push(t.into());
        self
    }

    /// Marks the route deprecated.
    pub fn deprecated(mut self, yes: bool) -> Self {
        self.operation.deprecated = yes;
        self
    }

    /// Includes the route in the OpenAPI document (default) or not.
    pub fn include_in_schema(mut self, yes: bool) -> Self {
        self.operation.include_in_schema = yes;
        self
    }

    /// Changes the documentation with `f` (what generated code uses to add
    /// parameters and dependencies).
    pub fn document(mut self, f: impl FnOnce(&mut Operation)) -> Self {
        f(&mut self.operation);
        self
    }

    /// Requires dependency `D` before the handler runs; its value is dropped.
    pub fn dependency<D: Dependency>(mut self) -> Self {
        self.dependencies.push(RouteDependency::of::<D>());
        self
    }

    /// The dependencies the route requires besides its handler's own.
    pub fn dependencies(&self) -> &[RouteDependency] {
        &self.dependencies
    }

    /// Documents a parameter.
    pub fn param(mut self, p: ParamDoc) -> Self {
        self.operation.params.push(p);
        self
    }

    /// Documents the JSON request body as `T`.
    pub fn body<T: schemars::JsonSchema>(mut self, required: bool) -> Self {
        static BODY: ParamSpec = ParamSpec {
            name: "body",
            constraints: Constraints::NONE,
            title: None,
            description: None,
            example: None,
            deprecated: false,
            include_in_schema: true,
        };
        self.operation.body = Some(ParamDoc {
            spec: &BODY,
            source: Source::Form,
            required,
            schema: |g| g.subschema_for::<T>(),
            default: None,
        });
        self
    }

    /// Documents the success response from the handler's return type `R`.
    pub fn returns<R: crate::IntoResponse>(mut self) -> Self {
        self.operation.returns = Some(R::response_schema);
        self.operation.returns_content = Some(R::response_content);
        self
    }

    /// Documents an additional response (`responses(404 = ErrorMessage)`).
    pub fn error_response<T: schemars::JsonSchema>(
        mut self,
        status: StatusCode,
        description: Option<&'static str>,
    ) -> Self {
        // The route's own win over its dependencies' (documented before).
        self.operation.responses.retain(|(s, _, _)| *s != status);
        self.operation.error_response::<T>(status, description);
        self
    }

    /// Documents the success response as `T`.
    pub fn response<T: schemars::JsonSchema>(mut self) -> Self {
        self.operation.response = Some(|g| g.subschema_for::<T>());
        self
    }
}

/// Something that becomes a [`Route`]: what `#[get]` and friends generate.
pub trait Endpoint {
    /// The route.
    fn route(self) -> Route;
}

impl Endpoint for Route {
    fn route(self) -> Route {
        self
    }
}

/// A group of routes with a common prefix and tags: FastAPI's `APIRouter`.
///
/// ```
/// use fastrs::prelude::*;
///
/// #[get("/{user_id}")]
/// async fn read_user(user_id: i64) -> Json<serde_json::Value> {
///     Json(serde_json::json!({"id": user_id}))
/// }
///
/// let users = Router::new().prefix("/users").tag("users").route(read_user);
/// let app = App::new().include(Router::new().prefix("/api").include(users));
/// let client = TestClient::new(app);
/// assert_eq!(client.get("/api/users/7").send().json(), serde_json::json!({"id": 7}));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Router {
    prefix: String,
    tags: Vec<Cow<'static, str>>,
    routes: Vec<Route>,
    dependencies: Vec<RouteDependency>,
    generate_unique_id: Option<GenerateUniqueId>,
}

impl Router {
    /// An empty router.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the path prefix of every route (`"/users"`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        let p: String = prefix.into();
        assert!(
            p.is_empty() || (p.starts_with('/') && !p.ends_with('/')),
            "a router prefix must start with '/' and not end with '/': {p:?}"
        );
        self.prefix = p;
        self
    }

    /// Adds a tag to every route.
    pub fn tag(mut self, tag: impl Into<Cow<'static, str>>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Adds a route.
    pub fn route(mut self, e: impl Endpoint) -> Self {
        self.routes.push(e.route());
        self
    }

    /// Requires dependency `D` for every route of this router (FastAPI's
    /// `APIRouter(dependencies=[Depends(d)])`), before the routes' own.
    pub fn dependency<D: Dependency>(mut self) -> Self {
        self.dependencies.push(RouteDependency::of::<D>());
        self
    }

    /// Sets the operation-id generator of this router's routes that have
    /// none of their own (FastAPI's `APIRouter(generate_unique_id_function=…)`).
    pub fn generate_unique_id(mut self, f: GenerateUniqueId) -> Self {
        self.generate_unique_id = Some(f);
        self
    }

    /// Includes another router's routes, under this router's prefix and tags.
    pub fn include(mut self, other: Router) -> Self {
        self.routes.extend(other.into_routes());
        self
    }

    /// The routes with this router's prefix and tags applied.
    pub fn into_routes(self) -> Vec<Route> {
        let Router {
            prefix,
            tags,
            routes,
            dependencies,
            generate_unique_id,
        } = self;
        routes
            .into_iter()
            .map(|mut r| {
                r.path = format!("{prefix}{}", r.path);
                let mut t = tags.clone();
                t.extend(std::mem::take(&mut r.operation.tags));
                r.operation.tags = t;
                let mut deps = dependencies.clone();
                deps.extend(std::mem::take(&mut r.dependencies));
                r.dependencies = deps;
                if r.operation.generate_unique_id.is_none() {
                    r.operation.generate_unique_id = generate_unique_id;
                }
                r
            })
            .collect()
    }
}

/// Runs a plain (non-async) handler on the blocking thread pool, as FastAPI
/// runs `def` endpoints in its thread pool; a panic there propagates.
pub async fn run_blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(f).await {
        Ok(v) => v,
        Err(e) => match e.try_into_panic() {
            Ok(p) => std::panic::resume_unwind(p),
            Err(e) => panic!("blocking handler was cancelled: {e}"),
        },
    }
}

/// The future of the app's `tower::Service` implementation.
pub type BoxFutureResult =
    Pin<Box<dyn Future<Output = Result<Response, std::convert::Infallible>> + Send + 'static>>;
