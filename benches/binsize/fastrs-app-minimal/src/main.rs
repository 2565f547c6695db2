//! A one-route fastrs app: `GET /` answers `{"message":"Hello World"}`
//! (FastAPI's first example), served on 127.0.0.1:8000.

use fastrs::prelude::*;

#[get("/")]
async fn root() -> Json<fastrs::serde_json::Value> {
    Json(fastrs::serde_json::json!({"message": "Hello World"}))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    fastrs::serve(App::new().route(root)).await
}
