//! `/admin`: statistics, behind the API key (a router-level dependency,
//! checked before the token) and a bearer token.

use fastrs::prelude::*;

use crate::dependencies::{get_current_user, get_db, verify_api_key};
use crate::errors::OrInternal;
use crate::schemas::auth::Stats;

/// Counts users, items (removed ones included) and orders.
#[get("/stats")]
pub async fn admin_stats(
    _user: Depends<get_current_user>,
    db: Depends<get_db>,
) -> Result<Stats, HttpError> {
    let (total_users, total_items, total_orders): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM items), (SELECT COUNT(*) FROM orders)",
    )
    .fetch_one(&db.pool)
    .await
    .or_500()?;
    Ok(Stats {
        total_users,
        total_items,
        total_orders,
    })
}

/// The router: prefix `/admin`, tag `admin`, the API key required.
pub fn router() -> Router {
    Router::new()
        .prefix("/admin")
        .tag("admin")
        .dependency::<verify_api_key>()
        .route(admin_stats)
}
