use fastrs::prelude::*;

#[derive(Model)]
struct User {
    #[field(minimum = 1)]
    age: i64,
}

fn main() {}
