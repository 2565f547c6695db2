//! Security: FastAPI's `fastapi.security` classes as dependencies.
//!
//! Each class is a [`Dependency`] whose configuration (token URL, key name,
//! realm, scheme name, description) lives at the type level, in a *config*
//! type implementing one of the config traits ([`OAuth2PasswordBearerConfig`],
//! [`HTTPBearerConfig`], [`HTTPBasicConfig`], [`APIKeyConfig`]). The
//! [`security_config!`](crate::security_config) macro declares one in a line,
//! with FastAPI's keyword names:
//!
//! | FastAPI | fastrs | gives |
//! |---|---|---|
//! | `OAuth2PasswordBearer(tokenUrl="auth/token")` | [`OAuth2PasswordBearer<C>`] | `String` (the token) |
//! | `HTTPBearer()` | [`HTTPBearer`] (`HTTPBearer<C>` to configure) | [`HTTPAuthorizationCredentials`] |
//! | `HTTPBasic()` | [`HTTPBasic`] (`HTTPBasic<C>`) | [`HTTPBasicCredentials`] |
//! | `APIKeyHeader(name=…)`, `APIKeyQuery`, `APIKeyCookie` | [`APIKeyHeader<C>`], [`APIKeyQuery<C>`], [`APIKeyCookie<C>`] | `String` |
//! | any of them with `auto_error=False` | [`Optional<S>`] | `Option<…>` |
//! | `OAuth2PasswordRequestForm` | [`OAuth2PasswordRequestForm`] | itself |
//!
//! They answer exactly what FastAPI 0.165 answers: 401
//! `{"detail":"Not authenticated"}` with `WWW-Authenticate: Bearer` (OAuth2,
//! HTTP bearer), `Basic` or `Basic realm="…"` (HTTP basic), `APIKey` (API
//! keys). Each adds its scheme to the operation's OpenAPI `security` and to
//! `components.securitySchemes` (directly or through the dependencies that use
//! it), and none adds a parameter to the documented `parameters`.
//!
//! ```
//! use fastrs::prelude::*;
//! use fastrs::security::{OAuth2PasswordBearer, OAuth2PasswordBearerConfig};
//!
//! fastrs::security_config!(
//!     /// The login route's URL, as FastAPI's `OAuth2PasswordBearer(tokenUrl="auth/token")`.
//!     pub TokenAuth: OAuth2PasswordBearerConfig, token_url = "auth/token"
//! );
//!
//! #[derive(Clone)]
//! struct User {
//!     name: String,
//! }
//!
//! #[dependency]
//! async fn current_user(token: Depends<OAuth2PasswordBearer<TokenAuth>>) -> Result<User, HttpError> {
//!     match token.as_str() {
//!         "secret" => Ok(User { name: "ada".into() }),
//!         _ => Err(HttpError::new(401, "Invalid token").header("www-authenticate", "Bearer")),
//!     }
//! }
//!
//! #[get("/users/me")]
//! async fn me(user: Depends<current_user>) -> Json<serde_json::Value> {
//!     Json(serde_json::json!({"name": user.name}))
//! }
//!
//! let app = App::new().route(me);
//! let client = TestClient::new(app.clone());
//! let r = client.get("/users/me").send();
//! assert_eq!(r.status(), 401);
//! assert_eq!(r.json(), serde_json::json!({"detail": "Not authenticated"}));
//! assert_eq!(r.header("www-authenticate"), Some("Bearer"));
//! let r = client.get("/users/me").header("authorization", "Bearer secret").send();
//! assert_eq!(r.json(), serde_json::json!({"name": "ada"}));
//!
//! let doc = app.openapi();
//! assert_eq!(doc["paths"]["/users/me"]["get"]["security"], serde_json::json!([{"OAuth2PasswordBearer": []}]));
//! assert_eq!(
//!     doc["components"]["securitySchemes"]["OAuth2PasswordBearer"],
//!     serde_json::json!({"type": "oauth2", "flows": {"password": {"scopes": {}, "tokenUrl": "auth/token"}}})
//! );
//! ```
//!
//! Headers are read as Starlette reads them: the first `Authorization`
//! header, its bytes taken as Latin-1.

use std::borrow::Cow;
use std::future::Future;
use std::marker::PhantomData;

use http::header::AUTHORIZATION;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::constraints::Constraints;
use crate::dependency::Dependency;
use crate::http_error::HttpError;
use crate::request::{ParamSpec, RequestContext, Source};
use crate::response::{IntoResponse, Response};
use crate::routing::{Operation, ParamDoc, SchemaFn, SecurityRequirement};
use crate::validation::{Invalid, Loc, ValidationErrors};

