//! The article's `dependencies.py`, as axum extractors: the database, the
//! current user (OAuth2 bearer token), the admin API key (a middleware on
//! the admin router), and JSON bodies and queries checked with validator.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRef, FromRequest, FromRequestParts, Query, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::database::Db;
use crate::errors::{ApiError, OrInternal};
use crate::models::{UserRow, USER_COLUMNS};
use crate::security::Security;
use crate::AppState;

/// The database (FastAPI's `get_db`): handlers take `State<Db>`.
impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Db {
        state.db.clone()
    }
}

/// The token keys: handlers take `State<Security>`.
impl FromRef<AppState> for Security {
    fn from_ref(state: &AppState) -> Security {
        state.security.clone()
    }
}

/// A JSON body that passed its `#[validate(…)]` constraints; 422 otherwise.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValidJson<T>(pub T);

impl<T, S> FromRequest<S> for ValidJson<T>
where
    T: DeserializeOwned + Validate,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(value) =
            Json::<T>::from_request(req, state)
                .await
                .map_err(|e: JsonRejection| {
                    ApiError::invalid_value(&["body"], "json_invalid", e.body_text())
                })?;
        value
            .validate()
            .map_err(|e| ApiError::invalid("body", &e))?;
        Ok(ValidJson(value))
    }
}

/// Query parameters that passed their `#[validate(…)]` constraints; 422
/// otherwise.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValidQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ValidQuery<T>
where
    T: DeserializeOwned + Validate,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(value) =
            Query::<T>::from_request_parts(parts, state)
                .await
                .map_err(|e: QueryRejection| {
                    ApiError::invalid_value(&["query"], "query_invalid", e.body_text())
                })?;
        value
            .validate()
            .map_err(|e| ApiError::invalid("query", &e))?;
        Ok(ValidQuery(value))
    }
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthorized("Could not validate credentials")
}

/// The user of the bearer token: 401 `Not authenticated` without one, 401
/// `Could not validate credentials` when it is malformed, badly signed,
/// expired, or its user is gone.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub UserRow);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| ApiError::unauthorized("Not authenticated"))?;
        let token = match header.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => return Err(ApiError::unauthorized("Not authenticated")),
        };
        let user_id = state
            .security
            .user_id(token)
            .ok_or_else(invalid_credentials)?;
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(user_id)
            .fetch_optional(&state.db.pool)
            .await
            .or_500()?;
        match row {
            Some(row) => Ok(CurrentUser(UserRow::from_row(&row).or_500()?)),
            None => Err(invalid_credentials()),
        }
    }
}

/// The admin API key (the article's `verify_api_key`), a middleware on the
/// admin router, so it runs before the handler's own extractors: header
/// `X-API-Key`, required (422 when missing), 403 `Invalid API key` unless
/// it is `APP_API_KEY`.
pub async fn verify_api_key(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(key) = req.headers().get("x-api-key") else {
        if !req.headers().contains_key(AUTHORIZATION) {
            return ApiError::unauthorized("Not authenticated").into_response();
        }
        return ApiError::invalid_value(
            &["header", "x-api-key"],
            "missing",
            "Field required".into(),
        )
        .into_response();
    };
    if !constant_time_eq(key.as_bytes(), state.api_key.as_bytes()) {
        return ApiError::http(StatusCode::FORBIDDEN, "Invalid API key").into_response();
    }
    next.run(req).await
}

/// Compares two secrets in time independent of where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
