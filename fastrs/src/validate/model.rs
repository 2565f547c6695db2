//! Models: FastAPI's Pydantic `BaseModel`, as `#[derive(Model)]`.
//!
//! A model is a struct whose one derive gives deserialization with Pydantic's
//! lax coercions and constraint checks (the fast path), an error-collecting
//! validator over `serde_json::Value` (the slow path, run only when the fast one
//! fails), serialization, and a JSON Schema that carries every constraint.
//! The derive generates plain calls to the helpers below; a unit-only enum
//! deriving `Model` is a string enum usable as a field or a parameter.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::constraints::{Check, Constraints};
use crate::lax::{FromJson, FromParam};
use crate::validation::{Invalid, Loc, ValidationErrors};

/// A request or response model: see [`derive@crate::Model`].
///
/// `#[derive(Model)]` takes three shapes:
///
/// * a struct with named fields: Pydantic's `BaseModel`;
/// * an enum of unit variants: a string enum (`class Color(str, Enum)`);
/// * a struct with exactly one unnamed field, a *newtype*: Pydantic's
///   `RootModel[T]`. It is transparent: it reads, checks, reports errors
///   (same `loc`, no extra step), and writes exactly as its inner type, and is
///   documented as a component named after the struct with the inner type's
///   schema (`UserId: {"type": "string", "format": "uuid", "title": "UserId"}`).
///   Constraints go on the inner field: `struct Age(#[field(ge = 0)] i64);`.
///   It is a model field, a JSON body (its inferred source, as FastAPI infers a
///   `RootModel`), and, when its inner type is a parameter type
///   ([`FromParam`](crate::FromParam)), a `#[path]`, `#[query]`, `#[header]` or
///   `#[cookie]` parameter too: the derive implements [`Newtype`], and a
///   blanket impl gives every `Newtype` whose inner type is `FromParam` its
///   `FromParam`. A newtype of an `Option` is still a required field, as a
///   `RootModel[Optional[T]]` is.
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::uuid::Uuid;
///
/// #[derive(Model)]
/// struct UserId(Uuid);
///
/// #[derive(Model)]
/// struct Age(#[field(ge = 0, le = 150)] i64);
///
/// #[derive(Model)]
/// struct Member {
///     id: UserId,
///     age: Age,
///     #[field(default)]
///     friends: Vec<UserId>,
/// }
///
/// #[post("/members")]
/// async fn create(body: Member) -> Member {
///     body
/// }
///
/// #[get("/members/{id}")]
/// async fn read(#[path] id: UserId, #[query] min_age: Option<Age>) -> Json<Vec<UserId>> {
///     let _ = min_age;
///     Json(vec![id])
/// }
///
/// let client = TestClient::new(App::new().route(create).route(read));
/// let id = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
/// let ok = client.post("/members").json(&fastrs::serde_json::json!({"id": id, "age": 30})).send();
/// assert_eq!(ok.json(), fastrs::serde_json::json!({"id": id, "age": 30, "friends": []}));
///
/// let bad = client.post("/members").json(&fastrs::serde_json::json!({"id": id, "age": 200})).send();
/// assert_eq!(bad.status(), 422);
/// assert_eq!(bad.json()["detail"][0]["loc"], fastrs::serde_json::json!(["body", "age"]));
///
/// assert_eq!(client.get(&format!("/members/{id}?min_age=3")).send().json()[0], id);
/// let bad = client.get("/members/nope?min_age=-1").send();
/// assert_eq!(bad.json()["detail"][0]["type"], "uuid_parsing");
/// assert_eq!(bad.json()["detail"][1]["type"], "greater_than_equal");
/// ```
pub trait Model: FromJson + Serialize + schemars::JsonSchema {
    /// The fields, in declaration order, as they are read (a struct's; empty
    /// for a newtype). What a parameter model (query, header or cookie
    /// parameters declared as one model) reads and documents.
    const FIELDS: &'static [ModelField] = &[];
    /// What the model does with keys that are not fields
    /// (`#[model(extra = "…")]`).
    const EXTRA: Extra = Extra::Ignore;
}

