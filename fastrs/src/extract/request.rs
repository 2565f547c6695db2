//! The request as handlers' generated code sees it, and parameter extraction.
//!
//! A [`RequestContext`] holds one request after routing: its head, the path
//! parameters the router matched, the query string split into pairs, the body
//! not yet read, and the per-request cache of dependencies. Parameters are
//! read from it by the sources of [`crate::extract`]; this module gives them
//! the raw material: values by name, and the body read within the limits.
//! Query strings are split once without allocating; percent-decoding happens
//! only where a value needs it.

use std::borrow::Cow;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, COOKIE};
use http::request::Parts;
use http::{HeaderMap, Method, Uri};
use serde_json::Value;

use super::Declared;
use crate::body::RequestBody;
use crate::constraints::Constraints;
use crate::dependency::{Dependency, RouteDependencies};
use crate::http_error::HttpError;
use crate::json_error::{python_json_verdict, PythonJsonVerdict};
use crate::lax::{FromJson, Lax};
use crate::response::{IntoResponse, Response};
use crate::validation::{Invalid, Loc, ValidationErrors};

/// Where a parameter comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// A `{name}` segment of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
    /// A field of the body: of a URL-encoded or multipart form, or of a
    /// JSON object holding several body parameters (its `loc` is `body`).
    Form,
}

impl Source {
    /// The first item of an error's `loc`, and OpenAPI's `in`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Path => "path",
            Source::Query => "query",
            Source::Header => "header",
            Source::Cookie => "cookie",
            Source::Form => "body",
        }
    }
}

/// A parameter as declared in a handler signature.
#[derive(Debug)]
pub struct ParamSpec {
    /// Its name on the wire (after `alias`; headers in lower case with `-`).
    pub name: &'static str,
    /// Its constraints.
    pub constraints: Constraints,
    /// Its title in the docs (FastAPI's `title=`): by default the name in
    /// title case (`item_id` is "Item Id").
    pub title: Option<&'static str>,
    /// Its description in the docs.
    pub description: Option<&'static str>,
    /// An example value, as JSON text.
    pub example: Option<&'static str>,
    /// Marked deprecated in the docs.
    pub deprecated: bool,
    /// Shown in the OpenAPI document.
    pub include_in_schema: bool,
}

/// Limits applied while reading a request body.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// The largest body accepted (413 beyond it), and the largest text field
    /// and form without files.
    pub max_size: usize,
    /// How long reading the whole body may take (408 beyond it).
    pub timeout: Duration,
    /// How long the client may pause between two chunks of a body (408
    /// beyond it): a body that stops short of its `Content-Length` is cut
    /// off after this, not after the whole `timeout`.
    pub chunk_timeout: Duration,
    /// The largest multipart body of a route that takes files (they are
    /// streamed to disk); a route without file parameters keeps `max_size`.
    pub max_upload_size: usize,
    /// The most fields of a form (Starlette's `max_fields`): 400 beyond it.
    pub max_fields: usize,
    /// The most files of a multipart form (Starlette's `max_files`): 400 beyond it.
    pub max_files: usize,
}

impl Default for BodyLimits {
    fn default() -> Self {
        BodyLimits {
            max_size: 1024 * 1024,
            timeout: Duration::from_secs(30),
            chunk_timeout: Duration::from_secs(5),
            max_upload_size: 100 * 1024 * 1024,
            max_fields: 1000,
            max_files: 1000,
        }
    }
}

/// One routed request, as extraction code sees it: the request head, the
/// body not yet read, the path parameters, the query string's pairs, the
/// per-request cache (dependency values, the form once read), and what its
/// route gives every request ([`RouteScope`]). The sources of
/// [`crate::extract`] read parameters from it.
#[derive(Debug)]
pub struct RequestContext {
    parts: Parts,
    body: Option<RequestBody>,
    params: PathParams,
    /// The query string's pairs, split once when the context is built.
    query_pairs: QueryPairs,
    cache: http::Extensions,
    /// The form body once read (`read_form`, in `form.rs`).
    pub(crate) form: Option<Box<crate::form::FormData>>,
    scope: Arc<RouteScope>,
    completion: Option<Arc<crate::background::Completion>>,
}

