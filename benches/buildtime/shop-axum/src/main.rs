//! `cargo run --release -p shop-axum`: serves the shop on HOST:PORT (default
//! 127.0.0.1:8000) with DATABASE_URL (default `sqlite://shop.db`, created
//! with its tables on first start).

use shop_axum::database::{self, Db};
use shop_axum::Config;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    if let Err(e) = run(Config::from_env()).await {
        tracing::error!("shop: {e}");
        eprintln!("shop: {e}");
        std::process::exit(1);
    }
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let db = Db::connect(&config.database_url).await?;
    tracing::info!(
        "database ready: {} ({:?})",
        database::redact(&config.database_url),
        db.backend
    );
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let port = std::env::var("PORT").unwrap_or_else(|_| "8000".into());
    let listener = tokio::net::TcpListener::bind(format!("{host}:{port}")).await?;
    tracing::info!(
        "serving on http://{}; docs at /docs and /redoc",
        listener.local_addr()?
    );
    axum::serve(listener, shop_axum::app(&config, db.clone()))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    db.close().await;
    Ok(())
}

/// Ctrl-C or SIGTERM: in-flight requests finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
