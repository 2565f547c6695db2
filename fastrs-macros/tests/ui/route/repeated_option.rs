use fastrs::prelude::*;

#[get("/items", status_code = 200, status_code = 201)]
async fn list(#[query(ge = 1, le = 10, ge = 2)] n: i64) -> String {
    n.to_string()
}

fn main() {}