/// What a route gives each of its requests, built once when the app starts:
/// the app's state, the dependencies its router and app require, the body
/// limits.
#[derive(Debug, Clone, Default)]
pub struct RouteScope {
    pub(crate) state: Arc<http::Extensions>,
    pub(crate) dependencies: Option<RouteDependencies>,
    pub(crate) limits: BodyLimits,
    /// Whether the route declares file parameters: only then are multipart
    /// files written to disk, under `max_upload_size`.
    pub(crate) files: bool,
    /// The app's dependency overrides, `None` when it has none.
    pub(crate) overrides: Option<Arc<crate::extract::overrides::Overrides>>,
    /// Whether the route takes a `Request`, whose `body()` gives the bytes
    /// a body parameter read: they are kept.
    pub(crate) keep_body: bool,
    /// The app's routes by name and path template, for
    /// [`Request::url_for`](crate::Request::url_for) (only in the scope of
    /// routes taking a `Request`).
    pub(crate) route_names: Option<Arc<[(String, String)]>>,
    /// The app's root path (only in the scope of routes taking a `Request`).
    pub(crate) root_path: Option<Arc<crate::root_path::RootPath>>,
}

impl RouteScope {
    /// The scope of a route of an app with `state` and `limits`.
    pub(crate) fn new(
        state: Arc<http::Extensions>,
        dependencies: Option<RouteDependencies>,
        limits: BodyLimits,
        files: bool,
    ) -> Self {
        RouteScope {
            state,
            dependencies,
            limits,
            files,
            overrides: None,
            keep_body: false,
            route_names: None,
            root_path: None,
        }
    }
}

/// Why [`collect_within`] stopped.
enum BodyError {
    TooLarge,
    Broken,
    /// The client paused longer than the chunk timeout.
    Stalled,
}

/// The body's next frame, waiting at most `idle` for it (`Err` beyond);
/// a frame that has already arrived is taken without setting a timer, and
/// the timer is boxed, so that it takes no room in the handler future of
/// every request, only in a body that is slow to come. Hand-written: it is
/// part of every request's (boxed) future, which must stay small.
pub(crate) struct NextFrame<'a> {
    body: &'a mut RequestBody,
    idle: Duration,
    pause: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

pub(crate) fn next_frame(body: &mut RequestBody, idle: Duration) -> NextFrame<'_> {
    NextFrame {
        body,
        idle,
        pause: None,
    }
}

impl Future for NextFrame<'_> {
    type Output = Result<Option<Result<http_body::Frame<Bytes>, crate::body::BoxError>>, ()>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let this = &mut *self;
        if let std::task::Poll::Ready(f) =
            http_body::Body::poll_frame(std::pin::Pin::new(&mut *this.body), cx)
        {
            return std::task::Poll::Ready(Ok(f));
        }
        let idle = this.idle;
        let pause = this
            .pause
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
        pause.as_mut().poll(cx).map(|()| Err(()))
    }
}

/// The body's data frames joined, failing once they pass `max` bytes or the
/// client pauses longer than `idle`. One frame (a small body) is returned as
/// it is, without a copy.
async fn collect_within(
    mut body: RequestBody,
    max: usize,
    idle: Duration,
    received: Option<Bytes>,
) -> Result<Bytes, BodyError> {
    // `received`: the first frame's data, already read (see `read_limited`).
    let mut total = received.as_ref().map_or(0, Bytes::len);
    let mut first: Option<Bytes> = received;
    let mut joined: Vec<u8> = Vec::new();
    while let Some(frame) = next_frame(&mut body, idle)
        .await
        .map_err(|()| BodyError::Stalled)?
    {
        let Ok(data) = frame.map_err(|_| BodyError::Broken)?.into_data() else {
            continue; // trailers
        };
        total += data.len();
        if total > max {
            return Err(BodyError::TooLarge);
        }
        match first.take() {
            None if joined.is_empty() => first = Some(data),
            Some(f) => {
                joined.reserve(f.len() + data.len());
                joined.extend_from_slice(&f);
                joined.extend_from_slice(&data);
            }
            None => joined.extend_from_slice(&data),
        }
    }
    Ok(match first {
        Some(f) => f,
        None => Bytes::from(joined),
    })
}

/// A routed request's path parameters: the names shared with the route (one
/// reference count), the values as spans of the path, inline for up to four.
#[derive(Debug)]
pub(crate) struct PathParams {
    names: Arc<[Arc<str>]>,
    /// The text the spans index: `None` for the request's own path; the
    /// percent-decoded path when it had escapes.
    text: Option<String>,
    spans: smallvec::SmallVec<[(u32, u32); 4]>,
}

