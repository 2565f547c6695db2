//! Models: FastAPI's Pydantic `BaseModel`, as `#[derive(Model)]`.
//!
//! A model is a struct whose one derive gives deserialization with Pydantic's
//! lax coercions and constraint checks (the fast path), an error-collecting
//! validator over `serde_json::Value` (the slow path, run only when the fast one
//! fails), serialization, and a JSON Schema that carries every constraint.
//! The derive generates plain calls to the helpers below; a unit-only enum
//! deriving `Model` is a string enum usable as a field or a parameter.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::constraints::{Check, Constraints};
use crate::lax::{FromJson, FromParam};
use crate::validation::{Invalid, Loc, ValidationErrors};

/// A request or response model: see [`derive@crate::Model`].
///
/// `#[derive(Model)]` takes four shapes:
///
/// * a struct with named fields: Pydantic's `BaseModel`, generic or not
///   (see [Generic models and unions](#generic-models-and-unions));
/// * an enum whose variants each wrap one model: a union, tagged or not
///   (same section);
/// * an enum of unit variants: a string enum (`class Color(str, Enum)`);
/// * a struct with exactly one unnamed field, a *newtype*: Pydantic's
///   `RootModel[T]`. It is transparent: it reads, checks, reports errors
///   (same `loc`, no extra step), and writes exactly as its inner type, and is
///   documented as a component named after the struct with the inner type's
///   schema (`UserId: {"type": "string", "format": "uuid", "title": "UserId"}`).
///   Constraints go on the inner field: `struct Age(#[field(ge = 0)] i64);`.
///   It is a model field, a JSON body (its inferred source, as FastAPI infers a
///   `RootModel`), and, when its inner type is a parameter type
///   ([`FromParam`](crate::FromParam)), a `#[path]`, `#[query]`, `#[header]` or
///   `#[cookie]` parameter too: the derive implements [`Newtype`], and a
///   blanket impl gives every `Newtype` whose inner type is `FromParam` its
///   `FromParam`. A newtype of an `Option` is still a required field, as a
///   `RootModel[Optional[T]]` is.
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::uuid::Uuid;
///
/// #[derive(Model)]
/// struct UserId(Uuid);
///
/// #[derive(Model)]
/// struct Age(#[field(ge = 0, le = 150)] i64);
///
/// #[derive(Model)]
/// struct Member {
///     id: UserId,
///     age: Age,
///     #[field(default)]
///     friends: Vec<UserId>,
/// }
///
/// #[post("/members")]
/// async fn create(body: Member) -> Member {
///     body
/// }
///
/// #[get("/members/{id}")]
/// async fn read(#[path] id: UserId, #[query] min_age: Option<Age>) -> Json<Vec<UserId>> {
///     let _ = min_age;
///     Json(vec![id])
/// }
///
/// let client = TestClient::new(App::new().route(create).route(read));
/// let id = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
/// let ok = client.post("/members").json(&fastrs::serde_json::json!({"id": id, "age": 30})).send();
/// assert_eq!(ok.json(), fastrs::serde_json::json!({"id": id, "age": 30, "friends": []}));
///
/// let bad = client.post("/members").json(&fastrs::serde_json::json!({"id": id, "age": 200})).send();
/// assert_eq!(bad.status(), 422);
/// assert_eq!(bad.json()["detail"][0]["loc"], fastrs::serde_json::json!(["body", "age"]));
///
/// assert_eq!(client.get(&format!("/members/{id}?min_age=3")).send().json()[0], id);
/// let bad = client.get("/members/nope?min_age=-1").send();
/// assert_eq!(bad.json()["detail"][0]["type"], "uuid_parsing");
/// assert_eq!(bad.json()["detail"][1]["type"], "greater_than_equal");
/// ```
///
/// # Model options: `#[model(…)]`
///
/// On a struct (Pydantic's `model_config` and model validators):
///
/// * `extra = "forbid"`: a key that is no field is an `extra_forbidden`
///   error (after the fields' errors, in the body's order) and the schema
///   says `additionalProperties: false`. `extra = "allow"`: such keys are kept
///   in the one `#[field(extra)]` field, a `serde_json::Map<String, Value>`,
///   and written back after the fields (`additionalProperties: true`).
///   `extra = "ignore"` is the default: they are dropped.
/// * `rename_all = "camelCase"`: every field is read, written and documented
///   under its renamed name (serde's rules: `lowercase`, `UPPERCASE`,
///   `PascalCase`, `camelCase`, `snake_case`, `SCREAMING_SNAKE_CASE`,
///   `kebab-case`, `SCREAMING-KEBAB-CASE`), as Pydantic's
///   `alias_generator=to_camel`; a field's own `alias` wins. The Rust name is
///   not accepted in its place (Pydantic's `populate_by_name` is not offered).
/// * `examples = [{…}, …]`: the model schema's `examples`
///   (`json_schema_extra={"examples": […]}`), written as `serde_json::json!`
///   takes JSON.
/// * `validator = path::to_fn`: `fn(&Self) -> Result<(), E>` with `E:
///   Display`, run once every field is valid (`@model_validator(mode="after")`);
///   `Err(e)` is a `value_error`, "Value error, {e}", at the model's location
///   with the whole object as input.
///
/// On a unit-only enum: `rename_all`, and `literal`: the enum is Pydantic's
/// `Literal["a", "b"]` rather than an `Enum` class: `literal_error`, and its
/// schema (`{"enum": [...], "type": "string"}`, or `const` for one value) is
/// written where it is used, not as a component.
///
/// # Field options: `#[field(…)]`
///
/// The constraints (`gt ge lt le multiple_of min_length max_length pattern
/// max_digits decimal_places`), `default`, `required`, `description` (or the
/// doc comment), `example`, `deprecated`, and:
///
/// * `alias = "…"`: the name it is read and written under;
///   `validation_alias = "…"`: read under it (written under the field's
///   name); `serialization_alias = "…"`: written under it (read under the
///   field's name). A model whose read and written names differ is
///   documented twice, as FastAPI does: `Name-Input` for request bodies and
///   `Name-Output` for responses, when both use it.
/// * `title = "…"`: the schema's title instead of one made from the name.
/// * `examples = [ … ]`: the field schema's `examples`, JSON values.
/// * `validator = path::to_fn`: `fn(&T) -> Result<(), E>` (or a function of
///   what `&T` derefs to: `fn(&str)` for a `String`), run on a value that
///   was given and is valid, constraints included (`@field_validator`, mode
///   after); `Err(e)` is a `value_error` at the field. Defaults are not
///   validated. It checks, it does not change the value.
/// * `extra`: the map of a `#[model(extra = "allow")]` model's extra keys.
/// * `exclude_none`: the field is left out of the output (the response, a
///   `model_dump()`) when it is `None`; it is still read and documented.
/// * `fields_set`: on a field `fields_set: fastrs::FieldsSet` (one per
///   model), which records the fields the input gave, an explicit `null`
///   included (Pydantic's `model_fields_set`). The field is not read, written
///   nor documented; a model built in Rust sets it itself
///   (`FieldsSet::all()`, `FieldsSet::default()`). The model then
///   implements [`TracksFieldsSet`](crate::TracksFieldsSet):
///   `model_fields_set()`, `is_set(name)`, `model_update(update)` (FastAPI's
///   partial update: the fields `update` set replace this model's), and
///   `model_dump().exclude_unset()` and the route option
///   `response_model_exclude_unset` accept it (on any other model they do
///   not compile). A model without it pays nothing.
///
/// Dumping (Pydantic's `model_dump`, see [`ModelDump`](crate::dump::ModelDump)):
/// `model.model_dump()` then `.exclude_unset()`, `.exclude_defaults()`,
/// `.exclude_none()`, `.include(&["name"])`, `.exclude(&["tax"])` (Rust field
/// names), and `.to_value()` / `.to_object()`; routes take the same as
/// `response_model_exclude_unset = true`, …, `response_model_include = ["name"]`.
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::serde_json::json;
///
/// #[derive(Model)]
/// struct Item {
///     name: Option<String>,
///     #[field(exclude_none)]
///     description: Option<String>,
///     #[field(default = 10.5)]
///     tax: f64,
///     #[field(fields_set)]
///     fields_set: fastrs::FieldsSet,
/// }
///
/// // FastAPI's PATCH: apply only what the client sent, explicit null included.
/// #[patch("/items/{id}")]
/// async fn update(id: String, item: Item) -> Item {
///     let stored = Item::model_validate(&json!({"name": id, "tax": 20.2})).unwrap();
///     stored.model_update(item)
/// }
///
/// // Only the fields the stored data set.
/// #[get("/items/{id}", response_model_exclude_unset = true)]
/// async fn read(id: String) -> Item {
///     Item::model_validate(&json!({"name": id, "description": null})).unwrap()
/// }
///
/// let client = TestClient::new(App::new().route(update).route(read));
/// let r = client.patch("/items/foo").json(&json!({"name": null, "description": "new"})).send();
/// assert_eq!(r.json(), json!({"name": null, "description": "new", "tax": 20.2}));
/// // `description` is None: left out, as `exclude_none` asks.
/// assert_eq!(client.get("/items/foo").send().json(), json!({"name": "foo"}));
///
/// let item = Item::model_validate(&json!({"name": "Foo", "tax": 10.5})).unwrap();
/// assert_eq!(item.model_fields_set(), ["name", "tax"]);
/// // `tax` equals its default, `description` its (None).
/// assert_eq!(item.model_dump().exclude_defaults().to_value(), json!({"name": "Foo"}));
/// assert!(client.get("/openapi.json").send().json()["components"]["schemas"]["Item"]["properties"]
///     .get("fields_set").is_none());
/// ```
///
/// Validators and `extra = "forbid"` run on the fast path too (a failure
/// there sends the body to the slow path, which reports); a model that does
/// not use an option pays nothing for it.
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::serde_json::{json, Map, Value};
///
/// fn has_space(name: &str) -> Result<(), String> {
///     name.contains(' ').then_some(()).ok_or_else(|| "must contain a space".to_owned())
/// }
///
/// fn dates_in_order(e: &Event) -> Result<(), &'static str> {
///     if e.ends_at < e.starts_at { Err("ends before it starts") } else { Ok(()) }
/// }
///
/// #[derive(Model, Clone, Copy)]
/// #[model(literal, rename_all = "snake_case")]
/// enum OrderBy { StartsAt, EndsAt }
///
/// #[derive(Model)]
/// #[model(rename_all = "camelCase", extra = "forbid", validator = dates_in_order)]
/// #[model(examples = [{"eventName": "Launch party", "startsAt": 1, "endsAt": 2}])]
/// struct Event {
///     #[field(validator = has_space, examples = ["Launch party"])]
///     event_name: String,
///     starts_at: i64,
///     ends_at: i64,
///     #[field(serialization_alias = "orderedBy", default = OrderBy::StartsAt)]
///     order_by: OrderBy,
/// }
///
/// #[derive(Model)]
/// #[model(extra = "allow")]
/// struct Tagged {
///     id: i64,
///     #[field(extra)]
///     rest: Map<String, Value>,
/// }
///
/// #[post("/events")]
/// async fn create(event: Event) -> Event { event }
///
/// #[post("/tagged")]
/// async fn tagged(body: Tagged) -> Tagged { body }
///
/// let client = TestClient::new(App::new().route(create).route(tagged));
/// let ok = client.post("/events").json(&json!({"eventName": "Launch party", "startsAt": 1, "endsAt": 2})).send();
/// assert_eq!(ok.json(), json!({"eventName": "Launch party", "startsAt": 1, "endsAt": 2, "orderedBy": "starts_at"}));
///
/// let bad = client.post("/events").json(&json!({"eventName": "Launch", "startsAt": 1, "endsAt": 2, "x": 0})).send();
/// assert_eq!(bad.json()["detail"], json!([
///     {"type": "value_error", "loc": ["body", "eventName"], "msg": "Value error, must contain a space",
///      "input": "Launch", "ctx": {"error": {}}},
///     {"type": "extra_forbidden", "loc": ["body", "x"], "msg": "Extra inputs are not permitted", "input": 0},
/// ]));
/// let bad = client.post("/events").json(&json!({"eventName": "A B", "startsAt": 2, "endsAt": 1, "orderBy": "x"})).send();
/// assert_eq!(bad.json()["detail"][0]["type"], "literal_error");
/// assert_eq!(bad.json()["detail"][0]["msg"], "Input should be 'starts_at' or 'ends_at'");
/// let bad = client.post("/events").json(&json!({"eventName": "A B", "startsAt": 2, "endsAt": 1})).send();
/// assert_eq!(bad.json()["detail"][0]["loc"], json!(["body"]));
/// assert_eq!(bad.json()["detail"][0]["msg"], "Value error, ends before it starts");
///
/// let kept = client.post("/tagged").json(&json!({"id": 1, "color": "red"})).send();
/// assert_eq!(kept.json(), json!({"id": 1, "color": "red"}));
///
/// let doc = client.get("/openapi.json").send().json();
/// let input = &doc["components"]["schemas"]["Event-Input"];
/// assert_eq!(input["additionalProperties"], false);
/// assert_eq!(input["properties"]["orderBy"]["enum"], json!(["starts_at", "ends_at"]));
/// assert_eq!(input["properties"]["eventName"]["examples"], json!(["Launch party"]));
/// assert_eq!(input["examples"][0]["eventName"], "Launch party");
/// assert!(doc["components"]["schemas"]["Event-Output"]["properties"]["orderedBy"].is_object());
/// assert_eq!(doc["components"]["schemas"]["Tagged"]["additionalProperties"], true);
/// ```
///
/// # Generic models and unions
///
/// A struct with named fields may have type parameters (Pydantic's
/// `class Page(BaseModel, Generic[T])`): `Page<Item>` is documented as
/// Pydantic names `Page[Item]`, component `Page_Item_` with the title
/// `Page[Item]` ([`generic_name`]). Each parameter must be a model field type
/// (`T: FromJson + Dump + Send + Sync + 'static`, added by the derive).
/// Lifetime and const parameters are refused.
///
/// An enum whose variants each wrap one model is a union (see
/// [`crate::union`]):
///
/// * `#[model(tag = "pet_type")]`: a discriminated union, Pydantic's
///   `Union[Cat, Dog] = Field(discriminator="pet_type")`. Each variant's tag
///   is its name under the enum's `rename_all` (as written without one), or
///   its `#[field(alias = "cat")]`. As in Pydantic, each variant's model
///   declares the tag field itself, as a one-value `#[model(literal)]` enum:
///   that is what validates, writes and documents it (`"const": "cat"`). The
///   union reads the tag to pick the model: `union_tag_not_found` without it,
///   `union_tag_invalid` for another value, errors inside the model located
///   under the tag (`["body", "pet", "cat", "meows"]`). Documented inline
///   (as Pydantic documents a `Union`, no component of its own) as `oneOf`
///   the variants with a `discriminator`.
/// * without `tag`: Pydantic's smart mode, `Union[PlaneItem, CarItem]`. Every
///   variant is tried; the one using most of the input's keys wins, then the
///   one that needed no lax coercion, then the first. When none validates,
///   each variant's errors are reported under its model's name
///   (`["body", "PlaneItem", "size"]`). Documented inline as `anyOf`.
///
/// A union is written as its variant's model. Unit variants belong in a
/// string enum; a variant wraps exactly one model (`Cat(Cat)`).
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::serde_json::json;
///
/// #[derive(Model)]
/// struct Item { name: String }
///
/// #[derive(Model)]
/// struct Page<T> { items: Vec<T>, total: i64 }
///
/// #[derive(Model)]
/// #[model(literal, rename_all = "lowercase")]
/// enum CatTag { Cat }
/// #[derive(Model)]
/// #[model(literal, rename_all = "lowercase")]
/// enum DogTag { Dog }
///
/// #[derive(Model)]
/// struct Cat { pet_type: CatTag, meows: i64 }
/// #[derive(Model)]
/// struct Dog { pet_type: DogTag, barks: f64 }
///
/// #[derive(Model)]
/// #[model(tag = "pet_type", rename_all = "lowercase")]
/// enum Pet { Cat(Cat), Dog(Dog) }
///
/// #[derive(Model)]
/// struct Number { x: i64 }
/// #[derive(Model)]
/// struct Text { x: String }
///
/// #[derive(Model)]
/// enum NumberOrText { Number(Number), Text(Text) }
///
/// #[post("/pages")]
/// async fn pages(page: Page<Item>) -> Page<Item> { page }
///
/// #[post("/pets")]
/// async fn pets(pet: Pet) -> Pet { pet }
///
/// #[post("/values")]
/// async fn values(value: NumberOrText) -> NumberOrText { value }
///
/// let client = TestClient::new(App::new().route(pages).route(pets).route(values));
/// let page = json!({"items": [{"name": "a"}], "total": 1});
/// assert_eq!(client.post("/pages").json(&page).send().json(), page);
///
/// let dog = client.post("/pets").json(&json!({"pet_type": "dog", "barks": "2"})).send();
/// assert_eq!(dog.json(), json!({"pet_type": "dog", "barks": 2.0}));
/// let fish = client.post("/pets").json(&json!({"pet_type": "fish"})).send();
/// assert_eq!(fish.json()["detail"][0]["type"], "union_tag_invalid");
/// let bad = client.post("/pets").json(&json!({"pet_type": "cat", "meows": "many"})).send();
/// assert_eq!(bad.json()["detail"][0]["loc"], json!(["body", "cat", "meows"]));
///
/// // `"5"` is a `String` as given, an `i64` only by coercion: Text wins.
/// assert_eq!(client.post("/values").json(&json!({"x": "5"})).send().json(), json!({"x": "5"}));
/// assert_eq!(client.post("/values").json(&json!({"x": 5})).send().json(), json!({"x": 5}));
/// let none = client.post("/values").json(&json!({})).send().json();
/// assert_eq!(none["detail"][0]["loc"], json!(["body", "Number", "x"]));
/// assert_eq!(none["detail"][1]["loc"], json!(["body", "Text", "x"]));
///
/// let doc = client.get("/openapi.json").send().json();
/// assert_eq!(doc["components"]["schemas"]["Page_Item_"]["title"], "Page[Item]");
/// let body = &doc["paths"]["/pets"]["post"]["requestBody"]["content"]["application/json"]["schema"];
/// assert_eq!(body["discriminator"]["mapping"]["dog"], "#/components/schemas/Dog");
/// ```
pub trait Model: FromJson + Serialize + schemars::JsonSchema {
    /// The fields, in declaration order, as they are read (a struct's; empty
    /// for a newtype). What a parameter model (query, header or cookie
    /// parameters declared as one model) reads and documents.
    const FIELDS: &'static [ModelField] = &[];
    /// What the model does with keys that are not fields
    /// (`#[model(extra = "…")]`).
    const EXTRA: Extra = Extra::Ignore;

