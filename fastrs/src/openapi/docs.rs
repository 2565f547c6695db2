//! Interactive documentation pages: Swagger UI at `/docs` and ReDoc at
//! `/redoc`, as FastAPI serves them.
//!
//! The pages work with no internet: their JavaScript and CSS are embedded in
//! the binary, vendored in `fastrs/assets/` with their licenses, versions
//! and checksums (see the README there): the four files `/docs` needs from
//! Swagger UI 5.32.6 and ReDoc 2.5.4's standalone bundle (stable releases,
//! the npm packages' files unchanged). The scripts and the stylesheet are
//! stored gzip-compressed (0.8 MB in the binary instead of 2.9 MB: no
//! maintained crate ships a stable ReDoc, and `utoipa-swagger-ui-vendored`
//! embeds Swagger UI's whole 1.8 MB release zip for these 0.44 MB), so a
//! client accepting gzip gets the stored bytes with no compression at run
//! time; the plain answer is inflated once with `flate2` at the first request
//! for the file and kept in memory. Each is served as its own asset, so the
//! pages themselves stay small and the bundles are cached by the browser.
//!
//! Cargo features: `swagger-ui` embeds Swagger UI and `redoc` embeds ReDoc
//! (both on by default, 0.44 and 0.33 MB of the binary). Without one,
//! [`DocsAssets::Embedded`] serves no route for that page (its URL answers
//! 404, as if it were set to `None`), while [`DocsAssets::Cdn`] serves the
//! page as FastAPI does, from the CDN, with nothing embedded.
//!
//! Asset links in the pages are relative to the page, computed from the
//! page's path, so the docs also work when the app is mounted under a prefix
//! behind a proxy. Assets carry an `ETag` and answer `If-None-Match` with a
//! 304. [`DocsAssets::Cdn`] keeps FastAPI's behaviour instead: the pages load
//! Swagger UI and ReDoc from jsDelivr (and ReDoc's fonts from Google Fonts);
//! the OAuth2 redirect page is still served locally.

// With neither embedded UI, the asset machinery below (Asset, ETag, gzip) is
// unused; it is kept compiled rather than split behind more `cfg`s.
#![cfg_attr(not(any(feature = "swagger-ui", feature = "redoc")), allow(dead_code))]

#[cfg(any(feature = "swagger-ui", feature = "redoc"))]
use std::sync::OnceLock;

use bytes::Bytes;
use http::header::{
    HeaderMap, HeaderValue, ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG,
    IF_NONE_MATCH, VARY,
};
use http::{Method, StatusCode};

use crate::body::Body;
use crate::response::Response;
use crate::routing::Route;

/// Where the docs pages load their assets from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DocsAssets {
    /// From the app itself, out of the binary: works offline (the default).
    /// Needs the cargo features `swagger-ui` (for `/docs`) and `redoc` (for
    /// `/redoc`); a page whose feature is off is not served.
    #[default]
    Embedded,
    /// From the jsDelivr CDN, as FastAPI does: a smaller answer from the app,
    /// but the browser needs the internet.
    Cdn,
}

/// Swagger UI's bundle on the CDN (FastAPI's default).
pub const SWAGGER_JS_CDN: &str =
    "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js";
/// Swagger UI's stylesheet on the CDN (FastAPI's default).
pub const SWAGGER_CSS_CDN: &str = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css";
/// Swagger UI's favicon on the CDN.
pub const SWAGGER_FAVICON_CDN: &str =
    "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/favicon-32x32.png";
/// The script of Swagger UI's OAuth2 redirect page on the CDN (used only
/// without the cargo feature `swagger-ui`; FastAPI inlines the same file).
pub const SWAGGER_OAUTH2_REDIRECT_CDN: &str =
    "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/oauth2-redirect.js";
/// ReDoc's standalone bundle on the CDN (FastAPI's default).
pub const REDOC_JS_CDN: &str = "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js";

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
#[cfg(feature = "swagger-ui")]
const CSS: &str = "text/css; charset=utf-8";
#[cfg(feature = "swagger-ui")]
const PNG: &str = "image/png";
/// Assets revalidate on every load (a 304 through their `ETag`), so an
/// upgraded bundle is never served stale.
const ASSET_CACHE: &str = "no-cache";

