//! Items of the catalogue.

use fastrs::prelude::*;

use crate::models::ItemRow;

/// A new item: `POST /items`.
#[derive(Model, Debug, Clone)]
pub struct ItemCreate {
    #[field(min_length = 1, max_length = 100)]
    pub name: String,
    pub description: Option<String>,
    #[field(gt = 0)]
    pub price: f64,
    #[field(default = 0, ge = 0)]
    pub stock: i64,
}

/// An item as the API shows it.
#[derive(Model, Debug, Clone)]
pub struct Item {
    pub id: i64,
    pub name: String,
    // Always present, `null` when empty (required and nullable, as
    // Pydantic's `str | None` without a default).
    #[field(required)]
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
