//! Value types with Pydantic's semantics: `EmailStr` and `datetime`.
//!
//! `Email` (`email_str.rs`, cargo feature `email`) is Pydantic's `EmailStr`:
//! validated and normalised by `crate::email` exactly as Python's
//! email-validator does it. Datetimes are
//! chrono's `DateTime<Utc>`, read from RFC 3339 text, a date, or a Unix
//! timestamp, as Pydantic's lax mode reads them.

pub mod bytes;
pub mod collections;
pub mod datetime;
#[cfg(feature = "decimal")]
pub mod decimal;
#[cfg(feature = "email")]
mod email_str;
pub mod ints;
pub mod schema;
#[cfg(feature = "uuid")]
pub mod uuid;

/// The pattern Pydantic gives a decimal's string form in JSON Schema.
#[cfg(feature = "decimal")]
pub(crate) fn decimal_pattern(c: &Constraints) -> String {
    decimal::schema_pattern(c)
}

/// The pattern Pydantic gives a decimal's string form in JSON Schema.
#[cfg(not(feature = "decimal"))]
pub(crate) fn decimal_pattern(_: &Constraints) -> String {
    String::new()
}

pub use self::bytes::Bytes;
#[cfg(feature = "email")]
pub use self::email_str::Email;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serializer};
use serde_json::Value;

use crate::constraints::{Check, Constraints};
use crate::lax::{record, FromJson, FromParam};
use crate::validation::{Invalid, Loc, ValidationErrors};

// ---------------------------------------------------------------- datetimes

fn datetime_parsing(reason: &str) -> Invalid {
    Invalid::new(
        "datetime_from_date_parsing",
        format!("Input should be a valid datetime or date, {reason}"),
    )
    .with_ctx("error", reason)
}

/// Pydantic's reading of a datetime string: RFC 3339 with `T` or a space,
/// `Z`, an offset or none (then UTC), or a bare date (midnight UTC).
pub fn parse_datetime(s: &str) -> Result<DateTime<Utc>, Invalid> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Ok(dt.with_timezone(&Utc));
    }
    let spaced = s.replacen(' ', "T", 1);
    if let Ok(dt) = DateTime::parse_from_rfc3339(&spaced) {
        return Ok(dt.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(&spaced, fmt) {
            return Ok(Utc.from_utc_datetime(&naive));
        }
    }
    if s.len() == 10 {
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()));
        }
    }
    Err(datetime_parsing(&speedate_reason(s)))
}

/// The reason Pydantic's date parser (speedate) gives for a bad string, for
/// the common cases.
fn speedate_reason(s: &str) -> String {
    let b = s.as_bytes();
    if b.len() < 10 {
        return "input is too short".into();
    }
    if !b[..4].iter().all(u8::is_ascii_digit) {
        return "invalid character in year".into();
    }
    if b[4] != b'-' {
        return "invalid date separator, expected `-`".into();
    }
    if !b[5..7].iter().all(u8::is_ascii_digit) {
        return "invalid character in month".into();
    }
    let month = (b[5] - b'0') * 10 + (b[6] - b'0');
    if !(1..=12).contains(&month) {
        return "month value is outside expected range of 1-12".into();
    }
    if b[7] != b'-' {
        return "invalid date separator, expected `-`".into();
    }
    if !b[8..10].iter().all(u8::is_ascii_digit) {
        return "invalid character in day".into();
    }
    let day = u32::from((b[8] - b'0') * 10 + (b[9] - b'0'));
    let year: i32 = s[..4].parse().unwrap_or(0);
    let days_in_month = NaiveDate::from_ymd_opt(year, u32::from(month), 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .and_then(|d| d.pred_opt())
        .map_or(31, |d| chrono::Datelike::day(&d));
    if day == 0 || day > days_in_month {
        return "day value is outside expected range".into();
    }
    "invalid character in hour".into()
}

fn datetime_from_number(f: f64) -> Result<DateTime<Utc>, Invalid> {
    let out_of_range = |when: &str| {
        let reason = format!("dates {when} are not supported as unix timestamps");
        Invalid::new(
            "datetime_parsing",
            format!("Input should be a valid datetime, {reason}"),
        )
        .with_ctx("error", reason)
    };
    // Pydantic takes values above 2e10 as milliseconds.
    let secs = if f.abs() > 2e10 { f / 1000.0 } else { f };
    if !secs.is_finite() || secs > 253_402_300_799.0 {
        return Err(out_of_range("after 9999"));
    }
    if secs < -62_135_596_800.0 {
        return Err(out_of_range("before 0000"));
    }
    let whole = secs.floor();
    let nanos = ((secs - whole) * 1e9).round() as u32;
    Utc.timestamp_opt(whole as i64, nanos.min(999_999_999))
        .single()
        .ok_or_else(|| out_of_range("after 9999"))
}

fn datetime_from_json(v: &Value) -> Result<DateTime<Utc>, Invalid> {
    match v {
        // A string of digits is a timestamp for Pydantic.
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            datetime_from_number(s.parse::<f64>().unwrap_or(f64::NAN))
        }
        Value::String(s) => parse_datetime(s),
        Value::Number(n) => datetime_from_number(n.as_f64().unwrap_or(f64::NAN)),
        _ => Err(Invalid::new(
            "datetime_type",
            "Input should be a valid datetime",
        )),
    }
}

impl FromParam for DateTime<Utc> {
    fn from_param(raw: &str) -> Result<Self, Invalid> {
        match raw.parse::<f64>() {
            Ok(f) => datetime_from_number(f),
            Err(_) => parse_datetime(raw),
        }
    }
}

impl FromJson for DateTime<Utc> {
    fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        datetime_from_json(&v).map_err(|e| de::Error::custom(e.msg))
    }
    fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
        record(datetime_from_json(v), v, loc, errors)
    }
}

/// RFC 3339 with `Z`, and 6 digits of a fraction of a second, as Pydantic.
impl crate::model::Dump for DateTime<Utc> {
    fn dump<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&datetime::PyDateTime(self.naive_utc(), Some(0)))
    }
}

impl Check for DateTime<Utc> {
    fn check(&self, _: &Constraints) -> Result<(), Invalid> {
        Ok(())
    }
}
