//! JSON Schema of the foreign value types, as Pydantic writes it.
//!
//! `schemars::JsonSchema` cannot be implemented here for chrono's or
//! rust_decimal's types, and schemars' own schemas for some of them are not
//! Pydantic's: `NaiveTime` is `partial-time` (Pydantic: `time`),
//! `NaiveDateTime` `partial-date-time` (Pydantic: `date-time`), `TimeDelta` a
//! `[secs, nanos]` array (Pydantic: a `duration` string), `Decimal` one
//! `["string","number"]` schema (Pydantic: `anyOf` a number and a string
//! with a pattern that carries `max_digits`/`decimal_places`), a map with
//! integer keys `patternProperties` (Pydantic: `additionalProperties` only). The OpenAPI
//! writer passes every schema object through [`pydantic_schema`], and
//! [`crate::model::field_schema`] through [`decimal_field_schema`] (where the
//! constraints are known); both recognise schemars' exact output.

use serde_json::{json, Map, Value};

use crate::constraints::Constraints;

/// schemars' pattern for `Decimal` when deserializing.
const SCHEMARS_DECIMAL_PATTERN: &str = r"^-?\d+(\.\d+)?([eE]\d+)?$";

/// The keywords of a number that belong to the `number` branch of a decimal.
const NUMERIC: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];

fn types(m: &Map<String, Value>) -> Vec<&str> {
    match m.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_decimal(m: &Map<String, Value>) -> bool {
    let t = types(m);
    t.contains(&"string")
        && t.contains(&"number")
        && m.get("pattern").and_then(Value::as_str) == Some(SCHEMARS_DECIMAL_PATTERN)
}

fn is_timedelta(m: &Map<String, Value>) -> bool {
    types(m).contains(&"array")
        && m.get("prefixItems")
            .and_then(Value::as_array)
            .is_some_and(|p| p.len() == 2 && p[0].get("format") == Some(&json!("int64")))
        && m.get("maxItems") == Some(&json!(2))
}

/// Rewrites `m` (a `Decimal` schema) as Pydantic's `anyOf`, moving numeric
/// keywords into the number branch.
fn decimal_any_of(m: &mut Map<String, Value>, c: &Constraints) {
    let nullable = types(m).contains(&"null");
    m.remove("type");
    m.remove("pattern");
    let mut number = Map::new();
    number.insert("type".into(), "number".into());
    for k in NUMERIC {
        if let Some(v) = m.remove(*k) {
            number.insert((*k).into(), v);
        }
    }
    let string = json!({"type": "string", "pattern": crate::types::decimal_pattern(c)});
    let mut any = vec![Value::Object(number), string];
    if nullable {
        any.push(json!({"type": "null"}));
    }
    m.insert("anyOf".into(), Value::Array(any));
}

/// Pydantic's schema for one schema object written by schemars, in place.
pub fn pydantic_schema(m: &mut Map<String, Value>) {
    match m.get("format").and_then(Value::as_str) {
        Some("partial-time") => {
            m.insert("format".into(), "time".into());
        }
        Some("partial-date-time") => {
            m.insert("format".into(), "date-time".into());
        }
        Some("int128" | "uint128") => {
            m.remove("format");
        }
        _ => {}
    }
    // A map with non-string keys: schemars writes the key's pattern,
    // Pydantic only the values' schema.
    if m.get("additionalProperties") == Some(&Value::Bool(false)) {
        if let Some(Value::Object(p)) = m.get("patternProperties") {
            if p.len() == 1 {
                let values = p.values().next().cloned().unwrap_or_default();
                m.remove("patternProperties");
                m.insert("additionalProperties".into(), values);
            }
        }
    }
    if is_decimal(m) {
        decimal_any_of(m, &Constraints::NONE);
    } else if is_timedelta(m) {
        let nullable = types(m).contains(&"null");
        for k in ["prefixItems", "minItems", "maxItems", "items"] {
            m.remove(k);
        }
        let t = if nullable {
            json!(["string", "null"])
        } else {
            json!("string")
        };
        m.insert("type".into(), t);
        m.insert("format".into(), "duration".into());
    }
}

/// A parameter's or field's `Decimal` schema with its constraints (numeric
/// bounds in the number branch, digits in the string's pattern); `false`
/// when `schema` is not a decimal's.
pub fn decimal_field_schema(schema: &mut schemars::Schema, c: &Constraints) -> bool {
    let Some(m) = schema.as_object_mut() else {
        return false;
    };
    if !is_decimal(m) {
        return false;
    }
    decimal_any_of(m, c);
    true
}
