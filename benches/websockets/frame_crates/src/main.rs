//! Heap held per idle server-side WebSocket after one echoed message, and the
//! cost of echoing MSGS messages, for tokio-tungstenite and fastwebsockets.
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

struct Count;
static LIVE: AtomicIsize = AtomicIsize::new(0);
unsafe impl GlobalAlloc for Count {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        LIVE.fetch_add(n as isize - l.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}
#[global_allocator]
static A: Count = Count;

fn frame(msg: &[u8]) -> Vec<u8> {
    let mask = [1u8, 2, 3, 4];
    let mut f = vec![0x81, 0x80 | msg.len() as u8];
    f.extend_from_slice(&mask);
    f.extend(msg.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    f
}

async fn client_echo(c: &mut DuplexStream, f: &[u8], n: usize) {
    let mut buf = [0u8; 64];
    for _ in 0..n {
        c.write_all(f).await.unwrap();
        let want = f.len() - 4;
        let mut got = 0;
        while got < want {
            got += c.read(&mut buf[got..want]).await.unwrap();
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let which = std::env::args().nth(1).unwrap();
    let conns: usize = std::env::args().nth(2).unwrap().parse().unwrap();
    let msgs: usize = std::env::args().nth(3).unwrap().parse().unwrap();
    let f = frame(b"hello, websocket");
    let mut clients = Vec::new();
    let mut tasks = Vec::new();
    let before = LIVE.load(Ordering::Relaxed);
    for _ in 0..conns {
        let (mut c, s) = tokio::io::duplex(4096);
        if which.starts_with("tungstenite") {
            let cfg = (which == "tungstenite-small").then(|| {
                let mut c = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default();
                c.read_buffer_size = 4096;
                c.write_buffer_size = 0;
                c
            });
            tasks.push(tokio::spawn(async move {
                use futures_util::{SinkExt, StreamExt};
                let mut ws = tokio_tungstenite::WebSocketStream::from_raw_socket(
                    s,
                    tokio_tungstenite::tungstenite::protocol::Role::Server,
                    cfg,
                )
                .await;
                while let Some(Ok(m)) = ws.next().await {
                    if m.is_text() {
                        ws.send(m).await.unwrap();
                    }
                }
            }));
        } else {
            tasks.push(tokio::spawn(async move {
                let mut ws =
                    fastwebsockets::WebSocket::after_handshake(s, fastwebsockets::Role::Server);
                ws.set_auto_close(true);
                loop {
                    let Ok(fr) = ws.read_frame().await else { break };
                    if fr.opcode == fastwebsockets::OpCode::Text {
                        let p = fr.payload.to_vec();
                        ws.write_frame(fastwebsockets::Frame::text(
                            fastwebsockets::Payload::Owned(p),
                        ))
                        .await
                        .unwrap();
                    }
                    if fr.opcode == fastwebsockets::OpCode::Close {
                        break;
                    }
                }
            }));
        }
        client_echo(&mut c, &f, 1).await;
        clients.push(c);
    }
    let idle = LIVE.load(Ordering::Relaxed) - before;
    // duplex buffers alone (the same for both) measured the same way:
    let b2 = LIVE.load(Ordering::Relaxed);
    let pairs: Vec<_> = (0..conns).map(|_| tokio::io::duplex(4096)).collect();
    let duplex = LIVE.load(Ordering::Relaxed) - b2;
    drop(pairs);
    println!("{which}: {} bytes of heap per idle connection (after one echo; duplex pair alone {} B, task included)", (idle - duplex) / conns as isize, duplex / conns as isize);
    if msgs > 0 {
        client_echo(&mut clients[0], &f, msgs).await;
    }
    drop(clients);
    for t in tasks {
        let _ = t.await;
    }
}
