//! CORS: Starlette's `CORSMiddleware` (FastAPI's `fastapi.middleware.cors`).
//!
//! Same settings, same answers, header for header:
//!
//! - a **preflight** (an `OPTIONS` request with `Origin` and
//!   `Access-Control-Request-Method`) is answered by the middleware itself,
//!   whatever the path: `200` `text/plain` `OK`, or `400`
//!   `Disallowed CORS origin, method, headers` listing what failed, with the
//!   `Access-Control-Allow-*` headers, `Access-Control-Max-Age` and
//!   `Vary: Origin, Access-Control-Request-Method, …`;
//! - any other request goes to the app, and its response gets
//!   `Access-Control-Allow-Origin` (the origin itself, or `*` when every origin
//!   is allowed without credentials) when the origin is allowed,
//!   `Access-Control-Allow-Credentials` / `Access-Control-Expose-Headers` when
//!   configured and the request has an `Origin`, and `Origin` appended to `Vary`
//!   on every response.
//!
//! ```
//! use fastrs::prelude::*;
//! use fastrs::cors::Cors;
//!
//! #[get("/")]
//! async fn root() -> Json<serde_json::Value> { Json(serde_json::json!({})) }
//!
//! let cors = Cors::new()
//!     .allow_origins(["http://localhost:3000"])
//!     .allow_credentials(true)
//!     .allow_methods(["*"])
//!     .allow_headers(["*"]);
//! let app = App::new().route(root).middleware_boxed(cors.into_middleware());
//! let client = TestClient::new(app);
//!
//! let r = client.options("/")
//!     .header("origin", "http://localhost:3000")
//!     .header("access-control-request-method", "POST")
//!     .send();
//! assert_eq!(r.status(), 200);
//! assert_eq!(r.text(), "OK");
//! assert_eq!(r.header("access-control-allow-origin"), Some("http://localhost:3000"));
//!
//! let r = client.get("/").header("origin", "http://evil.example").send();
//! assert_eq!(r.header("access-control-allow-origin"), None);
//! assert_eq!(r.header("vary"), Some("Origin"));
//! ```

use std::sync::Arc;

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, ORIGIN, VARY};
use http::{Method, StatusCode};

use crate::body::Body;
use crate::middleware::{Middleware, Next};
use crate::response::Response;

/// The methods `allow_methods(["*"])` stands for (Starlette's `ALL_METHODS`).
pub const ALL_METHODS: [&str; 8] = [
    "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY",
];

/// Request headers always allowed in a preflight (Starlette's `SAFELISTED_HEADERS`).
pub const SAFELISTED_HEADERS: [&str; 4] = [
    "Accept",
    "Accept-Language",
    "Content-Language",
    "Content-Type",
];

const PREFLIGHT_VARY: &str = "Origin, Access-Control-Request-Method, \
     Access-Control-Request-Headers, Access-Control-Request-Private-Network";

const ALLOW_ORIGIN: HeaderName = HeaderName::from_static("access-control-allow-origin");
const ALLOW_CREDENTIALS: HeaderName = HeaderName::from_static("access-control-allow-credentials");
const ALLOW_METHODS: HeaderName = HeaderName::from_static("access-control-allow-methods");
const ALLOW_HEADERS: HeaderName = HeaderName::from_static("access-control-allow-headers");
const ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");
const EXPOSE_HEADERS: HeaderName = HeaderName::from_static("access-control-expose-headers");
const MAX_AGE: HeaderName = HeaderName::from_static("access-control-max-age");
const REQUEST_METHOD: HeaderName = HeaderName::from_static("access-control-request-method");
const REQUEST_HEADERS: HeaderName = HeaderName::from_static("access-control-request-headers");
const REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");
const TEXT_PLAIN: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");

