//! `/orders`: placing an order (stock decremented in the same transaction)
//! and reading the caller's orders.

use std::collections::HashMap;

use fastrs::prelude::*;

use crate::database::{Backend, Db};
use crate::dependencies::{get_current_user, get_db};
use crate::errors::{ApiError, AppError, AppErrorBody};
use crate::models::{format_time, now, OrderLineRow, OrderRow, ORDER_COLUMNS};
use crate::schemas::orders::{Address, Order, OrderCreate, OrderLine};

fn to_order(o: OrderRow, lines: Vec<OrderLine>) -> Order {
    Order {
        id: o.id,
        user_id: o.user_id,
        items: lines,
        total: o.total,
        item_count: o.item_count,
        shipping_address: Address {
            street: o.street,
            city: o.city,
            country: o.country,
            zip_code: o.zip_code,
        },
        notes: o.notes,
        created_at: o.created_at,
    }
}

/// How many times an order is tried when the database aborts it for a
/// deadlock or a serialization failure (then 500).
const ORDER_ATTEMPTS: u32 = 5;

/// Whether `e` aborted the transaction for a reason a retry can cure:
/// PostgreSQL's `40001` (serialization failure) and `40P01` (deadlock),
/// SQLite's `SQLITE_BUSY` (5, 517) and `SQLITE_LOCKED` (6).
fn is_retryable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => matches!(
            db.code().as_deref(),
            Some("40001" | "40P01" | "5" | "6" | "517")
        ),
        _ => false,
    }
}

