//! `cargo run -p hello`: serves the hello app on HOST:PORT (default 127.0.0.1:8000).

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    fastrs::serve(hello::app()).await
}
