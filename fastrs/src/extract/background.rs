//! Work after the response: FastAPI's `BackgroundTasks` and the clean-up of
//! `yield` dependencies.
//!
//! [`BackgroundTasks`] collects futures that run after the response has been
//! sent (an email after a sign-up). [`Cleanup`] lets a dependency register
//! what to do once the response is produced, knowing whether the request
//! succeeded: commit or roll back a transaction, as code after `yield` in a
//! FastAPI dependency does, also when the handler failed or panicked.
//!
//! Both live in a per-request [`Completion`] that the app creates only for
//! routes that use them, so other requests pay nothing.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use http::StatusCode;

use crate::body::{Body, Guarded};
use crate::extract::{Declared, Extract, Param};
use crate::request::RequestContext;
use crate::response::Response;
use crate::routing::Operation;
use crate::validation::ValidationErrors;

type Task = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;
type Finalizer = Box<dyn FnOnce(Outcome) -> Task + Send>;

/// How a request ended, for [`Cleanup`] hooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The response's status (500 when the handler panicked).
    pub status: StatusCode,
}

impl Outcome {
    /// Whether the request succeeded (a status below 400).
    pub fn succeeded(&self) -> bool {
        self.status.as_u16() < 400
    }
}

/// The per-request registry behind [`BackgroundTasks`] and [`Cleanup`].
#[derive(Default)]
pub struct Completion {
    tasks: Mutex<Vec<Task>>,
    finalizers: Mutex<Vec<Finalizer>>,
}

impl std::fmt::Debug for Completion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Completion")
    }
}

impl Completion {
    /// Runs the clean-up hooks (last registered first, like nested `yield`s),
    /// then arranges for the background tasks to run once `response`'s body
    /// has been sent.
    pub async fn finish(&self, response: &mut Response) {
        let outcome = Outcome {
            status: response.status(),
        };
        let finalizers = std::mem::take(&mut *lock(&self.finalizers));
        for f in finalizers.into_iter().rev() {
            f(outcome).await;
        }
        let tasks = std::mem::take(&mut *lock(&self.tasks));
        if !tasks.is_empty() {
            let body = std::mem::take(response.body_mut());
            *response.body_mut() = Body::stream(Guarded::new(body, StartTasks(tasks)));
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Tasks to run after the response is sent: FastAPI's `BackgroundTasks`.
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::background::BackgroundTasks;
///
/// #[post("/signup", status_code = 201)]
/// async fn signup(tasks: BackgroundTasks) -> Json<serde_json::Value> {
///     tasks.add_task(async { /* send the welcome email */ });
///     Json(serde_json::json!({"ok": true}))
/// }
/// assert_eq!(TestClient::new(App::new().route(signup)).post("/signup").send().status(), 201);
/// ```
#[derive(Clone, Debug)]
pub struct BackgroundTasks(pub(crate) Arc<Completion>);

impl BackgroundTasks {
    /// Adds a task; tasks run in order, after the response is sent.
    pub fn add_task(&self, task: impl Future<Output = ()> + Send + 'static) {
        lock(&self.0.tasks).push(Box::pin(task));
    }
}

/// Registers clean-up for after the response is produced (FastAPI's code
/// after `yield` in a dependency).
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::background::Cleanup;
///
/// #[dependency]
/// async fn session(cleanup: Cleanup) -> u32 {
///     cleanup.on_finish(|outcome| async move {
///         if outcome.succeeded() { /* commit */ } else { /* roll back */ }
///     });
///     7
/// }
///
/// #[get("/")]
/// async fn root(s: Depends<session>) -> Json<u32> { Json(*s) }
/// assert_eq!(TestClient::new(App::new().route(root)).get("/").send().json(), 7);
/// ```
#[derive(Clone, Debug)]
pub struct Cleanup(pub(crate) Arc<Completion>);

impl Cleanup {
    /// Runs `f` with the request's [`Outcome`] once the response is produced,
    /// before it is sent; hooks run last-registered first.
    pub fn on_finish<F, Fut>(&self, f: F)
    where
        F: FnOnce(Outcome) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        lock(&self.0.finalizers).push(Box::new(move |o| Box::pin(f(o))));
    }
}

/// Starts the background tasks when dropped with the response body.
struct StartTasks(Vec<Task>);

impl Drop for StartTasks {
    fn drop(&mut self) {
        let tasks = std::mem::take(&mut self.0);
        let run = async move {
            for t in tasks {
                t.await;
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(h) => {
                h.spawn(run);
            }
            Err(_) => tracing::error!("background tasks dropped: no tokio runtime"),
        }
    }
}

/// `BackgroundTasks` and `Cleanup` extract themselves from the request's
/// completion registry, and mark the operation as needing one.
macro_rules! completion_param {
    ($t:ident, $method:ident) => {
        impl Extract<$t> for $t {
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
                std::future::ready(Ok(Some(cx.$method())))
            }

            fn document(_: &'static Declared<Self>, op: &mut Operation) {
                op.needs_completion = true;
            }
        }

        impl Param for $t {
            type Source = Self;
        }
    };
}
completion_param!(BackgroundTasks, background_tasks);
completion_param!(Cleanup, cleanup);
