//! `cargo run --release -p chat`: serves the chat on HOST:PORT (default
//! 127.0.0.1:8000); open `/` in two browser tabs, and `/feed` for the
//! Server-Sent Events feed of the same messages.

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    fastrs::serve(chat::app()).await
}
