//! Replays requests recorded with every response header
//! (`tests/fastapi_request_response/record.py`: `headers` is the list of
//! `[name, value]` pairs Starlette sent) and lists every difference in
//! status, headers (each name's values in order, e.g. `set-cookie`, byte for
//! byte) and body. `content-length` is left out: the in-process client
//! does not compute it (hyper does, from the body, on a socket). A date the
//! recorder wrote as `<now+N>` (a cookie's `expires` relative to the moment
//! of the request) is checked against this clock, within 3 seconds.

use fastrs::http::Method;
use fastrs::serde_json::{self, Value};
use fastrs::TestClient;

/// Every difference between fastrs's answers and the recorded ones.
pub fn differences(client: &TestClient, cases: &[Value]) -> Vec<String> {
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let req = &case["request"];
        let want = &case["response"];
        // each case alone, as recorded: no cookie kept from an earlier answer
        client.clear_cookies();
        let method = Method::from_bytes(req["method"].as_str().unwrap().as_bytes()).unwrap();
        let mut r = client.request(method, req["path"].as_str().unwrap());
        for (k, v) in req["headers"].as_object().unwrap() {
            r = r.header(k, v.as_str().unwrap());
        }
        if let Some(b) = req["body"].as_str() {
            r = r.body(b.to_owned());
        }
        let got = r.send();
        let mut problems = Vec::new();
        if u64::from(got.status().as_u16()) != want["status"].as_u64().unwrap() {
            problems.push(format!("status {} != {}", got.status(), want["status"]));
        }
        let mut want_headers: Vec<(String, Vec<String>)> = Vec::new();
        for pair in want["headers"].as_array().unwrap() {
            let (k, v) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
            if k == "content-length" {
                continue;
            }
            match want_headers.iter_mut().find(|(n, _)| n == k) {
                Some((_, vs)) => vs.push(v.to_owned()),
                None => want_headers.push((k.to_owned(), vec![v.to_owned()])),
            }
        }
        for (k, vs) in &want_headers {
            let ours: Vec<String> = got
                .headers()
                .get_all(k.as_str())
                .iter()
                .zip(vs.iter().chain(std::iter::repeat(&String::new())))
                .map(|(v, want)| relative_date(&String::from_utf8_lossy(v.as_bytes()), want))
                .collect();
            if &ours != vs {
                problems.push(format!("header {k}\n    got  {ours:?}\n    want {vs:?}"));
            }
        }
        for k in got.headers().keys() {
            if !want_headers.iter().any(|(n, _)| n == k.as_str()) {
                problems.push(format!("extra header {k}: {:?}", got.headers()[k]));
            }
        }
        if let Some(text) = want["text"].as_str() {
            if got.text() != text {
                problems.push(format!(
                    "text\n    got  {:?}\n    want {text:?}",
                    got.text()
                ));
            }
        } else {
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

/// `ours` with its date written as `want`'s `<now+N>` when it is within 3
/// seconds of now + N; else unchanged.
fn relative_date(ours: &str, want: &str) -> String {
    let (Some(start), Some(end)) = (want.find("<now+"), want.find('>')) else {
        return ours.to_owned();
    };
    let n: i64 = want[start + 5..end].parse().expect("<now+N>");
    let Some(date) = ours.get(start..start + 29) else {
        return ours.to_owned();
    };
    let Ok(at) = fastrs::chrono::NaiveDateTime::parse_from_str(date, "%a, %d %b %Y %H:%M:%S GMT")
    else {
        return ours.to_owned();
    };
    let expected = fastrs::chrono::Utc::now().naive_utc() + fastrs::chrono::TimeDelta::seconds(n);
    if (at - expected).num_seconds().abs() > 3 {
        return ours.to_owned();
    }
    format!(
        "{}{}{}",
        &ours[..start],
        &want[start..=end],
        &ours[start + 29..]
    )
}
