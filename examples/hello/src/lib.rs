//! The first page of the FastAPI article, in Rust:
//!
//! ```python
//! @app.get("/")
//! def read_root():
//!     return {"message": "Hello, World"}
//!
//! @app.get("/items/{item_id}")
//! def read_item(item_id: int, q: str | None = None):
//!     return {"item_id": item_id, "query": q}
//! ```

use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};

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

/// The app: both routes.
pub fn app() -> App {
    App::new()
        .title("Hello")
        .version("1.0.0")
        .route(read_root)
        .route(read_item)
}
