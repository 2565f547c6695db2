use fastrs::prelude::*;

#[get("/items")]
async fn list(q: &str) -> String {
    q.to_owned()
}

fn main() {}
