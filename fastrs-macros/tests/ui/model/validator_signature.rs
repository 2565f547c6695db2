use fastrs::prelude::*;

fn positive(v: &u8) -> Result<(), String> {
    if *v > 0 { Ok(()) } else { Err("zero".into()) }
}

fn check(_: &i64) -> Result<(), String> {
    Ok(())
}

#[derive(Model)]
#[model(validator = check)]
struct A {
    #[field(validator = positive)]
    a: i64,
}

fn main() {}
