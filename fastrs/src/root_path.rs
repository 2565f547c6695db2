//! `root_path`: an app served under a path prefix by a proxy, FastAPI's
//! "Behind a Proxy" page.
//!
//! A proxy may publish the app under a prefix (`https://example.com/api/v1/…`)
//! and strip it before passing the request on (`/app`). The app then needs
//! to know the prefix for what it tells the outside: the OpenAPI document's
//! `servers` (so that the docs pages send their requests through the
//! proxy), `request.url_for(…)` and `request.base_url()`, and its
//! redirects. As in FastAPI, the prefix comes from one of two places:
//!
//! - the server ([`Config::root_path`](crate::server::Config::root_path),
//!   env `ROOT_PATH`; uvicorn's `--root-path`): requests arrive without the
//!   prefix, which uvicorn puts back in front of the request's URL
//!   (`request.url()` is `…/api/v1/app`; `/api/v1/app` itself is a 404);
//! - the app ([`App::root_path`]; FastAPI's `FastAPI(root_path=…)`):
//!   requests are routed with or without the prefix (Starlette strips it
//!   when the path starts with it), and `request.url()` is the path received.
//!
//! When both are set the app's wins. The OpenAPI document served at
//! `/openapi.json` lists the prefix first in its `servers` (unless
//! [`App::root_path_in_servers(false)`](App::root_path_in_servers) or it is
//! already listed). The docs pages link to the document relatively
//! (`./openapi.json`), which resolves to the same URL as FastAPI's absolute
//! `/api/v1/openapi.json` when the page is reached through the proxy, and
//! also works when it is reached directly. Checked against FastAPI and
//! uvicorn in `tests/fastapi_root_path/`.
//!
//! ```
//! use fastrs::prelude::*;
//!
//! #[get("/app")]
//! async fn read_main(request: Request) -> Json<serde_json::Value> {
//!     Json(serde_json::json!({"message": "Hello World", "root_path": request.root_path()}))
//! }
//!
//! let client = TestClient::new(App::new().root_path("/api/v1").route(read_main));
//! let expected = serde_json::json!({"message": "Hello World", "root_path": "/api/v1"});
//! assert_eq!(client.get("/app").send().json(), expected);
//! assert_eq!(client.get("/api/v1/app").send().json(), expected);
//! assert_eq!(client.get("/openapi.json").send().json()["servers"][0]["url"], "/api/v1");
//! ```

use crate::app::App;

/// The prefix an app is served under, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RootPath {
    /// Without a trailing `/` (never empty).
    pub(crate) path: String,
    /// From the server (uvicorn's `--root-path`): part of the request's URL
    /// and of redirects; routing ignores it. Else from the app: stripped
    /// from request paths that start with it before routing.
    pub(crate) from_server: bool,
}

impl RootPath {
    /// `path` without its trailing `/`, or `None` when that leaves nothing.
    pub(crate) fn new(path: &str, from_server: bool) -> Option<RootPath> {
        let path = path.trim_end_matches('/');
        (!path.is_empty()).then(|| RootPath {
            path: path.to_owned(),
            from_server,
        })
    }

    /// The path to route (Starlette's `get_route_path`): the app's root path
    /// cut from the front of `path` when `path` starts with it as whole
    /// segments; `path` as it is otherwise.
    pub(crate) fn route_path<'p>(&self, path: &'p str) -> &'p str {
        if self.from_server {
            return path;
        }
        match path.strip_prefix(self.path.as_str()) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
            _ => path,
        }
    }
}

impl App {
    /// The path prefix a proxy serves the app under (FastAPI's
    /// `FastAPI(root_path="/api/v1")`): see [`crate::root_path`].
    pub fn root_path(mut self, path: impl AsRef<str>) -> Self {
        self.meta.root_path = RootPath::new(path.as_ref(), false);
        self
    }

    /// Whether the root path is listed first in the OpenAPI document's
    /// `servers` (default on; FastAPI's `root_path_in_servers`).
    pub fn root_path_in_servers(mut self, yes: bool) -> Self {
        self.meta.root_path_in_servers = yes;
        self
    }

    /// The root path in effect: the app's, else the server's.
    pub(crate) fn effective_root_path(&self) -> Option<&RootPath> {
        self.meta
            .root_path
            .as_ref()
            .or(self.meta.server_root_path.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::RootPath;

    #[test]
    fn route_path_strips_whole_segments_of_the_apps_root_path_only() {
        let app = RootPath::new("/api/v1/", false).unwrap();
        assert_eq!(app.path, "/api/v1");
        assert_eq!(app.route_path("/api/v1/app"), "/app");
        assert_eq!(app.route_path("/api/v1"), "");
        assert_eq!(app.route_path("/api/v10/app"), "/api/v10/app");
        assert_eq!(app.route_path("/app"), "/app");
        let server = RootPath::new("/api/v1", true).unwrap();
        assert_eq!(server.route_path("/api/v1/app"), "/api/v1/app");
        assert_eq!(RootPath::new("/", false), None);
    }
}
