use fastrs::prelude::*;

struct Filter {
    name: String,
}

#[get("/items")]
async fn list(#[query] filter: Filter) -> String {
    filter.name
}

fn main() {}
