use fastrs::prelude::*;

// One unnamed field is a newtype model; two or more are not a model.
#[derive(Model)]
struct Pair(i64, i64);

fn main() {}