/// The routes serving Swagger UI at `docs_url` for the OpenAPI document at
/// `openapi_url`, titled `title` (FastAPI passes `"{app title} - Swagger UI"`).
///
/// Besides the page: `{docs_url}/oauth2-redirect`, the page Swagger UI's
/// OAuth2 flows return to, and, with [`DocsAssets::Embedded`],
/// `{docs_url}/assets/swagger-ui-bundle.js`, `swagger-ui.css` and
/// `favicon.png`. None appears in the OpenAPI document.
///
/// Without the cargo feature `swagger-ui`, [`DocsAssets::Embedded`] gives no
/// route at all (the page answers 404) and [`DocsAssets::Cdn`] gives the page
/// and an OAuth2 redirect page that loads its script from the CDN too.
///
/// ```
/// use fastrs::docs::{swagger_ui_routes, DocsAssets};
/// let mut app = fastrs::App::new().docs_url(None);
/// for r in swagger_ui_routes("/api/docs", "/openapi.json", "API - Swagger UI", DocsAssets::Embedded) {
///     app = app.route(r);
/// }
/// let client = fastrs::TestClient::new(app);
/// let page = client.get("/api/docs").send();
/// assert!(page.text().contains(r#"url: "../openapi.json""#));
/// assert!(page.text().contains("./docs/assets/swagger-ui-bundle.js"));
/// assert_eq!(client.get("/api/docs/assets/swagger-ui-bundle.js").send().status(), 200);
/// ```
pub fn swagger_ui_routes(
    docs_url: &str,
    openapi_url: &str,
    title: &str,
    assets: DocsAssets,
) -> Vec<Route> {
    if assets == DocsAssets::Embedded && !cfg!(feature = "swagger-ui") {
        return Vec::new();
    }
    let docs_url = normalize(docs_url);
    let base = docs_url.trim_end_matches('/');
    let asset_path = |file: &str| format!("{base}/assets/{file}");
    let (js, css, favicon) = match assets {
        DocsAssets::Embedded => (
            relative(&docs_url, &asset_path("swagger-ui-bundle.js")),
            relative(&docs_url, &asset_path("swagger-ui.css")),
            relative(&docs_url, &asset_path("favicon.png")),
        ),
        DocsAssets::Cdn => (
            SWAGGER_JS_CDN.to_owned(),
            SWAGGER_CSS_CDN.to_owned(),
            SWAGGER_FAVICON_CDN.to_owned(),
        ),
    };
    let redirect = relative(&docs_url, &format!("{base}/oauth2-redirect"));
    let page = swagger_ui_html(
        &js,
        &css,
        &favicon,
        &relative(&docs_url, openapi_url),
        &redirect,
        title,
    );

    #[allow(unused_mut)] // without the embedded assets, only the pages
    let mut routes = vec![
        html_route(&docs_url, Bytes::from(page), "swagger_ui_html"),
        Route::new(Method::GET, format!("{base}/oauth2-redirect"), |_cx| {
            std::future::ready(page_response(oauth2_redirect_html()))
        })
        .name("swagger_ui_redirect")
        .include_in_schema(false),
    ];
    #[cfg(feature = "swagger-ui")]
    if assets == DocsAssets::Embedded {
        let files: [(&str, PickAsset); 3] = [
            ("swagger-ui-bundle.js", |f| &f.bundle),
            ("swagger-ui.css", |f| &f.css),
            ("favicon.png", |f| &f.favicon),
        ];
        for (file, pick) in files {
            routes.push(
                Route::new(Method::GET, asset_path(file), move |cx| {
                    std::future::ready(pick(swagger_files()).respond(cx.headers()))
                })
                .name("swagger_ui_asset")
                .include_in_schema(false),
            );
        }
    }
    routes
}

