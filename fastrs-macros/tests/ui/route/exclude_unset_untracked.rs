use fastrs::prelude::*;

#[derive(Model)]
struct Item {
    name: String,
}

#[get("/items", response_model_exclude_unset = true)]
async fn read_items() -> Vec<Item> {
    vec![]
}

#[get("/item", response_model = Item, response_model_exclude_unset)]
async fn read_item() -> Result<Item, HttpError> {
    Ok(Item { name: "Foo".into() })
}

fn main() {}
