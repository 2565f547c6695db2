//! The shop: the FastAPI article's users/items/orders API on fastrs, grown
//! into one service (the contract is `shared/example-api.md`):
//!
//! - users, items and orders in SQLite (default) or PostgreSQL through sqlx,
//!   migrated at start-up, the pool opened by an `on_startup` hook and
//!   closed by an `on_shutdown` hook;
//! - argon2 password hashes and signed, expiring JWT bearer tokens from an
//!   OAuth2 password form at `/auth/token` (Swagger UI's Authorize works);
//! - an API key (`X-API-Key`) in front of `/admin`;
//! - the article's `AppError` shape through an exception handler, its timing
//!   middleware (outermost) and its CORS settings;
//! - one router per resource, as in the article's "larger project".
//!
//! [`app`] builds it, so tests drive it in process with `fastrs::TestClient`.

use std::time::{Duration, Instant};

use fastrs::body::RequestBody;
use fastrs::cors::Cors;
use fastrs::http::{HeaderValue, Request};
use fastrs::middleware::Next;
use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};

pub mod database;
pub mod dependencies;
pub mod errors;
pub mod models;
pub mod routers;
pub mod schemas;
pub mod security;

use database::Db;
use security::{PasswordHashing, Security};

/// The API key when `APP_API_KEY` is not set (the article's).
pub const DEFAULT_API_KEY: &str = "secret-key-123";
/// The token signing key when `SECRET_KEY` is not set: development only.
pub const DEV_SECRET_KEY: &str = "dev-secret-key-change-me";
/// The database when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://shop.db";
/// The origin CORS allows (the article's front end).
pub const FRONTEND_ORIGIN: &str = "http://localhost:3000";

/// The shop's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite:…` or `postgres:…`.
    pub database_url: String,
    /// The admin API key.
    pub api_key: String,
    /// The token signing key.
    pub secret_key: String,
    /// How long a token lives (30 minutes).
    pub token_ttl: Duration,
    /// How passwords are hashed.
    pub password_hashing: PasswordHashing,
}

impl Config {
    /// The defaults, for `database_url`.
    pub fn new(database_url: impl Into<String>) -> Self {
        Config {
            database_url: database_url.into(),
            api_key: DEFAULT_API_KEY.into(),
            secret_key: DEV_SECRET_KEY.into(),
            token_ttl: Duration::from_secs(30 * 60),
            password_hashing: PasswordHashing::Standard,
        }
    }

    /// From `DATABASE_URL`, `APP_API_KEY` and `SECRET_KEY` (defaults for the
    /// unset ones, with a warning for the secret key).
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut config =
            Config::new(var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()));
        if let Some(key) = var("APP_API_KEY") {
            config.api_key = key;
        }
        match var("SECRET_KEY") {
            Some(secret) => config.secret_key = secret,
            None => tracing::warn!(
                "SECRET_KEY is not set: tokens are signed with a development key; set SECRET_KEY in production"
            ),
        }
        config
    }
}

/// The settings handlers read from the app state.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The admin API key.
    pub api_key: String,
}

/// The article's first route.
#[get("/")]
pub async fn read_root() -> Json<Value> {
    Json(json!({"message": "Hello, World"}))
}

/// The article's timing middleware: `X-Response-Time: 0.0012s`.
pub async fn add_timing_header(req: Request<RequestBody>, next: Next) -> Response {
    let start = Instant::now();
    let mut response = next.run(req).await;
    let elapsed = format!("{:.4}s", start.elapsed().as_secs_f64());
    if let Ok(v) = HeaderValue::from_str(&elapsed) {
        response.headers_mut().insert("x-response-time", v);
    }
    response
}

/// The shop app: its routes, middleware, error handler and database hooks.
/// The database opens when the app starts (`fastrs::serve`, `App::start`
/// or `TestClient::new`).
pub fn app(config: Config) -> App {
    let url = config.database_url.clone();
    let cors = Cors::new()
        .allow_origins([FRONTEND_ORIGIN])
        .allow_credentials(true)
        .allow_methods(["*"])
        .allow_headers(["*"]);
    App::new()
        .title("Shop API")
        .version("1.0.0")
        .state(Settings {
            api_key: config.api_key.clone(),
        })
        .state(Security::new(
            &config.secret_key,
            config.token_ttl,
            config.password_hashing,
        ))
        .on_startup(move || {
            let url = url.clone();
            async move {
                let db = Db::connect(&url).await?;
                tracing::info!(
                    "database ready: {} ({:?})",
                    database::redact(&url),
                    db.backend
                );
                Ok::<_, database::DbError>(db)
            }
        })
        .on_shutdown(|db: Db| async move { db.close().await })
        .exception_handler(errors::app_error_handler)
        .route(read_root)
        .include(routers::users::router())
        .include(routers::auth::router())
        .include(routers::items::router())
        .include(routers::orders::router())
        .include(routers::admin::router())
        // Middleware: the last added is the outermost, so the timing header
        // is on CORS's own answers (preflights) too.
        .middleware_boxed(cors.into_middleware())
        .middleware(add_timing_header)
}
