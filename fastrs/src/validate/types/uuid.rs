//! `uuid::Uuid`: Pydantic's `UUID` (feature `uuid`, on by default).
//!
//! Pydantic parses UUID strings with the Rust `uuid` crate, so its error
//! reasons are that crate's: a string that does not parse is `uuid_parsing`
//! with the crate's message in `ctx.error`; any other JSON value is
//! `uuid_type`. Hyphenated, simple, braced and `urn:uuid:` forms are accepted;
//! the value is written hyphenated in lower case, as Python's `str(uuid)`.

use std::fmt;

use serde::de::{self, Deserializer};
use serde_json::Value;
use uuid::Uuid;

use crate::constraints::{Check, Constraints};
use crate::lax::{record, FromJson, FromParam};
use crate::validation::{Invalid, Loc, ValidationErrors};

/// Pydantic's reading of a UUID string.
///
/// ```
/// use fastrs::FromParam;
/// let e = fastrs::uuid::Uuid::from_param("abc").unwrap_err();
/// assert_eq!(e.kind, "uuid_parsing");
/// ```
pub fn parse_uuid(s: &str) -> Result<Uuid, Invalid> {
    Uuid::parse_str(s).map_err(|e| {
        let reason = pydantic_reason(&e.to_string());
        Invalid::new(
            "uuid_parsing",
            crate::constraints::join(&["Input should be a valid UUID, ", &reason]),
        )
        .with_ctx("error", reason)
    })
}

/// The `uuid` crate's reason as the release inside pydantic-core words it:
/// a character's position counted from 1, and the length of a simple UUID
/// named (`"invalid length: expected length 32 for simple format, found 3"`).
fn pydantic_reason(reason: &str) -> String {
    if let Some((head, at)) = reason
        .strip_prefix("invalid character: ")
        .and_then(|r| r.rsplit_once(" at "))
    {
        if let Ok(i) = at.parse::<usize>() {
            return format!("invalid character: {head} at {}", i + 1);
        }
    }
    if let Some(n) = reason.strip_prefix("invalid length: found ") {
        return format!("invalid length: expected length 32 for simple format, found {n}");
    }
    reason.to_owned()
}

fn uuid_type() -> Invalid {
    Invalid::new(
        "uuid_type",
        "UUID input should be a string, bytes or UUID object",
    )
}

struct UuidVisitor;

impl de::Visitor<'_> for UuidVisitor {
    type Value = Uuid;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a UUID string")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Uuid, E> {
        parse_uuid(s).map_err(|e| E::custom(e.msg))
    }
}

impl FromParam for Uuid {
    fn from_param(raw: &str) -> Result<Self, Invalid> {
        parse_uuid(raw)
    }
}

impl FromJson for Uuid {
    fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(UuidVisitor)
    }
    fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
        let r = match v {
            Value::String(s) => parse_uuid(s),
            _ => Err(uuid_type()),
        };
        record(r, v, loc, errors)
    }
}

impl crate::model::Dump for Uuid {}

impl Check for Uuid {
    fn check(&self, _: &Constraints) -> Result<(), Invalid> {
        Ok(())
    }
}
