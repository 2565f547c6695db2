//! Orders: the article's nested models.

use fastrs::chrono::{DateTime, Utc};
use fastrs::prelude::*;

/// A shipping address: every field required.
#[derive(Model, Debug, Clone)]
pub struct Address {
    pub street: String,
    pub city: String,
    pub country: String,
    pub zip_code: String,
}

/// One line of a new order.
#[derive(Model, Debug, Clone)]
pub struct OrderItem {
    #[field(ge = 1)]
    pub product_id: i64,
    #[field(gt = 0)]
    pub quantity: i64,
}

/// A new order: `POST /orders`.
#[derive(Model, Debug, Clone)]
pub struct OrderCreate {
    #[field(min_length = 1)]
    pub items: Vec<OrderItem>,
    pub shipping_address: Address,
    pub notes: Option<String>,
}

/// One line of a placed order, with the price it was sold at.
#[derive(Model, Debug, Clone)]
pub struct OrderLine {
    pub product_id: i64,
    pub quantity: i64,
    pub unit_price: f64,
}

/// A placed order.
#[derive(Model, Debug, Clone)]
pub struct Order {
    pub id: i64,
    pub user_id: i64,
    pub items: Vec<OrderLine>,
    /// The float sum of `unit_price * quantity`, in line order.
    pub total: f64,
    /// The sum of the quantities.
    pub item_count: i64,
    pub shipping_address: Address,
    // Always present, `null` when empty (required and nullable, as
    // Pydantic's `str | None` without a default).
    #[field(required)]
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
}
