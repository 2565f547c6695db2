use fastrs::prelude::*;

#[derive(Model)]
struct Item {
    name: String,
}

#[derive(Model)]
struct User {
    name: String,
}

#[post("/items")]
async fn create(item: Item, user: User) -> String {
    format!("{} {}", item.name, user.name)
}

fn main() {}
