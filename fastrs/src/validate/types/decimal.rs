//! `rust_decimal::Decimal`: Pydantic's `Decimal` (feature `decimal`, on by default).
//!
//! Read from a string as Python's `Decimal(str)` reads it (surrounding
//! whitespace, a sign, underscores between digits, an exponent), from a JSON
//! integer, or from a float through its shortest text (`0.1` is `0.1`), as
//! Pydantic does; `NaN` and infinities parse but are refused as
//! `finite_number`; a bool or any other JSON value is `decimal_type`. The
//! `max_digits` / `decimal_places` constraints follow pydantic-core's
//! `validators/decimal.rs` (a value passes when either its written or its
//! normalised form fits). Written as a JSON string, keeping its scale
//! (`"1.50"`), as Pydantic does. `rust_decimal` holds 28 significant digits and
//! no exponent: `1e2` is written `"100"` where Python writes `"1E+2"`.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer};
use serde_json::Value;

use crate::constraints::{Bound, Check, Constraints};
use crate::lax::{record, FromJson, FromParam};
use crate::validation::{Invalid, Loc, ValidationErrors};

fn decimal_parsing() -> Invalid {
    Invalid::new("decimal_parsing", "Input should be a valid decimal")
}

fn decimal_type() -> Invalid {
    Invalid::new(
        "decimal_type",
        "Decimal input should be an integer, float, string or Decimal object",
    )
}

/// Python's `Decimal(s)` for the finite values `rust_decimal` holds.
///
/// ```
/// let d = fastrs::types::decimal::parse_decimal(" 1_000.50 ").unwrap();
/// assert_eq!(d.to_string(), "1000.50");
/// assert_eq!(fastrs::types::decimal::parse_decimal("NaN").unwrap_err().kind, "finite_number");
/// ```
pub fn parse_decimal(raw: &str) -> Result<Decimal, Invalid> {
    let s = raw.trim();
    let unsigned = s.trim_start_matches(['+', '-']);
    let word = unsigned.to_ascii_lowercase();
    if s.len() - unsigned.len() <= 1 && matches!(word.as_str(), "nan" | "snan" | "inf" | "infinity")
    {
        return Err(Invalid::new(
            "finite_number",
            "Input should be a finite number",
        ));
    }
    let cleaned;
    let s = if s.contains('_') {
        let b = s.as_bytes();
        let ok = b.iter().enumerate().all(|(i, &c)| {
            c != b'_'
                || (i > 0
                    && i + 1 < b.len()
                    && b[i - 1].is_ascii_digit()
                    && b[i + 1].is_ascii_digit())
        });
        if !ok {
            return Err(decimal_parsing());
        }
        cleaned = s.replace('_', "");
        cleaned.as_str()
    } else {
        s
    };
    let body = s.trim_start_matches(['+', '-']);
    let valid_chars = !body.is_empty()
        && s.len() - body.len() <= 1
        && body.bytes().any(|c| c.is_ascii_digit())
        && body
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !valid_chars {
        return Err(decimal_parsing());
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.contains(['e', 'E']) {
        Decimal::from_scientific(s).map_err(|_| decimal_parsing())
    } else {
        Decimal::from_str_exact(s).map_err(|_| decimal_parsing())
    }
}

fn decimal_from_json(v: &Value) -> Result<Decimal, Invalid> {
    match v {
        Value::String(s) => parse_decimal(s),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(Decimal::from(i))
            } else if let Some(u) = n.as_u64() {
                Ok(Decimal::from(u))
            } else {
                // Python's str(float): the shortest text that reads back.
                parse_decimal(&n.to_string())
            }
        }
        _ => Err(decimal_type()),
    }
}