    /// The model's name as Pydantic shows it, where a union of models locates
    /// a variant's errors (`["body", "Page[Item]", "items"]`): its schema
    /// name, or the title of a generic model.
    fn title() -> std::borrow::Cow<'static, str> {
        <Self as schemars::JsonSchema>::schema_name()
    }

    /// Pydantic's `model_dump()`: the model written with options
    /// (`exclude_none()`, `exclude_defaults()`, `include(…)`, `exclude(…)`,
    /// `exclude_unset()` for a model that [tracks its fields
    /// set](crate::fields::TracksFieldsSet)), then `to_value()`; see
    /// [`ModelDump`](crate::dump::ModelDump).
    fn model_dump(&self) -> crate::dump::ModelDump<'_, Self>
    where
        Self: Dump,
    {
        crate::dump::ModelDump::new(self)
    }

    /// Pydantic's `Model.model_validate(data)`: the model read from a JSON
    /// value, with every error (their `loc` relative to the value).
    fn model_validate(value: &Value) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        match Self::from_json(value, &mut Loc::default(), &mut errors) {
            Some(m) if errors.is_empty() => Ok(m),
            _ => Err(errors),
        }
    }
}

/// Pydantic's `model_config["extra"]`: what a model does with a key that is
/// none of its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    /// Dropped (the default).
    Ignore,
    /// An `extra_forbidden` error per key, after the fields' errors.
    Forbid,
    /// Kept in the `#[field(extra)]` map and written back after the fields.
    Allow,
}

