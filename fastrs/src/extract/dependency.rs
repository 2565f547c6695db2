//! Dependencies: FastAPI's `Depends`, and app state.
//!
//! A dependency is a function whose own parameters are extracted like a
//! handler's (path, query, header, cookie, other dependencies, state); the
//! `#[dependency]` macro turns it into a unit struct implementing
//! [`Dependency`]. A handler (or another dependency) asks for it with
//! [`Depends<D>`]. The tree is resolved before the handler runs: each
//! dependency's validation errors join the request's (it is then not called),
//! and an error it returns (an [`HttpError`](crate::HttpError) or any
//! response) answers the request at once. Within one request a dependency runs
//! once and its value is reused (FastAPI's `use_cache`); [`Fresh<D>`] opts out.
//! Routers and the app can require dependencies for all their routes.
//! A dependency is an `async fn`, or a plain `fn` that runs on the blocking
//! pool as a plain-`fn` handler does (FastAPI runs `def` dependencies in its
//! threadpool).
//!
//! [`State<T>`] gives handlers and dependencies a value put in the app once
//! ([`App::state`](crate::App::state)), such as a database pool, by type.

use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::sync::Arc;

use crate::extract::{Declared, Extract, Param};
use crate::request::RequestContext;
use crate::response::{IntoResponse, Response};
use crate::routing::Operation;
use crate::validation::ValidationErrors;

/// A dependency: see the module documentation and `#[dependency]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a dependency",
    label = "not a dependency",
    note = "declare it with `#[fastrs::dependency] async fn {Self}(...) -> T`"
)]
pub trait Dependency: 'static {
    /// What it gives the handler.
    type Output: Clone + Send + Sync + 'static;

    /// Extracts its parameters (recording their errors) and runs it:
    /// `Ok(None)` when its parameters were invalid, `Err` to answer at once.
    fn resolve<'a>(
        cx: &'a mut RequestContext,
        errors: &'a mut ValidationErrors,
    ) -> impl Future<Output = Result<Option<Self::Output>, Response>> + Send + 'a;

    /// Adds its parameters (and its own dependencies') to an operation's docs.
    fn document(op: &mut Operation);
}

/// The value of dependency `D`, resolved once per request.
///
/// ```
/// use fastrs::prelude::*;
///
/// #[dependency]
/// async fn pagination(#[query(default = 0, ge = 0)] skip: i64, #[query(default = 20, le = 100)] limit: i64) -> (i64, i64) {
///     (skip, limit)
/// }
///
/// #[get("/items")]
/// async fn list_items(page: Depends<pagination>) -> Json<serde_json::Value> {
///     let (skip, limit) = *page;
///     Json(serde_json::json!({"skip": skip, "limit": limit}))
/// }
///
/// let client = TestClient::new(App::new().route(list_items));
/// assert_eq!(client.get("/items?skip=5").send().json(), serde_json::json!({"skip": 5, "limit": 20}));
/// assert_eq!(client.get("/items?limit=500").send().status(), 422);
/// ```
pub struct Depends<D: Dependency>(pub D::Output);

/// Like [`Depends`], but runs the dependency again even if it already ran in
/// this request (FastAPI's `use_cache=False`).
pub struct Fresh<D: Dependency>(pub D::Output);

macro_rules! wrapper {
    ($w:ident) => {
        impl<D: Dependency> Deref for $w<D> {
            type Target = D::Output;
            fn deref(&self) -> &D::Output {
                &self.0
            }
        }
        impl<D: Dependency> DerefMut for $w<D> {
            fn deref_mut(&mut self) -> &mut D::Output {
                &mut self.0
            }
        }
        impl<D: Dependency> $w<D> {
            /// The dependency's value.
            pub fn into_inner(self) -> D::Output {
                self.0
            }
        }
        impl<D: Dependency> std::fmt::Debug for $w<D>
        where
            D::Output: std::fmt::Debug,
        {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}
wrapper!(Depends);
wrapper!(Fresh);

/// A value put in the app with [`App::state`](crate::App::state), taken by type.
#[derive(Debug, Clone)]
pub struct State<T>(pub T);

impl<T> Deref for State<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// `Depends<D>` and `Fresh<D>` extract themselves: the dependency's value,
/// from the request's cache or resolved again.
macro_rules! dependency_param {
    ($w:ident, $method:ident) => {
        impl<D: Dependency> Extract<$w<D>> for $w<D> {
            type Read = ();

            fn read(
                _: &mut RequestContext,
                _: &'static Declared<Self>,
            ) -> impl Future<Output = Result<(), Response>> + Send {
                std::future::ready(Ok(()))
            }

            async fn extract(
                cx: &mut RequestContext,
                _: (),
                _: &'static Declared<Self>,
                errors: &mut ValidationErrors,
            ) -> Result<Option<Self>, Response> {
                Ok(cx.$method::<D>(errors).await?.map($w))
            }

            fn document(_: &'static Declared<Self>, op: &mut Operation) {
                D::document(op);
            }
        }

        impl<D: Dependency> Param for $w<D> {
            type Source = Self;
        }
    };
}
dependency_param!(Depends, depends);
dependency_param!(Fresh, depends_fresh);

impl<T: Clone + Send + Sync + 'static> Extract<State<T>> for State<T> {
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
        std::future::ready(match cx.state::<T>() {
            Some(v) => Ok(Some(State(v))),
            None => Err(missing_state::<T>()),
        })
    }

    fn document(_: &'static Declared<Self>, _: &mut Operation) {}
}

impl<T: Clone + Send + Sync + 'static> Param for State<T> {
    type Source = Self;
}

/// The answer when a handler asks for state the app does not have: a
/// programming error, logged, answered 500.
pub fn missing_state<T>() -> Response {
    tracing::error!(
        "a handler asked for State<{}> but the app has none: add it with App::state(...)",
        std::any::type_name::<T>()
    );
    crate::HttpError::new(500, "Internal Server Error").into_response()
}

type DepFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Response>> + Send + 'a>>;

/// A dependency required by a router or the app for all its routes; its
/// value is discarded (it can still answer, e.g. 403), FastAPI's
/// `dependencies=[Depends(verify_api_key)]`.
#[derive(Clone)]
pub struct RouteDependency {
    pub(crate) run: for<'a> fn(&'a mut RequestContext, &'a mut ValidationErrors) -> DepFuture<'a>,
    pub(crate) document: fn(&mut Operation),
}

impl std::fmt::Debug for RouteDependency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RouteDependency")
    }
}

impl RouteDependency {
    /// The route dependency running `D`.
    pub fn of<D: Dependency>() -> Self {
        fn run<'a, D: Dependency>(
            cx: &'a mut RequestContext,
            errors: &'a mut ValidationErrors,
        ) -> DepFuture<'a> {
            Box::pin(async move { cx.depends::<D>(errors).await.map(|_| ()) })
        }
        RouteDependency {
            run: run::<D>,
            document: D::document,
        }
    }
}

/// The route dependencies of one route, shared by its requests.
pub type RouteDependencies = Arc<[RouteDependency]>;
