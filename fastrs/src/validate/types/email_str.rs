//! Pydantic's `EmailStr`: [`Email`], validated and normalised by
//! [`crate::email`]. Only with the cargo feature `email` (on by default), as
//! Pydantic's `EmailStr` needs the `email-validator` package: the checks need
//! Unicode data (ICU4X's tables, character names) that a binary can do
//! without.

use std::fmt;
use std::ops::Deref;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::constraints::{check_str, Check, Constraints};
use crate::lax::{record, string_type, FromJson, FromParam};
use crate::validation::{Invalid, Loc, ValidationErrors};

/// An email address, validated and normalised like Pydantic's `EmailStr`.
///
/// ```
/// use fastrs::{Email, FromParam};
/// let e = Email::from_param(" jane@EXAMPLE.com ").unwrap();
/// assert_eq!(e.as_str(), "jane@example.com");
/// assert_eq!(Email::from_param("x").unwrap_err().kind, "value_error");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    /// Validates and normalises `s`.
    pub fn parse(s: &str) -> Result<Email, Invalid> {
        crate::email::validate_email(s)
            .map(Email)
            .map_err(|reason| {
                let msg =
                    crate::constraints::join(&["value is not a valid email address: ", &reason]);
                Invalid::new("value_error", msg).with_ctx("reason", reason)
            })
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The normalised address, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl Deref for Email {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl Serialize for Email {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_string(EmailVisitor { detailed: true })
    }
}

/// Validates the borrowed text directly (no intermediate `String`); accepts
/// and rejects exactly what `String::deserialize` does. `detailed: false`
/// (the fast path, whose errors are never shown) skips writing the message.
struct EmailVisitor {
    detailed: bool,
}

impl de::Visitor<'_> for EmailVisitor {
    type Value = Email;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Email, E> {
        if self.detailed {
            return Email::parse(s).map_err(|e| E::custom(e.msg));
        }
        crate::email::validate_email(s)
            .map(Email)
            .map_err(|_| E::custom("value is not a valid email address"))
    }
    fn visit_bytes<E: de::Error>(self, b: &[u8]) -> Result<Email, E> {
        match std::str::from_utf8(b) {
            Ok(s) => self.visit_str(s),
            Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(b), &self)),
        }
    }
}

impl schemars::JsonSchema for Email {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Email".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "email"})
    }
}

impl crate::model::Dump for Email {}

impl FromParam for Email {
    fn from_param(raw: &str) -> Result<Self, Invalid> {
        Email::parse(raw)
    }
}

impl FromJson for Email {
    fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_string(EmailVisitor { detailed: false })
    }
    fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
        let r = match v {
            Value::String(s) => Email::parse(s),
            _ => Err(string_type()),
        };
        record(r, v, loc, errors)
    }
}

impl Check for Email {
    fn check(&self, c: &Constraints) -> Result<(), Invalid> {
        check_str(&self.0, c)
    }
}
