//! Generic models, tagged and untagged unions of models, compared with FastAPI.
//!
//! `tests/fastapi_unions/app.py` holds a generic `Page[Item]` (as a body and
//! as a response), a discriminated union (`Union[Cat, Dog]` with
//! `Field(discriminator="pet_type")`, inside a model, in an `Optional` and a
//! list, and as the whole body), four smart-mode unions (`Union[PlaneItem, CarItem]`, `Union[Number,
//! Text]` and `Union[IntX, FloatX]` where an exact match beats a lax one,
//! and `Union[Page[Item], Number]` whose errors are located under
//! `Page[Item]`), and FastAPI's tutorial pages
//! "Extra Models" (tutorial003, tutorial004) and "Body - Nested Models"
//! (tutorial001-009; `HttpUrl` is a `str` on both sides, so 005 is 004). `record.py` saved
//! FastAPI's answers and document; this is the same app in fastrs, replayed
//! through `tests/support/replay.rs`, its document compared with FastAPI's.

#[path = "support/replay.rs"]
mod replay;

use std::collections::{HashMap, HashSet};

use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};

fn dump<T: fastrs::serde::Serialize>(v: T) -> Value {
    fastrs::serde_json::to_value(v).unwrap()
}

// ---------------------------------------------------------------- generics

#[derive(Model)]
struct Item {
    name: String,
    price: f64,
}

#[derive(Model)]
struct Page<T> {
    items: Vec<T>,
    total: i64,
}

#[post("/pages")]
async fn echo_page(page: Page<Item>) -> Page<Item> {
    page
}

#[get("/pages/{count}")]
async fn read_page(count: i64) -> Page<Item> {
    let items = (0..count)
        .map(|i| Item {
            name: format!("item {i}"),
            price: i as f64,
        })
        .collect();
    Page {
        items,
        total: count,
    }
}

// ---------------------------------------------------------------- tagged union

#[derive(Model)]
#[model(literal, rename_all = "lowercase")]
enum CatTag {
    Cat,
}

#[derive(Model)]
#[model(literal, rename_all = "lowercase")]
enum DogTag {
    Dog,
}

#[derive(Model)]
struct Cat {
    pet_type: CatTag,
    meows: i64,
}

#[derive(Model)]
struct Dog {
    pet_type: DogTag,
    barks: f64,
}

#[derive(Model)]
#[model(tag = "pet_type", rename_all = "lowercase")]
enum Pet {
    Cat(Cat),
    Dog(Dog),
}

#[derive(Model)]
struct Owner {
    pet: Pet,
    n: i64,
}

#[post("/owners")]
async fn create_owner(owner: Owner) -> Owner {
    owner
}

#[derive(Model)]
struct Household {
    favourite: Option<Pet>,
    #[field(default)]
    pets: Vec<Pet>,
}

#[post("/households")]
async fn create_household(household: Household) -> Household {
    household
}

#[post("/pets")]
async fn create_pet(pet: Pet) -> Json<Value> {
    Json(dump(pet))
}

// ---------------------------------------------------------------- untagged union

#[derive(Model)]
struct CarItem {
    description: String,
    #[field(default = "car")]
    r#type: String,
}

#[derive(Model)]
struct PlaneItem {
    description: String,
    #[field(default = "plane")]
    r#type: String,
    size: i64,
}

#[derive(Model)]
enum Vehicle {
    Plane(PlaneItem),
    Car(CarItem),
}

#[post("/vehicles")]
async fn create_vehicle(vehicle: Vehicle) -> Vehicle {
    vehicle
}

#[derive(Model)]
struct Number {
    x: i64,
}

#[derive(Model)]
struct Text {
    x: String,
}

#[derive(Model)]
enum NumberOrText {
    Number(Number),
    Text(Text),
}

#[post("/values")]
async fn create_value(value: NumberOrText) -> NumberOrText {
    value
}

#[derive(Model)]
struct IntX {
    x: i64,
}

#[derive(Model)]
struct FloatX {
    x: f64,
}

#[derive(Model)]
enum IntOrFloat {
    Int(IntX),
    Float(FloatX),
}

#[post("/numbers")]
async fn create_number(number: IntOrFloat) -> IntOrFloat {
    number
}

#[derive(Model)]
enum PageOrNumber {
    Page(Page<Item>),
    Number(Number),
}

#[post("/paged")]
async fn create_paged(body: PageOrNumber) -> PageOrNumber {
    body
}

// ---------------------------------------------------------------- extra_models tutorial003

#[get("/extra3/items/{item_id}")]
async fn read_item_extra3(item_id: String) -> Vehicle {
    if item_id == "item1" {
        Vehicle::Car(CarItem {
            description: "All my friends drive a low rider".into(),
            r#type: "car".into(),
        })
    } else {
        Vehicle::Plane(PlaneItem {
            description: "Music is my aeroplane, it's my aeroplane".into(),
            r#type: "plane".into(),
            size: 5,
        })
    }
}

// ---------------------------------------------------------------- extra_models tutorial004

#[derive(Model)]
struct ListedItem {
    name: String,
    description: String,
}

