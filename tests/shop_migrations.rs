//! The shop's migrations when several instances start at once against one
//! PostgreSQL database (the scale-out topology of `examples/shop/deploy/`):
//! each instance opens its own pool and runs the migrations, under the
//! migrator's advisory lock, so exactly one of them creates the tables and
//! every one starts. Needs the local PostgreSQL (skipped when it does not
//! answer, unless `FASTRS_REQUIRE_POSTGRES` is set).

#[path = "fastapi_shop/harness.rs"]
mod harness;

use std::sync::Arc;

use harness::TestDb;
use shop::database::Db;
use sqlx::Row;

/// How many instances start at once.
const INSTANCES: usize = 6;

#[test]
fn instances_starting_at_once_migrate_one_fresh_schema_once() {
    let Some(db) = TestDb::postgres() else {
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let barrier = Arc::new(tokio::sync::Barrier::new(INSTANCES));
        let mut starts = Vec::new();
        for _ in 0..INSTANCES {
            let url = db.url.clone();
            let barrier = barrier.clone();
            starts.push(tokio::spawn(async move {
                barrier.wait().await;
                Db::connect(&url).await
            }));
        }
        let mut pools = Vec::new();
        for (i, start) in starts.into_iter().enumerate() {
            match start.await.unwrap() {
                Ok(pool) => pools.push(pool),
                Err(e) => panic!("instance {i} failed to start: {e}"),
            }
        }
        let db0 = &pools[0];
        let applied = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n, CAST(COUNT(*) FILTER (WHERE success) AS BIGINT) AS ok \
             FROM _sqlx_migrations",
        )
        .fetch_one(&db0.pool)
        .await
        .unwrap();
        let migrations = std::fs::read_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/shop/migrations/postgres"
        ))
        .unwrap()
        .count();
        let n: i64 = applied.get("n");
        let ok: i64 = applied.get("ok");
        assert_eq!(
            (n, ok),
            (migrations as i64, migrations as i64),
            "each migration applied once"
        );
        // the tables are there and usable from every pool
        for pool in &pools {
            let row = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM items")
                .fetch_one(&pool.pool)
                .await
                .unwrap();
            assert_eq!(row.get::<i64, _>("n"), 0);
        }
        // the lock was released: a later start migrates nothing and starts
        let again = Db::connect(&db.url).await.expect("a later start");
        again.close().await;
        for pool in pools {
            pool.close().await;
        }
    });
    drop(rt);
    drop(db);
}
