//! The WebSocket load client: `ws-load ADDR PATH CONNECTIONS MESSAGES`.
//!
//! Opens CONNECTIONS sockets at once and waits until all are open, then each
//! sends MESSAGES distinct text messages one after the other, checking that
//! each comes back unchanged; all stay open until every socket is done (so
//! the server holds them all at its peak), then close. Every wait is bounded
//! (30 s per step, 300 s in all). Prints one JSON line: opened, echoed, lost.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

const STEP: Duration = Duration::from_secs(30);

#[tokio::main(worker_threads = 1)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, addr, path, conns, msgs] = &args[..] else {
        eprintln!("usage: ws-load ADDR PATH CONNECTIONS MESSAGES");
        std::process::exit(2);
    };
    let conns: usize = conns.parse().expect("CONNECTIONS");
    let msgs: u64 = msgs.parse().expect("MESSAGES");
    let opened = Arc::new(tokio::sync::Barrier::new(conns + 1));
    let finished = Arc::new(tokio::sync::Barrier::new(conns + 1));
    let echoed = Arc::new(AtomicU64::new(0));
    let open_ok = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(conns);
    for c in 0..conns {
        let (opened, finished, echoed, open_ok) = (
            opened.clone(),
            finished.clone(),
            echoed.clone(),
            open_ok.clone(),
        );
        let url = format!("ws://{addr}{path}");
        let addr = addr.clone();
        tasks.push(tokio::spawn(async move {
            let socket = async {
                let tcp = tokio::net::TcpStream::connect(&addr).await.ok()?;
                let (ws, _) = tokio_tungstenite::client_async(url, tcp).await.ok()?;
                Some(ws)
            };
            let ws = tokio::time::timeout(STEP, socket).await.ok().flatten();
            if ws.is_some() {
                open_ok.fetch_add(1, Ordering::Relaxed);
            }
            opened.wait().await;
            let Some(mut ws) = ws else {
                finished.wait().await;
                return;
            };
            for m in 0..msgs {
                let text = format!("connection {c} message {m}");
                if ws.send(Message::text(text.clone())).await.is_err() {
                    break;
                }
                match tokio::time::timeout(STEP, ws.next()).await {
                    Ok(Some(Ok(Message::Text(t)))) if t.as_str() == text => {
                        echoed.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => break,
                }
            }
            finished.wait().await;
            let _ = tokio::time::timeout(STEP, ws.close(None)).await;
        }));
    }
    let all = async {
        opened.wait().await;
        let open_s = start.elapsed().as_secs_f64();
        finished.wait().await;
        let done_s = start.elapsed().as_secs_f64();
        for t in tasks {
            let _ = t.await;
        }
        (open_s, done_s)
    };
    let (open_s, done_s) = tokio::time::timeout(Duration::from_secs(300), all)
        .await
        .expect("the load run ends within 300 s");
    let echoed = echoed.load(Ordering::Relaxed);
    let expected = conns as u64 * msgs;
    println!(
        "{{\"connections\": {conns}, \"opened\": {}, \"messages\": {expected}, \"echoed\": {echoed}, \"lost\": {}, \"all_open_s\": {open_s:.3}, \"all_echoed_s\": {done_s:.3}}}",
        open_ok.load(Ordering::Relaxed),
        expected - echoed
    );
}
