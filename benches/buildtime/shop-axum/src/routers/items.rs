//! `/items`: the catalogue. Removing an item is a soft delete.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::database::Db;
use crate::dependencies::{CurrentUser, ValidJson, ValidQuery};
use crate::errors::{ApiError, ErrorDetail, OrInternal};
use crate::models::{ItemRow, ITEM_COLUMNS};
use crate::schemas::items::{Item, ItemCreate, ItemQuery};
use crate::AppState;

/// Adds an item (any signed-in user).
#[utoipa::path(
    post, path = "/items", tag = "items",
    security(("OAuth2PasswordBearer" = [])),
    request_body = ItemCreate,
    responses(
        (status = 201, description = "The new item", body = Item),
        (status = 401, description = "Not authenticated", body = ErrorDetail),
        (status = 422, description = "Validation error"),
    )
)]
pub async fn create_item(
    _user: CurrentUser,
    State(db): State<Db>,
    ValidJson(item): ValidJson<ItemCreate>,
) -> Result<(StatusCode, Json<Item>), ApiError> {
    let row = sqlx::query(&format!(
        "INSERT INTO items (name, description, price, stock, is_active) \
         VALUES ($1, $2, $3, $4, TRUE) RETURNING {ITEM_COLUMNS}"
    ))
    .bind(item.name)
    .bind(item.description)
    .bind(item.price)
    .bind(item.stock)
    .fetch_one(&db.pool)
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(ItemRow::from_row(&row).or_500()?.into()),
    ))
}

/// How many rows a search reads from the database at a time.
const SEARCH_BATCH: i64 = 256;

/// Lists the active items by id; `search` keeps those whose name contains
/// it, case-insensitively (a literal substring: `%` and `_` are not
/// wildcards).
#[utoipa::path(
    get, path = "/items", tag = "items",
    params(ItemQuery),
    responses(
        (status = 200, description = "The active items", body = [Item]),
        (status = 422, description = "Validation error"),
    )
)]
pub async fn list_items(
    State(db): State<Db>,
    ValidQuery(query): ValidQuery<ItemQuery>,
) -> Result<Json<Vec<Item>>, ApiError> {
    let ItemQuery {
        skip,
        limit,
        search,
    } = query;
    let Some(search) = search else {
        let rows = sqlx::query(&format!(
            "SELECT {ITEM_COLUMNS} FROM items WHERE is_active = TRUE ORDER BY id LIMIT $1 OFFSET $2"
        ))
        .bind(limit)
        .bind(skip)
        .fetch_all(&db.pool)
        .await?;
        return rows
            .iter()
            .map(|r| ItemRow::from_row(r).map(Item::from))
            .collect::<Result<_, _>>()
            .map(Json)
            .or_500();
    };
    // Case folding is done here, with Unicode's rules, the same on SQLite
    // (whose lower() only knows ASCII) and PostgreSQL (whose lower() depends
    // on the database's locale); the rows are read in id order, a batch at
    // a time, until the page is full.
    let needle = search.to_lowercase();
    let mut skipped = 0i64;
    let mut found = Vec::new();
    let mut after = 0i64;
    loop {
        let rows = sqlx::query(&format!(
            "SELECT {ITEM_COLUMNS} FROM items WHERE is_active = TRUE AND id > $1 ORDER BY id LIMIT $2"
        ))
        .bind(after)
        .bind(SEARCH_BATCH)
        .fetch_all(&db.pool)
        .await?;
        let batch_len = rows.len() as i64;
        for row in &rows {
            let item = ItemRow::from_row(row)?;
            after = item.id;
            if !item.name.to_lowercase().contains(&needle) {
                continue;
            }
            if skipped < skip {
                skipped += 1;
                continue;
            }
            found.push(Item::from(item));
            if found.len() as i64 >= limit {
                return Ok(Json(found));
            }
        }
        if batch_len < SEARCH_BATCH {
            return Ok(Json(found));
        }
    }
}

async fn fetch_item(db: &Db, item_id: i64) -> Result<Option<ItemRow>, ApiError> {
    let row = sqlx::query(&format!("SELECT {ITEM_COLUMNS} FROM items WHERE id = $1"))
        .bind(item_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| ItemRow::from_row(&r)).transpose()?)
}

/// One item: 404 if unknown, 410 if removed.
#[utoipa::path(
    get, path = "/items/{item_id}", tag = "items",
    params(("item_id" = i64, Path, minimum = 1, description = "The ID of the item")),
    responses(
        (status = 200, description = "The item", body = Item),
        (status = 404, description = "Item not found", body = ErrorDetail),
        (status = 410, description = "Item has been removed", body = ErrorDetail),
        (status = 422, description = "Validation error"),
    )
)]
pub async fn read_item(
    State(db): State<Db>,
    Path(item_id): Path<i64>,
) -> Result<Json<Item>, ApiError> {
    if item_id < 1 {
        return Err(ApiError::invalid_value(
            &["path", "item_id"],
            "greater_than_equal",
            "Input should be greater than or equal to 1".into(),
        ));
    }
    match fetch_item(&db, item_id).await? {
        None => Err(ApiError::not_found("Item not found")),
        Some(item) if !item.is_active => {
            Err(ApiError::http(StatusCode::GONE, "Item has been removed"))
        }
        Some(item) => Ok(Json(item.into())),
    }
}

/// Removes an item (soft delete: it answers 410 from then on). Removing it
/// again is not an error.
#[utoipa::path(
    delete, path = "/items/{item_id}", tag = "items",
    security(("OAuth2PasswordBearer" = [])),
    params(("item_id" = i64, Path, description = "The ID of the item")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not authenticated", body = ErrorDetail),
        (status = 404, description = "Item not found", body = ErrorDetail),
    )
)]
pub async fn delete_item(
    _user: CurrentUser,
    State(db): State<Db>,
    Path(item_id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let done = sqlx::query("UPDATE items SET is_active = FALSE WHERE id = $1")
        .bind(item_id)
        .execute(&db.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::not_found("Item not found"));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The router, nested at `/items`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", post(create_item).get(list_items))
        .route("/{item_id}", get(read_item).delete(delete_item))
}
