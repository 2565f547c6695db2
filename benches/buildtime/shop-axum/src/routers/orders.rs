//! `/orders`: placing an order (stock decremented in the same transaction)
//! and reading the caller's orders.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::database::Db;
use crate::dependencies::{CurrentUser, ValidJson};
use crate::errors::{ApiError, AppError, AppErrorBody, ErrorDetail};
use crate::models::{format_time, now, OrderLineRow, OrderRow, ORDER_COLUMNS};
use crate::schemas::orders::{Address, Order, OrderCreate, OrderLine};
use crate::AppState;

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

/// Places an order. Lines are checked in order and the first failure
/// decides: an unknown or removed product is 404 `ITEM_NOT_FOUND`, short
/// stock 409 `INSUFFICIENT_INVENTORY`. Each line takes its units with one
/// conditional `UPDATE` inside the order's transaction, so the same product
/// on two lines is checked cumulatively and two orders racing for the last
/// unit cannot both get it.
#[utoipa::path(
    post, path = "/orders", tag = "orders",
    security(("OAuth2PasswordBearer" = [])),
    request_body = OrderCreate,
    responses(
        (status = 201, description = "The placed order", body = Order),
        (status = 401, description = "Not authenticated", body = ErrorDetail),
        (status = 404, description = "An item does not exist", body = AppErrorBody),
        (status = 409, description = "Not enough stock", body = AppErrorBody),
        (status = 422, description = "Validation error"),
    )
)]
pub async fn create_order(
    CurrentUser(user): CurrentUser,
    State(db): State<Db>,
    ValidJson(order): ValidJson<OrderCreate>,
) -> Result<(StatusCode, Json<Order>), ApiError> {
    let mut tx = db.begin_write().await?;
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
            return Err(match exists {
                None => AppError::item_not_found(line.product_id),
                Some(_) => AppError::insufficient_inventory(),
            }
            .into());
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
    .bind(user.id)
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
    Ok((StatusCode::CREATED, Json(to_order(placed, lines))))
}

/// The lines of the caller's orders (or of one of them), by order, in line
/// order.
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
#[utoipa::path(
    get, path = "/orders", tag = "orders",
    security(("OAuth2PasswordBearer" = [])),
    responses(
        (status = 200, description = "The caller's orders", body = [Order]),
        (status = 401, description = "Not authenticated", body = ErrorDetail),
    )
)]
pub async fn list_orders(
    CurrentUser(user): CurrentUser,
    State(db): State<Db>,
) -> Result<Json<Vec<Order>>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE user_id = $1 ORDER BY id"
    ))
    .bind(user.id)
    .fetch_all(&db.pool)
    .await?;
    let mut lines = lines_of(&db, user.id, None).await?;
    let orders = rows
        .iter()
        .map(|r| {
            let o = OrderRow::from_row(r)?;
            let l = lines.remove(&o.id).unwrap_or_default();
            Ok(to_order(o, l))
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(Json(orders))
}

/// One of the caller's orders; another user's order is "not found" too.
#[utoipa::path(
    get, path = "/orders/{order_id}", tag = "orders",
    security(("OAuth2PasswordBearer" = [])),
    params(("order_id" = i64, Path, description = "The ID of the order")),
    responses(
        (status = 200, description = "The order", body = Order),
        (status = 401, description = "Not authenticated", body = ErrorDetail),
        (status = 404, description = "Order not found", body = ErrorDetail),
        (status = 422, description = "Validation error"),
    )
)]
pub async fn read_order(
    CurrentUser(user): CurrentUser,
    State(db): State<Db>,
    Path(order_id): Path<i64>,
) -> Result<Json<Order>, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1 AND user_id = $2"
    ))
    .bind(order_id)
    .bind(user.id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| ApiError::not_found("Order not found"))?;
    let o = OrderRow::from_row(&row)?;
    let lines = lines_of(&db, user.id, Some(o.id))
        .await?
        .remove(&o.id)
        .unwrap_or_default();
    Ok(Json(to_order(o, lines)))
}

/// The router, nested at `/orders`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", post(create_order).get(list_orders))
        .route("/{order_id}", get(read_order))
}
