//! The request body as a parameter: a JSON model ([`Body`]) or uploaded
//! files of a multipart form ([`File`]).

use std::future::{ready, Future};

use serde_json::Value;

use super::{BodyUse, Declared, Extract, Param};
use crate::form::UploadFile;
use crate::http_error::HttpError;
use crate::lax::FromJson;
use crate::request::{JsonBody, RequestContext, Source};
use crate::response::IntoResponse;
use crate::response::Response;
use crate::routing::{Operation, ParamDoc};
use crate::types::Bytes;
use crate::validation::{Invalid, Loc, ValidationErrors};

/// The JSON request body: FastAPI's `Body()`; what models are by default.
///
/// A route's one body parameter is the whole body. Its
/// [`read`](Extract::read) reads the body within the app's limits and tries
/// the fast path (serde straight into `T`); broken JSON is answered at once.
/// Its [`extract`](Extract::extract) runs the slow path only when the fast
/// one failed, so the body's errors join the parameters'.
///
/// With several body parameters (or `#[body(embed)]`), the body is an
/// object and each parameter is read under its name, errors located at
/// `["body", name]`; the OpenAPI document shows one `Body_<operationId>`
/// schema, as FastAPI's "Body - Multiple Parameters" page describes.
///
/// ```
/// use fastrs::prelude::*;
///
/// #[derive(Model)]
/// struct Item { name: String, price: f64 }
///
/// #[derive(Model)]
/// struct User { username: String }
///
/// #[put("/items/{item_id}")]
/// async fn update_item(item_id: i64, item: Item, user: User, #[body(gt = 0)] importance: i64) -> String {
///     format!("{item_id}: {} for {} ({importance})", item.name, user.username)
/// }
///
/// let client = TestClient::new(App::new().route(update_item));
/// let body = serde_json::json!({"item": {"name": "Foo", "price": 1.5}, "user": {"username": "dave"}, "importance": 5});
/// assert_eq!(client.put("/items/3").json(&body).send().json(), "3: Foo for dave (5)");
/// let r = client.put("/items/3").json(&serde_json::json!({"item": {"name": "Foo", "price": 1.5}})).send();
/// assert_eq!(r.json()["detail"][0]["loc"], serde_json::json!(["body", "user"]));
/// assert_eq!(r.json()["detail"][1]["loc"], serde_json::json!(["body", "importance"]));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Body;

impl<T: FromJson + Send + 'static> Extract<T> for Body {
    type Read = JsonBody<T>;
    const BODY: BodyUse = BodyUse::Json;

    fn read(
        cx: &mut RequestContext,
        declared: &'static Declared<T>,
    ) -> impl Future<Output = Result<JsonBody<T>, Response>> + Send {
        // The body's own future, not one wrapping it: the handler future
        // holds it across the first await.
        cx.json_body::<T>(declared)
    }

    fn extract(
        cx: &mut RequestContext,
        read: JsonBody<T>,
        declared: &'static Declared<T>,
        errors: &mut ValidationErrors,
    ) -> impl Future<Output = Result<Option<T>, Response>> + Send {
        ready(Ok(match read {
            JsonBody::Embedded => cx.embedded_field(declared, errors),
            whole => whole.finish(declared, errors),
        }))
    }

    fn document(declared: &'static Declared<T>, op: &mut Operation) {
        let doc = ParamDoc {
            spec: &declared.spec,
            source: Source::Form,
            required: declared.default.is_none() && T::when_missing().is_none(),
            schema: |g| g.subschema_for::<T>(),
            default: declared.default_json,
        };
        if declared.embed {
            op.body_fields.push(doc);
        } else {
            op.body = Some(doc);
        }
    }
}

/// How a file parameter's type takes what was uploaded under its name:
/// [`UploadFile`] (required), `Option<UploadFile>`, `Vec<UploadFile>`, or
/// the content itself as [`Bytes`](crate::Bytes) (FastAPI's `bytes =
/// File()`), `Option<Bytes>` or `Vec<Bytes>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read as an uploaded file",
    label = "not a file type",
    note = "file parameters are `UploadFile` or `fastrs::Bytes`, or an `Option` or `Vec` of them"
)]
pub trait FileValue: Sized + schemars::JsonSchema {
    /// Whether a request without the file is refused.
    const REQUIRED: bool;

