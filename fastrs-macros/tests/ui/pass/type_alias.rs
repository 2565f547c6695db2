//! Type aliases are seen through: the aliased type's trait impls decide.
use fastrs::prelude::*;

type ItemId = i64;
type Limit = u32;
type Tags = Option<Vec<String>>;

#[derive(Model)]
struct Item {
    name: String,
}
type NewItem = Item;

#[post("/items/{item_id}")]
async fn create(
    item_id: ItemId,
    #[query(default = 20, le = 100)] limit: Limit,
    tags: Tags,
    item: NewItem,
) -> String {
    format!("{item_id} {limit} {tags:?} {}", item.name)
}

fn main() {
    let client = TestClient::new(App::new().route(create));
    let r = client
        .post("/items/3?tags=a&tags=b")
        .json(&serde_json::json!({"name": "x"}))
        .send();
    assert_eq!(r.json(), serde_json::json!("3 20 Some([\"a\", \"b\"]) x"));
}
