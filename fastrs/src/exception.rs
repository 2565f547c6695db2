//! Exception handlers: FastAPI's `@app.exception_handler(AppError)`.
//!
//! In FastAPI a handler raises an exception and the app's exception handlers
//! turn it into a response. In fastrs a handler returns `Err(e)`; an error type
//! that wants the app to decide its response implements `IntoResponse` with
//! [`raise`], which answers 500 unless the app registered a handler for that
//! type with [`App::exception_handler`](crate::App::exception_handler). The
//! framework's own errors ([`HttpError`](crate::HttpError), including 404 and
//! 405, and [`ValidationErrors`](crate::ValidationErrors)) are raised the same
//! way, so an app can override their responses too.

use std::any::{Any, TypeId};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::response::Response;

/// An error carried in a response's extensions until the app's exception
/// handlers have seen it.
#[derive(Clone)]
pub struct Raised {
    pub(crate) type_id: TypeId,
    pub(crate) error: Arc<dyn Any + Send + Sync>,
}

impl std::fmt::Debug for Raised {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Raised")
    }
}

/// How many frozen apps in this process have exception handlers. While
/// none has, framework errors are not attached to their responses, so the
/// common 404/422 path allocates nothing for handlers that do not exist.
static APPS_WITH_HANDLERS: AtomicUsize = AtomicUsize::new(0);

/// Notes that a frozen app has exception handlers (see [`attach`]).
pub(crate) fn register_app_with_handlers() {
    APPS_WITH_HANDLERS.fetch_add(1, Ordering::Relaxed);
}

/// How many frozen apps in this process have routes with clean-up hooks,
/// which may read the error a handler raised ([`Exit::error`](crate::background::Exit::error)).
static APPS_WITH_CLEANUP: AtomicUsize = AtomicUsize::new(0);

/// Notes that a frozen app has routes with clean-up (see [`attach`]).
pub(crate) fn register_app_with_cleanup() {
    APPS_WITH_CLEANUP.fetch_add(1, Ordering::Relaxed);
}

/// Whether some app in this process has exception handlers: only then is
/// what they may read (the request body of a validation error) kept.
pub(crate) fn handlers_registered() -> bool {
    APPS_WITH_HANDLERS.load(Ordering::Relaxed) != 0
}

/// Attaches `error` to `response`, for the app's exception handlers.
pub fn attach<E: Send + Sync + 'static>(mut response: Response, error: E) -> Response {
    if !handlers_registered() && APPS_WITH_CLEANUP.load(Ordering::Relaxed) == 0 {
        return response;
    }
    response.extensions_mut().insert(Raised {
        type_id: TypeId::of::<E>(),
        error: Arc::new(error),
    });
    response
}

/// Answers with `error` for the app's exception handler of type `E`; without
/// one, 500 `{"detail":"Internal Server Error"}` (logged).
///
/// ```
/// use fastrs::prelude::*;
///
/// #[derive(Debug)]
/// struct AppError { code: &'static str, message: String, status: u16 }
///
/// impl IntoResponse for AppError {
///     fn into_response(self) -> Response { fastrs::exception::raise(self) }
/// }
///
/// #[post("/orders")]
/// async fn create_order() -> Result<Json<serde_json::Value>, AppError> {
///     Err(AppError { code: "INSUFFICIENT_INVENTORY", message: "Not enough stock for this order".into(), status: 409 })
/// }
///
/// let app = App::new().route(create_order).exception_handler(|e: &AppError| {
///     (StatusCode::from_u16(e.status).unwrap(),
///      Json(serde_json::json!({"error": {"code": e.code, "message": e.message}}))).into_response()
/// });
/// let r = TestClient::new(app).post("/orders").send();
/// assert_eq!(r.status(), 409);
/// assert_eq!(r.json()["error"]["code"], "INSUFFICIENT_INVENTORY");
/// ```
pub fn raise<E: Send + Sync + 'static>(error: E) -> Response {
    use crate::response::IntoResponse;
    let mut r = crate::HttpError::new(500, "Internal Server Error").into_response();
    r.extensions_mut().remove::<Raised>();
    r.extensions_mut()
        .insert(Unhandled(std::any::type_name::<E>()));
    attach(r, error)
}

/// Marks a response answering a raised error no handler took: logged by the app.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Unhandled(pub(crate) &'static str);

/// A registered exception handler.
pub(crate) type Handler = Arc<dyn Fn(&(dyn Any + Send + Sync)) -> Response + Send + Sync>;

/// Replaces `response` by the registered handler's for the error it carries.
pub(crate) fn apply(handlers: &[(TypeId, Handler)], mut response: Response) -> Response {
    let Some(raised) = response.extensions_mut().remove::<Raised>() else {
        return response;
    };
    if let Some((_, h)) = handlers.iter().find(|(t, _)| *t == raised.type_id) {
        return h(&*raised.error);
    }
    if let Some(Unhandled(name)) = response.extensions().get::<Unhandled>() {
        tracing::error!(
            "unhandled error of type {name}: answered 500 (register App::exception_handler)"
        );
    }
    response
}