/// Pydantic's `model_config["extra"]`: what a model does with a key that is
/// none of its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    /// Dropped (the default).
    Ignore,
    /// An `extra_forbidden` error per key, after the fields' errors.
    Forbid,
    /// Kept in the `#[field(extra)]` map and written back after the fields.
    Allow,
}

/// One field of a model, as [`Model::FIELDS`] lists it.
#[derive(Debug, Clone, Copy)]
pub struct ModelField {
    /// The name it is read under (its alias or validation alias).
    pub name: &'static str,
    /// Whether it is a list (`Vec`, a set, or an `Option` of one).
    pub is_list: bool,
    /// Whether it must be given (no default, not an `Option`).
    pub required: bool,
    /// Its schema as the model documents it (title, constraints, default…).
    pub schema: fn(&mut schemars::SchemaGenerator) -> schemars::Schema,
}

/// A newtype model (`#[derive(Model)] struct UserId(Uuid);`): the one field it
/// wraps. Implemented by the derive; through it a newtype of a parameter type
/// is a parameter type (the blanket [`FromParam`] impl below), without the
/// derive naming any type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a path, query, header or cookie parameter",
    label = "not a parameter type",
    note = "parameters are scalars (integers, floats, bool, String, string enums deriving `Model`), newtypes deriving `Model` of them, `Option` or `Vec` of them"
)]
pub trait Newtype: Sized + Check + schemars::JsonSchema {
    /// The wrapped type.
    type Inner;
    /// The constraints declared on the wrapped field (`#[field(ge = 0)]`).
    fn constraints() -> &'static Constraints;
    /// Wraps a value.
    fn from_inner(inner: Self::Inner) -> Self;
    /// The wrapped value.
    fn inner(&self) -> &Self::Inner;
}

/// A newtype of a parameter type reads as its inner type, then checks the
/// inner field's constraints.
impl<N> FromParam for N
where
    N: Newtype,
    N::Inner: FromParam,
{
    fn from_param(raw: &str) -> Result<Self, Invalid> {
        let inner = N::Inner::from_param(raw)?;
        inner.check(N::constraints())?;
        Ok(N::from_inner(inner))
    }
}

/// How a value is written in a model: as Pydantic's `model_dump(mode="json")`
/// writes it. The derive's `Serialize` writes every field through it, so the
/// macro names no type.
///
/// The default is the type's `Serialize`; the runtime overrides it where
/// Pydantic writes differently from the type's serde form: a `TimeDelta` is
/// ISO 8601 (`"P1DT2H"`, not chrono's `[secs, nanos]`), a time or datetime with
/// a fraction of a second has 6 digits (`"10:30:00.500000"`, not `".500"`).
/// A user type used as a model field implements it, usually as `impl Dump for
/// MyType {}`.
///
/// ```
/// use fastrs::chrono::{NaiveTime, TimeDelta};
/// use fastrs::model::Dumped;
/// let half = NaiveTime::from_hms_milli_opt(10, 30, 0, 500).unwrap();
/// assert_eq!(fastrs::serde_json::to_string(&Dumped(&half)).unwrap(), r#""10:30:00.500000""#);
/// let took = Some(TimeDelta::seconds(93_600));
/// assert_eq!(fastrs::serde_json::to_string(&Dumped(&took)).unwrap(), r#""P1DT2H""#);
/// ```
pub trait Dump: Serialize {
    /// Writes the value as Pydantic does.
    fn dump<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.serialize(s)
    }
}

/// `Serialize` through [`Dump`]: what the derive writes each field with.
pub struct Dumped<'a, T: ?Sized>(pub &'a T);

impl<T: Dump> Serialize for Dumped<'_, T> {
    #[inline]
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.dump(s)
    }
}

/// For `#[serde(serialize_with = "fastrs::model::dump")]`: a field of a
/// plain serde struct written as a model field would be.
pub fn dump<T: Dump, S: serde::Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    v.dump(s)
}

