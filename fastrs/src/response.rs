//! Responses: what a handler may return, and how it becomes HTTP.
//!
//! FastAPI serializes whatever a path operation returns as JSON, with the
//! route's `status_code`. Here a handler returns any [`IntoResponse`] type: a
//! model or [`Json`] of any `Serialize` value, a `Result` whose error is itself
//! a response ([`HttpError`](crate::HttpError), validation errors, an app
//! error), text, HTML, an explicit status with headers, or a full
//! [`Response`]. The route's declared status applies to success values only;
//! errors and explicit responses keep their own.

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use http::StatusCode;
use serde::Serialize;

use crate::body::Body;

/// An HTTP response with a fastrs [`Body`].
pub type Response = http::Response<Body>;

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const TEXT: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");
const HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");

/// Something a handler can return.
///
/// ```
/// use fastrs::{IntoResponse, Json};
/// let r = Json(serde_json::json!({"message": "Hello, World"})).into_response();
/// assert_eq!(r.status(), 200);
/// assert_eq!(r.headers()["content-type"], "application/json");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a handler",
    label = "not a response type",
    note = "return a `#[derive(Model)]` type, `Json<T>`, `Result<T, HttpError>`, `String`, `Html`, `NoContent`, `(StatusCode, T)` or a `fastrs::Response`"
)]
pub trait IntoResponse: Sized {
    /// The response, with the value's own status (200 for data).
    fn into_response(self) -> Response;

    /// The response with the route's declared success status (FastAPI's
    /// `status_code=`). Values that carry their own status (errors, explicit
    /// responses) keep it. A 204 or 304 drops the body and its content type.
    fn into_response_with_status(self, status: StatusCode) -> Response {
        let mut r = self.into_response();
        // Only a plain success takes the route's status; a value that chose
        // another (a 404 for a missing file, a redirect) keeps it.
        if r.status() == StatusCode::OK {
            set_status(&mut r, status);
        }
        r
    }

    /// The route's response: [`into_response_with_status`](Self::into_response_with_status),
    /// then what the handler and its dependencies set on the request's
    /// [`TemporalResponse`](crate::TemporalResponse) merged in (what the
    /// route macros call). An error (`Err` of a `Result`) and an explicit
    /// [`Response`] are sent as they are, as FastAPI does.
    #[inline]
    fn into_route_response(self, status: StatusCode, cx: &crate::RequestContext) -> Response {
        crate::temporal_response::merge(self.into_response_with_status(status), cx)
    }

    /// The JSON Schema of the success body, for the OpenAPI document; `None`
    /// documents an untyped JSON body. Models give their schema; `Result` and
    /// `(StatusCode, T)` give `T`'s.
    fn response_schema(_: &mut schemars::SchemaGenerator) -> Option<schemars::Schema> {
        None
    }

    /// The success body's documented content when it is not JSON described
    /// by [`response_schema`](Self::response_schema): streams
    /// ([`EventSourceResponse`](crate::sse::EventSourceResponse),
    /// [`JsonLines`](crate::json_lines::JsonLines)) give their media type
    /// and `itemSchema`. `Result` and `(StatusCode, T)` give `T`'s.
    fn response_content(_: &mut schemars::SchemaGenerator) -> Option<ResponseContent> {
        None
    }
}

/// A success response's documented content other than JSON: the media type
/// and its OpenAPI media type object (for a stream, `{"itemSchema": …}`).
#[derive(Debug, Clone)]
pub struct ResponseContent {
    /// The media type, e.g. `text/event-stream`.
    pub media_type: &'static str,
    /// The media type object.
    pub media: serde_json::Value,
    /// A JSON pointer into `media` to the schema of the stream's items,
    /// which the document titles `StreamItem_<operation id>` (as FastAPI
    /// titles a response schema `Response_<operation id>`) unless it is a
    /// reference or empty.
    pub item_schema: Option<&'static str>,
}

/// Sets `status`, removing the body where that status forbids one.
pub fn set_status(r: &mut Response, status: StatusCode) {
    *r.status_mut() = status;
    if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED {
        *r.body_mut() = Body::Empty;
        r.headers_mut().remove(CONTENT_TYPE);
    }
}

/// Serializes `value` as a JSON response with `status`.
pub fn json_response<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => {
            let mut r = http::Response::new(Body::Full(Bytes::from(bytes)));
            *r.status_mut() = status;
            r.headers_mut().insert(CONTENT_TYPE, JSON);
            r
        }
        Err(e) => {
            tracing::error!("response serialization failed: {e}");
            crate::HttpError::new(500, "Internal Server Error").into_response()
        }
    }
}

