//! OpenAPI 3.1: the document FastAPI generates, from the same declarations
//! that validate requests.
//!
//! Nothing is written twice: each route's [`Operation`](crate::routing::Operation)
//! carries its parameters' `ParamSpec`s (constraints included), its body and
//! response types, and this module turns them into an OpenAPI 3.1 document
//! following FastAPI's conventions (operation ids, summaries, titles, the 422
//! response and its `HTTPValidationError` component, `anyOf` with `null` for
//! optional values). The document is built once when the app is frozen and
//! served from memory. Schemas come from schemars, with definitions placed
//! under `#/components/schemas`.

pub mod docs;
mod modes;

use http::StatusCode;
use schemars::generate::SchemaSettings;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::app::App;
use crate::model::field_schema;
use crate::request::Source;
use crate::routing::{Operation, ParamDoc};

/// Contact information of the API (`info.contact`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Contact {
    /// The contact's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// An email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The API's license (`info.license`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct License {
    /// The license's name, e.g. `"MIT"`.
    pub name: String,
    /// An SPDX identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// A URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Python's `str.title()`, then `_` → space: `"x-api-key"` → `"X-Api-Key"`,
/// `"item_id"` → `"Item Id"`; FastAPI's titles and summaries.
pub fn python_title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_letter = false;
    for c in s.chars() {
        if c.is_alphabetic() {
            if prev_letter {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            prev_letter = true;
        } else {
            out.push(c);
            prev_letter = false;
        }
    }
    out.replace('_', " ")
}

/// FastAPI's default `generate_unique_id`: the route's name and path with
/// non-word characters as `_`, then its method (`read_item_items__item_id__get`).
pub fn generate_unique_id(route: &crate::Route) -> String {
    operation_id(
        &route.operation().name,
        route.path(),
        route.method().as_str(),
    )
}

/// FastAPI's operation id: name + path with non-word characters as `_`, then the method.
pub fn operation_id(name: &str, path: &str, method: &str) -> String {
    let raw: String = format!("{name}{path}")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{raw}_{}", method.to_ascii_lowercase())
}

fn source_rank(s: Source) -> u8 {
    match s {
        Source::Path => 0,
        Source::Query => 1,
        Source::Header => 2,
        Source::Cookie => 3,
        Source::Form => 4,
    }
}

/// The schema of a parameter or body field: its type's, with its title,
/// constraints, description, default and example.
fn param_schema(p: &ParamDoc, gen: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let spec = p.spec;
    field_schema(
        (p.schema)(gen),
        &spec.constraints,
        &spec
            .title
            .map_or_else(|| python_title(spec.name), str::to_owned),
        spec.description,
        p.default.map(|f| f()),
        spec.example,
    )
}

fn parameter(p: &ParamDoc, gen: &mut schemars::SchemaGenerator) -> Value {
    let spec = p.spec;
    let mut schema = param_schema(p, gen).to_value();
    if spec.deprecated {
        if let Value::Object(m) = &mut schema {
            m.insert("deprecated".into(), Value::Bool(true));
        }
    }
    let mut m = Map::new();
    m.insert("name".into(), spec.name.into());
    m.insert("in".into(), p.source.as_str().into());
    m.insert(
        "required".into(),
        (p.required || p.source == Source::Path).into(),
    );
    m.insert("schema".into(), schema);
    if let Some(d) = spec.description {
        m.insert("description".into(), d.into());
    }
    if spec.deprecated {
        m.insert("deprecated".into(), true.into());
    }
    Value::Object(m)
}

/// A stream's content (`text/event-stream`, `application/jsonl`), its item
/// schema titled `StreamItem_<operation id>` as FastAPI titles it.
fn stream_content(c: crate::response::ResponseContent, op_id: &str) -> Value {
    let mut media = c.media;
    if let Some(Value::Object(s)) = c.item_schema.and_then(|p| media.pointer_mut(p)) {
        if !s.is_empty() && !s.contains_key("$ref") {
            s.insert(
                "title".into(),
                python_title(&format!("StreamItem_{op_id}")).into(),
            );
        }
    }
    let mut m = Map::new();
    m.insert(c.media_type.into(), media);
    Value::Object(m)
}

fn json_content(schema: Value) -> Value {
    json!({"application/json": {"schema": schema}})
}

