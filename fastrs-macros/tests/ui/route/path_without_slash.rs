use fastrs::prelude::*;

#[get("items")]
async fn list() -> String {
    String::new()
}

fn main() {}
