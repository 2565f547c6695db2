use fastrs::prelude::*;

#[derive(Model)]
struct User {
    #[field(min_length = 1)]
    age: i64,
}

fn main() {}
