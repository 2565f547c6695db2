use fastrs::prelude::*;

#[derive(Model)]
struct Cat {
    meows: i64,
}

#[derive(Model)]
enum Id {
    Cat(Cat),
    Number(i64),
}

fn main() {}
