use fastrs::prelude::*;

#[derive(Model)]
struct UserId(i64);

fn main() {}