/// The routes serving ReDoc at `redoc_url` for the OpenAPI document at
/// `openapi_url`, titled `title` (FastAPI passes `"{app title} - ReDoc"`).
///
/// With [`DocsAssets::Embedded`], also `{redoc_url}/assets/redoc.standalone.js`
/// and (with the cargo feature `swagger-ui`, whose favicon it is)
/// `{redoc_url}/assets/favicon.png`. None appears in the OpenAPI document.
///
/// Without the cargo feature `redoc`, [`DocsAssets::Embedded`] gives no route
/// at all (the page answers 404) and [`DocsAssets::Cdn`] gives the page.
pub fn redoc_routes(
    redoc_url: &str,
    openapi_url: &str,
    title: &str,
    assets: DocsAssets,
) -> Vec<Route> {
    if assets == DocsAssets::Embedded && !cfg!(feature = "redoc") {
        return Vec::new();
    }
    let redoc_url = normalize(redoc_url);
    let base = redoc_url.trim_end_matches('/');
    let asset_path = |file: &str| format!("{base}/assets/{file}");
    let spec = relative(&redoc_url, openapi_url);
    let page = match assets {
        DocsAssets::Embedded => redoc_html(
            &relative(&redoc_url, &asset_path("redoc.standalone.js")),
            cfg!(feature = "swagger-ui")
                .then(|| relative(&redoc_url, &asset_path("favicon.png")))
                .as_deref(),
            &spec,
            title,
            false,
        ),
        DocsAssets::Cdn => redoc_html(REDOC_JS_CDN, Some(SWAGGER_FAVICON_CDN), &spec, title, true),
    };
    #[allow(unused_mut)] // without the embedded assets, only the page
    let mut routes = vec![html_route(&redoc_url, Bytes::from(page), "redoc_html")];
    #[cfg(feature = "redoc")]
    if assets == DocsAssets::Embedded {
        routes.push(
            Route::new(Method::GET, asset_path("redoc.standalone.js"), |cx| {
                std::future::ready(redoc_js().respond(cx.headers()))
            })
            .name("redoc_asset")
            .include_in_schema(false),
        );
    }
    #[cfg(feature = "swagger-ui")]
    if assets == DocsAssets::Embedded {
        routes.push(
            Route::new(Method::GET, asset_path("favicon.png"), |cx| {
                std::future::ready(swagger_files().favicon.respond(cx.headers()))
            })
            .name("redoc_asset")
            .include_in_schema(false),
        );
    }
    routes
}

/// FastAPI's `get_swagger_ui_html`, with the given asset and document URLs.
fn swagger_ui_html(
    js: &str,
    css: &str,
    favicon: &str,
    openapi_url: &str,
    redirect: &str,
    title: &str,
) -> String {
    format!(
        r##"<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<link type="text/css" rel="stylesheet" href="{css}">
<link rel="shortcut icon" href="{favicon}">
<title>{title}</title>
</head>
<body>
<div id="swagger-ui">
</div>
<script src="{js}"></script>
<!-- `SwaggerUIBundle` is now available on the page -->
<script>
const ui = SwaggerUIBundle({{
    url: {url},
    "dom_id": "#swagger-ui",
    "layout": "BaseLayout",
    "deepLinking": true,
    "showExtensions": true,
    "showCommonExtensions": true,
    oauth2RedirectUrl: new URL({redirect}, window.location.href).href,
    presets: [
        SwaggerUIBundle.presets.apis,
        SwaggerUIBundle.SwaggerUIStandalonePreset
    ],
}})
</script>
</body>
</html>
"##,
        css = attr(css),
        favicon = attr(favicon),
        js = attr(js),
        title = text(title),
        url = js_string(openapi_url),
        redirect = js_string(redirect),
    )
}

