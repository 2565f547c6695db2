//! `date`, `time`, naive and aware `datetime`, and `timedelta`: chrono's
//! `NaiveDate`, `NaiveTime`, `NaiveDateTime`, `DateTime<FixedOffset>` and
//! `TimeDelta`, read as Pydantic reads them.
//!
//! Pydantic parses these with the `speedate` crate and adds its own fallbacks
//! (pydantic-core `validators/date.rs`, `datetime.rs`, `input_python.rs`);
//! fastrs calls the same parser and ports the fallbacks, so the error types
//! and the `ctx.error` reasons are Pydantic's:
//!
//! * a date that does not parse is tried as a datetime: `date_from_datetime_parsing`
//!   with the datetime's reason, or `date_from_datetime_inexact` when it has a time;
//!   numbers are Unix timestamps (seconds, or milliseconds above 2e10);
//! * a datetime that does not parse is tried as a date: `datetime_from_date_parsing`;
//! * `NaiveDateTime` is Pydantic's `NaiveDatetime` (`timezone_naive` for an offset,
//!   and a timestamp is UTC, so it has one), `DateTime<FixedOffset>` is
//!   `AwareDatetime` (`timezone_aware` without an offset);
//! * a time keeps no offset (`NaiveTime`); a number is seconds after midnight;
//! * a duration is ISO 8601 (`P1DT2H`), `[-][D day[s], ]HH:MM[:SS[.ffffff]]`, or a
//!   number of seconds; a string of digits alone is not a duration for Pydantic.
//!   [`iso_duration`] writes it as Pydantic does (`"P1DT2H"`, `"-PT1S"`).
//!
//! In a model (through [`crate::model::Dump`]) they are written as Pydantic
//! writes them: a duration in ISO 8601, a fraction of a second in 6 digits.

use std::fmt;

use chrono::{
    DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Timelike,
};
use serde::de::Deserializer;
use serde::{Deserialize, Serializer};
use serde_json::Value;
use speedate::{
    Date as SDate, DateConfig, DateTime as SDateTime, DateTimeConfig, Duration as SDuration,
    MicrosecondsPrecisionOverflowBehavior, ParseError, Time as STime, TimeConfig, TimestampUnit,
};
use strum::EnumMessage;

use crate::constraints::{join, Check, Constraints};
use crate::lax::{record, FromJson, FromParam};
use crate::model::Dump;
use crate::validation::{Invalid, Loc, ValidationErrors};

/// One input as Pydantic's Python-mode validators see it.
#[derive(Clone, Copy)]
enum In<'a> {
    Str(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Other,
}

impl<'a> In<'a> {
    fn of(v: &'a Value) -> Self {
        match v {
            Value::String(s) => In::Str(s),
            Value::Bool(b) => In::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => In::Int(i),
                None => In::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            _ => In::Other,
        }
    }
}

fn reason(e: &ParseError) -> &'static str {
    e.get_documentation().unwrap_or_default()
}

fn with_reason(kind: &'static str, prefix: &str, reason: &str) -> Invalid {
    Invalid::new(kind, join(&[prefix, reason])).with_ctx("error", reason.to_owned())
}

fn time_config() -> TimeConfig {
    TimeConfig {
        microseconds_precision_overflow_behavior: MicrosecondsPrecisionOverflowBehavior::Truncate,
        unix_timestamp_offset: Some(0),
    }
}

fn datetime_config() -> DateTimeConfig {
    DateTimeConfig {
        time_config: time_config(),
        timestamp_unit: TimestampUnit::Infer,
    }
}

const DATE_PARSING: &str = "Input should be a valid date in the format YYYY-MM-DD, ";
const DATETIME_PARSING: &str = "Input should be a valid datetime, ";
const TIME_PARSING: &str = "Input should be in a valid time format, ";
const TIMEDELTA_PARSING: &str = "Input should be a valid timedelta, ";

fn date_type() -> Invalid {
    Invalid::new("date_type", "Input should be a valid date")
}