// ---------------------------------------------------------------------------
// Configuration traits

/// The configuration of an [`OAuth2PasswordBearer`]: FastAPI's
/// `OAuth2PasswordBearer(tokenUrl=…, refreshUrl=…, scopes=…, scheme_name=…, description=…)`.
///
/// ```
/// use fastrs::security::OAuth2PasswordBearerConfig;
/// struct TokenAuth;
/// impl OAuth2PasswordBearerConfig for TokenAuth {
///     const TOKEN_URL: &'static str = "auth/token";
///     const SCOPES: &'static [(&'static str, &'static str)] = &[("me", "Read your profile.")];
/// }
/// ```
pub trait OAuth2PasswordBearerConfig: 'static {
    /// The URL a client posts the username and password to (`tokenUrl`).
    const TOKEN_URL: &'static str;
    /// The URL to refresh a token (`refreshUrl`).
    const REFRESH_URL: Option<&'static str> = None;
    /// The scopes: name and description, in order.
    const SCOPES: &'static [(&'static str, &'static str)] = &[];
    /// The scheme's name in OpenAPI (default: `"OAuth2PasswordBearer"`).
    const SCHEME_NAME: Option<&'static str> = None;
    /// The scheme's description in OpenAPI.
    const DESCRIPTION: Option<&'static str> = None;
}

/// The configuration of an [`HTTPBearer`]: FastAPI's
/// `HTTPBearer(bearerFormat=…, scheme_name=…, description=…)`. `()` is the
/// default configuration.
pub trait HTTPBearerConfig: 'static {
    /// The token's format in OpenAPI (`bearerFormat`, e.g. `"JWT"`).
    const BEARER_FORMAT: Option<&'static str> = None;
    /// The scheme's name in OpenAPI (default: `"HTTPBearer"`).
    const SCHEME_NAME: Option<&'static str> = None;
    /// The scheme's description in OpenAPI.
    const DESCRIPTION: Option<&'static str> = None;
}

impl HTTPBearerConfig for () {}

/// The configuration of an [`HTTPBasic`]: FastAPI's
/// `HTTPBasic(realm=…, scheme_name=…, description=…)`. `()` is the default
/// configuration.
pub trait HTTPBasicConfig: 'static {
    /// The realm, sent in `WWW-Authenticate: Basic realm="…"`.
    const REALM: Option<&'static str> = None;
    /// The scheme's name in OpenAPI (default: `"HTTPBasic"`).
    const SCHEME_NAME: Option<&'static str> = None;
    /// The scheme's description in OpenAPI.
    const DESCRIPTION: Option<&'static str> = None;
}

impl HTTPBasicConfig for () {}

/// The configuration of an API key ([`APIKeyHeader`], [`APIKeyQuery`],
/// [`APIKeyCookie`]): FastAPI's `APIKeyHeader(name=…, scheme_name=…, description=…)`.
pub trait APIKeyConfig: 'static {
    /// The header, query parameter or cookie name, e.g. `"X-API-Key"`.
    const NAME: &'static str;
    /// The scheme's name in OpenAPI (default: the class name, `"APIKeyHeader"`…).
    const SCHEME_NAME: Option<&'static str> = None;
    /// The scheme's description in OpenAPI.
    const DESCRIPTION: Option<&'static str> = None;
}

