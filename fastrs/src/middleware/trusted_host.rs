//! Trusted hosts: Starlette's `TrustedHostMiddleware`
//! (FastAPI's `fastapi.middleware.trustedhost`).
//!
//! A request whose `Host` is not one of `allowed_hosts` is answered
//! `400` `text/plain` `Invalid host header`, as is a missing or malformed
//! `Host`. Patterns are exact host names (the port is ignored, case is not
//! significant), `*.example.com` (any subdomain of `example.com`, not
//! `example.com` itself) or `*` (anything; the default). With `www_redirect`
//! (the default), a request for `example.com` when only `www.example.com` is
//! allowed is redirected there (`307`, same path and query).
//!
//! Over HTTP/2, where there is no `Host` header, the request's `:authority`
//! is used (as ASGI servers turn it into `host`).
//!
//! ```
//! use fastrs::prelude::*;
//! use fastrs::trusted_host::TrustedHost;
//!
//! #[get("/")]
//! async fn root() -> Json<serde_json::Value> { Json(serde_json::json!({})) }
//!
//! let hosts = TrustedHost::new(["example.com", "*.example.com"]);
//! let app = App::new().route(root).middleware_boxed(hosts.into_middleware());
//! let client = TestClient::new(app);
//! assert_eq!(client.get("/").header("host", "api.example.com").send().status(), 200);
//! let r = client.get("/").header("host", "evil.com").send();
//! assert_eq!(r.status(), 400);
//! assert_eq!(r.text(), "Invalid host header");
//! ```

use std::sync::{Arc, OnceLock};

use http::header::{HeaderValue, CONTENT_TYPE, HOST, LOCATION};
use http::{Request, StatusCode};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::body::{Body, RequestBody};
use crate::middleware::{Middleware, Next};
use crate::response::Response;

/// Starlette's message for a misplaced `*`.
const ENFORCE_DOMAIN_WILDCARD: &str = "Domain wildcard patterns must be like '*.example.com'.";

/// The allowed hosts, with Starlette's names and defaults.
#[derive(Debug, Clone)]
pub struct TrustedHost {
    /// Host names, `*.domain` patterns, or `*` (the default: any host).
    pub allowed_hosts: Vec<String>,
    /// Redirect `example.com` to `www.example.com` when only the latter is
    /// allowed (default `true`).
    pub www_redirect: bool,
}

impl Default for TrustedHost {
    fn default() -> Self {
        TrustedHost {
            allowed_hosts: vec!["*".into()],
            www_redirect: true,
        }
    }
}

impl TrustedHost {
    /// Allows `hosts` only (`["example.com", "*.example.com"]`), with `www_redirect` on.
    pub fn new<I, S>(hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        TrustedHost {
            allowed_hosts: hosts.into_iter().map(Into::into).collect(),
            www_redirect: true,
        }
    }

    /// Whether to redirect to the `www.` host when only that one is allowed.
    pub fn www_redirect(mut self, yes: bool) -> Self {
        self.www_redirect = yes;
        self
    }

    /// The middleware, for [`App::middleware_boxed`](crate::App::middleware_boxed).
    ///
    /// # Panics
    /// When a pattern has a `*` anywhere but at its start, or starts with `*`
    /// without being `*` or `*.domain` (Starlette's assertion).
    pub fn into_middleware(self) -> Middleware {
        for pattern in &self.allowed_hosts {
            let mut chars = pattern.chars();
            chars.next();
            assert!(!chars.as_str().contains('*'), "{ENFORCE_DOMAIN_WILDCARD}");
            if pattern.starts_with('*') && pattern != "*" {
                assert!(pattern.starts_with("*."), "{ENFORCE_DOMAIN_WILDCARD}");
            }
        }
        let allow_any = self.allowed_hosts.iter().any(|p| p == "*");
        let config = Arc::new(Config {
            allowed_hosts: self
                .allowed_hosts
                .iter()
                .map(|p| p.to_lowercase())
                .collect(),
            www_redirect: self.www_redirect,
        });
        crate::middleware::from_fn(move |req, next: Next| {
            let config = Arc::clone(&config);
            async move {
                if allow_any {
                    return next.run(req).await;
                }
                config.handle(req, next).await
            }
        })
    }
}

struct Config {
    allowed_hosts: Vec<String>,
    www_redirect: bool,
}

/// A `Host` split as Starlette's `parse_host_header` does.
struct ParsedHost<'a> {
    host: &'a str,
    port: Option<&'a str>,
}

/// Starlette's `_HOST_RE` (a reg-name, an IPv6 or IPvFuture literal, an optional port).
fn host_re() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)\A(?P<host>[a-z0-9._~%!$&'()*+,;=-]+|\[(?:(?P<ipv6>[a-f0-9]*:[a-f0-9.:]+)|(?-i:v)[a-f0-9]+\.[a-z0-9._~!$&'()*+,;=:-]+)\])(?::(?P<port>[0-9]+))?\z",
        )
        .expect("a valid regex")
    })
}

