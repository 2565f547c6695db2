use fastrs::prelude::*;

#[dependency(use_cache = false)]
async fn user_name() -> String {
    "bob".into()
}

fn main() {}
