//! [`AsyncTestClient`]: the test client for `#[tokio::test]`.

use std::sync::Mutex;

use http::Method;
use tokio::sync::OnceCell;

use super::{cookies, exchange, lock, verbs, Checks, TestRequest, TestResponse};
use crate::app::{App, AppService};

/// An in-process client for an [`App`], for async tests: FastAPI's
/// `AsyncClient(transport=ASGITransport(app=app))`. It runs on the test's
/// own runtime, so the test can share the app's state (pools, channels) with
/// it; requests are built as with [`TestClient`](super::TestClient) and sent
/// with `.send().await`. Cookies set by responses are kept and sent back.
///
/// The app's start-up hooks run on the first request (or on
/// [`start`](Self::start)); its shutdown hooks run on
/// [`shutdown`](Self::shutdown), or when the client is dropped without it
/// (then on a runtime of their own, on a thread the drop waits for, since a
/// drop cannot wait on the test's runtime; a hook that needs that runtime's
/// I/O should be awaited through `shutdown`).
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::testclient::AsyncTestClient;
///
/// #[get("/")]
/// async fn root() -> Json<serde_json::Value> {
///     Json(serde_json::json!({"message": "Tomato"}))
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// // in a #[tokio::test] async fn:
/// let client = AsyncTestClient::new(App::new().route(root));
/// let r = client.get("/").send().await;
/// assert_eq!(r.status(), 200);
/// assert_eq!(r.json(), serde_json::json!({"message": "Tomato"}));
/// client.shutdown().await;
/// # });
/// ```
pub struct AsyncTestClient {
    app: Mutex<Option<App>>,
    service: OnceCell<AppService>,
    pub(super) cookies: Mutex<cookies::Jar>,
    checks: Checks,
    shut_down: bool,
}

impl std::fmt::Debug for AsyncTestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncTestClient")
            .field("started", &self.service.initialized())
            .finish_non_exhaustive()
    }
}

impl AsyncTestClient {
    /// A client for `app`; nothing runs until the first request.
    pub fn new(app: App) -> Self {
        AsyncTestClient {
            app: Mutex::new(Some(app)),
            service: OnceCell::new(),
            cookies: Mutex::default(),
            checks: Checks::default(),
            shut_down: false,
        }
    }

    /// Checks every response against the app's own OpenAPI document, as
    /// [`TestClient::check_contract`](super::TestClient::check_contract).
    #[cfg(feature = "contract")]
    pub fn check_contract(mut self) -> Self {
        let document = lock_app(&self.app).as_ref().map(App::openapi);
        if let Some(d) = document {
            self.checks = Checks::of(d);
        }
        self
    }

    /// The documented (operation, status) pairs that no response exercised
    /// since [`check_contract`](Self::check_contract), one per line.
    #[cfg(feature = "contract")]
    pub fn contract_report(&self) -> String {
        self.checks.report()
    }

    /// Runs the app's start-up hooks now (the first request does it
    /// otherwise) and gives the service under test.
    ///
    /// # Panics
    /// When a start-up hook fails.
    pub async fn start(&self) -> &AppService {
        self.service
            .get_or_init(|| async {
                let app = lock_app(&self.app).take().expect("the app is started once");
                app.start()
                    .await
                    .unwrap_or_else(|e| panic!("the app's start-up failed: {e}"))
            })
            .await
    }

    /// Runs the app's shutdown hooks (if it started), on the test's runtime.
    pub async fn shutdown(mut self) {
        self.shut_down = true;
        if let Some(service) = self.service.get() {
            service.shutdown().await;
        }
    }

    /// The value of a cookie the client keeps (set by an earlier response).
    pub fn cookie(&self, name: &str) -> Option<String> {
        lock(&self.cookies).get(name).map(str::to_owned)
    }

    /// Forgets the cookies the client keeps.
    pub fn clear_cookies(&self) {
        lock(&self.cookies).clear();
    }

    /// A request with any method; `uri` is a path with an optional query.
    pub fn request(&self, method: Method, uri: &str) -> TestRequest<'_, AsyncTestClient> {
        TestRequest::new(self, method, uri)
    }
}

verbs!(AsyncTestClient);

impl TestRequest<'_, AsyncTestClient> {
    /// Sends the request and reads the whole response.
    pub async fn send(self) -> TestResponse {
        let client = self.client;
        let service = client.start().await;
        let (req, path) = self.build(&client.cookies);
        let method = req.method().clone();
        let resp = exchange(service, req).await;
        lock(&client.cookies).store(&resp.headers, &path);
        client.checks.verify(&method, &path, &resp);
        resp
    }
}

fn lock_app(app: &Mutex<Option<App>>) -> std::sync::MutexGuard<'_, Option<App>> {
    app.lock().unwrap_or_else(|e| e.into_inner())
}

impl Drop for AsyncTestClient {
    fn drop(&mut self) {
        self.checks.print_report();
        if self.shut_down {
            return;
        }
        let Some(service) = self.service.get() else {
            return;
        };
        if service.app().shutdown.is_empty() {
            return;
        }
        std::thread::scope(|s| {
            s.spawn(|| {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt.block_on(service.shutdown()),
                    Err(e) => tracing::error!("no runtime for the app's shutdown hooks: {e}"),
                }
            });
        });
    }
}
