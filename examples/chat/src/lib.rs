//! FastAPI's WebSocket chat ("WebSockets", `docs_src/websockets_/tutorial003`)
//! plus a Server-Sent Events feed of the same messages.
//!
//! - `GET /`: FastAPI's chat page, unchanged but for the WebSocket's address
//!   (`location.host` instead of `localhost:8000`, so `HOST`/`PORT` work);
//! - `GET /events`: every message the chat broadcasts (`Client #… says: …`,
//!   `Client #… left the chat`), as Server-Sent Events whose `data` is the
//!   message as a JSON string; `GET /feed`: a page showing them through the
//!   browser's `EventSource`.

use std::sync::Arc;

use fastrs::prelude::*;
use fastrs::sse::EventSourceResponse;
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

/// The chat's shared state: FastAPI's `ConnectionManager`, whose broadcasts
/// also go to the feed.
#[derive(Clone)]
pub struct ConnectionManager {
    feed: Arc<broadcast::Sender<String>>,
}

impl Default for ConnectionManager {
    fn default() -> Self {
        ConnectionManager {
            feed: Arc::new(broadcast::channel(FEED_CAPACITY).0),
        }
    }
}

impl ConnectionManager {
    /// Sends `message` to every feed reader.
    pub fn broadcast(&self, message: &str) {
        // No reader is not an error: nobody is listening.
        let _ = self.feed.send(message.to_owned());
    }

    /// The messages broadcast from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<String> {
        self.feed.subscribe()
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
        .route(events)
}
