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

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

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
    /// Pydantic's `ctx`, where it gives one.
    pub ctx: Option<Map<String, Value>>,
}

impl Invalid {
    /// An error without context.
    pub fn new(kind: &'static str, msg: impl Into<Cow<'static, str>>) -> Self {
        Invalid {
            kind,
            msg: msg.into(),
            ctx: None,
        }
    }

    /// Adds one entry to the context.
    pub fn with_ctx(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.ctx
            .get_or_insert_with(Map::new)
            .insert(key.to_owned(), value.into());
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
    /// Extra context (`{"ge": 1}`), absent where Pydantic gives none.
    pub ctx: Option<Map<String, Value>>,
}

impl Serialize for ErrorDetail {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("type", self.kind)?;
        m.serialize_entry("loc", &self.loc)?;
        m.serialize_entry("msg", &self.msg)?;
        m.serialize_entry("input", &self.input)?;
        if let Some(ctx) = &self.ctx {
            m.serialize_entry("ctx", ctx)?;
        }
        m.end()
    }
}

/// All the errors of one request: FastAPI's `RequestValidationError`.
///
/// Answered as 422 `{"detail": [...]}` unless the app registers its own handler.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValidationErrors {
    errors: Vec<ErrorDetail>,
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

    /// Moves the errors of `other` after these.
    pub fn extend(&mut self, other: ValidationErrors) {
        self.errors.extend(other.errors);
    }

    /// The response body: `{"detail":[…]}`.
    pub fn to_json(&self) -> Vec<u8> {
        // About 160 bytes an error: sized once rather than grown.
        let mut out = Vec::with_capacity(16 + 192 * self.errors.len());
        match serde_json::to_writer(&mut out, &Detail(&self.errors)) {
            Ok(()) => out,
            Err(_) => Vec::new(),
        }
    }
}

struct Detail<'a>(&'a [ErrorDetail]);

impl Serialize for Detail<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct List<'a>(&'a [ErrorDetail]);
        impl Serialize for List<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(Some(self.0.len()))?;
                for e in self.0 {
                    seq.serialize_element(e)?;
                }
                seq.end()
            }
        }
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("detail", &List(self.0))?;
        m.end()
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