#[get("/extra4/items/", response_model = Vec<ListedItem>)]
async fn read_items_extra4() -> Vec<ListedItem> {
    vec![
        ListedItem {
            name: "Foo".into(),
            description: "There comes my hero".into(),
        },
        ListedItem {
            name: "Red".into(),
            description: "It's my aeroplane".into(),
        },
    ]
}

// ---------------------------------------------------------------- body_nested_models

#[derive(Model)]
struct Item1 {
    name: String,
    description: Option<String>,
    price: f64,
    tax: Option<f64>,
    #[field(default)]
    tags: Vec<Value>,
}

#[put("/nested1/items/{item_id}")]
async fn update_item_nested1(item_id: i64, item: Item1) -> Json<Value> {
    Json(json!({"item_id": item_id, "item": dump(item)}))
}

#[derive(Model)]
struct Item2 {
    name: String,
    description: Option<String>,
    price: f64,
    tax: Option<f64>,
    #[field(default)]
    tags: Vec<String>,
}

#[put("/nested2/items/{item_id}")]
async fn update_item_nested2(item_id: i64, item: Item2) -> Json<Value> {
    Json(json!({"item_id": item_id, "item": dump(item)}))
}

#[derive(Model)]
struct Item3 {
    name: String,
    description: Option<String>,
    price: f64,
    tax: Option<f64>,
    #[field(default)]
    tags: HashSet<String>,
}

#[put("/nested3/items/{item_id}")]
async fn update_item_nested3(item_id: i64, item: Item3) -> Json<Value> {
    Json(json!({"item_id": item_id, "item": dump(item)}))
}

#[derive(Model)]
struct Image {
    url: String,
    name: String,
}

#[derive(Model)]
struct Item4 {
    name: String,
    description: Option<String>,
    price: f64,
    tax: Option<f64>,
    #[field(default)]
    tags: HashSet<String>,
    image: Option<Image>,
}

#[put("/nested4/items/{item_id}")]
async fn update_item_nested4(item_id: i64, item: Item4) -> Json<Value> {
    Json(json!({"item_id": item_id, "item": dump(item)}))
}

#[derive(Model)]
struct Item6 {
    name: String,
    description: Option<String>,
    price: f64,
    tax: Option<f64>,
    #[field(default)]
    tags: HashSet<String>,
    images: Option<Vec<Image>>,
}

#[put("/nested6/items/{item_id}")]
async fn update_item_nested6(item_id: i64, item: Item6) -> Json<Value> {
    Json(json!({"item_id": item_id, "item": dump(item)}))
}

#[derive(Model)]
struct Offer {
    name: String,
    description: Option<String>,
    price: f64,
    items: Vec<Item6>,
}

#[post("/nested7/offers/")]
async fn create_offer(offer: Offer) -> Json<Value> {
    Json(dump(offer))
}

#[post("/nested8/images/multiple/")]
async fn create_multiple_images(images: Vec<Image>) -> Json<Value> {
    Json(dump(images))
}

#[post("/nested9/index-weights/")]
async fn create_index_weights(weights: HashMap<i64, f64>) -> Json<Value> {
    Json(dump(weights))
}

fn app() -> App {
    App::new()
        .title("Unions")
        .version("0.1.0")
        .route(echo_page)
        .route(read_page)
        .route(create_owner)
        .route(create_household)
        .route(create_pet)
        .route(create_vehicle)
        .route(create_value)
        .route(create_number)
        .route(create_paged)
        .route(read_item_extra3)
        .route(read_items_extra4)
        .route(update_item_nested1)
        .route(update_item_nested2)
        .route(update_item_nested3)
        .route(update_item_nested4)
        .route(update_item_nested6)
        .route(create_offer)
        .route(create_multiple_images)
        .route(create_index_weights)
}

#[test]
fn answers_as_fastapi_does() {
    replay::assert_replays(
        &TestClient::new(app()),
        include_str!("fastapi_unions/recorded.json"),
    );
}

#[test]
fn openapi_equals_fastapi() {
    replay::assert_openapi_equal(
        &app().openapi(),
        include_str!("fastapi_unions/openapi.json"),
    );
}

/// The fast path (a valid body read without a `Value` per variant's errors)
/// and the slow path choose the same variant: a valid body never reaches the
/// slow path, so compare with a body that goes through `FromJson::from_json`.
#[test]
fn fast_and_slow_paths_agree_on_the_variant() {
    use fastrs::validation::Loc;
    use fastrs::FromJson;
    for input in [
        json!({"x": 5}),
        json!({"x": "5"}),
        json!({"x": 5.0}),
        json!({"x": true}),
    ] {
        let fast: NumberOrText = fastrs::serde_json::from_value(input.clone()).unwrap();
        let mut errors = fastrs::ValidationErrors::new();
        let slow = NumberOrText::from_json(&input, &mut Loc::new("body"), &mut errors).unwrap();
        assert_eq!(dump(fast), dump(slow), "{input}");
    }
    let pet: Pet =
        fastrs::serde_json::from_value(json!({"pet_type": "dog", "barks": "2"})).unwrap();
    assert_eq!(dump(pet), json!({"pet_type": "dog", "barks": 2.0}));
}
