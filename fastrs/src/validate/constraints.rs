//! Constraints: `gt ge lt le multiple_of min_length max_length pattern`.
//!
//! One [`Constraints`] value, built as a `static` by the macros, serves both
//! sides of FastAPI's promise: it validates a parameter or model field at run
//! time (through the [`Check`] trait, implemented by every value type) and it
//! is written into the JSON Schema of the OpenAPI document. Bounds keep the type
//! of the literal the user wrote; a float field reports its bounds as floats
//! (`{"gt":0.0}`), as Pydantic does.

use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use crate::validation::Invalid;

/// A numeric bound as written in the attribute: `ge = 1` or `gt = 0.5`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// An integer literal.
    Int(i128),
    /// A float literal.
    Float(f64),
}

impl Bound {
    /// The bound as an f64 (for comparisons with floats).
    pub fn as_f64(self) -> f64 {
        match self {
            Bound::Int(i) => i as f64,
            Bound::Float(f) => f,
        }
    }

    /// The bound as JSON, typed as the literal.
    pub fn to_json(self) -> Value {
        match self {
            Bound::Int(i) => int_json(i),
            Bound::Float(f) => float_json(f),
        }
    }
}

fn int_json(i: i128) -> Value {
    if let Ok(v) = i64::try_from(i) {
        Value::from(v)
    } else if let Ok(v) = u64::try_from(i) {
        Value::from(v)
    } else {
        Value::from(i as f64)
    }
}

fn float_json(f: f64) -> Value {
    serde_json::Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// A regular expression from a `pattern = "…"` option, compiled on first use.
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    regex: OnceLock<Option<Regex>>,
}

impl Pattern {
    /// A pattern from its source; usable in a `static`.
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            regex: OnceLock::new(),
        }
    }

    /// The pattern as written.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `s` contains a match (Pydantic's `re.search` semantics).
    pub fn is_match(&self, s: &str) -> bool {
        match self.regex.get_or_init(|| Regex::new(self.source).ok()) {
            Some(re) => re.is_match(s),
            None => false,
        }
    }
}

/// The constraints of one parameter or field; `Constraints::NONE` has none.
///
/// ```
/// use fastrs::constraints::{Bound, Check, Constraints};
/// static AGE: Constraints = Constraints { ge: Some(Bound::Int(0)), le: Some(Bound::Int(150)), ..Constraints::NONE };
/// assert!(30i64.check(&AGE).is_ok());
/// assert_eq!(200i64.check(&AGE).unwrap_err().kind, "less_than_equal");
/// ```
#[derive(Debug)]
pub struct Constraints {
    /// Exclusive minimum.
    pub gt: Option<Bound>,
    /// Inclusive minimum.
    pub ge: Option<Bound>,
    /// Exclusive maximum.
    pub lt: Option<Bound>,
    /// Inclusive maximum.
    pub le: Option<Bound>,
    /// The value must be a multiple of this.
    pub multiple_of: Option<Bound>,
    /// Minimum length: characters of a string, items of a list.
    pub min_length: Option<usize>,
    /// Maximum length: characters of a string, items of a list.
    pub max_length: Option<usize>,
    /// A regular expression a string must contain a match of.
    pub pattern: Option<&'static Pattern>,
    /// Most digits of a decimal in total (Pydantic's `max_digits`).
    pub max_digits: Option<u32>,
    /// Most digits of a decimal after the point (Pydantic's `decimal_places`).
    pub decimal_places: Option<u32>,
}

impl Constraints {
    /// No constraint at all.
    pub const NONE: Constraints = Constraints {
        gt: None,
        ge: None,
        lt: None,
        le: None,
        multiple_of: None,
        min_length: None,
        max_length: None,
        pattern: None,
        max_digits: None,
        decimal_places: None,
    };

