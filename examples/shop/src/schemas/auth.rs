//! Tokens and the admin statistics.

use fastrs::prelude::*;

/// What `POST /auth/token` answers (OAuth2's token response).
#[derive(Model, Debug, Clone)]
pub struct Token {
    pub access_token: String,
    /// Always `"bearer"`.
    pub token_type: String,
}

/// `GET /admin/stats`.
#[derive(Model, Debug, Clone)]
pub struct Stats {
    pub total_users: i64,
    /// Removed items included.
    pub total_items: i64,
    pub total_orders: i64,
}