/// Declares a security configuration type in one line: a unit struct
/// implementing the named config trait of [`fastrs::security`](crate::security),
/// with FastAPI's keyword names.
///
/// | trait | keys |
/// |---|---|
/// | `OAuth2PasswordBearerConfig` | `token_url` (required), `refresh_url`, `scopes = &[("name", "description")]`, `scheme_name`, `description` |
/// | `HTTPBearerConfig` | `bearer_format`, `scheme_name`, `description` |
/// | `HTTPBasicConfig` | `realm`, `scheme_name`, `description` |
/// | `APIKeyConfig` | `name` (required), `scheme_name`, `description` |
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::security::*;
///
/// fastrs::security_config!(pub ApiKey: APIKeyConfig, name = "X-API-Key");
/// fastrs::security_config!(
///     /// HTTP basic with a realm.
///     Admin: HTTPBasicConfig, realm = "admin", scheme_name = "AdminBasic",
/// );
///
/// #[get("/key")]
/// async fn read_key(key: Depends<APIKeyHeader<ApiKey>>) -> Json<serde_json::Value> {
///     Json(serde_json::json!({"key": *key}))
/// }
///
/// #[get("/admin")]
/// async fn admin(creds: Depends<HTTPBasic<Admin>>) -> Json<HTTPBasicCredentials> {
///     Json(creds.into_inner())
/// }
///
/// let client = TestClient::new(App::new().route(read_key).route(admin));
/// let r = client.get("/key").send();
/// assert_eq!((r.status().as_u16(), r.header("www-authenticate")), (401, Some("APIKey")));
/// assert_eq!(client.get("/key").header("x-api-key", "k").send().json()["key"], "k");
/// let r = client.get("/admin").send();
/// assert_eq!(r.header("www-authenticate"), Some("Basic realm=\"admin\""));
/// let r = client.get("/admin").header("authorization", "Basic dXNlcjpwYXNz").send();
/// assert_eq!(r.json(), serde_json::json!({"username": "user", "password": "pass"}));
/// ```
#[macro_export]
macro_rules! security_config {
    ($(#[$attr:meta])* $vis:vis $name:ident : $config:ident $(, $key:ident = $value:expr)* $(,)?) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;
        impl $crate::security::$config for $name {
            $($crate::__security_config_item!($key = $value);)*
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __security_config_item {
    (token_url = $v:expr) => {
        const TOKEN_URL: &'static str = $v;
    };
    (refresh_url = $v:expr) => {
        const REFRESH_URL: ::core::option::Option<&'static str> = ::core::option::Option::Some($v);
    };
    (scopes = $v:expr) => {
        const SCOPES: &'static [(&'static str, &'static str)] = $v;
    };
    (bearer_format = $v:expr) => {
        const BEARER_FORMAT: ::core::option::Option<&'static str> = ::core::option::Option::Some($v);
    };
    (realm = $v:expr) => {
        const REALM: ::core::option::Option<&'static str> = ::core::option::Option::Some($v);
    };
    (name = $v:expr) => {
        const NAME: &'static str = $v;
    };
    (scheme_name = $v:expr) => {
        const SCHEME_NAME: ::core::option::Option<&'static str> = ::core::option::Option::Some($v);
    };
    (description = $v:expr) => {
        const DESCRIPTION: ::core::option::Option<&'static str> = ::core::option::Option::Some($v);
    };
    ($other:ident = $v:expr) => {
        ::core::compile_error!(::core::concat!(
            "unknown security option `",
            ::core::stringify!($other),
            "`: expected token_url, refresh_url, scopes, bearer_format, realm, name, scheme_name or description"
        ));
    };
}

// ---------------------------------------------------------------------------
// The scheme abstraction

/// What a security scheme found in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T> {
    /// Credentials were found.
    Authenticated(T),
    /// No usable credentials: a 401, or `None` under [`Optional`]
    /// (FastAPI's `auto_error=False`).
    Missing,
    /// Credentials were given but are malformed: a 401 even under
    /// [`Optional`] (FastAPI's `HTTPBasic` with bad base64).
    Rejected,
}

/// A security scheme: how it reads credentials, how it refuses, and how
/// OpenAPI describes it. Implemented by every class of this module; implement
/// it for your own scheme and it works with [`Optional`] too (a
/// [`Dependency`] impl is one [`resolve`] and [`document`] call away).
pub trait SecurityScheme: 'static {
    /// What the handler receives.
    type Credentials: Clone + Send + Sync + 'static;
    /// The class name, FastAPI's default scheme name.
    const CLASS: &'static str;
    /// The scheme's name in `components.securitySchemes` (`scheme_name`, by
    /// default [`CLASS`](SecurityScheme::CLASS)).
    fn scheme_name() -> &'static str;
    /// The OpenAPI security scheme object, keys in FastAPI's order.
    fn scheme() -> Value;
    /// Reads the credentials from the request.
    fn authenticate(cx: &RequestContext) -> Outcome<Self::Credentials>;
    /// The refusal: 401 `{"detail":"Not authenticated"}` with the scheme's
    /// `WWW-Authenticate` challenge.
    fn challenge() -> HttpError;
}

/// Resolves scheme `S` (FastAPI's `auto_error=True`): its credentials or
/// its 401; what [`Dependency::resolve`] of every class of this module returns.
pub fn resolve<S: SecurityScheme>(
    cx: &RequestContext,
) -> std::future::Ready<Result<Option<S::Credentials>, Response>> {
    std::future::ready(match S::authenticate(cx) {
        Outcome::Authenticated(c) => Ok(Some(c)),
        Outcome::Missing | Outcome::Rejected => Err(S::challenge().into_response()),
    })
}

/// Documents scheme `S` on an operation: its `security` requirement and its
/// `components.securitySchemes` entry.
pub fn document<S: SecurityScheme>(op: &mut Operation) {
    op.security.push(SecurityRequirement {
        name: Cow::Borrowed(S::scheme_name()),
        scheme: S::scheme(),
        scopes: Vec::new(),
    });
}

fn not_authenticated(challenge: &str) -> HttpError {
    HttpError::new(401, "Not authenticated").header("www-authenticate", challenge)
}

/// Python's `str.isspace` for one character.
fn python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The first `Authorization` header as Starlette decodes it (Latin-1), if
/// present and not empty.
fn authorization(cx: &RequestContext) -> Option<String> {
    let v = cx.headers().get(AUTHORIZATION)?;
    let s: String = v.as_bytes().iter().map(|&b| b as char).collect();
    (!s.is_empty()).then_some(s)
}

/// FastAPI's `get_authorization_scheme_param`: split at the first space, the
/// parameter stripped of whitespace.
fn scheme_param(value: &str) -> (&str, &str) {
    match value.split_once(' ') {
        Some((scheme, param)) => (scheme, param.trim_matches(python_space)),
        None => (value, ""),
    }
}

fn push_opt(m: &mut Map<String, Value>, key: &str, v: Option<&str>) {
    if let Some(v) = v {
        m.insert(key.into(), v.into());
    }
}

macro_rules! marker {
    ($(#[$attr:meta])* $name:ident<$c:ident $(= $default:ty)?>: $bound:ident) => {
        $(#[$attr])*
        pub struct $name<$c: $bound $(= $default)?>(PhantomData<fn() -> $c>);

        impl<$c: $bound> std::fmt::Debug for $name<$c> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($name))
            }
        }

        impl<$c: $bound> Dependency for $name<$c> {
            type Output = <Self as SecurityScheme>::Credentials;

            fn resolve<'a>(
                cx: &'a mut RequestContext,
                _errors: &'a mut ValidationErrors,
            ) -> impl Future<Output = Result<Option<Self::Output>, Response>> + Send + 'a {
                resolve::<Self>(cx)
            }

            fn document(op: &mut Operation) {
                document::<Self>(op);
            }
        }
    };
}