/// The CORS settings, with Starlette's names and defaults: no origin allowed,
/// methods `GET`, only the safelisted headers, no credentials, `max_age` 600.
///
/// `"*"` in `allow_origins`, `allow_methods` or `allow_headers` allows any.
/// Build it with the methods of the same names, then
/// [`into_middleware`](Cors::into_middleware) and
/// [`App::middleware_boxed`](crate::App::middleware_boxed).
#[derive(Debug, Clone)]
pub struct Cors {
    /// Origins allowed, compared exactly (`"http://localhost:3000"`), or `"*"`.
    pub allow_origins: Vec<String>,
    /// A regex an origin may match in full instead (`r"https://.*\.example\.org"`).
    pub allow_origin_regex: Option<String>,
    /// Methods allowed in a preflight (default `["GET"]`), or `"*"`.
    pub allow_methods: Vec<String>,
    /// Request headers allowed in a preflight besides the safelisted ones, or `"*"`.
    pub allow_headers: Vec<String>,
    /// Whether cookies and credentials are allowed (`Access-Control-Allow-Credentials: true`).
    pub allow_credentials: bool,
    /// Whether a preflight may ask for private network access.
    pub allow_private_network: bool,
    /// Response headers the browser may expose (`Access-Control-Expose-Headers`).
    pub expose_headers: Vec<String>,
    /// How long a browser may cache a preflight, in seconds (default 600).
    pub max_age: u64,
}

impl Default for Cors {
    fn default() -> Self {
        Cors {
            allow_origins: Vec::new(),
            allow_origin_regex: None,
            allow_methods: vec!["GET".into()],
            allow_headers: Vec::new(),
            allow_credentials: false,
            allow_private_network: false,
            expose_headers: Vec::new(),
            max_age: 600,
        }
    }
}

fn strings<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    items.into_iter().map(Into::into).collect()
}

impl Cors {
    /// Starlette's defaults (which allow no cross-origin request).
    pub fn new() -> Self {
        Self::default()
    }

    /// The allowed origins (`["*"]` for any).
    pub fn allow_origins<I, S>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allow_origins = strings(origins);
        self
    }

    /// A regex that allowed origins match in full (Python's `re.fullmatch`;
    /// the syntax is the `regex` crate's, which covers the usual patterns).
    pub fn allow_origin_regex(mut self, regex: impl Into<String>) -> Self {
        self.allow_origin_regex = Some(regex.into());
        self
    }

    /// The allowed methods (`["*"]` for all of [`ALL_METHODS`]); compared exactly.
    pub fn allow_methods<I, S>(mut self, methods: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allow_methods = strings(methods);
        self
    }

    /// The allowed request headers (`["*"]` for any); case-insensitive.
    pub fn allow_headers<I, S>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allow_headers = strings(headers);
        self
    }

    /// Whether credentials (cookies, `Authorization`) are allowed.
    pub fn allow_credentials(mut self, yes: bool) -> Self {
        self.allow_credentials = yes;
        self
    }

    /// Whether private network access may be granted to a preflight.
    pub fn allow_private_network(mut self, yes: bool) -> Self {
        self.allow_private_network = yes;
        self
    }

    /// The response headers exposed to the browser.
    pub fn expose_headers<I, S>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.expose_headers = strings(headers);
        self
    }

    /// How long a preflight may be cached, in seconds.
    pub fn max_age(mut self, seconds: u64) -> Self {
        self.max_age = seconds;
        self
    }

    /// The middleware, for [`App::middleware_boxed`](crate::App::middleware_boxed).
    ///
    /// # Panics
    /// When `allow_origin_regex` is not a valid regex, or a configured name or
    /// value cannot be an HTTP header value: configuration errors, reported
    /// at start-up as Starlette does.
    pub fn into_middleware(self) -> Middleware {
        let config = Arc::new(Config::new(self));
        crate::middleware::from_fn(move |req, next: Next| {
            let config = Arc::clone(&config);
            async move { config.handle(req, next).await }
        })
    }
}

/// The settings, precomputed once as Starlette's `__init__` does.
struct Config {
    allow_origins: Vec<String>,
    allow_origin_regex: Option<regex::Regex>,
    allow_methods: Vec<String>,
    /// Lowercase, safelisted ones included.
    allow_headers: Vec<String>,
    allow_all_origins: bool,
    allow_all_headers: bool,
    allow_credentials: bool,
    allow_private_network: bool,
    preflight_explicit_allow_origin: bool,
    simple_headers: Vec<(HeaderName, HeaderValue)>,
    preflight_headers: Vec<(HeaderName, HeaderValue)>,
}

