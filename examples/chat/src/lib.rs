//! FastAPI's WebSocket chat ("WebSockets", `docs_src/websockets_/tutorial003`)
//! plus a Server-Sent Events feed of the same messages.
//!
//! - `GET /`: FastAPI's chat page, unchanged but for the WebSocket's address
//!   (`location.host` instead of `localhost:8000`, so `HOST`/`PORT` work);
//! - `/ws/{client_id}`: FastAPI's `websocket_endpoint` with its
//!   `ConnectionManager`, the same messages word for word;
//! - `GET /events`: every message the chat broadcasts (`Client #… says: …`,
//!   `Client #… left the chat`), as Server-Sent Events whose `data` is the
//!   message as a JSON string; `GET /feed`: a page showing them through the
//!   browser's `EventSource`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use fastrs::prelude::*;
use fastrs::sse::EventSourceResponse;
use fastrs::websockets::WebSocketSender;
use tokio::sync::broadcast;

/// FastAPI's page (`html` in tutorial003), the WebSocket's address aside.
pub const CHAT_HTML: &str = r##"
<!DOCTYPE html>
<html>
    <head>
        <title>Chat</title>
    </head>
    <body>
        <h1>WebSocket Chat</h1>
        <h2>Your ID: <span id="ws-id"></span></h2>
        <form action="" onsubmit="sendMessage(event)">
            <input type="text" id="messageText" autocomplete="off"/>
            <button>Send</button>
        </form>
        <ul id='messages'>
        </ul>
        <script>
            var client_id = Date.now()
            document.querySelector("#ws-id").textContent = client_id;
            var ws = new WebSocket(`ws://${location.host}/ws/${client_id}`);
            ws.onmessage = function(event) {
                var messages = document.getElementById('messages')
                var message = document.createElement('li')
                var content = document.createTextNode(event.data)
                message.appendChild(content)
                messages.appendChild(message)
            };
            function sendMessage(event) {
                var input = document.getElementById("messageText")
                ws.send(input.value)
                input.value = ''
                event.preventDefault()
            }
        </script>
    </body>
</html>
"##;

/// The feed's page: the chat's messages as the browser's `EventSource`
/// receives them from `/events`.
pub const FEED_HTML: &str = r##"<!DOCTYPE html>
<html>
    <head>
        <title>Chat feed</title>
    </head>
    <body>
        <h1>Chat feed (Server-Sent Events)</h1>
        <ul id='messages'>
        </ul>
        <script>
            var source = new EventSource("/events");
            source.onmessage = function(event) {
                var message = document.createElement('li')
                message.textContent = JSON.parse(event.data)
                document.getElementById('messages').appendChild(message)
            };
        </script>
    </body>
</html>
"##;

/// How many messages a slow feed reader may fall behind before it skips
/// the oldest.
const FEED_CAPACITY: usize = 256;

/// FastAPI's `ConnectionManager`: the open sockets, to broadcast to; its
/// broadcasts also go to the Server-Sent Events feed.
#[derive(Clone)]
pub struct ConnectionManager {
    active_connections: Arc<Mutex<Vec<(u64, WebSocketSender)>>>,
    next_id: Arc<AtomicU64>,
    feed: Arc<broadcast::Sender<String>>,
}

impl Default for ConnectionManager {
    fn default() -> Self {
        ConnectionManager {
            active_connections: Arc::default(),
            next_id: Arc::default(),
            feed: Arc::new(broadcast::channel(FEED_CAPACITY).0),
        }
    }
}

/// One socket the manager holds: what [`ConnectionManager::disconnect`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connection(u64);

impl ConnectionManager {
    /// Accepts the socket and adds it to the active connections.
    ///
    /// # Errors
    /// When the client is gone before the handshake completes.
    pub async fn connect(
        &self,
        websocket: &mut WebSocket,
    ) -> Result<Connection, WebSocketDisconnect> {
        websocket.accept().await?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        if let Some(sender) = websocket.sender() {
            self.connections().push((id, sender));
        }
        Ok(Connection(id))
    }

    /// Removes a socket from the active connections.
    pub fn disconnect(&self, connection: Connection) {
        self.connections().retain(|(id, _)| *id != connection.0);
    }

    /// Sends `message` to one socket.
    ///
    /// # Errors
    /// When that socket is closed.
    pub async fn send_personal_message(
        &self,
        message: &str,
        websocket: &WebSocket,
    ) -> Result<(), WebSocketDisconnect> {
        websocket.send_text(message).await
    }

    /// Sends `message` to every active connection and every feed reader. A
    /// socket that is gone is skipped (its own handler removes it).
    pub async fn broadcast(&self, message: &str) {
        let senders: Vec<WebSocketSender> =
            self.connections().iter().map(|(_, s)| s.clone()).collect();
        for connection in senders {
            let _ = connection.send_text(message).await;
        }
        // No reader is not an error: nobody is listening.
        let _ = self.feed.send(message.to_owned());
    }

    /// The messages broadcast from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<String> {
        self.feed.subscribe()
    }

    fn connections(&self) -> std::sync::MutexGuard<'_, Vec<(u64, WebSocketSender)>> {
        self.active_connections
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }
}

#[get("/")]
async fn get() -> Html<&'static str> {
    Html(CHAT_HTML)
}

#[get("/feed")]
async fn feed_page() -> Html<&'static str> {
    Html(FEED_HTML)
}

/// FastAPI's `websocket_endpoint`: each message is echoed to its sender
/// ("You wrote: …") and broadcast ("Client #… says: …"); a client that
/// leaves is announced ("Client #… left the chat").
#[websocket("/ws/{client_id}")]
async fn websocket_endpoint(
    mut websocket: WebSocket,
    client_id: i64,
    manager: State<ConnectionManager>,
) -> Result<(), WebSocketDisconnect> {
    let connection = manager.connect(&mut websocket).await?;
    let left = loop {
        let data = match websocket.receive_text().await {
            Ok(data) => data,
            Err(disconnect) => break disconnect,
        };
        if let Err(disconnect) = manager
            .send_personal_message(&format!("You wrote: {data}"), &websocket)
            .await
        {
            break disconnect;
        }
        manager
            .broadcast(&format!("Client #{client_id} says: {data}"))
            .await;
    };
    manager.disconnect(connection);
    manager
        .broadcast(&format!("Client #{client_id} left the chat"))
        .await;
    tracing::debug!("client #{client_id} left: {left}");
    Ok(())
}

/// Every message the chat broadcasts from now on, one event each.
#[get("/events")]
async fn events(manager: State<ConnectionManager>) -> EventSourceResponse<String> {
    let messages = futures_util::stream::unfold(manager.subscribe(), |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(message) => return Some((message, rx)),
                // Fell behind: the oldest messages are gone, go on.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    EventSourceResponse::new(messages)
}

/// The chat app.
pub fn app() -> App {
    app_with(ConnectionManager::default())
}

/// The chat app around `manager` (a test keeps a handle on it).
pub fn app_with(manager: ConnectionManager) -> App {
    App::new()
        .title("Chat")
        .state(manager)
        .route(get)
        .route(feed_page)
        .route(websocket_endpoint)
        .route(events)
}
