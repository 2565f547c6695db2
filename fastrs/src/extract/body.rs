//! The request body as a parameter: a JSON model ([`Body`]) or uploaded
//! files of a multipart form ([`File`]).

use std::future::{ready, Future};

use serde_json::Value;

use super::{BodyUse, Declared, Extract, Param};
use crate::form::UploadFile;
use crate::lax::FromJson;
use crate::request::{JsonBody, RequestContext, Source};
use crate::response::Response;
use crate::routing::{Operation, ParamDoc};
use crate::validation::{Invalid, Loc, ValidationErrors};

/// The JSON request body: FastAPI's `Body()`; what models are by default.
///
/// Its [`read`](Extract::read) reads the body within the app's limits and
/// tries the fast path (serde straight into `T`); broken JSON is answered at
/// once. Its [`extract`](Extract::extract) runs the slow path only when the
/// fast one failed, so the body's errors join the parameters'.
#[derive(Debug, Clone, Copy)]
pub struct Body;

impl<T: FromJson + Send + 'static> Extract<T> for Body {
    type Read = JsonBody<T>;
    const BODY: BodyUse = BodyUse::Json;

    fn read(cx: &mut RequestContext) -> impl Future<Output = Result<JsonBody<T>, Response>> + Send {
        // The body's own future, not one wrapping it: the handler future
        // holds it across the first await.
        cx.json_body::<T>()
    }

    fn extract(
        _: &mut RequestContext,
        read: JsonBody<T>,
        _: &'static Declared<T>,
        errors: &mut ValidationErrors,
    ) -> impl Future<Output = Result<Option<T>, Response>> + Send {
        ready(Ok(read.finish(errors)))
    }

    fn document(_: &'static Declared<T>, op: &mut Operation) {
        op.body = Some((|g| g.subschema_for::<T>(), true));
    }
}

/// How a file parameter's type takes the files uploaded under its name:
/// [`UploadFile`] (required), `Option<UploadFile>`, `Vec<UploadFile>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read as an uploaded file",
    label = "not a file type",
    note = "file parameters are `UploadFile`, `Option<UploadFile>` or `Vec<UploadFile>`"
)]
pub trait FileValue: Sized + schemars::JsonSchema {
    /// Whether a request without the file is refused.
    const REQUIRED: bool;

    /// The value from the files uploaded under the name, or `None` with its
    /// errors recorded at `loc`.
    fn from_files(files: Vec<UploadFile>, loc: &Loc, errors: &mut ValidationErrors)
        -> Option<Self>;
}

impl FileValue for UploadFile {
    const REQUIRED: bool = true;

    fn from_files(
        files: Vec<UploadFile>,
        loc: &Loc,
        errors: &mut ValidationErrors,
    ) -> Option<Self> {
        let f = files.into_iter().next();
        if f.is_none() {
            errors.push(loc, Value::Null, Invalid::missing());
        }
        f
    }
}

impl FileValue for Option<UploadFile> {
    const REQUIRED: bool = false;

    fn from_files(files: Vec<UploadFile>, _: &Loc, _: &mut ValidationErrors) -> Option<Self> {
        Some(files.into_iter().next())
    }
}

impl FileValue for Vec<UploadFile> {
    const REQUIRED: bool = false;

    fn from_files(files: Vec<UploadFile>, _: &Loc, _: &mut ValidationErrors) -> Option<Self> {
        Some(files)
    }
}

/// An uploaded file of a `multipart/form-data` body: FastAPI's `File()` /
/// `UploadFile`; what `UploadFile` parameters are by default.
#[derive(Debug, Clone, Copy)]
pub struct File;

impl<T: FileValue + Send + 'static> Extract<T> for File {
    type Read = ();
    const BODY: BodyUse = BodyUse::Form;

    fn read(cx: &mut RequestContext) -> impl Future<Output = Result<(), Response>> + Send {
        cx.read_form()
    }

    fn extract(
        cx: &mut RequestContext,
        _: (),
        declared: &'static Declared<T>,
        errors: &mut ValidationErrors,
    ) -> impl Future<Output = Result<Option<T>, Response>> + Send {
        let name = declared.spec.name;
        let mut loc = Loc::new(Source::Form.as_str());
        loc.push(name);
        ready(Ok(T::from_files(cx.take_files(name), &loc, errors)))
    }

    fn document(declared: &'static Declared<T>, op: &mut Operation) {
        op.form_multipart = true;
        op.form.push(ParamDoc {
            spec: &declared.spec,
            source: Source::Form,
            required: T::REQUIRED,
            schema: |g| g.subschema_for::<T>(),
            default: None,
        });
    }
}

impl Param for UploadFile {
    type Source = File;
}
