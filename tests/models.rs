//! Fields set, dumping and the `response_model_*` route options, compared
//! with FastAPI.
//!
//! `tests/fastapi_models/` holds FastAPI's own tutorial apps, unchanged:
//! "Body - Updates" (tutorial001 PUT, tutorial002 PATCH with
//! `model_dump(exclude_unset=True)` and `model_copy(update=…)`), "Response
//! Model" (tutorial001-006: `response_model`, `response_model_exclude_unset`,
//! `response_model_include` / `_exclude` with sets and lists), "Extra
//! Models" (tutorial001-002: `UserInDB(**user_in.model_dump(), …)`), plus
//! `dump_options.py` (`response_model_exclude_defaults`, `_exclude_none`,
//! nested models and lists). `record.py` saved FastAPI's answers and
//! documents; each module below is one app as a Rust user writes it,
//! replayed through `tests/support/replay.rs`, its document compared with
//! FastAPI's.

#[path = "support/replay.rs"]
mod replay;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};

/// The tutorials' `items` dict, shared by the routes of one app.
type Items = Arc<Mutex<HashMap<String, Value>>>;

fn items(v: Value) -> Items {
    let map = v.as_object().unwrap().clone().into_iter().collect();
    Arc::new(Mutex::new(map))
}

fn tutorial_app() -> App {
    App::new().title("FastAPI").version("0.1.0")
}

/// "Body - Updates" tutorial001: replacing with PUT.
mod body_updates_tutorial001 {
    use super::*;

    #[derive(Model)]
    pub struct Item {
        pub name: Option<String>,
        pub description: Option<String>,
        pub price: Option<f64>,
        #[field(default = 10.5)]
        pub tax: f64,
        #[field(default)]
        pub tags: Vec<String>,
    }

    #[get("/items/{item_id}", response_model = Item)]
    async fn read_item(item_id: String, items: State<Items>) -> Item {
        Item::model_validate(&items.lock().unwrap()[&item_id]).unwrap()
    }

    #[put("/items/{item_id}", response_model = Item)]
    async fn update_item(item_id: String, item: Item, items: State<Items>) -> Item {
        let update_item_encoded = item.model_dump().to_value();
        items.lock().unwrap().insert(item_id, update_item_encoded);
        item
    }

    pub fn app() -> App {
        tutorial_app()
            .state(items(json!({
                "foo": {"name": "Foo", "price": 50.2},
                "bar": {"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2},
                "baz": {"name": "Baz", "description": null, "price": 50.2, "tax": 10.5, "tags": []},
            })))
            .route(read_item)
            .route(update_item)
    }
}

/// "Body - Updates" tutorial002: partial updates with PATCH, the fields the
/// client sent (an explicit `null` included) applied onto the stored item.
mod body_updates_tutorial002 {
    use super::*;

    #[derive(Model)]
    pub struct Item {
        pub name: Option<String>,
        pub description: Option<String>,
        pub price: Option<f64>,
        #[field(default = 10.5)]
        pub tax: f64,
        #[field(default)]
        pub tags: Vec<String>,
        #[field(fields_set)]
        pub fields_set: fastrs::FieldsSet,
    }

    #[get("/items/{item_id}", response_model = Item)]
    async fn read_item(item_id: String, items: State<Items>) -> Item {
        Item::model_validate(&items.lock().unwrap()[&item_id]).unwrap()
    }

    #[patch("/items/{item_id}")]
    async fn update_item(item_id: String, item: Item, items: State<Items>) -> Item {
        let mut items = items.lock().unwrap();
        let stored_item_data = &items[&item_id];
        let stored_item_model = Item::model_validate(stored_item_data).unwrap();
        let updated_item = stored_item_model.model_update(item);
        items.insert(item_id, updated_item.model_dump().to_value());
        updated_item
    }