fn value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s)
        .unwrap_or_else(|_| panic!("CORS setting {s:?} is not a valid header value"))
}

impl Config {
    fn new(c: Cors) -> Config {
        let allow_methods: Vec<String> = if c.allow_methods.iter().any(|m| m == "*") {
            ALL_METHODS.iter().map(|m| (*m).to_owned()).collect()
        } else {
            c.allow_methods
        };
        let allow_origin_regex = c.allow_origin_regex.map(|r| {
            regex::Regex::new(&format!(r"\A(?:{r})\z"))
                .unwrap_or_else(|e| panic!("allow_origin_regex {r:?} is not a valid regex: {e}"))
        });
        let allow_all_origins = c.allow_origins.iter().any(|o| o == "*");
        let allow_all_headers = c.allow_headers.iter().any(|h| h == "*");
        let preflight_explicit_allow_origin = !allow_all_origins || c.allow_credentials;

        let mut simple_headers = Vec::new();
        if allow_all_origins {
            simple_headers.push((ALLOW_ORIGIN, HeaderValue::from_static("*")));
        }
        if c.allow_credentials {
            simple_headers.push((ALLOW_CREDENTIALS, HeaderValue::from_static("true")));
        }
        if !c.expose_headers.is_empty() {
            simple_headers.push((EXPOSE_HEADERS, value(&c.expose_headers.join(", "))));
        }

        let mut preflight_headers = vec![(VARY, HeaderValue::from_static(PREFLIGHT_VARY))];
        if !preflight_explicit_allow_origin {
            preflight_headers.push((ALLOW_ORIGIN, HeaderValue::from_static("*")));
        }
        preflight_headers.push((ALLOW_METHODS, value(&allow_methods.join(", "))));
        preflight_headers.push((MAX_AGE, HeaderValue::from(c.max_age)));
        // sorted(SAFELISTED_HEADERS | set(allow_headers))
        let mut allow_headers: Vec<String> = SAFELISTED_HEADERS
            .iter()
            .map(|h| (*h).to_owned())
            .chain(c.allow_headers)
            .collect();
        allow_headers.sort();
        allow_headers.dedup();
        if !allow_all_headers {
            preflight_headers.push((ALLOW_HEADERS, value(&allow_headers.join(", "))));
        }
        if c.allow_credentials {
            preflight_headers.push((ALLOW_CREDENTIALS, HeaderValue::from_static("true")));
        }

        Config {
            allow_origins: c.allow_origins,
            allow_origin_regex,
            allow_methods,
            allow_headers: allow_headers.iter().map(|h| h.to_lowercase()).collect(),
            allow_all_origins,
            allow_all_headers,
            allow_credentials: c.allow_credentials,
            allow_private_network: c.allow_private_network,
            preflight_explicit_allow_origin,
            simple_headers,
            preflight_headers,
        }
    }

    async fn handle(&self, req: http::Request<crate::body::RequestBody>, next: Next) -> Response {
        let origin = req.headers().get(ORIGIN).cloned();
        if let Some(origin) = &origin {
            if req.method() == Method::OPTIONS && req.headers().contains_key(REQUEST_METHOD) {
                return self.preflight(origin, req.headers());
            }
        }
        let mut response = next.run(req).await;
        self.simple(origin.as_ref(), response.headers_mut());
        response
    }

    fn is_allowed_origin(&self, origin: &HeaderValue) -> bool {
        if self.allow_all_origins {
            return true;
        }
        if let (Some(re), Ok(o)) = (&self.allow_origin_regex, origin.to_str()) {
            if re.is_match(o) {
                return true;
            }
        }
        self.allow_origins
            .iter()
            .any(|o| o.as_bytes() == origin.as_bytes())
    }

