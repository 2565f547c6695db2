//! `/admin`: statistics, behind the API key (a middleware on this router,
//! checked before the token) and a bearer token.

use axum::extract::State;
use axum::middleware;
use axum::routing::get;
use axum::{Json, Router};

use crate::database::Db;
use crate::dependencies::{verify_api_key, CurrentUser};
use crate::errors::{ApiError, ErrorDetail};
use crate::schemas::auth::Stats;
use crate::AppState;

/// Counts users, items (removed ones included) and orders.
#[utoipa::path(
    get, path = "/admin/stats", tag = "admin",
    security(("OAuth2PasswordBearer" = [])),
    params(("x-api-key" = String, Header, description = "The admin API key")),
    responses(
        (status = 200, description = "The counts", body = Stats),
        (status = 401, description = "Not authenticated", body = ErrorDetail),
        (status = 403, description = "Invalid API key", body = ErrorDetail),
        (status = 422, description = "Validation error"),
    )
)]
pub async fn admin_stats(
    _user: CurrentUser,
    State(db): State<Db>,
) -> Result<Json<Stats>, ApiError> {
    let (total_users, total_items, total_orders): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM items), (SELECT COUNT(*) FROM orders)",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok(Json(Stats {
        total_users,
        total_items,
        total_orders,
    }))
}

/// The router, nested at `/admin`: the API key required on every route.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/stats", get(admin_stats))
        .route_layer(middleware::from_fn_with_state(state, verify_api_key))
}
