use fastrs::prelude::*;

#[derive(Model)]
enum Shape {
    Square,
    Circle { radius: f64 },
}

fn main() {}
