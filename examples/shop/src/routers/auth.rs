//! `/auth/token`: OAuth2's password flow (the username is the email).

use fastrs::prelude::*;
use fastrs::security::OAuth2PasswordRequestForm;

use sqlx::Row;

use crate::dependencies::get_db;
use crate::errors::OrInternal;
use crate::schemas::auth::Token;
use crate::security::Security;

/// Exchanges an email and password for a bearer token (30 minutes).
#[post(
    "/token",
    responses(
        400 = (HttpError, "There was an error parsing the body"),
        401 = (HttpError, "Incorrect email or password"),
        503 = (HttpError, "Every password-hashing slot is busy: retry after Retry-After seconds")
    )
)]
pub async fn login(
    form: Depends<OAuth2PasswordRequestForm>,
    db: Depends<get_db>,
    security: State<Security>,
) -> Result<Token, HttpError> {
    // Users are stored under their normalised email: look the username up
    // the same way (an invalid address finds no one).
    let email =
        Email::parse(&form.username).map_or_else(|_| form.username.clone(), Email::into_string);
    let found = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(&db.pool)
        .await
        .or_500()?;
    let (user_id, hash) = match found {
        Some(row) => (
            Some(row.try_get::<i64, _>("id").or_500()?),
            Some(row.try_get::<String, _>("password_hash").or_500()?),
        ),
        None => (None, None),
    };
    // An unknown email is verified against a dummy hash: the same work, the
    // same time, as a wrong password. Every hash waits for a slot of the
    // hashing limiter (503 with Retry-After when none comes in time).
    let ok = security
        .verify_password(form.password.clone(), hash)
        .await?;
    match (ok, user_id) {
        (true, Some(id)) => Ok(Token {
            access_token: security.create_token(id).or_500()?,
            token_type: "bearer".into(),
        }),
        _ => {
            Err(HttpError::new(401, "Incorrect email or password")
                .header("www-authenticate", "Bearer"))
        }
    }
}

/// The router: prefix `/auth`, tag `auth`.
pub fn router() -> Router {
    Router::new().prefix("/auth").tag("auth").route(login)
}