// ---------------------------------------------------------------------------
// OAuth2

marker! {
    /// FastAPI's `OAuth2PasswordBearer`: the token of `Authorization: Bearer
    /// <token>` (scheme case-insensitive; the token stripped of surrounding
    /// whitespace, possibly empty: `Authorization: Bearer` gives `""`, as in
    /// FastAPI). No header, an empty one, another scheme or a bare token: 401
    /// `{"detail":"Not authenticated"}`, `WWW-Authenticate: Bearer`.
    ///
    /// OpenAPI: `{"type": "oauth2", "flows": {"password": {"scopes": {}, "tokenUrl": "…"}}}`
    /// under the name `OAuth2PasswordBearer` (or the config's `SCHEME_NAME`).
    /// See the [module documentation](self) for an example.
    OAuth2PasswordBearer<C>: OAuth2PasswordBearerConfig
}

impl<C: OAuth2PasswordBearerConfig> SecurityScheme for OAuth2PasswordBearer<C> {
    type Credentials = String;
    const CLASS: &'static str = "OAuth2PasswordBearer";

    fn scheme_name() -> &'static str {
        C::SCHEME_NAME.unwrap_or(Self::CLASS)
    }

    fn scheme() -> Value {
        let mut password = Map::new();
        push_opt(&mut password, "refreshUrl", C::REFRESH_URL);
        let scopes: Map<String, Value> = C::SCOPES
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
            .collect();
        password.insert("scopes".into(), Value::Object(scopes));
        password.insert("tokenUrl".into(), C::TOKEN_URL.into());
        let mut m = Map::new();
        m.insert("type".into(), "oauth2".into());
        push_opt(&mut m, "description", C::DESCRIPTION);
        m.insert("flows".into(), json!({ "password": password }));
        Value::Object(m)
    }

    fn authenticate(cx: &RequestContext) -> Outcome<String> {
        let Some(value) = authorization(cx) else {
            return Outcome::Missing;
        };
        let (scheme, param) = scheme_param(&value);
        if scheme.eq_ignore_ascii_case("bearer") {
            Outcome::Authenticated(param.to_owned())
        } else {
            Outcome::Missing
        }
    }

    fn challenge() -> HttpError {
        not_authenticated("Bearer")
    }
}

// ---------------------------------------------------------------------------
// HTTP bearer and basic

/// The credentials of an `Authorization` header (FastAPI's
/// `HTTPAuthorizationCredentials`): the scheme as sent (`"Bearer"`,
/// `"bearer"`…) and the rest, stripped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HTTPAuthorizationCredentials {
    /// The scheme, as sent.
    pub scheme: String,
    /// The credentials (the token).
    pub credentials: String,
}

