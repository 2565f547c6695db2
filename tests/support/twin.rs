//! The FastAPI twin app (`tests/fastapi_twin/app.py`) declared with fastrs,
//! shared by the request comparison and the OpenAPI comparison.

use fastrs::chrono::{DateTime, Utc};
use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};

#[derive(Model, Debug)]
#[model(rename_all = "lowercase")]
enum Color {
    Red,
    Green,
    Blue,
}

#[derive(Model, Debug)]
struct Address {
    street: String,
    city: String,
    country: String,
    zip_code: String,
}

#[derive(Model, Debug)]
struct OrderItem {
    #[field(ge = 1)]
    product_id: i64,
    #[field(gt = 0)]
    quantity: i64,
}

#[derive(Model, Debug)]
struct OrderCreate {
    #[field(min_length = 1)]
    items: Vec<OrderItem>,
    shipping_address: Address,
    notes: Option<String>,
}

#[derive(Model, Debug)]
struct UserCreate {
    #[field(min_length = 1, max_length = 100)]
    name: String,
    email: Email,
    #[field(ge = 0, le = 150)]
    age: i64,
    bio: Option<String>,
    #[field(min_length = 8, max_length = 128)]
    password: String,
}

#[derive(Model, Debug)]
struct Product {
    #[field(min_length = 2, max_length = 20, pattern = "^[a-z ]+$")]
    name: String,
    #[field(gt = 0, lt = 10000)]
    price: f64,
    #[field(default = 1, multiple_of = 5)]
    quantity: i64,
    #[field(default = 1.0, ge = 0.5, le = 100.0)]
    weight: f64,
    #[field(default, max_length = 3)]
    tags: Vec<String>,
    #[field(default = Color::Red)]
    color: Color,
    #[field(default = true)]
    in_stock: bool,
    released: Option<DateTime<Utc>>,
    rating: Option<f64>,
}

#[get("/")]
fn read_root() -> Json<Value> {
    Json(json!({"message": "Hello, World"}))
}

#[get("/items/{item_id}")]
async fn read_item(item_id: i64, q: Option<String>) -> Json<Value> {
    Json(json!({"item_id": item_id, "query": q}))
}

#[allow(clippy::too_many_arguments)]
#[get("/search/{item_id}", name = "search")]
async fn search_items(
    #[path(ge = 1, description = "The ID of the item")] item_id: i64,
    #[query(default = 0, ge = 0)] skip: i64,
    #[query(default = 20, le = 100)] limit: i64,
    #[query(min_length = 1, max_length = 10)] search: Option<String>,
    #[query(pattern = "^[A-Z]{3}$")] code: Option<String>,
    #[query(default = 1.0, gt = 0, le = 10)] ratio: f64,
    #[query(default = 10, multiple_of = 5)] step: i64,
    #[query(default = false)] flag: bool,
    #[query] color: Option<Color>,
    tags: Vec<String>,
    ids: Vec<i64>,
    #[header] x_api_key: Option<String>,
) -> Json<Value> {
    Json(
        json!({"item_id": item_id, "skip": skip, "limit": limit, "search": search, "code": code,
        "ratio": ratio, "step": step, "flag": flag, "color": color, "tags": tags, "ids": ids,
        "x_api_key": x_api_key}),
    )
}

#[get("/required")]
async fn required(
    n: i64,
    #[header] x_token: String,
    #[cookie] session_id: String,
    #[header(alias = "X-Hint")] user_agent_hint: Option<String>,
) -> Json<Value> {
    Json(json!({"n": n, "x_token": x_token, "session_id": session_id, "hint": user_agent_hint}))
}

#[post("/users", status_code = 201)]
async fn create_user(user: UserCreate) -> Json<Value> {
    Json(json!({"id": 1, "name": user.name, "email": user.email, "age": user.age, "bio": user.bio}))
}

#[post("/orders")]
async fn create_order(order: OrderCreate) -> Json<Value> {
    let count: i64 = order.items.iter().map(|i| i.quantity).sum();
    Json(json!({"item_count": count, "order": order}))
}

#[post("/products")]
async fn create_product(product: Product) -> Json<Product> {
    Json(product)
}

#[put("/products/{product_id}")]
async fn update_product(
    product_id: i64,
    product: Product,
    #[query(default = false)] dry_run: bool,
) -> Json<Value> {
    Json(json!({"product_id": product_id, "dry_run": dry_run, "product": product}))
}

pub fn twin() -> App {
    App::new()
        .title("Twin")
        .version("1.0.0")
        .route(read_root)
        .route(read_item)
        .route(search_items)
        .route(required)
        .route(create_user)
        .route(create_order)
        .route(create_product)
        .route(update_product)
}