fn parse_host(value: &str) -> Option<ParsedHost<'_>> {
    let caps = host_re().captures(value)?;
    if let Some(ipv6) = caps.name("ipv6") {
        ipv6.as_str().parse::<std::net::Ipv6Addr>().ok()?;
    }
    Some(ParsedHost {
        host: caps.name("host")?.as_str(),
        port: caps.name("port").map(|m| m.as_str()),
    })
}

/// Python's `quote(url, safe=":/%#?=@[]!$&'()*+,;")`, as `RedirectResponse` does.
const QUOTE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~')
    .remove(b':')
    .remove(b'/')
    .remove(b'%')
    .remove(b'#')
    .remove(b'?')
    .remove(b'=')
    .remove(b'@')
    .remove(b'[')
    .remove(b']')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';');

fn invalid_host() -> Response {
    let mut r = http::Response::new(Body::from("Invalid host header"));
    *r.status_mut() = StatusCode::BAD_REQUEST;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

impl Config {
    async fn handle(&self, req: Request<RequestBody>, next: Next) -> Response {
        let host_value: Option<String> = match req.headers().get(HOST) {
            Some(v) => v.to_str().ok().map(str::to_owned),
            None => req.uri().authority().map(|a| a.as_str().to_owned()),
        };
        let Some(host_value) = host_value else {
            return invalid_host();
        };
        let Some(parsed) = parse_host(&host_value) else {
            return invalid_host();
        };
        let host = parsed.host.to_lowercase();

        let mut is_valid_host = false;
        let mut found_www_redirect = false;
        for pattern in &self.allowed_hosts {
            if host == *pattern || (pattern.starts_with('*') && host.ends_with(&pattern[1..])) {
                is_valid_host = true;
                break;
            } else if pattern.strip_prefix("www.") == Some(host.as_str()) {
                found_www_redirect = true;
            }
        }

        if is_valid_host {
            next.run(req).await
        } else if found_www_redirect && self.www_redirect {
            self.redirect(&req, &parsed)
        } else {
            invalid_host()
        }
    }

    /// `307` to the same URL on `www.` + the host (Starlette's `URL(scope=scope)`
    /// with its netloc replaced, quoted as `RedirectResponse` quotes).
    fn redirect(&self, req: &Request<RequestBody>, parsed: &ParsedHost<'_>) -> Response {
        let scheme = req.uri().scheme_str().unwrap_or("http");
        let authority = match parsed.port {
            Some(port) => format!("{}:{port}", parsed.host),
            None => parsed.host.to_owned(),
        };
        // The ASGI `path` is the percent-decoded path; Starlette escapes `?`,
        // `#` and `\` in it, then quotes the whole URL.
        let path = percent_encoding::percent_decode_str(req.uri().path())
            .decode_utf8_lossy()
            .replace('?', "%3F")
            .replace('#', "%23")
            .replace('\\', "%5C");
        let mut url = format!("{scheme}://www.{authority}{path}");
        if let Some(q) = req.uri().query().filter(|q| !q.is_empty()) {
            url.push('?');
            url.push_str(q);
        }
        let location = utf8_percent_encode(&url, QUOTE).to_string();
        let mut r = http::Response::new(Body::Empty);
        *r.status_mut() = StatusCode::TEMPORARY_REDIRECT;
        if let Ok(v) = HeaderValue::from_str(&location) {
            r.headers_mut().insert(LOCATION, v);
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_header_parsing() {
        let p = parse_host("Example.COM:8080").unwrap();
        assert_eq!((p.host, p.port), ("Example.COM", Some("8080")));
        assert_eq!(parse_host("[::1]:80").unwrap().host, "[::1]");
        assert!(parse_host("[::zz]").is_none());
        assert!(parse_host("[1::2::3]").is_none());
        assert!(parse_host("a b").is_none());
        assert!(parse_host("example.com:").is_none());
        assert!(parse_host("").is_none());
        assert_eq!(parse_host("[v1.fe]").unwrap().host, "[v1.fe]");
        assert!(parse_host("[V1.fe]").is_none());
    }

    #[test]
    #[should_panic(expected = "Domain wildcard patterns must be like '*.example.com'.")]
    fn wildcard_must_lead_a_domain() {
        let _ = TrustedHost::new(["*example.com"]).into_middleware();
    }

    #[test]
    #[should_panic(expected = "Domain wildcard patterns must be like '*.example.com'.")]
    fn wildcard_only_at_the_start() {
        let _ = TrustedHost::new(["api.*.example.com"]).into_middleware();
    }
}
