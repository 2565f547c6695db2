//! The stored rows (the article's `models.py`): what the tables hold, read
//! from sqlx rows. The API's shapes are in [`crate::schemas`]; a row never
//! leaves the app as is (a user's password hash stays here).

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

/// The columns [`UserRow::from_row`] reads.
pub const USER_COLUMNS: &str = "id, name, email, age, bio, password_hash, created_at";
/// The columns [`ItemRow::from_row`] reads.
pub const ITEM_COLUMNS: &str = "id, name, description, price, stock, is_active";
/// The columns [`OrderRow::from_row`] reads.
pub const ORDER_COLUMNS: &str =
    "id, user_id, total, item_count, street, city, country, zip_code, notes, created_at";

/// A row of `users`.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub age: i64,
    pub bio: Option<String>,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

/// A row of `items`.
#[derive(Debug, Clone)]
pub struct ItemRow {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub price: f64,
    pub stock: i64,
    pub is_active: bool,
}

/// A row of `orders`.
#[derive(Debug, Clone)]
pub struct OrderRow {
    pub id: i64,
    pub user_id: i64,
    pub total: f64,
    pub item_count: i64,
    pub street: String,
    pub city: String,
    pub country: String,
    pub zip_code: String,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A row of `order_lines`.
#[derive(Debug, Clone)]
pub struct OrderLineRow {
    pub order_id: i64,
    pub product_id: i64,
    pub quantity: i64,
    pub unit_price: f64,
}

/// How times are stored: RFC 3339 in UTC with microseconds (as Python's
/// `datetime.isoformat()` keeps them), the same text on both backends.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The current time, at the precision it is stored with.
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    parse_time(&format_time(t)).unwrap_or(t)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn time(row: &AnyRow, column: &str) -> Result<DateTime<Utc>, sqlx::Error> {
    let text: String = row.try_get(column)?;
    parse_time(&text).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("not an RFC 3339 time: {text:?}").into(),
    })
}

/// A boolean column: BOOLEAN on PostgreSQL, INTEGER 0/1 on SQLite.
fn flag(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    match row.try_get::<bool, _>(column) {
        Ok(b) => Ok(b),
        Err(_) => Ok(row.try_get::<i64, _>(column)? != 0),
    }
}

impl UserRow {
    /// Reads the [`USER_COLUMNS`].
    ///
    /// # Errors
    /// A missing column or a value of the wrong type.
    pub fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(UserRow {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            email: row.try_get("email")?,
            age: row.try_get("age")?,
            bio: row.try_get("bio")?,
            password_hash: row.try_get("password_hash")?,
            created_at: time(row, "created_at")?,
        })
    }
}

impl ItemRow {
    /// Reads the [`ITEM_COLUMNS`].
    ///
    /// # Errors
    /// A missing column or a value of the wrong type.
    pub fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(ItemRow {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            description: row.try_get("description")?,
            price: row.try_get("price")?,
            stock: row.try_get("stock")?,
            is_active: flag(row, "is_active")?,
        })
    }
}

impl OrderRow {
    /// Reads the [`ORDER_COLUMNS`].
    ///
    /// # Errors
    /// A missing column or a value of the wrong type.
    pub fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(OrderRow {
            id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            total: row.try_get("total")?,
            item_count: row.try_get("item_count")?,
            street: row.try_get("street")?,
            city: row.try_get("city")?,
            country: row.try_get("country")?,
            zip_code: row.try_get("zip_code")?,
            notes: row.try_get("notes")?,
            created_at: time(row, "created_at")?,
        })
    }
}

impl OrderLineRow {
    /// Reads `order_id, product_id, quantity, unit_price`.
    ///
    /// # Errors
    /// A missing column or a value of the wrong type.
    pub fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(OrderLineRow {
            order_id: row.try_get("order_id")?,
            product_id: row.try_get("product_id")?,
            quantity: row.try_get("quantity")?,
            unit_price: row.try_get("unit_price")?,
        })
    }
}
