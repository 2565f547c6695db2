use fastrs::prelude::*;

#[derive(Model)]
#[model(rename_all = "bogus")]
enum Color {
    Red,
    Green,
}

fn main() {}