    pub fn app() -> App {
        tutorial_app()
            .state(items(json!({
                "foo": {"name": "Foo", "price": 50.2},
                "bar": {"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2},
                "baz": {"name": "Baz", "description": null, "price": 50.2, "tax": 10.5, "tags": []},
            })))
            .route(read_item)
            .route(update_item)
    }
}

/// "Response Model" tutorial001: `response_model` of a model and of a list.
mod response_model_tutorial001 {
    use super::*;

    #[derive(Model)]
    pub struct Item {
        pub name: String,
        pub description: Option<String>,
        pub price: f64,
        pub tax: Option<f64>,
        #[field(default)]
        pub tags: Vec<String>,
    }

    #[post("/items/", response_model = Item)]
    async fn create_item(item: Item) -> Item {
        item
    }

    #[get("/items/", response_model = Vec<Item>)]
    async fn read_items() -> Vec<Item> {
        let item = |name: &str, price| Item {
            name: name.into(),
            description: None,
            price,
            tax: None,
            tags: vec![],
        };
        vec![item("Portal Gun", 42.0), item("Plumbus", 32.0)]
    }

    pub fn app() -> App {
        tutorial_app().route(create_item).route(read_items)
    }
}

/// "Response Model" tutorial002: the input returned as is (password included).
mod response_model_tutorial002 {
    use super::*;

    #[derive(Model)]
    pub struct UserIn {
        pub username: String,
        pub password: String,
        pub email: Email,
        pub full_name: Option<String>,
    }

    #[post("/user/")]
    async fn create_user(user: UserIn) -> UserIn {
        user
    }

    pub fn app() -> App {
        tutorial_app().route(create_user)
    }
}

/// "Response Model" tutorial003: an output model without the password.
mod response_model_tutorial003 {
    pub use super::response_model_tutorial002::UserIn;
    use super::*;

    #[derive(Model)]
    pub struct UserOut {
        pub username: String,
        pub email: Email,
        pub full_name: Option<String>,
    }

    impl From<UserIn> for UserOut {
        fn from(u: UserIn) -> Self {
            UserOut {
                username: u.username,
                email: u.email,
                full_name: u.full_name,
            }
        }
    }

    #[post("/user/", response_model = UserOut)]
    async fn create_user(user: UserIn) -> UserIn {
        user
    }

    pub fn app() -> App {
        tutorial_app().route(create_user)
    }
}

/// "Response Model" tutorial004: `response_model_exclude_unset`.
mod response_model_tutorial004 {
    use super::*;

    #[derive(Model)]
    pub struct Item {
        pub name: String,
        pub description: Option<String>,
        pub price: f64,
        #[field(default = 10.5)]
        pub tax: f64,
        #[field(default)]
        pub tags: Vec<String>,
        #[field(fields_set)]
        pub fields_set: fastrs::FieldsSet,
    }

    fn items() -> Value {
        json!({
            "foo": {"name": "Foo", "price": 50.2},
            "bar": {"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2},
            "baz": {"name": "Baz", "description": null, "price": 50.2, "tax": 10.5, "tags": []},
        })
    }

    #[get("/items/{item_id}", response_model = Item, response_model_exclude_unset = true)]
    async fn read_item(item_id: String) -> Item {
        Item::model_validate(&items()[&item_id]).unwrap()
    }

    pub fn app() -> App {
        tutorial_app().route(read_item)
    }
}

/// "Response Model" tutorials 005 and 006 (the same in Rust: FastAPI's
/// sets and lists are both lists here): `response_model_include` and
/// `response_model_exclude`.
mod response_model_tutorial005 {
    use super::*;

    #[derive(Model)]
    pub struct Item {
        pub name: String,
        pub description: Option<String>,
        pub price: f64,
        #[field(default = 10.5)]
        pub tax: f64,
    }

    fn item(item_id: &str) -> Item {
        let items = json!({
            "foo": {"name": "Foo", "price": 50.2},
            "bar": {"name": "Bar", "description": "The Bar fighters", "price": 62, "tax": 20.2},
            "baz": {
                "name": "Baz",
                "description": "There goes my baz",
                "price": 50.2,
                "tax": 10.5,
            },
        });
        Item::model_validate(&items[item_id]).unwrap()
    }

