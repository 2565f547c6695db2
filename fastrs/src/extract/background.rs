//! Work after the response: FastAPI's `BackgroundTasks` and the clean-up of
//! `yield` dependencies.
//!
//! [`BackgroundTasks`] collects futures that run after the response has been
//! sent (an email after a sign-up). [`Cleanup`] lets a dependency register
//! what to do once the request is done, knowing whether it succeeded: commit or roll back a transaction, as code after `yield` in a
//! FastAPI dependency does, also when the handler failed or panicked.
//!
//! [`Cleanup::on_exit`] is the whole of FastAPI's `try: yield … except …
//! finally …`: the hook receives the handler's outcome as a value, an
//! [`Exit`], with the error the handler raised (an `HttpError`, or an
//! error of the app's own raised with [`raise`](crate::exception::raise)),
//! and returns it unchanged (re-raise, or let pass) or replaced
//! ([`Exit::replace`]: raise an `HttpError` in its place). Hooks run last
//! registered first (the innermost dependency's first, as nested `yield`s
//! exit). When they run is FastAPI's default (`scope="request"`): after a
//! handler that raised, before the app's exception handlers see the error;
//! after one that returned normally, once the response has been sent (a
//! streaming body included) and its background tasks have run (checked
//! against FastAPI in `tests/yield_scope.rs`). [`Cleanup::function_scope`]
//! gives FastAPI's `scope="function"`: hooks that run before the response
//! is sent. As a Rust value cannot be "swallowed", a hook cannot
//! turn an error into a success: FastAPI refuses that too (its
//! `FastAPIError`, answered 500).
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
type ExitTask = Pin<Box<dyn Future<Output = Exit> + Send + 'static>>;

enum Finalizer {
    Finish(Box<dyn FnOnce(Outcome) -> Task + Send>),
    Exit(Box<dyn FnOnce(Exit) -> ExitTask + Send>),
}

/// How the handler ended, for a [`Cleanup::on_exit`] hook: its response
/// and the error it raised, if any. Return it as is to re-raise the error
/// (or let a success pass), or [`replace`](Exit::replace) it.
#[derive(Debug)]
pub struct Exit {
    response: Response,
    /// The response was already sent (the handler returned normally): the
    /// hook runs after it, and a replacement cannot change it.
    sent: bool,
}

/// Marks the response of a handler that panicked (the 500 answered for it).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Panicked;

impl Exit {
    /// The response's status (500 when the handler panicked).
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    /// Whether the handler succeeded (a status below 400, no panic).
    pub fn succeeded(&self) -> bool {
        self.status().as_u16() < 400 && !self.panicked()
    }

    /// Whether the handler panicked.
    pub fn panicked(&self) -> bool {
        self.response.extensions().get::<Panicked>().is_some()
    }

    /// The error of type `E` the handler (or a dependency) raised: an
    /// [`HttpError`](crate::HttpError), a [`ValidationErrors`], or an error
    /// of the app's own answered with [`raise`](crate::exception::raise).
    pub fn error<E: 'static>(&self) -> Option<&E> {
        let raised = self
            .response
            .extensions()
            .get::<crate::exception::Raised>()?;
        raised.error.downcast_ref::<E>()
    }

    /// The response as it stands.
    pub fn response(&self) -> &Response {
        &self.response
    }

    /// Replaces the outcome (FastAPI's `raise HTTPException(…)` in an
    /// `except` block): the app's exception handlers then see the new error.
    ///
    /// After a handler that returned normally the response has been sent
    /// already ([`sent`](Self::sent)): a replacement is then only logged,
    /// as FastAPI can only log an exception raised after its response.
    pub fn replace(self, with: impl crate::IntoResponse) -> Exit {
        if self.sent {
            tracing::error!(
                "a clean-up hook replaced the outcome after the response was sent: ignored"
            );
            return self;
        }
        Exit {
            response: with.into_response(),
            sent: false,
        }
    }

    /// Whether the response was already sent: the handler returned
    /// normally, and the hook runs after the response (FastAPI's default
    /// `scope="request"`); its [`response`](Self::response) then has the
    /// sent status and headers, and no body.
    pub fn sent(&self) -> bool {
        self.sent
    }
}

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
    /// The app's tracker of work after responses (see
    /// [`AppService::background_tasks_done`](crate::AppService::background_tasks_done)).
    tracker: Option<tokio_util::task::TaskTracker>,
    tasks: Mutex<Vec<Task>>,
    /// Each hook with its scope: `true` for FastAPI's `scope="function"`
    /// (before the response is sent), `false` for `"request"`.
    finalizers: Mutex<Vec<(bool, Finalizer)>>,
}

