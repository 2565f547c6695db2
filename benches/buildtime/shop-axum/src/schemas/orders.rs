//! Orders: the article's nested models.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// A shipping address: every field required.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
pub struct Address {
    pub street: String,
    pub city: String,
    pub country: String,
    pub zip_code: String,
}

/// One line of a new order.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
pub struct OrderItem {
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub product_id: i64,
    #[validate(range(exclusive_min = 0))]
    #[schema(exclusive_minimum = 0)]
    pub quantity: i64,
}

/// A new order: `POST /orders`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct OrderCreate {
    #[validate(length(min = 1), nested)]
    #[schema(min_items = 1)]
    pub items: Vec<OrderItem>,
    #[validate(nested)]
    pub shipping_address: Address,
    #[serde(default)]
    pub notes: Option<String>,
}

/// One line of a placed order, with the price it was sold at.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderLine {
    pub product_id: i64,
    pub quantity: i64,
    pub unit_price: f64,
}

/// A placed order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Order {
    pub id: i64,
    pub user_id: i64,
    pub items: Vec<OrderLine>,
    /// The float sum of `unit_price * quantity`, in line order.
    pub total: f64,
    /// The sum of the quantities.
    pub item_count: i64,
    pub shipping_address: Address,
    /// Always present, `null` when empty.
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
}
