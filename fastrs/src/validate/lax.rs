//! Lax conversions: Pydantic's "lax mode" for scalars, from strings and JSON.
//!
//! Pydantic accepts `"42"`, `42.0` and `true` where an `int` is declared, and
//! FastAPI users rely on it; query, path, header and cookie values are always
//! strings and go through the same rules. This module holds those rules once:
//!
//! * [`FromParam`]: a parameter value from its raw string (`" 1"`, `"+1"`,
//!   `"1_0"` and `"2.0"` are the integer 1, 1, 10, 2).
//! * [`FromJson`]: a body value, in two ways. `deserialize_lax` is the fast
//!   path, a serde deserialization straight into the typed value that gives up
//!   at the first problem; `from_json` is the slow path, run only when the fast
//!   one failed, which walks a `serde_json::Value` and reports every error with
//!   its exact location and input.
//!
//! Integers outside the Rust type (an `i64` given 2^63, a `u32` given -1) are
//! reported as the bound they break (`less_than_equal`, `greater_than_equal`)
//! rather than accepted as Python would, or crashing.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::validation::{Invalid, Loc, ValidationErrors};

/// A value that can be read from one raw parameter string (path, query,
/// header, cookie, form field).
///
/// ```
/// use fastrs::lax::FromParam;
/// assert_eq!(i64::from_param(" +1_0 ").unwrap(), 10);
/// assert_eq!(i64::from_param("2.5").unwrap_err().kind, "int_parsing");
/// assert!(bool::from_param("yes").unwrap());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a path, query, header or cookie parameter",
    label = "not a parameter type",
    note = "parameters are scalars (integers, floats, bool, String, string enums deriving `Model`), newtypes deriving `Model` of them, `Option` or `Vec` of them"
)]
pub trait FromParam: Sized + crate::constraints::Check + schemars::JsonSchema {
    /// Parses the raw string.
    fn from_param(raw: &str) -> Result<Self, Invalid>;
}

/// A value that can be read from a JSON body, with Pydantic's lax coercions.
///
/// A user type becomes a model field (or a body) by implementing it, with
/// [`Check`](crate::Check), `JsonSchema`, `Serialize` and
/// [`Dump`](crate::model::Dump):
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::lax::FromJson;
/// use fastrs::validation::{Invalid, Loc, ValidationErrors};
/// use fastrs::serde_json::Value;
///
/// /// A percentage, 0 to 100, read from a number.
/// #[derive(Debug, serde::Serialize)]
/// struct Percent(f64);
///
/// fn percent(f: f64) -> Result<Percent, Invalid> {
///     if (0.0..=100.0).contains(&f) {
///         Ok(Percent(f))
///     } else {
///         Err(Invalid::new("value_error", "Value error, not a percentage"))
///     }
/// }
///
/// impl FromJson for Percent {
///     fn deserialize_lax<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
///         let f = f64::deserialize_lax(d)?;
///         percent(f).map_err(|e| serde::de::Error::custom(e.msg))
///     }
///     fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
///         let f = f64::from_json(v, loc, errors)?;
///         fastrs::lax::record(percent(f), v, loc, errors)
///     }
/// }
///
/// impl fastrs::Check for Percent {
///     fn check(&self, c: &fastrs::Constraints) -> Result<(), Invalid> {
///         self.0.check(c)
///     }
/// }
///
/// // Written as its `Serialize` says (a type may write itself as Pydantic would).
/// impl fastrs::model::Dump for Percent {}
///
/// impl fastrs::schemars::JsonSchema for Percent {
///     fn schema_name() -> std::borrow::Cow<'static, str> {
///         "Percent".into()
///     }
///     fn json_schema(g: &mut fastrs::schemars::SchemaGenerator) -> fastrs::schemars::Schema {
///         f64::json_schema(g)
///     }
/// }
///
/// #[derive(Model)]
/// struct Discount {
///     rate: Percent,
/// }
///
/// #[post("/discounts")]
/// async fn create(d: Discount) -> String {
///     format!("{}", d.rate.0)
/// }
///
/// let client = TestClient::new(App::new().route(create));
/// let r = client.post("/discounts").json(&serde_json::json!({"rate": "12.5"})).send();
/// assert_eq!(r.json(), "12.5");
/// let r = client.post("/discounts").json(&serde_json::json!({"rate": 120})).send();
/// assert_eq!(r.status(), 422);
/// assert_eq!(r.json()["detail"][0]["loc"], serde_json::json!(["body", "rate"]));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a JSON body",
    label = "not a body type",
    note = "derive `fastrs::Model` for request models; fields may be scalars, `String`, `Option`, `Vec`, `Email`, datetimes, `serde_json::Value` or other models"
)]
pub trait FromJson: Sized + crate::constraints::Check + schemars::JsonSchema {
    /// Whether this is a model (an object with fields): a request body that is
    /// not an object is then reported as Pydantic's `model_attributes_type`.
    const IS_MODEL: bool = false;