impl PathParams {
    /// Where each value lies in `path`, of which each is a slice (matchit's
    /// parameters borrow the path they matched).
    pub(crate) fn spans<'p>(
        path: &str,
        values: impl Iterator<Item = &'p str>,
    ) -> smallvec::SmallVec<[(u32, u32); 4]> {
        let base = path.as_ptr() as usize;
        let mut spans = smallvec::SmallVec::new();
        for v in values {
            let start = (v.as_ptr() as usize).wrapping_sub(base);
            debug_assert_eq!(path.get(start..start + v.len()), Some(v));
            spans.push((start as u32, (start + v.len()) as u32));
        }
        spans
    }

    /// The parameters `names` at `spans` of `text` (`None`: the request's
    /// own path; else the decoded path the spans were taken in).
    pub(crate) fn new(
        names: &Arc<[Arc<str>]>,
        text: Option<String>,
        spans: smallvec::SmallVec<[(u32, u32); 4]>,
    ) -> PathParams {
        PathParams {
            names: names.clone(),
            text,
            spans,
        }
    }

    /// Parameters given as owned pairs ([`RequestContext::new`]).
    fn owned(pairs: Vec<(Arc<str>, String)>) -> PathParams {
        let mut text = String::new();
        let mut spans = smallvec::SmallVec::new();
        for (_, v) in &pairs {
            spans.push((text.len() as u32, (text.len() + v.len()) as u32));
            text.push_str(v);
        }
        PathParams {
            names: pairs.into_iter().map(|(k, _)| k).collect(),
            text: Some(text),
            spans,
        }
    }

    fn get<'a>(&'a self, path: &'a str, name: &str) -> Option<&'a str> {
        let i = self.names.iter().position(|n| &**n == name)?;
        let (start, end) = *self.spans.get(i)?;
        self.text
            .as_deref()
            .unwrap_or(path)
            .get(start as usize..end as usize)
    }
}

/// The pairs of a query string, inline for up to four.
type QueryPairs = smallvec::SmallVec<[QueryPair; 4]>;

/// One `key=value` of the query string, by position.
#[derive(Debug)]
struct QueryPair {
    start: u32,
    eq: u32,
    end: u32,
    /// Neither `%` nor `+`: the raw text is the decoded text.
    plain: bool,
}

impl QueryPair {
    fn split(q: &str) -> QueryPairs {
        let b = q.as_bytes();
        let mut out = QueryPairs::new();
        let mut i = 0;
        while i <= b.len() {
            // One pair: from `start` to the next '&' (or the end).
            let start = i;
            let (mut eq, mut plain) = (None, true);
            while let Some(&c) = b.get(i) {
                match c {
                    b'&' => break,
                    b'=' if eq.is_none() => eq = Some(i),
                    b'%' | b'+' => plain = false,
                    _ => {}
                }
                i += 1;
            }
            if i > start {
                out.push(QueryPair {
                    start: start as u32,
                    eq: eq.unwrap_or(i) as u32,
                    end: i as u32,
                    plain,
                });
            }
            i += 1;
        }
        out
    }

    /// The pair's value when its key is `name`, decoded as
    /// `application/x-www-form-urlencoded` (as `form_urlencoded::parse`).
    fn matching<'q>(&self, q: &'q str, name: &str) -> Option<Cow<'q, str>> {
        let (start, eq, end) = (self.start as usize, self.eq as usize, self.end as usize);
        if self.plain {
            if &q[start..eq] != name {
                return None;
            }
            return Some(Cow::Borrowed(q.get(eq + 1..end).unwrap_or("")));
        }
        let (k, v) = form_urlencoded::parse(&q.as_bytes()[start..end]).next()?;
        (k == name).then_some(v)
    }
}

/// A resolved dependency's value, cached for the rest of the request.
struct Cached<D: Dependency>(D::Output, std::marker::PhantomData<fn() -> D>);

impl<D: Dependency> Clone for Cached<D> {
    fn clone(&self) -> Self {
        Cached(self.0.clone(), std::marker::PhantomData)
    }
}

impl RequestContext {
    /// A context for a request whose path matched with `params`.
    pub fn new(
        parts: Parts,
        body: RequestBody,
        params: Vec<(Arc<str>, String)>,
        limits: BodyLimits,
    ) -> Self {
        let query_pairs = QueryPair::split(parts.uri.query().unwrap_or(""));
        RequestContext {
            parts,
            body: Some(body),
            params: PathParams::owned(params),
            query_pairs,
            cache: http::Extensions::new(),
            form: None,
            scope: Arc::new(RouteScope {
                limits,
                ..RouteScope::default()
            }),
            completion: None,
        }
    }

    /// Gives the request its completion registry (background tasks, clean-up).
    pub fn with_completion(mut self, c: Arc<crate::background::Completion>) -> Self {
        self.completion = Some(c);
        self
    }

    fn completion(&mut self) -> Arc<crate::background::Completion> {
        self.completion
            .get_or_insert_with(|| {
                tracing::error!("a route using BackgroundTasks or Cleanup was not marked needs_completion; its tasks will not run");
                Arc::default()
            })
            .clone()
    }

