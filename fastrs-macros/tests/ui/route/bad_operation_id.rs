use fastrs::prelude::*;

#[get("/items/", operation_id = read_items_id)]
async fn read_items() -> Json<Vec<i64>> {
    Json(vec![])
}

#[get("/users/", generate_unique_id_function = "my_ids")]
async fn read_users() -> Json<Vec<i64>> {
    Json(vec![])
}

fn main() {}
