//! Items of the catalogue.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::models::ItemRow;

/// A new item: `POST /items`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct ItemCreate {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[validate(range(exclusive_min = 0.0))]
    #[schema(exclusive_minimum = 0.0)]
    pub price: f64,
    #[serde(default)]
    #[validate(range(min = 0))]
    #[schema(minimum = 0, default = 0)]
    pub stock: i64,
}

/// An item as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Item {
    pub id: i64,
    pub name: String,
    /// Always present, `null` when empty.
    pub description: Option<String>,
    pub price: f64,
    pub stock: i64,
    pub is_active: bool,
}

impl From<ItemRow> for Item {
    fn from(i: ItemRow) -> Self {
        Item {
            id: i.id,
            name: i.name,
            description: i.description,
            price: i.price,
            stock: i.stock,
            is_active: i.is_active,
        }
    }
}

/// `GET /items?skip=0&limit=20&search=`.
#[derive(Debug, Clone, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    #[serde(default)]
    #[validate(range(min = 0))]
    #[param(minimum = 0, default = 0)]
    pub skip: i64,
    #[serde(default = "default_limit")]
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: i64,
    /// A case-insensitive substring of the name.
    #[validate(length(min = 1))]
    #[param(min_length = 1)]
    pub search: Option<String>,
}

fn default_limit() -> i64 {
    20
}