    /// The request's background tasks.
    pub fn background_tasks(&mut self) -> crate::background::BackgroundTasks {
        crate::background::BackgroundTasks(self.completion())
    }

    /// The request's clean-up registry.
    pub fn cleanup(&mut self) -> crate::background::Cleanup {
        crate::background::Cleanup(self.completion())
    }

    /// A context for a routed request, with everything the app gives it
    /// (built in place: the context is large and moving it costs).
    pub(crate) fn routed(
        parts: Parts,
        body: RequestBody,
        params: PathParams,
        scope: Arc<RouteScope>,
        completion: Option<Arc<crate::background::Completion>>,
    ) -> Self {
        let query_pairs = QueryPair::split(parts.uri.query().unwrap_or(""));
        RequestContext {
            parts,
            body: Some(body),
            params,
            query_pairs,
            cache: http::Extensions::new(),
            form: None,
            scope,
            completion,
        }
    }

    /// Gives the request access to the app's state.
    pub fn with_state(mut self, state: Arc<http::Extensions>) -> Self {
        Arc::make_mut(&mut self.scope).state = state;
        self
    }

    /// Sets the dependencies that the route's router and app require.
    pub fn with_route_dependencies(mut self, deps: RouteDependencies) -> Self {
        Arc::make_mut(&mut self.scope).dependencies = Some(deps);
        self
    }

    /// The per-request cache: dependency values; any
    /// extractor may keep what it read here for the others.
    pub fn cache(&self) -> &http::Extensions {
        &self.cache
    }

    /// The per-request cache, mutably.
    pub fn cache_mut(&mut self) -> &mut http::Extensions {
        &mut self.cache
    }

