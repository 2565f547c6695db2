use fastrs::prelude::*;

#[derive(Model)]
struct User {
    #[field(pattern = 123)]
    name: String,
}

fn main() {}
