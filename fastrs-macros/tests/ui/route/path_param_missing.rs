use fastrs::prelude::*;

#[get("/items/{item_id}")]
async fn read_item(q: Option<String>) -> String {
    q.unwrap_or_default()
}

fn main() {}
