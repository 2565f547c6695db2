//! Tokens, the login form and the admin statistics.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What `POST /auth/token` answers (OAuth2's token response).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Token {
    pub access_token: String,
    /// Always `"bearer"`.
    pub token_type: String,
}

/// FastAPI's `OAuth2PasswordRequestForm` (urlencoded): the username is the
/// email.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TokenForm {
    pub username: String,
    pub password: String,
    /// `password` when given.
    #[serde(default)]
    #[schema(pattern = "^password$")]
    pub grant_type: Option<String>,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub client_secret: Option<String>,
}

/// `GET /admin/stats`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Stats {
    pub total_users: i64,
    /// Removed items included.
    pub total_items: i64,
    pub total_orders: i64,
}
