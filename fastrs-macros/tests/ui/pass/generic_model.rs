//! Generic models and unions of models: `Page<T>` as a body and a response,
//! a generic model wrapping another, unions of (generic) models.
use fastrs::prelude::*;

#[derive(Model)]
struct Item {
    name: String,
}

#[derive(Model)]
struct Page<T> {
    items: Vec<T>,
    total: i64,
}

#[derive(Model)]
struct Pair<A, B: Clone>
where
    A: Clone,
{
    #[field(default)]
    first: Option<A>,
    second: B,
}

#[derive(Model)]
#[model(tag = "kind")]
enum Found {
    #[field(alias = "page")]
    Items(Page<Item>),
    #[field(alias = "pair")]
    Pair(Pair<i64, String>),
}

#[derive(Model)]
enum Either {
    Page(Page<Page<Item>>),
    Item(Item),
}

#[post("/pages")]
async fn echo(page: Page<Item>) -> Page<Item> {
    page
}

#[post("/found")]
async fn found(body: Found, other: Either) -> Either {
    let _ = body;
    other
}

fn main() {
    let _ = App::new().route(echo).route(found);
}