/// FastAPI's `get_redoc_html`; Google Fonts only when loading from the CDN.
fn redoc_html(
    js: &str,
    favicon: Option<&str>,
    openapi_url: &str,
    title: &str,
    fonts: bool,
) -> String {
    let fonts = if fonts {
        "<link href=\"https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700\" rel=\"stylesheet\">\n"
    } else {
        ""
    };
    format!(
        r#"<!DOCTYPE html>
<html>
<head>
<title>{title}</title>
<!-- needed for adaptive design -->
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1">
{fonts}{favicon}<!--
ReDoc doesn't change outer page styles
-->
<style>
  body {{
    margin: 0;
    padding: 0;
  }}
</style>
</head>
<body>
<noscript>
    ReDoc requires Javascript to function. Please enable it to browse the documentation.
</noscript>
<redoc spec-url="{url}"></redoc>
<script src="{js}"> </script>
</body>
</html>
"#,
        title = text(title),
        favicon = favicon.map_or(String::new(), |f| format!(
            "<link rel=\"shortcut icon\" href=\"{}\">\n",
            attr(f)
        )),
        url = attr(openapi_url),
        js = attr(js),
    )
}

fn html_route(path: &str, page: Bytes, name: &'static str) -> Route {
    Route::new(Method::GET, path.to_owned(), move |_cx| {
        std::future::ready(page_response(page.clone()))
    })
    .name(name)
    .include_in_schema(false)
}

fn page_response(page: Bytes) -> Response {
    let mut r = http::Response::new(Body::Full(page));
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(HTML));
    r
}

/// One served file, kept in memory plain and, when vendored compressed
/// (the text files), gzip-compressed too.
///
/// Every text asset is vendored gzip-compressed, so no gzip encoder is
/// needed here: none is linked into an app's binary for the docs pages
/// (deflate's code is linked only with the gzip middleware).
struct Asset {
    content_type: &'static str,
    plain: Bytes,
    /// The vendored gzip form, served to clients that accept gzip.
    gzip: Option<Bytes>,
    etag: HeaderValue,
}

impl Asset {
    fn new(content_type: &'static str, plain: Bytes, gzip: Option<Bytes>, crc: u32) -> Self {
        let etag = HeaderValue::try_from(format!("\"{crc:08x}-{:x}\"", plain.len()))
            .expect("an ASCII ETag");
        Asset {
            content_type,
            plain,
            gzip,
            etag,
        }
    }

    fn respond(&self, headers: &HeaderMap) -> Response {
        let mut r = if if_none_match(headers, &self.etag) {
            let mut r = http::Response::new(Body::Empty);
            *r.status_mut() = StatusCode::NOT_MODIFIED;
            r
        } else {
            let gzip = if accepts_gzip(headers) {
                self.gzip.as_ref()
            } else {
                None
            };
            let mut r = http::Response::new(Body::Full(gzip.unwrap_or(&self.plain).clone()));
            if gzip.is_some() {
                r.headers_mut()
                    .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            r.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(self.content_type));
            r
        };
        let h = r.headers_mut();
        h.insert(ETAG, self.etag.clone());
        h.insert(CACHE_CONTROL, HeaderValue::from_static(ASSET_CACHE));
        h.insert(VARY, HeaderValue::from_static("accept-encoding"));
        r
    }
}

/// Whether `accept-encoding` allows gzip (present, and not with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            (coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip"))
                && !parts.any(|p| {
                    let p = p.trim();
                    p.get(..2).is_some_and(|k| k.eq_ignore_ascii_case("q="))
                        && p[2..].trim().parse::<f32>().is_ok_and(|q| q <= 0.0)
                })
        })
}

fn if_none_match(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let etag = etag.as_bytes();
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.trim_start_matches("W/").as_bytes() == etag)
}

/// Chooses one file of [`SwaggerFiles`].
#[cfg(feature = "swagger-ui")]
type PickAsset = fn(&SwaggerFiles) -> &Asset;

/// The OAuth2 redirect page: Swagger UI's own script inlined, as FastAPI
/// inlines it.
#[cfg(feature = "swagger-ui")]
fn oauth2_redirect_html() -> Bytes {
    swagger_files().oauth2_redirect_html.clone()
}

/// The OAuth2 redirect page, without the embedded Swagger UI: its script
/// from the CDN, the same file FastAPI's page inlines.
#[cfg(not(feature = "swagger-ui"))]
fn oauth2_redirect_html() -> Bytes {
    Bytes::from(format!(
        "<!doctype html>\n<html lang=\"en-US\">\n<head>\n<title>Swagger UI: OAuth2 Redirect</title>\n</head>\n<body>\n<script src=\"{SWAGGER_OAUTH2_REDIRECT_CDN}\"></script>\n</body>\n</html>\n"
    ))
}

