//! Form fields and file uploads: same constraints and 422s as other
//! parameters, documented as FastAPI documents them.

use fastrs::form::UploadFile;
use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};

#[post("/login")]
async fn login(
    #[form(min_length = 3)] username: String,
    #[form] password: String,
    #[form(pattern = "^password$")] grant_type: Option<String>,
    #[form(default = 1, ge = 1)] attempts: i64,
) -> Json<Value> {
    Json(
        json!({"username": username, "password": password, "grant_type": grant_type, "attempts": attempts}),
    )
}

#[post("/files")]
async fn upload(files: Vec<UploadFile>, #[form] title: Option<String>) -> Json<Value> {
    let mut out = Vec::new();
    for mut f in files {
        let bytes = f.read().await.unwrap();
        out.push(json!({"name": f.filename, "type": f.content_type, "size": f.size(), "text": String::from_utf8_lossy(&bytes)}));
    }
    Json(json!({"title": title, "files": out}))
}

fn client() -> TestClient {
    TestClient::new(App::new().route(login).route(upload).max_upload_size(1024))
}

#[test]
fn urlencoded_fields_are_read_and_validated() {
    let c = client();
    let r = c
        .post("/login")
        .form(&[
            ("username", "ada"),
            ("password", "pw"),
            ("grant_type", "password"),
        ])
        .send();
    assert_eq!(
        r.json(),
        json!({"username": "ada", "password": "pw", "grant_type": "password", "attempts": 1})
    );
    let r = c
        .post("/login")
        .form(&[
            ("username", "ad"),
            ("password", ""),
            ("grant_type", "token"),
            ("attempts", "0"),
        ])
        .send();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json(),
        json!({"detail": [
            {"type": "string_too_short", "loc": ["body", "username"], "msg": "String should have at least 3 characters", "input": "ad", "ctx": {"min_length": 3}},
            {"type": "missing", "loc": ["body", "password"], "msg": "Field required", "input": null},
            {"type": "string_pattern_mismatch", "loc": ["body", "grant_type"], "msg": "String should match pattern '^password$'", "input": "token", "ctx": {"pattern": "^password$"}},
            {"type": "greater_than_equal", "loc": ["body", "attempts"], "msg": "Input should be greater than or equal to 1", "input": "0", "ctx": {"ge": 1}}
        ]})
    );
    // a JSON body is not a form: every required field is missing
    let r = c
        .post("/login")
        .json(&json!({"username": "ada", "password": "pw"}))
        .send();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json()["detail"].as_array().unwrap().len(), 2);
}

const MULTIPART: &str = "--B\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nTwo files\r\n\
--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nalpha\r\n\
--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"b.csv\"\r\nContent-Type: text/csv\r\n\r\nx,y\r\n--B--\r\n";

#[test]
fn multipart_files_and_fields() {
    let r = client()
        .post("/files")
        .header("content-type", "multipart/form-data; boundary=B")
        .body(MULTIPART)
        .send();
    assert_eq!(
        r.json(),
        json!({"title": "Two files", "files": [
            {"name": "a.txt", "type": "text/plain", "size": 5, "text": "alpha"},
            {"name": "b.csv", "type": "text/csv", "size": 3, "text": "x,y"}
        ]})
    );
    // both kinds of form also fill the login form
    let body = "--B\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nada\r\n--B\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\npw\r\n--B--\r\n";
    let r = client()
        .post("/login")
        .header("content-type", "multipart/form-data; boundary=B")
        .body(body)
        .send();
    assert_eq!(r.json()["username"], "ada");
}

#[test]
fn uploads_over_the_limit_and_broken_multipart() {
    let big = format!(
        "--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big\"\r\n\r\n{}\r\n--B--\r\n",
        "x".repeat(4096)
    );
    let r = client()
        .post("/files")
        .header("content-type", "multipart/form-data; boundary=B")
        .body(big)
        .send();
    assert_eq!(r.status(), 413);
    let r = client()
        .post("/files")
        .header("content-type", "multipart/form-data")
        .body("junk")
        .send();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json(),
        json!({"detail": "There was an error parsing the body"})
    );
}

