//! The article's `dependencies.py`: the database, the current user (OAuth2
//! bearer token) and the admin API key.

use fastrs::prelude::*;
use fastrs::security::OAuth2PasswordBearer;

use crate::database::Db;
use crate::errors::OrInternal;
use crate::models::{UserRow, USER_COLUMNS};
use crate::security::Security;
use crate::Settings;

fastrs::security_config!(
    /// FastAPI's `OAuth2PasswordBearer(tokenUrl="auth/token")`: Swagger UI's
    /// Authorize button posts the login form there.
    pub TokenAuth: OAuth2PasswordBearerConfig, token_url = "auth/token"
);

/// The database (FastAPI's `get_db`): the pool opened at start-up.
#[dependency]
pub async fn get_db(db: State<Db>) -> Db {
    db.0.clone()
}

fn invalid_credentials() -> HttpError {
    HttpError::new(401, "Could not validate credentials").header("www-authenticate", "Bearer")
}

/// The user of the bearer token: 401 `Not authenticated` without one
/// (answered by `OAuth2PasswordBearer`), 401 `Could not validate
/// credentials` when it is malformed, badly signed, expired, or its user is
/// gone.
#[dependency(responses(401 = HttpError))]
pub async fn get_current_user(
    token: Depends<OAuth2PasswordBearer<TokenAuth>>,
    db: Depends<get_db>,
    security: State<Security>,
) -> Result<UserRow, HttpError> {
    let user_id = security.user_id(&token).ok_or_else(invalid_credentials)?;
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
        .or_500()?;
    match row {
        Some(row) => UserRow::from_row(&row).or_500(),
        None => Err(invalid_credentials()),
    }
}

/// The admin API key (the article's `verify_api_key`): header `X-API-Key`,
/// required (422 when missing), 403 `Invalid API key` unless it is `APP_API_KEY`;
/// without `APP_API_KEY` every key is refused.
#[dependency(responses(403 = HttpError))]
pub async fn verify_api_key(
    #[header] x_api_key: String,
    settings: State<Settings>,
) -> Result<String, HttpError> {
    match &settings.api_key {
        Some(key) if constant_time_eq(x_api_key.as_bytes(), key.as_bytes()) => Ok(x_api_key),
        _ => Err(HttpError::new(403, "Invalid API key")),
    }
}

/// Compares two secrets in time independent of where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
