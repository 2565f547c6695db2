//! The test clients' cookie jar: what httpx's client keeps between requests.
//!
//! A `Set-Cookie` stores or replaces the cookie of that name and path; one
//! that has expired (`Max-Age=0`, or an `Expires` in the past, as
//! Starlette's `delete_cookie` writes) removes it. A request carries the
//! cookies whose path matches its own (RFC 6265 §5.1.4). Domains are not
//! checked: every request goes to the one app under test. Parsing is the
//! `cookie` crate's.

use http::HeaderMap;

#[derive(Debug, Clone)]
struct Stored {
    name: String,
    value: String,
    path: String,
}

/// The cookies a test client keeps.
#[derive(Debug, Default)]
pub(crate) struct Jar {
    cookies: Vec<Stored>,
}

impl Jar {
    /// Takes the response's `Set-Cookie` headers into account; `path` is the
    /// request's path (the default cookie path comes from it).
    pub(crate) fn store(&mut self, headers: &HeaderMap, path: &str) {
        for v in headers.get_all(http::header::SET_COOKIE) {
            let Ok(text) = v.to_str() else { continue };
            let Ok(c) = cookie::Cookie::parse(text) else {
                continue;
            };
            let cookie_path = match c.path() {
                Some(p) if p.starts_with('/') => p.to_owned(),
                _ => default_path(path),
            };
            self.cookies
                .retain(|s| !(s.name == c.name() && s.path == cookie_path));
            let expired = c.max_age().is_some_and(|a| a.is_zero() || a.is_negative())
                || c.expires_datetime()
                    .is_some_and(|t| t <= cookie::time::OffsetDateTime::now_utc());
            if !expired {
                self.cookies.push(Stored {
                    name: c.name().to_owned(),
                    value: c.value().to_owned(),
                    path: cookie_path,
                });
            }
        }
    }

    /// The `Cookie` header for a request to `path`, if any cookie matches.
    pub(crate) fn header_for(&self, path: &str) -> Option<String> {
        let mut out = String::new();
        for c in self.cookies.iter().filter(|c| path_matches(path, &c.path)) {
            if !out.is_empty() {
                out.push_str("; ");
            }
            out.push_str(&c.name);
            out.push('=');
            out.push_str(&c.value);
        }
        (!out.is_empty()).then_some(out)
    }

    /// The value of cookie `name` (the first stored, whatever its path).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.value.as_str())
    }

    /// Forgets every cookie.
    pub(crate) fn clear(&mut self) {
        self.cookies.clear();
    }
}

/// RFC 6265 §5.1.4's default path: the request path up to its last `/`.
fn default_path(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(i) => path[..i].to_owned(),
    }
}

/// RFC 6265 §5.1.4's path-match.
fn path_matches(request: &str, cookie: &str) -> bool {
    request == cookie
        || (request.starts_with(cookie)
            && (cookie.ends_with('/') || request[cookie.len()..].starts_with('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(jar: &mut Jar, path: &str, cookies: &[&str]) {
        let mut h = HeaderMap::new();
        for c in cookies {
            h.append(http::header::SET_COOKIE, c.parse().unwrap());
        }
        jar.store(&h, path);
    }

    #[test]
    fn stores_replaces_and_deletes() {
        let mut jar = Jar::default();
        set(
            &mut jar,
            "/login",
            &["session=a; Path=/; SameSite=lax", "theme=dark; Path=/"],
        );
        assert_eq!(
            jar.header_for("/items").as_deref(),
            Some("session=a; theme=dark")
        );
        set(&mut jar, "/login", &["session=b; Path=/"]);
        assert_eq!(jar.get("session"), Some("b"));
        // Starlette's delete_cookie
        set(
            &mut jar,
            "/logout",
            &[
                r#"session=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=lax"#,
            ],
        );
        assert_eq!(jar.get("session"), None);
        assert_eq!(jar.header_for("/").as_deref(), Some("theme=dark"));
    }

    #[test]
    fn paths_match_as_rfc_6265_says() {
        let mut jar = Jar::default();
        set(&mut jar, "/admin/login", &["a=1", "b=2; Path=/api"]);
        assert_eq!(jar.header_for("/admin/users").as_deref(), Some("a=1"));
        assert_eq!(jar.header_for("/administrator"), None);
        assert_eq!(jar.header_for("/api/x").as_deref(), Some("b=2"));
        assert_eq!(jar.header_for("/api").as_deref(), Some("b=2"));
        assert_eq!(jar.header_for("/apis"), None);
    }
}
