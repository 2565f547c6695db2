//! The database: one sqlx `AnyPool` for SQLite (default) or PostgreSQL,
//! chosen by the URL's scheme, with each backend's migrations.
//!
//! The queries are written once, with `$1`-style placeholders that both
//! backends read; the few places where the SQL dialects differ ask
//! [`Db::backend`]. Write transactions start with [`Db::begin_write`]:
//! `BEGIN IMMEDIATE` on SQLite (the write lock is taken at once, so two
//! orders never both read the last unit, and no transaction has to upgrade a
//! read lock and fail with `SQLITE_BUSY`), a plain `BEGIN` on PostgreSQL,
//! where the conditional `UPDATE … WHERE stock >= $q` locks the row and
//! re-checks the condition after a concurrent commit.
//!
//! Migrations run at every start, and several instances of the shop may
//! start at once against one PostgreSQL database (the scale-out topology of
//! `deploy/`). sqlx's migrator takes a session-level advisory lock
//! (`pg_advisory_lock`, keyed by the database's name) on one connection
//! before it creates its `_sqlx_migrations` table, and releases it after the
//! last migration: the first instance migrates, the others wait on the lock,
//! then find every migration applied and go on. Without the lock two
//! instances both see an empty `_sqlx_migrations` and both run
//! `CREATE TABLE users`; one of them fails to start. The lock is per
//! database, so instances in different schemas of one database (the tests)
//! migrate one after the other. `tests/shop_migrations.rs` starts several
//! pools on one fresh schema at once; `deploy/scale-out.sh` starts three
//! shops at once on a fresh database. On SQLite the lock is a no-op: one
//! process owns the file.

use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite:` URLs.
    Sqlite,
    /// `postgres:` and `postgresql:` URLs.
    Postgres,
}

impl Backend {
    /// The backend of `url`, by its scheme.
    pub fn of(url: &str) -> Option<Backend> {
        let scheme = url.split(':').next()?.to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "postgresql" => Some(Backend::Postgres),
            _ => None,
        }
    }
}

/// The pool and its backend: the app state every route reads.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

/// Why the database could not be opened.
#[derive(Debug)]
pub enum DbError {
    /// Not a `sqlite:` or `postgres:` URL.
    UnsupportedUrl(String),
    /// Connecting or migrating failed.
    Sqlx(sqlx::Error),
    /// A migration failed.
    Migrate(sqlx::migrate::MigrateError),
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::UnsupportedUrl(u) => write!(
                f,
                "DATABASE_URL must start with sqlite: or postgres:, not {:?}",
                redact(u)
            ),
            DbError::Sqlx(e) => write!(f, "database error: {e}"),
            DbError::Migrate(e) => write!(f, "migration failed: {e}"),
        }
    }
}

impl std::error::Error for DbError {}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        DbError::Sqlx(e)
    }
}

impl From<sqlx::migrate::MigrateError> for DbError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        DbError::Migrate(e)
    }
}

/// `url` without its password, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A SQLite URL that creates its file when missing (`mode=rwc`), unless the
/// URL already chose a mode or is in memory.
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        return url.to_owned();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}mode=rwc")
}

impl Db {
    /// Connects to `url` and runs the backend's migrations.
    ///
    /// # Errors
    /// An unsupported URL, a failed connection or a failed migration.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of(url).ok_or_else(|| DbError::UnsupportedUrl(url.to_owned()))?;
        let pool = match backend {
            Backend::Sqlite => {
                let url = sqlite_url(url);
                let options: AnyConnectOptions = url.parse()?;
                // An in-memory database lives in one connection.
                let max = if url.contains(":memory:") { 1 } else { 8 };
                AnyPoolOptions::new()
                    .max_connections(max)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL lets readers run beside the one writer; a
                            // writer waits up to 30 s for the lock.
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA busy_timeout = 30000").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                let options: AnyConnectOptions = url.parse()?;
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await?
            }
        };
        let mut migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        // Several instances may start at once against one PostgreSQL (see
        // the module documentation): the migrator holds an advisory lock
        // for the whole run. sqlx's default, set here so that it is not
        // left to a default.
        migrator.set_locking(true);
        migrator.run(&pool).await?;
        Ok(Db { pool, backend })
    }

    /// Starts a write transaction (see the module documentation).
    ///
    /// # Errors
    /// When no connection can be had or `BEGIN` fails.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Closes the pool: waits for the connections in use to come back.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_by_scheme() {
        assert_eq!(Backend::of("sqlite://shop.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::of("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(Backend::of("postgres://u@h/db"), Some(Backend::Postgres));
        assert_eq!(Backend::of("postgresql://u@h/db"), Some(Backend::Postgres));
        assert_eq!(Backend::of("mysql://u@h/db"), None);
    }

    #[test]
    fn sqlite_files_are_created() {
        assert_eq!(sqlite_url("sqlite://shop.db"), "sqlite://shop.db?mode=rwc");
        assert_eq!(sqlite_url("sqlite://a.db?mode=ro"), "sqlite://a.db?mode=ro");
        assert_eq!(
            sqlite_url("sqlite://a.db?cache=shared"),
            "sqlite://a.db?cache=shared&mode=rwc"
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://u:pw@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