/// A body of pre-serialized JSON bytes.
pub fn raw_json_response(status: StatusCode, bytes: impl Into<Bytes>) -> Response {
    let mut r = http::Response::new(Body::Full(bytes.into()));
    *r.status_mut() = status;
    r.headers_mut().insert(CONTENT_TYPE, JSON);
    r
}

/// Any `Serialize` value as a JSON response.
///
/// ```
/// use fastrs::prelude::*;
/// #[get("/")]
/// async fn root() -> Json<serde_json::Value> {
///     Json(serde_json::json!({"message": "Hello, World"}))
/// }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        json_response(StatusCode::OK, &self.0)
    }
}

impl IntoResponse for serde_json::Value {
    fn into_response(self) -> Response {
        json_response(StatusCode::OK, &self)
    }
}

impl<T: Serialize> IntoResponse for Vec<T> {
    fn into_response(self) -> Response {
        json_response(StatusCode::OK, &self)
    }
}

impl<T: Serialize> IntoResponse for Option<T> {
    fn into_response(self) -> Response {
        json_response(StatusCode::OK, &self)
    }
}

/// A JSON string, as FastAPI answers a `str` return value.
impl IntoResponse for String {
    fn into_response(self) -> Response {
        json_response(StatusCode::OK, &self)
    }
}

impl IntoResponse for &'static str {
    fn into_response(self) -> Response {
        json_response(StatusCode::OK, self)
    }
}

/// `null`, as FastAPI answers `None`; with `status_code = 204`, no body.
impl IntoResponse for () {
    fn into_response(self) -> Response {
        raw_json_response(StatusCode::OK, Bytes::from_static(b"null"))
    }
}

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
    fn into_response_with_status(self, _: StatusCode) -> Response {
        self
    }
    fn into_route_response(self, _: StatusCode, _: &crate::RequestContext) -> Response {
        self
    }
}

impl<T: IntoResponse, E: IntoResponse> IntoResponse for Result<T, E> {
    fn into_response(self) -> Response {
        match self {
            Ok(v) => v.into_response(),
            Err(e) => e.into_response(),
        }
    }
    fn into_response_with_status(self, status: StatusCode) -> Response {
        match self {
            Ok(v) => v.into_response_with_status(status),
            Err(e) => e.into_response(),
        }
    }
    fn into_route_response(self, status: StatusCode, cx: &crate::RequestContext) -> Response {
        match self {
            Ok(v) => v.into_route_response(status, cx),
            Err(e) => e.into_response(),
        }
    }
    fn response_schema(g: &mut schemars::SchemaGenerator) -> Option<schemars::Schema> {
        T::response_schema(g)
    }
    fn response_content(g: &mut schemars::SchemaGenerator) -> Option<ResponseContent> {
        T::response_content(g)
    }
}

/// An explicit status for a value: `(StatusCode::ACCEPTED, Json(v))`.
impl<T: IntoResponse> IntoResponse for (StatusCode, T) {
    fn into_response(self) -> Response {
        self.1.into_response_with_status(self.0)
    }
    fn into_response_with_status(self, _: StatusCode) -> Response {
        self.into_response()
    }
    fn response_schema(g: &mut schemars::SchemaGenerator) -> Option<schemars::Schema> {
        T::response_schema(g)
    }
    fn response_content(g: &mut schemars::SchemaGenerator) -> Option<ResponseContent> {
        T::response_content(g)
    }
}