fn datetime_type() -> Invalid {
    Invalid::new("datetime_type", "Input should be a valid datetime")
}

/// The parse error's reason, kept to rename the error in a fallback.
fn error_reason(e: &Invalid) -> String {
    e.ctx
        .iter()
        .find(|(k, _)| *k == "error")
        .and_then(|(_, v)| v.as_str())
        .unwrap_or_default()
        .to_owned()
}

fn strict_date(i: In) -> Result<SDate, Invalid> {
    match i {
        In::Str(s) => {
            let cfg = DateConfig::builder()
                .timestamp_unit(TimestampUnit::Infer)
                .build();
            SDate::parse_bytes_with_config(s.as_bytes(), &cfg)
                .map_err(|e| with_reason("date_parsing", DATE_PARSING, reason(&e)))
        }
        _ => Err(date_type()),
    }
}

fn strict_datetime(i: In) -> Result<SDateTime, Invalid> {
    let parsing = |e: ParseError| with_reason("datetime_parsing", DATETIME_PARSING, reason(&e));
    match i {
        In::Str(s) => {
            SDateTime::parse_bytes_with_config(s.as_bytes(), &datetime_config()).map_err(parsing)
        }
        In::Int(t) => {
            SDateTime::from_timestamp_with_config(t, 0, &datetime_config()).map_err(parsing)
        }
        In::Float(f) if f.is_nan() => Err(with_reason(
            "datetime_parsing",
            DATETIME_PARSING,
            "NaN values not permitted",
        )),
        In::Float(f) => SDateTime::from_float_with_config(f, &datetime_config()).map_err(parsing),
        In::Bool(_) | In::Other => Err(datetime_type()),
    }
}

/// Pydantic's `date`: a date, else a datetime at midnight.
fn lax_date(i: In) -> Result<SDate, Invalid> {
    let first = match strict_date(i) {
        Ok(d) => return Ok(d),
        Err(e) => e,
    };
    match strict_datetime(i) {
        Ok(dt) => {
            let t = &dt.time;
            if t.hour == 0 && t.minute == 0 && t.second == 0 && t.microsecond == 0 {
                Ok(dt.date)
            } else {
                Err(Invalid::new(
                    "date_from_datetime_inexact",
                    "Datetimes provided to dates should have zero time - e.g. be exact dates",
                ))
            }
        }
        Err(e) if e.kind == "datetime_parsing" => Err(with_reason(
            "date_from_datetime_parsing",
            "Input should be a valid date or datetime, ",
            &error_reason(&e),
        )),
        Err(_) => Err(first),
    }
}

/// Pydantic's `datetime`: a datetime, else a date at midnight (no offset).
fn lax_datetime(i: In) -> Result<SDateTime, Invalid> {
    let first = match strict_datetime(i) {
        Ok(dt) => return Ok(dt),
        Err(e) => e,
    };
    match strict_date(i) {
        Ok(date) => Ok(SDateTime {
            date,
            time: STime {
                hour: 0,
                minute: 0,
                second: 0,
                microsecond: 0,
                tz_offset: None,
            },
        }),
        Err(e) if e.kind == "date_parsing" => Err(with_reason(
            "datetime_from_date_parsing",
            "Input should be a valid datetime or date, ",
            &error_reason(&e),
        )),
        Err(_) => Err(first),
    }
}

fn time_parsing(r: &str) -> Invalid {
    with_reason("time_parsing", TIME_PARSING, r)
}

fn int_as_time(t: i64, micros: u32) -> Result<STime, Invalid> {
    if t < 0 {
        return Err(time_parsing("time in seconds should be positive"));
    }
    let t = u32::try_from(t).unwrap_or(u32::MAX);
    STime::from_timestamp_with_config(t, micros, &time_config())
        .map_err(|e| time_parsing(reason(&e)))
}