/// Places an order. Lines are checked in order and the first failure
/// decides: an unknown or removed product is 404 `ITEM_NOT_FOUND`, short
/// stock 409 `INSUFFICIENT_INVENTORY`. Each line takes its units with one
/// conditional `UPDATE` inside the order's transaction, so the same product
/// on two lines is checked cumulatively and two orders racing for the last
/// unit cannot both get it. The product rows are locked first in id order,
/// so two orders naming the same products in another order do not
/// deadlock; a transaction the database aborts anyway (deadlock,
/// serialization failure, busy) is tried again, up to [`ORDER_ATTEMPTS`]
/// times.
#[post(
    "",
    status_code = 201,
    responses(
        400 = (HttpError, "There was an error parsing the body"),
        404 = (AppErrorBody, "An order line names an unknown or removed item"),
        409 = (AppErrorBody, "Not enough stock for this order")
    )
)]
pub async fn create_order(
    order: OrderCreate,
    user: Depends<get_current_user>,
    db: Depends<get_db>,
) -> Result<Order, ApiError> {
    let mut attempt = 1;
    loop {
        match place_order(&db, user.id, &order).await {
            Ok(placed) => return placed.map_err(ApiError::from),
            Err(e) if attempt < ORDER_ATTEMPTS && is_retryable(&e) => {
                tracing::debug!("order attempt {attempt} aborted, trying again: {e}");
                // A short, growing pause lets the other transaction finish.
                tokio::time::sleep(std::time::Duration::from_millis(5 << attempt)).await;
                attempt += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// One attempt at an order: `Ok(Err(_))` is the order's own failure (404,
/// 409), `Err(_)` the database's.
async fn place_order(
    db: &Db,
    user_id: i64,
    order: &OrderCreate,
) -> Result<Result<Order, AppError>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    if db.backend == Backend::Postgres {
        // Lock the rows in one global order (SQLite's BEGIN IMMEDIATE has
        // already taken the whole database).
        let mut ids: Vec<i64> = order.items.iter().map(|l| l.product_id).collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            sqlx::query("SELECT id FROM items WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        }
    }
    let mut lines = Vec::with_capacity(order.items.len());
    let mut total = 0.0f64;
    let mut item_count = 0i64;
    for line in &order.items {
        let price: Option<f64> = sqlx::query_scalar(
            "UPDATE items SET stock = stock - $1 \
             WHERE id = $2 AND is_active = TRUE AND stock >= $1 RETURNING price",
        )
        .bind(line.quantity)
        .bind(line.product_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(unit_price) = price else {
            // Nothing taken: say why. The transaction is rolled back on drop.
            let exists = sqlx::query("SELECT id FROM items WHERE id = $1 AND is_active = TRUE")
                .bind(line.product_id)
                .fetch_optional(&mut *tx)
                .await?;
            return Ok(Err(match exists {
                None => AppError::item_not_found(line.product_id),
                Some(_) => AppError::insufficient_inventory(),
            }));
        };
        total += unit_price * line.quantity as f64;
        item_count = item_count.saturating_add(line.quantity);
        lines.push(OrderLine {
            product_id: line.product_id,
            quantity: line.quantity,
            unit_price,
        });
    }
    let address = &order.shipping_address;
    let row = sqlx::query(&format!(
        "INSERT INTO orders (user_id, total, item_count, street, city, country, zip_code, notes, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {ORDER_COLUMNS}"
    ))
    .bind(user_id)
    .bind(total)
    .bind(item_count)
    .bind(&address.street)
    .bind(&address.city)
    .bind(&address.country)
    .bind(&address.zip_code)
    .bind(&order.notes)
    .bind(format_time(now()))
    .fetch_one(&mut *tx)
    .await?;
    let placed = OrderRow::from_row(&row)?;
    for (n, line) in lines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(placed.id)
        .bind(n as i64)
        .bind(line.product_id)
        .bind(line.quantity)
        .bind(line.unit_price)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(to_order(placed, lines)))
}

/// The lines of the orders `ids`, by order, in line order.
async fn lines_of(
    db: &Db,
    user_id: i64,
    order_id: Option<i64>,
) -> Result<HashMap<i64, Vec<OrderLine>>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT l.order_id, l.product_id, l.quantity, l.unit_price \
         FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE o.user_id = $1 AND ($2 = 0 OR o.id = $2) ORDER BY l.order_id, l.line_no",
    )
    .bind(user_id)
    .bind(order_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?;
    let mut by_order: HashMap<i64, Vec<OrderLine>> = HashMap::new();
    for row in &rows {
        let l = OrderLineRow::from_row(row)?;
        by_order.entry(l.order_id).or_default().push(OrderLine {
            product_id: l.product_id,
            quantity: l.quantity,
            unit_price: l.unit_price,
        });
    }
    Ok(by_order)
}

/// The caller's orders, by id.
#[get("", response_model = Vec<Order>)]
pub async fn list_orders(
    user: Depends<get_current_user>,
    db: Depends<get_db>,
) -> Result<Vec<Order>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE user_id = $1 ORDER BY id"
    ))
    .bind(user.id)
    .fetch_all(&db.pool)
    .await?;
    let mut lines = lines_of(&db, user.id, None).await?;
    rows.iter()
        .map(|r| {
            let o = OrderRow::from_row(r)?;
            let l = lines.remove(&o.id).unwrap_or_default();
            Ok(to_order(o, l))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(ApiError::from)
}

/// One of the caller's orders; another user's order is "not found" too.
#[get("/{order_id}", responses(404 = (HttpError, "Order not found")))]
pub async fn read_order(
    order_id: i64,
    user: Depends<get_current_user>,
    db: Depends<get_db>,
) -> Result<Order, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1 AND user_id = $2"
    ))
    .bind(order_id)
    .bind(user.id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| HttpError::new(404, "Order not found"))?;
    let o = OrderRow::from_row(&row)?;
    let lines = lines_of(&db, user.id, Some(o.id))
        .await?
        .remove(&o.id)
        .unwrap_or_default();
    Ok(to_order(o, lines))
}

/// The router: prefix `/orders`, tag `orders`.
pub fn router() -> Router {
    Router::new()
        .prefix("/orders")
        .tag("orders")
        .route(create_order)
        .route(list_orders)
        .route(read_order)
}