    /// Whether no constraint is set.
    pub fn is_empty(&self) -> bool {
        self.gt.is_none()
            && self.ge.is_none()
            && self.lt.is_none()
            && self.le.is_none()
            && self.multiple_of.is_none()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.pattern.is_none()
            && self.max_digits.is_none()
            && self.decimal_places.is_none()
    }
}

/// A value that constraints can be checked on.
///
/// Numbers check the numeric bounds, strings their length and pattern, lists
/// their length; `Option` checks its content when present. Options that do not
/// apply to a type are ignored by it.
pub trait Check {
    /// The first constraint `self` breaks, as Pydantic reports it.
    fn check(&self, c: &Constraints) -> Result<(), Invalid>;
}

/// Formats a bound inside a message the way Python prints the number.
pub(crate) fn display_json_number(v: &Value) -> String {
    match v {
        // Pydantic prints an integral float bound without its ".0" ("less than 10000").
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(0.0);
            if f.is_finite() && f == f.trunc() && f.abs() < 1e16 {
                format!("{f:.0}")
            } else {
                python_float_repr(f)
            }
        }
        // An integer: itoa, as serde_json's Display does, without `fmt`.
        Value::Number(n) => match n.as_i64() {
            Some(i) => itoa::Buffer::new().format(i).to_owned(),
            None => n.as_u64().map_or_else(
                || n.to_string(),
                |u| itoa::Buffer::new().format(u).to_owned(),
            ),
        },
        other => other.to_string(),
    }
}

/// `parts` joined into one allocation: what the error paths use instead of
/// `format!`, whose machinery costs several times more for short messages.
pub(crate) fn join(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// Python's `repr(float)` for the numbers that appear in bounds.
pub(crate) fn python_float_repr(f: f64) -> String {
    if f.is_finite() && f == f.trunc() && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        let s = format!("{f}");
        if f.abs() >= 1e16 && f.is_finite() {
            format!("{f:e}").replace('e', "e+")
        } else {
            s
        }
    }
}

fn bound_error(kind: &'static str, words: &str, key: &'static str, bound: Value) -> Invalid {
    let msg = join(&["Input should be ", words, " ", &display_json_number(&bound)]);
    Invalid::new(kind, msg).with_ctx(key, bound)
}

/// Checks numeric bounds; `to_ctx` gives the bound's JSON as the field reports it.
fn check_numeric(
    v: f64,
    cmp: impl Fn(Bound) -> std::cmp::Ordering,
    c: &Constraints,
    to_ctx: impl Fn(Bound) -> Value,
) -> Result<(), Invalid> {
    use std::cmp::Ordering::*;
    // Pydantic's order: multiple_of, le, lt, ge, gt; NaN fails the first bound.
    if let Some(m) = c.multiple_of {
        let ok = match m {
            Bound::Int(m) if m != 0 && v.fract() == 0.0 && v.abs() < 9.0e15 => (v as i128) % m == 0,
            _ => {
                let m = m.as_f64();
                let rem = v % m;
                let threshold = v.abs() / 1e9;
                !(rem.abs() > threshold && (rem - m).abs() > threshold)
            }
        };
        if !ok {
            let b = to_ctx(m);
            let msg = format!("Input should be a multiple of {}", display_json_number(&b));
            return Err(Invalid::new("multiple_of", msg).with_ctx("multiple_of", b));
        }
    }
    let nan = v.is_nan();
    if let Some(b) = c.le {
        if nan || cmp(b) == Greater {
            return Err(bound_error(
                "less_than_equal",
                "less than or equal to",
                "le",
                to_ctx(b),
            ));
        }
    }
    if let Some(b) = c.lt {
        if nan || cmp(b) != Less {
            return Err(bound_error("less_than", "less than", "lt", to_ctx(b)));
        }
    }
    if let Some(b) = c.ge {
        if nan || cmp(b) == Less {
            return Err(bound_error(
                "greater_than_equal",
                "greater than or equal to",
                "ge",
                to_ctx(b),
            ));
        }
    }
    if let Some(b) = c.gt {
        if nan || cmp(b) != Greater {
            return Err(bound_error("greater_than", "greater than", "gt", to_ctx(b)));
        }
    }
    Ok(())
}

