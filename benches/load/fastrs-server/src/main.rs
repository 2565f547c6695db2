//! The load benchmark's fastrs server: the endpoints of issue 6, written with
//! the macros as a user would, served by `fastrs::server::Server` on a
//! single-threaded tokio runtime (one worker thread), access log off.

use fastrs::prelude::*;
use fastrs::server::{Config, Server};

#[derive(Model)]
struct Address {
    street: String,
    city: String,
    country: String,
    zip_code: String,
}

#[derive(Model)]
struct OrderItem {
    #[field(ge = 1)]
    product_id: i64,
    #[field(gt = 0)]
    quantity: i64,
}

#[derive(Model)]
struct OrderCreate {
    #[field(min_length = 1)]
    items: Vec<OrderItem>,
    shipping_address: Address,
    notes: Option<String>,
}

#[derive(Model)]
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

#[derive(Model)]
struct Hello {
    message: String,
}

#[derive(Model)]
struct ItemOut {
    item_id: i64,
    q: Option<String>,
    skip: i64,
    limit: i64,
}

#[derive(Model)]
struct UserOut {
    id: i64,
    name: String,
    email: Email,
    age: i64,
    bio: Option<String>,
}

#[derive(Model)]
struct OrderOut {
    item_count: i64,
    total_lines: i64,
}

#[get("/")]
async fn read_root() -> Hello {
    Hello {
        message: "Hello, World".to_string(),
    }
}

#[get("/items/{item_id}")]
async fn read_item(
    #[path(ge = 1)] item_id: i64,
    q: Option<String>,
    #[query(default = 0, ge = 0)] skip: i64,
    #[query(default = 20, le = 100)] limit: i64,
) -> ItemOut {
    ItemOut {
        item_id,
        q,
        skip,
        limit,
    }
}

#[post("/users", status_code = 201)]
async fn create_user(user: UserCreate) -> UserOut {
    UserOut {
        id: 1,
        name: user.name,
        email: user.email,
        age: user.age,
        bio: user.bio,
    }
}

#[post("/orders")]
async fn create_order(order: OrderCreate) -> OrderOut {
    OrderOut {
        item_count: order.items.iter().map(|i| i.quantity).sum(),
        total_lines: order.items.len() as i64,
    }
}

fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8000);
    let app = App::new()
        .route(read_root)
        .route(read_item)
        .route(create_user)
        .route(create_order);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let config = Config {
                addr: ([127, 0, 0, 1], port).into(),
                access_log: false,
                ..Default::default()
            };
            Server::bind(app, config).await?.run().await
        })
}
