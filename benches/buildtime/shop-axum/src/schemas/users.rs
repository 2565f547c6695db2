//! Users: what a client sends to register, and what it gets back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::models::UserRow;

/// A registration: `POST /users`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct UserCreate {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Validated, and stored with its domain lower-cased.
    #[validate(email)]
    #[schema(format = Email)]
    pub email: String,
    #[validate(range(min = 0, max = 150))]
    #[schema(minimum = 0, maximum = 150)]
    pub age: i64,
    #[serde(default)]
    pub bio: Option<String>,
    #[validate(length(min = 8, max = 128))]
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
}

/// `email` as stored: surrounding spaces stripped, the domain lower-cased
/// (the local part kept), so `Jane@Example.COM` and `Jane@example.com` are
/// one user.
pub fn normalize_email(email: &str) -> String {
    let email = email.trim();
    match email.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
        None => email.to_owned(),
    }
}

/// A user as the API shows it: never the password or its hash.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub age: i64,
    /// Always present, `null` when empty.
    pub bio: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<UserRow> for UserResponse {
    fn from(u: UserRow) -> Self {
        UserResponse {
            id: u.id,
            name: u.name,
            email: u.email,
            age: u.age,
            bio: u.bio,
            created_at: u.created_at,
        }
    }
}

/// `?skip=0&limit=20`: the paging of every list.
#[derive(Debug, Clone, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    #[serde(default)]
    #[validate(range(min = 0))]
    #[param(minimum = 0, default = 0)]
    pub skip: i64,
    #[serde(default = "default_limit")]
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: i64,
}

fn default_limit() -> i64 {
    20
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(normalize_email(" Jane@Example.COM "), "Jane@example.com");
        assert_eq!(normalize_email("x"), "x");
    }
}
