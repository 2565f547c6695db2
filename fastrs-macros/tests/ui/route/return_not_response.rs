use fastrs::prelude::*;

struct Item {
    name: String,
}

#[get("/items")]
async fn list() -> Item {
    Item { name: String::new() }
}

fn main() {}