    /// The app's state of type `T` (see [`App::state`](crate::App::state)).
    pub fn state<T: Clone + Send + Sync + 'static>(&self) -> Option<T> {
        self.scope.state.get::<T>().cloned()
    }

    /// Resolves dependency `D`, once per request: later calls reuse its value.
    pub async fn depends<D: Dependency>(
        &mut self,
        errors: &mut ValidationErrors,
    ) -> Result<Option<D::Output>, Response> {
        if let Some(c) = self.cache.get::<Cached<D>>() {
            return Ok(Some(c.0.clone()));
        }
        let start = errors.len();
        let v = self.resolve_dependency::<D>(errors).await;
        errors.mark_dependency(start);
        let v = v?;
        if let Some(v) = &v {
            self.cache
                .insert(Cached::<D>(v.clone(), std::marker::PhantomData));
        }
        Ok(v)
    }

    /// Resolves dependency `D` again, even if it already ran in this request.
    pub async fn depends_fresh<D: Dependency>(
        &mut self,
        errors: &mut ValidationErrors,
    ) -> Result<Option<D::Output>, Response> {
        let start = errors.len();
        let v = self.resolve_dependency::<D>(errors).await;
        errors.mark_dependency(start);
        v
    }

    /// Runs `D`, or its replacement when the app overrides it.
    async fn resolve_dependency<D: Dependency>(
        &mut self,
        errors: &mut ValidationErrors,
    ) -> Result<Option<D::Output>, Response> {
        if let Some(o) = self.scope.overrides.as_ref().and_then(|o| o.get::<D>()) {
            return o.run::<D>(self, errors).await;
        }
        D::resolve(self, errors).await
    }

    /// Runs the dependencies that the route's router and app require.
    pub async fn run_route_dependencies(
        &mut self,
        errors: &mut ValidationErrors,
    ) -> Result<(), Response> {
        let Some(deps) = self.scope.dependencies.clone() else {
            return Ok(());
        };
        for d in deps.iter() {
            (d.run)(self, errors).await?;
        }
        Ok(())
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.parts.method
    }

    /// The URI.
    pub fn uri(&self) -> &Uri {
        &self.parts.uri
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// The request head.
    pub fn parts(&self) -> &Parts {
        &self.parts
    }

    /// The request head, mutably (extensions).
    pub fn parts_mut(&mut self) -> &mut Parts {
        &mut self.parts
    }

    /// A matched path parameter, percent-decoded.
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.params.get(self.parts.uri.path(), name)
    }

    /// Every value of a query key, decoded, in order.
    ///
    /// The query string is split into pairs once per request (positions
    /// only); a pair is decoded only when it has `%` or `+`.
    pub fn query_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = Cow<'a, str>> + 'a {
        let q = self.parts.uri.query().unwrap_or("");
        let pairs = &self.query_pairs;
        pairs.iter().filter_map(move |p| p.matching(q, name))
    }

    /// The last value of a query key, decoded.
    pub fn query_value(&self, name: &str) -> Option<Cow<'_, str>> {
        let q = self.parts.uri.query().unwrap_or("");
        let pairs = &self.query_pairs;
        pairs.iter().rev().find_map(|p| p.matching(q, name))
    }

    /// Every value of a header, as text (invalid UTF-8 replaced).
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = Cow<'a, str>> + 'a {
        self.parts
            .headers
            .get_all(name)
            .into_iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()))
    }

    /// The value of a cookie (the last one of that name).
    pub fn cookie(&self, name: &str) -> Option<Cow<'_, str>> {
        self.cookies()
            .filter(|(k, _)| *k == name)
            .last()
            .map(|(_, v)| percent_encoding::percent_decode_str(v).decode_utf8_lossy())
    }

    /// Every cookie's name and raw (still percent-encoded) value, in order.
    fn cookies(&self) -> impl Iterator<Item = (&str, &str)> {
        self.parts
            .headers
            .get_all(COOKIE)
            .into_iter()
            .filter_map(|h| h.to_str().ok())
            .flat_map(|h| h.split(';'))
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.trim(), v.trim().trim_matches('"')))
    }

    /// Every `(name, value)` of one place of the request, in order, decoded
    /// (header names in lower case; empty form fields left out, as absent).
    /// The path gives none: its names are the template's.
    pub(crate) fn source_pairs(&self, source: Source) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
        match source {
            Source::Path => Vec::new(),
            Source::Query => {
                let q = self.parts.uri.query().unwrap_or("");
                form_urlencoded::parse(q.as_bytes()).collect()
            }
            Source::Header => self
                .parts
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        Cow::Borrowed(k.as_str()),
                        String::from_utf8_lossy(v.as_bytes()),
                    )
                })
                .collect(),
            Source::Cookie => self
                .cookies()
                .map(|(k, v)| {
                    let v = percent_encoding::percent_decode_str(v).decode_utf8_lossy();
                    (Cow::Borrowed(k), v)
                })
                .collect(),
            Source::Form => self.form_pairs(),
        }
    }

    /// Takes the request body out, to be read as a stream.
    pub fn take_body(&mut self) -> Option<RequestBody> {
        self.body.take()
    }

    /// Every matched path parameter, decoded, in order.
    pub(crate) fn path_param_pairs(&self) -> Vec<(String, String)> {
        self.params
            .names
            .iter()
            .filter_map(|n| Some((n.to_string(), self.path_param(n)?.to_owned())))
            .collect()
    }

    /// The app's routes by name (see [`RouteScope`]).
    pub(crate) fn root_path(&self) -> Option<Arc<crate::root_path::RootPath>> {
        self.scope.root_path.clone()
    }

    pub(crate) fn route_names(&self) -> Option<Arc<[(String, String)]>> {
        self.scope.route_names.clone()
    }

    /// The app's state (what [`state`](Self::state) reads from).
    pub(crate) fn app_state(&self) -> Arc<http::Extensions> {
        self.scope.state.clone()
    }

    /// The body a body parameter read, when the route keeps it (for a
    /// `Request` parameter, or `exc.body`).
    pub(crate) fn kept_body(&self) -> Option<Bytes> {
        self.cache.get::<Received>().map(|r| r.0.clone())
    }

    /// The request's body limits.
    pub(crate) fn limits(&self) -> BodyLimits {
        self.scope.limits
    }

    /// Whether the route declares file parameters (see [`RouteScope`]).
    pub(crate) fn accepts_files(&self) -> bool {
        self.scope.files
    }

    /// Reads the whole body within the app's limits: 413 when it is larger
    /// (checked against `Content-Length` first), 408 when it takes too long.
    pub async fn read_body(&mut self) -> Result<Bytes, HttpError> {
        let Some(body) = self.body.take() else {
            return Ok(Bytes::new());
        };
        let limits = &self.scope.limits;
        read_limited(
            body,
            &self.parts.headers,
            limits.max_size,
            limits.timeout,
            limits.chunk_timeout,
        )
        .await
    }

    /// Reads the body and parses it as JSON for the `T` body parameter
    /// `declared`. A parameter that is the whole body is read by serde
    /// straight from the bytes first (the fast path), unless it declares
    /// constraints; an embedded one (see [`Declared::embed`]) is read by
    /// [`embedded_body`](Self::embedded_body).
    ///
    /// Broken JSON is answered at once (422 `json_invalid`), as FastAPI does
    /// before validating anything else; otherwise the outcome waits for
    /// [`JsonBody::finish`] so its errors join the parameters'.
    pub async fn json_body<T: FromJson>(
        &mut self,
        declared: &'static Declared<T>,
    ) -> Result<JsonBody<T>, Response> {
        if declared.embed {
            // Boxed: its state would otherwise enlarge every JSON body
            // route's future past the allocator's fast size classes.
            Box::pin(self.embedded_body()).await?;
            return Ok(JsonBody::Embedded);
        }
        let bytes = self
            .read_body()
            .await
            .map_err(|e| crate::response::unread(e.into_response()))?;
        self.keep_body(&bytes);
        self.parse_json(&bytes, declared.spec.constraints.is_empty())
    }

    /// Parses a body read for JSON: see [`json_body`](Self::json_body).
    // The `Err` is the response to send, as every extractor's: built on failure only.
    #[allow(clippy::result_large_err)]
    fn parse_json<T: FromJson>(&self, bytes: &Bytes, fast: bool) -> Result<JsonBody<T>, Response> {
        if bytes.is_empty() {
            return Ok(JsonBody::Missing);
        }
        if !self.is_json() {
            let text = String::from_utf8_lossy(bytes).into_owned();
            return Ok(JsonBody::NotJson(Value::String(text)));
        }
        // Python's json.loads drops one leading UTF-8 BOM.
        let json = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if fast {
            if let Ok(Lax(v)) = serde_json::from_slice::<Lax<T>>(json) {
                return Ok(JsonBody::Parsed(v));
            }
        }
        if let Ok(v) = serde_json::from_slice::<Value>(json) {
            return Ok(JsonBody::Value(v));
        }
        let (pos, msg) = match python_json_verdict(bytes) {
            PythonJsonVerdict::Failure(_) => {
                let e = HttpError::new(400, "There was an error parsing the body");
                return Err(crate::response::unread(e.into_response()));
            }
            PythonJsonVerdict::Invalid(e) => (e.pos, e.msg.to_string()),
            // Valid for Python but not representable: NaN, Infinity, 1e999 (which
            // FastAPI answers with a 500) or nesting deeper than serde_json's 128.
            PythonJsonVerdict::Valid => match serde_json::from_slice::<Value>(json) {
                Err(e) => (
                    serde_pos(&String::from_utf8_lossy(json), &e),
                    format!("Unsupported JSON value: {e}"),
                ),
                Ok(v) => return Ok(JsonBody::Value(v)),
            },
        };
        let mut errors = ValidationErrors::new();
        let mut loc = Loc::new("body");
        loc.push(pos);
        errors.push(
            &loc,
            Value::Object(Default::default()),
            Invalid::new("json_invalid", "JSON decode error").with_ctx("error", msg),
        );
        Err(self.validation_failed(errors))
    }

    /// Whether the request declares a JSON body (`application/json` or
    /// `application/*+json`).
    fn is_json(&self) -> bool {
        self.parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_json_content_type)
    }

    /// Reads the body once for every embedded body parameter (a route with
    /// several, or one declared `embed`): each then takes its key of the
    /// object (see [`embedded_field`](Self::embedded_field)).
    pub async fn embedded_body(&mut self) -> Result<(), Response> {
        if self.cache.get::<Embedded>().is_some() {
            return Ok(());
        }
        let bytes = self
            .read_body()
            .await
            .map_err(|e| crate::response::unread(e.into_response()))?;
        self.keep_body(&bytes);
        let embedded = match self.parse_json::<Value>(&bytes, false)? {
            // FastAPI reads no JSON without a body or a JSON content type:
            // each field is then absent.
            JsonBody::Missing | JsonBody::NotJson(_) | JsonBody::Embedded => Embedded::Absent,
            JsonBody::Value(Value::Object(map)) | JsonBody::Parsed(Value::Object(map)) => {
                Embedded::Object(map)
            }
            JsonBody::Value(_) | JsonBody::Parsed(_) => Embedded::NotObject,
        };
        self.cache.insert(embedded);
        Ok(())
    }

    /// One embedded body parameter: the value under its name in the body's
    /// object, as FastAPI's `request_body_to_args` reads it. A field absent
    /// (or no JSON body) takes its default or is `missing`; a body that is
    /// JSON but not an object makes every field `missing`, defaults or not.
    pub fn embedded_field<T: FromJson>(
        &self,
        declared: &'static Declared<T>,
        errors: &mut ValidationErrors,
    ) -> Option<T> {
        let name = declared.spec.name;
        let mut loc = Loc::new("body");
        loc.push(name);
        let value = match self.cache.get::<Embedded>() {
            Some(Embedded::Object(map)) => map.get(name),
            Some(Embedded::NotObject) => {
                errors.push(&loc, Value::Null, Invalid::missing());
                return None;
            }
            Some(Embedded::Absent) | None => None,
        };
        match value {
            Some(v) => T::from_json_checked(v, &declared.spec.constraints, &mut loc, errors),
            None => absent(declared, &loc, errors),
        }
    }

    /// Keeps the body's bytes for [`validation_failed`](Self::validation_failed)
    /// when the app may hand it to an exception handler.
    fn keep_body(&mut self, bytes: &Bytes) {
        if self.scope.keep_body || crate::exception::handlers_registered() {
            self.cache.insert(Received(bytes.clone()));
        }
    }

    /// The response to a request that failed validation: the app's handler
    /// for [`ValidationErrors`] (given the body as FastAPI's `exc.body`), or
    /// 422 `{"detail": […]}`.
    pub fn validation_failed(&self, mut errors: ValidationErrors) -> Response {
        if crate::exception::handlers_registered() {
            errors.set_body(self.received_body());
        }
        errors.into_response()
    }

    /// The body as FastAPI's `exc.body` holds it: JSON parsed, other bytes
    /// as text, a form's fields, `null` when none was read.
    fn received_body(&self) -> Value {
        if let Some(form) = &self.form {
            return form.to_json();
        }
        let Some(Received(bytes)) = self.cache.get::<Received>() else {
            return Value::Null;
        };
        if bytes.is_empty() {
            return Value::Null;
        }
        let json = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match serde_json::from_slice::<Value>(json) {
            Ok(v) if self.is_json() => v,
            _ => Value::String(String::from_utf8_lossy(bytes).into_owned()),
        }
    }
}

