//! Middleware: FastAPI's `@app.middleware("http")`.
//!
//! A middleware is an `async fn(request, next) -> response` that runs around
//! every request, routing included: it can read or change the request, call
//! `next.run(request)` (or answer without calling it), and change the
//! response. As in Starlette, the middleware added last is the outermost. Any `tower` layer can also wrap
//! the app, outside this chain, with [`App::layer`](crate::App::layer) (see [`crate::layer`]).

pub mod cors;
pub mod gzip;
pub mod trusted_host;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::Request;

use crate::app::AppService;
use crate::body::RequestBody;
use crate::response::Response;

/// A boxed middleware future.
pub type MiddlewareFuture = Pin<Box<dyn Future<Output = Response> + Send + 'static>>;

/// A type-erased middleware.
pub type Middleware =
    Arc<dyn Fn(Request<RequestBody>, Next) -> MiddlewareFuture + Send + Sync + 'static>;

/// The rest of the chain: the inner middleware, then routing and the handler.
#[derive(Clone)]
pub struct Next {
    pub(crate) service: AppService,
    pub(crate) index: usize,
}

impl std::fmt::Debug for Next {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next").field("index", &self.index).finish()
    }
}

impl Next {
    /// Passes the request on and returns the response.
    pub async fn run(self, req: Request<RequestBody>) -> Response {
        self.service.run_from(self.index, req).await
    }
}

/// Wraps an `async fn(request, next) -> response` into a [`Middleware`].
pub fn from_fn<F, Fut>(f: F) -> Middleware
where
    F: Fn(Request<RequestBody>, Next) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    Arc::new(move |req, next| Box::pin(f(req, next)))
}