/// One field of a model, as [`Model::FIELDS`] lists it.
#[derive(Debug, Clone, Copy)]
pub struct ModelField {
    /// The name it is read under (its alias or validation alias).
    pub name: &'static str,
    /// Whether it is a list (`Vec`, a set, or an `Option` of one).
    pub is_list: bool,
    /// Whether it must be given (no default, not an `Option`).
    pub required: bool,
    /// Its schema as the model documents it (title, constraints, default…).
    pub schema: fn(&mut schemars::SchemaGenerator) -> schemars::Schema,
}

/// A newtype model (`#[derive(Model)] struct UserId(Uuid);`): the one field it
/// wraps. Implemented by the derive; through it a newtype of a parameter type
/// is a parameter type (the blanket [`FromParam`] impl below), without the
/// derive naming any type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a path, query, header or cookie parameter",
    label = "not a parameter type",
    note = "parameters are scalars (integers, floats, bool, String, string enums deriving `Model`), newtypes deriving `Model` of them, `Option` or `Vec` of them"
)]
pub trait Newtype: Sized + Check + schemars::JsonSchema {
    /// The wrapped type.
    type Inner;
    /// The constraints declared on the wrapped field (`#[field(ge = 0)]`).
    fn constraints() -> &'static Constraints;
    /// Wraps a value.
    fn from_inner(inner: Self::Inner) -> Self;
    /// The wrapped value.
    fn inner(&self) -> &Self::Inner;
}