impl std::fmt::Debug for Completion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Completion")
    }
}

impl Completion {
    /// A registry whose work after the response is counted by `tracker`,
    /// so that a server shutting down waits for it.
    pub(crate) fn tracked(tracker: tokio_util::task::TaskTracker) -> Self {
        Completion {
            tracker: Some(tracker),
            ..Completion::default()
        }
    }

    /// Finishes the request as FastAPI's default (`scope="request"`) does.
    ///
    /// When the handler raised (an error answered through
    /// [`raise`](crate::exception::raise), an `HttpError`, invalid
    /// parameters, a panic), the clean-up hooks run now, last registered
    /// first like nested `yield`s, and may replace the error; the background
    /// tasks then run once the response's body has been sent. When it
    /// returned normally, the response is sent as it is: its background
    /// tasks, then the clean-up hooks, run once its body has been sent (or
    /// the client went away), as FastAPI runs a `yield` dependency's exit
    /// code after the response.
    pub async fn finish(&self, response: &mut Response) {
        let finalizers = std::mem::take(&mut *lock(&self.finalizers));
        let tasks = std::mem::take(&mut *lock(&self.tasks));
        let raised = response
            .extensions()
            .get::<crate::exception::Raised>()
            .is_some()
            || response.extensions().get::<Panicked>().is_some();
        // After a raised error every hook runs now; after a normal return
        // only the function-scoped ones, the others once the response is sent.
        let (now, later): (Vec<_>, Vec<_>) = finalizers
            .into_iter()
            .partition(|(function, _)| raised || *function);
        for (_, f) in now.into_iter().rev() {
            match f {
                Finalizer::Finish(f) => {
                    let outcome = Outcome {
                        status: response.status(),
                    };
                    f(outcome).await;
                }
                Finalizer::Exit(f) => {
                    let exit = Exit {
                        response: std::mem::take(response),
                        sent: false,
                    };
                    *response = f(exit).await.response;
                }
            }
        }
        let finalizers: Vec<Finalizer> = later.into_iter().map(|(_, f)| f).collect();
        let head =
            (!finalizers.is_empty()).then(|| (response.status(), response.headers().clone()));
        let after = AfterResponse {
            tasks,
            finalizers,
            head,
            tracker: self.tracker.clone(),
        };
        if !after.tasks.is_empty() || !after.finalizers.is_empty() {
            let body = std::mem::take(response.body_mut());
            *response.body_mut() = Body::stream(Guarded::new(body, after));
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
    /// Runs `f` with the request's [`Outcome`] when the request is done
    /// (see the [module documentation](self) for when); hooks run
    /// last-registered first.
    pub fn on_finish<F, Fut>(&self, f: F)
    where
        F: FnOnce(Outcome) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.push(Finalizer::Finish(Box::new(move |o| Box::pin(f(o)))));
    }

    /// The same clean-up, with FastAPI's `scope="function"`: its hooks run
    /// as soon as the handler has returned, before the response is sent
    /// (FastAPI's `Depends(dep, scope="function")`), instead of after it.
    ///
    /// ```
    /// use fastrs::prelude::*;
    /// use fastrs::background::Cleanup;
    ///
    /// #[dependency]
    /// async fn get_username(cleanup: Cleanup) -> String {
    ///     cleanup.function_scope().on_finish(|_| async {
    ///         println!("Cleanup up before response is sent");
    ///     });
    ///     "Rick".into()
    /// }
    ///
    /// #[get("/users/me")]
    /// async fn get_user_me(username: Depends<get_username>) -> Json<String> {
    ///     Json(username.into_inner())
    /// }
    ///
    /// let client = TestClient::new(App::new().route(get_user_me));
    /// assert_eq!(client.get("/users/me").send().json(), "Rick");
    /// ```
    pub fn function_scope(&self) -> FunctionScope<'_> {
        FunctionScope(self)
    }

    fn push(&self, f: Finalizer) {
        lock(&self.0.finalizers).push((false, f));
    }