macro_rules! check_int {
    ($($t:ty),*) => {$(
        impl Check for $t {
            fn check(&self, c: &Constraints) -> Result<(), Invalid> {
                let v = *self as i128;
                check_numeric(
                    v as f64,
                    |b| match b {
                        Bound::Int(b) => v.cmp(&b),
                        Bound::Float(f) => (v as f64).partial_cmp(&f).unwrap_or(std::cmp::Ordering::Less),
                    },
                    c,
                    Bound::to_json,
                )
            }
        }
    )*};
}
check_int!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, usize);

macro_rules! check_float {
    ($($t:ty),*) => {$(
        impl Check for $t {
            fn check(&self, c: &Constraints) -> Result<(), Invalid> {
                let v = *self as f64;
                check_numeric(
                    v,
                    |b| v.partial_cmp(&b.as_f64()).unwrap_or(std::cmp::Ordering::Less),
                    c,
                    |b| float_json(b.as_f64()),
                )
            }
        }
    )*};
}
check_float!(f32, f64);

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// "String should have at least 3 characters" (`bound` "at least" or "at most").
fn characters(bound: &str, k: usize) -> String {
    let count = itoa::Buffer::new().format(k).to_owned();
    join(&[
        "String should have ",
        bound,
        " ",
        &count,
        " character",
        plural(k),
    ])
}

/// Checks the length and pattern of a string.
pub fn check_str(s: &str, c: &Constraints) -> Result<(), Invalid> {
    if c.min_length.is_some() || c.max_length.is_some() {
        let n = s.chars().count();
        if let Some(min) = c.min_length {
            if n < min {
                let msg = characters("at least", min);
                return Err(Invalid::new("string_too_short", msg).with_ctx("min_length", min));
            }
        }
        if let Some(max) = c.max_length {
            if n > max {
                let msg = characters("at most", max);
                return Err(Invalid::new("string_too_long", msg).with_ctx("max_length", max));
            }
        }
    }
    if let Some(p) = c.pattern {
        if !p.is_match(s) {
            let msg = format!("String should match pattern '{}'", p.source());
            return Err(
                Invalid::new("string_pattern_mismatch", msg).with_ctx("pattern", p.source())
            );
        }
    }
    Ok(())
}

impl Check for String {
    fn check(&self, c: &Constraints) -> Result<(), Invalid> {
        check_str(self, c)
    }
}

impl Check for bool {
    fn check(&self, _: &Constraints) -> Result<(), Invalid> {
        Ok(())
    }
}

impl<T: Check> Check for Option<T> {
    fn check(&self, c: &Constraints) -> Result<(), Invalid> {
        match self {
            Some(v) => v.check(c),
            None => Ok(()),
        }
    }
}

impl<T> Check for Vec<T> {
    fn check(&self, c: &Constraints) -> Result<(), Invalid> {
        let n = self.len();
        if let Some(min) = c.min_length {
            if n < min {
                let msg = format!(
                    "List should have at least {min} item{} after validation, not {n}",
                    plural(min)
                );
                return Err(Invalid::new("too_short", msg)
                    .with_ctx("field_type", "List")
                    .with_ctx("min_length", min)
                    .with_ctx("actual_length", n));
            }
        }
        if let Some(max) = c.max_length {
            if n > max {
                let msg = format!(
                    "List should have at most {max} item{} after validation, not {n}",
                    plural(max)
                );
                return Err(Invalid::new("too_long", msg)
                    .with_ctx("field_type", "List")
                    .with_ctx("max_length", max)
                    .with_ctx("actual_length", n));
            }
        }
        Ok(())
    }
}

impl Check for serde_json::Value {
    fn check(&self, _: &Constraints) -> Result<(), Invalid> {
        Ok(())
    }
}
