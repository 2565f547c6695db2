use fastrs::prelude::*;

#[dependency]
async fn user_name() -> String {
    "bob".into()
}

#[dependency]
async fn user_id() -> i64 {
    1
}

fn main() {
    let _ = App::new().dependency_override::<user_name, user_id>();
}
