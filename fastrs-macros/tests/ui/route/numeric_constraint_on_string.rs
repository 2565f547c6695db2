use fastrs::prelude::*;

#[get("/items")]
async fn list(#[query(ge = 1)] s: String) -> String {
    s
}

fn main() {}
