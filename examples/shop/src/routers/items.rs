//! `/items`: the catalogue. Removing an item is a soft delete.

use fastrs::prelude::*;

use crate::dependencies::{get_current_user, get_db};
use crate::errors::OrInternal;
use crate::models::{ItemRow, ITEM_COLUMNS};
use crate::schemas::items::{Item, ItemCreate};

/// Adds an item (any signed-in user).
#[post(
    "",
    status_code = 201,
    responses(400 = (HttpError, "There was an error parsing the body"))
)]
pub async fn create_item(
    item: ItemCreate,
    _user: Depends<get_current_user>,
    db: Depends<get_db>,
) -> Result<Item, HttpError> {
    let row = sqlx::query(&format!(
        "INSERT INTO items (name, description, price, stock, is_active) \
         VALUES ($1, $2, $3, $4, TRUE) RETURNING {ITEM_COLUMNS}"
    ))
    .bind(item.name)
    .bind(item.description)
    .bind(item.price)
    .bind(item.stock)
    .fetch_one(&db.pool)
    .await
    .or_500()?;
    Ok(ItemRow::from_row(&row).or_500()?.into())
}

/// How many rows a search reads from the database at a time.
const SEARCH_BATCH: i64 = 256;

/// Lists the active items by id; `search` keeps those whose name contains
/// it, case-insensitively (a literal substring: `%` and `_` are not
/// wildcards).
#[get("", response_model = Vec<Item>)]
pub async fn list_items(
    #[query(default = 0, ge = 0)] skip: i64,
    #[query(default = 20, ge = 1, le = 100)] limit: i64,
    #[query(min_length = 1)] search: Option<String>,
    db: Depends<get_db>,
) -> Result<Vec<Item>, HttpError> {
    let Some(search) = search else {
        let rows = sqlx::query(&format!(
            "SELECT {ITEM_COLUMNS} FROM items WHERE is_active = TRUE ORDER BY id LIMIT $1 OFFSET $2"
        ))
        .bind(limit)
        .bind(skip)
        .fetch_all(&db.pool)
        .await
        .or_500()?;
        return rows
            .iter()
            .map(|r| ItemRow::from_row(r).map(Item::from))
            .collect::<Result<_, _>>()
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
        .await
        .or_500()?;
        let batch_len = rows.len() as i64;
        for row in &rows {
            let item = ItemRow::from_row(row).or_500()?;
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
                return Ok(found);
            }
        }
        if batch_len < SEARCH_BATCH {
            return Ok(found);
        }
    }
}

async fn fetch_item(db: &crate::database::Db, item_id: i64) -> Result<Option<ItemRow>, HttpError> {
    let row = sqlx::query(&format!("SELECT {ITEM_COLUMNS} FROM items WHERE id = $1"))
        .bind(item_id)
        .fetch_optional(&db.pool)
        .await
        .or_500()?;
    row.map(|r| ItemRow::from_row(&r)).transpose().or_500()
}

/// One item: 404 if unknown, 410 if removed.
#[get(
    "/{item_id}",
    responses(404 = (HttpError, "Item not found"), 410 = (HttpError, "Item has been removed"))
)]
pub async fn read_item(
    #[path(ge = 1, description = "The ID of the item")] item_id: i64,
    db: Depends<get_db>,
) -> Result<Item, HttpError> {
    match fetch_item(&db, item_id).await? {
        None => Err(HttpError::new(404, "Item not found")),
        Some(item) if !item.is_active => Err(HttpError::new(410, "Item has been removed")),
        Some(item) => Ok(item.into()),
    }
}

/// Removes an item (soft delete: it answers 410 from then on). Removing it
/// again is not an error.
#[delete(
    "/{item_id}",
    status_code = 204,
    responses(404 = (HttpError, "Item not found"))
)]
pub async fn delete_item(
    item_id: i64,
    _user: Depends<get_current_user>,
    db: Depends<get_db>,
) -> Result<NoContent, HttpError> {
    let done = sqlx::query("UPDATE items SET is_active = FALSE WHERE id = $1")
        .bind(item_id)
        .execute(&db.pool)
        .await
        .or_500()?;
    if done.rows_affected() == 0 {
        return Err(HttpError::new(404, "Item not found"));
    }
    Ok(NoContent)
}

/// The router: prefix `/items`, tag `items`.
pub fn router() -> Router {
    Router::new()
        .prefix("/items")
        .tag("items")
        .route(create_item)
        .route(list_items)
        .route(read_item)
        .route(delete_item)
}