    #[get(
        "/items/{item_id}/name",
        response_model = Item,
        response_model_include = ["name", "description"]
    )]
    async fn read_item_name(item_id: String) -> Item {
        item(&item_id)
    }

    #[get("/items/{item_id}/public", response_model = Item, response_model_exclude = ["tax"])]
    async fn read_item_public_data(item_id: String) -> Item {
        item(&item_id)
    }

    pub fn app() -> App {
        tutorial_app()
            .route(read_item_name)
            .route(read_item_public_data)
    }
}

/// "Extra Models" tutorial001: `UserInDB(**user_in.model_dump(), hashed_password=…)`.
mod extra_models_tutorial001 {
    use super::*;
    use fastrs::serde_json::Value;

    #[derive(Model)]
    pub struct UserIn {
        pub username: String,
        pub password: String,
        pub email: Email,
        pub full_name: Option<String>,
    }

    #[derive(Model)]
    pub struct UserOut {
        pub username: String,
        pub email: Email,
        pub full_name: Option<String>,
    }

    #[derive(Model)]
    pub struct UserInDB {
        pub username: String,
        pub hashed_password: String,
        pub email: Email,
        pub full_name: Option<String>,
    }

    impl From<UserInDB> for UserOut {
        fn from(u: UserInDB) -> Self {
            UserOut {
                username: u.username,
                email: u.email,
                full_name: u.full_name,
            }
        }
    }

    fn fake_password_hasher(raw_password: &str) -> String {
        format!("supersecret{raw_password}")
    }

    fn fake_save_user(user_in: UserIn) -> UserInDB {
        let hashed_password = fake_password_hasher(&user_in.password);
        let mut data = user_in.model_dump().to_object();
        data.insert("hashed_password".into(), Value::from(hashed_password));
        let user_in_db = UserInDB::model_validate(&Value::Object(data)).unwrap();
        println!("User saved! ..not really");
        user_in_db
    }

    #[post("/user/", response_model = UserOut)]
    async fn create_user(user_in: UserIn) -> UserInDB {
        fake_save_user(user_in)
    }

    pub fn app() -> App {
        tutorial_app().route(create_user)
    }
}

/// "Extra Models" tutorial002: the same with a base model; Rust has no
/// inheritance, the base's fields are written in each (Pydantic puts a
/// subclass's own fields after its base's).
mod extra_models_tutorial002 {
    use super::*;
    use fastrs::serde_json::Value;

    #[derive(Model)]
    pub struct UserIn {
        pub username: String,
        pub email: Email,
        pub full_name: Option<String>,
        pub password: String,
    }

    #[derive(Model)]
    pub struct UserOut {
        pub username: String,
        pub email: Email,
        pub full_name: Option<String>,
    }

    #[derive(Model)]
    pub struct UserInDB {
        pub username: String,
        pub email: Email,
        pub full_name: Option<String>,
        pub hashed_password: String,
    }

    impl From<UserInDB> for UserOut {
        fn from(u: UserInDB) -> Self {
            UserOut {
                username: u.username,
                email: u.email,
                full_name: u.full_name,
            }
        }
    }

    fn fake_save_user(user_in: UserIn) -> UserInDB {
        let hashed_password = format!("supersecret{}", user_in.password);
        let mut data = user_in.model_dump().to_object();
        data.insert("hashed_password".into(), Value::from(hashed_password));
        UserInDB::model_validate(&Value::Object(data)).unwrap()
    }

    #[post("/user/", response_model = UserOut)]
    async fn create_user(user_in: UserIn) -> UserInDB {
        fake_save_user(user_in)
    }

    pub fn app() -> App {
        tutorial_app().route(create_user)
    }
}

/// `dump_options.py`: exclude_defaults, exclude_none, exclude_unset through
/// a nested model and a list, and on a body echoed back.
mod dump_options {
    use super::*;

