//! Lifespan: FastAPI's start-up and shutdown events.
//!
//! A start-up hook runs once before the first request (before the server
//! accepts connections, or when a [`TestClient`](crate::TestClient) is made)
//! and returns a value that becomes app state, taken by handlers with
//! [`State<T>`](crate::State): open a pool at start-up, use it in every
//! request. A shutdown hook receives that value after the server has drained
//! its connections (or when the test client is dropped): close the pool.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::body::BoxError;

type Insert = Box<dyn FnOnce(&mut http::Extensions) + Send>;
type BoxFut<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A start-up hook: runs, then puts its value in the app state.
pub(crate) type Startup = Arc<dyn Fn() -> BoxFut<Result<Insert, BoxError>> + Send + Sync>;

/// A shutdown hook: gets its value from the app state.
pub(crate) type Shutdown = Arc<dyn Fn(&http::Extensions) -> BoxFut<()> + Send + Sync>;

pub(crate) fn startup<T, E, F, Fut>(f: F) -> Startup
where
    T: Clone + Send + Sync + 'static,
    E: Into<BoxError>,
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
{
    Arc::new(move || {
        let fut = f();
        Box::pin(async move {
            let value = fut.await.map_err(Into::into)?;
            let insert: Insert = Box::new(move |state: &mut http::Extensions| {
                state.insert(value);
            });
            Ok(insert)
        })
    })
}

pub(crate) fn shutdown<T, F, Fut>(f: F) -> Shutdown
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let f = Arc::new(f);
    Arc::new(move |state: &http::Extensions| {
        let value = state.get::<T>().cloned();
        let f = f.clone();
        Box::pin(async move {
            match value {
                Some(v) => f(v).await,
                None => tracing::warn!(
                    "shutdown hook skipped: no {} in the app state",
                    std::any::type_name::<T>()
                ),
            }
        })
    })
}
