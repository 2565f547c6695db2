//! Without the cargo feature `http2`: a connection that opens with HTTP/2's
//! client preface (prior knowledge, h2c) gets HTTP/2's own refusal instead
//! of a silent close.
//!
//! hyper's HTTP/1 parser, given the preface, closes the connection without
//! writing anything (it recognises the preface and answers no 400 or 505),
//! so an HTTP/2 client would see the connection drop with no reason. RFC
//! 9113 has an error code for exactly this case, `HTTP_1_1_REQUIRED` (0xd):
//! the server sends its connection preface (an empty SETTINGS frame) and a
//! GOAWAY frame with that code and no stream processed, then closes; HTTP/2
//! clients report it (curl: "HTTP_1_1_REQUIRED"), and may retry over
//! HTTP/1.1.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::LOG;

/// The GOAWAY frame's debug data (opaque to clients, shown by some).
const DEBUG_DATA: &[u8] = b"HTTP/2 is off in this fastrs server (cargo feature http2)";

/// HTTP/2's error code `HTTP_1_1_REQUIRED` (RFC 9113, section 7).
const HTTP_1_1_REQUIRED: u32 = 0xd;

/// The bytes written: an empty SETTINGS frame (the server's connection
/// preface), then GOAWAY(last stream 0, `HTTP_1_1_REQUIRED`, [`DEBUG_DATA`]).
fn refusal() -> Vec<u8> {
    // A frame header: length (24 bits), type, flags, stream id (31 bits).
    fn header(out: &mut Vec<u8>, len: usize, kind: u8) {
        let len = u32::try_from(len).expect("a short frame");
        out.extend_from_slice(&len.to_be_bytes()[1..]);
        out.extend_from_slice(&[kind, 0]);
        out.extend_from_slice(&0u32.to_be_bytes());
    }
    let mut out = Vec::with_capacity(9 + 9 + 8 + DEBUG_DATA.len());
    header(&mut out, 0, 0x4); // SETTINGS
    header(&mut out, 8 + DEBUG_DATA.len(), 0x7); // GOAWAY
    out.extend_from_slice(&0u32.to_be_bytes()); // last stream id
    out.extend_from_slice(&HTTP_1_1_REQUIRED.to_be_bytes());
    out.extend_from_slice(DEBUG_DATA);
    out
}

/// Writes the refusal, closes the sending side and reads what the client
/// still sends (up to 64 KiB, within `linger`) so that closing does not
/// reset the connection before the client has read the refusal.
pub(super) async fn refuse(mut stream: TcpStream, peer: SocketAddr, linger: Duration) {
    tracing::debug!(
        target: LOG, %peer,
        "HTTP/2 preface received, HTTP/2 is off (cargo feature `http2`): GOAWAY HTTP_1_1_REQUIRED"
    );
    let refuse = async {
        stream.write_all(&refusal()).await?;
        stream.shutdown().await?;
        let mut buf = [0u8; 4096];
        let mut left = 64 * 1024usize;
        while left > 0 {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            left = left.saturating_sub(n);
        }
        std::io::Result::Ok(())
    };
    if let Ok(Err(e)) = tokio::time::timeout(linger, refuse).await {
        tracing::debug!(target: LOG, %peer, "refusing HTTP/2: {e}");
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    use super::super::{Config, Server, H2_PREFACE};
    use crate::app::App;

    /// Serves an empty app on 127.0.0.1:0; its address.
    async fn start() -> std::net::SocketAddr {
        let config = Config {
            addr: (std::net::Ipv4Addr::LOCALHOST, 0).into(),
            ..Config::default()
        };
        let server = Server::bind(App::new(), config).await.unwrap();
        let addr = server.local_addr();
        tokio::spawn(server.run_until(std::future::pending()));
        addr
    }

    /// Everything the server sends until it closes (a hang fails the test).
    async fn read_all(conn: &mut TcpStream) -> Vec<u8> {
        let mut got = Vec::new();
        tokio::time::timeout(Duration::from_secs(20), conn.read_to_end(&mut got))
            .await
            .expect("the server closes the connection")
            .expect("no connection error");
        got
    }

    #[test]
    fn the_refusal_is_settings_then_goaway_http_1_1_required() {
        let r = super::refusal();
        // An empty SETTINGS frame on stream 0.
        assert_eq!(r[..9], [0, 0, 0, 0x4, 0, 0, 0, 0, 0]);
        let goaway = &r[9..];
        let len = usize::from(goaway[1]) << 8 | usize::from(goaway[2]);
        assert_eq!(goaway[0], 0);
        assert_eq!(len, goaway.len() - 9);
        assert_eq!(goaway[3..9], [0x7, 0, 0, 0, 0, 0]);
        // Last stream 0, error code 0xd (HTTP_1_1_REQUIRED), then debug data.
        assert_eq!(goaway[9..17], [0, 0, 0, 0, 0, 0, 0, 0xd]);
        assert_eq!(&goaway[17..], super::DEBUG_DATA);
    }

    #[tokio::test]
    async fn an_http2_preface_is_refused_with_goaway_not_left_hanging() {
        let addr = start().await;
        let mut conn = TcpStream::connect(addr).await.unwrap();
        // The preface, then the client's (empty) SETTINGS frame, as h2
        // clients send them.
        conn.write_all(H2_PREFACE).await.unwrap();
        conn.write_all(&[0, 0, 0, 0x4, 0, 0, 0, 0, 0])
            .await
            .unwrap();
        assert_eq!(read_all(&mut conn).await, super::refusal());
    }

    #[tokio::test]
    async fn a_preface_in_two_pieces_is_closed_not_left_hanging() {
        let addr = start().await;
        let mut conn = TcpStream::connect(addr).await.unwrap();
        // If the server peeks before the rest arrives, the connection goes
        // to hyper's HTTP/1 parser: a 400 for the request line
        // `PRI * HTTP/2.0` (or, when it has read the whole preface, a close
        // without an answer); if after, it is refused as above. Either way
        // it closes.
        conn.write_all(&H2_PREFACE[..16]).await.unwrap();
        tokio::task::yield_now().await;
        conn.write_all(&H2_PREFACE[16..]).await.unwrap();
        let got = read_all(&mut conn).await;
        assert!(
            got.starts_with(b"HTTP/1.1 400 Bad Request\r\n")
                || got.is_empty()
                || got == super::refusal(),
            "{:?}",
            String::from_utf8_lossy(&got)
        );
    }

    #[tokio::test]
    async fn http1_is_served_beside_it() {
        let addr = start().await;
        let mut conn = TcpStream::connect(addr).await.unwrap();
        conn.write_all(b"GET /openapi.json HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let got = read_all(&mut conn).await;
        assert!(
            got.starts_with(b"HTTP/1.1 200 OK\r\n"),
            "{:?}",
            String::from_utf8_lossy(&got)
        );
    }
}
