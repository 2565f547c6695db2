use fastrs::prelude::*;

#[get]
async fn list() -> String {
    String::new()
}

fn main() {}
