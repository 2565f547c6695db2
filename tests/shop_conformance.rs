//! The Rust shop against its FastAPI twin, request by request.
//!
//! `tests/fastapi_shop/app.py` is the shop's contract written with FastAPI;
//! `tests/fastapi_shop/record.py` ran one long scripted session through
//! FastAPI's TestClient on a fresh database and saved every answer in
//! `tests/fastapi_shop/recorded.json` (re-record: `python3
//! tests/fastapi_shop/record.py`). Here the same requests, in the same order,
//! go to the Rust shop on a fresh SQLite file, and status, body and the
//! recorded headers must be the same. Tokens are placeholders: a login's
//! `access_token` is kept under the case's `save_token` name and sent where a
//! later request says `{token:NAME}`; `created_at` and `X-Response-Time` are
//! compared by format.
//!
//! Where `shared/example-api.md` asks for something else than FastAPI does,
//! the contract wins: those cases are listed in [`CONTRACT_WINS`], each with
//! the contract's answer checked instead.

#[path = "fastapi_shop/harness.rs"]
mod harness;

use std::collections::HashMap;

use fastrs::http::Method;
use fastrs::serde_json::{self, Value};
use fastrs::{TestClient, TestResponse};
use harness::TestDb;

/// A case where the contract differs from FastAPI: why, and the contract's
/// answer (status, `Allow`, `Content-Type`), checked instead of FastAPI's.
struct ContractWins {
    name: &'static str,
    why: &'static str,
    status: u16,
    allow: Option<&'static str>,
    content_type: Option<&'static str>,
}

const HEAD: &str = "HEAD on a GET route is the GET without a body (FastAPI: 405)";
const ALLOW: &str = "Allow lists every method of the path, HEAD included with GET \
     (Starlette lists only the first matching route's methods, without HEAD)";
const NO_CONTENT: &str = "a 204 has no Content-Type (FastAPI sends application/json)";

const CONTRACT_WINS: &[ContractWins] = &[
    ContractWins {
        name: "root head",
        why: HEAD,
        status: 200,
        allow: None,
        content_type: Some("application/json"),
    },
    ContractWins {
        name: "users head",
        why: HEAD,
        status: 200,
        allow: None,
        content_type: Some("application/json"),
    },
    ContractWins {
        name: "item delete",
        why: NO_CONTENT,
        status: 204,
        allow: None,
        content_type: None,
    },
    ContractWins {
        name: "item delete again",
        why: NO_CONTENT,
        status: 204,
        allow: None,
        content_type: None,
    },
    ContractWins {
        name: "users put",
        why: ALLOW,
        status: 405,
        allow: Some("GET, HEAD, POST"),
        content_type: Some("application/json"),
    },
    ContractWins {
        name: "root delete",
        why: ALLOW,
        status: 405,
        allow: Some("GET, HEAD"),
        content_type: Some("application/json"),
    },
    ContractWins {
        name: "items post wrong method on id",
        why: ALLOW,
        status: 405,
        allow: Some("DELETE, GET, HEAD"),
        content_type: Some("application/json"),
    },
];

/// What differs from the contract's answer in a [`CONTRACT_WINS`] case.
fn contract_differences(got: &TestResponse, c: &ContractWins) -> Vec<String> {
    let mut problems = Vec::new();
    if got.status().as_u16() != c.status {
        problems.push(format!("status {} != {}", got.status().as_u16(), c.status));
    }
    if got.header("allow") != c.allow {
        problems.push(format!("allow {:?} != {:?}", got.header("allow"), c.allow));
    }
    if got.header("content-type") != c.content_type {
        problems.push(format!(
            "content-type {:?} != {:?}",
            got.header("content-type"),
            c.content_type
        ));
    }
    let empty = c.status != 405;
    if empty != got.bytes().is_empty() {
        problems.push(format!("body {:?}", got.text()));
    }
    if !got.header("x-response-time").is_some_and(is_seconds) {
        problems.push("no x-response-time".into());
    }
    problems
}

fn recorded() -> Value {
    serde_json::from_str(include_str!("fastapi_shop/recorded.json")).expect("recorded.json")
}

fn is_datetime(s: &str) -> bool {
    harness::is_rfc3339(s)
}

fn is_seconds(s: &str) -> bool {
    s.strip_suffix('s')
        .and_then(|n| n.split_once('.'))
        .is_some_and(|(a, b)| {
            !a.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.len() == 4
                && b.bytes().all(|c| c.is_ascii_digit())
        })
}

/// The recording's normalisation, applied to a Rust answer.
fn normalise(
    v: &Value,
    tokens: &mut HashMap<String, String>,
    save: Option<&str>,
    problems: &mut Vec<String>,
) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("created_at", Value::String(s)) => {
                            if !is_datetime(s) {
                                problems.push(format!("created_at {s:?} is not RFC 3339"));
                            }
                            Value::from("<datetime>")
                        }
                        ("access_token", Value::String(s)) => {
                            if let Some(name) = save {
                                tokens.insert(name.to_owned(), s.clone());
                            }
                            Value::from("<token>")
                        }
                        _ => normalise(v, tokens, save, problems),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|v| normalise(v, tokens, save, problems))
                .collect(),
        ),
        v => v.clone(),
    }
}

fn substitute(s: &str, tokens: &HashMap<String, String>) -> String {
    let mut out = s.to_owned();
    for (name, token) in tokens {
        out = out.replace(&format!("{{token:{name}}}"), token);
    }
    out
}

