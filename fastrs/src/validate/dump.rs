//! Dumping: Pydantic's `model_dump` with its options, and FastAPI's
//! `response_model_exclude_unset` / `_exclude_defaults` / `_exclude_none` /
//! `_include` / `_exclude`.
//!
//! A model is written by its `Serialize` (every field, the fast way every
//! response takes). Dumping with options is a second, separate way:
//! [`Dump::dump_with`](crate::model::Dump::dump_with), which
//! `#[derive(Model)]` implements for structs and the runtime for containers
//! (`Option`, `Vec`, maps, sets), so `exclude_unset`, `exclude_defaults` and
//! `exclude_none` reach nested models and the items of a list, as Pydantic's
//! do. `include` and `exclude` name fields (their Rust names, as Pydantic's
//! take field names, not aliases) of the top-level model only.
//!
//! `exclude_unset` needs to know what the input set: it is offered only for
//! models that implement [`TracksFieldsSet`], a compile-time check (a model
//! nested in a tracking one but not tracking itself counts all its fields as
//! set). A route without a dump option keeps its plain `Serialize` response.

use http::StatusCode;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::fields::TracksFieldsSet;
use crate::lax::FromJson;
use crate::model::{Dump, Dumped, Missing};
use crate::response::{json_response, set_status, IntoResponse, Json, Response};

/// What a dump leaves out (Pydantic's `model_dump` keyword arguments).
#[derive(Debug, Clone, Copy, Default)]
pub struct DumpOptions<'a> {
    /// Leave out the fields the input did not set (models that track them).
    pub exclude_unset: bool,
    /// Leave out the fields equal to their default (an `Option`'s default is `None`).
    pub exclude_defaults: bool,
    /// Leave out the fields that are `None`.
    pub exclude_none: bool,
    /// Only these fields of the top-level model (Rust names).
    pub include: Option<&'a [&'a str]>,
    /// Not these fields of the top-level model (Rust names).
    pub exclude: Option<&'a [&'a str]>,
}

impl<'a> DumpOptions<'a> {
    /// Nothing left out: a dump equal to the model's `Serialize`.
    pub const NONE: DumpOptions<'static> = DumpOptions {
        exclude_unset: false,
        exclude_defaults: false,
        exclude_none: false,
        include: None,
        exclude: None,
    };

    /// The options for a nested value: the same exclusions, no include/exclude.
    pub fn nested(&self) -> DumpOptions<'a> {
        DumpOptions {
            include: None,
            exclude: None,
            ..*self
        }
    }

    /// Whether a field is written: what the derive's `dump_with` asks per
    /// field. `name` is its Rust name, `is_set` whether the input set it
    /// (always true for a model that does not track it), `exclude_none` its
    /// own `#[field(exclude_none)]`, `missing` how it gets its default.
    pub fn keeps<T: Dump + FromJson>(
        &self,
        name: &str,
        is_set: bool,
        exclude_none: bool,
        value: &T,
        missing: Missing<T>,
    ) -> bool {
        if self.include.is_some_and(|i| !i.contains(&name))
            || self.exclude.is_some_and(|e| e.contains(&name))
            || (self.exclude_unset && !is_set)
            || ((self.exclude_none || exclude_none) && value.is_none())
        {
            return false;
        }
        if self.exclude_defaults {
            let default = match missing {
                Missing::Default(f) => Some(f()),
                Missing::Required => T::when_missing(),
                Missing::Always => None,
            };
            if let Some(d) = default {
                // Compared as written, as Pydantic compares values.
                let as_json = |v: &T| serde_json::to_value(Dumped(v)).ok();
                if as_json(&d) == as_json(value) {
                    return false;
                }
            }
        }
        true
    }
}

/// `Serialize` through [`Dump::dump_with`]: a value written with options.
pub struct DumpedWith<'a, T: ?Sized>(pub &'a T, pub &'a DumpOptions<'a>);

impl<T: Dump> Serialize for DumpedWith<'_, T> {
    #[inline]
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.dump_with(self.1, s)
    }
}

/// A model being dumped, Pydantic's `model.model_dump(…)`: options are added
/// one by one, then [`to_value`](Self::to_value) or
/// [`to_object`](Self::to_object) writes it (or it is serialized as is).
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::serde_json::json;
///
/// #[derive(Model)]
/// struct Item {
///     name: String,
///     description: Option<String>,
///     #[field(default = 10.5)]
///     tax: f64,
/// }
///
/// let item = Item { name: "Foo".into(), description: None, tax: 10.5 };
/// assert_eq!(item.model_dump().to_value(), json!({"name": "Foo", "description": null, "tax": 10.5}));
/// assert_eq!(item.model_dump().exclude_none().to_value(), json!({"name": "Foo", "tax": 10.5}));
/// assert_eq!(item.model_dump().exclude_defaults().to_value(), json!({"name": "Foo"}));
/// assert_eq!(item.model_dump().include(&["name"]).to_value(), json!({"name": "Foo"}));
/// assert_eq!(item.model_dump().exclude(&["tax"]).to_value(), json!({"name": "Foo", "description": null}));
/// ```
///
/// `exclude_unset()` is there for models that record their fields set
/// ([`TracksFieldsSet`]); on another it does not compile:
///
/// ```compile_fail,E0277
/// use fastrs::prelude::*;
/// #[derive(Model)]
/// struct Item { name: String }
/// let item = Item { name: "Foo".into() };
/// let _ = item.model_dump().exclude_unset();
/// ```
pub struct ModelDump<'a, M: ?Sized> {
    model: &'a M,
    options: DumpOptions<'a>,
}

