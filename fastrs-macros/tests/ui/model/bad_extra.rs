use fastrs::prelude::*;

#[derive(Model)]
#[model(extra = "strict")]
struct A {
    a: i64,
}

#[derive(Model)]
#[model(extra = "allow")]
struct NoExtraField {
    a: i64,
}

#[derive(Model)]
struct ExtraWithoutAllow {
    a: i64,
    #[field(extra)]
    rest: fastrs::serde_json::Map<String, fastrs::serde_json::Value>,
}

#[derive(Model)]
#[model(extra = "allow")]
struct TwoExtraFields {
    #[field(extra)]
    rest: fastrs::serde_json::Map<String, fastrs::serde_json::Value>,
    #[field(extra)]
    more: fastrs::serde_json::Map<String, fastrs::serde_json::Value>,
}

fn main() {}