    /// Runs `f` with the handler's [`Exit`] once it has returned (or
    /// panicked): after an error before the app's exception handlers (what
    /// `f` returns is the outcome from then on), after a normal return once
    /// the response has been sent (see the [module documentation](self)).
    /// FastAPI's `try: yield … except E: … raise … finally: …`.
    ///
    /// ```
    /// use fastrs::prelude::*;
    /// use fastrs::background::Cleanup;
    ///
    /// #[derive(Debug)]
    /// struct OwnerError(String);
    ///
    /// impl IntoResponse for OwnerError {
    ///     fn into_response(self) -> Response { fastrs::exception::raise(self) }
    /// }
    ///
    /// #[dependency]
    /// async fn get_username(cleanup: Cleanup) -> String {
    ///     cleanup.on_exit(|exit| async move {
    ///         // except OwnerError as e: raise HTTPException(400, f"Owner error: {e}")
    ///         match exit.error::<OwnerError>() {
    ///             Some(e) => {
    ///                 let detail = format!("Owner error: {}", e.0);
    ///                 exit.replace(HttpError::new(400, detail))
    ///             }
    ///             None => exit, // re-raised, or a success let pass
    ///         }
    ///     });
    ///     "Rick".into()
    /// }
    ///
    /// #[get("/items/{item_id}")]
    /// async fn get_item(item_id: String, username: Depends<get_username>) -> Result<String, OwnerError> {
    ///     if item_id == "portal-gun" { return Err(OwnerError(username.clone())) }
    ///     Ok(item_id)
    /// }
    ///
    /// let client = TestClient::new(App::new().route(get_item));
    /// assert_eq!(client.get("/items/plumbus").send().json(), "plumbus");
    /// let r = client.get("/items/portal-gun").send();
    /// assert_eq!(r.status(), 400);
    /// assert_eq!(r.json(), serde_json::json!({"detail": "Owner error: Rick"}));
    /// ```
    pub fn on_exit<F, Fut>(&self, f: F)
    where
        F: FnOnce(Exit) -> Fut + Send + 'static,
        Fut: Future<Output = Exit> + Send + 'static,
    {
        self.push(Finalizer::Exit(Box::new(move |e| Box::pin(f(e)))));
    }
}

/// [`Cleanup`] hooks that run before the response is sent (FastAPI's
/// `scope="function"`): see [`Cleanup::function_scope`].
#[derive(Debug)]
pub struct FunctionScope<'a>(&'a Cleanup);

impl FunctionScope<'_> {
    /// [`Cleanup::on_finish`], before the response is sent.
    pub fn on_finish<F, Fut>(&self, f: F)
    where
        F: FnOnce(Outcome) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let f = Finalizer::Finish(Box::new(move |o| Box::pin(f(o))));
        lock(&self.0 .0.finalizers).push((true, f));
    }

    /// [`Cleanup::on_exit`], before the response is sent.
    pub fn on_exit<F, Fut>(&self, f: F)
    where
        F: FnOnce(Exit) -> Fut + Send + 'static,
        Fut: Future<Output = Exit> + Send + 'static,
    {
        let f = Finalizer::Exit(Box::new(move |e| Box::pin(f(e))));
        lock(&self.0 .0.finalizers).push((true, f));
    }
}

/// What runs once a response's body has been sent (or dropped): its
/// background tasks, then, after a handler that returned normally, the
/// clean-up hooks with the response's head.
struct AfterResponse {
    tasks: Vec<Task>,
    finalizers: Vec<Finalizer>,
    head: Option<(StatusCode, http::HeaderMap)>,
    tracker: Option<tokio_util::task::TaskTracker>,
}

impl Drop for AfterResponse {
    fn drop(&mut self) {
        let tasks = std::mem::take(&mut self.tasks);
        let finalizers = std::mem::take(&mut self.finalizers);
        let head = self.head.take();
        let run = async move {
            for t in tasks {
                t.await;
            }
            let Some((status, headers)) = head else {
                return;
            };
            for f in finalizers.into_iter().rev() {
                match f {
                    Finalizer::Finish(f) => f(Outcome { status }).await,
                    Finalizer::Exit(f) => {
                        let mut response = Response::default();
                        *response.status_mut() = status;
                        *response.headers_mut() = headers.clone();
                        let _ = f(Exit {
                            response,
                            sent: true,
                        })
                        .await;
                    }
                }
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(h) => {
                // Counted by the app's tracker until done: a graceful
                // shutdown waits for it, as uvicorn waits for a response's
                // background tasks (they run inside the request in Starlette).
                match &self.tracker {
                    Some(tracker) => h.spawn(tracker.track_future(run)),
                    None => h.spawn(run),
                };
            }
            Err(_) => tracing::error!("background tasks and clean-up dropped: no tokio runtime"),
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
