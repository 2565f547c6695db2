use fastrs::prelude::*;

#[derive(Model)]
struct User {
    #[field(ge = 1)]
    name: String,
}

fn main() {}