/// The credentials of HTTP basic authentication (FastAPI's `HTTPBasicCredentials`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HTTPBasicCredentials {
    /// The user name (before the first `:`).
    pub username: String,
    /// The password (after it; may contain `:`).
    pub password: String,
}

marker! {
    /// FastAPI's `HTTPBearer`: [`HTTPAuthorizationCredentials`] from
    /// `Authorization: Bearer <token>` (scheme case-insensitive, token not
    /// empty). Otherwise 401 `{"detail":"Not authenticated"}`,
    /// `WWW-Authenticate: Bearer`. OpenAPI: `{"type": "http", "scheme": "bearer"}`.
    ///
    /// ```
    /// use fastrs::prelude::*;
    /// use fastrs::security::{HTTPAuthorizationCredentials, HTTPBearer};
    ///
    /// #[get("/me")]
    /// async fn me(creds: Depends<HTTPBearer>) -> Json<HTTPAuthorizationCredentials> {
    ///     Json(creds.into_inner())
    /// }
    ///
    /// let client = TestClient::new(App::new().route(me));
    /// let r = client.get("/me").header("authorization", "Bearer abc").send();
    /// assert_eq!(r.json(), serde_json::json!({"scheme": "Bearer", "credentials": "abc"}));
    /// assert_eq!(client.get("/me").header("authorization", "Bearer").send().status(), 401);
    /// ```
    HTTPBearer<C = ()>: HTTPBearerConfig
}

impl<C: HTTPBearerConfig> SecurityScheme for HTTPBearer<C> {
    type Credentials = HTTPAuthorizationCredentials;
    const CLASS: &'static str = "HTTPBearer";

    fn scheme_name() -> &'static str {
        C::SCHEME_NAME.unwrap_or(Self::CLASS)
    }

    fn scheme() -> Value {
        let mut m = Map::new();
        m.insert("type".into(), "http".into());
        push_opt(&mut m, "description", C::DESCRIPTION);
        m.insert("scheme".into(), "bearer".into());
        push_opt(&mut m, "bearerFormat", C::BEARER_FORMAT);
        Value::Object(m)
    }

    fn authenticate(cx: &RequestContext) -> Outcome<HTTPAuthorizationCredentials> {
        let Some(value) = authorization(cx) else {
            return Outcome::Missing;
        };
        let (scheme, param) = scheme_param(&value);
        if scheme.is_empty() || param.is_empty() || !scheme.eq_ignore_ascii_case("bearer") {
            return Outcome::Missing;
        }
        Outcome::Authenticated(HTTPAuthorizationCredentials {
            scheme: scheme.to_owned(),
            credentials: param.to_owned(),
        })
    }

    fn challenge() -> HttpError {
        not_authenticated("Bearer")
    }
}

marker! {
    /// FastAPI's `HTTPBasic`: [`HTTPBasicCredentials`] from `Authorization:
    /// Basic <base64 of user:password>` (scheme case-insensitive). No header or
    /// another scheme: 401 `{"detail":"Not authenticated"}` with
    /// `WWW-Authenticate: Basic` (`Basic realm="…"` with a realm). Bad base64,
    /// non-ASCII content or no `:`: the same 401, even under [`Optional`]
    /// (as FastAPI). Base64 is decoded as Python's `base64.b64decode`: characters
    /// outside the alphabet are skipped, padding is checked.
    /// OpenAPI: `{"type": "http", "scheme": "basic"}`.
    HTTPBasic<C = ()>: HTTPBasicConfig
}

impl<C: HTTPBasicConfig> SecurityScheme for HTTPBasic<C> {
    type Credentials = HTTPBasicCredentials;
    const CLASS: &'static str = "HTTPBasic";

    fn scheme_name() -> &'static str {
        C::SCHEME_NAME.unwrap_or(Self::CLASS)
    }

    fn scheme() -> Value {
        let mut m = Map::new();
        m.insert("type".into(), "http".into());
        push_opt(&mut m, "description", C::DESCRIPTION);
        m.insert("scheme".into(), "basic".into());
        Value::Object(m)
    }

    fn authenticate(cx: &RequestContext) -> Outcome<HTTPBasicCredentials> {
        let Some(value) = authorization(cx) else {
            return Outcome::Missing;
        };
        let (scheme, param) = scheme_param(&value);
        if !scheme.eq_ignore_ascii_case("basic") {
            return Outcome::Missing;
        }
        let Some(data) = python_b64decode(param) else {
            return Outcome::Rejected;
        };
        if !data.is_ascii() {
            return Outcome::Rejected;
        }
        let Ok(text) = String::from_utf8(data) else {
            return Outcome::Rejected;
        };
        match text.split_once(':') {
            Some((u, p)) => Outcome::Authenticated(HTTPBasicCredentials {
                username: u.to_owned(),
                password: p.to_owned(),
            }),
            None => Outcome::Rejected,
        }
    }

    fn challenge() -> HttpError {
        match C::REALM {
            Some(realm) => not_authenticated(&format!("Basic realm=\"{realm}\"")),
            None => not_authenticated("Basic"),
        }
    }
}

