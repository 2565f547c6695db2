use fastrs::prelude::*;

#[derive(Model)]
struct Item {
    name: String,
}

#[get("/a", response_model_include = "name")]
async fn a() -> Item {
    Item { name: "Foo".into() }
}

#[get("/b", response_model_exclude = [name])]
async fn b() -> Item {
    Item { name: "Foo".into() }
}

#[get("/c", response_model_exclude_none = 1)]
async fn c() -> Item {
    Item { name: "Foo".into() }
}

#[get("/d", response_model_exclude_unset)]
async fn d() -> impl IntoResponse {
    Item { name: "Foo".into() }
}

fn main() {}
