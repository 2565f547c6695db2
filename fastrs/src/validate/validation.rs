//! Validation errors: FastAPI's `RequestValidationError`, in Pydantic v2's exact shape.
//!
//! Every check in fastrs reports an [`Invalid`] (what is wrong: Pydantic's error
//! `type`, message and context) and the caller places it with a location and the
//! offending input, giving an [`ErrorDetail`]. A request collects all of them in
//! [`ValidationErrors`] before answering, so a client sees every mistake at once:
//! `{"detail":[{"type","loc","msg","input","ctx"}]}` with status 422.
//!
//! The messages are Pydantic's word for word (FastAPI's real output is recorded
//! in `tests/fastapi_twin/` and the tests compare against it).

use std::borrow::Cow;
use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// One step of an error location: an object key or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocItem {
    /// A field name, or the source of a parameter (`"body"`, `"query"`…).
    Key(Cow<'static, str>),
    /// A position in a list.
    Index(usize),
}

impl From<&'static str> for LocItem {
    fn from(s: &'static str) -> Self {
        LocItem::Key(Cow::Borrowed(s))
    }
}

impl From<String> for LocItem {
    fn from(s: String) -> Self {
        LocItem::Key(Cow::Owned(s))
    }
}

impl From<usize> for LocItem {
    fn from(i: usize) -> Self {
        LocItem::Index(i)
    }
}

impl Serialize for LocItem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            LocItem::Key(k) => s.serialize_str(k),
            LocItem::Index(i) => s.serialize_u64(*i as u64),
        }
    }
}

/// A location being walked by the validator: `["body", "items", 0, "quantity"]`.
///
/// Validators push a step before descending and pop it after, so no location is
/// allocated unless an error is actually reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loc(Vec<LocItem>);

impl Loc {
    /// A location starting at `root` (`"body"`, `"query"`, `"path"`…).
    pub fn new(root: impl Into<LocItem>) -> Self {
        Loc(vec![root.into()])
    }

    /// An empty location.
    pub fn empty() -> Self {
        Loc(Vec::new())
    }

    /// Descends one step.
    pub fn push(&mut self, item: impl Into<LocItem>) {
        self.0.push(item.into());
    }

    /// Goes back up one step.
    pub fn pop(&mut self) {
        self.0.pop();
    }

    /// The steps of this location.
    pub fn items(&self) -> &[LocItem] {
        &self.0
    }
}

/// What is wrong with a value, before it is placed: Pydantic's error `type`,
/// its message and its context.
///
/// ```
/// use fastrs::validation::Invalid;
/// let e = Invalid::new("int_parsing", "Input should be a valid integer, unable to parse string as an integer");
/// assert_eq!(e.kind, "int_parsing");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    /// Pydantic's error type, e.g. `"string_too_short"`.
    pub kind: &'static str,
    /// The human message, e.g. `"String should have at least 1 character"`.
    pub msg: Cow<'static, str>,
    /// Pydantic's `ctx`, where it gives one (empty: no `ctx`).
    pub ctx: Ctx,
}

/// An error's context (`{"ge": 1}`): its entries in order, under keys that
/// are always names known at compile time. A list, not a map: an error has
/// one or two entries, and none is ever looked up by key on the hot path.
pub type Ctx = Vec<(&'static str, Value)>;

impl Invalid {
    /// An error without context.
    pub fn new(kind: &'static str, msg: impl Into<Cow<'static, str>>) -> Self {
        Invalid {
            kind,
            msg: msg.into(),
            ctx: Ctx::new(),
        }
    }

    /// Adds one entry to the context (replacing an entry of the same key).
    pub fn with_ctx(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        let value = value.into();
        match self.ctx.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.ctx.push((key, value)),
        }
        self
    }

    /// Pydantic's `missing`: "Field required".
    pub fn missing() -> Self {
        Invalid::new("missing", "Field required")
    }
}

/// One entry of a 422 response's `detail` list.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorDetail {
    /// Pydantic's error type.
    pub kind: &'static str,
    /// Where the error is: `["body", "items", 0, "quantity"]`.
    pub loc: Vec<LocItem>,
    /// The message.
    pub msg: Cow<'static, str>,
    /// The offending input as received (raw string for parameters).
    pub input: Value,
    /// Extra context (`{"ge": 1}`), empty where Pydantic gives none.
    pub ctx: Ctx,
}

impl Serialize for ErrorDetail {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("type", self.kind)?;
        m.serialize_entry("loc", &self.loc)?;
        m.serialize_entry("msg", &self.msg)?;
        m.serialize_entry("input", &self.input)?;
        if !self.ctx.is_empty() {
            m.serialize_entry("ctx", &CtxMap(&self.ctx))?;
        }
        m.end()
    }
}