fn send(client: &TestClient, case: &Value, tokens: &HashMap<String, String>) -> TestResponse {
    let method = Method::from_bytes(case["method"].as_str().unwrap().as_bytes()).unwrap();
    let mut r = client.request(method, case["path"].as_str().unwrap());
    for (k, v) in case["headers"].as_object().unwrap() {
        r = r.header(k, &substitute(v.as_str().unwrap(), tokens));
    }
    if let Some(b) = case["body"].as_str() {
        r = r.body(b.to_owned());
    }
    r.send()
}

const HEADERS: &[&str] = &[
    "content-type",
    "www-authenticate",
    "location",
    "allow",
    "vary",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
];

/// What differs between the Rust answer and FastAPI's.
fn differences(
    got: &TestResponse,
    want: &Value,
    tokens: &mut HashMap<String, String>,
    save: Option<&str>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if u64::from(got.status().as_u16()) != want["status"].as_u64().unwrap() {
        problems.push(format!(
            "status {} != {}",
            got.status().as_u16(),
            want["status"]
        ));
    }
    if let Some(text) = want.get("text") {
        if got.text() != text.as_str().unwrap() {
            problems.push(format!("text {:?} != {text}", got.text()));
        }
    } else {
        let body: Value = serde_json::from_slice(got.bytes()).unwrap_or(Value::Null);
        let body = normalise(&body, tokens, save, &mut problems);
        if body != want["json"] {
            problems.push(format!(
                "body\n      got  {body}\n      want {}",
                want["json"]
            ));
        }
    }
    for h in HEADERS {
        let mut w = want["headers"][h].as_str().map(str::to_owned);
        if *h == "location" {
            // Starlette makes the redirect absolute with the request's host.
            w = w.map(|l| l.trim_start_matches("http://testserver").to_owned());
        }
        let g = got
            .header(h)
            .map(|l| l.trim_start_matches("http://testserver").to_owned());
        if g != w {
            problems.push(format!("{h}: {g:?} != {w:?}"));
        }
    }
    match got.header("x-response-time") {
        Some(t) if is_seconds(t) => {}
        t => problems.push(format!("x-response-time {t:?}")),
    }
    problems
}

#[test]
fn the_shop_answers_as_its_fastapi_twin() {
    replay(&TestDb::sqlite());
}

/// The same session on PostgreSQL (when one answers): the same ids and answers.
#[test]
fn the_shop_on_postgres_answers_as_its_fastapi_twin() {
    if let Some(db) = TestDb::postgres() {
        replay(&db);
    }
}

fn replay(db: &TestDb) {
    let all = recorded();
    let cases = all["cases"].as_array().unwrap();
    assert!(cases.len() >= 120, "{} cases", cases.len());
    let client = db.client();
    let mut tokens = HashMap::new();
    let mut failures = Vec::new();
    let mut contract = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let got = send(&client, case, &tokens);
        let save = case["save_token"].as_str();
        let problems = differences(&got, &case["response"], &mut tokens, save);
        if let Some(c) = CONTRACT_WINS.iter().find(|c| c.name == name) {
            assert!(
                !problems.is_empty(),
                "{name}: FastAPI now answers as the contract: drop it from CONTRACT_WINS"
            );
            let problems = contract_differences(&got, c);
            if !problems.is_empty() {
                failures.push(format!(
                    "{name} (contract: {}):\n    {}",
                    c.why,
                    problems.join("\n    ")
                ));
            }
            contract.push(name);
            continue;
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{name} ({} {}):\n    {}",
                case["method"],
                case["path"],
                problems.join("\n    ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}: {} of {} cases differ from FastAPI:\n{}",
        db.backend,
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(
        contract.len(),
        CONTRACT_WINS.len(),
        "every contract case was recorded"
    );
}

/// `fastrs`'s document with the descriptions FastAPI's lacks removed (the
/// shop's doc comments become descriptions; the twin has none).
fn without_extra_descriptions(ours: &Value, theirs: &Value) -> Value {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => Value::Object(
            a.iter()
                .filter(|(k, _)| k.as_str() != "description" || b.contains_key(k.as_str()))
                .map(|(k, v)| {
                    let w = b.get(k).unwrap_or(&Value::Null);
                    (k.clone(), without_extra_descriptions(v, w))
                })
                .collect(),
        ),
        (Value::Array(a), Value::Array(b)) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, v)| without_extra_descriptions(v, b.get(i).unwrap_or(&Value::Null)))
                .collect(),
        ),
        (Value::Number(n), _) => {
            // JSON Schema numbers: `0` and `0.0` are the same (Pydantic 2.13
            // writes a model's int bounds as floats, its query bounds as ints).
            serde_json::Number::from_f64(n.as_f64().unwrap()).map_or(Value::Null, Value::Number)
        }
        (v, _) => v.clone(),
    }
}

fn numbers_as_floats(v: &Value) -> Value {
    without_extra_descriptions(v, v)
}

#[test]
fn the_openapi_document_is_fastapis() {
    let all = recorded();
    let theirs = &numbers_as_floats(&all["openapi"]);
    let ours = shop::app(shop::Config::new("sqlite::memory:")).openapi();
    let ours = without_extra_descriptions(&ours, theirs);
    for (path, item) in theirs["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert_eq!(&ours["paths"][path][method], op, "{method} {path}");
        }
    }
    for (name, schema) in theirs["components"]["schemas"].as_object().unwrap() {
        assert_eq!(
            &ours["components"]["schemas"][name], schema,
            "schema {name}"
        );
    }
    assert_eq!(ours, *theirs);
}
