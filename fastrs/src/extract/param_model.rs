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
//! #[model(extra = "forbid")]
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
//! let r = client.get("/items/?limit=0&tool=plumbus").send();
//! assert_eq!(r.json()["detail"][0]["type"], "greater_than");
//! assert_eq!(r.json()["detail"][1]["type"], "extra_forbidden");
//! assert_eq!(r.json()["detail"][1]["loc"], serde_json::json!(["query", "tool"]));
//! ```

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::RawValues;
use crate::constraints::Constraints;
use crate::model::{Model, ModelField};
use crate::request::Source;
use crate::routing::Operation;
use crate::validation::{Loc, LocItem, ValidationErrors};

/// The name a field is sent under in `source`: headers use `-` for `_`,
/// in lower case (FastAPI's `convert_underscores`).
fn sent_as(source: Source, field: &str) -> Cow<'_, str> {
    if source == Source::Header {
        Cow::Owned(field.replace('_', "-").to_ascii_lowercase())
    } else {
        Cow::Borrowed(field)
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
pub fn read<T: Model>(
    values: &RawValues<'_>,
    constraints: &Constraints,
    errors: &mut ValidationErrors,
) -> Option<T> {
    let source = values.source();
    let mut object = Map::new();
    let mut processed: Vec<Cow<'_, str>> = Vec::with_capacity(T::FIELDS.len());
    for field in T::FIELDS {
        let name = sent_as(source, field.name);
        let found: Vec<String> = values
            .all_of(&name)
            .into_iter()
            .map(Cow::into_owned)
            .collect();
        if field.is_list {
            if !found.is_empty() {
                let list = found.into_iter().map(Value::String).collect();
                object.insert(field.name.to_owned(), Value::Array(list));
            }
        } else if let Some(last) = found.into_iter().last() {
            object.insert(field.name.to_owned(), Value::String(last));
        }
        if source == Source::Header && name != field.name {
            // The field's own name, unconverted, is not an extra header either.
            processed.push(Cow::Owned(field.name.to_ascii_lowercase()));
        }
        processed.push(name);
    }
    // Every other name: the model's `extra` policy decides.
    let mut extras: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in values.pairs() {
        if processed.contains(&k) {
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
    let mut loc = Loc::new(source.as_str());
    let out = T::from_json_checked(&Value::Object(object), constraints, &mut loc, errors);
    if source == Source::Header {
        // Errors name the header, not the field.
        for e in errors.since_mut(before) {
            if let Some(LocItem::Key(k)) = e.loc.get_mut(1) {
                if T::FIELDS.iter().any(|f| f.name == k.as_ref()) {
                    *k = Cow::Owned(sent_as(source, k).into_owned());
                }
            }
        }
    }
    out
}

/// Documents the model's fields: one parameter each (named as sent), or,
/// for a form, the model as the request body's schema.
pub fn document<T: Model>(source: Source, op: &mut Operation) {
    if source == Source::Form {
        op.form_model = Some(|g| g.subschema_for::<T>());
    } else {
        op.param_models.push(ParamModelDoc {
            source,
            fields: T::FIELDS,
        });
    }
}

/// A parameter model in an operation's documentation: one parameter per
/// field when the document is written.
#[derive(Debug, Clone, Copy)]
pub struct ParamModelDoc {
    /// Where its fields are read from.
    pub source: Source,
    /// Its fields.
    pub fields: &'static [ModelField],
}

impl ParamModelDoc {
    /// The model's fields as OpenAPI parameters: name (as sent), `in`,
    /// `required` and the field's schema.
    pub fn parameters(&self, gen: &mut schemars::SchemaGenerator) -> Vec<Value> {
        self.fields
            .iter()
            .map(|f| {
                let schema = (f.schema)(gen).to_value();
                let mut m = Map::new();
                m.insert("name".into(), sent_as(self.source, f.name).into());
                m.insert("in".into(), self.source.as_str().into());
                m.insert("required".into(), f.required.into());
                if let Some(d) = schema.get("description") {
                    m.insert("description".into(), d.clone());
                }
                m.insert("schema".into(), schema);
                Value::Object(m)
            })
            .collect()
    }
}