/// The body read for embedded body parameters, kept in the request's cache.
#[derive(Clone)]
enum Embedded {
    /// No body, or one not declared JSON.
    Absent,
    /// JSON that is not an object (`null`, a list, a scalar).
    NotObject,
    /// The object the parameters are read from.
    Object(serde_json::Map<String, Value>),
}

/// Reads a whole body within limits: 413 when it is larger than `max_size`
/// (checked against `Content-Length` in `headers` first), 408 when it takes
/// longer than `timeout` or pauses longer than `chunk_timeout`.
pub(crate) async fn read_limited(
    body: RequestBody,
    headers: &HeaderMap,
    max_size: usize,
    timeout: Duration,
    chunk_timeout: Duration,
) -> Result<Bytes, HttpError> {
    let too_large = || {
        HttpError::from_status(http::StatusCode::PAYLOAD_TOO_LARGE).header("connection", "close")
    };
    if let Some(len) = headers.get(CONTENT_LENGTH) {
        if let Some(len) = len.to_str().ok().and_then(|s| s.parse::<u64>().ok()) {
            if len > max_size as u64 {
                return Err(too_large());
            }
        }
    }
    if let RequestBody::Full(b) = body {
        return if b.len() > max_size {
            Err(too_large())
        } else {
            Ok(b)
        };
    }
    // A small body has usually arrived with its head: its one frame, then
    // its end, read in place without a timer or an allocation.
    let mut body = body;
    let polled = std::future::poll_fn(|cx| {
        std::task::Poll::Ready(http_body::Body::poll_frame(
            std::pin::Pin::new(&mut body),
            cx,
        ))
    })
    .await;
    let received = match polled {
        std::task::Poll::Ready(None) => return Ok(Bytes::new()),
        std::task::Poll::Ready(Some(Err(_))) => {
            return Err(HttpError::new(400, "There was an error reading the body"))
        }
        std::task::Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
            Ok(data) if data.len() > max_size => return Err(too_large()),
            Ok(data) if http_body::Body::is_end_stream(&body) => return Ok(data),
            Ok(data) => Some(data),
            Err(_) => None, // trailers first: the collector reads on
        },
        std::task::Poll::Pending => None,
    };
    // The rest is still arriving. Boxed: that costs one small allocation,
    // and every JSON route's future stays within the allocator's fast sizes.
    let mut collecting = Box::pin(collect_within(body, max_size, chunk_timeout, received));
    // A small body has often arrived with its head: then no timer is set.
    let first = std::future::poll_fn(|cx| {
        std::task::Poll::Ready(std::future::Future::poll(collecting.as_mut(), cx))
    })
    .await;
    let collected = match first {
        std::task::Poll::Ready(c) => Ok(c),
        std::task::Poll::Pending => {
            // Boxed: the timer takes no room in every request's future.
            let mut deadline = Box::pin(tokio::time::sleep(timeout));
            std::future::poll_fn(|cx| {
                if let std::task::Poll::Ready(c) = collecting.as_mut().poll(cx) {
                    return std::task::Poll::Ready(Ok(c));
                }
                deadline.as_mut().poll(cx).map(Err)
            })
            .await
        }
    };
    match collected {
        Err(_) | Ok(Err(BodyError::Stalled)) => {
            Err(HttpError::from_status(http::StatusCode::REQUEST_TIMEOUT)
                .header("connection", "close"))
        }
        Ok(Err(BodyError::TooLarge)) => Err(too_large()),
        Ok(Err(BodyError::Broken)) => {
            Err(HttpError::new(400, "There was an error reading the body"))
        }
        Ok(Ok(bytes)) => Ok(bytes),
    }
}

