//! WebSockets: FastAPI-recorded sessions replayed through the TestClient
//! and over a real socket, and bad input.

use fastrs::prelude::*;
use fastrs::websockets::{WebSocket, WebSocketDisconnect};

#[websocket("/ws")]
async fn echo(mut websocket: WebSocket) -> Result<(), WebSocketDisconnect> {
    websocket.accept().await?;
    loop {
        let data = websocket.receive_text().await?;
        websocket
            .send_text(format!("Message text was: {data}"))
            .await?;
    }
}

#[test]
fn smoke_echo_through_the_test_client() {
    let client = TestClient::new(App::new().route(echo));
    let mut ws = client.websocket_connect("/ws").unwrap();
    ws.send_text("hi");
    assert_eq!(ws.receive_text().unwrap(), "Message text was: hi");
}
