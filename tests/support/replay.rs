//! Replays requests recorded from FastAPI (a `record.py` beside each
//! fixture writes `{"cases": [{name, request, response}]}`) through a
//! fastrs `TestClient`, and lists every case whose status, content type or
//! JSON body differs.

use fastrs::http::Method;
use fastrs::serde_json::{self, Value};
use fastrs::TestClient;

/// The recorded cases of a `recorded.json`'s text.
pub fn cases(text: &str) -> Vec<Value> {
    let all: Value = serde_json::from_str(text).expect("recorded.json is JSON");
    all["cases"].as_array().expect("cases").clone()
}

/// Sends one recorded request.
pub fn send(client: &TestClient, req: &Value) -> fastrs::TestResponse {
    let method = Method::from_bytes(req["method"].as_str().unwrap().as_bytes()).unwrap();
    let mut r = client.request(method, req["path"].as_str().unwrap());
    for (k, v) in req["headers"].as_object().unwrap() {
        r = r.header(k, v.as_str().unwrap());
    }
    if let Some(b) = req["body"].as_str() {
        r = r.body(b.to_owned());
    }
    r.send()
}

/// Every difference between fastrs's answers and the recorded ones.
#[allow(dead_code)] // each test file uses one of the two
pub fn differences(client: &TestClient, cases: &[Value]) -> Vec<String> {
    differences_except(client, cases, &[])
}

/// Every difference between fastrs's answers and the recorded ones, except
/// in the cases of `deliberate` (name, fastrs's own status, why), where
/// fastrs differs on purpose and only its own status is checked.
pub fn differences_except(
    client: &TestClient,
    cases: &[Value],
    deliberate: &[(&str, u16, &str)],
) -> Vec<String> {
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let want = &case["response"];
        let got = send(client, &case["request"]);
        if let Some((_, status, _)) = deliberate.iter().find(|(n, _, _)| *n == name) {
            if got.status() != *status {
                failures.push(format!(
                    "{name}: expected fastrs's {status}, got {}: {}",
                    got.status(),
                    got.text()
                ));
            }
            continue;
        }
        let mut problems = Vec::new();
        if u64::from(got.status().as_u16()) != want["status"].as_u64().unwrap() {
            problems.push(format!("status {} != {}", got.status(), want["status"]));
        }
        if got.header("content-type") != want["content_type"].as_str() {
            problems.push(format!(
                "content-type {:?} != {:?}",
                got.header("content-type"),
                want["content_type"]
            ));
        }
        if !want["json"].is_null() {
            let body: Value = serde_json::from_slice(got.bytes()).unwrap_or(Value::Null);
            if body != want["json"] {
                problems.push(format!("body\n    got  {body}\n    want {}", want["json"]));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    failures
}
