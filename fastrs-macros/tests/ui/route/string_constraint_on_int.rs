use fastrs::prelude::*;

#[get("/items")]
async fn list(#[query(min_length = 1)] n: i64) -> String {
    n.to_string()
}

fn main() {}