/// A newtype of a parameter type reads as its inner type, then checks the
/// inner field's constraints.
impl<N> FromParam for N
where
    N: Newtype,
    N::Inner: FromParam,
{
    fn from_param(raw: &str) -> Result<Self, Invalid> {
        let inner = N::Inner::from_param(raw)?;
        inner.check(N::constraints())?;
        Ok(N::from_inner(inner))
    }
}

/// How a value is written in a model: as Pydantic's `model_dump(mode="json")`
/// writes it. The derive's `Serialize` writes every field through it, so the
/// macro names no type.
///
/// The default is the type's `Serialize`; the runtime overrides it where
/// Pydantic writes differently from the type's serde form: a `TimeDelta` is
/// ISO 8601 (`"P1DT2H"`, not chrono's `[secs, nanos]`), a time or datetime with
/// a fraction of a second has 6 digits (`"10:30:00.500000"`, not `".500"`).
/// A user type used as a model field implements it, usually as `impl Dump for
/// MyType {}`.
///
/// ```
/// use fastrs::chrono::{NaiveTime, TimeDelta};
/// use fastrs::model::Dumped;
/// let half = NaiveTime::from_hms_milli_opt(10, 30, 0, 500).unwrap();
/// assert_eq!(fastrs::serde_json::to_string(&Dumped(&half)).unwrap(), r#""10:30:00.500000""#);
/// let took = Some(TimeDelta::seconds(93_600));
/// assert_eq!(fastrs::serde_json::to_string(&Dumped(&took)).unwrap(), r#""P1DT2H""#);
/// ```
pub trait Dump: Serialize {
    /// Writes the value as Pydantic does.
    fn dump<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.serialize(s)
    }

    /// Writes the value with dump options (`model_dump(exclude_none=True)`,
    /// `response_model_exclude_unset`…): a model leaves fields out, a
    /// container passes the options to its items, any other value is written
    /// as [`dump`](Self::dump) writes it. See [`crate::dump`].
    fn dump_with<S: serde::Serializer>(
        &self,
        options: &crate::dump::DumpOptions<'_>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let _ = options;
        self.dump(s)
    }

    /// Whether the value is `None` (for `exclude_none`).
    fn is_none(&self) -> bool {
        false
    }
}

