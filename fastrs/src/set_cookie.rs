//! Cookies a response sets: Starlette's `Response.set_cookie` and
//! `delete_cookie`, written byte for byte as Starlette writes them.
//!
//! Starlette builds each `Set-Cookie` value with Python's
//! `http.cookies.SimpleCookie`: the value quoted when it holds a character
//! outside the cookie token set (octal escapes inside double quotes), then the
//! attributes in the alphabetical order of their Python names (`Domain`,
//! `expires`, `HttpOnly`, `Max-Age`, `Path`, `SameSite`, `Secure`), with
//! Starlette's defaults `Path=/` and `SameSite=lax`. Clients that compare
//! headers, and tests recorded against FastAPI, see the same bytes; this is
//! why fastrs writes them by hand rather than with the `cookie` crate (whose
//! order and casing differ).

use std::borrow::Cow;

use chrono::{DateTime, Utc};

/// A cookie's `SameSite` attribute (Starlette's `samesite=`), written in
/// lower case as Starlette's literals are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// `SameSite=lax`, Starlette's default.
    Lax,
    /// `SameSite=strict`.
    Strict,
    /// `SameSite=none` (browsers require `Secure` with it).
    None,
}

impl SameSite {
    fn as_str(self) -> &'static str {
        match self {
            SameSite::Lax => "lax",
            SameSite::Strict => "strict",
            SameSite::None => "none",
        }
    }
}

/// A cookie's `expires` attribute, in the three forms Starlette takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expires {
    /// A moment (Python's `datetime`): `Sat, 05 Dec 2026 05:00:00 GMT`.
    At(DateTime<Utc>),
    /// Seconds from now (Python's `int`), written as the date they reach.
    In(i64),
    /// Written as given (Python's `str`).
    Text(Cow<'static, str>),
}

impl From<DateTime<Utc>> for Expires {
    fn from(d: DateTime<Utc>) -> Self {
        Expires::At(d)
    }
}

impl From<i64> for Expires {
    fn from(seconds: i64) -> Self {
        Expires::In(seconds)
    }
}

impl From<&'static str> for Expires {
    fn from(s: &'static str) -> Self {
        Expires::Text(Cow::Borrowed(s))
    }
}

impl From<String> for Expires {
    fn from(s: String) -> Self {
        Expires::Text(Cow::Owned(s))
    }
}

/// One `Set-Cookie` header, with Starlette's options and defaults: `key`,
/// `value` (default empty), `max_age`, `expires`, `path` (default `/`),
/// `domain`, `secure`, `httponly`, `samesite` (default `lax`).
///
/// Set it on a [`Response`](crate::Response) with
/// [`set_cookie`](crate::response::set_cookie), or through the response
/// parameter of a handler or dependency.
///
/// ```
/// use fastrs::set_cookie::{SameSite, SetCookie};
/// let c = SetCookie::new("session", "abc").max_age(3600).httponly(true);
/// assert_eq!(c.to_string(), "session=abc; HttpOnly; Max-Age=3600; Path=/; SameSite=lax");
/// let c = SetCookie::new("pref", "a b").path(None).samesite(Some(SameSite::Strict)).secure(true);
/// assert_eq!(c.to_string(), r#"pref="a b"; SameSite=strict; Secure"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    key: Cow<'static, str>,
    value: Cow<'static, str>,
    max_age: Option<i64>,
    expires: Option<Expires>,
    path: Option<Cow<'static, str>>,
    domain: Option<Cow<'static, str>>,
    secure: bool,
    httponly: bool,
    samesite: Option<SameSite>,
}

impl SetCookie {
    /// `key=value` with Starlette's defaults (`Path=/`, `SameSite=lax`).
    pub fn new(key: impl Into<Cow<'static, str>>, value: impl Into<Cow<'static, str>>) -> Self {
        SetCookie {
            key: key.into(),
            value: value.into(),
            max_age: None,
            expires: None,
            path: Some(Cow::Borrowed("/")),
            domain: None,
            secure: false,
            httponly: false,
            samesite: Some(SameSite::Lax),
        }
    }

    /// What Starlette's `delete_cookie(key)` sends: an empty value with
    /// `Max-Age=0` and an `expires` of now; `path`, `domain`, `secure`,
    /// `httponly` and `samesite` can be set as for any cookie (they must
    /// match the cookie's for the browser to remove it).
    ///
    /// ```
    /// use fastrs::set_cookie::SetCookie;
    /// let v = SetCookie::delete("session").to_string();
    /// assert!(v.starts_with("session=\"\"; expires="));
    /// assert!(v.ends_with(" GMT; Max-Age=0; Path=/; SameSite=lax"));
    /// ```
    pub fn delete(key: impl Into<Cow<'static, str>>) -> Self {
        SetCookie::new(key, "").max_age(0).expires(0)
    }

