use fastrs::prelude::*;

// A websocket handler awaits its socket: a plain `fn` is refused.
#[websocket("/ws")]
fn not_async(websocket: WebSocket) {}

// Route options about the OpenAPI operation do not apply.
#[websocket("/ws2", status_code = 201, tags = ["chat"])]
async fn with_options(websocket: WebSocket) {}

// The path parameter must be a parameter of the function.
#[websocket("/ws/{client_id}")]
async fn missing_path_param(websocket: WebSocket) {}

// What it returns must be `()` or a `Result` whose error is a response.
#[websocket("/ws3")]
async fn returns_text(websocket: WebSocket) -> String {
    String::new()
}

// Exactly one `WebSocket` parameter.
#[websocket("/ws4")]
async fn no_socket(q: Option<String>) {}

// A `WebSocket` belongs to a websocket route, not an HTTP one.
#[get("/http")]
async fn http_with_socket(websocket: WebSocket) {}

fn main() {}
