//! The hello app's `/docs` (Swagger UI) and `/redoc` (ReDoc) in a real,
//! offline browser: a real server on 127.0.0.1, then
//! `node tests/browser/docs.mjs` drives Debian's headless chromium through
//! playwright-core (every operation rendered, "Try it out" and "Execute" on
//! `GET /` answering 200, the title in ReDoc, no request leaving the machine).
//! (How the script is run, and when it is skipped: `tests/support/browser.rs`.)

use fastrs::prelude::*;
use fastrs::security::{OAuth2PasswordBearer, OAuth2PasswordRequestForm};
use fastrs::serde_json::{json, Value};

#[path = "support/browser.rs"]
mod browser;

fastrs::security_config!(TokenAuth: OAuth2PasswordBearerConfig, token_url = "auth/token");

/// Logs in `johndoe` / `secret`; the token is the user name.
#[post("/auth/token")]
async fn login(form: Depends<OAuth2PasswordRequestForm>) -> Result<Json<Value>, HttpError> {
    if form.username != "johndoe" || form.password != "secret" {
        return Err(
            HttpError::new(401, "Incorrect email or password").header("www-authenticate", "Bearer")
        );
    }
    Ok(Json(
        json!({"access_token": form.username, "token_type": "bearer"}),
    ))
}

/// The logged-in user.
#[get("/users/me")]
async fn me(token: Depends<OAuth2PasswordBearer<TokenAuth>>) -> Result<Json<Value>, HttpError> {
    if *token != "johndoe" {
        return Err(HttpError::new(401, "Could not validate credentials")
            .header("www-authenticate", "Bearer"));
    }
    Ok(Json(json!({"username": *token})))
}

/// The hello app plus an OAuth2 password login, for "Authorize".
fn oauth2_app() -> App {
    hello::app().title("OAuth2 docs").route(login).route(me)
}

#[test]
fn docs_and_redoc_work_in_a_real_browser() {
    run_browser_check(hello::app(), None, &[]);
}

/// The shop example: a real user logs in through "Authorize", then "Try it
/// out" on `GET /users/me` answers 200.
#[test]
fn shop_authorize_then_users_me_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("shop.db").display());
    {
        let c = TestClient::new(shop::app(shop::Config::new(&url)));
        let r = c
            .post("/users")
            .json(&json!({"name": "John", "email": "john@example.com", "age": 30, "password": "secret123"}))
            .send();
        assert_eq!(r.status(), 201, "{}", r.text());
    }
    run_browser_check(
        shop::app(shop::Config::new(&url)),
        Some("authorized Execute on GET /users/me: status 200"),
        &[
            ("FASTRS_DOCS_USERNAME", "john@example.com"),
            ("FASTRS_DOCS_PASSWORD", "secret123"),
        ],
    );
}

/// Swagger UI's "Authorize" (OAuth2 password flow) gets a token from the app,
/// and "Execute" on the secured `GET /users/me` sends it and shows 200.
#[test]
fn authorize_with_oauth2_password_flow_in_a_real_browser() {
    run_browser_check(
        oauth2_app(),
        Some("authorized Execute on GET /users/me: status 200"),
        &[],
    );
}

fn run_browser_check(app: App, expect: Option<&str>, env: &[(&str, &str)]) {
    let Some(browser::BrowserRun {
        base,
        status,
        stdout,
        stderr,
    }) = browser::run(
        "docs_and_redoc_work_in_a_real_browser",
        app,
        "docs.mjs",
        env,
    )
    else {
        return;
    };
    assert!(
        status.success(),
        "the browser check of {base}/docs and {base}/redoc failed ({status}):\n{stdout}\n{stderr}"
    );
    if let Some(expect) = expect {
        assert!(stdout.contains(expect), "expected {expect:?}:\n{stdout}");
    }
}