/// A [`Ctx`] serialized as the JSON object it stands for.
struct CtxMap<'a>(&'a [(&'static str, Value)]);

impl Serialize for CtxMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// All the errors of one request: FastAPI's `RequestValidationError`.
///
/// Answered as 422 `{"detail": [...]}` unless the app registers its own handler.
#[derive(Debug, Clone, Default)]
pub struct ValidationErrors {
    errors: Vec<ErrorDetail>,
    /// The ranges of `errors` that dependencies reported (they come first
    /// when a handler's errors are put in order: [`Self::sort_from`]).
    dependencies: Vec<(usize, usize)>,
    /// The request body as received, for the app's exception handlers
    /// (FastAPI's `exc.body`): set only when the app has some.
    body: Option<Value>,
}

impl PartialEq for ValidationErrors {
    fn eq(&self, other: &Self) -> bool {
        self.errors == other.errors
    }
}

impl ValidationErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `err` at `loc` for `input`.
    pub fn push(&mut self, loc: &Loc, input: Value, err: Invalid) {
        self.errors.push(ErrorDetail {
            kind: err.kind,
            loc: loc.0.clone(),
            msg: err.msg,
            input,
            ctx: err.ctx,
        });
    }

    /// Records a complete error.
    pub fn push_detail(&mut self, detail: ErrorDetail) {
        self.errors.push(detail);
    }

    /// Whether no error was recorded.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// How many errors were recorded.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// The recorded errors, in the order they were found.
    pub fn errors(&self) -> &[ErrorDetail] {
        &self.errors
    }

    /// The request body the errors were found in, as FastAPI's `exc.body`
    /// gives it to a validation-error handler: the parsed JSON, the text of
    /// a body that is not JSON (or not valid JSON), the fields of a form,
    /// `null` without a body. It is kept only when the app registers
    /// exception handlers, so it is `None` in the 422 fastrs writes itself.
    ///
    /// ```
    /// use fastrs::prelude::*;
    /// use fastrs::ValidationErrors;
    ///
    /// #[derive(Model)]
    /// struct Item { title: String, size: i64 }
    ///
    /// #[post("/items/")]
    /// async fn create_item(item: Item) -> Item { item }
    ///
    /// let app = App::new().route(create_item).exception_handler(|exc: &ValidationErrors| {
    ///     let body = serde_json::json!({"detail": exc.errors(), "body": exc.body()});
    ///     (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
    /// });
    /// let r = TestClient::new(app).post("/items/").json(&serde_json::json!({"title": "towel", "size": "XL"})).send();
    /// assert_eq!(r.json()["body"], serde_json::json!({"title": "towel", "size": "XL"}));
    /// ```
    pub fn body(&self) -> Option<&Value> {
        self.body.as_ref()
    }

    /// Sets the body reported by [`body`](Self::body).
    pub fn set_body(&mut self, body: Value) {
        self.body = Some(body);
    }

    /// The errors recorded since `start`, to adjust (a parameter model
    /// renames its header fields in their `loc`).
    pub fn since_mut(&mut self, start: usize) -> &mut [ErrorDetail] {
        let start = start.min(self.errors.len());
        &mut self.errors[start..]
    }

    /// Marks the errors recorded since `start` as a dependency's.
    pub fn mark_dependency(&mut self, start: usize) {
        if self.errors.len() > start {
            self.dependencies.push((start, self.errors.len()));
        }
    }

    /// Puts the errors recorded since `start` (one handler's or dependency's
    /// parameters, extracted in declaration order) in FastAPI's order: its
    /// dependencies' errors first, then path, query, header, cookie and body
    /// parameters', each group in declaration order.
    pub fn sort_from(&mut self, start: usize) {
        if self.dependencies.is_empty() && self.errors.len() < start + 2 {
            return; // nothing to order: every valid request
        }
        let deps = std::mem::take(&mut self.dependencies);
        let (inner, outer): (Vec<_>, Vec<_>) = deps.into_iter().partition(|&(s, _)| s >= start);
        self.dependencies = outer;
        if self.errors.len() < start + 2 {
            return;
        }
        let rank = |i: usize, e: &ErrorDetail| -> u8 {
            if inner.iter().any(|&(s, end)| (s..end).contains(&i)) {
                return 0;
            }
            match e.loc.first() {
                Some(LocItem::Key(k)) => match &**k {
                    "path" => 1,
                    "query" => 2,
                    "header" => 3,
                    "cookie" => 4,
                    _ => 5,
                },
                _ => 5,
            }
        };
        let mut tail: Vec<(u8, ErrorDetail)> = self
            .errors
            .drain(start..)
            .enumerate()
            .map(|(i, e)| (rank(start + i, &e), e))
            .collect();
        tail.sort_by_key(|(r, _)| *r);
        self.errors.extend(tail.into_iter().map(|(_, e)| e));
    }

    /// Moves the errors of `other` after these.
    pub fn extend(&mut self, other: ValidationErrors) {
        self.errors.extend(other.errors);
    }

    /// The response body: `{"detail":[…]}`, byte for byte what
    /// `serde_json` writes for the [`Serialize`] form, written directly: the
    /// keys and error types are known, and most strings need no escaping.
    pub fn to_json(&self) -> Vec<u8> {
        // About 160 bytes an error: sized once rather than grown.
        let mut out = Vec::with_capacity(16 + 192 * self.errors.len());
        out.extend_from_slice(b"{\"detail\":[");
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            e.write_json(&mut out);
        }
        out.extend_from_slice(b"]}");
        out
    }
}