/// `Serialize` through [`Dump`]: what the derive writes each field with.
pub struct Dumped<'a, T: ?Sized>(pub &'a T);

impl<T: Dump> Serialize for Dumped<'_, T> {
    #[inline]
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.dump(s)
    }
}

/// For `#[serde(serialize_with = "fastrs::model::dump")]`: a field of a
/// plain serde struct written as a model field would be.
pub fn dump<T: Dump, S: serde::Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    v.dump(s)
}

/// How an absent field gets its value.
pub enum Missing<T> {
    /// Required unless the type allows absence (`Option`).
    Required,
    /// The declared default.
    Default(fn() -> T),
    /// Required even for `Option` (`#[field(required)]`: present, maybe null).
    Always,
}

/// Slow path for one field: finds it by its JSON name, converts it, checks its
/// constraints, and records every error under `loc`.
pub fn field<T: FromJson + Check>(
    object: &Value,
    name: &'static str,
    missing: Missing<T>,
    constraints: &Constraints,
    loc: &mut Loc,
    errors: &mut ValidationErrors,
) -> Option<T> {
    let Value::Object(map) = object else {
        return None;
    };
    loc.push(name);
    let out = match lookup(map, name) {
        None => match missing {
            Missing::Default(f) => Some(f()),
            Missing::Required if T::when_missing().is_some() => T::when_missing(),
            Missing::Required | Missing::Always => {
                errors.push(loc, object.clone(), Invalid::missing());
                None
            }
        },
        Some(raw) => T::from_json_checked(raw, constraints, loc, errors),
    };
    loc.pop();
    out
}