    /// The value from the parts sent under the name: the `files`, and the
    /// text values of parts without a file name, in order. `None` with its
    /// errors recorded at `loc`; `Err` answers at once (an I/O error reading
    /// a spooled file).
    fn from_parts(
        files: Vec<UploadFile>,
        text: Vec<String>,
        loc: &Loc,
        errors: &mut ValidationErrors,
    ) -> impl Future<Output = Result<Option<Self>, Response>> + Send;
}

/// The first value, or a `missing` error.
fn required<T>(v: Option<T>, loc: &Loc, errors: &mut ValidationErrors) -> Option<T> {
    if v.is_none() {
        errors.push(loc, Value::Null, Invalid::missing());
    }
    v
}

impl FileValue for UploadFile {
    const REQUIRED: bool = true;

    fn from_parts(
        files: Vec<UploadFile>,
        _: Vec<String>,
        loc: &Loc,
        errors: &mut ValidationErrors,
    ) -> impl Future<Output = Result<Option<Self>, Response>> + Send {
        ready(Ok(required(files.into_iter().next(), loc, errors)))
    }
}

impl FileValue for Option<UploadFile> {
    const REQUIRED: bool = false;

    fn from_parts(
        files: Vec<UploadFile>,
        _: Vec<String>,
        _: &Loc,
        _: &mut ValidationErrors,
    ) -> impl Future<Output = Result<Option<Self>, Response>> + Send {
        ready(Ok(Some(files.into_iter().next())))
    }
}

impl FileValue for Vec<UploadFile> {
    const REQUIRED: bool = false;

    fn from_parts(
        files: Vec<UploadFile>,
        _: Vec<String>,
        _: &Loc,
        _: &mut ValidationErrors,
    ) -> impl Future<Output = Result<Option<Self>, Response>> + Send {
        ready(Ok(Some(files)))
    }
}

/// The contents of the parts sent under a name: each file read from its
/// spool, or a text part's bytes (FastAPI reads both into `bytes`).
async fn contents(files: Vec<UploadFile>, text: Vec<String>) -> Result<Vec<Bytes>, Response> {
    let mut out = Vec::with_capacity(files.len() + text.len());
    for mut f in files {
        let data = f.read().await.map_err(|e| {
            tracing::error!("reading an uploaded file: {e}");
            HttpError::new(500, "Internal Server Error").into_response()
        })?;
        out.push(Bytes(data.into()));
    }
    out.extend(text.into_iter().map(|t| Bytes(t.into_bytes().into())));
    Ok(out)
}

impl FileValue for Bytes {
    const REQUIRED: bool = true;

    async fn from_parts(
        files: Vec<UploadFile>,
        text: Vec<String>,
        loc: &Loc,
        errors: &mut ValidationErrors,
    ) -> Result<Option<Self>, Response> {
        let first = contents(files, text).await?.into_iter().next();
        Ok(required(first, loc, errors))
    }
}

impl FileValue for Option<Bytes> {
    const REQUIRED: bool = false;

    async fn from_parts(
        files: Vec<UploadFile>,
        text: Vec<String>,
        _: &Loc,
        _: &mut ValidationErrors,
    ) -> Result<Option<Self>, Response> {
        Ok(Some(contents(files, text).await?.into_iter().next()))
    }
}

impl FileValue for Vec<Bytes> {
    const REQUIRED: bool = false;

    async fn from_parts(
        files: Vec<UploadFile>,
        text: Vec<String>,
        _: &Loc,
        _: &mut ValidationErrors,
    ) -> Result<Option<Self>, Response> {
        Ok(Some(contents(files, text).await?))
    }
}

/// An uploaded file of a `multipart/form-data` body: FastAPI's `File()` /
/// `UploadFile`; what `UploadFile` parameters are by default.
#[derive(Debug, Clone, Copy)]
pub struct File;

impl<T: FileValue + Send + 'static> Extract<T> for File {
    type Read = ();
    const BODY: BodyUse = BodyUse::Form;

    fn read(
        cx: &mut RequestContext,
        _: &'static Declared<T>,
    ) -> impl Future<Output = Result<(), Response>> + Send {
        cx.read_form()
    }

    async fn extract(
        cx: &mut RequestContext,
        _: (),
        declared: &'static Declared<T>,
        errors: &mut ValidationErrors,
    ) -> Result<Option<T>, Response> {
        let name = declared.spec.name;
        let mut loc = Loc::new(Source::Form.as_str());
        loc.push(name);
        let text = cx.form_values(name).map(|v| v.into_owned()).collect();
        T::from_parts(cx.take_files(name), text, &loc, errors).await
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
