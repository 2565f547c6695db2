//! The response as a parameter: FastAPI's `response: Response` ("Response
//! Headers", "Response Cookies", "Response - Change Status Code").
//!
//! A handler or dependency that declares `response: TemporalResponse` gets a
//! handle on one per-request temporal response: every handle of a request
//! (the handler's and its dependencies') shares it. What they set on it
//! (headers, cookies, the status code) is merged into the route's response
//! once the handler has returned, as FastAPI merges its temporal `Response`:
//! the headers are added after the response's own, and a status set there
//! replaces the route's. As in FastAPI, an error (the `Err` of a `Result`:
//! an `HttpError`, …) and an explicit [`Response`] are sent as they are,
//! without what the temporal response holds.
//!
//! The merge costs one lookup in the request's (empty) cache for routes that
//! do not use it.

use std::future::Future;
use std::sync::{Arc, Mutex};

use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};

use super::{Declared, Extract, Param};
use crate::request::RequestContext;
use crate::response::Response;
use crate::routing::Operation;
use crate::set_cookie::SetCookie;
use crate::validation::ValidationErrors;

#[derive(Debug, Default)]
struct Temporal {
    status: Option<StatusCode>,
    headers: HeaderMap,
}

/// A handle on the request's temporal response: set headers, cookies and
/// the status code from a handler or a dependency while the handler returns
/// a model (see the module documentation).
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::{TemporalResponse, set_cookie::SetCookie};
///
/// #[dependency]
/// async fn tracked(response: TemporalResponse) -> u32 {
///     response.insert_header("x-tracked", "yes");
///     1
/// }
///
/// #[put("/get-or-create-task/{task_id}")]
/// async fn get_or_create_task(task_id: String, response: TemporalResponse, _t: Depends<tracked>) -> String {
///     response.set_cookie(SetCookie::new("fakesession", "fake-cookie-session-value"));
///     if task_id != "foo" {
///         response.set_status(StatusCode::CREATED);
///     }
///     "Listen to the Bar Fighters".into()
/// }
///
/// let client = TestClient::new(App::new().route(get_or_create_task));
/// let r = client.put("/get-or-create-task/bar").send();
/// assert_eq!(r.status(), 201);
/// assert_eq!(r.header("x-tracked"), Some("yes"));
/// assert_eq!(r.header("set-cookie"), Some("fakesession=fake-cookie-session-value; Path=/; SameSite=lax"));
/// assert_eq!(client.put("/get-or-create-task/foo").send().status(), 200);
/// ```
#[derive(Debug, Clone, Default)]
pub struct TemporalResponse(Arc<Mutex<Temporal>>);

impl TemporalResponse {
    fn with<R>(&self, f: impl FnOnce(&mut Temporal) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Sets the status code of the response (FastAPI's
    /// `response.status_code = …`): it replaces the route's.
    pub fn set_status(&self, status: StatusCode) {
        self.with(|t| t.status = Some(status));
    }

    /// The status code set so far, if any.
    pub fn status(&self) -> Option<StatusCode> {
        self.with(|t| t.status)
    }

    /// Sets a header, replacing the values set before on this temporal
    /// response (`response.headers["x-cat"] = "…"`). An invalid name or
    /// value is left out and logged.
    pub fn insert_header(&self, name: &str, value: &str) {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(n), Ok(v)) => {
                self.with(|t| t.headers.insert(n, v));
            }
            _ => tracing::error!("invalid header {name:?} dropped"),
        }
    }

    /// Adds a header value (`response.headers.append(…)`).
    pub fn append_header(&self, name: &str, value: &str) {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(n), Ok(v)) => {
                self.with(|t| t.headers.append(n, v));
            }
            _ => tracing::error!("invalid header {name:?} dropped"),
        }
    }

    /// The headers set so far.
    pub fn headers(&self) -> HeaderMap {
        self.with(|t| t.headers.clone())
    }

    /// Adds a `Set-Cookie` header (Starlette's `response.set_cookie(…)`).
    pub fn set_cookie(&self, cookie: SetCookie) {
        match cookie.header_value() {
            Ok(v) => {
                self.with(|t| t.headers.append(http::header::SET_COOKIE, v));
            }
            Err(e) => tracing::error!("cookie dropped: {e}"),
        }
    }

    /// Removes a cookie on the client (Starlette's `response.delete_cookie(key)`;
    /// for other options, `set_cookie(SetCookie::delete(key).path(…))`).
    pub fn delete_cookie(&self, key: &str) {
        self.set_cookie(SetCookie::delete(key.to_owned()));
    }

    /// The request's temporal response, created on first use.
    pub fn of(cx: &mut RequestContext) -> TemporalResponse {
        cx.cache_mut()
            .get_or_insert_default::<TemporalResponse>()
            .clone()
    }
}

/// Merges the request's temporal response (if a handler or dependency took
/// one) into `response`, the route's: its status replaces the response's,
/// its headers are added after the response's own. What the route macros
/// call through [`IntoResponse::into_route_response`](crate::IntoResponse::into_route_response);
/// a hand-written route calls it itself.
#[inline]
pub fn merge(mut response: Response, cx: &RequestContext) -> Response {
    // Inlined: a route that took no temporal response pays one check, and
    // its response is not moved through a call.
    if let Some(t) = cx.cache().get::<TemporalResponse>() {
        apply(&mut response, t);
    }
    response
}

/// Sets a temporal response's status and headers on `response`.
fn apply(response: &mut Response, t: &TemporalResponse) {
    let Temporal { status, headers } =
        std::mem::take(&mut *t.0.lock().unwrap_or_else(|e| e.into_inner()));
    if let Some(s) = status {
        crate::response::set_status(response, s);
    }
    let mut last = None;
    for (name, value) in headers {
        if let Some(n) = name {
            last = Some(n);
        }
        if let Some(n) = &last {
            response.headers_mut().append(n.clone(), value);
        }
    }
}

impl Extract<TemporalResponse> for TemporalResponse {
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
        std::future::ready(Ok(Some(TemporalResponse::of(cx))))
    }

    /// Not a documented parameter.
    fn document(_: &'static Declared<Self>, _: &mut Operation) {}
}

impl Param for TemporalResponse {
    type Source = Self;
}
