//! Path, query, header, cookie and form parameters: values read from strings.
//!
//! Each source finds the raw strings under the parameter's name
//! ([`RawValues`]: the last one, or all of them for lists); the declared type
//! says how many it takes and how absence is treated ([`ParamValue`]: one
//! value, `Option`, `Vec`, `Option<Vec>`), and its [`FromParam`] converts
//! each string with Pydantic's lax rules. Errors are located at
//! `[source, name]` (`["body", name]` for form fields) with the raw string as
//! input, as FastAPI reports them.

use std::borrow::Cow;
use std::future::{ready, Future};

use serde_json::Value;

use super::{BodyUse, Declared, Extract};
use crate::constraints::{Check, Constraints};
use crate::lax::FromParam;
use crate::request::{RequestContext, Source};
use crate::response::Response;
use crate::routing::{Operation, ParamDoc};
use crate::validation::{Invalid, Loc, ValidationErrors};

/// The raw strings found under one parameter's name in one place of the request.
pub struct RawValues<'a> {
    cx: &'a RequestContext,
    source: Source,
    name: &'static str,
}

impl<'a> RawValues<'a> {
    /// The values of `name` in `source`.
    pub fn new(cx: &'a RequestContext, source: Source, name: &'static str) -> Self {
        RawValues { cx, source, name }
    }

    /// The value a single-valued parameter takes: the last one.
    pub fn last(&self) -> Option<Cow<'a, str>> {
        let (cx, name) = (self.cx, self.name);
        match self.source {
            Source::Path => cx.path_param(name).map(Cow::Borrowed),
            Source::Query => cx.query_value(name),
            Source::Header => cx.header_values(name).last(),
            Source::Cookie => cx.cookie(name),
            Source::Form => cx.form_value(name).map(Cow::Borrowed),
        }
    }

    /// Every value, in order: what a list parameter takes.
    pub fn all(&self) -> Vec<Cow<'a, str>> {
        values_of(self.cx, self.source, self.name)
    }

    /// The place of the request these values come from.
    pub fn source(&self) -> Source {
        self.source
    }

    /// Every value under another `name` in the same place, in order.
    pub fn all_of<'b>(&'b self, name: &'b str) -> Vec<Cow<'b, str>> {
        values_of(self.cx, self.source, name)
    }

    /// Every `(name, value)` of this place of the request, in order: what a
    /// parameter model passes on as extras.
    pub fn pairs(&self) -> Vec<(Cow<'a, str>, Cow<'a, str>)> {
        self.cx.source_pairs(self.source)
    }

    /// Where errors of this parameter are reported: `[source, name]`.
    pub fn loc(&self) -> Loc {
        let mut loc = Loc::new(self.source.as_str());
        loc.push(self.name);
        loc
    }
}

/// Every value of `name` in `source`, in order.
fn values_of<'b>(cx: &'b RequestContext, source: Source, name: &'b str) -> Vec<Cow<'b, str>> {
    match source {
        Source::Path => cx.path_param(name).map(Cow::Borrowed).into_iter().collect(),
        Source::Query => cx.query_values(name).collect(),
        Source::Header => cx.header_values(name).collect(),
        Source::Cookie => cx.cookie(name).into_iter().collect(),
        Source::Form => cx.form_values(name).collect(),
    }
}

/// How a parameter's declared type reads the values found under its name:
/// one value (required unless it has a default), `Option` (absent is
/// `None`), `Vec` (every value; absent is empty) or `Option<Vec>` (absent
/// is `None`). Implemented for every [`FromParam`] type and those wrappers.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a path, query, header or cookie parameter",
    label = "not a parameter type",
    note = "parameters are scalars (integers, floats, bool, String, string enums deriving `Model`), `Option` or `Vec` of them"
)]
pub trait ParamValue: Sized + schemars::JsonSchema {
    /// Whether a request without the parameter (and no declared default) is refused.
    const REQUIRED: bool;

    /// The value, or `None` with its errors recorded.
    fn from_values(
        values: &RawValues<'_>,
        default: Option<fn() -> Self>,
        constraints: &Constraints,
        errors: &mut ValidationErrors,
    ) -> Option<Self>;

    /// The default documented when the parameter is absent and none is declared.
    const ABSENT_JSON: Option<fn() -> Value> = None;

    /// Documents the parameter read from `source`: one entry (a parameter
    /// model documents each of its fields).
    fn document(declared: &'static Declared<Self>, source: Source, op: &mut Operation) {
        let doc = param_doc(declared, source);
        if source == Source::Form {
            op.form.push(doc);
        } else {
            op.params.push(doc);
        }
    }
}

/// Converts one raw value and checks its constraints.
fn convert<T: FromParam>(
    values: &RawValues<'_>,
    raw: &str,
    c: &Constraints,
    errors: &mut ValidationErrors,
) -> Option<T> {
    match T::from_param(raw).and_then(|v| v.check(c).map(|()| v)) {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(&values.loc(), Value::String(raw.to_owned()), e);
            None
        }
    }
}

