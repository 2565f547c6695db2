//! Shared by `tests/shop.rs` and `tests/shop_conformance.rs`: fresh shop
//! databases (a temp SQLite file, or a unique schema in the local
//! PostgreSQL) and small request helpers.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use fastrs::serde_json::{json, Value};
use fastrs::{TestClient, TestResponse};
use shop::security::PasswordHashing;

/// The PostgreSQL the PG half runs against.
pub const PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The API key the tests configure (the article's `secret-key-123`).
pub const TEST_API_KEY: &str = "secret-key-123";
/// The signing key the tests configure.
pub const TEST_SECRET_KEY: &str = "shop-tests-signing-key-0123456789abcdef";

/// A fresh, empty database for one test; dropping it removes it.
pub struct TestDb {
    pub url: String,
    pub backend: &'static str,
    _dir: Option<tempfile::TempDir>,
    schema: Option<String>,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

async fn pg_exec(sql: &str) -> Result<(), String> {
    use sqlx::Connection;
    let mut conn =
        tokio::time::timeout(Duration::from_secs(5), sqlx::PgConnection::connect(PG_URL))
            .await
            .map_err(|_| "connecting timed out after 5 s".to_string())?
            .map_err(|e| e.to_string())?;
    sqlx::query(sql)
        .execute(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    conn.close().await.ok();
    Ok(())
}

/// Whether PostgreSQL answers at [`PG_URL`] (checked once): `Err(reason)` if
/// not. With `FASTRS_REQUIRE_POSTGRES` set, an unreachable server fails.
pub fn postgres_available() -> Result<(), String> {
    static CHECK: OnceLock<Result<(), String>> = OnceLock::new();
    let r = CHECK
        .get_or_init(|| runtime().block_on(pg_exec("SELECT 1")))
        .clone();
    if let Err(reason) = &r {
        assert!(
            std::env::var_os("FASTRS_REQUIRE_POSTGRES").is_none(),
            "FASTRS_REQUIRE_POSTGRES is set but PostgreSQL at {PG_URL} is unreachable: {reason}"
        );
    }
    r
}

impl TestDb {
    /// A temp SQLite file (the app creates it and its tables).
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("a temp dir");
        let url = format!("sqlite://{}", dir.path().join("shop.db").display());
        TestDb {
            url,
            backend: "sqlite",
            _dir: Some(dir),
            schema: None,
        }
    }

    /// A unique schema in the local PostgreSQL, or `None` (the reason
    /// printed) when none answers.
    pub fn postgres() -> Option<TestDb> {
        if let Err(reason) = postgres_available() {
            eprintln!("skipping the PostgreSQL half: {PG_URL} unreachable ({reason})");
            return None;
        }
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let schema = format!(
            "shop_test_{}_{}_{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        runtime()
            .block_on(pg_exec(&format!("CREATE SCHEMA {schema}")))
            .unwrap_or_else(|e| panic!("creating schema {schema}: {e}"));
        Some(TestDb {
            url: format!("{PG_URL}?options[search_path]={schema}"),
            backend: "postgres",
            _dir: None,
            schema: Some(schema),
        })
    }

    /// The shop's settings for this database, with cheap password hashing,
    /// the article's API key and a fixed signing key (the shop has neither
    /// by default).
    pub fn config(&self) -> shop::Config {
        let mut c = shop::Config::new(self.url.clone());
        c.password_hashing = PasswordHashing::FastInsecure;
        c.api_key = Some(TEST_API_KEY.into());
        c.secret_key = Some(TEST_SECRET_KEY.into());
        c
    }

    /// A test client of the shop on this database.
    pub fn client(&self) -> TestClient {
        TestClient::new(shop::app(self.config())).check_contract()
    }

    /// A test client whose requests all come from [`test_user`], whatever
    /// their token (FastAPI's `app.dependency_overrides[get_current_user]`):
    /// for tests about something else than logging in.
    #[allow(dead_code)] // not every test file logs in
    pub fn client_as_test_user(&self) -> TestClient {
        let app = shop::app(self.config())
            .dependency_override::<shop::dependencies::get_current_user, test_user>();
        TestClient::new(app).check_contract()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(schema) = &self.schema {
            let _ = runtime().block_on(pg_exec(&format!("DROP SCHEMA {schema} CASCADE")));
        }
    }
}

/// `Authorization: Bearer <token>`.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Registers a user (password `password123`) and returns the response.
pub fn register(c: &TestClient, name: &str, email: &str) -> TestResponse {
    c.post("/users")
        .json(&json!({"name": name, "email": email, "age": 30, "password": "password123"}))
        .send()
}

/// Logs in and returns the access token.
pub fn login(c: &TestClient, email: &str, password: &str) -> String {
    let r = c
        .post("/auth/token")
        .form(&[("username", email), ("password", password)])
        .send();
    assert_eq!(r.status(), 200, "login {email}: {}", r.text());
    r.json()["access_token"].as_str().unwrap().to_owned()
}

/// Registers `email` and returns a token for it.
pub fn user_token(c: &TestClient, name: &str, email: &str) -> String {
    let r = register(c, name, email);
    assert_eq!(r.status(), 201, "{}", r.text());
    login(c, email, "password123")
}

/// Creates an item and returns it.
pub fn create_item(c: &TestClient, token: &str, name: &str, price: f64, stock: i64) -> Value {
    let r = c
        .post("/items")
        .header("authorization", &bearer(token))
        .json(&json!({"name": name, "price": price, "stock": stock}))
        .send();
    assert_eq!(r.status(), 201, "{}", r.text());
    r.json()
}

/// A valid shipping address.
pub fn address() -> Value {
    json!({"street": "1 Main St", "city": "Springfield", "country": "US", "zip_code": "12345"})
}

/// Whether `s` is an RFC 3339 UTC time as Pydantic writes one.
pub fn is_rfc3339(s: &str) -> bool {
    fastrs::chrono::DateTime::parse_from_rfc3339(s).is_ok() && s.len() >= 20
}

/// The user [`TestDb::client_as_test_user`] logs in as (not in the database).
#[fastrs::dependency]
pub async fn test_user() -> shop::models::UserRow {
    shop::models::UserRow {
        id: 1,
        name: "Test".into(),
        email: "test@example.com".into(),
        age: 30,
        bio: None,
        password_hash: String::new(),
        created_at: fastrs::chrono::Utc::now(),
    }
}