fn operation(
    op: &Operation,
    op_id: String,
    gen: &mut schemars::SchemaGenerator,
    out_gen: &mut schemars::SchemaGenerator,
    uses_422: &mut bool,
    form_schemas: &mut Vec<(String, Value)>,
) -> Value {
    let mut m = Map::new();
    if !op.tags.is_empty() {
        m.insert("tags".into(), json!(op.tags));
    }
    let summary = op
        .summary
        .as_deref()
        .map(str::to_owned)
        .unwrap_or_else(|| python_title(&op.name));
    m.insert("summary".into(), summary.into());
    if let Some(d) = op.description.as_deref().filter(|d| !d.is_empty()) {
        let d = d.split('\u{c}').next().unwrap_or("").trim();
        m.insert("description".into(), d.into());
    }
    m.insert("operationId".into(), op_id.clone().into());
    if op.deprecated {
        m.insert("deprecated".into(), true.into());
    }
    if !op.security.is_empty() {
        let mut seen = std::collections::HashSet::new();
        let list: Vec<Value> = op
            .security
            .iter()
            .filter(|s| seen.insert(s.name.clone()))
            .map(|s| json!({ s.name.as_ref(): s.scopes }))
            .collect();
        m.insert("security".into(), Value::Array(list));
    }
    let mut params: Vec<&ParamDoc> = op
        .params
        .iter()
        .filter(|p| p.spec.include_in_schema && p.source != Source::Form)
        .collect();
    // A dependency used twice (or a parameter shared with one) is documented once.
    let mut seen = std::collections::HashSet::new();
    params.retain(|p| seen.insert((p.source, p.spec.name)));
    let mut list: Vec<(u8, Value)> = params
        .iter()
        .map(|p| (source_rank(p.source), parameter(p, gen)))
        .collect();
    for model in &op.param_models {
        let rank = source_rank(model.source);
        list.extend(model.parameters(gen).into_iter().map(|p| (rank, p)));
    }
    list.sort_by_key(|(rank, _)| *rank);
    let has_params = !list.is_empty();
    if has_params {
        let list = list.into_iter().map(|(_, p)| p).collect();
        m.insert("parameters".into(), Value::Array(list));
    }
    if let Some(schema) = op.form_model {
        let media = if op.form_multipart {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        m.insert(
            "requestBody".into(),
            json!({"content": {media: {"schema": schema(gen).to_value()}}, "required": true}),
        );
    }
    // Form fields, or a JSON body's several parameters: one object schema.
    let fields = if !op.form.is_empty() {
        let media = if op.form_multipart {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        Some((&op.form, media))
    } else if !op.body_fields.is_empty() {
        Some((&op.body_fields, "application/json"))
    } else {
        None
    };
    if let Some((fields, media)) = fields {
        let mut seen = std::collections::HashSet::new();
        let mut props = Map::new();
        let mut required = Vec::new();
        for p in fields.iter().filter(|p| seen.insert(p.spec.name)) {
            props.insert(p.spec.name.to_owned(), param_schema(p, gen).to_value());
            if p.required {
                required.push(Value::from(p.spec.name));
            }
        }
        let name = format!("Body_{op_id}");
        let mut schema = Map::new();
        schema.insert("properties".into(), Value::Object(props));
        schema.insert("type".into(), "object".into());
        let any_required = !required.is_empty();
        if any_required {
            schema.insert("required".into(), Value::Array(required));
        }
        schema.insert("title".into(), name.clone().into());
        form_schemas.push((name.clone(), Value::Object(schema)));
        let mut body = Map::new();
        body.insert(
            "content".into(),
            json!({media: {"schema": {"$ref": format!("#/components/schemas/{name}")}}}),
        );
        if any_required {
            body.insert("required".into(), true.into());
        }
        m.insert("requestBody".into(), Value::Object(body));
    }
    if let Some(p) = &op.body {
        let mut body = Map::new();
        if p.required {
            body.insert("required".into(), true.into());
        }
        body.insert(
            "content".into(),
            json_content(param_schema(p, gen).to_value()),
        );
        m.insert("requestBody".into(), Value::Object(body));
    }

    let mut responses = Map::new();
    let status = op.status.as_u16();
    let mut main = Map::new();
    main.insert("description".into(), "Successful Response".into());
    if status >= 200 && ![204, 205, 304].contains(&status) {
        let content = match (op.response, op.returns_content) {
            (None, Some(f)) => f(out_gen),
            _ => None,
        };
        let schema = match (op.response, op.returns) {
            (Some(f), _) => Some(f(out_gen)),
            (None, Some(f)) => f(out_gen),
            (None, None) => None,
        };
        let mut schema = schema.map(|s| s.to_value()).unwrap_or_else(|| json!({}));
        if let Value::Object(s) = &mut schema {
            if !s.is_empty() && !s.contains_key("$ref") {
                s.insert(
                    "title".into(),
                    python_title(&format!("Response_{op_id}")).into(),
                );
            }
        }
        match content {
            Some(c) => main.insert("content".into(), stream_content(c, &op_id)),
            None => main.insert("content".into(), json_content(schema)),
        };
    }
    responses.insert(status.to_string(), Value::Object(main));
    for (code, schema, description) in &op.responses {
        let description = description
            .as_deref()
            .map(str::to_owned)
            .or_else(|| code.canonical_reason().map(str::to_owned))
            .unwrap_or_else(|| "Additional Response".into());
        let mut r = Map::new();
        r.insert("description".into(), description.into());
        if let Some(f) = schema {
            r.insert("content".into(), json_content(f(out_gen).to_value()));
        }
        responses.insert(code.as_u16().to_string(), Value::Object(r));
    }
    let declares_422 = op
        .responses
        .iter()
        .any(|(c, _, _)| *c == StatusCode::UNPROCESSABLE_ENTITY);
    let has_body = op.body.is_some()
        || !op.form.is_empty()
        || !op.body_fields.is_empty()
        || op.form_model.is_some();
    if (has_params || has_body) && !declares_422 {
        *uses_422 = true;
        responses.insert(
            "422".into(),
            json!({"description": "Validation Error",
                   "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}}),
        );
    }
    m.insert("responses".into(), Value::Object(responses));
    Value::Object(m)
}

/// The OpenAPI 3.1 document of `app`.
///
/// ```
/// use fastrs::prelude::*;
/// #[get("/items/{item_id}")]
/// async fn read_item(item_id: i64) -> Json<serde_json::Value> { Json(serde_json::json!({})) }
/// let doc = fastrs::openapi::document(&App::new().route(read_item));
/// assert_eq!(doc["paths"]["/items/{item_id}"]["get"]["operationId"], "read_item_items__item_id__get");
/// ```
pub fn document(app: &App) -> Value {
    let mut gen = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator();
    // Responses are documented as models write them (see `modes`).
    let mut out_gen = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .for_serialize()
        .into_generator();
    let mut paths = Map::new();
    let mut uses_422 = false;
    let mut security_schemes = Map::new();
    let mut form_schemas: Vec<(String, Value)> = Vec::new();
    let mut operation_ids = std::collections::HashSet::new();
    for route in app.routes() {
        let mut op = route.operation().clone();
        if !op.include_in_schema {
            continue;
        }
        if !route.dependencies().is_empty() {
            // The router's and app's dependencies come first, as in FastAPI.
            let mut pre = Operation::default();
            for d in route.dependencies() {
                (d.document)(&mut pre);
            }
            pre.params.append(&mut op.params);
            op.params = pre.params;
            pre.security.append(&mut op.security);
            op.security = pre.security;
            pre.form.append(&mut op.form);
            pre.body_fields.append(&mut op.body_fields);
            op.body_fields = pre.body_fields;
            pre.param_models.append(&mut op.param_models);
            op.param_models = pre.param_models;
            op.form = pre.form;
            op.form_multipart |= pre.form_multipart;
            // The route's own `responses(…)` win over its dependencies'.
            for r in pre.responses {
                if !op.responses.iter().any(|(s, _, _)| *s == r.0) {
                    op.responses.push(r);
                }
            }
        }
        let method = route.method().as_str().to_ascii_lowercase();
        let item = paths
            .entry(route.path().to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        for s in &op.security {
            security_schemes
                .entry(s.name.to_string())
                .or_insert_with(|| s.scheme.clone());
        }
        let op_id = route.unique_id(app.meta.generate_unique_id).into_owned();
        if !operation_ids.insert(op_id.clone()) {
            tracing::warn!("Duplicate Operation ID {op_id} for function {}", op.name);
        }
        let value = operation(
            &op,
            op_id,
            &mut gen,
            &mut out_gen,
            &mut uses_422,
            &mut form_schemas,
        );
        if let Value::Object(item) = item {
            item.insert(method, value);
        }
    }
    let merged = modes::merge(gen.take_definitions(true), out_gen.take_definitions(true));
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for op in item.values_mut().filter_map(Value::as_object_mut) {
            for (k, v) in op.iter_mut() {
                let suffix = if k == "responses" {
                    "-Output"
                } else {
                    "-Input"
                };
                modes::rename_refs(v, &merged.split, suffix);
            }
        }
    }
    let mut schemas = merged.schemas;
    schemas.extend(form_schemas);
    if uses_422 {
        schemas.push(("HTTPValidationError".into(), http_validation_error()));
        schemas.push(("ValidationError".into(), validation_error()));
    }
    schemas.sort_by(|a, b| a.0.cmp(&b.0));

    let meta = &app.meta;
    let mut info = Map::new();
    info.insert("title".into(), app.title.clone().into());
    if let Some(s) = &meta.summary {
        info.insert("summary".into(), s.clone().into());
    }
    if let Some(d) = &app.description {
        info.insert("description".into(), d.clone().into());
    }
    if let Some(c) = &meta.contact {
        info.insert("contact".into(), json!(c));
    }
    if let Some(l) = &meta.license {
        info.insert("license".into(), json!(l));
    }
    info.insert("version".into(), app.version.clone().into());

    let mut doc = Map::new();
    doc.insert("openapi".into(), "3.1.0".into());
    doc.insert("info".into(), Value::Object(info));
    if !meta.servers.is_empty() {
        let servers: Vec<Value> = meta
            .servers
            .iter()
            .map(|(url, d)| match d {
                Some(d) => json!({"url": url, "description": d}),
                None => json!({"url": url}),
            })
            .collect();
        doc.insert("servers".into(), Value::Array(servers));
    }
    doc.insert("paths".into(), Value::Object(paths));
    let mut components = Map::new();
    if !schemas.is_empty() {
        components.insert(
            "schemas".into(),
            Value::Object(schemas.into_iter().collect()),
        );
    }
    if !security_schemes.is_empty() {
        components.insert("securitySchemes".into(), Value::Object(security_schemes));
    }
    if !components.is_empty() {
        doc.insert("components".into(), Value::Object(components));
    }
    if !meta.tags.is_empty() {
        let tags: Vec<Value> = meta
            .tags
            .iter()
            .map(|(name, d)| match d {
                Some(d) => json!({"name": name, "description": d}),
                None => json!({"name": name}),
            })
            .collect();
        doc.insert("tags".into(), Value::Array(tags));
    }
    let mut doc = Value::Object(doc);
    normalize(&mut doc);
    doc
}

fn http_validation_error() -> Value {
    json!({"properties": {"detail": {"items": {"$ref": "#/components/schemas/ValidationError"},
        "type": "array", "title": "Detail"}}, "type": "object", "title": "HTTPValidationError"})
}

fn validation_error() -> Value {
    json!({"properties": {
        "loc": {"items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}, "type": "array", "title": "Location"},
        "msg": {"type": "string", "title": "Message"},
        "type": {"type": "string", "title": "Error Type"},
        "input": {"title": "Input"},
        "ctx": {"type": "object", "title": "Context"}},
        "type": "object", "required": ["loc", "msg", "type"], "title": "ValidationError"})
}

/// Keywords that belong to the non-null branch when `"type": [T, "null"]`
/// becomes `anyOf`.
const TYPE_KEYWORDS: &[&str] = &[
    "format",
    "contentMediaType",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "items",
    "minItems",
    "maxItems",
    "enum",
    "properties",
    "required",
    "additionalProperties",
];

const NUMBER_FORMATS: &[&str] = &[
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "uint", "int",
    "float", "double",
];

/// FastAPI's schema style: optional values as `anyOf: [T, {"type": "null"}]`,
/// no integer/float `format`s.
fn normalize(v: &mut Value) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(normalize),
        Value::Object(m) => {
            crate::types::schema::pydantic_schema(m);
            if m.get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| NUMBER_FORMATS.contains(&f))
            {
                m.remove("format");
            }
            let nullable = match m.get("type") {
                Some(Value::Array(t)) if t.len() == 2 && t.contains(&json!("null")) => {
                    t.iter().find(|x| *x != &json!("null")).cloned()
                }
                _ => None,
            };
            if let Some(t) = nullable {
                let mut branch = Map::new();
                branch.insert("type".into(), t);
                for k in TYPE_KEYWORDS {
                    if let Some(x) = m.remove(*k) {
                        branch.insert((*k).into(), x);
                    }
                }
                // schemars adds `null` to an `enum` (and makes a `const` one);
                // the null is the other branch now.
                if let Some(Value::Array(e)) = branch.get_mut("enum") {
                    e.retain(|x| !x.is_null());
                    if e.len() == 1 {
                        let one = e.pop().expect("one value");
                        branch.remove("enum");
                        branch.insert("const".into(), one);
                    }
                }
                m.remove("type");
                let rest = std::mem::take(m);
                m.insert(
                    "anyOf".into(),
                    json!([Value::Object(branch), {"type": "null"}]),
                );
                m.extend(rest);
            }
            m.values_mut().for_each(normalize);
        }
        _ => {}
    }
}