    fn preflight(&self, origin: &HeaderValue, request: &HeaderMap) -> Response {
        let mut headers = HeaderMap::new();
        for (name, value) in &self.preflight_headers {
            headers.insert(name.clone(), value.clone());
        }
        let mut failures: Vec<&str> = Vec::new();

        if self.is_allowed_origin(origin) {
            if self.preflight_explicit_allow_origin {
                headers.insert(ALLOW_ORIGIN, origin.clone());
            }
        } else {
            failures.push("origin");
        }

        let method = request.get(REQUEST_METHOD).map(HeaderValue::as_bytes);
        if !self
            .allow_methods
            .iter()
            .any(|m| Some(m.as_bytes()) == method)
        {
            failures.push("method");
        }

        if let Some(requested) = request.get(REQUEST_HEADERS) {
            if self.allow_all_headers {
                headers.insert(ALLOW_HEADERS, requested.clone());
            } else {
                let requested = latin1(requested.as_bytes());
                let all_allowed = requested.split(',').all(|h| {
                    let h = h.to_lowercase();
                    self.allow_headers.iter().any(|a| a == h.trim())
                });
                if !all_allowed {
                    failures.push("headers");
                }
            }
        }

        if request.contains_key(REQUEST_PRIVATE_NETWORK) {
            if self.allow_private_network {
                headers.insert(ALLOW_PRIVATE_NETWORK, HeaderValue::from_static("true"));
            } else {
                failures.push("private-network");
            }
        }

        let (status, body) = if failures.is_empty() {
            (StatusCode::OK, Bytes::from_static(b"OK"))
        } else {
            let text = format!("Disallowed CORS {}", failures.join(", "));
            (StatusCode::BAD_REQUEST, Bytes::from(text))
        };
        headers.insert(CONTENT_TYPE, TEXT_PLAIN);
        let mut response = http::Response::new(Body::Full(body));
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        response
    }

    fn simple(&self, origin: Option<&HeaderValue>, headers: &mut HeaderMap) {
        if origin.is_some() {
            for (name, value) in &self.simple_headers {
                headers.insert(name.clone(), value.clone());
            }
        }
        match origin {
            Some(origin)
                if (self.allow_all_origins && self.allow_credentials)
                    || (!self.allow_all_origins && self.is_allowed_origin(origin)) =>
            {
                headers.insert(ALLOW_ORIGIN, origin.clone());
                append_vary(headers, "Origin");
            }
            _ => append_vary(headers, "Origin"),
        }
    }
}

/// Python's `latin-1` decoding of a header value, as Starlette reads headers.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Starlette's `headers["Vary"] = ", ".join([*headers.getlist("Vary"), value])`:
/// every `Vary` header folded into one, `value` appended.
pub(crate) fn append_vary(headers: &mut HeaderMap, value: &str) {
    let mut joined: Vec<u8> = Vec::new();
    for v in headers.get_all(VARY) {
        joined.extend_from_slice(v.as_bytes());
        joined.extend_from_slice(b", ");
    }
    joined.extend_from_slice(value.as_bytes());
    if let Ok(v) = HeaderValue::from_bytes(&joined) {
        headers.insert(VARY, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vary_is_folded_and_appended() {
        let mut h = HeaderMap::new();
        append_vary(&mut h, "Origin");
        assert_eq!(h[VARY], "Origin");
        h.append(VARY, HeaderValue::from_static("Cookie"));
        append_vary(&mut h, "Accept-Encoding");
        assert_eq!(h.get_all(VARY).iter().count(), 1);
        assert_eq!(h[VARY], "Origin, Cookie, Accept-Encoding");
    }

    #[test]
    fn allowed_headers_are_sorted_with_the_safelisted_ones() {
        let c = Config::new(Cors::new().allow_headers(["X-Token", "Accept"]));
        let (_, v) = c
            .preflight_headers
            .iter()
            .find(|(n, _)| *n == ALLOW_HEADERS)
            .unwrap();
        assert_eq!(
            v,
            "Accept, Accept-Language, Content-Language, Content-Type, X-Token"
        );
        assert!(c.allow_headers.contains(&"x-token".to_owned()));
    }

    #[test]
    fn regex_must_match_the_whole_origin() {
        let c = Config::new(Cors::new().allow_origin_regex(r"https://.*\.example\.org"));
        assert!(c.is_allowed_origin(&HeaderValue::from_static("https://a.example.org")));
        assert!(!c.is_allowed_origin(&HeaderValue::from_static("https://a.example.org.evil")));
        assert!(!c.is_allowed_origin(&HeaderValue::from_static("http://a.example.org")));
    }
}
