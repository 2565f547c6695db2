//! Extraction: how every handler parameter is read from the request.
//!
//! This is the one contract between the route macros and the runtime. A
//! handler parameter `x: T` is read by a *source* `S` implementing
//! [`Extract<T>`]: one of the places of a request ([`Path`], [`Query`],
//! [`Header`], [`Cookie`], [`Form`], [`File`], [`Body`]) or the parameter's
//! type itself for types that extract themselves (`Depends<D>`, `State<T>`,
//! `BackgroundTasks`, …). The macro picks `S` from the attribute (`#[query]`,
//! `#[header]`, …), from the path template (a name in it is a path
//! parameter), or else from the type: [`Param::Source`]. That last rule is
//! FastAPI's inference, decided by trait impls rather than by type names:
//! scalars say `Query`, models say `Body`, `Depends<D>` says itself.
//!
//! So a new parameter type is one impl: a value read from a string implements
//! [`FromParam`](crate::FromParam) (and [`Param`] with `Source = Query` to be
//! a query parameter without an attribute); a value read from JSON implements
//! [`FromJson`](crate::FromJson); anything else implements [`Extract<Self>`]
//! with `Param::Source = Self`.
//!
//! Extraction has two steps, so that FastAPI's order holds whatever order the
//! parameters are declared in: [`Extract::read`] runs for every parameter
//! before any dependency (it reads and parses the body, answering broken JSON
//! at once), then [`Extract::extract`] runs in declaration order, each adding
//! its errors to the request's one [`ValidationErrors`]. The errors are then
//! put in FastAPI's order (dependencies', then path, query, header, cookie,
//! body) by [`ValidationErrors::sort_from`].
//!
//! ```
//! use fastrs::prelude::*;
//! use fastrs::extract::{Declared, Extract, Param};
//! use fastrs::{RequestContext, ValidationErrors, routing::Operation};
//!
//! /// The client's user agent, as a parameter type of its own.
//! struct UserAgent(String);
//!
//! impl Extract<UserAgent> for UserAgent {
//!     type Read = ();
//!     async fn read(_: &mut RequestContext, _: &'static Declared<UserAgent>) -> Result<(), fastrs::Response> {
//!         Ok(())
//!     }
//!     async fn extract(
//!         cx: &mut RequestContext,
//!         _: (),
//!         _: &'static Declared<UserAgent>,
//!         _: &mut ValidationErrors,
//!     ) -> Result<Option<UserAgent>, fastrs::Response> {
//!         let ua = cx.headers().get("user-agent").and_then(|v| v.to_str().ok());
//!         Ok(Some(UserAgent(ua.unwrap_or("unknown").to_owned())))
//!     }
//!     fn document(_: &'static Declared<UserAgent>, _: &mut Operation) {}
//! }
//!
//! impl Param for UserAgent {
//!     type Source = UserAgent;
//! }
//!
//! #[get("/ua")]
//! async fn read_agent(agent: UserAgent) -> String {
//!     agent.0
//! }
//!
//! let client = TestClient::new(App::new().route(read_agent));
//! assert_eq!(client.get("/ua").header("user-agent", "curl").send().json(), "curl");
//! ```

use std::future::Future;

use serde_json::Value;

use crate::request::{ParamSpec, RequestContext};
use crate::response::Response;
use crate::routing::Operation;
use crate::validation::ValidationErrors;

pub mod background;
mod body;
pub mod dependency;
pub mod form;
mod infer;
pub mod overrides;
pub mod param_model;
mod params;
pub mod request;
pub mod request_param;
pub mod security;
pub mod temporal_response;

pub use body::{Body, File, FileValue};
pub use params::{Cookie, Form, Header, ParamValue, Path, Query, RawValues};

/// One declared parameter, as the macro writes it in a `static`: its
/// [`ParamSpec`] (name, constraints, docs) and its typed default.
#[derive(Debug)]
pub struct Declared<T: 'static> {
    /// What the declaration says: wire name, constraints, documentation.
    pub spec: ParamSpec,
    /// The declared default (`default = …`), used when the request lacks it.
    pub default: Option<fn() -> T>,
    /// The same default as JSON, for the OpenAPI document.
    pub default_json: Option<fn() -> Value>,
    /// For a JSON body parameter: whether it is read under its name in the
    /// body's object rather than being the whole body. True when the route
    /// has several body parameters, or the parameter says `#[body(embed)]`
    /// (FastAPI's `Body(embed=True)`).
    pub embed: bool,
}

/// Whether a source reads the request body, and how: a route has one reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyUse {
    /// It does not read the body.
    None,
    /// It reads the body as JSON.
    Json,
    /// It reads the body as a form (URL-encoded or multipart).
    Form,
}

/// A source that reads a `T` handler parameter: see the module documentation.
#[diagnostic::on_unimplemented(
    message = "`{T}` cannot be read by `{Self}`",
    label = "not readable from here",
    note = "path, query, header, cookie and form parameters take types implementing `FromParam` (or `Option`/`Vec` of them); bodies take `FromJson` types (`#[derive(Model)]`)"
)]
pub trait Extract<T>: Sized + 'static {
    /// What [`read`](Extract::read) leaves for [`extract`](Extract::extract):
    /// the parsed body for [`Body`], `()` for most sources.
    type Read: Send;

    /// Whether this source reads the request body.
    const BODY: BodyUse = BodyUse::None;

    /// Whether this is the [`WebSocket`](crate::websockets::WebSocket) of a
    /// websocket route (which takes exactly one).
    const WEBSOCKET: bool = false;

    /// Reads what must be read before any dependency runs (the body); an
    /// `Err` answers the request at once (413, 408, broken JSON).
    fn read(
        cx: &mut RequestContext,
        declared: &'static Declared<T>,
    ) -> impl Future<Output = Result<Self::Read, Response>> + Send;

    /// The parameter's value: `Ok(None)` when it recorded errors in `errors`,
    /// `Err` to answer at once (a dependency's `HttpError`).
    fn extract(
        cx: &mut RequestContext,
        read: Self::Read,
        declared: &'static Declared<T>,
        errors: &mut ValidationErrors,
    ) -> impl Future<Output = Result<Option<T>, Response>> + Send;

    /// Adds the parameter to the operation's OpenAPI documentation.
    fn document(declared: &'static Declared<T>, op: &mut Operation);
}

/// What a type is as a handler parameter without an attribute: FastAPI's
/// inference, one impl per type. Scalars say [`Query`], models
/// ([`derive@crate::Model`]) say [`Body`], `UploadFile` says [`File`], and
/// types that extract themselves (`Depends<D>`, `State<T>`) say `Self`.
/// `Option<T>` and `Vec<T>` say what `T` says.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a JSON body",
    label = "not a body type",
    note = "derive `fastrs::Model` for request models; fields may be scalars, `String`, `Option`, `Vec`, `Email`, datetimes, `serde_json::Value` or other models; a parameter type implements `fastrs::extract::Param`"
)]
pub trait Param: Sized {
    /// The source that reads it.
    type Source: Extract<Self>;
}
