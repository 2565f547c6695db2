use fastrs::prelude::*;

#[derive(Model)]
struct A {
    #[field(examples = "Foo", validator = "check", validation_alias = 1, extra = true)]
    a: i64,
    #[field(title)]
    b: i64,
}

fn main() {}