impl ErrorDetail {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"type\":");
        write_str(out, self.kind);
        out.extend_from_slice(b",\"loc\":[");
        for (i, l) in self.loc.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            match l {
                LocItem::Key(k) => write_str(out, k),
                LocItem::Index(n) => {
                    out.extend_from_slice(itoa::Buffer::new().format(*n).as_bytes())
                }
            }
        }
        out.extend_from_slice(b"],\"msg\":");
        write_str(out, &self.msg);
        out.extend_from_slice(b",\"input\":");
        write_value(out, &self.input);
        if !self.ctx.is_empty() {
            out.extend_from_slice(b",\"ctx\":{");
            for (i, (k, v)) in self.ctx.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(out, k);
                out.push(b':');
                write_value(out, v);
            }
            out.push(b'}');
        }
        out.push(b'}');
    }
}

/// A JSON string as `serde_json` writes it: copied as it is when nothing in
/// it needs escaping (no `"`, `\\` or control character), else by `serde_json`.
fn write_str(out: &mut Vec<u8>, s: &str) {
    if !needs_escape(s.as_bytes()) {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

/// Whether `b` has a byte JSON escapes: below 0x20, `"` or `\\`. Eight
/// bytes at a time (a byte of 0x80 or more never matches).
fn needs_escape(b: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // A high bit set where a byte of `x` is below `n` (n <= 0x80).
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_ne_bytes(w);
        if below(x, 0x20) | below(x ^ (ONES * 0x22), 1) | below(x ^ (ONES * 0x5C), 1) != 0 {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&c| c < 0x20 || c == b'"' || c == b'\\')
}

fn write_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::String(s) => write_str(out, s),
        Value::Null => out.extend_from_slice(b"null"),
        other => {
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} validation error(s)", self.errors.len())?;
        for e in &self.errors {
            let loc: Vec<String> = e
                .loc
                .iter()
                .map(|l| match l {
                    LocItem::Key(k) => k.to_string(),
                    LocItem::Index(i) => i.to_string(),
                })
                .collect();
            write!(f, "\n  {}: {} [type={}]", loc.join("."), e.msg, e.kind)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What `serde_json` writes for `{"detail": errors}` through `Serialize`.
    fn by_serde(errors: &ValidationErrors) -> Vec<u8> {
        serde_json::to_vec(&json!({ "detail": errors.errors() })).unwrap()
    }

    #[test]
    fn needs_escape_finds_every_byte_json_escapes_at_every_position() {
        for len in 0..20 {
            for pos in 0..len {
                for bad in (0u8..0x20).chain([b'"', b'\\']) {
                    let mut b = vec![b'a'; len];
                    b[pos] = bad;
                    assert!(needs_escape(&b), "{b:?}");
                }
                for good in (0x20u8..=0xFF).filter(|c| *c != b'"' && *c != b'\\') {
                    let mut b = vec![b'a'; len];
                    b[pos] = good;
                    assert!(!needs_escape(&b), "{b:?}");
                }
            }
        }
    }

    #[test]
    fn the_hand_written_body_is_what_serde_json_writes() {
        let mut errors = ValidationErrors::new();
        assert_eq!(errors.to_json(), by_serde(&errors));
        let mut loc = Loc::new("body");
        loc.push("items");
        loc.push(12);
        loc.push(String::from("na\"me\\ \u{1}\n\t/é😀"));
        let inputs = [
            json!("plain"),
            json!("quote \" backslash \\ control \u{7} \u{1f} tab \t newline \n é 😀 </script>"),
            json!(null),
            json!(true),
            json!(-12),
            json!(18446744073709551615u64),
            json!(1.5e300),
            json!(0.1),
            json!([1, "a\"", {"k": null}]),
            json!({"name": "", "nested": {"x": [1.25, false]}, "q\"k": "v\n"}),
        ];
        for (i, input) in inputs.into_iter().enumerate() {
            let mut e = Invalid::new(
                "string_too_short",
                "String should have at least 1 character",
            );
            if i % 2 == 0 {
                e = e
                    .with_ctx("min_length", 1)
                    .with_ctx("reason", "it's \"bad\"\n")
                    .with_ctx("ge", 0.5)
                    .with_ctx("expected", json!(["a", "b"]));
            }
            if i == 3 {
                e.msg = Cow::Owned(format!("Value error, {}", "\u{0}\u{8}\u{c}\r"));
            }
            errors.push(&loc, input, e);
        }
        let ours = errors.to_json();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(by_serde(&errors)).unwrap()
        );
    }
}
