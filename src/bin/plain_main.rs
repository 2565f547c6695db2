//! The README's plain `main` around the hello app: no tracing subscriber
//! installed, so `fastrs::serve` sets up uvicorn's log output. Run as a
//! process by `tests/access_log.rs`.

#[tokio::main]
async fn main() -> std::io::Result<()> {
    fastrs::serve(hello::app()).await
}