    #[derive(Model)]
    pub struct Image {
        pub url: String,
        pub name: Option<String>,
        #[field(fields_set)]
        pub fields_set: fastrs::FieldsSet,
    }

    #[derive(Model)]
    pub struct Item {
        pub name: String,
        pub description: Option<String>,
        #[field(default = 1.0)]
        pub price: f64,
        #[field(default)]
        pub tags: Vec<String>,
        pub image: Option<Image>,
        #[field(fields_set)]
        pub fields_set: fastrs::FieldsSet,
    }

    fn items() -> Vec<(&'static str, Value)> {
        vec![
            ("foo", json!({"name": "Foo"})),
            (
                "bar",
                json!({"name": "Bar", "description": null, "price": 1.0, "tags": [], "image": {"url": "http://x/bar.png"}}),
            ),
            (
                "baz",
                json!({"name": "Baz", "description": "Baz", "price": 2.5, "tags": ["a"], "image": {"url": "http://x/baz.png", "name": null}}),
            ),
        ]
    }

    fn item(item_id: &str) -> Item {
        let (_, v) = items().into_iter().find(|(k, _)| *k == item_id).unwrap();
        Item::model_validate(&v).unwrap()
    }

    #[get("/unset/{item_id}", response_model = Item, response_model_exclude_unset = true)]
    async fn read_unset(item_id: String) -> Item {
        item(&item_id)
    }

    #[get("/defaults/{item_id}", response_model = Item, response_model_exclude_defaults = true)]
    async fn read_defaults(item_id: String) -> Item {
        item(&item_id)
    }

    #[get("/none/{item_id}", response_model = Item, response_model_exclude_none = true)]
    async fn read_none(item_id: String) -> Item {
        item(&item_id)
    }

    #[get("/all", response_model = Vec<Item>, response_model_exclude_unset = true)]
    async fn read_all() -> Vec<Item> {
        items()
            .iter()
            .map(|(_, v)| Item::model_validate(v).unwrap())
            .collect()
    }

    #[post("/echo", response_model = Item, response_model_exclude_unset = true)]
    async fn echo(item: Item) -> Item {
        item
    }

    #[post(
        "/echo/none",
        response_model = Item,
        response_model_exclude_none = true,
        response_model_exclude = ["price"]
    )]
    async fn echo_none(item: Item) -> Item {
        item
    }

    pub fn app() -> App {
        tutorial_app()
            .route(read_unset)
            .route(read_defaults)
            .route(read_none)
            .route(read_all)
            .route(echo)
            .route(echo_none)
    }
}