/// Slow path for a field with a `#[field(validator = f)]`: [`field`], then,
/// when the key was given and its value is valid, `f` on the value; its
/// `Err(e)` is Pydantic's `value_error` ("Value error, {e}") at the field.
/// Defaults are not validated, as in Pydantic.
#[allow(clippy::too_many_arguments)]
pub fn field_validated<T: FromJson + Check, E: std::fmt::Display>(
    object: &Value,
    name: &'static str,
    missing: Missing<T>,
    constraints: &Constraints,
    validator: impl FnOnce(&T) -> Result<(), E>,
    loc: &mut Loc,
    errors: &mut ValidationErrors,
) -> Option<T> {
    let out = field(object, name, missing, constraints, loc, errors)?;
    let Some(raw) = object.as_object().and_then(|m| lookup(m, name)) else {
        return Some(out);
    };
    match validator(&out) {
        Ok(()) => Some(out),
        Err(e) => {
            loc.push(name);
            errors.push(loc, raw.clone(), value_error(e));
            loc.pop();
            None
        }
    }
}

/// Fast path for a field with a `#[field(validator = f)]`: `f` on the value
/// read (if any); `Err` sends the request to the slow path.
#[inline]
pub fn fast_validate<T, E>(
    value: Option<T>,
    validator: impl FnOnce(&T) -> Result<(), E>,
) -> Result<Option<T>, &'static str> {
    match &value {
        Some(v) => validator(v).map_err(|_| "validator").map(|()| value),
        None => Ok(None),
    }
}

/// Slow path of a `#[model(validator = f)]`: `f` on the model built from
/// valid fields (Pydantic's `model_validator(mode="after")`); its `Err(e)` is
/// a `value_error` at the model's own location, with the whole object as input.
pub fn model_validated<M, E: std::fmt::Display>(
    model: M,
    validator: impl FnOnce(&M) -> Result<(), E>,
    object: &Value,
    loc: &Loc,
    errors: &mut ValidationErrors,
) -> Option<M> {
    match validator(&model) {
        Ok(()) => Some(model),
        Err(e) => {
            errors.push(loc, object.clone(), value_error(e));
            None
        }
    }
}

/// Fast path of a `#[model(validator = f)]`: `Err` sends the request to the
/// slow path.
#[inline]
pub fn fast_validate_model<M, E>(
    model: M,
    validator: impl FnOnce(&M) -> Result<(), E>,
) -> Result<M, &'static str> {
    validator(&model).map_err(|_| "validator")?;
    Ok(model)
}

/// Pydantic's error for a `ValueError` raised in a validator: `value_error`,
/// "Value error, {e}", and the `ctx` FastAPI writes for it (`{"error": {}}`,
/// the exception not being JSON).
pub fn value_error(e: impl std::fmt::Display) -> Invalid {
    Invalid::new("value_error", format!("Value error, {e}"))
        .with_ctx("error", Value::Object(Map::new()))
}

