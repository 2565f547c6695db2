//! `/auth/token`: OAuth2's password flow (the username is the email).

use axum::extract::State;
use axum::routing::post;
use axum::{Form, Json, Router};
use sqlx::Row;

use crate::database::Db;
use crate::errors::{ApiError, ErrorDetail, OrInternal};
use crate::schemas::auth::{Token, TokenForm};
use crate::schemas::users::normalize_email;
use crate::security::Security;
use crate::AppState;

/// Exchanges an email and password for a bearer token (30 minutes).
#[utoipa::path(
    post, path = "/auth/token", tag = "auth",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "A bearer token", body = Token),
        (status = 401, description = "Incorrect email or password", body = ErrorDetail),
        (status = 422, description = "Validation error"),
    )
)]
pub async fn login(
    State(db): State<Db>,
    State(security): State<Security>,
    Form(form): Form<TokenForm>,
) -> Result<Json<Token>, ApiError> {
    if form.grant_type.as_deref().is_some_and(|g| g != "password") {
        return Err(ApiError::invalid_value(
            &["body", "grant_type"],
            "string_pattern_mismatch",
            "String should match pattern '^password$'".into(),
        ));
    }
    // Users are stored under their normalised email: look the username up
    // the same way.
    let email = normalize_email(&form.username);
    let found = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(&db.pool)
        .await?;
    let (user_id, hash) = match found {
        Some(row) => (
            Some(row.try_get::<i64, _>("id")?),
            Some(row.try_get::<String, _>("password_hash")?),
        ),
        None => (None, None),
    };
    let ok = security.verify_password(form.password, hash).await;
    match (ok, user_id) {
        (true, Some(id)) => Ok(Json(Token {
            access_token: security.create_token(id).or_500()?,
            token_type: "bearer".into(),
        })),
        _ => Err(ApiError::unauthorized("Incorrect email or password")),
    }
}

/// The router, nested at `/auth`.
pub fn router() -> Router<AppState> {
    Router::new().route("/token", post(login))
}