impl<'a, M: Dump + ?Sized> ModelDump<'a, M> {
    /// A dump of `model` with no option.
    pub fn new(model: &'a M) -> Self {
        ModelDump {
            model,
            options: DumpOptions::NONE,
        }
    }

    /// A dump of `model` with these options.
    pub fn with_options(model: &'a M, options: DumpOptions<'a>) -> Self {
        ModelDump { model, options }
    }

    /// Leaves out the fields the input did not set (`exclude_unset=True`).
    pub fn exclude_unset(mut self) -> Self
    where
        M: TracksFieldsSet,
    {
        self.options.exclude_unset = true;
        self
    }

    /// Leaves out the fields equal to their default (`exclude_defaults=True`).
    pub fn exclude_defaults(mut self) -> Self {
        self.options.exclude_defaults = true;
        self
    }

    /// Leaves out the fields that are `None` (`exclude_none=True`).
    pub fn exclude_none(mut self) -> Self {
        self.options.exclude_none = true;
        self
    }

    /// Only these fields, by Rust name (`include={…}`).
    pub fn include(mut self, fields: &'a [&'a str]) -> Self {
        self.options.include = Some(fields);
        self
    }

    /// Not these fields, by Rust name (`exclude={…}`).
    pub fn exclude(mut self, fields: &'a [&'a str]) -> Self {
        self.options.exclude = Some(fields);
        self
    }

    /// The options chosen so far.
    pub fn options(&self) -> &DumpOptions<'a> {
        &self.options
    }

    /// The dump as JSON (`model_dump(mode="json")`).
    pub fn to_value(&self) -> Value {
        // Writing a model into a `Value` fails only for a map with non-string
        // keys, which no model field has.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The dump as a JSON object, to add keys to or to build another model
    /// from (`UserInDB(**user_in.model_dump(), hashed_password=…)`).
    pub fn to_object(&self) -> Map<String, Value> {
        match self.to_value() {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }
}

impl<M: Dump + ?Sized> Serialize for ModelDump<'_, M> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.model.dump_with(&self.options, s)
    }
}

/// A handler's return value written with a route's dump options
/// (`response_model_exclude_unset = true`, …): models and containers of them
/// (any [`Dump`] value), [`Json`] of one, or a `Result` whose `Ok` is one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be written with `response_model_exclude_*` / `response_model_include` options",
    label = "not a model, a container of models, `Json` of one, or a `Result` of one",
    note = "return a `#[derive(Model)]` type (or `Vec`, `Option`, `Json` or `Result` of one), or set `response_model = …`"
)]
pub trait DumpResponse {
    /// The response: the value dumped with `options`, with the route's
    /// status and the request's [`TemporalResponse`](crate::TemporalResponse)
    /// merged in (not for an error, as
    /// [`IntoResponse::into_route_response`]).
    fn dump_response(
        self,
        options: &DumpOptions<'_>,
        status: StatusCode,
        cx: &crate::RequestContext,
    ) -> Response;
}

impl<T: Dump> DumpResponse for T {
    fn dump_response(
        self,
        options: &DumpOptions<'_>,
        status: StatusCode,
        cx: &crate::RequestContext,
    ) -> Response {
        let mut r = json_response(StatusCode::OK, &DumpedWith(&self, options));
        if r.status() == StatusCode::OK {
            set_status(&mut r, status);
        }
        crate::temporal_response::merge(r, cx)
    }
}

impl<T: Dump> DumpResponse for Json<T> {
    fn dump_response(
        self,
        options: &DumpOptions<'_>,
        status: StatusCode,
        cx: &crate::RequestContext,
    ) -> Response {
        self.0.dump_response(options, status, cx)
    }
}

impl<T: DumpResponse, E: IntoResponse> DumpResponse for Result<T, E> {
    fn dump_response(
        self,
        options: &DumpOptions<'_>,
        status: StatusCode,
        cx: &crate::RequestContext,
    ) -> Response {
        match self {
            Ok(v) => v.dump_response(options, status, cx),
            Err(e) => e.into_response(),
        }
    }
}

/// A response value whose models record their fields set, so the route
/// option `response_model_exclude_unset` applies: a [`TracksFieldsSet`]
/// model, or `Vec`, `Option`, `Json` or `Result` of one.
#[diagnostic::on_unimplemented(
    message = "`response_model_exclude_unset` needs a model that records its fields set; `{Self}` does not",
    label = "no `#[field(fields_set)]` field in this model",
    note = "add `#[field(fields_set)] fields_set: fastrs::FieldsSet` to the model"
)]
pub trait ExcludeUnset {}

impl<T: TracksFieldsSet> ExcludeUnset for T {}
impl<T: ExcludeUnset> ExcludeUnset for Vec<T> {}
impl<T: ExcludeUnset> ExcludeUnset for Option<T> {}
impl<T: ExcludeUnset> ExcludeUnset for Json<T> {}
impl<T: ExcludeUnset, E> ExcludeUnset for Result<T, E> {}

/// The route macro's compile-time check of `response_model_exclude_unset`.
pub const fn exclude_unset_applies<T: ExcludeUnset + ?Sized>() {}
