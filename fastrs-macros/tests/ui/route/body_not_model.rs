use fastrs::prelude::*;

struct Item {
    name: String,
}

#[post("/items")]
async fn create(item: Item) -> String {
    item.name
}

fn main() {}