/// The Swagger UI files the pages use (`fastrs/assets/swagger-ui/`).
#[cfg(feature = "swagger-ui")]
struct SwaggerFiles {
    bundle: Asset,
    css: Asset,
    favicon: Asset,
    oauth2_redirect_html: Bytes,
}

#[cfg(feature = "swagger-ui")]
fn swagger_files() -> &'static SwaggerFiles {
    static FILES: OnceLock<SwaggerFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        let redirect_js = include_str!("../../assets/swagger-ui/oauth2-redirect.js");
        let favicon: &'static [u8] = include_bytes!("../../assets/swagger-ui/favicon-32x32.png");
        let mut crc = flate2::Crc::new();
        crc.update(favicon);
        SwaggerFiles {
            bundle: gzipped_asset(
                JS,
                include_bytes!("../../assets/swagger-ui/swagger-ui-bundle.js.gz"),
            ),
            css: gzipped_asset(
                CSS,
                include_bytes!("../../assets/swagger-ui/swagger-ui.css.gz"),
            ),
            favicon: Asset::new(PNG, Bytes::from_static(favicon), None, crc.sum()),
            oauth2_redirect_html: Bytes::from(format!(
                "<!doctype html>\n<html lang=\"en-US\">\n<head>\n<title>Swagger UI: OAuth2 Redirect</title>\n</head>\n<body>\n<script>\n{}\n</script>\n</body>\n</html>\n",
                redirect_js.replace("</", "<\\/")
            )),
        }
    })
}

/// ReDoc's standalone bundle (`fastrs/assets/redoc/`).
#[cfg(feature = "redoc")]
fn redoc_js() -> &'static Asset {
    static JS_ASSET: OnceLock<Asset> = OnceLock::new();
    JS_ASSET.get_or_init(|| {
        gzipped_asset(
            JS,
            include_bytes!("../../assets/redoc/redoc.standalone.js.gz"),
        )
    })
}

/// A vendored file stored gzip-compressed: these bytes for clients accepting
/// gzip, inflated once for the others; the ETag from the gzip trailer's
/// CRC-32 of the content.
#[cfg(any(feature = "swagger-ui", feature = "redoc"))]
fn gzipped_asset(content_type: &'static str, gz: &'static [u8]) -> Asset {
    use std::io::Read;
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut plain)
        .expect("a vendored asset is valid gzip");
    let crc = gz
        .len()
        .checked_sub(8)
        .and_then(|at| gz.get(at..at + 4))
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(u32::from_le_bytes)
        .expect("a gzip trailer");
    Asset::new(
        content_type,
        Bytes::from(plain),
        Some(Bytes::from_static(gz)),
        crc,
    )
}

/// `target` (an absolute path) as a link relative to the page at `page`, so
/// that the link keeps working when a proxy mounts the app under a prefix.
/// Anything but an absolute path (a full URL) is returned as is.
fn relative(page: &str, target: &str) -> String {
    if !target.starts_with('/') || target.starts_with("//") {
        return target.to_owned();
    }
    let dir: Vec<&str> = page[..page.rfind('/').unwrap_or(0)]
        .split('/')
        .skip(1)
        .collect();
    let segs: Vec<&str> = target.split('/').skip(1).collect();
    let common = dir
        .iter()
        .zip(&segs[..segs.len() - 1])
        .take_while(|(a, b)| a == b)
        .count();
    let up = dir.len() - common;
    let rest = segs[common..].join("/");
    if up == 0 {
        format!("./{rest}")
    } else {
        format!("{}{rest}", "../".repeat(up))
    }
}

fn normalize(path: &str) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    }
}

/// `s` escaped for an HTML attribute value in double quotes.
fn attr(s: &str) -> String {
    text(s).replace('"', "&quot;")
}

