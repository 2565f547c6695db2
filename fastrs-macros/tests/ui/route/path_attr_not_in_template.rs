use fastrs::prelude::*;

#[get("/items")]
async fn read_item(#[path] item_id: i64) -> String {
    item_id.to_string()
}

fn main() {}
