//! The same one-route app in axum 0.8: `GET /` answers
//! `{"message":"Hello World"}`, served on 127.0.0.1:8000.

use axum::routing::get;
use axum::{Json, Router};

async fn root() -> Json<serde_json::Value> {
    Json(serde_json::json!({"message": "Hello World"}))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let app = Router::new().route("/", get(root));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
    axum::serve(listener, app).await
}