/// The request body as received, kept for the app's exception handlers
/// (and a `Request` parameter).
#[derive(Clone)]
struct Received(Bytes);

/// A body parameter without a value: its declared default, `None` for an
/// `Option`, else a `missing` error.
fn absent<T: FromJson>(
    declared: &'static Declared<T>,
    loc: &Loc,
    errors: &mut ValidationErrors,
) -> Option<T> {
    if let Some(f) = declared.default {
        return Some(f());
    }
    if let Some(v) = T::when_missing() {
        return Some(v);
    }
    errors.push(loc, Value::Null, Invalid::missing());
    None
}

fn serde_pos(text: &str, e: &serde_json::Error) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(|l| l.chars().count())
        .sum();
    line_start + e.column().saturating_sub(1)
}

/// `application/json` or `application/*+json`, parameters ignored.
pub fn is_json_content_type(ct: &str) -> bool {
    if ct.eq_ignore_ascii_case("application/json") {
        return true;
    }
    let mime = ct.split(';').next().unwrap_or("").trim();
    let Some((main, sub)) = mime.split_once('/') else {
        return false;
    };
    let suffix = sub.len().checked_sub(5).and_then(|i| sub.get(i..));
    main.eq_ignore_ascii_case("application")
        && (sub.eq_ignore_ascii_case("json")
            || suffix.is_some_and(|s| s.eq_ignore_ascii_case("+json")))
}

