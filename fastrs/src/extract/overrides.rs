//! Dependency overrides: FastAPI's `app.dependency_overrides`.
//!
//! [`App::dependency_override::<D, R>()`](crate::App::dependency_override)
//! makes every request that asks for dependency `D` (through [`Depends`],
//! [`Fresh`], a router's or the app's dependencies, or another dependency)
//! run `R` in its place. `R` is a dependency like any other: its own
//! parameters and sub-dependencies are extracted normally. The two are tied
//! by type: `R::Output` must be `D::Output`, so a replacement that gives
//! something else does not compile. The value is cached under `D`, so the
//! rest of the request sees the replacement's value wherever it asks for `D`.
//!
//! Overrides change what runs, not what is documented: the OpenAPI document
//! still shows `D`'s parameters, as FastAPI's does. The usual use is a test
//! that replaces the database or the current user:
//!
//! ```
//! use fastrs::prelude::*;
//!
//! #[dependency]
//! async fn current_user(#[header] authorization: String) -> String {
//!     format!("user of {authorization}")
//! }
//!
//! #[dependency]
//! async fn test_user() -> String {
//!     "alice".to_owned()
//! }
//!
//! #[get("/me")]
//! async fn me(user: Depends<current_user>) -> Json<serde_json::Value> {
//!     Json(serde_json::json!({"user": *user}))
//! }
//!
//! let app = App::new().route(me).dependency_override::<current_user, test_user>();
//! let client = TestClient::new(app);
//! assert_eq!(client.get("/me").send().json()["user"], "alice");
//! ```
//!
//! A request to an app without overrides pays one `None` check per
//! dependency resolved.
//!
//! [`Depends`]: crate::Depends
//! [`Fresh`]: crate::Fresh

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use crate::dependency::Dependency;
use crate::request::RequestContext;
use crate::response::Response;
use crate::routing::Operation;
use crate::validation::ValidationErrors;

type Erased<'a> =
    Pin<Box<dyn Future<Output = Result<Option<Box<dyn Any + Send>>, Response>> + Send + 'a>>;

/// One replacement: how to run it with its value's type erased (the
/// registration checked that it is the replaced dependency's `Output`).
#[derive(Clone, Copy)]
pub(crate) struct Override {
    resolve: for<'a> fn(&'a mut RequestContext, &'a mut ValidationErrors) -> Erased<'a>,
    /// The replacement's documentation: read only to know whether it needs
    /// the request's completion (clean-ups, background tasks).
    pub(crate) document: fn(&mut Operation),
}

impl Override {
    fn of<R: Dependency>() -> Self {
        fn resolve<'a, R: Dependency>(
            cx: &'a mut RequestContext,
            errors: &'a mut ValidationErrors,
        ) -> Erased<'a> {
            Box::pin(async move {
                let v = R::resolve(cx, errors).await?;
                Ok(v.map(|v| Box::new(v) as Box<dyn Any + Send>))
            })
        }
        Override {
            resolve: resolve::<R>,
            document: R::document,
        }
    }

    /// Runs the replacement of `D`.
    pub(crate) async fn run<D: Dependency>(
        self,
        cx: &mut RequestContext,
        errors: &mut ValidationErrors,
    ) -> Result<Option<D::Output>, Response> {
        let v = (self.resolve)(cx, errors).await?;
        Ok(v.map(|v| {
            *v.downcast::<D::Output>()
                .expect("an override gives its dependency's Output (checked at registration)")
        }))
    }
}

/// The overrides of an app, keyed by the replaced dependency's type.
#[derive(Clone, Default)]
pub(crate) struct Overrides {
    map: HashMap<TypeId, Override>,
}

impl std::fmt::Debug for Overrides {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Overrides({})", self.map.len())
    }
}

impl Overrides {
    /// Replaces `D` by `R`.
    pub(crate) fn insert<D, R>(&mut self)
    where
        D: Dependency,
        R: Dependency<Output = D::Output>,
    {
        self.map.insert(TypeId::of::<D>(), Override::of::<R>());
    }

    /// The replacement of `D`, if any.
    pub(crate) fn get<D: Dependency>(&self) -> Option<Override> {
        self.map.get(&TypeId::of::<D>()).copied()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Whether a replacement needs the request's completion.
    pub(crate) fn need_completion(&self) -> bool {
        self.map.values().any(|o| {
            let mut op = Operation::default();
            (o.document)(&mut op);
            op.needs_completion
        })
    }
}