/// (digits after the point, digits in total) as pydantic-core counts them.
fn digits_info(d: &Decimal) -> (u64, u64) {
    let mantissa = d.mantissa().unsigned_abs();
    let digits = if mantissa == 0 {
        1
    } else {
        u64::from(mantissa.ilog10() + 1)
    };
    let decimals = u64::from(d.scale());
    (decimals, digits.max(decimals))
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Pydantic's `max_digits` / `decimal_places` check.
fn check_digits(d: &Decimal, c: &Constraints) -> Result<(), Invalid> {
    if c.max_digits.is_none() && c.decimal_places.is_none() {
        return Ok(());
    }
    let (decimals, digits) = digits_info(d);
    let (n_decimals, n_digits) = digits_info(&d.normalize());
    if let Some(max) = c.max_digits {
        if digits > u64::from(max) && n_digits > u64::from(max) {
            let msg = format!(
                "Decimal input should have no more than {max} digit{} in total",
                plural(max)
            );
            return Err(Invalid::new("decimal_max_digits", msg).with_ctx("max_digits", max));
        }
    }
    if let Some(places) = c.decimal_places {
        if decimals > u64::from(places) && n_decimals > u64::from(places) {
            let msg = format!(
                "Decimal input should have no more than {places} decimal place{}",
                plural(places)
            );
            return Err(Invalid::new("decimal_max_places", msg).with_ctx("decimal_places", places));
        }
        if let Some(max) = c.max_digits {
            let whole = max.saturating_sub(places);
            if digits.saturating_sub(decimals) > u64::from(whole)
                && n_digits.saturating_sub(n_decimals) > u64::from(whole)
            {
                let msg = format!(
                    "Decimal input should have no more than {whole} digit{} before the decimal point",
                    plural(whole)
                );
                return Err(
                    Invalid::new("decimal_whole_digits", msg).with_ctx("whole_digits", whole)
                );
            }
        }
    }
    Ok(())
}

fn bound(b: Bound) -> Decimal {
    match b {
        Bound::Int(i) => Decimal::from_i128_with_scale(i, 0),
        Bound::Float(f) => parse_decimal(&f.to_string()).unwrap_or_default(),
    }
}

fn bound_error(kind: &'static str, words: &str, key: &'static str, b: Bound) -> Invalid {
    let shown = bound(b).normalize().to_string();
    Invalid::new(kind, format!("Input should be {words} {shown}")).with_ctx(key, b.to_json())
}

impl crate::model::Dump for Decimal {}

impl Check for Decimal {
    fn check(&self, c: &Constraints) -> Result<(), Invalid> {
        check_digits(self, c)?;
        if let Some(m) = c.multiple_of {
            let m = bound(m);
            if !m.is_zero() && !(*self % m).is_zero() {
                let b = c.multiple_of.map(Bound::to_json).unwrap_or_default();
                let shown = m.normalize().to_string();
                return Err(Invalid::new(
                    "multiple_of",
                    format!("Input should be a multiple of {shown}"),
                )
                .with_ctx("multiple_of", b));
            }
        }
        if let Some(b) = c.le.filter(|b| *self > bound(*b)) {
            return Err(bound_error(
                "less_than_equal",
                "less than or equal to",
                "le",
                b,
            ));
        }
        if let Some(b) = c.lt.filter(|b| *self >= bound(*b)) {
            return Err(bound_error("less_than", "less than", "lt", b));
        }
        if let Some(b) = c.ge.filter(|b| *self < bound(*b)) {
            return Err(bound_error(
                "greater_than_equal",
                "greater than or equal to",
                "ge",
                b,
            ));
        }
        if let Some(b) = c.gt.filter(|b| *self <= bound(*b)) {
            return Err(bound_error("greater_than", "greater than", "gt", b));
        }
        Ok(())
    }
}

struct DecimalVisitor;

impl de::Visitor<'_> for DecimalVisitor {
    type Value = Decimal;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Decimal, E> {
        parse_decimal(s).map_err(|e| E::custom(e.msg))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        decimal_from_json(&Value::from(v)).map_err(|e| E::custom(e.msg))
    }
}

impl FromParam for Decimal {
    fn from_param(raw: &str) -> Result<Self, Invalid> {
        parse_decimal(raw)
    }
}

impl FromJson for Decimal {
    fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }
    fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
        record(decimal_from_json(v), v, loc, errors)
    }
}

/// The pattern Pydantic gives a decimal's string form in JSON Schema.
pub(crate) fn schema_pattern(c: &Constraints) -> String {
    match (c.max_digits, c.decimal_places) {
        (Some(max), Some(places)) => {
            let whole = max.saturating_sub(places);
            format!(
                r"^(?!^[-+.]*$)[+-]?0*(?:\d{{0,{whole}}}|(?=[\d.]{{1,{}}}0*$)\d{{0,{whole}}}\.\d{{0,{places}}}0*$)",
                max + 1
            )
        }
        _ => r"^(?!^[-+.]*$)[+-]?0*\d*\.?\d*$".to_owned(),
    }
}
