//! The shop (examples/shop) written the way an axum 0.8 user usually writes
//! it: serde + validator for the bodies, utoipa for the OpenAPI document,
//! tower-http for CORS, sqlx over an `AnyPool`, argon2 and jsonwebtoken.
//! It exists so that its build time can be set beside the fastrs shop's
//! (`benches/buildtime/run.sh`); it serves the same routes, but does not
//! reproduce FastAPI's exact error bodies.
//!
//! - users, items and orders in SQLite (default) or PostgreSQL through sqlx,
//!   migrated at start-up;
//! - argon2 password hashes and signed, expiring JWT bearer tokens from an
//!   OAuth2 password form at `/auth/token`;
//! - an API key (`X-API-Key`) in front of `/admin`;
//! - the article's `AppError` shape, its timing middleware (outermost) and
//!   its CORS settings;
//! - one router per resource, as in the article's "larger project";
//! - `/openapi.json`, Swagger UI at `/docs`, ReDoc at `/redoc`.

use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_http::cors::{AllowHeaders, AllowMethods, CorsLayer};
use utoipa::openapi::security::{OAuth2, Password, Scopes, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_redoc::{Redoc, Servable};
use utoipa_swagger_ui::SwaggerUi;

// The shop's own data and security layers (they do not use fastrs), compiled
// here as they are.
#[path = "../../../../examples/shop/src/database.rs"]
pub mod database;
pub mod dependencies;
pub mod errors;
pub mod models;
pub mod routers;
pub mod schemas;
#[path = "../../../../examples/shop/src/security.rs"]
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

/// What every handler can read: the pool, the token keys, the API key.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    pub security: Security,
    pub api_key: String,
}

/// The OpenAPI document: every route, its schemas, the OAuth2 password scheme.
#[derive(OpenApi)]
#[openapi(
    info(title = "Shop API", version = "1.0.0"),
    paths(
        read_root,
        routers::users::create_user,
        routers::users::list_users,
        routers::users::read_me,
        routers::users::read_user,
        routers::auth::login,
        routers::items::create_item,
        routers::items::list_items,
        routers::items::read_item,
        routers::items::delete_item,
        routers::orders::create_order,
        routers::orders::list_orders,
        routers::orders::read_order,
        routers::admin::admin_stats,
    ),
    components(schemas(errors::ErrorDetail, errors::AppErrorBody)),
    modifiers(&SecurityAddon),
    tags(
        (name = "users"),
        (name = "auth"),
        (name = "items"),
        (name = "orders"),
        (name = "admin"),
    )
)]
pub struct ApiDoc;

/// Adds FastAPI's `OAuth2PasswordBearer(tokenUrl="auth/token")` scheme.
struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "OAuth2PasswordBearer",
            SecurityScheme::OAuth2(OAuth2::new([utoipa::openapi::security::Flow::Password(
                Password::new("auth/token", Scopes::new()),
            )])),
        );
    }
}

/// The article's first route.
#[utoipa::path(get, path = "/", responses((status = 200, description = "A greeting")))]
pub async fn read_root() -> Json<Value> {
    Json(json!({"message": "Hello, World"}))
}

/// The article's timing middleware: `X-Response-Time: 0.0012s`.
pub async fn add_timing_header(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let mut response = next.run(req).await;
    let elapsed = format!("{:.4}s", start.elapsed().as_secs_f64());
    if let Ok(v) = HeaderValue::from_str(&elapsed) {
        response.headers_mut().insert("x-response-time", v);
    }
    response
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"detail": "Not Found"}))).into_response()
}

/// The shop app on an open database: routes, docs, CORS and timing.
pub fn app(config: &Config, db: Db) -> Router {
    let state = AppState {
        db,
        security: Security::new(
            &config.secret_key,
            config.token_ttl,
            config.password_hashing,
        ),
        api_key: config.api_key.clone(),
    };
    let cors = CorsLayer::new()
        .allow_origin(HeaderValue::from_static(FRONTEND_ORIGIN))
        .allow_credentials(true)
        .allow_methods(AllowMethods::list([
            Method::DELETE,
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::PATCH,
            Method::POST,
            Method::PUT,
        ]))
        .allow_headers(AllowHeaders::mirror_request())
        .max_age(Duration::from_secs(600));
    Router::new()
        .route("/", get(read_root))
        .nest("/users", routers::users::router())
        .nest("/auth", routers::auth::router())
        .nest("/items", routers::items::router())
        .nest("/orders", routers::orders::router())
        .nest("/admin", routers::admin::router(state.clone()))
        .fallback(not_found)
        .with_state(state)
        .merge(SwaggerUi::new("/docs").url("/openapi.json", ApiDoc::openapi()))
        .merge(Redoc::with_url("/redoc", ApiDoc::openapi()))
        // The last layer is the outermost: the timing header is on CORS's
        // own answers (preflights) too.
        .layer(cors)
        .layer(middleware::from_fn(add_timing_header))
}
