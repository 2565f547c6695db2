use fastrs::prelude::*;

#[derive(Model)]
struct Cat {
    meows: i64,
}

#[derive(Model)]
#[model(tag = "pet_type")]
enum Pet {
    Cat(Cat),
    Unknown,
    Pair(Cat, Cat),
    Named { cat: Cat },
}

#[derive(Model)]
enum Untagged {
    Cat(Cat),
    #[field(alias = "dog")]
    Other(Cat),
}

#[derive(Model)]
#[model(tag = 5, literal)]
enum Options {
    Cat(Cat),
}

fn main() {}
