//! Replays requests recorded from FastAPI (a `record.py` beside each
//! fixture writes `{"cases": [{name, request, response}]}`) through a
//! fastrs `TestClient`, and lists every case whose status, content type or
//! JSON body differs.

use fastrs::http::Method;
use fastrs::serde_json::{self, Value};
use fastrs::testclient::{AsyncTestClient, TestRequest};
use fastrs::{TestClient, TestResponse};

/// The recorded cases of a `recorded.json`'s text.
pub fn cases(text: &str) -> Vec<Value> {
    let all: Value = serde_json::from_str(text).expect("recorded.json is JSON");
    all["cases"].as_array().expect("cases").clone()
}

/// The recorded request, built on `client`'s request builder.
fn request<'c, C>(
    client: &'c C,
    req: &Value,
    new: fn(&'c C, Method, &str) -> TestRequest<'c, C>,
) -> TestRequest<'c, C> {
    let method = Method::from_bytes(req["method"].as_str().unwrap().as_bytes()).unwrap();
    let mut r = new(client, method, req["path"].as_str().unwrap());
    for (k, v) in req["headers"].as_object().unwrap() {
        r = r.header(k, v.as_str().unwrap());
    }
    if let Some(b) = req["body"].as_str() {
        r = r.body(b.to_owned());
    }
    r
}

/// Sends one recorded request.
pub fn send(client: &TestClient, req: &Value) -> fastrs::TestResponse {
    request(client, req, TestClient::request).send()
}

/// Fails the test, listing them, when `client` answers any recorded case
/// (`recorded`: a `recorded.json`'s text) otherwise than FastAPI did.
#[allow(dead_code)] // not every test file replays this way
pub fn assert_replays(client: &TestClient, recorded: &str) {
    let cases = cases(recorded);
    assert_no_case_differs(&differences(client, &cases), cases.len());
}

/// Fails the test when `failures` (of `total` cases) is not empty.
#[allow(dead_code)]
pub fn assert_no_case_differs(failures: &[String], total: usize) {
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        total,
        failures.join("\n")
    );
}

/// Fails the test, listing the differences, when `ours` is not FastAPI's
/// document (`theirs`: an `openapi.json`'s text).
#[allow(dead_code)]
pub fn assert_openapi_equal(ours: &Value, theirs: &str) {
    let theirs: Value = serde_json::from_str(theirs).expect("openapi.json is JSON");
    let diffs = openapi_differences(ours, &theirs);
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

/// Every difference between fastrs's answers and the recorded ones.
#[allow(dead_code)] // each test file uses one of the two
pub fn differences(client: &TestClient, cases: &[Value]) -> Vec<String> {
    differences_except(client, cases, &[])
}

/// The same through an [`AsyncTestClient`], in order.
#[allow(dead_code)]
pub async fn differences_async(client: &AsyncTestClient, cases: &[Value]) -> Vec<String> {
    let mut failures = Vec::new();
    for case in cases {
        let got = request(client, &case["request"], AsyncTestClient::request)
            .send()
            .await;
        failures.extend(difference(case, &got));
    }
    failures
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
        failures.extend(difference(case, &got));
    }
    failures
}

/// How `got` differs from the case's recorded response, if it does.
fn difference(case: &Value, got: &TestResponse) -> Option<String> {
    let name = case["name"].as_str().unwrap();
    let want = &case["response"];
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
    if let Some(text) = want["text"].as_str() {
        if got.text() != text {
            problems.push(format!(
                "text\n    got  {:?}\n    want {text:?}",
                got.text()
            ));
        }
    }
    if !want["json"].is_null() {
        let body: Value = serde_json::from_slice(got.bytes()).unwrap_or(Value::Null);
        if body != want["json"] {
            problems.push(format!("body\n    got  {body}\n    want {}", want["json"]));
        }
    }
    (!problems.is_empty()).then(|| format!("{name}: {}", problems.join("; ")))
}

/// Every difference between fastrs's OpenAPI document and FastAPI's, as JSON
/// pointers with both values; numbers compare by value.
#[allow(dead_code)] // not every test file compares documents
pub fn openapi_differences(ours: &Value, theirs: &Value) -> Vec<String> {
    let mut out = Vec::new();
    doc_differences(
        &numbers_by_value(ours),
        &numbers_by_value(theirs),
        "",
        &mut out,
    );
    out
}

/// Numbers as f64, so `1` and `1.0` compare equal (Pydantic floats model bounds).
fn numbers_by_value(v: &Value) -> Value {
    match v {
        Value::Number(n) => serde_json::json!(n.as_f64().unwrap_or(f64::NAN)),
        Value::Array(a) => Value::Array(a.iter().map(numbers_by_value).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), numbers_by_value(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Every difference between two documents, as JSON pointers.
fn doc_differences(ours: &Value, theirs: &Value, path: &str, out: &mut Vec<String>) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for k in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                let p = format!("{path}/{k}");
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => doc_differences(x, y, &p, out),
                    (x, y) => out.push(format!("{p}: ours {x:?}, FastAPI's {y:?}")),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                doc_differences(x, y, &format!("{path}/{i}"), out);
            }
        }
        _ if ours == theirs => {}
        _ => out.push(format!("{path}: ours {ours}, FastAPI's {theirs}")),
    }
}
