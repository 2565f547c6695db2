//! `cargo run --release -p shop`: serves the shop on HOST:PORT (default
//! 127.0.0.1:8000) with DATABASE_URL (default `sqlite://shop.db`, created
//! with its tables on first start); the log says where the docs are.

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let config = match shop::Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            tracing::error!("shop: {e}");
            eprintln!("shop: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = fastrs::serve(shop::served(config)).await {
        tracing::error!("shop: {e}");
        eprintln!("shop: {e}");
        std::process::exit(1);
    }
}
