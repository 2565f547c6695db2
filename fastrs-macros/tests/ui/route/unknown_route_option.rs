use fastrs::prelude::*;

#[get("/", status = 201)]
async fn root() -> String {
    String::new()
}

fn main() {}
