use fastrs::prelude::*;

#[derive(Model)]
struct Item {
    name: String,
}

fn main() {
    let item = Item { name: "Foo".into() };
    let _ = item.model_dump().exclude_unset();
}
