//! `HttpError`: FastAPI's `HTTPException`.
//!
//! The one error type every handler and dependency can return for an expected
//! failure: a status, a `detail` of any JSON, and optional headers (a 401's
//! `WWW-Authenticate`). It answers `{"detail": …}` exactly as FastAPI does, and
//! the framework itself uses it for 404, 405, 413 and 500.

use std::fmt;

use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};
use serde_json::Value;

use crate::response::{json_response, IntoResponse, Response};

/// An HTTP error answered as `{"detail": …}`.
///
/// ```
/// use fastrs::{HttpError, IntoResponse};
/// let r = HttpError::new(404, "Item not found").into_response();
/// assert_eq!(r.status(), 404);
/// let e = HttpError::new(401, "Not authenticated").header("www-authenticate", "Bearer");
/// assert_eq!(e.headers()["www-authenticate"], "Bearer");
/// ```
#[derive(Debug, Clone)]
pub struct HttpError(Box<Inner>);

/// Boxed so that `Result<T, HttpError>` stays small.
#[derive(Debug, Clone)]
struct Inner {
    status: StatusCode,
    detail: Value,
    headers: HeaderMap,
}

impl HttpError {
    /// An error with `status` (an invalid code becomes 500) and `detail`.
    pub fn new(status: u16, detail: impl Into<Value>) -> Self {
        HttpError(Box::new(Inner {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            detail: detail.into(),
            headers: HeaderMap::new(),
        }))
    }

    /// An error whose detail is the status's reason phrase, as Starlette's
    /// `HTTPException(status)` ("Not Found").
    pub fn from_status(status: StatusCode) -> Self {
        HttpError(Box::new(Inner {
            status,
            detail: Value::from(status.canonical_reason().unwrap_or("Error")),
            headers: HeaderMap::new(),
        }))
    }

    /// Adds a response header; an invalid name or value is dropped with a log line.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(n), Ok(v)) => {
                self.0.headers.append(n, v);
            }
            _ => tracing::error!("invalid HttpError header {name:?} dropped"),
        }
        self
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The detail.
    pub fn detail(&self) -> &Value {
        &self.0.detail
    }

    /// The extra headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.status.as_u16(), self.0.detail)
    }
}

impl std::error::Error for HttpError {}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        #[derive(serde::Serialize)]
        struct Detail<'a> {
            detail: &'a Value,
        }
        let mut r = json_response(
            self.0.status,
            &Detail {
                detail: &self.0.detail,
            },
        );
        r.headers_mut().extend(self.0.headers.clone());
        crate::exception::attach(r, self)
    }
    fn into_response_with_status(self, _: StatusCode) -> Response {
        self.into_response()
    }
}

/// Documented as FastAPI users document their `HTTPException` bodies
/// (`responses={404: {"model": HTTPError}}`): an object with a required
/// `detail` of any JSON, under the name `HTTPError`.
///
/// ```
/// use fastrs::prelude::*;
///
/// #[get("/items/{id}", responses(404 = HttpError))]
/// async fn read_item(id: i64) -> Result<Json<serde_json::Value>, HttpError> {
///     Err(HttpError::new(404, "Item not found"))
/// }
///
/// let doc = App::new().route(read_item).openapi();
/// assert_eq!(
///     doc["paths"]["/items/{id}"]["get"]["responses"]["404"]["content"]["application/json"]["schema"],
///     serde_json::json!({"$ref": "#/components/schemas/HTTPError"})
/// );
/// ```
impl schemars::JsonSchema for HttpError {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "HTTPError".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "properties": {"detail": {"title": "Detail"}},
            "required": ["detail"],
            "title": "HTTPError",
            "type": "object"
        })
    }
}
