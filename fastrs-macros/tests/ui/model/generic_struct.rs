use fastrs::prelude::*;

#[derive(Model)]
struct Named<'a> {
    name: &'a str,
}

#[derive(Model)]
struct Wrapper<T>(T);

#[derive(Model)]
struct Sized<const N: usize> {
    n: i64,
}

fn main() {}
