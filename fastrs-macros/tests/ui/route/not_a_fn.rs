use fastrs::prelude::*;

#[get("/")]
struct Root;

fn main() {}