#[test]
fn forms_are_documented_like_fastapi() {
    let doc = App::new().route(login).route(upload).openapi();
    let body = &doc["paths"]["/login"]["post"]["requestBody"];
    assert_eq!(
        body,
        &json!({"content": {"application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Body_login_login_post"}}}, "required": true})
    );
    let schema = &doc["components"]["schemas"]["Body_login_login_post"];
    assert_eq!(schema["required"], json!(["username", "password"]));
    assert_eq!(
        schema["properties"]["username"],
        json!({"type": "string", "minLength": 3, "title": "Username"})
    );
    assert!(doc["paths"]["/login"]["post"].get("parameters").is_none());
    let files = &doc["paths"]["/files"]["post"]["requestBody"]["content"]["multipart/form-data"];
    assert_eq!(
        files["schema"]["$ref"],
        "#/components/schemas/Body_upload_files_post"
    );
    assert_eq!(
        doc["components"]["schemas"]["Body_upload_files_post"]["properties"]["files"]["items"],
        json!({"type": "string", "contentMediaType": "application/octet-stream"})
    );
}

/// Multipart bodies obey the route's limits: a route without file
/// parameters reads the whole form under the body limit (file parts counted,
/// never written); text fields stay under the body limit where files may
/// use the upload limit.
#[test]
fn multipart_forms_obey_the_routes_limits() {
    let c = TestClient::new(
        App::new()
            .route(login)
            .route(upload)
            .max_body_size(1024)
            .max_upload_size(64 * 1024),
    );
    let part = |name: &str, file: Option<&str>, size: usize| {
        let file = file
            .map(|f| format!("; filename=\"{f}\""))
            .unwrap_or_default();
        format!(
            "--B\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n{}\r\n",
            "x".repeat(size)
        )
    };
    let send = |path: &str, body: String| {
        c.post(path)
            .header("content-type", "multipart/form-data; boundary=B")
            .body(body + "--B--\r\n")
            .send()
    };
    // No file parameter: a large text field or file part is 413 at once.
    let r = send(
        "/login",
        part("username", None, 4096) + &part("password", None, 3),
    );
    assert_eq!(r.status(), 413);
    assert_eq!(r.header("connection"), Some("close"));
    let r = send(
        "/login",
        part("username", None, 3) + &part("password", None, 3) + &part("f", Some("a.bin"), 4096),
    );
    assert_eq!(r.status(), 413);
    // A small file part on such a route is read past; the fields still count.
    let r = send(
        "/login",
        part("username", None, 3) + &part("password", None, 3) + &part("f", Some("a.bin"), 10),
    );
    assert_eq!(r.status(), 200, "{}", r.text());
    // With file parameters: the file may use the upload limit, a text field may not.
    let r = send("/files", part("files", Some("a.bin"), 4096));
    assert_eq!(r.status(), 200, "{}", r.text());
    assert_eq!(r.json()["files"][0]["size"], 4096);
    let r = send(
        "/files",
        part("files", Some("a.bin"), 10) + &part("title", None, 4096),
    );
    assert_eq!(r.status(), 413);
    let r = send("/files", part("files", Some("a.bin"), 128 * 1024));
    assert_eq!(r.status(), 413);
}

#[post("/doc")]
async fn one_doc(#[file] doc: UploadFile, #[form] note: Option<String>) -> Json<Value> {
    Json(json!({"name": doc.filename, "size": doc.size(), "note": note}))
}

/// `#[file]` names the source as FastAPI's `File()` does; a missing file is
/// FastAPI's `missing` at `["body", name]`, and the form is multipart in the docs.
#[test]
fn the_file_attribute_reads_an_upload() {
    let c = TestClient::new(App::new().route(one_doc));
    let body = "--B\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n\r\nhello\r\n--B--\r\n";
    let r = c
        .post("/doc")
        .header("content-type", "multipart/form-data; boundary=B")
        .body(body)
        .send();
    assert_eq!(r.json(), json!({"name": "a.txt", "size": 5, "note": null}));
    let r = c
        .post("/doc")
        .header("content-type", "multipart/form-data; boundary=B")
        .body("--B--\r\n")
        .send();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json()["detail"][0]["loc"], json!(["body", "doc"]));
    let doc = c.get("/openapi.json").send().json();
    assert!(
        doc["paths"]["/doc"]["post"]["requestBody"]["content"]["multipart/form-data"].is_object()
    );
}
