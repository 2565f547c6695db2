//! The WebSocket load client: opens CONNECTIONS connections to URL, holds
//! them all open, and on each echoes MESSAGES text messages one after the
//! other (send, wait for the echo, compare). Every connection is kept until
//! all have finished, so the server's peak memory is measured with all of
//! them open at once. Bounded: the whole run stops after TIMEOUT seconds.
//!
//!   ws-load-client URL [CONNECTIONS=1000] [MESSAGES=100] [TIMEOUT=120]
//!
//! Prints one line of `key=value` figures; exits 1 when a message was lost
//! (not echoed, or echoed differently) or a connection failed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::sync::Barrier;
use tokio_tungstenite::tungstenite::Message;

#[derive(Default)]
struct Outcome {
    connected: bool,
    echoed: u64,
    lost: u64,
}

async fn one(url: String, id: usize, messages: usize, opened: Arc<Barrier>, done: Arc<Barrier>) -> Outcome {
    let mut out = Outcome::default();
    let ws = tokio_tungstenite::connect_async(url.as_str()).await;
    // Every task waits at both barriers whatever happens, so none is stuck.
    opened.wait().await;
    let Ok((mut ws, _)) = ws else {
        out.lost = messages as u64;
        done.wait().await;
        return out;
    };
    out.connected = true;
    for m in 0..messages {
        let text = format!("connection {id} message {m}");
        if ws.send(Message::text(text.clone())).await.is_err() {
            out.lost += (messages - m) as u64;
            break;
        }
        match ws.next().await {
            Some(Ok(Message::Text(t))) if t.as_str() == text => out.echoed += 1,
            _ => {
                out.lost += (messages - m) as u64;
                break;
            }
        }
    }
    done.wait().await;
    let _ = ws.close(None).await;
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).cloned().unwrap_or_else(|| "ws://127.0.0.1:18300/ws".into());
    let arg = |i: usize, d: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    let (connections, messages, timeout) = (arg(2, 1000), arg(3, 100), arg(4, 120));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let opened = Arc::new(Barrier::new(connections));
        let done = Arc::new(Barrier::new(connections));
        let start = Instant::now();
        let mut tasks = Vec::with_capacity(connections);
        for id in 0..connections {
            tasks.push(tokio::spawn(one(url.clone(), id, messages, opened.clone(), done.clone())));
        }
        let all = futures_util::future::join_all(tasks);
        let results = match tokio::time::timeout(Duration::from_secs(timeout as u64), all).await {
            Ok(r) => r,
            Err(_) => {
                println!("timeout={timeout}s connections={connections} messages={messages} result=TIMEOUT");
                std::process::exit(1);
            }
        };
        let (mut connected, mut echoed, mut lost) = (0, 0, 0);
        for r in results.into_iter().flatten() {
            connected += r.connected as u64;
            echoed += r.echoed;
            lost += r.lost;
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "connections={connections} connected={connected} messages={} echoed={echoed} lost={lost} seconds={secs:.2}",
            connections * messages
        );
        if lost > 0 || connected < connections as u64 {
            std::process::exit(1);
        }
    });
}