/// `s` escaped for HTML text.
fn text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `s` as a JavaScript string literal that cannot close its `<script>`.
fn js_string(s: &str) -> String {
    serde_json::to_string(s)
        .expect("a string serializes")
        .replace("</", "<\\/")
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::{App, TestClient};

    fn client(docs: &str, redoc: &str, assets: DocsAssets) -> TestClient {
        // The app's own pages off, so these routes are the only ones there.
        let mut app = bare_app().title("Docs Test");
        let routes = swagger_ui_routes(docs, "/openapi.json", "Docs Test - Swagger UI", assets)
            .into_iter()
            .chain(redoc_routes(
                redoc,
                "/openapi.json",
                "Docs Test - ReDoc",
                assets,
            ));
        for r in routes {
            assert!(
                !r.operation().include_in_schema,
                "{} is in the schema",
                r.path()
            );
            app = app.route(r);
        }
        TestClient::new(app)
    }

    fn bare_app() -> App {
        App::new().docs_url(None).redoc_url(None)
    }

    /// The `src`/`href` values of the page, resolved against `page`.
    fn links(page_path: &str, html: &str) -> Vec<String> {
        let mut out = Vec::new();
        for key in ["src=\"", "href=\""] {
            for (i, _) in html.match_indices(key) {
                let rest = &html[i + key.len()..];
                let link = &rest[..rest.find('"').unwrap()];
                out.push(resolve(page_path, link));
            }
        }
        out
    }

    fn resolve(page: &str, link: &str) -> String {
        if link.starts_with("http") {
            return link.to_owned();
        }
        let mut segs: Vec<&str> = page.split('/').collect();
        segs.pop();
        for part in link.split('/') {
            match part {
                "." => {}
                ".." => {
                    segs.pop();
                }
                p => segs.push(p),
            }
        }
        segs.join("/")
    }

    fn gunzip(b: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(b)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn relative_links() {
        assert_eq!(relative("/docs", "/openapi.json"), "./openapi.json");
        assert_eq!(relative("/docs", "/docs/assets/a.js"), "./docs/assets/a.js");
        assert_eq!(relative("/api/docs", "/openapi.json"), "../openapi.json");
        assert_eq!(
            relative("/api/v1/docs", "/api/openapi.json"),
            "../openapi.json"
        );
        assert_eq!(
            relative("/api/docs", "/api/docs/assets/a.js"),
            "./docs/assets/a.js"
        );
        assert_eq!(relative("/", "/assets/a.js"), "./assets/a.js");
        assert_eq!(relative("/a/b/docs", "/a/b"), "../b");
        assert_eq!(
            relative("/docs", "https://x.test/o.json"),
            "https://x.test/o.json"
        );
        assert_eq!(resolve("/api/docs", "../openapi.json"), "/openapi.json");
    }

    #[test]
    fn accept_encoding() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            accepts_gzip(&m)
        };
        assert!(h("gzip"));
        assert!(h("gzip, deflate, br, zstd"));
        assert!(h("br;q=1.0, GZIP;q=0.5"));
        assert!(!h("br"));
        assert!(!h("gzip;q=0"));
        assert!(!h("identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    #[cfg(feature = "swagger-ui")]
    fn swagger_ui_page_and_assets() {
        let c = client("/docs", "/redoc", DocsAssets::Embedded);
        let page = c.get("/docs").send();
        assert_eq!(page.status(), 200);
        assert_eq!(page.header("content-type"), Some(HTML));
        let html = page.text();
        assert!(html.contains("<title>Docs Test - Swagger UI</title>"));
        assert!(html.contains("url: \"./openapi.json\""));
        assert!(html.contains("\"layout\": \"BaseLayout\""));
        assert!(html.contains("new URL(\"./docs/oauth2-redirect\", window.location.href)"));
        assert!(!html.contains("https://"), "no CDN link in embedded mode");
        let links = links("/docs", &html);
        assert_eq!(
            links,
            [
                "/docs/assets/swagger-ui-bundle.js",
                "/docs/assets/swagger-ui.css",
                "/docs/assets/favicon.png"
            ]
        );
        for (link, ct) in links.iter().zip([JS, CSS, PNG]) {
            let r = c.get(link).send();
            assert_eq!(r.status(), 200, "{link}");
            assert_eq!(r.header("content-type"), Some(ct), "{link}");
            assert_eq!(r.header("content-encoding"), None, "{link}");
            assert_eq!(r.header("cache-control"), Some(ASSET_CACHE));
            assert!(r.header("etag").is_some());
        }
        let js = c.get("/docs/assets/swagger-ui-bundle.js").send();
        assert!(js.bytes().len() > 1_000_000);
        assert!(js.text().contains("SwaggerUIBundle"));

        // gzip when asked: the same bytes, about a third of the size.
        let gz = c
            .get("/docs/assets/swagger-ui-bundle.js")
            .header("accept-encoding", "gzip, br")
            .send();
        assert_eq!(gz.status(), 200);
        assert_eq!(gz.header("content-encoding"), Some("gzip"));
        assert_eq!(gz.header("vary"), Some("accept-encoding"));
        assert!(gz.bytes().len() < js.bytes().len() / 2);
        assert_eq!(gunzip(gz.bytes()), js.bytes().as_ref());
        let css = c
            .get("/docs/assets/swagger-ui.css")
            .header("accept-encoding", "gzip")
            .send();
        assert_eq!(css.header("content-encoding"), Some("gzip"));
        assert!(String::from_utf8(gunzip(css.bytes()))
            .unwrap()
            .contains(".swagger-ui"));
        // No gzip for an image.
        let png = c
            .get("/docs/assets/favicon.png")
            .header("accept-encoding", "gzip")
            .send();
        assert_eq!(png.header("content-encoding"), None);
        assert!(png.bytes().starts_with(b"\x89PNG"));

        // Revalidation.
        let etag = js.header("etag").unwrap().to_owned();
        let r = c
            .get("/docs/assets/swagger-ui-bundle.js")
            .header("if-none-match", &etag)
            .send();
        assert_eq!(r.status(), 304);
        assert!(r.bytes().is_empty());
        // HEAD, as for any GET route.
        let r = c.head("/docs/assets/swagger-ui.css").send();
        assert_eq!(r.status(), 200);
        assert!(r.bytes().is_empty());
    }

    #[test]
    #[cfg(feature = "swagger-ui")]
    fn oauth2_redirect_page() {
        let c = client("/docs", "/redoc", DocsAssets::Embedded);
        let r = c.get("/docs/oauth2-redirect").send();
        assert_eq!(r.status(), 200);
        assert_eq!(r.header("content-type"), Some(HTML));
        let html = r.text();
        assert!(html.contains("window.opener.swaggerUIRedirectOauth2"));
        assert!(!html.contains("src="), "the script is inline");
    }

    #[test]
    #[cfg(all(feature = "swagger-ui", feature = "redoc"))]
    fn redoc_page_and_bundle() {
        let c = client("/docs", "/redoc", DocsAssets::Embedded);
        let page = c.get("/redoc").send();
        assert_eq!(page.status(), 200);
        assert_eq!(page.header("content-type"), Some(HTML));
        let html = page.text();
        assert!(html.contains("<title>Docs Test - ReDoc</title>"));
        assert!(html.contains("<redoc spec-url=\"./openapi.json\"></redoc>"));
        assert!(
            !html.contains("https://"),
            "no CDN or font link in embedded mode"
        );
        let links = links("/redoc", &html);
        assert_eq!(
            links,
            [
                "/redoc/assets/redoc.standalone.js",
                "/redoc/assets/favicon.png"
            ]
        );
        let js = c.get(&links[0]).send();
        assert_eq!(js.status(), 200);
        assert_eq!(js.header("content-type"), Some(JS));
        assert!(js.text().starts_with("/*!"));
        assert!(js.text().contains("Redoc"));
        assert_eq!(
            gunzip(include_bytes!("../../assets/redoc/redoc.standalone.js.gz")),
            js.bytes().as_ref(),
            "the vendored file, unchanged"
        );
        let gz = c.get(&links[0]).header("accept-encoding", "gzip").send();
        assert_eq!(gz.header("content-encoding"), Some("gzip"));
        assert!(gz.bytes().len() < js.bytes().len() / 2);
        assert_eq!(gunzip(gz.bytes()), js.bytes().as_ref());
        assert_eq!(c.get(&links[1]).send().header("content-type"), Some(PNG));
    }

    #[test]
    #[cfg(all(feature = "swagger-ui", feature = "redoc"))]
    fn under_a_prefix() {
        let c = client("/api/docs", "/api/redoc", DocsAssets::Embedded);
        let html = c.get("/api/docs").send().text();
        assert!(html.contains("url: \"../openapi.json\""));
        for link in links("/api/docs", &html) {
            assert_eq!(c.get(&link).send().status(), 200, "{link}");
        }
        let html = c.get("/api/redoc").send().text();
        for link in links("/api/redoc", &html) {
            assert_eq!(c.get(&link).send().status(), 200, "{link}");
        }
    }

    #[test]
    fn cdn_mode() {
        let c = client("/docs", "/redoc", DocsAssets::Cdn);
        let html = c.get("/docs").send().text();
        assert!(html.contains(&format!("<script src=\"{SWAGGER_JS_CDN}\"></script>")));
        assert!(html.contains(&format!("href=\"{SWAGGER_CSS_CDN}\"")));
        assert_eq!(
            c.get("/docs/assets/swagger-ui-bundle.js").send().status(),
            404
        );
        assert_eq!(c.get("/docs/oauth2-redirect").send().status(), 200);
        let html = c.get("/redoc").send().text();
        assert!(html.contains(&format!("<script src=\"{REDOC_JS_CDN}\"> </script>")));
        assert!(html.contains("fonts.googleapis.com"));
        assert_eq!(
            c.get("/redoc/assets/redoc.standalone.js").send().status(),
            404
        );
    }

    /// Without the embedded UIs: the pages are absent with the default
    /// assets, served from the CDN when asked, OAuth2 redirect included.
    #[test]
    #[cfg(not(any(feature = "swagger-ui", feature = "redoc")))]
    fn without_the_embedded_uis() {
        let app = App::new().title("Docs Test");
        let c = TestClient::new(app);
        assert_eq!(c.get("/openapi.json").send().status(), 200);
        for path in ["/docs", "/docs/oauth2-redirect", "/redoc"] {
            assert_eq!(c.get(path).send().status(), 404, "{path}");
        }
        let c = TestClient::new(App::new().docs_assets(DocsAssets::Cdn));
        let html = c.get("/docs").send().text();
        assert!(html.contains(&format!("<script src=\"{SWAGGER_JS_CDN}\"></script>")));
        let redirect = c.get("/docs/oauth2-redirect").send();
        assert_eq!(redirect.status(), 200);
        assert!(redirect.text().contains(&format!(
            "<script src=\"{SWAGGER_OAUTH2_REDIRECT_CDN}\"></script>"
        )));
        let html = c.get("/redoc").send().text();
        assert!(html.contains(&format!("<script src=\"{REDOC_JS_CDN}\"> </script>")));
    }

    /// ReDoc alone: its page and bundle, no favicon (Swagger UI's) to link.
    #[test]
    #[cfg(all(feature = "redoc", not(feature = "swagger-ui")))]
    fn redoc_without_swagger_ui() {
        let c = TestClient::new(App::new());
        assert_eq!(c.get("/docs").send().status(), 404);
        let html = c.get("/redoc").send().text();
        assert_eq!(
            links("/redoc", &html),
            ["/redoc/assets/redoc.standalone.js"]
        );
        assert_eq!(
            c.get("/redoc/assets/redoc.standalone.js").send().status(),
            200
        );
    }

    #[test]
    fn escaping() {
        let routes = swagger_ui_routes(
            "/docs",
            "/o.json?a=1&b=</script>",
            "<T & \"x\">",
            DocsAssets::Cdn,
        );
        let c = TestClient::new(routes.into_iter().fold(bare_app(), App::route));
        let html = c.get("/docs").send().text();
        assert!(html.contains("<title>&lt;T &amp; \"x\"&gt;</title>"));
        assert!(html.contains(r#"url: "./o.json?a=1&b=<\/script>""#));
    }
}
