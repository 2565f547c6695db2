use fastrs::prelude::*;

#[derive(Model)]
struct Item {
    name: String,
}

#[post("/items")]
async fn create(item: Item, #[form] note: String) -> String {
    format!("{} {}", item.name, note)
}

fn main() {}
