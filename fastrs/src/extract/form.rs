//! Form bodies: FastAPI's `Form` fields and `UploadFile`.
//!
//! Form fields are parameters like query parameters (same constraints, same
//! 422 errors, at `["body", name]`), read from an
//! `application/x-www-form-urlencoded` or `multipart/form-data` body. Files
//! of a multipart body are streamed to an anonymous temporary file as they
//! arrive (multer parses the stream), never held whole in memory; the handler
//! gets an [`UploadFile`] to read back.

use std::io::SeekFrom;

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::BodyStream;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use crate::http_error::HttpError;
use std::borrow::Cow;

use http::header::CONTENT_TYPE;

use crate::request::RequestContext;
use crate::response::{IntoResponse, Response};

/// An uploaded file, spooled to a temporary file: FastAPI's `UploadFile`.
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::form::UploadFile;
///
/// #[post("/upload")]
/// async fn upload(mut file: UploadFile, #[form] note: String) -> Json<serde_json::Value> {
///     let bytes = file.read().await.unwrap();
///     Json(serde_json::json!({"name": file.filename, "size": bytes.len(), "note": note}))
/// }
///
/// let body = "--X\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n\
///             --X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
///             Content-Type: text/plain\r\n\r\nhello\r\n--X--\r\n";
/// let r = TestClient::new(App::new().route(upload)).post("/upload")
///     .header("content-type", "multipart/form-data; boundary=X").body(body).send();
/// assert_eq!(r.json(), serde_json::json!({"name": "a.txt", "size": 5, "note": "hi"}));
/// ```
#[derive(Debug)]
pub struct UploadFile {
    /// The file name the client gave.
    pub filename: Option<String>,
    /// The part's content type.
    pub content_type: Option<String>,
    size: u64,
    file: tokio::fs::File,
}

impl UploadFile {
    /// The size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Reads the whole content (from the start).
    ///
    /// # Errors
    /// An I/O error of the temporary file.
    pub async fn read(&mut self) -> std::io::Result<Vec<u8>> {
        self.file.seek(SeekFrom::Start(0)).await?;
        let mut out = Vec::with_capacity(self.size as usize);
        self.file.read_to_end(&mut out).await?;
        Ok(out)
    }

    /// The temporary file, positioned at the start, to stream from.
    ///
    /// # Errors
    /// An I/O error of the temporary file.
    pub async fn into_file(mut self) -> std::io::Result<tokio::fs::File> {
        self.file.seek(SeekFrom::Start(0)).await?;
        Ok(self.file)
    }
}

impl schemars::JsonSchema for UploadFile {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UploadFile".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "binary"})
    }
}

/// A form body once read: its text fields and its spooled files, in order.
#[derive(Debug, Default)]
pub struct FormData {
    fields: Vec<(String, String)>,
    files: Vec<(String, UploadFile)>,
}

impl RequestContext {
    /// Reads an `application/x-www-form-urlencoded` body (or a
    /// `multipart/form-data` one, files spooled to disk) for the form
    /// parameters, once; any other content type gives no fields (so required
    /// ones are missing).
    pub async fn read_form(&mut self) -> Result<(), Response> {
        if self.form.is_some() {
            return Ok(());
        }
        let content_type = self
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let mime = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let mut form = Box::<FormData>::default();
        if mime == "multipart/form-data" {
            read_multipart(self, &content_type, &mut form).await?;
        } else {
            let bytes = self
                .read_body()
                .await
                .map_err(IntoResponse::into_response)?;
            if mime == "application/x-www-form-urlencoded" {
                form.fields = form_urlencoded::parse(&bytes).into_owned().collect();
            }
        }
        self.form = Some(form);
        Ok(())
    }

    fn form_fields(&self) -> &[(String, String)] {
        self.form.as_deref().map_or(&[], |f| &f.fields)
    }

    /// The last value of a form field, `None` when it is absent or empty (an
    /// empty value counts as missing, as in FastAPI), once
    /// [`read_form`](Self::read_form) ran.
    pub fn form_value(&self, name: &str) -> Option<&str> {
        self.form_fields()
            .iter()
            .rfind(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// The non-empty values of a repeated form field, in order.
    pub fn form_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = Cow<'a, str>> + 'a {
        self.form_fields()
            .iter()
            .filter(move |(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| Cow::Borrowed(v.as_str()))
    }

    /// The uploaded files of a multipart form, once [`read_form`](Self::read_form) ran.
    pub fn take_files(&mut self, name: &str) -> Vec<UploadFile> {
        let Some(form) = self.form.as_deref_mut() else {
            return Vec::new();
        };
        let (taken, kept) = std::mem::take(&mut form.files)
            .into_iter()
            .partition(|(k, _)| k == name);
        form.files = kept;
        taken.into_iter().map(|(_, f)| f).collect()
    }
}

fn parse_error() -> Response {
    HttpError::new(400, "There was an error parsing the body").into_response()
}

/// Reads a multipart body into `form`: text fields kept, files spooled.
async fn read_multipart(
    cx: &mut RequestContext,
    content_type: &str,
    form: &mut FormData,
) -> Result<(), Response> {
    let boundary = multer::parse_boundary(content_type).map_err(|_| parse_error())?;
    let Some(body) = cx.take_body() else {
        return Ok(());
    };
    let limits = cx.limits();
    let stream = BodyStream::new(body).filter_map(|frame| async move {
        match frame {
            Ok(f) => f.into_data().ok().map(Ok::<Bytes, crate::body::BoxError>),
            Err(e) => Some(Err(e)),
        }
    });
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(limits.max_upload_size as u64)
            .per_field(limits.max_upload_size as u64),
    );
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
    let read = async {
        while let Some(mut field) = multipart.next_field().await? {
            let name = field.name().unwrap_or("").to_owned();
            match field.file_name().map(str::to_owned) {
                None => form.fields.push((name, field.text().await?)),
                Some(filename) => {
                    let content_type = field.content_type().map(|m| m.to_string());
                    let std_file = tempfile::tempfile()
                        .map_err(|e| multer::Error::StreamReadFailed(Box::new(e)))?;
                    let mut file = tokio::fs::File::from_std(std_file);
                    let mut size = 0u64;
                    while let Some(chunk) = field.chunk().await? {
                        size += chunk.len() as u64;
                        file.write_all(&chunk)
                            .await
                            .map_err(|e| multer::Error::StreamReadFailed(Box::new(e)))?;
                    }
                    file.flush()
                        .await
                        .map_err(|e| multer::Error::StreamReadFailed(Box::new(e)))?;
                    form.files.push((
                        name,
                        UploadFile {
                            filename: Some(filename),
                            content_type,
                            size,
                            file,
                        },
                    ));
                }
            }
        }
        Ok::<(), multer::Error>(())
    };
    let outcome = tokio::time::timeout(limits.timeout, read).await;
    match outcome {
        Err(_) => Err(HttpError::from_status(http::StatusCode::REQUEST_TIMEOUT)
            .header("connection", "close")
            .into_response()),
        Ok(Err(
            multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. },
        )) => Err(HttpError::from_status(http::StatusCode::PAYLOAD_TOO_LARGE)
            .header("connection", "close")
            .into_response()),
        Ok(Err(e)) => {
            tracing::debug!("multipart body refused: {e}");
            Err(parse_error())
        }
        Ok(Ok(())) => Ok(()),
    }
}
