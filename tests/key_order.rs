//! Key order in the bytes written, as FastAPI writes it (Python's dict
//! order): a 422's `input` echoes the client's object with its keys as sent,
//! and an `extra = "allow"` model writes its extra keys back in arrival
//! order after its fields. This is what serde_json's `preserve_order`
//! (imposed by fastrs, see fastrs/Cargo.toml) buys; the replay tests compare
//! parsed JSON and would not notice its loss. Expected bytes are FastAPI's,
//! printed by tests/fastapi_key_order/record.py.

use fastrs::prelude::*;

#[derive(Model)]
#[model(extra = "allow")]
struct Item {
    name: String,
    price: f64,
    #[field(extra)]
    extra: fastrs::serde_json::Map<String, fastrs::serde_json::Value>,
}

#[derive(Model)]
struct Strict {
    name: String,
    price: f64,
}

#[post("/items")]
async fn create(item: Item) -> Item {
    item
}

#[post("/strict")]
async fn strict(item: Strict) -> Strict {
    item
}

fn client() -> TestClient {
    TestClient::new(App::new().route(create).route(strict))
}

fn post(client: &TestClient, path: &str, body: &'static str) -> String {
    client
        .post(path)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .text()
}

#[test]
fn extra_keys_come_back_in_arrival_order() {
    let got = post(
        &client(),
        "/items",
        r#"{"zeta":1,"name":"a","alpha":2,"price":1.5,"mid":3}"#,
    );
    assert_eq!(
        got,
        r#"{"name":"a","price":1.5,"zeta":1,"alpha":2,"mid":3}"#
    );
}

#[test]
fn a_422_echoes_the_object_with_its_keys_as_sent() {
    let got = post(&client(), "/strict", r#"{"zeta":1,"price":"x","alpha":2}"#);
    assert_eq!(
        got,
        r#"{"detail":[{"type":"missing","loc":["body","name"],"msg":"Field required","input":{"zeta":1,"price":"x","alpha":2}},{"type":"float_parsing","loc":["body","price"],"msg":"Input should be a valid number, unable to parse string as a number","input":"x"}]}"#
    );
}
