use fastrs::prelude::*;

#[derive(Model)]
#[model(literal, validator = "check", extra = "forbid", extra = "ignore", examples = "x")]
struct A {
    a: i64,
}

#[derive(Model)]
#[model(examples = {"a": 1})]
struct B {
    a: i64,
}

#[derive(Model)]
#[model(extra = "forbid", validator)]
enum E {
    X,
}

fn main() {}
