//! # fastrs: FastAPI for Rust
//!
//! Typed handler signatures drive request parsing, validation, error responses
//! and generated documentation, on hyper. One signature declares path, query,
//! header, cookie and body parameters with FastAPI's inference rules; every
//! error of a request is reported at once in Pydantic v2's exact shape.
//!
//! ```
//! use fastrs::prelude::*;
//!
//! #[derive(Model)]
//! struct UserCreate {
//!     #[field(min_length = 1, max_length = 100)]
//!     name: String,
//!     #[field(ge = 0, le = 150)]
//!     age: i64,
//!     bio: Option<String>,
//! }
//!
//! #[post("/users", status_code = 201)]
//! async fn create_user(user: UserCreate) -> UserCreate {
//!     user
//! }
//!
//! #[get("/items/{item_id}")]
//! async fn read_item(item_id: i64, q: Option<String>) -> Json<serde_json::Value> {
//!     Json(serde_json::json!({"item_id": item_id, "query": q}))
//! }
//!
//! let app = App::new().route(create_user).route(read_item);
//! let client = TestClient::new(app);
//! let r = client.get("/items/abc").send();
//! assert_eq!(r.status(), 422);
//! assert_eq!(r.json()["detail"][0]["type"], "int_parsing");
//! let r = client.post("/users").json(&serde_json::json!({"name": "", "age": 200})).send();
//! assert_eq!(r.json()["detail"].as_array().unwrap().len(), 2);
//! ```
//!
//! See `ARCHITECTURE.md` in the repository for how a request flows through
//! the modules.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod app;
pub mod blocking;
pub mod body;
pub mod exception;
pub mod extract;
pub mod http_error;
pub mod json_lines;
pub mod lifespan;
pub mod middleware;
pub mod openapi;
pub mod proxy_headers;
pub mod response;
pub mod routing;
pub mod server;
pub mod set_cookie;
pub mod sse;
pub mod stream_item;
pub mod testclient;
pub mod validate;
pub mod websockets;

// Each concept keeps its short path (`fastrs::lax`, `fastrs::security`…);
// the folders above show where it sits in the flow.
#[doc(no_inline)]
pub use extract::{
    background, dependency, form, request, request_param, security, temporal_response,
};
#[doc(no_inline)]
pub use middleware::{cors, gzip, trusted_host};
#[doc(no_inline)]
pub use openapi::docs;
#[doc(no_inline)]
pub use validate::{
    constraints, dump, email, fields, json_error, lax, model, types, union, validation,
};

pub use app::{App, AppService, Handling};
pub use body::Body;
pub use constraints::{Bound, Check, Constraints, Pattern};
pub use dependency::{Dependency, Depends, Fresh, State};
pub use fields::{FieldsSet, TracksFieldsSet};
pub use http_error::HttpError;
pub use lax::{FromJson, FromParam};
pub use model::Model;
pub use request::{ParamSpec, RequestContext, Source};
pub use request_param::{Request, RequestState};
pub use response::{Html, IntoResponse, Json, NoContent, PlainText, Response};
pub use routing::{Endpoint, Route, Router};
pub use server::serve;
pub use temporal_response::TemporalResponse;
pub use testclient::{AsyncTestClient, TestClient, TestResponse};
pub use types::{Bytes, Email};
pub use validation::{ErrorDetail, Invalid, ValidationErrors};

pub use fastrs_macros::{
    delete, dependency, get, head, options, patch, post, put, websocket, Model,
};
pub use websockets::{WebSocket, WebSocketDisconnect, WebSocketException};

/// What the macros' generated code calls besides the public API: compile-time
/// checks. Not a public API; it may change in any release.
#[doc(hidden)]
pub mod __private {
    use crate::extract::BodyUse;

    /// Refuses a route that reads both a JSON body and form fields, at
    /// compile time.
    pub const fn one_body_kind(before: &[BodyUse], this: BodyUse) {
        if matches!(this, BodyUse::None) {
            return;
        }
        let mut i = 0;
        while i < before.len() {
            match (before[i], this) {
                (BodyUse::None, _) | (BodyUse::Form, BodyUse::Form) => {}
                (BodyUse::Json, BodyUse::Json) => {}
                _ => panic!("a route reads either a JSON body or form fields, not both"),
            }
            i += 1;
        }
    }

    /// Whether a route has several JSON body parameters: then each is
    /// embedded (read under its name in the body's object).
    pub const fn several_json(uses: &[BodyUse]) -> bool {
        let mut n = 0;
        let mut i = 0;
        while i < uses.len() {
            if matches!(uses[i], BodyUse::Json) {
                n += 1;
            }
            i += 1;
        }
        n > 1
    }

    /// Refuses a websocket route without exactly one `WebSocket` parameter,
    /// at compile time.
    pub const fn one_websocket(sockets: &[bool]) {
        let mut n = 0;
        let mut i = 0;
        while i < sockets.len() {
            if sockets[i] {
                n += 1;
            }
            i += 1;
        }
        if n != 1 {
            panic!("a websocket route takes exactly one `WebSocket` parameter")
        }
    }

    /// Refuses a `WebSocket` parameter outside a `#[websocket]` route (an
    /// HTTP route or a dependency), at compile time.
    pub const fn not_websocket(is_websocket: bool) {
        if is_websocket {
            panic!("a `WebSocket` parameter belongs to a `#[websocket]` route, not an HTTP route or a dependency")
        }
    }

    /// Refuses a JSON body parameter in a dependency, at compile time.
    pub const fn no_json_body(this: BodyUse) {
        if matches!(this, BodyUse::Json) {
            panic!("a dependency cannot read the request body; take the model in the handler")
        }
    }
}

/// Every Rust block of the repository's README.md, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// `rust_decimal::Decimal` is a parameter and model type (feature `decimal`).
#[cfg(feature = "decimal")]
pub use rust_decimal;
/// `uuid::Uuid` is a parameter and model type (feature `uuid`).
#[cfg(feature = "uuid")]
pub use uuid;
/// Crates the generated code and users' signatures refer to.
pub use {chrono, cookie, http, schemars, serde, serde_json};

/// Everything a handler file needs: `use fastrs::prelude::*;`.
pub mod prelude {
    pub use crate::{
        delete, dependency, get, head, options, patch, post, put, App, Depends, Email, Fresh, Html,
        HttpError, IntoResponse, Json, Model, NoContent, PlainText, Request, Response, Router,
        State, TemporalResponse, TestClient, TracksFieldsSet,
    };
    pub use crate::{websocket, WebSocket, WebSocketDisconnect, WebSocketException};
    pub use http::StatusCode;
}
