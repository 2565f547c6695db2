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
        schemars::json_schema!({"type": "string", "contentMediaType": "application/octet-stream"})
    }
}

/// A form body once read: its text fields and its spooled files, in order.
#[derive(Debug, Default)]
pub struct FormData {
    fields: Vec<(String, String)>,
    files: Vec<(String, UploadFile)>,
}

impl FormData {
    /// The text fields as a JSON object, the last value of each name, as
    /// `jsonable_encoder` writes Starlette's form for an exception handler.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for (k, v) in &self.fields {
            map.insert(k.clone(), serde_json::Value::String(v.clone()));
        }
        serde_json::Value::Object(map)
    }
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
            read_multipart(self, &content_type, &mut form)
                .await
                .map_err(crate::response::unread)?;
        } else {
            let bytes = self
                .read_body()
                .await
                .map_err(|e| crate::response::unread(e.into_response()))?;
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

    /// The form's non-empty text fields, in order.
    pub(crate) fn form_pairs(&self) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
        self.form_fields()
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v.as_str())))
            .collect()
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

/// Why reading a multipart body stopped early.
enum Refusal {
    /// The form, a text field or a file is larger than its limit: 413.
    TooLarge,
    /// More fields or files than the limits: 400 with Starlette's message.
    TooMany(String),
    /// The client paused longer than the chunk timeout: 408.
    Stalled,
    /// A malformed body: 400.
    Parse(multer::Error),
    /// The temporary file failed: 400 (as Starlette).
    Io(std::io::Error),
}

impl From<multer::Error> for Refusal {
    fn from(e: multer::Error) -> Self {
        match e {
            multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
                Refusal::TooLarge
            }
            e => Refusal::Parse(e),
        }
    }
}

/// Reads a multipart body into `form`, within the route's limits: a route
/// without file parameters reads the whole form under `max_size` and never
/// writes to disk (file parts are read and dropped); a route with file
/// parameters spools files to disk under `max_upload_size`. Text fields are
/// held in memory, each under `max_size`; at most `max_fields` fields and
/// `max_files` files (Starlette's defaults: 1000 each).
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
    let files_allowed = cx.accepts_files();
    let stalled = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stalled.clone();
    // The body's data chunks, each awaited at most the chunk timeout.
    let stream = futures_util::stream::unfold(Some(body), move |body| {
        let flag = flag.clone();
        async move {
            let mut body = body?;
            loop {
                match crate::request::next_frame(&mut body, limits.chunk_timeout).await {
                    Err(()) => {
                        flag.store(true, std::sync::atomic::Ordering::Relaxed);
                        let e: crate::body::BoxError = "the client stalled".into();
                        return Some((Err(e), None));
                    }
                    Ok(None) => return None,
                    Ok(Some(Err(e))) => return Some((Err(e), None)),
                    Ok(Some(Ok(frame))) => {
                        if let Ok(data) = frame.into_data() {
                            return Some((Ok::<Bytes, crate::body::BoxError>(data), Some(body)));
                        }
                    }
                }
            }
        }
    });
    let whole = if files_allowed {
        limits.max_upload_size
    } else {
        limits.max_size
    };
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(whole as u64)
            .per_field(whole as u64),
    );
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
    let (mut fields, mut files) = (0usize, 0usize);
    let read = async {
        while let Some(mut field) = multipart.next_field().await? {
            let name = field.name().unwrap_or("").to_owned();
            let Some(filename) = field.file_name().map(str::to_owned) else {
                fields += 1;
                if fields > limits.max_fields {
                    let n = limits.max_fields;
                    return Err(Refusal::TooMany(format!(
                        "Too many fields. Maximum number of fields is {n}."
                    )));
                }
                let mut text = Vec::new();
                while let Some(chunk) = field.chunk().await? {
                    if text.len() + chunk.len() > limits.max_size {
                        return Err(Refusal::TooLarge);
                    }
                    text.extend_from_slice(&chunk);
                }
                form.fields
                    .push((name, String::from_utf8_lossy(&text).into_owned()));
                continue;
            };
            files += 1;
            if files > limits.max_files {
                let n = limits.max_files;
                return Err(Refusal::TooMany(format!(
                    "Too many files. Maximum number of files is {n}."
                )));
            }
            if !files_allowed {
                // No file parameter: read past it (counted in the form's limit).
                while field.chunk().await?.is_some() {}
                continue;
            }
            let content_type = field.content_type().map(|m| m.to_string());
            let mut file = tokio::fs::File::from_std(tempfile::tempfile().map_err(Refusal::Io)?);
            let mut size = 0u64;
            while let Some(chunk) = field.chunk().await? {
                size += chunk.len() as u64;
                file.write_all(&chunk).await.map_err(Refusal::Io)?;
            }
            file.flush().await.map_err(Refusal::Io)?;
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
        Ok::<(), Refusal>(())
    };
    let outcome = match tokio::time::timeout(limits.timeout, read).await {
        Err(_) => Err(Refusal::Stalled),
        Ok(r) => r,
    };
    let closing = |status: http::StatusCode| {
        HttpError::from_status(status)
            .header("connection", "close")
            .into_response()
    };
    match outcome {
        Ok(()) => Ok(()),
        Err(_) if stalled.load(std::sync::atomic::Ordering::Relaxed) => {
            Err(closing(http::StatusCode::REQUEST_TIMEOUT))
        }
        Err(Refusal::Stalled) => Err(closing(http::StatusCode::REQUEST_TIMEOUT)),
        Err(Refusal::TooLarge) => Err(closing(http::StatusCode::PAYLOAD_TOO_LARGE)),
        Err(Refusal::TooMany(msg)) => Err(HttpError::new(400, msg).into_response()),
        Err(Refusal::Parse(e)) => {
            tracing::debug!("multipart body refused: {e}");
            Err(parse_error())
        }
        Err(Refusal::Io(e)) => {
            tracing::warn!("a multipart file could not be spooled: {e}");
            Err(parse_error())
        }
    }
}
