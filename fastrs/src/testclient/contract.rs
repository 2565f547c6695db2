//! The contract check: every response a test client receives is checked
//! against the app's own OpenAPI document.
//!
//! Turned on with [`TestClient::check_contract`](super::TestClient::check_contract)
//! (or the async client's), under the cargo feature `contract` (enable it in
//! `[dev-dependencies]`). For each response to a documented operation:
//!
//! 1. its status must be documented for that operation (the exact code, else
//!    its range such as `4XX`, else `default`);
//! 2. its body must validate, as JSON Schema 2020-12 (the `jsonschema`
//!    crate), against the schema documented for that status and content
//!    type; a body in a content type the operation does not document fails.
//!
//! A mismatch panics, failing the test, with the operation, the status and
//! the path in the schema that failed. Requests to paths the document does
//! not have (404s, `/docs`) are not checked, nor the framework's answers to a
//! body it could not read ([`RequestUnread`](crate::response::RequestUnread):
//! 400, 408, 413), which no operation gave. [`Contract::report`] lists the
//! documented (operation, status) pairs no response exercised.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use http::{HeaderMap, Method, StatusCode};
use serde_json::Value;

/// The app's document and what the client's responses exercised.
pub(crate) struct Contract {
    document: Value,
    paths: matchit::Router<String>,
    validators: Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
    exercised: Mutex<BTreeSet<(String, String, String)>>,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Contract {
    pub(crate) fn new(document: Value) -> Self {
        let mut paths = matchit::Router::new();
        if let Some(p) = document["paths"].as_object() {
            for template in p.keys() {
                // Two templates differing only in their parameters' names
                // cannot both be routes of one app: the first is kept.
                let _ = paths.insert(template.clone(), template.clone());
            }
        }
        Contract {
            document,
            paths,
            validators: Mutex::default(),
            exercised: Mutex::default(),
        }
    }

    /// Checks one response; `Err` says what breaks the contract.
    pub(crate) fn check(
        &self,
        method: &Method,
        path: &str,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(), String> {
        let Ok(found) = self.paths.at(path) else {
            return Ok(());
        };
        let template = found.value.clone();
        let m = method.as_str().to_ascii_lowercase();
        let op = &self.document["paths"][&template][&m];
        if !op.is_object() {
            return Ok(());
        }
        let name = format!("{method} {template}");
        let responses = &op["responses"];
        let code = status.as_str();
        let range = format!("{}XX", &code[..1]);
        let Some(key) = [code, range.as_str(), "default"]
            .into_iter()
            .find(|k| responses.get(k).is_some())
        else {
            let documented: Vec<&str> = responses
                .as_object()
                .map(|r| r.keys().map(String::as_str).collect())
                .unwrap_or_default();
            return Err(format!(
                "{name}: status {code} is not documented (documented: {})",
                documented.join(", ")
            ));
        };
        lock(&self.exercised).insert((template.clone(), m.clone(), key.to_owned()));
        if method == Method::HEAD || body.is_empty() {
            return Ok(());
        }
        let content_type = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let content = &responses[key]["content"];
        let Some(media) = content.get(&content_type) else {
            let documented: Vec<&str> = content
                .as_object()
                .map(|c| c.keys().map(String::as_str).collect())
                .unwrap_or_default();
            return Err(format!(
                "{name}: status {code} answered `{content_type}`, documented: [{}]",
                documented.join(", ")
            ));
        };
        if media.get("schema").is_none() || !content_type.ends_with("json") {
            return Ok(());
        }
        let instance: Value = serde_json::from_slice(body).map_err(|e| {
            format!("{name}: status {code} answered `{content_type}` that is not JSON: {e}")
        })?;
        let pointer = format!(
            "#/paths/{}/{m}/responses/{key}/content/{}/schema",
            escape(&template),
            escape(&content_type)
        );
        let validator = self.validator(&pointer)?;
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| {
                format!(
                    "  at `{}` (schema {}): {e}",
                    e.instance_path(),
                    e.schema_path()
                )
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{name}: the body of status {code} does not match the documented schema\n{}\n  body: {instance}",
                errors.join("\n")
            ))
        }
    }

    /// A validator of the schema at `pointer`, with the document as its
    /// root so that `$ref`s to `#/components/schemas/…` resolve.
    fn validator(&self, pointer: &str) -> Result<std::sync::Arc<jsonschema::Validator>, String> {
        if let Some(v) = lock(&self.validators).get(pointer) {
            return Ok(v.clone());
        }
        let mut root = self.document.clone();
        root["$ref"] = Value::String(pointer.to_owned());
        root["$schema"] = Value::String("https://json-schema.org/draft/2020-12/schema".into());
        let v = std::sync::Arc::new(
            jsonschema::validator_for(&root)
                .map_err(|e| format!("the documented schema {pointer} is not valid: {e}"))?,
        );
        lock(&self.validators).insert(pointer.to_owned(), v.clone());
        Ok(v)
    }

    /// The documented (operation, status) pairs no response exercised, one
    /// per line (`GET /items/{id} 404`); empty when all were.
    pub(crate) fn report(&self) -> String {
        let exercised = lock(&self.exercised);
        let mut out = String::new();
        let Some(paths) = self.document["paths"].as_object() else {
            return out;
        };
        for (template, item) in paths {
            for m in METHODS {
                let Some(statuses) = item[m]["responses"].as_object() else {
                    continue;
                };
                for status in statuses.keys() {
                    if !exercised.contains(&(template.clone(), m.to_owned(), status.clone())) {
                        out.push_str(&format!("{} {template} {status}\n", m.to_uppercase()));
                    }
                }
            }
        }
        out
    }
}

/// A JSON pointer segment (RFC 6901), percent-encoded for a URI fragment.
fn escape(segment: &str) -> String {
    let s = segment.replace('~', "~0").replace('/', "~1");
    percent_encoding::utf8_percent_encode(&s, FRAGMENT).to_string()
}

const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'%')
    .add(b'#');

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