/// A JSON body read but not yet validated: see [`RequestContext::json_body`].
#[derive(Debug)]
pub enum JsonBody<T> {
    /// The fast path succeeded.
    Parsed(T),
    /// Valid JSON that the fast path refused: the slow path will say why.
    Value(Value),
    /// No body.
    Missing,
    /// A body that was not declared JSON, kept as text.
    NotJson(Value),
    /// The parameter is one of several in the body's object (or `embed`):
    /// read by [`RequestContext::embedded_field`].
    Embedded,
}

impl<T: FromJson> JsonBody<T> {
    /// The validated value of a body parameter that is the whole body, or
    /// `None` with its errors recorded under `["body"]`.
    pub fn finish(
        self,
        declared: &'static Declared<T>,
        errors: &mut ValidationErrors,
    ) -> Option<T> {
        let mut loc = Loc::new("body");
        match self {
            JsonBody::Parsed(v) => Some(v),
            JsonBody::Missing | JsonBody::Embedded => absent(declared, &loc, errors),
            JsonBody::NotJson(v) | JsonBody::Value(v) => {
                if T::IS_MODEL && !v.is_object() {
                    let msg = "Input should be a valid dictionary or object to extract fields from";
                    errors.push(&loc, v, Invalid::new("model_attributes_type", msg));
                    return None;
                }
                T::from_json_checked(&v, &declared.spec.constraints, &mut loc, errors)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(&str, &str, bool)> {
        QueryPair::split(q)
            .iter()
            .map(|p| {
                let key = &q[p.start as usize..p.eq as usize];
                let value = q.get(p.eq as usize + 1..p.end as usize).unwrap_or("");
                (key, value, p.plain)
            })
            .collect()
    }

    #[test]
    fn the_query_string_is_split_as_form_urlencoded_does() {
        assert_eq!(
            pairs("q=hello&skip=5&limit=50"),
            [
                ("q", "hello", true),
                ("skip", "5", true),
                ("limit", "50", true)
            ]
        );
        assert_eq!(pairs(""), []);
        assert_eq!(
            pairs("&&a&=b&c=d=e&"),
            [("a", "", true), ("", "b", true), ("c", "d=e", true)]
        );
        assert_eq!(pairs("a+b=%20"), [("a+b", "%20", false)]);
        for q in [
            "q=hello&skip=5",
            "&&a&=b&c=d=e&",
            "a+b=%20&x=1&x=2",
            "k",
            "=v&k=v%26w",
        ] {
            let ours: Vec<(String, String)> = QueryPair::split(q)
                .iter()
                .map(|p| {
                    let raw = &q.as_bytes()[p.start as usize..p.end as usize];
                    let (k, v) = form_urlencoded::parse(raw).next().unwrap();
                    (k.into_owned(), v.into_owned())
                })
                .collect();
            let theirs: Vec<(String, String)> = form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            assert_eq!(ours, theirs, "{q}");
        }
    }
}
