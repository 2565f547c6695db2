//! `/users`: registration, listing, the current user, one user.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::database::Db;
use crate::dependencies::{CurrentUser, ValidJson, ValidQuery};
use crate::errors::{internal, ApiError, ErrorDetail, OrInternal};
use crate::models::{format_time, now, UserRow, USER_COLUMNS};
use crate::schemas::users::{normalize_email, Page, UserCreate, UserResponse};
use crate::security::Security;
use crate::AppState;

fn email_taken() -> ApiError {
    ApiError::http(StatusCode::CONFLICT, "Email already registered")
}

/// Registers a user. The email is stored normalised (domain lower-cased) and
/// must not be registered yet; the password is stored as an argon2 hash.
#[utoipa::path(
    post, path = "/users", tag = "users",
    request_body = UserCreate,
    responses(
        (status = 201, description = "The new user", body = UserResponse),
        (status = 409, description = "Email already registered", body = ErrorDetail),
        (status = 422, description = "Validation error"),
    )
)]
pub async fn create_user(
    State(db): State<Db>,
    State(security): State<Security>,
    ValidJson(user): ValidJson<UserCreate>,
) -> Result<(StatusCode, Json<UserResponse>), ApiError> {
    let email = normalize_email(&user.email);
    let taken = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(&db.pool)
        .await
        .or_500()?;
    if taken.is_some() {
        return Err(email_taken());
    }
    let hash = security.hash_password(user.password).await.or_500()?;
    let inserted = sqlx::query(&format!(
        "INSERT INTO users (name, email, age, bio, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {USER_COLUMNS}"
    ))
    .bind(user.name)
    .bind(email)
    .bind(user.age)
    .bind(user.bio)
    .bind(hash)
    .bind(format_time(now()))
    .fetch_one(&db.pool)
    .await;
    match inserted {
        Ok(row) => Ok((
            StatusCode::CREATED,
            Json(UserRow::from_row(&row).or_500()?.into()),
        )),
        // Two registrations raced past the check: the unique index decides.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(email_taken()),
        Err(e) => Err(internal(e)),
    }
}

/// Lists users by id.
#[utoipa::path(
    get, path = "/users", tag = "users",
    params(Page),
    responses(
        (status = 200, description = "The users", body = [UserResponse]),
        (status = 422, description = "Validation error"),
    )
)]
pub async fn list_users(
    State(db): State<Db>,
    ValidQuery(page): ValidQuery<Page>,
) -> Result<Json<Vec<UserResponse>>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY id LIMIT $1 OFFSET $2"
    ))
    .bind(page.limit)
    .bind(page.skip)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| UserRow::from_row(r).map(UserResponse::from))
        .collect::<Result<_, _>>()
        .map(Json)
        .or_500()
}

/// The user of the bearer token.
#[utoipa::path(
    get, path = "/users/me", tag = "users",
    security(("OAuth2PasswordBearer" = [])),
    responses(
        (status = 200, description = "The current user", body = UserResponse),
        (status = 401, description = "Not authenticated", body = ErrorDetail),
    )
)]
pub async fn read_me(CurrentUser(user): CurrentUser) -> Json<UserResponse> {
    Json(user.into())
}

/// One user.
#[utoipa::path(
    get, path = "/users/{user_id}", tag = "users",
    params(("user_id" = i64, Path, description = "The ID of the user")),
    responses(
        (status = 200, description = "The user", body = UserResponse),
        (status = 404, description = "User not found", body = ErrorDetail),
        (status = 422, description = "Validation error"),
    )
)]
pub async fn read_user(
    State(db): State<Db>,
    Path(user_id): Path<i64>,
) -> Result<Json<UserResponse>, ApiError> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| ApiError::not_found("User not found"))?;
    Ok(Json(UserRow::from_row(&row).or_500()?.into()))
}

/// The router, nested at `/users`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", post(create_user).get(list_users))
        .route("/me", get(read_me))
        .route("/{user_id}", get(read_user))
}
