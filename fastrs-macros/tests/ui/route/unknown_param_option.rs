use fastrs::prelude::*;

#[get("/items")]
async fn list(#[query(minimum = 1)] n: i64) -> String {
    n.to_string()
}

fn main() {}