    /// `Max-Age`, in seconds.
    pub fn max_age(mut self, seconds: i64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// `expires`: a `DateTime<Utc>`, seconds from now (`i64`), or a string
    /// written as is.
    pub fn expires(mut self, e: impl Into<Expires>) -> Self {
        self.expires = Some(e.into());
        self
    }

    /// `Path` (default `/`; `None` sends none, as Starlette's `path=None`).
    pub fn path(mut self, path: impl Into<Option<&'static str>>) -> Self {
        self.path = path.into().map(Cow::Borrowed);
        self
    }

    /// `Path`, from an owned string.
    pub fn path_owned(mut self, path: String) -> Self {
        self.path = Some(Cow::Owned(path));
        self
    }

    /// `Domain`.
    pub fn domain(mut self, domain: impl Into<Cow<'static, str>>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// `Secure`.
    pub fn secure(mut self, yes: bool) -> Self {
        self.secure = yes;
        self
    }

    /// `HttpOnly`.
    pub fn httponly(mut self, yes: bool) -> Self {
        self.httponly = yes;
        self
    }

    /// `SameSite` (default `lax`; `None` sends none).
    pub fn samesite(mut self, s: Option<SameSite>) -> Self {
        self.samesite = s;
        self
    }

    /// The cookie's name.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The header value, or why Python would refuse the cookie (a key with
    /// a character outside the token set, or a value that Latin-1 cannot
    /// encode): Starlette answers 500 then.
    pub fn header_value(&self) -> Result<http::HeaderValue, String> {
        if self.key.is_empty() || !self.key.bytes().all(legal) {
            return Err(format!("illegal cookie key {:?}", self.key));
        }
        if RESERVED.contains(&self.key.to_ascii_lowercase().as_str()) {
            return Err(format!("cookie key {:?} is an attribute name", self.key));
        }
        let text = self.to_string();
        if text.chars().any(|c| c as u32 > 0xff) {
            return Err(format!("cookie {:?} is not Latin-1", self.key));
        }
        // Latin-1: each char one byte, as Starlette encodes it.
        let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
        http::HeaderValue::from_bytes(&bytes).map_err(|e| e.to_string())
    }
}

const RESERVED: &[&str] = &[
    "expires", "path", "comment", "domain", "max-age", "secure", "httponly", "version", "samesite",
];

/// Python's `http.cookies._LegalChars`.
fn legal(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:".contains(&b)
}

/// Python's `http.cookies._quote`.
fn quote(value: &str, out: &mut String) {
    if !value.is_empty() && value.bytes().all(legal) {
        out.push_str(value);
        return;
    }
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_ascii() && (legal(c as u8) || " ()/<=>?@[]{}".contains(c)) => out.push(c),
            c if (c as u32) < 256 => out.push_str(&format!("\\{:03o}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn http_date(d: DateTime<Utc>) -> String {
    d.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

impl std::fmt::Display for SetCookie {
    /// Python's `Morsel.OutputString`: the attributes sorted by their Python
    /// name, empty ones left out.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::with_capacity(64);
        out.push_str(&self.key);
        out.push('=');
        quote(&self.value, &mut out);
        let mut attr = |name: &str, value: Option<&str>| {
            out.push_str("; ");
            out.push_str(name);
            if let Some(v) = value {
                out.push('=');
                out.push_str(v);
            }
        };
        if let Some(d) = self.domain.as_deref().filter(|d| !d.is_empty()) {
            attr("Domain", Some(d));
        }
        match &self.expires {
            Some(Expires::At(d)) => attr("expires", Some(&http_date(*d))),
            Some(Expires::In(s)) => attr(
                "expires",
                Some(&http_date(Utc::now() + chrono::TimeDelta::seconds(*s))),
            ),
            Some(Expires::Text(t)) if !t.is_empty() => attr("expires", Some(t)),
            _ => {}
        }
        if self.httponly {
            attr("HttpOnly", None);
        }
        if let Some(m) = self.max_age {
            attr("Max-Age", Some(&m.to_string()));
        }
        if let Some(p) = self.path.as_deref().filter(|p| !p.is_empty()) {
            attr("Path", Some(p));
        }
        if let Some(s) = self.samesite {
            attr("SameSite", Some(s.as_str()));
        }
        if self.secure {
            attr("Secure", None);
        }
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_as_python() {
        let c = |v: &'static str| SetCookie::new("k", v).path(None).samesite(None).to_string();
        assert_eq!(c(""), "k=\"\"");
        assert_eq!(c("abc!#:~"), "k=abc!#:~");
        assert_eq!(c("a,b;c"), r#"k="a\054b\073c""#);
        assert_eq!(c("say \"hi\" \\"), r#"k="say \"hi\" \\""#);
        assert_eq!(c("é"), "k=\"\\351\"");
        assert!(SetCookie::new("a b", "x").header_value().is_err());
        assert!(SetCookie::new("Path", "x").header_value().is_err());
    }
}