fn lax_time(i: In) -> Result<STime, Invalid> {
    match i {
        In::Str(s) => STime::parse_bytes_with_config(s.as_bytes(), &time_config())
            .map_err(|e| time_parsing(reason(&e))),
        In::Int(t) => int_as_time(t, 0),
        In::Float(f) if f.is_nan() => Err(time_parsing("NaN values not permitted")),
        In::Float(f) => {
            let micros = (f.fract().abs() * 1_000_000.0).round() as u32;
            int_as_time(f.floor() as i64, micros)
        }
        In::Bool(_) | In::Other => Err(Invalid::new("time_type", "Input should be a valid time")),
    }
}

fn timedelta_parsing(r: &str) -> Invalid {
    with_reason("time_delta_parsing", TIMEDELTA_PARSING, r)
}

fn lax_duration(i: In) -> Result<SDuration, Invalid> {
    let err = |e: ParseError| timedelta_parsing(reason(&e));
    match i {
        In::Str(s) => SDuration::parse_bytes_with_config(s.as_bytes(), &time_config()).map_err(err),
        In::Int(t) => {
            let secs = t.unsigned_abs();
            SDuration::new(t >= 0, (secs / 86400) as u32, (secs % 86400) as u32, 0).map_err(err)
        }
        // A bool is an int for Python.
        In::Bool(b) => SDuration::new(true, 0, u32::from(b), 0).map_err(err),
        In::Float(f) if f.is_nan() => Err(timedelta_parsing("NaN values not permitted")),
        In::Float(f) => {
            let positive = f >= 0.0;
            let total = f.abs();
            let micros = total.fract() * 1_000_000.0;
            let days = (total / 86400.0) as u32;
            let secs = total as u64 % 86400;
            SDuration::new(positive, days, secs as u32, micros.round() as u32).map_err(err)
        }
        In::Other => Err(Invalid::new(
            "time_delta_type",
            "Input should be a valid timedelta",
        )),
    }
}

// ---------------------------------------------------------------- speedate → chrono

fn to_date(d: &SDate) -> Result<NaiveDate, Invalid> {
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        .ok_or_else(date_type)
}

fn to_time(t: &STime) -> Result<NaiveTime, Invalid> {
    NaiveTime::from_hms_micro_opt(
        u32::from(t.hour),
        u32::from(t.minute),
        u32::from(t.second),
        t.microsecond,
    )
    .ok_or_else(|| Invalid::new("time_type", "Input should be a valid time"))
}

fn to_naive(dt: &SDateTime) -> Result<NaiveDateTime, Invalid> {
    Ok(NaiveDateTime::new(to_date(&dt.date)?, to_time(&dt.time)?))
}

fn naive_datetime(i: In) -> Result<NaiveDateTime, Invalid> {
    let dt = lax_datetime(i)?;
    if dt.time.tz_offset.is_some() {
        return Err(Invalid::new(
            "timezone_naive",
            "Input should not have timezone info",
        ));
    }
    to_naive(&dt)
}

fn aware_datetime(i: In) -> Result<DateTime<FixedOffset>, Invalid> {
    let dt = lax_datetime(i)?;
    let Some(offset) = dt.time.tz_offset else {
        return Err(Invalid::new(
            "timezone_aware",
            "Input should have timezone info",
        ));
    };
    let naive = to_naive(&dt)?;
    FixedOffset::east_opt(offset)
        .and_then(|tz| tz.from_local_datetime(&naive).single())
        .ok_or_else(datetime_type)
}

fn to_timedelta(d: &SDuration) -> TimeDelta {
    let abs = TimeDelta::days(i64::from(d.day))
        + TimeDelta::seconds(i64::from(d.second))
        + TimeDelta::microseconds(i64::from(d.microsecond));
    if d.positive {
        abs
    } else {
        -abs
    }
}

