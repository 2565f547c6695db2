use fastrs::prelude::*;

#[get("/items")]
async fn limit(limit: i64) -> String {
    limit.to_string()
}

fn main() {}
