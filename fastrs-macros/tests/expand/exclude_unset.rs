/// FastAPI's "Response Model" tutorial004: only the fields the data set.
#[get("/items/{item_id}", response_model = Item, response_model_exclude_unset = true)]
async fn read_item(item_id: String) -> Item {
    Item::model_validate(&items()[&item_id]).unwrap()
}
