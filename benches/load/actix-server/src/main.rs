//! The load benchmark's actix-web 4 server: serde + validator (derive), one
//! worker (`workers(1)`) in an actix_rt system. A body that fails validation
//! answers 422 with a JSON list of every failed field, like the other peers;
//! a body that does not deserialize gets actix's own 400.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, App, HttpResponse, HttpServer};
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

/// Flattens validator's nested errors into a list of {loc, type, params}.
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

fn unprocessable(errors: Vec<Value>) -> HttpResponse {
    HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY).json(json!({ "detail": errors }))
}

fn invalid(source: &str, errors: ValidationErrors) -> HttpResponse {
    let mut out = Vec::new();
    flatten(&errors, &mut vec![json!(source)], &mut out);
    unprocessable(out)
}

#[get("/")]
async fn read_root() -> HttpResponse {
    HttpResponse::Ok().json(json!({"message": "Hello, World"}))
}

#[get("/items/{item_id}")]
async fn read_item(path: web::Path<i64>, query: web::Query<ItemQuery>) -> HttpResponse {
    let item_id = path.into_inner();
    let query = query.into_inner();
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
    HttpResponse::Ok().json(ItemOut {
        item_id,
        q: query.q,
        skip: query.skip,
        limit: query.limit,
    })
}

#[post("/users")]
async fn create_user(user: web::Json<UserCreate>) -> HttpResponse {
    let user = user.into_inner();
    if let Err(e) = user.validate() {
        return invalid("body", e);
    }
    HttpResponse::Created().json(UserOut {
        id: 1,
        name: user.name,
        email: user.email,
        age: user.age,
        bio: user.bio,
    })
}

#[post("/orders")]
async fn create_order(order: web::Json<OrderCreate>) -> HttpResponse {
    let order = order.into_inner();
    if let Err(e) = order.validate() {
        return invalid("body", e);
    }
    HttpResponse::Ok().json(OrderOut {
        item_count: order.items.iter().map(|i| i.quantity).sum(),
        total_lines: order.items.len(),
    })
}

fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8000);
    actix_rt::System::new().block_on(async move {
        HttpServer::new(|| {
            App::new()
                .service(read_root)
                .service(read_item)
                .service(create_user)
                .service(create_order)
        })
        .workers(1)
        .bind(("127.0.0.1", port))?
        .run()
        .await
    })
}
