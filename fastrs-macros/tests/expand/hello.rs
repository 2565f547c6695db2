// The routes of examples/hello (the article's first page).

/// Greets the world.
#[get("/")]
pub async fn read_root() -> Json<Value> {
    Json(json!({"message": "Hello, World"}))
}

/// Reads one item; `item_id` must be an integer (else 422), `q` is optional.
#[get("/items/{item_id}")]
pub async fn read_item(item_id: i64, q: Option<String>) -> Json<Value> {
    Json(json!({"item_id": item_id, "query": q}))
}
