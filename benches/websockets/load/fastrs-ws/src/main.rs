//! fastrs's WebSocket echo, for the load test: every message sent back as is.
use fastrs::prelude::*;
use fastrs::server::{Config, Server};
use fastrs::websockets::Message;

#[websocket("/ws")]
async fn echo(mut websocket: WebSocket) -> Result<(), WebSocketDisconnect> {
    websocket.accept().await?;
    loop {
        match websocket.receive().await? {
            Message::Text(t) => websocket.send_text(t).await?,
            Message::Bytes(b) => websocket.send_bytes(b).await?,
        }
    }
}

fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8000);
    let config = Config {
        addr: ([127, 0, 0, 1], port).into(),
        access_log: false,
        ..Config::default()
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async {
            Server::bind(App::new().route(echo), config)
                .await?
                .run()
                .await
        })
}
