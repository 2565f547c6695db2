use fastrs::prelude::*;

#[derive(Model)]
#[model(extra = "allow")]
struct Allow {
    a: i64,
    #[field(extra)]
    rest: Vec<String>,
}

fn main() {}