/// How an absent field gets its value.
pub enum Missing<T> {
    /// Required unless the type allows absence (`Option`).
    Required,
    /// The declared default.
    Default(fn() -> T),
    /// Required even for `Option` (`#[field(required)]`: present, maybe null).
    Always,
}

/// Slow path for one field: finds it by its JSON name, converts it, checks its
/// constraints, and records every error under `loc`.
pub fn field<T: FromJson + Check>(
    object: &Value,
    name: &'static str,
    missing: Missing<T>,
    constraints: &Constraints,
    loc: &mut Loc,
    errors: &mut ValidationErrors,
) -> Option<T> {
    let Value::Object(map) = object else {
        return None;
    };
    loc.push(name);
    let out = match lookup(map, name) {
        None => match missing {
            Missing::Default(f) => Some(f()),
            Missing::Required if T::when_missing().is_some() => T::when_missing(),
            Missing::Required | Missing::Always => {
                errors.push(loc, object.clone(), Invalid::missing());
                None
            }
        },
        Some(raw) => T::from_json_checked(raw, constraints, loc, errors),
    };
    loc.pop();
    out
}

/// Slow path for a field with a `#[field(validator = f)]`: [`field`], then,
/// when the key was given and its value is valid, `f` on the value; its
/// `Err(e)` is Pydantic's `value_error` ("Value error, {e}") at the field.
/// Defaults are not validated, as in Pydantic.
#[allow(clippy::too_many_arguments)]
pub fn field_validated<T: FromJson + Check, E: std::fmt::Display>(
    object: &Value,
    name: &'static str,
    missing: Missing<T>,
    constraints: &Constraints,
    validator: impl FnOnce(&T) -> Result<(), E>,
    loc: &mut Loc,
    errors: &mut ValidationErrors,
) -> Option<T> {
    let out = field(object, name, missing, constraints, loc, errors)?;
    let Some(raw) = object.as_object().and_then(|m| lookup(m, name)) else {
        return Some(out);
    };
    match validator(&out) {
        Ok(()) => Some(out),
        Err(e) => {
            loc.push(name);
            errors.push(loc, raw.clone(), value_error(e));
            loc.pop();
            None
        }
    }
}

/// Fast path for a field with a `#[field(validator = f)]`: `f` on the value
/// read (if any); `Err` sends the request to the slow path.
#[inline]
pub fn fast_validate<T, E>(
    value: Option<T>,
    validator: impl FnOnce(&T) -> Result<(), E>,
) -> Result<Option<T>, &'static str> {
    match &value {
        Some(v) => validator(v).map_err(|_| "validator").map(|()| value),
        None => Ok(None),
    }
}

/// Slow path of a `#[model(validator = f)]`: `f` on the model built from
/// valid fields (Pydantic's `model_validator(mode="after")`); its `Err(e)` is
/// a `value_error` at the model's own location, with the whole object as input.
pub fn model_validated<M, E: std::fmt::Display>(
    model: M,
    validator: impl FnOnce(&M) -> Result<(), E>,
    object: &Value,
    loc: &Loc,
    errors: &mut ValidationErrors,
) -> Option<M> {
    match validator(&model) {
        Ok(()) => Some(model),
        Err(e) => {
            errors.push(loc, object.clone(), value_error(e));
            None
        }
    }
}

/// Fast path of a `#[model(validator = f)]`: `Err` sends the request to the
/// slow path.
#[inline]
pub fn fast_validate_model<M, E>(
    model: M,
    validator: impl FnOnce(&M) -> Result<(), E>,
) -> Result<M, &'static str> {
    validator(&model).map_err(|_| "validator")?;
    Ok(model)
}

/// Pydantic's error for a `ValueError` raised in a validator: `value_error`,
/// "Value error, {e}", and the `ctx` FastAPI writes for it (`{"error": {}}`,
/// the exception not being JSON).
pub fn value_error(e: impl std::fmt::Display) -> Invalid {
    Invalid::new("value_error", format!("Value error, {e}"))
        .with_ctx("error", Value::Object(Map::new()))
}

