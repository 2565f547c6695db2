//! Users: what a client sends to register, and what it gets back.

use fastrs::chrono::{DateTime, Utc};
use fastrs::prelude::*;

use crate::models::UserRow;

/// A registration: `POST /users`.
#[derive(Model, Debug, Clone)]
pub struct UserCreate {
    #[field(min_length = 1, max_length = 100)]
    pub name: String,
    /// Validated and normalised like Pydantic's `EmailStr` (domain lower-cased).
    pub email: Email,
    #[field(ge = 0, le = 150)]
    pub age: i64,
    pub bio: Option<String>,
    #[field(min_length = 8, max_length = 128)]
    pub password: String,
}

/// A user as the API shows it: never the password or its hash.
#[derive(Model, Debug, Clone)]
pub struct UserResponse {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub age: i64,
    // Always present, `null` when empty (required and nullable, as
    // Pydantic's `str | None` without a default).
    #[field(required)]
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