    /// Whether this is a list (`Vec`, a set, or an `Option` of one): a field
    /// of a parameter model read from a query string takes every value of
    /// its name, as FastAPI reads a `list[str]` query parameter.
    const IS_LIST: bool = false;

    /// Fast path: deserializes and validates in one pass; fails at the first problem.
    fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;

    /// Slow path: converts `v`, recording every error at `loc`.
    fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self>;

    /// Slow path with constraints: converts `v`, then checks `c`, recording
    /// every error. Integers override it to check bounds before the range of
    /// the Rust type, so `age: 99999999999999999999` with `le = 150` reports
    /// the declared bound, as Pydantic does.
    fn from_json_checked(
        v: &Value,
        c: &crate::constraints::Constraints,
        loc: &mut Loc,
        errors: &mut ValidationErrors,
    ) -> Option<Self> {
        let out = Self::from_json(v, loc, errors)?;
        match crate::constraints::Check::check(&out, c) {
            Ok(()) => Some(out),
            Err(e) => {
                errors.push(loc, v.clone(), e);
                None
            }
        }
    }

    /// The value of an absent field that has no explicit default: `Some(None)`
    /// for `Option`, `None` (the field is required) otherwise.
    fn when_missing() -> Option<Self> {
        None
    }
}

/// Runs `T`'s fast path as an ordinary `Deserialize`.
#[repr(transparent)]
pub struct Lax<T>(pub T);

impl<'de, T: FromJson> Deserialize<'de> for Lax<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize_lax(d).map(Lax)
    }
}

/// For `#[serde(deserialize_with = "fastrs::lax::deserialize")]` in generated code.
pub fn deserialize<'de, D: Deserializer<'de>, T: FromJson>(d: D) -> Result<T, D::Error> {
    T::deserialize_lax(d)
}

// ---------------------------------------------------------------- messages

const INT_PARSING: &str = "Input should be a valid integer, unable to parse string as an integer";
const INT_TYPE: &str = "Input should be a valid integer";
const INT_FROM_FLOAT: &str = "Input should be a valid integer, got a number with a fractional part";
const FLOAT_PARSING: &str = "Input should be a valid number, unable to parse string as a number";
const FLOAT_TYPE: &str = "Input should be a valid number";
const BOOL_PARSING: &str = "Input should be a valid boolean, unable to interpret input";
const BOOL_TYPE: &str = "Input should be a valid boolean";
const STRING_TYPE: &str = "Input should be a valid string";
const LIST_TYPE: &str = "Input should be a valid list";
const FINITE_NUMBER: &str = "Input should be a finite number";

fn int_parsing() -> Invalid {
    Invalid::new("int_parsing", INT_PARSING)
}

/// Pydantic's error for a value of the wrong JSON type for `String`.
pub fn string_type() -> Invalid {
    Invalid::new("string_type", STRING_TYPE)
}

// ---------------------------------------------------------------- strings → numbers

