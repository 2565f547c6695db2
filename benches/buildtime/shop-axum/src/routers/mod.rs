//! The article's `routers/`: one axum `Router` per resource, nested under
//! its prefix in `lib.rs`, its operations tagged in the OpenAPI document.

pub mod admin;
pub mod auth;
pub mod items;
pub mod orders;
pub mod users;
