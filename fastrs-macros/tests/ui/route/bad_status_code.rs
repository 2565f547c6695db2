use fastrs::prelude::*;

#[post("/items", status_code = 1000)]
async fn create() -> String {
    String::new()
}

fn main() {}