/// Python's `int()` on a string, as Pydantic applies it: surrounding
/// whitespace, a sign, underscores between digits, and a zero fraction
/// (`"2.0"`) are accepted.
pub fn parse_int(raw: &str) -> Result<i128, Invalid> {
    if let Some(v) = plain_int(raw.as_bytes()) {
        return Ok(v);
    }
    let s = raw.trim();
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let int_part = match body.split_once('.') {
        Some((int_part, frac)) if frac.bytes().all(|b| b == b'0') => int_part,
        Some(_) => return Err(int_parsing()),
        None => body,
    };
    let digits = python_digits(int_part).ok_or_else(int_parsing)?;
    // A negative number is accumulated downwards, so `i128::MIN` (whose
    // magnitude is one more than `i128::MAX`) is read too.
    let mut v: i128 = 0;
    for d in digits.bytes() {
        let d = i128::from(d - b'0');
        v = v
            .checked_mul(10)
            .and_then(|v| {
                if neg {
                    v.checked_sub(d)
                } else {
                    v.checked_add(d)
                }
            })
            .ok_or_else(|| {
                Invalid::new(
                    "int_parsing_size",
                    "Unable to parse input string as an integer, exceeded maximum size",
                )
            })?;
    }
    Ok(v)
}

/// The common case without trimming or underscores: an optional `-` and
/// 1 to 18 ASCII digits (which cannot overflow an `i64`).
#[inline]
fn plain_int(b: &[u8]) -> Option<i128> {
    let (neg, digits) = match b {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut v: i64 = 0;
    for &c in digits {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + i64::from(d);
    }
    Some(i128::from(if neg { -v } else { v }))
}

/// Digits with Python's underscore rule (only single underscores between digits).
fn python_digits(s: &str) -> Option<std::borrow::Cow<'_, str>> {
    let b = s.as_bytes();
    if b.is_empty() || !b[0].is_ascii_digit() || !b[b.len() - 1].is_ascii_digit() {
        return None;
    }
    let mut prev_us = false;
    for &c in b {
        match c {
            b'0'..=b'9' => prev_us = false,
            b'_' if !prev_us => prev_us = true,
            _ => return None,
        }
    }
    Some(if s.contains('_') {
        std::borrow::Cow::Owned(s.replace('_', ""))
    } else {
        std::borrow::Cow::Borrowed(s)
    })
}

/// Python's `float()` on a string, as Pydantic applies it.
pub fn parse_float(raw: &str) -> Result<f64, Invalid> {
    let s = raw.trim();
    let err = || Invalid::new("float_parsing", FLOAT_PARSING);
    if s.is_empty() {
        return Err(err());
    }
    let cleaned;
    let s = if s.contains('_') {
        // underscores only between digits, as Python's float() allows
        let b = s.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            if c == b'_'
                && !(i > 0
                    && i + 1 < b.len()
                    && b[i - 1].is_ascii_digit()
                    && b[i + 1].is_ascii_digit())
            {
                return Err(err());
            }
        }
        cleaned = s.replace('_', "");
        cleaned.as_str()
    } else {
        s
    };
    s.parse::<f64>().map_err(|_| err())
}

/// Pydantic's string → bool words.
pub fn parse_bool(raw: &str) -> Result<bool, Invalid> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "0" | "off" | "f" | "false" | "n" | "no" => Ok(false),
        "1" | "on" | "t" | "true" | "y" | "yes" => Ok(true),
        _ => Err(Invalid::new("bool_parsing", BOOL_PARSING)),
    }
}

pub(crate) fn int_in_range<T: TryFrom<i128> + Into<i128> + Bounded>(v: i128) -> Result<T, Invalid> {
    T::try_from(v).map_err(|_| {
        if v < T::MIN.into() {
            let b = crate::constraints::Bound::Int(T::MIN.into()).to_json();
            Invalid::new(
                "greater_than_equal",
                format!("Input should be greater than or equal to {b}"),
            )
            .with_ctx("ge", b)
        } else {
            let b = crate::constraints::Bound::Int(T::MAX.into()).to_json();
            Invalid::new(
                "less_than_equal",
                format!("Input should be less than or equal to {b}"),
            )
            .with_ctx("le", b)
        }
    })
}

