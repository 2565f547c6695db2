//! `cargo run -p hello`: serves the hello app on HOST:PORT (default
//! 127.0.0.1:8000), logging each request as uvicorn does (`RUST_LOG`
//! filters the log; `ACCESS_LOG=off` turns the access lines off).

#[tokio::main]
async fn main() -> std::io::Result<()> {
    fastrs::serve(hello::app()).await
}