/// Slow path of `#[model(extra = "forbid")]`: an `extra_forbidden` error for
/// every key of `object` that is none of `fields`, in the object's order.
/// Returns whether there was none.
pub fn forbid_extra(
    object: &Value,
    fields: &[&str],
    loc: &mut Loc,
    errors: &mut ValidationErrors,
) -> bool {
    let Value::Object(map) = object else {
        return true;
    };
    let mut ok = true;
    for (k, v) in map.iter().filter(|(k, _)| !fields.contains(&k.as_str())) {
        loc.push(k.clone());
        errors.push(
            loc,
            v.clone(),
            Invalid::new("extra_forbidden", "Extra inputs are not permitted"),
        );
        loc.pop();
        ok = false;
    }
    ok
}

/// Slow path of `#[model(extra = "allow")]`: the keys of `object` that are
/// none of `fields`, kept in order for the `#[field(extra)]` map.
pub fn extra_fields(object: &Value, fields: &[&str]) -> Map<String, Value> {
    match object {
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| !fields.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        _ => Map::new(),
    }
}

/// Writes the keys a `#[model(extra = "allow")]` model kept, after its fields.
pub fn serialize_extra<M: serde::ser::SerializeMap>(
    out: &mut M,
    extra: &Map<String, Value>,
) -> Result<(), M::Error> {
    for (k, v) in extra {
        out.serialize_entry(k, v)?;
    }
    Ok(())
}

/// `map[name]`: a small object (a request body's) is scanned in order,
/// cheaper than hashing the name with the map's SipHash; a large one is not.
fn lookup<'m>(map: &'m serde_json::Map<String, Value>, name: &str) -> Option<&'m Value> {
    if map.len() <= 16 {
        map.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v)
    } else {
        map.get(name)
    }
}

/// Fast path for one field: the value deserialized (if present), its default,
/// and its constraints checked. `Err` sends the request to the slow path.
pub fn fast_field<T: FromJson + Check>(
    value: Option<T>,
    missing: Missing<T>,
    constraints: &Constraints,
) -> Result<T, &'static str> {
    match value {
        Some(v) => {
            v.check(constraints).map_err(|_| "constraint")?;
            Ok(v)
        }
        // Defaults are not validated, as in Pydantic.
        None => match missing {
            Missing::Default(f) => Ok(f()),
            Missing::Required => T::when_missing().ok_or("missing field"),
            Missing::Always => Err("missing field"),
        },
    }
}

/// The object of a nested model, or Pydantic's `model_type` error.
pub fn expect_object<'v>(
    v: &'v Value,
    class_name: &'static str,
    loc: &Loc,
    errors: &mut ValidationErrors,
) -> Option<&'v Map<String, Value>> {
    match v {
        Value::Object(m) => Some(m),
        // FastAPI validates request bodies from JSON, where Pydantic names a
        // non-object for a model `model_attributes_type`.
        _ => {
            let _ = class_name;
            let msg = "Input should be a valid dictionary or object to extract fields from";
            errors.push(loc, v.clone(), Invalid::new("model_attributes_type", msg));
            None
        }
    }
}

/// Pydantic's `enum` error: "Input should be 'red', 'green' or 'blue'".
pub fn enum_error(values: &[&str]) -> Invalid {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    let expected = match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    };
    Invalid::new("enum", format!("Input should be {expected}")).with_ctx("expected", expected)
}

/// Pydantic's `Literal[…]` error: "Input should be 'created_at' or
/// 'updated_at'", `literal_error` (the wording of [`enum_error`]).
pub fn literal_error(values: &[&str]) -> Invalid {
    let mut e = enum_error(values);
    e.kind = "literal_error";
    e
}

/// Pydantic's schema of a `Literal[…]` of strings, inlined where it is used:
/// `{"enum": [...], "type": "string"}`, or `{"const": "x", "type": "string"}`
/// for one value.
pub fn literal_schema(values: &[&str]) -> schemars::Schema {
    match values {
        [one] => schemars::json_schema!({"const": one, "type": "string"}),
        _ => schemars::json_schema!({"enum": values, "type": "string"}),
    }
}

/// A model field's schema as Pydantic titles it: none on an `Option` of a
/// model or string enum (`anyOf` of a reference and null), as none is on a
/// bare reference. (Parameters keep theirs: FastAPI titles every parameter.)
pub fn model_field_title(mut schema: schemars::Schema) -> schemars::Schema {
    let is_ref = |v: &Value| {
        v.as_object()
            .is_some_and(|o| o.len() == 1 && o.contains_key("$ref"))
    };
    let is_null = |v: &Value| v.get("type") == Some(&Value::from("null"));
    let nullable_ref = matches!(schema.get("anyOf"), Some(Value::Array(a))
        if a.len() == 2 && a.iter().any(is_ref) && a.iter().any(is_null));
    if nullable_ref {
        schema.remove("title");
    }
    schema
}

/// `schema` with `key` set to `value` (`examples`, `additionalProperties`).
pub fn with_key(mut schema: schemars::Schema, key: &str, value: Value) -> schemars::Schema {
    schema.insert(key.to_owned(), value);
    schema
}