/// The range of an integer type.
pub trait Bounded: Sized {
    /// The smallest value.
    const MIN: Self;
    /// The largest value.
    const MAX: Self;
}

fn int_from_f64<T: TryFrom<i128> + Into<i128> + Bounded>(f: f64) -> Result<T, Invalid> {
    if !f.is_finite() {
        return Err(Invalid::new("finite_number", FINITE_NUMBER));
    }
    if f.fract() != 0.0 {
        return Err(Invalid::new("int_from_float", INT_FROM_FLOAT));
    }
    // Pydantic converts floats to integers within i64 only.
    if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        return Err(Invalid::new(
            "int_parsing_size",
            "Unable to parse input string as an integer, exceeded maximum size",
        ));
    }
    int_in_range::<T>(f as i128)
}

fn int_from_json<T: TryFrom<i128> + Into<i128> + Bounded>(v: &Value) -> Result<T, Invalid> {
    int_in_range(wide_int_from_json(v)?)
}

/// A JSON value as an integer before the Rust type's range is applied.
pub(crate) fn wide_int_from_json(v: &Value) -> Result<i128, Invalid> {
    match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(i128::from(i))
            } else if let Some(u) = n.as_u64() {
                Ok(i128::from(u))
            } else {
                int_from_f64::<i64>(n.as_f64().unwrap_or(f64::NAN)).map(i128::from)
            }
        }
        Value::String(s) => parse_int(s),
        Value::Bool(b) => Ok(i128::from(*b)),
        _ => Err(Invalid::new("int_type", INT_TYPE)),
    }
}

pub(crate) fn float_from_json(v: &Value) -> Result<f64, Invalid> {
    match v {
        Value::Number(n) => Ok(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => parse_float(s),
        Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
        _ => Err(Invalid::new("float_type", FLOAT_TYPE)),
    }
}

fn bool_from_json(v: &Value) -> Result<bool, Invalid> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::Number(n) => match n.as_f64() {
            Some(0.0) => Ok(false),
            Some(1.0) => Ok(true),
            _ if n.is_f64() => Err(Invalid::new("bool_type", BOOL_TYPE)),
            _ => Err(Invalid::new("bool_parsing", BOOL_PARSING)),
        },
        Value::String(s) => parse_bool(s),
        _ => Err(Invalid::new("bool_type", BOOL_TYPE)),
    }
}

/// Records the result of a scalar conversion in the slow path.
pub fn record<T>(
    r: Result<T, Invalid>,
    v: &Value,
    loc: &Loc,
    errors: &mut ValidationErrors,
) -> Option<T> {
    match r {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(loc, v.clone(), e);
            None
        }
    }
}

// ---------------------------------------------------------------- fast-path visitors

struct IntVisitor<T>(PhantomData<T>);

impl<'de, T: TryFrom<i128> + Into<i128> + Bounded> Visitor<'de> for IntVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an integer")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        int_in_range(i128::from(v)).map_err(|e| E::custom(e.msg))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        int_in_range(i128::from(v)).map_err(|e| E::custom(e.msg))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        int_from_f64(v).map_err(|e| E::custom(e.msg))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        int_in_range(i128::from(v)).map_err(|e| E::custom(e.msg))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        parse_int(v)
            .and_then(int_in_range)
            .map_err(|e| E::custom(e.msg))
    }
}

struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = f64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<f64, E> {
        Ok(if v { 1.0 } else { 0.0 })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        parse_float(v).map_err(|e| E::custom(e.msg))
    }
}

struct BoolVisitor;

impl Visitor<'_> for BoolVisitor {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a boolean")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        bool_from_json(&Value::from(v)).map_err(|e| E::custom(e.msg))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        bool_from_json(&Value::from(v)).map_err(|e| E::custom(e.msg))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<bool, E> {
        bool_from_json(&Value::from(v)).map_err(|e| E::custom(e.msg))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        parse_bool(v).map_err(|e| E::custom(e.msg))
    }
}

