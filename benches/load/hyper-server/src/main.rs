//! The load benchmark's baseline: raw hyper 1.x (HTTP/1.1), one matchit
//! lookup per request, serde for JSON and hand-written checks, on a
//! single-threaded tokio runtime. Errors: 422 with a JSON list of every
//! failed field, like the other peers.

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Clone, Copy)]
enum Route {
    Root,
    Item,
    Users,
    Orders,
}

#[derive(Deserialize)]
struct UserCreate {
    name: String,
    email: String,
    age: i64,
    bio: Option<String>,
    password: String,
}

#[derive(Serialize)]
struct UserOut {
    id: i64,
    name: String,
    email: String,
    age: i64,
    bio: Option<String>,
}

#[derive(Deserialize)]
struct OrderItem {
    product_id: i64,
    quantity: i64,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Address {
    street: String,
    city: String,
    country: String,
    zip_code: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct OrderCreate {
    items: Vec<OrderItem>,
    shipping_address: Address,
    notes: Option<String>,
}

#[derive(Serialize)]
struct ItemOut<'a> {
    item_id: i64,
    q: Option<std::borrow::Cow<'a, str>>,
    skip: i64,
    limit: i64,
}

#[derive(Serialize)]
struct FieldError {
    loc: Vec<String>,
    msg: String,
}

type Resp = Response<Full<Bytes>>;

fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Resp {
    let body = serde_json::to_vec(value).expect("serializable");
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

fn errors(errs: Vec<FieldError>) -> Resp {
    json_response(StatusCode::UNPROCESSABLE_ENTITY, &json!({ "detail": errs }))
}

fn err(loc: &[&str], msg: &str) -> FieldError {
    FieldError {
        loc: loc.iter().map(|s| s.to_string()).collect(),
        msg: msg.to_string(),
    }
}

/// A hand-written email check: one '@', a non-empty local part without
/// spaces, a domain of dot-separated labels of letters, digits and '-'.
fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    if local.is_empty()
        || local.len() > 64
        || local.contains(char::is_whitespace)
        || domain.contains('@')
    {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

fn read_item(item_id: &str, query: Option<&str>) -> Resp {
    let mut errs = Vec::new();
    let item_id = match item_id.parse::<i64>() {
        Ok(v) if v >= 1 => v,
        Ok(_) => {
            errs.push(err(&["path", "item_id"], "must be >= 1"));
            0
        }
        Err(_) => {
            errs.push(err(&["path", "item_id"], "must be an integer"));
            0
        }
    };
    let (mut q, mut skip, mut limit) = (None, 0i64, 20i64);
    for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match &*k {
            "q" => q = Some(v),
            "skip" => match v.parse::<i64>() {
                Ok(n) if n >= 0 => skip = n,
                Ok(_) => errs.push(err(&["query", "skip"], "must be >= 0")),
                Err(_) => errs.push(err(&["query", "skip"], "must be an integer")),
            },
            "limit" => match v.parse::<i64>() {
                Ok(n) if n <= 100 => limit = n,
                Ok(_) => errs.push(err(&["query", "limit"], "must be <= 100")),
                Err(_) => errs.push(err(&["query", "limit"], "must be an integer")),
            },
            _ => {}
        }
    }
    if !errs.is_empty() {
        return errors(errs);
    }
    json_response(
        StatusCode::OK,
        &ItemOut {
            item_id,
            q,
            skip,
            limit,
        },
    )
}

fn create_user(body: &[u8]) -> Resp {
    let user: UserCreate = match serde_json::from_slice(body) {
        Ok(u) => u,
        Err(e) => return errors(vec![err(&["body"], &e.to_string())]),
    };
    let mut errs = Vec::new();
    let n = user.name.chars().count();
    if !(1..=100).contains(&n) {
        errs.push(err(&["body", "name"], "length must be 1 to 100"));
    }
    if !valid_email(&user.email) {
        errs.push(err(&["body", "email"], "not a valid email address"));
    }
    if !(0..=150).contains(&user.age) {
        errs.push(err(&["body", "age"], "must be 0 to 150"));
    }
    let p = user.password.chars().count();
    if !(8..=128).contains(&p) {
        errs.push(err(&["body", "password"], "length must be 8 to 128"));
    }
    if !errs.is_empty() {
        return errors(errs);
    }
    let out = UserOut {
        id: 1,
        name: user.name,
        email: user.email,
        age: user.age,
        bio: user.bio,
    };
    json_response(StatusCode::CREATED, &out)
}

fn create_order(body: &[u8]) -> Resp {
    let order: OrderCreate = match serde_json::from_slice(body) {
        Ok(o) => o,
        Err(e) => return errors(vec![err(&["body"], &e.to_string())]),
    };
    let mut errs = Vec::new();
    if order.items.is_empty() {
        errs.push(err(&["body", "items"], "must have at least 1 item"));
    }
    for (i, item) in order.items.iter().enumerate() {
        let i = i.to_string();
        if item.product_id < 1 {
            errs.push(err(&["body", "items", &i, "product_id"], "must be >= 1"));
        }
        if item.quantity <= 0 {
            errs.push(err(&["body", "items", &i, "quantity"], "must be > 0"));
        }
    }
    if !errs.is_empty() {
        return errors(errs);
    }
    let item_count: i64 = order.items.iter().map(|i| i.quantity).sum();
    json_response(
        StatusCode::OK,
        &json!({ "item_count": item_count, "total_lines": order.items.len() }),
    )
}

fn not_found() -> Resp {
    json_response(StatusCode::NOT_FOUND, &json!({ "detail": "Not Found" }))
}

async fn handle(
    router: &matchit::Router<Route>,
    req: Request<Incoming>,
) -> Result<Resp, Infallible> {
    let path = req.uri().path().to_owned();
    let Ok(m) = router.at(&path) else {
        return Ok(not_found());
    };
    let route = *m.value;
    let resp = match (route, req.method()) {
        (Route::Root, &Method::GET) => {
            json_response(StatusCode::OK, &json!({ "message": "Hello, World" }))
        }
        (Route::Item, &Method::GET) => {
            read_item(m.params.get("item_id").unwrap_or(""), req.uri().query())
        }
        (Route::Users, &Method::POST) | (Route::Orders, &Method::POST) => {
            let body = match req.into_body().collect().await {
                Ok(b) => b.to_bytes(),
                Err(_) => return Ok(errors(vec![err(&["body"], "could not read body")])),
            };
            if matches!(route, Route::Users) {
                create_user(&body)
            } else {
                create_order(&body)
            }
        }
        _ => json_response(
            StatusCode::METHOD_NOT_ALLOWED,
            &json!({ "detail": "Method Not Allowed" }),
        ),
    };
    Ok(resp)
}

fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8000);
    let mut router = matchit::Router::new();
    router.insert("/", Route::Root).unwrap();
    router.insert("/items/{item_id}", Route::Item).unwrap();
    router.insert("/users", Route::Users).unwrap();
    router.insert("/orders", Route::Orders).unwrap();
    let router: &'static matchit::Router<Route> = Box::leak(Box::new(router));
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
            loop {
                let (stream, _) = match listener.accept().await {
                    Ok(s) => s,
                    Err(_) => continue,
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(async move {
                    let svc = service_fn(move |req| handle(router, req));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        })
}
