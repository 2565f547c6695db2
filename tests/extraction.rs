//! Extraction by trait: how parameters are found, inferred and reported,
//! against FastAPI's recorded answers (`tests/fastapi_extract/`: `app.py`,
//! `cases.py`, `record.py` re-records `recorded.json`).
//!
//! Covered here: `Option<Vec<T>>` query and header parameters, a string enum
//! taken as a query (or path) parameter without an attribute, defaults of
//! every integer width (`default = 0` on a `u32`), type aliases, and the
//! order of errors whatever the declaration order (dependencies first, then
//! path, query, header, cookie, body; form fields and files as declared).

#[path = "support/replay.rs"]
mod replay;

use fastrs::form::UploadFile;
use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};

#[derive(Model, Debug, Clone, Copy)]
#[model(rename_all = "lowercase")]
enum Color {
    Red,
    Green,
}

#[derive(Model, Debug)]
struct Item {
    name: String,
    price: f64,
}

/// Aliases are seen through: the trait impls of the aliased type apply.
type Tags = Option<Vec<String>>;
type Port = Option<u16>;
type ItemId = i64;

#[get("/lists")]
async fn lists(
    q: Tags,
    #[header] x_token: Option<Vec<String>>,
    n: Option<Vec<i64>>,
) -> Json<Value> {
    Json(json!({"q": q, "x_token": x_token, "n": n}))
}

#[get("/colors")]
async fn colors(color: Color, other: Option<Color>) -> Json<Value> {
    Json(json!({"color": color, "other": other}))
}

#[get("/colors/{color}")]
async fn color_path(color: Color) -> Json<Value> {
    Json(json!({ "color": color }))
}

#[get("/widths")]
async fn widths(
    #[query(default = 7)] a: u8,
    #[query(default = 0)] b: u32,
    #[query(default = -5)] c: i128,
    #[query(default = 1.5)] d: f32,
    e: Port,
) -> Json<Value> {
    Json(json!({"a": a, "b": b, "c": i64::try_from(c).ok(), "d": d, "e": e}))
}

#[dependency]
async fn paging(#[query(default = 0)] skip: i64, #[header(default = 1)] x_page: i64) -> Value {
    json!({"skip": skip, "x_page": x_page})
}

#[get("/order/{item_id}")]
async fn order(
    q: i64,
    item_id: ItemId,
    #[header] x_n: i64,
    page: Depends<paging>,
    #[cookie] c: i64,
) -> Json<Value> {
    Json(json!({"q": q, "item_id": item_id, "x_n": x_n, "page": *page, "c": c}))
}

#[post("/body_first")]
async fn body_first(item: Item, #[query] limit: i64) -> Json<Value> {
    Json(json!({"item": {"name": item.name, "price": item.price}, "limit": limit}))
}

#[post("/upload")]
async fn upload(mut file: UploadFile, #[form] note: String, #[form] count: i64) -> Json<Value> {
    let size = file.read().await.map(|b| b.len()).unwrap_or(0);
    Json(json!({"file": file.filename, "size": size, "note": note, "count": count}))
}

fn app() -> App {
    App::new()
        .route(lists)
        .route(colors)
        .route(color_path)
        .route(widths)
        .route(order)
        .route(body_first)
        .route(upload)
}

#[test]
fn every_recorded_request_matches_fastapi() {
    let cases = replay::cases(include_str!("fastapi_extract/recorded.json"));
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let failures = replay::differences(&TestClient::new(app()), &cases);
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from FastAPI:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn inferred_sources_are_documented_where_the_types_say() {
    let doc = TestClient::new(app()).get("/openapi.json").send().json();
    let params = |path: &str| -> Vec<(String, String)> {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().into(),
                    p["in"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let own = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        params("/colors"),
        own(&[("color", "query"), ("other", "query")])
    );
    assert_eq!(params("/colors/{color}"), own(&[("color", "path")]));
    let of_order = params("/order/{item_id}");
    for p in [
        ("item_id", "path"),
        ("q", "query"),
        ("skip", "query"),
        ("x-n", "header"),
        ("x-page", "header"),
        ("c", "cookie"),
    ] {
        assert!(
            of_order.contains(&(p.0.into(), p.1.into())),
            "{p:?} in {of_order:?}"
        );
    }
    // `Vec` parameters document the default `[]`; `Option<Vec>` none.
    let of_lists = &doc["paths"]["/lists"]["get"]["parameters"];
    assert_eq!(of_lists[0]["name"], "q");
    assert_eq!(of_lists[0]["required"], false);
    assert!(
        of_lists[0]["schema"].get("default").is_none(),
        "{}",
        of_lists[0]
    );
    // The body stays the JSON body.
    assert!(doc["paths"]["/body_first"]["post"]["requestBody"].is_object());
}