fn check(name: &str, app: fn() -> App, recorded: &str, openapi: &str) {
    let cases = replay::cases(recorded);
    let failures = replay::differences(&TestClient::new(app()), &cases);
    assert!(
        failures.is_empty(),
        "{name}: {} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    let theirs: Value = fastrs::serde_json::from_str(openapi).unwrap();
    let diffs = replay::openapi_differences(&app().openapi(), &theirs);
    assert!(
        diffs.is_empty(),
        "{name}: {} differences in the document:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

macro_rules! twin {
    ($test:ident, $module:ident, $file:literal) => {
        twin!($test, $module::app, $file);
    };
    ($test:ident, $app:path, $file:literal) => {
        #[test]
        fn $test() {
            check(
                $file,
                $app,
                include_str!(concat!("fastapi_models/", $file, ".recorded.json")),
                include_str!(concat!("fastapi_models/", $file, ".openapi.json")),
            );
        }
    };
}

twin!(
    body_updates_put,
    body_updates_tutorial001,
    "body_updates_tutorial001"
);
twin!(
    body_updates_patch,
    body_updates_tutorial002,
    "body_updates_tutorial002"
);
twin!(
    response_model,
    response_model_tutorial001,
    "response_model_tutorial001"
);
twin!(
    response_model_input_returned,
    response_model_tutorial002,
    "response_model_tutorial002"
);
twin!(
    response_model_output_model,
    response_model_tutorial003,
    "response_model_tutorial003"
);
twin!(
    response_model_exclude_unset,
    response_model_tutorial004,
    "response_model_tutorial004"
);
twin!(
    response_model_include_exclude_sets,
    response_model_tutorial005,
    "response_model_tutorial005"
);
twin!(
    response_model_include_exclude_lists,
    response_model_tutorial005::app,
    "response_model_tutorial006"
);
twin!(
    extra_models,
    extra_models_tutorial001,
    "extra_models_tutorial001"
);
twin!(
    extra_models_base,
    extra_models_tutorial002,
    "extra_models_tutorial002"
);
twin!(dump_options_as_fastapi, dump_options, "dump_options");

/// The PATCH pattern by hand: what the input set, explicit `null` included,
/// is what `model_update` applies and `exclude_unset` keeps.
#[test]
fn fields_set_on_both_paths() {
    use body_updates_tutorial002::Item;
    // Fast path (valid JSON bytes) and slow path (a Value) agree.
    let fast: Item = fastrs::serde_json::from_str(r#"{"description": null, "tax": 1}"#).unwrap();
    let slow = Item::model_validate(&json!({"description": null, "tax": 1})).unwrap();
    for item in [&fast, &slow] {
        assert_eq!(item.model_fields_set(), ["description", "tax"]);
        assert!(item.is_set("tax") && !item.is_set("name"));
        assert_eq!(
            item.model_dump().exclude_unset().to_value(),
            json!({"description": null, "tax": 1.0})
        );
    }
    // The fields_set field is neither written nor documented.
    assert_eq!(
        fastrs::serde_json::to_value(&fast).unwrap(),
        json!({"name": null, "description": null, "price": null, "tax": 1.0, "tags": []})
    );
    let stored =
        Item::model_validate(&json!({"name": "Foo", "description": "d", "tax": 3})).unwrap();
    let updated = stored.model_update(fast);
    assert_eq!(
        updated.model_dump().to_value(),
        json!({"name": "Foo", "description": null, "price": null, "tax": 1.0, "tags": []})
    );
    assert_eq!(updated.model_fields_set(), ["name", "description", "tax"]);
}

/// `#[field(exclude_none)]`: left out of every output when `None`.
#[test]
fn exclude_none_field() {
    #[derive(Model)]
    struct Profile {
        name: String,
        #[field(exclude_none)]
        bio: Option<String>,
    }

    #[post("/profile")]
    async fn echo(p: Profile) -> Profile {
        p
    }

    let client = TestClient::new(App::new().route(echo));
    let r = client
        .post("/profile")
        .json(&json!({"name": "a", "bio": null}))
        .send();
    assert_eq!(r.text(), r#"{"name":"a"}"#);
    let r = client
        .post("/profile")
        .json(&json!({"name": "a", "bio": "b"}))
        .send();
    assert_eq!(r.text(), r#"{"name":"a","bio":"b"}"#);
    let p = Profile {
        name: "a".into(),
        bio: None,
    };
    assert_eq!(p.model_dump().to_value(), json!({"name": "a"}));
    // The schema still documents the field.
    let doc = client.get("/openapi.json").send().json();
    assert!(doc["components"]["schemas"]["Profile"]["properties"]["bio"].is_object());
}

/// The dump options reach through a newtype (Pydantic's `RootModel`) to
/// the models it holds.
#[test]
fn dump_options_through_a_newtype() {
    #[derive(Model)]
    struct Tag {
        name: String,
        color: Option<String>,
    }

    #[derive(Model)]
    struct Tags(Vec<Tag>);

    #[get("/tags", response_model_exclude_none = true)]
    async fn tags() -> Tags {
        Tags(vec![
            Tag {
                name: "a".into(),
                color: None,
            },
            Tag {
                name: "b".into(),
                color: Some("red".into()),
            },
        ])
    }

    let client = TestClient::new(App::new().route(tags));
    assert_eq!(
        client.get("/tags").send().json(),
        json!([{"name": "a"}, {"name": "b", "color": "red"}])
    );
}