/// Python's `base64.b64decode(s)` (`binascii.a2b_base64`, not strict):
/// non-ASCII input is an error, characters outside the standard alphabet are
/// skipped, decoding stops at a complete padding, and a truncated quantum is
/// an error.
fn python_b64decode(s: &str) -> Option<Vec<u8>> {
    if !s.is_ascii() {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let mut quad_pos = 0u8;
    let mut left = 0u8;
    let mut pads = 0u8;
    for &c in s.as_bytes() {
        if c == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Some(out);
                }
            }
            continue;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        pads = 0;
        match quad_pos {
            0 => {
                left = v;
                quad_pos = 1;
            }
            1 => {
                out.push((left << 2) | (v >> 4));
                left = v & 0x0f;
                quad_pos = 2;
            }
            2 => {
                out.push((left << 4) | (v >> 2));
                left = v & 0x03;
                quad_pos = 3;
            }
            _ => {
                out.push((left << 6) | v);
                left = 0;
                quad_pos = 0;
            }
        }
    }
    (quad_pos == 0).then_some(out)
}

// ---------------------------------------------------------------------------
// API keys

fn api_key_scheme<C: APIKeyConfig>(location: &str) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), "apiKey".into());
    push_opt(&mut m, "description", C::DESCRIPTION);
    m.insert("in".into(), location.into());
    m.insert("name".into(), C::NAME.into());
    Value::Object(m)
}

fn api_key(v: Option<String>) -> Outcome<String> {
    match v {
        Some(v) if !v.is_empty() => Outcome::Authenticated(v),
        _ => Outcome::Missing,
    }
}

macro_rules! api_key_class {
    ($(#[$attr:meta])* $name:ident, $location:literal, |$cx:ident| $read:expr) => {
        marker! {
            $(#[$attr])*
            $name<C>: APIKeyConfig
        }

        impl<C: APIKeyConfig> SecurityScheme for $name<C> {
            type Credentials = String;
            const CLASS: &'static str = stringify!($name);

            fn scheme_name() -> &'static str {
                C::SCHEME_NAME.unwrap_or(Self::CLASS)
            }

            fn scheme() -> Value {
                api_key_scheme::<C>($location)
            }

            fn authenticate($cx: &RequestContext) -> Outcome<String> {
                api_key($read)
            }

            fn challenge() -> HttpError {
                not_authenticated("APIKey")
            }
        }
    };
}

api_key_class! {
    /// FastAPI's `APIKeyHeader`: the value of header `C::NAME` (the first one,
    /// Latin-1); absent or empty: 401 `{"detail":"Not authenticated"}`,
    /// `WWW-Authenticate: APIKey`. OpenAPI: `{"type": "apiKey", "in": "header", "name": "…"}`.
    APIKeyHeader, "header",
    |cx| cx
        .headers()
        .get(C::NAME)
        .map(|v| v.as_bytes().iter().map(|&b| b as char).collect())
}

api_key_class! {
    /// FastAPI's `APIKeyQuery`: the query parameter `C::NAME` (the last one);
    /// absent or empty: 401 `{"detail":"Not authenticated"}`,
    /// `WWW-Authenticate: APIKey`. OpenAPI: `{"type": "apiKey", "in": "query", "name": "…"}`.
    APIKeyQuery, "query",
    |cx| cx.query_values(C::NAME).last().map(Cow::into_owned)
}

api_key_class! {
    /// FastAPI's `APIKeyCookie`: the cookie `C::NAME`; absent or empty: 401
    /// `{"detail":"Not authenticated"}`, `WWW-Authenticate: APIKey`.
    /// OpenAPI: `{"type": "apiKey", "in": "cookie", "name": "…"}`.
    APIKeyCookie, "cookie",
    |cx| cx.cookie(C::NAME).map(Cow::into_owned)
}

// ---------------------------------------------------------------------------
// auto_error=False

/// Scheme `S` with FastAPI's `auto_error=False`: `None` instead of the 401
/// when no usable credentials were sent (`HTTPBasic` still refuses malformed
/// ones, as FastAPI does). Documented in OpenAPI like `S`.
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::security::{HTTPBearer, Optional};
///
/// #[get("/maybe")]
/// async fn maybe(creds: Depends<Optional<HTTPBearer>>) -> Json<serde_json::Value> {
///     Json(serde_json::json!({"token": creds.as_ref().map(|c| c.credentials.clone())}))
/// }
///
/// let client = TestClient::new(App::new().route(maybe));
/// assert_eq!(client.get("/maybe").send().json(), serde_json::json!({"token": null}));
/// let r = client.get("/maybe").header("authorization", "Bearer t").send();
/// assert_eq!(r.json(), serde_json::json!({"token": "t"}));
/// ```
pub struct Optional<S: SecurityScheme>(PhantomData<fn() -> S>);

impl<S: SecurityScheme> std::fmt::Debug for Optional<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Optional<{}>", S::CLASS)
    }
}

