//! The load benchmark's axum 0.8 server: serde + validator (derive), on a
//! single-threaded tokio runtime. A body that fails validation answers 422
//! with a JSON list of every failed field, like the other peers; a body that
//! does not deserialize gets axum's own rejection (422 text / 400).

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

#[derive(Deserialize, Validate)]
struct UserCreate {
    #[validate(length(min = 1, max = 100))]
    name: String,
    #[validate(email)]
    email: String,
    #[validate(range(min = 0, max = 150))]
    age: i64,
    bio: Option<String>,
    #[validate(length(min = 8, max = 128))]
    password: String,
}

#[derive(Serialize)]
struct UserOut {
    id: i64,
    name: String,
    email: String,
    age: i64,
    bio: Option<String>,
}

// Serialize: validator's `length` records the list's value in its error.
#[derive(Deserialize, Serialize, Validate)]
struct OrderItem {
    #[validate(range(min = 1))]
    product_id: i64,
    #[validate(range(exclusive_min = 0))]
    quantity: i64,
}

#[derive(Deserialize, Validate)]
#[allow(dead_code)]
struct Address {
    street: String,
    city: String,
    country: String,
    zip_code: String,
}

#[derive(Deserialize, Validate)]
#[allow(dead_code)]
struct OrderCreate {
    #[validate(length(min = 1), nested)]
    items: Vec<OrderItem>,
    #[validate(nested)]
    shipping_address: Address,
    notes: Option<String>,
}

#[derive(Serialize)]
struct OrderOut {
    item_count: i64,
    total_lines: usize,
}

#[derive(Deserialize, Validate)]
struct ItemQuery {
    q: Option<String>,
    #[serde(default)]
    #[validate(range(min = 0))]
    skip: i64,
    #[serde(default = "default_limit")]
    #[validate(range(max = 100))]
    limit: i64,
}

fn default_limit() -> i64 {
    20
}

#[derive(Serialize)]
struct ItemOut {
    item_id: i64,
    q: Option<String>,
    skip: i64,
    limit: i64,
}

/// Flattens validator's nested errors into a list of {loc, msg, type}.
fn flatten(errors: &ValidationErrors, loc: &mut Vec<Value>, out: &mut Vec<Value>) {
    for (field, kind) in errors.errors() {
        loc.push(json!(field));
        match kind {
            ValidationErrorsKind::Field(errs) => {
                for e in errs {
                    out.push(json!({"loc": loc.clone(), "type": e.code, "params": e.params}));
                }
            }
            ValidationErrorsKind::Struct(inner) => flatten(inner, loc, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    loc.push(json!(i));
                    flatten(inner, loc, out);
                    loc.pop();
                }
            }
        }
        loc.pop();
    }
}

fn unprocessable(errors: Vec<Value>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "detail": errors })),
    )
        .into_response()
}

fn invalid(source: &str, errors: ValidationErrors) -> Response {
    let mut out = Vec::new();
    flatten(&errors, &mut vec![json!(source)], &mut out);
    unprocessable(out)
}

async fn read_root() -> Json<Value> {
    Json(json!({"message": "Hello, World"}))
}

async fn read_item(Path(item_id): Path<i64>, Query(query): Query<ItemQuery>) -> Response {
    let errors = match query.validate() {
        Ok(()) => ValidationErrors::new(),
        Err(e) => e,
    };
    let mut out = Vec::new();
    if item_id < 1 {
        out.push(json!({"loc": ["path", "item_id"], "type": "range", "params": {"min": 1, "value": item_id}}));
    }
    flatten(&errors, &mut vec![json!("query")], &mut out);
    if !out.is_empty() {
        return unprocessable(out);
    }
    Json(ItemOut {
        item_id,
        q: query.q,
        skip: query.skip,
        limit: query.limit,
    })
    .into_response()
}

async fn create_user(Json(user): Json<UserCreate>) -> Response {
    if let Err(e) = user.validate() {
        return invalid("body", e);
    }
    let out = UserOut {
        id: 1,
        name: user.name,
        email: user.email,
        age: user.age,
        bio: user.bio,
    };
    (StatusCode::CREATED, Json(out)).into_response()
}

async fn create_order(Json(order): Json<OrderCreate>) -> Response {
    if let Err(e) = order.validate() {
        return invalid("body", e);
    }
    Json(OrderOut {
        item_count: order.items.iter().map(|i| i.quantity).sum(),
        total_lines: order.items.len(),
    })
    .into_response()
}

fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8000);
    let app = Router::new()
        .route("/", get(read_root))
        .route("/items/{item_id}", get(read_item))
        .route("/users", post(create_user))
        .route("/orders", post(create_order));
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
            axum::serve(listener, app).await
        })
}
