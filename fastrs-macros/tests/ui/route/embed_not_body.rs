use fastrs::prelude::*;

#[get("/items")]
async fn read(#[query(embed)] q: String) -> String {
    q
}

fn main() {}
