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
//! - one router per resource, as in the article's "larger project";
//! - Prometheus metrics at `/metrics` (metrics.rs), counted by a tower layer.
//!
//! [`app`] builds it, so tests drive it in process with `fastrs::TestClient`;
//! [`served`] is the app in its metrics layer, as `main` serves it.

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
pub mod metrics;
pub mod models;
pub mod routers;
pub mod schemas;
pub mod security;

use database::Db;
use fastrs::blocking::Limiter;
use security::{PasswordHashing, Security};

/// The database when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://shop.db";
/// The origin CORS allows (the article's front end).
pub const FRONTEND_ORIGIN: &str = "http://localhost:3000";
/// The shortest `SECRET_KEY` accepted (HS256 wants a 256-bit key).
pub const MIN_SECRET_KEY_BYTES: usize = 32;

/// The shop's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite:…` or `postgres:…`.
    pub database_url: String,
    /// The admin API key; `None` refuses every key (403).
    pub api_key: Option<String>,
    /// The token signing key, at least [`MIN_SECRET_KEY_BYTES`] bytes;
    /// `None`: a random key per start (tokens do not survive a restart).
    pub secret_key: Option<String>,
    /// How long a token lives (30 minutes).
    pub token_ttl: Duration,
    /// How passwords are hashed.
    pub password_hashing: PasswordHashing,
    /// The bound on password hashing: how many hashes (or verifications)
    /// run at once, each taking 19 MiB with the standard parameters (one per
    /// CPU by default), and how long a login or registration waits for a
    /// turn before 503 with `Retry-After` (10 s).
    pub hashing: Limiter,
}

/// A setting the shop refuses to start with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// `SECRET_KEY` is shorter than [`MIN_SECRET_KEY_BYTES`] (its length).
    ShortSecretKey(usize),
    /// A variable that must be a positive number is not (name, value).
    NotANumber(&'static str, String),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::ShortSecretKey(n) => write!(
                f,
                "SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes, it is {n}; \
                 generate one with `openssl rand -hex 32`"
            ),
            ConfigError::NotANumber(name, v) => {
                write!(f, "{name} must be a positive whole number, not {v:?}")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// The defaults, for `database_url`: no API key (every key refused), a
    /// random signing key, one password hash per CPU at a time.
    pub fn new(database_url: impl Into<String>) -> Self {
        Config {
            database_url: database_url.into(),
            api_key: None,
            secret_key: None,
            token_ttl: Duration::from_secs(30 * 60),
            password_hashing: PasswordHashing::Standard,
            hashing: Limiter::default(),
        }
    }

    /// From `DATABASE_URL`, `APP_API_KEY`, `SECRET_KEY`,
    /// `PASSWORD_HASHING_CONCURRENCY` and `PASSWORD_HASHING_QUEUE_TIMEOUT`
    /// (seconds); unset or empty ones keep their defaults.
    ///
    /// # Errors
    /// A `SECRET_KEY` shorter than 32 bytes, or a number that is not one.
    pub fn from_env() -> Result<Self, ConfigError> {
        Config::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Config::from_env`] reading variables through `var`.
    ///
    /// # Errors
    /// As [`Config::from_env`].
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let number = |name: &'static str| -> Result<Option<u64>, ConfigError> {
            var(name)
                .map(|v| match v.trim().parse::<u64>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => Err(ConfigError::NotANumber(name, v)),
                })
                .transpose()
        };
        let mut config =
            Config::new(var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()));
        config.api_key = var("APP_API_KEY");
        config.secret_key = var("SECRET_KEY");
        let permits = number("PASSWORD_HASHING_CONCURRENCY")?
            .map_or_else(Limiter::default_permits, |n| {
                usize::try_from(n).unwrap_or(usize::MAX)
            });
        let timeout = number("PASSWORD_HASHING_QUEUE_TIMEOUT")?
            .map_or(fastrs::blocking::DEFAULT_QUEUE_TIMEOUT, Duration::from_secs);
        config.hashing = Limiter::new(permits).queue_timeout(timeout);
        config.check()?;
        Ok(config)
    }

    /// Whether the shop can start with these settings.
    ///
    /// # Errors
    /// A signing key shorter than [`MIN_SECRET_KEY_BYTES`].
    pub fn check(&self) -> Result<(), ConfigError> {
        match &self.secret_key {
            Some(k) if k.len() < MIN_SECRET_KEY_BYTES => Err(ConfigError::ShortSecretKey(k.len())),
            _ => Ok(()),
        }
    }
}

/// 32 random bytes, hex: the signing key of a start without `SECRET_KEY`.
fn random_secret_key() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The settings handlers read from the app state.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The admin API key; `None` refuses every key.
    pub api_key: Option<String>,
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
/// or `TestClient::new`). Its `/metrics` shows no request: they are
/// counted by the layer [`served`] adds.
pub fn app(config: Config) -> App {
    build(config, metrics::Metrics::new())
}

/// The shop as `main` serves it: [`app`] in the tower layer that counts
/// each request for `/metrics` ([`metrics::MetricsLayer`]).
pub fn served(config: Config) -> fastrs::layer::Layered<metrics::MetricsLayer> {
    let figures = metrics::Metrics::new();
    build(config, figures.clone()).layer(metrics::MetricsLayer::new(figures))
}

fn build(config: Config, figures: metrics::Metrics) -> App {
    let url = config.database_url.clone();
    // A bad setting stops the start (the first start-up hook fails).
    let refused = config.check().err();
    let secret = config.secret_key.clone().unwrap_or_else(|| {
        tracing::warn!(
            "SECRET_KEY is not set: tokens are signed with a random key made at start and \
             will not survive a restart; set SECRET_KEY (32 bytes or more) in production"
        );
        random_secret_key()
    });
    if config.api_key.is_none() {
        tracing::warn!("APP_API_KEY is not set: /admin refuses every API key (403)");
    }
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
        .state(
            Security::new(&secret, config.token_ttl, config.password_hashing)
                .with_limiter(config.hashing.clone()),
        )
        .on_startup(move || {
            let url = url.clone();
            let refused = refused.clone();
            async move {
                if let Some(e) = refused {
                    return Err(fastrs::body::BoxError::from(e));
                }
                let db = Db::connect(&url).await?;
                tracing::info!(
                    "database ready: {} ({:?})",
                    database::redact(&url),
                    db.backend
                );
                Ok(db)
            }
        })
        .on_shutdown(|db: Db| async move { db.close().await })
        .exception_handler(errors::app_error_handler)
        .state(figures)
        .route(read_root)
        .route(metrics::read_metrics)
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