/// A duration as Pydantic writes a `timedelta` in JSON: ISO 8601 with days
/// as the largest unit (`"P1DT2H"`, `"PT1.5S"`, `"-PT1S"`, `"PT0S"`).
///
/// ```
/// use fastrs::chrono::TimeDelta;
/// assert_eq!(fastrs::types::datetime::iso_duration(&TimeDelta::seconds(93600)), "P1DT2H");
/// assert_eq!(fastrs::types::datetime::iso_duration(&TimeDelta::seconds(-1)), "-PT1S");
/// ```
pub fn iso_duration(td: &TimeDelta) -> String {
    let positive = *td >= TimeDelta::zero();
    let abs = td.abs();
    let micros = abs.subsec_nanos() / 1000;
    let secs = abs.num_seconds();
    let days = u32::try_from(secs / 86400).unwrap_or(u32::MAX);
    match SDuration::new(positive, days, (secs % 86400) as u32, micros as u32) {
        Ok(d) => d.to_string(),
        Err(_) => String::new(),
    }
}

// ---------------------------------------------------------------- writing

/// A time as Python's `isoformat()` writes it: `HH:MM:SS`, and `.ffffff`
/// when there is a fraction of a second (microseconds, 6 digits).
pub(crate) struct PyTime(pub NaiveTime);

impl fmt::Display for PyTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        let nanos = t.nanosecond();
        // chrono's leap second (nanoseconds past 1e9) is second 60.
        let leap = u32::from(nanos >= 1_000_000_000);
        write!(
            f,
            "{:02}:{:02}:{:02}",
            t.hour(),
            t.minute(),
            t.second() + leap
        )?;
        let micros = (nanos % 1_000_000_000) / 1000;
        if micros != 0 {
            write!(f, ".{micros:06}")?;
        }
        Ok(())
    }
}

/// A datetime as Pydantic writes it: `YYYY-MM-DDTHH:MM:SS[.ffffff]`, then
/// `Z` for a zero offset, `±HH:MM` for another, nothing when naive.
pub(crate) struct PyDateTime(pub NaiveDateTime, pub Option<i32>);

impl fmt::Display for PyDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T{}", self.0.date(), PyTime(self.0.time()))?;
        match self.1 {
            None => Ok(()),
            Some(0) => f.write_str("Z"),
            Some(secs) => {
                let sign = if secs < 0 { '-' } else { '+' };
                let a = secs.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", a / 3600, a / 60 % 60)?;
                if a % 60 != 0 {
                    write!(f, ":{:02}", a % 60)?;
                }
                Ok(())
            }
        }
    }
}

impl Dump for NaiveDate {}

impl Dump for NaiveTime {
    fn dump<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&PyTime(*self))
    }
}

impl Dump for NaiveDateTime {
    fn dump<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&PyDateTime(*self, None))
    }
}

impl Dump for DateTime<FixedOffset> {
    fn dump<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&PyDateTime(
            self.naive_local(),
            Some(self.offset().local_minus_utc()),
        ))
    }
}

/// ISO 8601, as [`iso_duration`].
impl Dump for TimeDelta {
    fn dump<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&iso_duration(self))
    }
}

// ---------------------------------------------------------------- trait impls

macro_rules! via_value {
    ($t:ty, $f:expr) => {
        impl FromParam for $t {
            fn from_param(raw: &str) -> Result<Self, Invalid> {
                $f(In::Str(raw))
            }
        }
        impl FromJson for $t {
            fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = Value::deserialize(d)?;
                $f(In::of(&v)).map_err(|e| serde::de::Error::custom(e.msg))
            }
            fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
                record($f(In::of(v)), v, loc, errors)
            }
        }
        impl Check for $t {
            fn check(&self, _: &Constraints) -> Result<(), Invalid> {
                Ok(())
            }
        }
    };
}

via_value!(NaiveDate, |i| lax_date(i).and_then(|d| to_date(&d)));
via_value!(NaiveTime, |i| lax_time(i).and_then(|t| to_time(&t)));
via_value!(NaiveDateTime, naive_datetime);
via_value!(DateTime<FixedOffset>, aware_datetime);
via_value!(TimeDelta, |i| lax_duration(i).map(|d| to_timedelta(&d)));
