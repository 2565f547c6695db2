//! [`Bytes`]: Pydantic's `bytes`.
//!
//! Pydantic (with its default `val_json_bytes`/`ser_json_bytes = "utf8"`)
//! reads a `bytes` value from a string's UTF-8 encoding and writes it back as
//! a string; any other JSON value is `bytes_type`; `min_length`/`max_length`
//! count bytes (`bytes_too_short`/`bytes_too_long`). A newtype rather than
//! `Vec<u8>`, which stays a list of integers, or `bytes::Bytes`, whose serde
//! form is a list of integers.

use std::ops::Deref;

use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::constraints::{Check, Constraints};
use crate::lax::{record, FromJson, FromParam};
use crate::validation::{Invalid, Loc, ValidationErrors};

/// Pydantic's `bytes`: a string's UTF-8 bytes in, the same string out.
///
/// ```
/// use fastrs::FromParam;
/// let b = fastrs::Bytes::from_param("abc").unwrap();
/// assert_eq!(&b[..], b"abc");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Bytes(pub bytes::Bytes);

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl From<&str> for Bytes {
    fn from(s: &str) -> Self {
        Bytes(bytes::Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&String::from_utf8_lossy(&self.0))
    }
}

impl crate::model::Dump for Bytes {}

impl schemars::JsonSchema for Bytes {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Bytes".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "contentMediaType": "application/octet-stream"})
    }
}

impl FromParam for Bytes {
    fn from_param(raw: &str) -> Result<Self, Invalid> {
        Ok(Bytes::from(raw))
    }
}

impl FromJson for Bytes {
    fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Bytes(bytes::Bytes::from(s.into_bytes())))
    }
    fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
        let r = match v {
            Value::String(s) => Ok(Bytes::from(s.as_str())),
            _ => Err(Invalid::new("bytes_type", "Input should be a valid bytes")),
        };
        record(r, v, loc, errors)
    }
}

fn count(n: usize) -> String {
    format!("{n} byte{}", if n == 1 { "" } else { "s" })
}

impl Check for Bytes {
    fn check(&self, c: &Constraints) -> Result<(), Invalid> {
        let n = self.0.len();
        if let Some(min) = c.min_length.filter(|m| n < *m) {
            let msg = format!("Data should have at least {}", count(min));
            return Err(Invalid::new("bytes_too_short", msg).with_ctx("min_length", min));
        }
        if let Some(max) = c.max_length.filter(|m| n > *m) {
            let msg = format!("Data should have at most {}", count(max));
            return Err(Invalid::new("bytes_too_long", msg).with_ctx("max_length", max));
        }
        Ok(())
    }
}