/// Slow path of `#[model(extra = "forbid")]`: an `extra_forbidden` error for
/// every key of `object` that is none of `fields`, in the object's order.
/// Returns whether there was none.
pub fn forbid_extra(
    object: &Value,
    fields: &[&str],
    loc: &mut Loc,
    errors: &mut ValidationErrors,
) -> bool {
    let Value::Object(map) = object else {
        return true;
    };
    let mut ok = true;
    for (k, v) in map.iter().filter(|(k, _)| !fields.contains(&k.as_str())) {
        loc.push(k.clone());
        errors.push(
            loc,
            v.clone(),
            Invalid::new("extra_forbidden", "Extra inputs are not permitted"),
        );
        loc.pop();
        ok = false;
    }
    ok
}

/// Slow path of `#[model(extra = "allow")]`: the keys of `object` that are
/// none of `fields`, kept in order for the `#[field(extra)]` map.
pub fn extra_fields(object: &Value, fields: &[&str]) -> Map<String, Value> {
    match object {
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| !fields.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        _ => Map::new(),
    }
}

/// Writes the keys a `#[model(extra = "allow")]` model kept, after its fields.
pub fn serialize_extra<M: serde::ser::SerializeMap>(
    out: &mut M,
    extra: &Map<String, Value>,
) -> Result<(), M::Error> {
    for (k, v) in extra {
        out.serialize_entry(k, v)?;
    }
    Ok(())
}

/// `map[name]`: a small object (a request body's) is scanned in order,
/// cheaper than hashing the name with the map's SipHash; a large one is not.
fn lookup<'m>(map: &'m serde_json::Map<String, Value>, name: &str) -> Option<&'m Value> {
    if map.len() <= 16 {
        map.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v)
    } else {
        map.get(name)
    }
}

/// Fast path for one field: the value deserialized (if present), its default,
/// and its constraints checked. `Err` sends the request to the slow path.
pub fn fast_field<T: FromJson + Check>(
    value: Option<T>,
    missing: Missing<T>,
    constraints: &Constraints,
) -> Result<T, &'static str> {
    match value {
        Some(v) => {
            v.check(constraints).map_err(|_| "constraint")?;
            Ok(v)
        }
        // Defaults are not validated, as in Pydantic.
        None => match missing {
            Missing::Default(f) => Ok(f()),
            Missing::Required => T::when_missing().ok_or("missing field"),
            Missing::Always => Err("missing field"),
        },
    }
}

/// The object of a nested model, or Pydantic's `model_type` error.
pub fn expect_object<'v>(
    v: &'v Value,
    class_name: &'static str,
    loc: &Loc,
    errors: &mut ValidationErrors,
) -> Option<&'v Map<String, Value>> {
    match v {
        Value::Object(m) => Some(m),
        // FastAPI validates request bodies from JSON, where Pydantic names a
        // non-object for a model `model_attributes_type`.
        _ => {
            let _ = class_name;
            let msg = "Input should be a valid dictionary or object to extract fields from";
            errors.push(loc, v.clone(), Invalid::new("model_attributes_type", msg));
            None
        }
    }
}

/// Pydantic's `enum` error: "Input should be 'red', 'green' or 'blue'".
pub fn enum_error(values: &[&str]) -> Invalid {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    let expected = match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    };
    Invalid::new("enum", format!("Input should be {expected}")).with_ctx("expected", expected)
}

/// Pydantic's `Literal[…]` error: "Input should be 'created_at' or
/// 'updated_at'", `literal_error` (the wording of [`enum_error`]).
pub fn literal_error(values: &[&str]) -> Invalid {
    let mut e = enum_error(values);
    e.kind = "literal_error";
    e
}

/// Pydantic's schema of a `Literal[…]` of strings, inlined where it is used:
/// `{"enum": [...], "type": "string"}`, or `{"const": "x", "type": "string"}`
/// for one value.
pub fn literal_schema(values: &[&str]) -> schemars::Schema {
    match values {
        [one] => schemars::json_schema!({"const": one, "type": "string"}),
        _ => schemars::json_schema!({"enum": values, "type": "string"}),
    }
}