// ---------------------------------------------------------------- impls

macro_rules! int_impls {
    ($($t:ty),*) => {$(
        impl Bounded for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
        }
        impl FromParam for $t {
            fn from_param(raw: &str) -> Result<Self, Invalid> {
                parse_int(raw).and_then(int_in_range)
            }
        }
        impl FromJson for $t {
            fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(IntVisitor::<$t>(PhantomData))
            }
            fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
                record(int_from_json(v), v, loc, errors)
            }
            fn from_json_checked(
                v: &Value,
                c: &crate::constraints::Constraints,
                loc: &mut Loc,
                errors: &mut ValidationErrors,
            ) -> Option<Self> {
                let r = wide_int_from_json(v).and_then(|i| {
                    crate::constraints::Check::check(&i, c)?;
                    int_in_range(i)
                });
                record(r, v, loc, errors)
            }
        }
    )*};
}
int_impls!(i8, i16, i32, i64, u8, u16, u32, u64);

/// Written by their `Serialize`, as Pydantic writes them.
macro_rules! dump_as_serde {
    ($($t:ty),*) => {$(
        impl crate::model::Dump for $t {}
    )*};
}
dump_as_serde!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);
dump_as_serde!(f32, f64, bool, String, Value);

impl<T: crate::model::Dump> crate::model::Dump for Option<T> {
    #[inline]
    fn dump<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(v) => v.dump(s),
            None => s.serialize_none(),
        }
    }
    fn dump_with<S: serde::Serializer>(
        &self,
        options: &crate::dump::DumpOptions<'_>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match self {
            Some(v) => v.dump_with(options, s),
            None => s.serialize_none(),
        }
    }
    fn is_none(&self) -> bool {
        self.is_none()
    }
}

impl<T: crate::model::Dump> crate::model::Dump for Vec<T> {
    fn dump<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(crate::model::Dumped))
    }
    fn dump_with<S: serde::Serializer>(
        &self,
        options: &crate::dump::DumpOptions<'_>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let options = options.nested();
        s.collect_seq(self.iter().map(|v| crate::dump::DumpedWith(v, &options)))
    }
}

// isize/usize go through the fixed-width type of the target's pointer size.
impl Bounded for isize {
    const MIN: Self = isize::MIN;
    const MAX: Self = isize::MAX;
}
impl FromParam for isize {
    fn from_param(raw: &str) -> Result<Self, Invalid> {
        i64::from_param(raw).map(|v| v as isize)
    }
}
impl FromParam for usize {
    fn from_param(raw: &str) -> Result<Self, Invalid> {
        u64::from_param(raw).map(|v| v as usize)
    }
}

macro_rules! float_impls {
    ($($t:ty),*) => {$(
        impl FromParam for $t {
            fn from_param(raw: &str) -> Result<Self, Invalid> {
                parse_float(raw).map(|f| f as $t)
            }
        }
        impl FromJson for $t {
            fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(FloatVisitor).map(|f| f as $t)
            }
            fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
                record(float_from_json(v).map(|f| f as $t), v, loc, errors)
            }
        }
    )*};
}
float_impls!(f32, f64);

impl FromParam for bool {
    fn from_param(raw: &str) -> Result<Self, Invalid> {
        parse_bool(raw)
    }
}

impl FromJson for bool {
    fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BoolVisitor)
    }
    fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
        record(bool_from_json(v), v, loc, errors)
    }
}

impl FromParam for String {
    fn from_param(raw: &str) -> Result<Self, Invalid> {
        Ok(raw.to_owned())
    }
}

impl FromJson for String {
    fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)
    }
    fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
        match v {
            Value::String(s) => Some(s.clone()),
            _ => record(Err(string_type()), v, loc, errors),
        }
    }
}

impl FromJson for Value {
    fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d)
    }
    fn from_json(v: &Value, _: &mut Loc, _: &mut ValidationErrors) -> Option<Self> {
        Some(v.clone())
    }
}