/// A value with extra headers: `([("x-total", "3")], Json(v))`.
impl<T: IntoResponse, const N: usize> IntoResponse for ([(&'static str, String); N], T) {
    fn into_response(self) -> Response {
        with_headers(self.1.into_response(), self.0)
    }
    fn into_response_with_status(self, status: StatusCode) -> Response {
        with_headers(self.1.into_response_with_status(status), self.0)
    }
}

/// An explicit status and headers.
impl<T: IntoResponse, const N: usize> IntoResponse
    for (StatusCode, [(&'static str, String); N], T)
{
    fn into_response(self) -> Response {
        with_headers(self.2.into_response_with_status(self.0), self.1)
    }
    fn into_response_with_status(self, _: StatusCode) -> Response {
        self.into_response()
    }
}

fn with_headers<const N: usize>(mut r: Response, headers: [(&'static str, String); N]) -> Response {
    for (k, v) in headers {
        match (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::try_from(v),
        ) {
            (Ok(k), Ok(v)) => {
                r.headers_mut().append(k, v);
            }
            _ => tracing::error!("invalid response header {k:?} dropped"),
        }
    }
    r
}

/// A `text/plain` response.
#[derive(Debug, Clone, Default)]
pub struct PlainText<T = String>(pub T);

impl<T: Into<Bytes>> IntoResponse for PlainText<T> {
    fn into_response(self) -> Response {
        let mut r = http::Response::new(Body::Full(self.0.into()));
        r.headers_mut().insert(CONTENT_TYPE, TEXT);
        r
    }
}

/// A `text/html` response.
#[derive(Debug, Clone, Default)]
pub struct Html<T = String>(pub T);

impl<T: Into<Bytes>> IntoResponse for Html<T> {
    fn into_response(self) -> Response {
        let mut r = http::Response::new(Body::Full(self.0.into()));
        r.headers_mut().insert(CONTENT_TYPE, HTML);
        r
    }
}

/// 204 No Content: no body, no content type.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoContent;

impl IntoResponse for NoContent {
    fn into_response(self) -> Response {
        let mut r = http::Response::new(Body::Empty);
        *r.status_mut() = StatusCode::NO_CONTENT;
        r
    }
    fn into_response_with_status(self, _: StatusCode) -> Response {
        self.into_response()
    }
}

impl IntoResponse for crate::validation::ValidationErrors {
    fn into_response(self) -> Response {
        let r = raw_json_response(StatusCode::UNPROCESSABLE_ENTITY, self.to_json());
        crate::exception::attach(r, self)
    }
    fn into_response_with_status(self, _: StatusCode) -> Response {
        self.into_response()
    }
}

/// A redirect: FastAPI's `RedirectResponse` (307 by default).
///
/// ```
/// use fastrs::{IntoResponse, response::Redirect};
/// let r = Redirect::to("/items").into_response();
/// assert_eq!(r.status(), 307);
/// assert_eq!(r.headers()["location"], "/items");
/// ```
#[derive(Debug, Clone)]
pub struct Redirect {
    status: StatusCode,
    location: String,
}

impl Redirect {
    /// 307 Temporary Redirect (the method and body are kept).
    pub fn to(location: impl Into<String>) -> Self {
        Redirect {
            status: StatusCode::TEMPORARY_REDIRECT,
            location: location.into(),
        }
    }

    /// 308 Permanent Redirect.
    pub fn permanent(location: impl Into<String>) -> Self {
        Redirect {
            status: StatusCode::PERMANENT_REDIRECT,
            location: location.into(),
        }
    }

    /// 303 See Other (the client follows with a GET).
    pub fn see_other(location: impl Into<String>) -> Self {
        Redirect {
            status: StatusCode::SEE_OTHER,
            location: location.into(),
        }
    }
}

impl IntoResponse for Redirect {
    fn into_response(self) -> Response {
        let mut r = http::Response::new(Body::Empty);
        *r.status_mut() = self.status;
        match HeaderValue::try_from(self.location) {
            Ok(v) => {
                r.headers_mut().insert(http::header::LOCATION, v);
            }
            Err(_) => tracing::error!("invalid redirect location dropped"),
        }
        r
    }
    fn into_response_with_status(self, _: StatusCode) -> Response {
        self.into_response()
    }
}

/// Adds a `Set-Cookie` header as Starlette's `response.set_cookie(…)` writes
/// it (see [`SetCookie`](crate::set_cookie::SetCookie) for the options and
/// defaults). A cookie Python would refuse (an illegal key, a value beyond
/// Latin-1) is left out and logged.
///
/// ```
/// use fastrs::{IntoResponse, Json, response::set_cookie, set_cookie::SetCookie};
/// let mut r = Json(serde_json::json!({})).into_response();
/// set_cookie(&mut r, &SetCookie::new("session", "abc").httponly(true));
/// assert_eq!(r.headers()["set-cookie"], "session=abc; HttpOnly; Path=/; SameSite=lax");
/// ```
pub fn set_cookie(response: &mut Response, cookie: &crate::set_cookie::SetCookie) {
    match cookie.header_value() {
        Ok(v) => {
            response.headers_mut().append(http::header::SET_COOKIE, v);
        }
        Err(e) => tracing::error!("cookie dropped: {e}"),
    }
}

/// Removes a cookie on the client as Starlette's `response.delete_cookie(key)`
/// does (path `/`, `SameSite=lax`); for other options, pass
/// [`SetCookie::delete`](crate::set_cookie::SetCookie::delete) to [`set_cookie`].
pub fn delete_cookie(response: &mut Response, key: &str) {
    set_cookie(
        response,
        &crate::set_cookie::SetCookie::delete(key.to_owned()),
    );
}

/// A streamed body: FastAPI's `StreamingResponse`.
///
/// ```
/// use fastrs::{IntoResponse, response::Streaming};
/// let chunks = futures_util::stream::iter(["a", "b"].map(|s| Ok::<_, std::io::Error>(bytes::Bytes::from(s))));
/// let r = Streaming::new(chunks).content_type("text/plain").into_response();
/// assert_eq!(r.headers()["content-type"], "text/plain");
/// ```
pub struct Streaming<S> {
    stream: S,
    content_type: HeaderValue,
}

impl<S> std::fmt::Debug for Streaming<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Streaming").finish_non_exhaustive()
    }
}

impl<S> Streaming<S> {
    /// A stream of byte chunks, sent as they come (`application/octet-stream`).
    pub fn new(stream: S) -> Self {
        Streaming {
            stream,
            content_type: HeaderValue::from_static("application/octet-stream"),
        }
    }

    /// Sets the content type.
    pub fn content_type(mut self, ct: &'static str) -> Self {
        self.content_type = HeaderValue::from_static(ct);
        self
    }
}

impl<S, E> IntoResponse for Streaming<S>
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Send + 'static,
    E: Into<crate::body::BoxError> + 'static,
{
    fn into_response(self) -> Response {
        use futures_util::TryStreamExt;
        let frames = self.stream.map_ok(http_body::Frame::data);
        let mut r = http::Response::new(Body::stream(http_body_util::StreamBody::new(frames)));
        r.headers_mut().insert(CONTENT_TYPE, self.content_type);
        r
    }
}

/// A file from disk, streamed: FastAPI's `FileResponse`. The content type is
/// guessed from the extension; a missing file is a 404.
///
/// ```no_run
/// use fastrs::prelude::*;
/// use fastrs::response::FileResponse;
/// #[get("/report")]
/// async fn report() -> FileResponse {
///     FileResponse::new("report.pdf").filename("report.pdf")
/// }
/// ```
#[derive(Debug, Clone)]
pub struct FileResponse {
    path: std::path::PathBuf,
    filename: Option<String>,
}

impl FileResponse {
    /// The file at `path`.
    pub fn new(path: impl Into<std::path::PathBuf>) -> Self {
        FileResponse {
            path: path.into(),
            filename: None,
        }
    }

    /// Offers the file as a download with this name (`Content-Disposition`).
    pub fn filename(mut self, name: impl Into<String>) -> Self {
        self.filename = Some(name.into());
        self
    }
}

impl IntoResponse for FileResponse {
    fn into_response(self) -> Response {
        let file = match std::fs::File::open(&self.path) {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!("file {} not served: {e}", self.path.display());
                return crate::HttpError::from_status(StatusCode::NOT_FOUND).into_response();
            }
        };
        let len = file.metadata().map(|m| m.len()).ok();
        let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
        let mime = mime_guess::from_path(&self.path).first_or_octet_stream();
        let mut r = Streaming::new(stream).into_response();
        if let Ok(v) = HeaderValue::from_str(mime.essence_str()) {
            r.headers_mut().insert(CONTENT_TYPE, v);
        }
        if let Some(len) = len {
            r.headers_mut()
                .insert(http::header::CONTENT_LENGTH, HeaderValue::from(len));
        }
        if let Some(name) = self.filename {
            let v = format!("attachment; filename=\"{}\"", name.replace('"', "\\\""));
            if let Ok(v) = HeaderValue::from_str(&v) {
                r.headers_mut().insert(http::header::CONTENT_DISPOSITION, v);
            }
        }
        r
    }
}

/// Marks a response the framework gave because it could not read the
/// request's body (400 for a body it cannot parse or read, 408, 413): no
/// operation answered it, so a test client's contract check does not hold
/// it to the operation's documented statuses (FastAPI documents none of
/// them either).
#[derive(Debug, Clone, Copy)]
pub struct RequestUnread;

/// `r`, marked [`RequestUnread`].
pub(crate) fn unread(mut r: Response) -> Response {
    r.extensions_mut().insert(RequestUnread);
    r
}