/// A model field's schema as Pydantic titles it: none on an `Option` of a
/// model or string enum (`anyOf` of a reference and null), as none is on a
/// bare reference. (Parameters keep theirs: FastAPI titles every parameter.)
pub fn model_field_title(mut schema: schemars::Schema) -> schemars::Schema {
    let is_ref = |v: &Value| {
        v.as_object()
            .is_some_and(|o| o.len() == 1 && o.contains_key("$ref"))
    };
    let is_null = |v: &Value| v.get("type") == Some(&Value::from("null"));
    let nullable_ref = matches!(schema.get("anyOf"), Some(Value::Array(a))
        if a.len() == 2 && a.iter().any(is_ref) && a.iter().any(is_null));
    if nullable_ref {
        schema.remove("title");
    }
    schema
}

/// `schema` with `key` set to `value` (`examples`, `additionalProperties`).
pub fn with_key(mut schema: schemars::Schema, key: &str, value: Value) -> schemars::Schema {
    schema.insert(key.to_owned(), value);
    schema
}

/// The schema of one field: its type's schema with the field's title,
/// constraints, description, default and example.
pub fn field_schema(
    mut schema: schemars::Schema,
    constraints: &Constraints,
    title: &str,
    description: Option<&str>,
    default: Option<Value>,
    example: Option<&str>,
) -> schemars::Schema {
    use crate::constraints::Bound;
    // A decimal's bounds go into its number branch (Pydantic's `anyOf`).
    let decimal = crate::types::schema::decimal_field_schema(&mut schema, constraints);
    let is_array = schema.get("type").and_then(Value::as_str) == Some("array");
    let num = |b: Bound| b.to_json();
    let obj = schema.ensure_object();
    let bare_ref = obj.len() == 1 && obj.contains_key("$ref");
    let numeric = [
        ("exclusiveMinimum", constraints.gt),
        ("minimum", constraints.ge),
        ("exclusiveMaximum", constraints.lt),
        ("maximum", constraints.le),
        ("multipleOf", constraints.multiple_of),
    ];
    for (key, b) in numeric {
        let Some(b) = b else { continue };
        // A decimal's bounds go into the number branch of its `anyOf`.
        let target = match obj.get_mut("anyOf") {
            Some(Value::Array(any)) if decimal => match any.first_mut() {
                Some(Value::Object(n)) => n,
                _ => continue,
            },
            _ => &mut *obj,
        };
        target.insert(key.to_owned(), num(b));
    }
    let mut put = |k: &str, v: Value| {
        obj.insert(k.to_owned(), v);
    };
    let (min_key, max_key) = if is_array {
        ("minItems", "maxItems")
    } else {
        ("minLength", "maxLength")
    };
    if let Some(n) = constraints.min_length {
        put(min_key, Value::from(n));
    }
    if let Some(n) = constraints.max_length {
        put(max_key, Value::from(n));
    }
    if let Some(p) = constraints.pattern {
        put("pattern", Value::from(p.source()));
    }
    // A bare reference (a nested model) carries no title, as in Pydantic.
    if !bare_ref {
        put("title", Value::from(title));
    }
    if let Some(d) = description {
        put("description", Value::from(d));
    }
    if let Some(d) = default {
        put("default", d);
    }
    if let Some(e) = example.and_then(|e| serde_json::from_str::<Value>(e).ok()) {
        put("examples", Value::Array(vec![e]));
    }
    schema
}

/// Runs a model's derived fast-path `Deserialize` on JSON objects only.
///
/// serde's derived struct visitors also accept a JSON array of the fields in
/// order; Pydantic does not, so the derive reads its shadow struct through
/// this wrapper, which turns `deserialize_struct` into `deserialize_map`.
pub struct ObjectOnly<D>(pub D);

impl<'de, D: serde::Deserializer<'de>> serde::Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(v)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(v)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}