impl<T: FromJson> FromJson for Option<T> {
    const IS_LIST: bool = T::IS_LIST;
    fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<Lax<T>>::deserialize(d).map(|o| o.map(|Lax(v)| v))
    }
    fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
        match v {
            Value::Null => Some(None),
            v => T::from_json(v, loc, errors).map(Some),
        }
    }
    fn from_json_checked(
        v: &Value,
        c: &crate::constraints::Constraints,
        loc: &mut Loc,
        errors: &mut ValidationErrors,
    ) -> Option<Self> {
        match v {
            Value::Null => Some(None),
            v => T::from_json_checked(v, c, loc, errors).map(Some),
        }
    }
    fn when_missing() -> Option<Self> {
        Some(None)
    }
}

struct VecSeed<T>(PhantomData<T>);

impl<'de, T: FromJson> Visitor<'de> for VecSeed<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(Lax(v)) = seq.next_element_seed(PhantomData::<Lax<T>>)? {
            out.push(v);
        }
        Ok(out)
    }
}

impl<'de, T: FromJson> DeserializeSeed<'de> for VecSeed<T> {
    type Value = Vec<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    const IS_LIST: bool = true;
    fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        VecSeed::<T>(PhantomData).deserialize(d)
    }
    fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
        let Value::Array(items) = v else {
            errors.push(loc, v.clone(), Invalid::new("list_type", LIST_TYPE));
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            loc.push(i);
            match T::from_json(item, loc, errors) {
                Some(v) if ok => out.push(v),
                Some(_) => {}
                None => ok = false,
            }
            loc.pop();
        }
        ok.then_some(out)
    }

    fn from_json_checked(
        v: &Value,
        c: &crate::constraints::Constraints,
        loc: &mut Loc,
        errors: &mut ValidationErrors,
    ) -> Option<Self> {
        // Pydantic stops at a list longer than `max_length` before looking at items.
        if let (Value::Array(items), Some(max)) = (v, c.max_length) {
            if items.len() > max {
                let too_long =
                    crate::constraints::Check::check(&items.iter().collect::<Vec<_>>(), c);
                if let Err(e) = too_long {
                    errors.push(loc, v.clone(), e);
                    return None;
                }
            }
        }
        let out = Self::from_json(v, loc, errors)?;
        match crate::constraints::Check::check(&out, c) {
            Ok(()) => Some(out),
            Err(e) => {
                errors.push(loc, v.clone(), e);
                None
            }
        }
    }
}

/// For `#[serde(default, deserialize_with = "fastrs::lax::deserialize_some")]`
/// on the `Option`-wrapped fields of the structs `#[derive(Model)]` generates
/// for its fast path: a present field is `Some`, an absent one `None`.
pub fn deserialize_some<'de, D: Deserializer<'de>, T: FromJson>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize_lax(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_integer_fast_path_agrees_with_python_int() {
        let cases = [
            ("0", Some(0)),
            ("-0", Some(0)),
            ("42", Some(42)),
            ("-42", Some(-42)),
            ("000123", Some(123)),
            ("999999999999999999", Some(999_999_999_999_999_999)),
            ("9999999999999999999", Some(9_999_999_999_999_999_999)),
            ("+7", Some(7)),
            (" 7 ", Some(7)),
            ("1_000", Some(1000)),
            ("5.0", Some(5)),
            ("", None),
            ("-", None),
            ("--1", None),
            ("1a", None),
            ("a1", None),
            ("1__0", None),
            ("٣", None),
            ("-170141183460469231731687303715884105728", Some(i128::MIN)),
            ("170141183460469231731687303715884105727", Some(i128::MAX)),
            ("170141183460469231731687303715884105728", None),
            ("-170141183460469231731687303715884105729", None),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_int(raw).ok(), want, "parse_int({raw:?})");
        }
        // Only plain text takes the fast path.
        assert_eq!(plain_int(b"+7"), None);
        assert_eq!(plain_int(b"9999999999999999999"), None);
        assert_eq!(plain_int(b"-12"), Some(-12));
    }
}
