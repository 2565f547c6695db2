//! Tower layers around an app: `App::layer(...)`, as axum's `Router::layer`.
//!
//! An [`App`] is answered by an [`AppService`], a tower `Service`; a tower
//! [`Layer`] (tower-http's `TraceLayer`, `TimeoutLayer`, `CompressionLayer`,
//! `SetRequestIdLayer`, a metrics layer…) wraps such a service in another.
//! [`App::layer`] records the layer and returns a [`Layered`] app that
//! [`serve`](crate::serve) and [`Server::bind`](crate::server::Server::bind)
//! accept as they accept an `App`: the start-up hooks run, then the layers
//! wrap the started app, and the server calls the outermost one.
//!
//! ```no_run
//! use fastrs::prelude::*;
//!
//! #[get("/")]
//! async fn root() -> &'static str {
//!     "hi"
//! }
//!
//! # async fn demo() -> std::io::Result<()> {
//! use std::time::Duration;
//! use fastrs::http::StatusCode;
//! use tower_http::{request_id, timeout::TimeoutLayer};
//!
//! // A handler taking longer than 10 s is answered 408, and every request
//! // gets a `x-request-id` (tower-http's layers; any `tower::Layer` fits).
//! let app = App::new()
//!     .route(root)
//!     .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(10)))
//!     .layer(request_id::PropagateRequestIdLayer::x_request_id())
//!     .layer(request_id::SetRequestIdLayer::x_request_id(request_id::MakeRequestUuid));
//! fastrs::serve(app).await
//! # }
//! ```
//!
//! The last layer added is the outermost, as in axum: it sees the request
//! first and the response last. The layers see every request, the docs
//! pages' included, with the body as hyper gives it
//! (`Request<hyper::body::Incoming>`). An app without layers is served
//! directly, without any of this.
//!
//! A layer's service may fail (tower's own `Timeout` does); fastrs answers
//! such an error with a 500 and logs it.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use hyper::body::Incoming;
use tower::layer::util::Stack;
use tower::util::Oneshot;
use tower::{Layer, Service, ServiceExt};

use crate::app::{App, AppService};
use crate::body::{Body, BoxError};
use crate::response::IntoResponse;
use crate::server::{Servable, Serving};

/// An [`App`] in tower layers, made by [`App::layer`]; served by
/// [`serve`](crate::serve) and [`Server::bind`](crate::server::Server::bind).
#[derive(Debug)]
pub struct Layered<L> {
    app: App,
    layer: L,
}

impl App {
    /// Wraps the app in a tower [`Layer`] (tower-http's `TraceLayer`,
    /// `TimeoutLayer`, `CompressionLayer`, request ids, metrics…), to be
    /// served with [`serve`](crate::serve) or
    /// [`Server::bind`](crate::server::Server::bind). Further layers go
    /// around it with [`Layered::layer`]; see [`crate::layer`].
    ///
    /// Tower layers run outside the app (before its own
    /// [`middleware`](App::middleware) and routing), on every request.
    pub fn layer<L>(self, layer: L) -> Layered<L> {
        Layered { app: self, layer }
    }
}

impl<L> Layered<L> {
    /// Wraps the layered app in one more layer, the new outermost one.
    pub fn layer<O>(self, outer: O) -> Layered<Stack<L, O>> {
        Layered {
            app: self.app,
            layer: Stack::new(self.layer, outer),
        }
    }

    /// The app inside the layers.
    pub fn app(&self) -> &App {
        &self.app
    }
}

impl<L, S, B> Servable for Layered<L>
where
    L: Layer<AppService, Service = S> + Send + 'static,
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Service = LayeredService<S>;

    async fn start(self, root_path: Option<String>) -> io::Result<(LayeredService<S>, AppService)> {
        let (_, app) = Servable::start(self.app, root_path).await?;
        let service = LayeredService {
            wants_client: app.wants_client(),
            service: self.layer.layer(app.clone()),
        };
        Ok((service, app))
    }
}

/// The started app in its layers, as the server calls it.
#[derive(Debug, Clone)]
pub struct LayeredService<S> {
    service: S,
    wants_client: bool,
}

impl<S, B> Serving for LayeredService<S>
where
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Body = LayeredBody<B>;
    type Future = LayeredFuture<S>;

    fn wants_client(&self) -> bool {
        self.wants_client
    }

    /// Always: a layer may take a request's upgrade itself.
    fn wants_upgrades(&self) -> bool {
        true
    }

    fn serve(&self, req: Request<Incoming>) -> LayeredFuture<S> {
        LayeredFuture {
            inner: self.service.clone().oneshot(req),
        }
    }
}

pin_project_lite::pin_project! {
    /// One request through the layers: tower's `Oneshot` (waits for the
    /// service to be ready, then calls it), an error answered 500.
    pub struct LayeredFuture<S: Service<Request<Incoming>>> {
        #[pin]
        inner: Oneshot<S, Request<Incoming>>,
    }
}

impl<S, B> Future for LayeredFuture<S>
where
    S: Service<Request<Incoming>, Response = Response<B>>,
    S::Error: Into<BoxError>,
{
    type Output = Response<LayeredBody<B>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match std::task::ready!(self.project().inner.poll(cx)) {
            Ok(r) => Poll::Ready(r.map(|inner| LayeredBody::Layer { inner })),
            Err(e) => {
                let e: BoxError = e.into();
                tracing::error!(target: "fastrs::server", "a layer failed: {e}; answered 500");
                let r = crate::HttpError::new(500, "Internal Server Error").into_response();
                Poll::Ready(r.map(LayeredBody::from))
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// A layered app's response body: the layers' own, or fastrs's (a
    /// 500 for a failed layer or a panic).
    #[project = LayeredBodyProj]
    #[allow(missing_docs)] // the variants' one field each
    pub enum LayeredBody<B> {
        /// The body the layers answered with.
        Layer { #[pin] inner: B },
        /// A body fastrs answered with.
        Fastrs { inner: Body },
    }
}

impl<B> From<Body> for LayeredBody<B> {
    fn from(inner: Body) -> Self {
        LayeredBody::Fastrs { inner }
    }
}

impl<B> http_body::Body for LayeredBody<B>
where
    B: http_body::Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        match self.project() {
            LayeredBodyProj::Layer { inner } => inner.poll_frame(cx).map_err(Into::into),
            LayeredBodyProj::Fastrs { inner } => Pin::new(inner).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            LayeredBody::Layer { inner } => inner.is_end_stream(),
            LayeredBody::Fastrs { inner } => inner.is_end_stream(),
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match self {
            LayeredBody::Layer { inner } => inner.size_hint(),
            LayeredBody::Fastrs { inner } => inner.size_hint(),
        }
    }
}