/// The schema of one field: its type's schema with the field's title,
/// constraints, description, default and example.
pub fn field_schema(
    mut schema: schemars::Schema,
    constraints: &Constraints,
    title: &str,
    description: Option<&str>,
    default: Option<Value>,
    example: Option<&str>,
) -> schemars::Schema {
    use crate::constraints::Bound;
    // A decimal's bounds go into its number branch (Pydantic's `anyOf`).
    let decimal = crate::types::schema::decimal_field_schema(&mut schema, constraints);
    let is_array = schema.get("type").and_then(Value::as_str) == Some("array");
    let num = |b: Bound| b.to_json();
    let obj = schema.ensure_object();
    // A list of anything (`Vec<Value>`, Pydantic's `list`): schemars writes
    // `items: true`, Pydantic `items: {}`.
    if obj.get("items") == Some(&Value::Bool(true)) {
        obj.insert("items".to_owned(), Value::Object(Map::new()));
    }
    let bare_ref = obj.len() == 1 && obj.contains_key("$ref");
    let numeric = [
        ("exclusiveMinimum", constraints.gt),
        ("minimum", constraints.ge),
        ("exclusiveMaximum", constraints.lt),
        ("maximum", constraints.le),
        ("multipleOf", constraints.multiple_of),
    ];
    for (key, b) in numeric {
        let Some(b) = b else { continue };
        // A decimal's bounds go into the number branch of its `anyOf`.
        let target = match obj.get_mut("anyOf") {
            Some(Value::Array(any)) if decimal => match any.first_mut() {
                Some(Value::Object(n)) => n,
                _ => continue,
            },
            _ => &mut *obj,
        };
        target.insert(key.to_owned(), num(b));
    }
    let mut put = |k: &str, v: Value| {
        obj.insert(k.to_owned(), v);
    };
    let (min_key, max_key) = if is_array {
        ("minItems", "maxItems")
    } else {
        ("minLength", "maxLength")
    };
    if let Some(n) = constraints.min_length {
        put(min_key, Value::from(n));
    }
    if let Some(n) = constraints.max_length {
        put(max_key, Value::from(n));
    }
    if let Some(p) = constraints.pattern {
        put("pattern", Value::from(p.source()));
    }
    // A bare reference (a nested model) carries no title, as in Pydantic.
    if !bare_ref {
        put("title", Value::from(title));
    }
    if let Some(d) = description {
        put("description", Value::from(d));
    }
    if let Some(d) = default {
        put("default", d);
    }
    if let Some(e) = example.and_then(|e| serde_json::from_str::<Value>(e).ok()) {
        put("examples", Value::Array(vec![e]));
    }
    schema
}

/// Runs a model's derived fast-path `Deserialize` on JSON objects only.
///
/// serde's derived struct visitors also accept a JSON array of the fields in
/// order; Pydantic does not, so the derive reads its shadow struct through
/// this wrapper, which turns `deserialize_struct` into `deserialize_map`.
pub struct ObjectOnly<D>(pub D);

impl<'de, D: serde::Deserializer<'de>> serde::Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(v)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(v)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

/// The component name and title of a generic model, as Pydantic names
/// `Page[Item]`: the title is `Page[Item]`, the component `Page_Item_`
/// (FastAPI replaces what is not a letter, digit, `.`, `-` or `_` by `_`).
/// `args` are the type arguments' schema names; the runtime's scalars take
/// Python's names (`int`, `float`, `str`, `bool`, `list[…]`).
///
/// ```
/// let (component, title) = fastrs::model::generic_name("Page", &["Item".into(), "int64".into()]);
/// assert_eq!((component.as_str(), title.as_str()), ("Page_Item__int_", "Page[Item, int]"));
/// ```
pub fn generic_name(base: &str, args: &[std::borrow::Cow<'static, str>]) -> (String, String) {
    let args: Vec<String> = args.iter().map(|a| python_type_name(a)).collect();
    let title = format!("{base}[{}]", args.join(", "));
    let component = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    (component, title)
}

/// Python's name of a type from its schemars schema name.
fn python_type_name(schema_name: &str) -> String {
    if let Some(item) = schema_name.strip_prefix("Array_of_") {
        return format!("list[{}]", python_type_name(item));
    }
    if let Some(item) = schema_name.strip_prefix("Nullable_") {
        return format!("Optional[{}]", python_type_name(item));
    }
    match schema_name {
        "int8" | "int16" | "int32" | "int64" | "int128" | "uint8" | "uint16" | "uint32"
        | "uint64" | "uint128" | "int" | "uint" => "int".to_owned(),
        "float" | "double" => "float".to_owned(),
        "String" | "string" | "str" => "str".to_owned(),
        "boolean" | "bool" => "bool".to_owned(),
        other => other.to_owned(),
    }
}
