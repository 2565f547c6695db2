//! `/users`: registration, listing, the current user, one user.

use fastrs::prelude::*;

use crate::database::Db;
use crate::dependencies::{get_current_user, get_db};
use crate::errors::OrInternal;
use crate::models::{now, UserRow, USER_COLUMNS};
use crate::schemas::users::{UserCreate, UserResponse};
use crate::security::Security;

fn email_taken() -> HttpError {
    HttpError::new(409, "Email already registered")
}

/// Registers a user. The email is stored normalised (domain lower-cased) and
/// must not be registered yet; the password is stored as an argon2 hash.
#[post(
    "",
    status_code = 201,
    responses(
        400 = (HttpError, "There was an error parsing the body"),
        409 = (HttpError, "Email already registered"),
        503 = (HttpError, "Every password-hashing slot is busy: retry after Retry-After seconds")
    )
)]
pub async fn create_user(
    user: UserCreate,
    db: Depends<get_db>,
    security: State<Security>,
) -> Result<UserResponse, HttpError> {
    let Db { pool, .. } = &*db;
    let taken = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(user.email.as_str())
        .fetch_optional(pool)
        .await
        .or_500()?;
    if taken.is_some() {
        return Err(email_taken());
    }
    let hash = security.hash_password(user.password).await?;
    let inserted = sqlx::query(&format!(
        "INSERT INTO users (name, email, age, bio, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {USER_COLUMNS}"
    ))
    .bind(user.name)
    .bind(user.email.into_string())
    .bind(user.age)
    .bind(user.bio)
    .bind(hash)
    .bind(crate::models::format_time(now()))
    .fetch_one(pool)
    .await;
    match inserted {
        Ok(row) => Ok(UserRow::from_row(&row).or_500()?.into()),
        // Two registrations raced past the check: the unique index decides.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(email_taken()),
        Err(e) => Err(crate::errors::internal(e)),
    }
}

/// Lists users by id.
#[get("", response_model = Vec<UserResponse>)]
pub async fn list_users(
    #[query(default = 0, ge = 0)] skip: i64,
    #[query(default = 20, ge = 1, le = 100)] limit: i64,
    db: Depends<get_db>,
) -> Result<Vec<UserResponse>, HttpError> {
    let rows = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY id LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(skip)
    .fetch_all(&db.pool)
    .await
    .or_500()?;
    rows.iter()
        .map(|r| UserRow::from_row(r).map(UserResponse::from))
        .collect::<Result<_, _>>()
        .or_500()
}

/// The user of the bearer token.
#[get("/me")]
pub async fn read_me(current_user: Depends<get_current_user>) -> UserResponse {
    current_user.into_inner().into()
}

/// One user.
#[get("/{user_id}", responses(404 = (HttpError, "User not found")))]
pub async fn read_user(user_id: i64, db: Depends<get_db>) -> Result<UserResponse, HttpError> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
        .or_500()?
        .ok_or_else(|| HttpError::new(404, "User not found"))?;
    Ok(UserRow::from_row(&row).or_500()?.into())
}

/// The router: prefix `/users`, tag `users`.
pub fn router() -> Router {
    Router::new()
        .prefix("/users")
        .tag("users")
        .route(create_user)
        .route(list_users)
        .route(read_me)
        .route(read_user)
}