/// Converts every raw value of a list, then checks the list's constraints.
fn convert_all<T: FromParam>(
    values: &RawValues<'_>,
    raws: &[Cow<'_, str>],
    c: &Constraints,
    errors: &mut ValidationErrors,
) -> Option<Vec<T>> {
    let mut loc = values.loc();
    let mut out = Vec::with_capacity(raws.len());
    let before = errors.len();
    for (i, raw) in raws.iter().enumerate() {
        match T::from_param(raw) {
            Ok(v) => out.push(v),
            Err(e) => {
                loc.push(i);
                errors.push(&loc, Value::String(raw.to_string()), e);
                loc.pop();
            }
        }
    }
    if errors.len() != before {
        return None;
    }
    match out.check(c) {
        Ok(()) => Some(out),
        Err(e) => {
            let input = Value::Array(raws.iter().map(|r| Value::String(r.to_string())).collect());
            errors.push(&loc, input, e);
            None
        }
    }
}

impl<T: FromParam> ParamValue for T {
    const REQUIRED: bool = true;

    fn from_values(
        values: &RawValues<'_>,
        default: Option<fn() -> T>,
        c: &Constraints,
        errors: &mut ValidationErrors,
    ) -> Option<T> {
        match values.last() {
            Some(raw) => convert(values, &raw, c, errors),
            None => match default {
                Some(f) => Some(f()),
                None => {
                    errors.push(&values.loc(), Value::Null, Invalid::missing());
                    None
                }
            },
        }
    }
}

impl<T: FromParam> ParamValue for Option<T> {
    const REQUIRED: bool = false;

    fn from_values(
        values: &RawValues<'_>,
        default: Option<fn() -> Option<T>>,
        c: &Constraints,
        errors: &mut ValidationErrors,
    ) -> Option<Option<T>> {
        match values.last() {
            Some(raw) => convert(values, &raw, c, errors).map(Some),
            None => Some(default.and_then(|f| f())),
        }
    }
}

impl<T: FromParam> ParamValue for Vec<T> {
    const REQUIRED: bool = false;

    fn from_values(
        values: &RawValues<'_>,
        default: Option<fn() -> Vec<T>>,
        c: &Constraints,
        errors: &mut ValidationErrors,
    ) -> Option<Vec<T>> {
        let raws = values.all();
        if raws.is_empty() {
            return Some(default.map_or_else(Vec::new, |f| f()));
        }
        convert_all(values, &raws, c, errors)
    }

    const ABSENT_JSON: Option<fn() -> Value> = Some(|| Value::Array(Vec::new()));
}

impl<T: FromParam> ParamValue for Option<Vec<T>> {
    const REQUIRED: bool = false;

    fn from_values(
        values: &RawValues<'_>,
        default: Option<fn() -> Option<Vec<T>>>,
        c: &Constraints,
        errors: &mut ValidationErrors,
    ) -> Option<Option<Vec<T>>> {
        let raws = values.all();
        if raws.is_empty() {
            return Some(default.and_then(|f| f()));
        }
        convert_all(values, &raws, c, errors).map(Some)
    }
}

/// The documentation of a string-valued parameter.
fn param_doc<T: ParamValue>(declared: &'static Declared<T>, source: Source) -> ParamDoc {
    ParamDoc {
        spec: &declared.spec,
        source,
        required: declared.default.is_none() && T::REQUIRED,
        schema: |g| g.subschema_for::<T>(),
        default: declared.default_json.or(T::ABSENT_JSON),
    }
}

/// The value of a string-valued parameter read from `source`.
fn read_param<T: ParamValue>(
    cx: &RequestContext,
    source: Source,
    declared: &'static Declared<T>,
    errors: &mut ValidationErrors,
) -> Option<T> {
    let values = RawValues::new(cx, source, declared.spec.name);
    T::from_values(
        &values,
        declared.default,
        &declared.spec.constraints,
        errors,
    )
}

macro_rules! sources {
    ($($(#[$doc:meta])* $name:ident => $source:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl<T: ParamValue + Send + 'static> Extract<T> for $name {
            type Read = ();

            fn read(_: &mut RequestContext, _: &'static Declared<T>) -> impl Future<Output = Result<(), Response>> + Send {
                ready(Ok(()))
            }

            fn extract(
                cx: &mut RequestContext,
                _: (),
                declared: &'static Declared<T>,
                errors: &mut ValidationErrors,
            ) -> impl Future<Output = Result<Option<T>, Response>> + Send {
                ready(Ok(read_param(cx, Source::$source, declared, errors)))
            }

            fn document(declared: &'static Declared<T>, op: &mut Operation) {
                T::document(declared, Source::$source, op);
            }
        }
    )*};
}

sources! {
    /// A `{name}` segment of the path: FastAPI's `Path()`; what a parameter
    /// named in the route's path template is.
    Path => Path,
    /// The query string: FastAPI's `Query()`; what scalars are by default.
    Query => Query,
    /// A request header (`#[header]`, name with `-` for `_`): FastAPI's `Header()`.
    Header => Header,
    /// A cookie (`#[cookie]`): FastAPI's `Cookie()`.
    Cookie => Cookie,
}

/// A field of a URL-encoded or multipart form body (`#[form]`): FastAPI's
/// `Form()`. An empty field counts as absent, as in FastAPI.
#[derive(Debug, Clone, Copy)]
pub struct Form;

impl<T: ParamValue + Send + 'static> Extract<T> for Form {
    type Read = ();
    const BODY: BodyUse = BodyUse::Form;

    fn read(
        cx: &mut RequestContext,
        _: &'static Declared<T>,
    ) -> impl Future<Output = Result<(), Response>> + Send {
        cx.read_form()
    }

    fn extract(
        cx: &mut RequestContext,
        _: (),
        declared: &'static Declared<T>,
        errors: &mut ValidationErrors,
    ) -> impl Future<Output = Result<Option<T>, Response>> + Send {
        ready(Ok(read_param(cx, Source::Form, declared, errors)))
    }

    fn document(declared: &'static Declared<T>, op: &mut Operation) {
        T::document(declared, Source::Form, op);
    }
}
