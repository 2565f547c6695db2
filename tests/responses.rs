//! Redirects, cookies, streaming and file responses.

use bytes::Bytes;
use fastrs::prelude::*;
use fastrs::response::{delete_cookie, set_cookie, FileResponse, Redirect, Streaming};
use fastrs::set_cookie::SetCookie;

#[get("/old")]
async fn old() -> Redirect {
    Redirect::to("/new?x=1")
}

#[post("/login")]
async fn login() -> Response {
    let mut r = Json(serde_json::json!({"ok": true})).into_response();
    set_cookie(&mut r, &SetCookie::new("session", "abc").httponly(true));
    r
}

#[post("/logout")]
async fn logout() -> Response {
    let mut r = NoContent.into_response();
    delete_cookie(&mut r, "session");
    r
}

#[get("/stream")]
async fn stream() -> impl IntoResponse {
    let chunks: Vec<Result<Bytes, std::io::Error>> = (0..3)
        .map(|i| Ok(Bytes::from(format!("chunk{i};"))))
        .collect();
    Streaming::new(futures_util::stream::iter(chunks)).content_type("text/plain")
}

#[get("/file/{name}")]
async fn file(name: String) -> FileResponse {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fastapi_twin")
        .join(name);
    FileResponse::new(path).filename("data.json")
}

fn client() -> TestClient {
    TestClient::new(
        App::new()
            .route(old)
            .route(login)
            .route(logout)
            .route(stream)
            .route(file),
    )
}

#[test]
fn redirect() {
    let r = client().get("/old").send();
    assert_eq!(r.status(), 307);
    assert_eq!(r.header("location"), Some("/new?x=1"));
}

#[test]
fn cookies_set_and_deleted() {
    let c = client();
    assert_eq!(
        c.post("/login").send().header("set-cookie"),
        Some("session=abc; HttpOnly; Path=/; SameSite=lax")
    );
    let del = c.post("/logout").send();
    let v = del.header("set-cookie").unwrap();
    assert!(v.starts_with("session=\"\"; expires="), "{v}");
    assert!(v.ends_with(" GMT; Max-Age=0; Path=/; SameSite=lax"), "{v}");
}

#[test]
fn streaming_body() {
    let r = client().get("/stream").send();
    assert_eq!(r.header("content-type"), Some("text/plain"));
    assert_eq!(r.text(), "chunk0;chunk1;chunk2;");
}

#[test]
fn file_response() {
    let r = client().get("/file/cors.json").send();
    assert_eq!(r.status(), 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.header("content-disposition"),
        Some("attachment; filename=\"data.json\"")
    );
    let on_disk = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fastapi_twin/cors.json"
    ))
    .unwrap();
    assert_eq!(r.bytes().as_ref(), on_disk.as_slice());
    assert_eq!(
        r.header("content-length"),
        Some(on_disk.len().to_string().as_str())
    );
    assert_eq!(client().get("/file/nope.json").send().status(), 404);
}