impl<S: SecurityScheme> Dependency for Optional<S> {
    type Output = Option<S::Credentials>;

    fn resolve<'a>(
        cx: &'a mut RequestContext,
        _errors: &'a mut ValidationErrors,
    ) -> impl Future<Output = Result<Option<Self::Output>, Response>> + Send + 'a {
        std::future::ready(match S::authenticate(cx) {
            Outcome::Authenticated(c) => Ok(Some(Some(c))),
            Outcome::Missing => Ok(Some(None)),
            Outcome::Rejected => Err(S::challenge().into_response()),
        })
    }

    fn document(op: &mut Operation) {
        document::<S>(op);
    }
}

// ---------------------------------------------------------------------------
// OAuth2PasswordRequestForm

/// FastAPI's `OAuth2PasswordRequestForm`: the form a client posts to the token
/// URL, read from an `application/x-www-form-urlencoded` or
/// `multipart/form-data` body with [`RequestContext::read_form`] (so it shares
/// the body with `#[form]` parameters). As a dependency it validates like FastAPI:
/// `username` and `password` are required, `grant_type` must be `password`
/// when given, and an empty value counts as absent; errors are 422 with
/// `loc: ["body", field]`. Any other content type reads as an empty form.
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::security::OAuth2PasswordRequestForm;
///
/// #[post("/auth/token")]
/// async fn login(form: Depends<OAuth2PasswordRequestForm>) -> Json<serde_json::Value> {
///     Json(serde_json::json!({"access_token": form.username, "token_type": "bearer"}))
/// }
///
/// let client = TestClient::new(App::new().route(login));
/// let r = client.post("/auth/token").form(&[("username", "ada"), ("password", "pw")]).send();
/// assert_eq!(r.json()["access_token"], "ada");
/// let r = client.post("/auth/token").form(&[("username", "ada"), ("password", "")]).send();
/// assert_eq!(r.status(), 422);
/// assert_eq!(r.json()["detail"][0]["loc"], serde_json::json!(["body", "password"]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OAuth2PasswordRequestForm {
    /// `grant_type`: `Some("password")` or `None`.
    pub grant_type: Option<String>,
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
    /// The `scope` field split at whitespace (FastAPI's `scopes`).
    pub scopes: Vec<String>,
    /// `client_id`.
    pub client_id: Option<String>,
    /// `client_secret`.
    pub client_secret: Option<String>,
}

/// FastAPI's `OAuth2PasswordRequestFormStrict`: the same form with
/// `grant_type` required (it is then always `Some("password")`).
#[derive(Debug, Clone, Copy)]
pub struct OAuth2PasswordRequestFormStrict;

/// The last non-empty value of form field `name` (FastAPI: an empty value is
/// absent), once [`RequestContext::read_form`] ran.
fn form_value(cx: &RequestContext, name: &str) -> Option<String> {
    cx.form_value(name).map(str::to_owned)
}

