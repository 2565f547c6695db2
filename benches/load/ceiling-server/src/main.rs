//! The client's ceiling: **not an HTTP server to compare**, an instrument.
//!
//! It answers the five benchmarked requests with canned bytes (the same
//! bytes fastrs sends), found by the request line alone, over one `mio`
//! poll loop: no HTTP library, no routing, no JSON, no validation. What it
//! reaches is what one wrk thread on one core can drive on this machine
//! with a server that does (almost) no work, so every real server's req/s is
//! bounded by it, and so is any ratio against FastAPI. `bench.py` reports
//! it apart (`SERVERS=...,ceiling`) and never compares it with the others.
//!
//! It understands only what wrk and bench.py's conformance check send:
//! requests with a `Content-Length` body or none, pipelined or not.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, SystemTime};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

const LISTENER: Token = Token(usize::MAX);

const HELLO: &str = r#"{"message":"Hello, World"}"#;
const ITEM: &str = r#"{"item_id":42,"q":"hello","skip":5,"limit":50}"#;
const USER: &str = r#"{"id":1,"name":"Alice Smith","email":"alice@example.com","age":30,"bio":"Loves Rust and Python."}"#;
const ORDER: &str = r#"{"item_count":6,"total_lines":3}"#;
const USER_422: &str = r#"{"detail":[{"type":"string_too_short","loc":["body","name"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}},{"type":"value_error","loc":["body","email"],"msg":"value is not a valid email address: An email address must have an @-sign.","input":"not-an-email","ctx":{"reason":"An email address must have an @-sign."}},{"type":"less_than_equal","loc":["body","age"],"msg":"Input should be less than or equal to 150","input":200,"ctx":{"le":150}},{"type":"string_too_short","loc":["body","password"],"msg":"String should have at least 8 characters","input":"short","ctx":{"min_length":8}}]}"#;
const NOT_FOUND: &str = r#"{"detail":"Not Found"}"#;

/// The canned answers, rebuilt when the `date` header's second changes.
struct Answers {
    second: u64,
    hello: Vec<u8>,
    item: Vec<u8>,
    user: Vec<u8>,
    order: Vec<u8>,
    user_422: Vec<u8>,
    not_found: Vec<u8>,
}

impl Answers {
    fn new() -> Answers {
        let mut a = Answers {
            second: u64::MAX,
            hello: Vec::new(),
            item: Vec::new(),
            user: Vec::new(),
            order: Vec::new(),
            user_422: Vec::new(),
            not_found: Vec::new(),
        };
        a.refresh();
        a
    }

    fn refresh(&mut self) {
        let now = SystemTime::now();
        let second = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_secs();
        if second == self.second {
            return;
        }
        self.second = second;
        let date = httpdate::fmt_http_date(now);
        let answer = |status: &str, body: &str| {
            format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\ndate: {date}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes()
        };
        self.hello = answer("200 OK", HELLO);
        self.item = answer("200 OK", ITEM);
        self.user = answer("201 Created", USER);
        self.order = answer("200 OK", ORDER);
        self.user_422 = answer("422 Unprocessable Entity", USER_422);
        self.not_found = answer("404 Not Found", NOT_FOUND);
    }

    /// The answer to one request, by its request line (and, for
    /// `POST /users`, whether the body's name is empty).
    fn pick(&self, head: &[u8], body: &[u8]) -> &[u8] {
        if head.starts_with(b"GET / ") {
            &self.hello
        } else if head.starts_with(b"GET /items/42?q=hello&skip=5&limit=50 ") {
            &self.item
        } else if head.starts_with(b"POST /users ") {
            if body.starts_with(br#"{"name":"""#) || body.starts_with(br#"{"name": """#) {
                &self.user_422
            } else {
                &self.user
            }
        } else if head.starts_with(b"POST /orders ") {
            &self.order
        } else {
            &self.not_found
        }
    }
}

struct Conn {
    stream: TcpStream,
    input: Vec<u8>,
    output: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The `Content-Length` of a request head (0 when absent).
fn content_length(head: &[u8]) -> usize {
    head.split(|&b| b == b'\n')
        .find_map(|line| {
            let colon = line.iter().position(|&b| b == b':')?;
            let (name, value) = line.split_at(colon);
            if !name.eq_ignore_ascii_case(b"content-length") {
                return None;
            }
            std::str::from_utf8(&value[1..]).ok()?.trim().parse().ok()
        })
        .unwrap_or(0)
}

impl Conn {
    /// Reads what is there and queues the answers of every complete
    /// request; `false` when the peer closed or the connection broke.
    fn read(&mut self, answers: &Answers, buf: &mut [u8]) -> bool {
        loop {
            match self.stream.read(buf) {
                Ok(0) => return false,
                Ok(n) => {
                    self.input.extend_from_slice(&buf[..n]);
                    if n < buf.len() {
                        break;
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return false,
            }
        }
        let mut used = 0;
        while let Some(end) = find(&self.input[used..], b"\r\n\r\n") {
            let head = &self.input[used..used + end];
            let start = used + end + 4;
            let stop = start + content_length(head);
            if self.input.len() < stop {
                break;
            }
            let answer = answers.pick(head, &self.input[start..stop]);
            self.output.extend_from_slice(answer);
            used = stop;
        }
        self.input.drain(..used);
        true
    }

    /// Writes what is queued; `false` when the connection broke.
    fn flush(&mut self) -> bool {
        let mut written = 0;
        while written < self.output.len() {
            match self.stream.write(&self.output[written..]) {
                Ok(0) => return false,
                Ok(n) => written += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return false,
            }
        }
        self.output.drain(..written);
        true
    }
}

fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8000);
    let mut listener = TcpListener::bind(([127, 0, 0, 1], port).into())?;
    let mut poll = Poll::new()?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut events = Events::with_capacity(1024);
    let mut conns: HashMap<usize, Conn> = HashMap::new();
    let mut next = 0usize;
    let mut answers = Answers::new();
    let mut scratch = vec![0u8; 16 * 1024];
    loop {
        if let Err(e) = poll.poll(&mut events, None) {
            if e.kind() == ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        answers.refresh();
        for event in events.iter() {
            if event.token() == LISTENER {
                loop {
                    match listener.accept() {
                        Ok((mut stream, _)) => {
                            let token = Token(next);
                            next += 1;
                            // Edge-triggered: registered once for both, never
                            // re-registered (no system call per request).
                            poll.registry().register(
                                &mut stream,
                                token,
                                Interest::READABLE | Interest::WRITABLE,
                            )?;
                            conns.insert(
                                token.0,
                                Conn {
                                    stream,
                                    input: Vec::with_capacity(4096),
                                    output: Vec::with_capacity(4096),
                                },
                            );
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(_) => break,
                    }
                }
                continue;
            }
            let token = event.token();
            let Some(conn) = conns.get_mut(&token.0) else {
                continue;
            };
            let alive = (!event.is_readable() || conn.read(&answers, &mut scratch)) && conn.flush();
            if !alive || (event.is_read_closed() && conn.output.is_empty()) {
                if let Some(mut c) = conns.remove(&token.0) {
                    let _ = poll.registry().deregister(&mut c.stream);
                }
            }
        }
    }
}
