use fastrs::prelude::*;

#[post(status_code = 201)]
async fn create() -> String {
    String::new()
}

fn main() {}
