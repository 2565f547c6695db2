use fastrs::prelude::*;

#[get("/items/{item_id}")]
async fn read_item(item_id: Option<i64>) -> String {
    format!("{item_id:?}")
}

fn main() {}