/// Documents the form's fields as FastAPI does: one
/// `application/x-www-form-urlencoded` request body whose schema is the
/// component `Body_<operation id>`.
fn document_form(op: &mut Operation, strict: bool) {
    macro_rules! spec {
        ($name:literal) => {{
            static SPEC: ParamSpec = ParamSpec {
                name: $name,
                constraints: Constraints::NONE,
                title: None,
                description: None,
                example: None,
                deprecated: false,
                include_in_schema: true,
            };
            &SPEC
        }};
    }
    fn field(
        spec: &'static ParamSpec,
        required: bool,
        schema: SchemaFn,
        default: Option<fn() -> Value>,
    ) -> ParamDoc {
        ParamDoc {
            spec,
            source: Source::Form,
            required,
            schema,
            default,
        }
    }
    let string: SchemaFn = |_| schemars::json_schema!({"type": "string"});
    let optional: SchemaFn =
        |_| schemars::json_schema!({"anyOf": [{"type": "string"}, {"type": "null"}]});
    let grant_type = if strict {
        field(
            spec!("grant_type"),
            true,
            |_| schemars::json_schema!({"type": "string", "pattern": "^password$"}),
            None,
        )
    } else {
        field(
            spec!("grant_type"),
            false,
            |_| schemars::json_schema!({"anyOf": [{"type": "string", "pattern": "^password$"}, {"type": "null"}]}),
            None,
        )
    };
    let (password, client_secret): (SchemaFn, SchemaFn) = if strict {
        (string, optional)
    } else {
        (
            |_| schemars::json_schema!({"type": "string", "format": "password"}),
            |_| schemars::json_schema!({"anyOf": [{"type": "string"}, {"type": "null"}], "format": "password"}),
        )
    };
    op.form.extend([
        grant_type,
        field(spec!("username"), true, string, None),
        field(spec!("password"), true, password, None),
        field(spec!("scope"), false, string, Some(|| Value::from(""))),
        field(spec!("client_id"), false, optional, None),
        field(spec!("client_secret"), false, client_secret, None),
    ]);
}

fn parse_form(
    cx: &RequestContext,
    strict: bool,
    errors: &mut ValidationErrors,
) -> Option<OAuth2PasswordRequestForm> {
    let before = errors.len();
    let loc = |f: &'static str| {
        let mut l = Loc::new("body");
        l.push(f);
        l
    };
    let required = |f: &'static str, errors: &mut ValidationErrors| {
        let v = form_value(cx, f);
        if v.is_none() {
            errors.push(&loc(f), Value::Null, Invalid::missing());
        }
        v
    };
    let grant_type = match form_value(cx, "grant_type") {
        Some(g) if g != "password" => {
            errors.push(
                &loc("grant_type"),
                Value::String(g),
                Invalid::new(
                    "string_pattern_mismatch",
                    "String should match pattern '^password$'",
                )
                .with_ctx("pattern", "^password$"),
            );
            None
        }
        Some(g) => Some(g),
        None if strict => required("grant_type", errors),
        None => None,
    };
    let username = required("username", errors);
    let password = required("password", errors);
    if errors.len() != before {
        return None;
    }
    let scope = form_value(cx, "scope").unwrap_or_default();
    Some(OAuth2PasswordRequestForm {
        grant_type,
        username: username?,
        password: password?,
        scopes: scope
            .split(python_space)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        client_id: form_value(cx, "client_id"),
        client_secret: form_value(cx, "client_secret"),
    })
}

impl Dependency for OAuth2PasswordRequestForm {
    type Output = OAuth2PasswordRequestForm;

    async fn resolve(
        cx: &mut RequestContext,
        errors: &mut ValidationErrors,
    ) -> Result<Option<Self::Output>, Response> {
        cx.read_form().await?;
        Ok(parse_form(cx, false, errors))
    }

    fn document(op: &mut Operation) {
        document_form(op, false);
    }
}

impl Dependency for OAuth2PasswordRequestFormStrict {
    type Output = OAuth2PasswordRequestForm;

    async fn resolve(
        cx: &mut RequestContext,
        errors: &mut ValidationErrors,
    ) -> Result<Option<Self::Output>, Response> {
        cx.read_form().await?;
        Ok(parse_form(cx, true, errors))
    }

    fn document(op: &mut Operation) {
        document_form(op, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b64decode_as_python() {
        assert_eq!(python_b64decode("dXNlcjpwYXNz").unwrap(), b"user:pass");
        assert_eq!(python_b64decode("dXNl!cjpwYXNz").unwrap(), b"user:pass");
        assert_eq!(python_b64decode("dXNlcg==").unwrap(), b"user");
        assert_eq!(python_b64decode("dXNlcg==garbage").unwrap(), b"user");
        assert_eq!(python_b64decode("").unwrap(), b"");
        assert!(python_b64decode("dXNlcg").is_none());
        assert!(python_b64decode("dXNlc").is_none());
        assert!(python_b64decode("dXNlcg=").is_none());
        assert!(python_b64decode("é").is_none());
    }

    #[test]
    fn scheme_param_as_fastapi() {
        assert_eq!(scheme_param("Bearer  abc \u{1c}"), ("Bearer", "abc"));
        assert_eq!(scheme_param("Bearer"), ("Bearer", ""));
        assert_eq!(scheme_param("Bearer\tabc"), ("Bearer\tabc", ""));
    }
}
