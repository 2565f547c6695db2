//! The article's `routers/`: one `Router` per resource, with its prefix and tag.

pub mod admin;
pub mod auth;
pub mod items;
pub mod orders;
pub mod users;
