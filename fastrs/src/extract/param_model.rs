//! Parameter models: a `#[derive(Model)]` struct as `#[query]`, `#[header]`,
//! `#[cookie]` or `#[form]` parameter (FastAPI's "Query Parameter Models"
//! and its header, cookie and form siblings).
//!
//! Each field of the model is read from the request under its own name, the
//! way FastAPI's `_request_param_model_to_args` does: a list field takes
//! every value, any other field the last one; header names are the field
//! names with `-` for `_`. Every other name found in that place is passed
//! along as an extra (one value, or a list when repeated), so a model with
//! `extra = "forbid"` refuses it (`extra_forbidden`). The object so built is
//! validated by the model itself ([`FromJson::from_json`]), with Pydantic's
//! lax rules for strings, errors located at `[source, field]` (the header
//! name for headers). In the OpenAPI document each field is a parameter of
//! its own; a form model is the request body's schema.
//!
//! ```
//! use fastrs::prelude::*;
//!
//! #[derive(Model)]
//! struct FilterParams {
//!     #[field(default = 100, gt = 0, le = 100)]
//!     limit: i64,
//!     #[field(default = 0, ge = 0)]
//!     offset: i64,
//!     #[field(default)]
//!     tags: Vec<String>,
//! }
//!
//! #[get("/items/")]
//! async fn read_items(#[query] filter_query: FilterParams) -> FilterParams {
//!     filter_query
//! }
//!
//! let client = TestClient::new(App::new().route(read_items));
//! let r = client.get("/items/?limit=10&tags=a&tags=b").send();
//! assert_eq!(r.json(), serde_json::json!({"limit": 10, "offset": 0, "tags": ["a", "b"]}));
//! let r = client.get("/items/?limit=0&offset=x").send();
//! assert_eq!(r.json()["detail"][0]["type"], "greater_than");
//! assert_eq!(r.json()["detail"][0]["loc"], serde_json::json!(["query", "limit"]));
//! assert_eq!(r.json()["detail"][1]["type"], "int_parsing");
//! ```

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::RawValues;
use crate::constraints::Constraints;
use crate::lax::FromJson;
use crate::request::Source;
use crate::routing::{Operation, SchemaFn};
use crate::validation::{LocItem, ValidationErrors};

/// One field of a parameter model: its name on the wire and whether it takes
/// every value under that name.
#[derive(Debug, Clone, Copy)]
pub struct ParamField {
    /// The field's name in the model (after `alias`).
    pub name: &'static str,
    /// The header it is read from: `name` in lower case, `-` for `_`.
    pub header: &'static str,
    /// A list field (`Vec<T>`): every value, else the last one.
    pub list: bool,
}

impl ParamField {
    /// The name the field is sent under in `source`.
    fn sent_as(&self, source: Source) -> &'static str {
        if source == Source::Header {
            self.header
        } else {
            self.name
        }
    }
}

/// A model read from the fields of one place of the request. Implemented
/// by `#[derive(Model)]` for structs, with their
/// [`ParamValue`](super::ParamValue) impl calling [`read`] and [`document`].
pub trait ParamModel: FromJson + schemars::JsonSchema {
    /// The fields, in declaration order.
    const FIELDS: &'static [ParamField];
}

/// The name a property is sent under in `source`: headers use `-` for `_`.
fn request_name(source: Source, property: &str) -> String {
    if source == Source::Header {
        property.replace('_', "-").to_ascii_lowercase()
    } else {
        property.to_owned()
    }
}

/// One value or, repeated, the list of them.
fn one_or_list(mut values: Vec<String>) -> Value {
    if values.len() == 1 {
        Value::String(values.remove(0))
    } else {
        Value::Array(values.into_iter().map(Value::String).collect())
    }
}

/// Reads the model `T` from the place `values` looks in.
pub fn read<T: ParamModel>(
    values: &RawValues<'_>,
    constraints: &Constraints,
    errors: &mut ValidationErrors,
) -> Option<T> {
    let source = values.source();
    let mut object = Map::new();
    let mut processed: Vec<&str> = Vec::with_capacity(T::FIELDS.len());
    for field in T::FIELDS {
        let name = field.sent_as(source);
        let found = values.named(name).all();
        if field.list {
            if !found.is_empty() {
                let list = found.into_iter().map(|v| Value::String(v.into_owned()));
                object.insert(field.name.to_owned(), Value::Array(list.collect()));
            }
        } else if let Some(last) = found.into_iter().last() {
            object.insert(field.name.to_owned(), Value::String(last.into_owned()));
        }
        processed.push(name);
    }
    // Every other name: the model's `extra` policy decides.
    let mut extras: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in values.pairs() {
        if processed.contains(&k.as_ref()) {
            continue;
        }
        match extras.iter_mut().find(|(name, _)| *name == k) {
            Some((_, list)) => list.push(v.into_owned()),
            None => extras.push((k.into_owned(), vec![v.into_owned()])),
        }
    }
    for (k, v) in extras {
        object.insert(k, one_or_list(v));
    }
    let before = errors.len();
    let mut loc = crate::validation::Loc::new(source.as_str());
    let out = T::from_json_checked(&Value::Object(object), constraints, &mut loc, errors);
    if source == Source::Header {
        // Errors name the header, not the field.
        for e in errors.since_mut(before) {
            if let Some(LocItem::Key(k)) = e.loc.get_mut(1) {
                if let Some(f) = T::FIELDS.iter().find(|f| f.name == k.as_ref()) {
                    *k = Cow::Borrowed(f.header);
                }
            }
        }
    }
    out
}

/// Documents the model's fields: one parameter each (named as sent), or,
/// for a form, the model as the request body's schema.
pub fn document<T: ParamModel>(source: Source, op: &mut Operation) {
    if source == Source::Form {
        op.form_model = Some(|g| g.subschema_for::<T>());
    } else {
        op.param_models.push(ParamModelDoc {
            source,
            schema: T::json_schema,
        });
    }
}

/// A parameter model in an operation's documentation: expanded into one
/// parameter per property of its schema when the document is written.
#[derive(Debug, Clone, Copy)]
pub struct ParamModelDoc {
    /// Where its fields are read from.
    pub source: Source,
    /// The model's own schema (its properties, not a reference).
    pub schema: SchemaFn,
}

impl ParamModelDoc {
    /// The model's fields as OpenAPI parameters: name (as sent), `in`,
    /// `required` and the property's schema.
    pub fn parameters(&self, gen: &mut schemars::SchemaGenerator) -> Vec<Value> {
        let schema = (self.schema)(gen).to_value();
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(props) = schema["properties"].as_object() else {
            return Vec::new();
        };
        props
            .iter()
            .map(|(name, prop)| {
                let mut m = Map::new();
                m.insert("name".into(), request_name(self.source, name).into());
                m.insert("in".into(), self.source.as_str().into());
                m.insert("required".into(), required.contains(&name.as_str()).into());
                m.insert("schema".into(), prop.clone());
                if let Some(d) = prop.get("description") {
                    m.insert("description".into(), d.clone());
                }
                Value::Object(m)
            })
            .collect()
    }
}
