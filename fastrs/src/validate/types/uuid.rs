//! `uuid::Uuid`: Pydantic's `UUID` (feature `uuid`, on by default).
//!
//! Pydantic parses UUID strings with the Rust `uuid` crate, so its error
//! reasons are that crate's (the release pydantic-core uses, whose wording
//! [`parse_uuid`] reproduces): a string that does not parse is `uuid_parsing`
//! with the reason in `ctx.error`; any other JSON value is
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
    Uuid::parse_str(s).map_err(|_| {
        let reason = pydantic_reason(s);
        Invalid::new(
            "uuid_parsing",
            crate::constraints::join(&["Input should be a valid UUID, ", &reason]),
        )
        .with_ctx("error", reason)
    })
}

/// Why `s` is not a UUID, in the words of the `uuid` release inside
/// pydantic-core, whose reasons differ from today's crate: a character's
/// position is 1-based within the text after `{`/`urn:uuid:`, and a simple
/// form has "expected length 32 for simple format".
fn pydantic_reason(s: &str) -> String {
    let (body, simple) = if let Some(b) = s.strip_prefix('{').and_then(|b| b.strip_suffix('}')) {
        (b, false)
    } else if let Some(b) = s.strip_prefix("urn:uuid:") {
        (b, false)
    } else {
        (s, true)
    };
    let mut hyphens = 0;
    let mut bounds = [0usize; 4];
    for (i, c) in body.char_indices() {
        if c == '-' {
            if hyphens < 4 {
                bounds[hyphens] = i;
            }
            hyphens += 1;
        } else if !c.is_ascii_hexdigit() {
            return format!("invalid character: found `{c}` at {}", i + 1);
        }
    }
    if hyphens == 0 && simple {
        return format!(
            "invalid length: expected length 32 for simple format, found {}",
            body.len()
        );
    }
    if hyphens != 4 {
        return format!("invalid group count: expected 5, found {}", hyphens + 1);
    }
    const STARTS: [usize; 5] = [0, 9, 14, 19, 24];
    const LENGTHS: [usize; 5] = [8, 4, 4, 4, 12];
    let (group, len) = (0..4)
        .find(|&g| bounds[g] != STARTS[g + 1] - 1)
        .map_or((4, body.len().saturating_sub(STARTS[4])), |g| {
            (g, bounds[g].saturating_sub(STARTS[g]))
        });
    format!(
        "invalid group length in group {group}: expected {}, found {len}",
        LENGTHS[group]
    )
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

/// Hyphenated, lower case: Python's `str(uuid)`.
impl crate::model::Dump for Uuid {}

impl Check for Uuid {
    fn check(&self, _: &Constraints) -> Result<(), Invalid> {
        Ok(())
    }
}
