//! The API's shapes (the article's `schemas/`): Pydantic-style models whose
//! constraints validate requests and appear in the OpenAPI document.

pub mod auth;
pub mod items;
pub mod orders;
pub mod users;
