use fastrs::prelude::*;

#[derive(Model)]
struct WithValue {
    a: i64,
    #[field(fields_set = true)]
    fields_set: fastrs::FieldsSet,
}

#[derive(Model)]
struct Twice {
    a: i64,
    #[field(fields_set)]
    one: fastrs::FieldsSet,
    #[field(fields_set)]
    two: fastrs::FieldsSet,
}

#[derive(Model)]
struct WithDefault {
    a: i64,
    #[field(fields_set, default)]
    fields_set: fastrs::FieldsSet,
}

#[derive(Model)]
struct NotAFieldsSet {
    a: i64,
    #[field(fields_set)]
    fields_set: Vec<String>,
}

fn main() {}
