//! The article's first page, through the in-process test client.

use fastrs::TestClient;
use serde_json::json;

fn client() -> TestClient {
    TestClient::new(hello::app())
}

#[test]
fn root_says_hello() {
    let r = client().get("/").send();
    assert_eq!(r.status(), 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json(), json!({"message": "Hello, World"}));
}

#[test]
fn item_with_and_without_query() {
    let c = client();
    assert_eq!(
        c.get("/items/5?q=somequery").send().json(),
        json!({"item_id": 5, "query": "somequery"})
    );
    assert_eq!(
        c.get("/items/5").send().json(),
        json!({"item_id": 5, "query": null})
    );
}

#[test]
fn item_abc_is_422_as_fastapi() {
    let r = client().get("/items/abc").send();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json(),
        json!({"detail":[{"type":"int_parsing","loc":["path","item_id"],
            "msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]})
    );
}

#[test]
fn unknown_path_and_wrong_method() {
    let c = client();
    let r = c.get("/nope").send();
    assert_eq!(r.status(), 404);
    assert_eq!(r.json(), json!({"detail": "Not Found"}));
    let r = c.delete("/").send();
    assert_eq!(r.status(), 405);
    assert_eq!(r.json(), json!({"detail": "Method Not Allowed"}));
    assert_eq!(r.header("allow"), Some("GET, HEAD"));
}

#[test]
fn head_is_get_without_body() {
    let r = client().head("/").send();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().is_empty());
    assert_eq!(r.header("content-length"), Some("26"));
}

#[test]
fn trailing_slash_redirects_keeping_query() {
    let r = client().get("/items/1/?q=x").send();
    assert_eq!(r.status(), 307);
    assert_eq!(r.header("location"), Some("/items/1?q=x"));
}
