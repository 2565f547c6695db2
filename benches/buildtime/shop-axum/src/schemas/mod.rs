//! The API's shapes (the article's `schemas/`): serde models whose
//! validator constraints check requests and whose utoipa attributes put the
//! same constraints in the OpenAPI document.

pub mod auth;
pub mod items;
pub mod orders;
pub mod users;
