//! Unions of models: Pydantic's `Union[Cat, Dog]`, as `#[derive(Model)]` on
//! an enum whose variants each wrap one model.
//!
//! Two shapes, as Pydantic has them:
//!
//! * **tagged** (`#[model(tag = "pet_type")]`, Pydantic's
//!   `Field(discriminator="pet_type")`): the object's `pet_type` key picks the
//!   variant ([`find_tag`]); no tag is `union_tag_not_found`, an unknown one
//!   `union_tag_invalid`, and an error inside the variant is reported under
//!   the tag (`["body", "pet", "cat", "meows"]`). Documented as `oneOf` with
//!   a `discriminator` ([`tagged_schema`]).
//! * **untagged** (a plain `Union[PlaneItem, CarItem]`, Pydantic's *smart*
//!   mode): every variant is tried ([`Smart`]); of those that validate, the
//!   one that used the most of the input's keys wins, then the one that needed
//!   no coercion (`{"x": "5"}` is a `str` field's exact value but an `int`
//!   field's lax one), then the first. When none validates, every variant's
//!   errors are reported, each under the variant's name
//!   (`["body", "PlaneItem", "size"]`). Documented as `anyOf` ([`any_of`]).
//!
//! Both read the body as a `serde_json::Value` first (the variant is only known
//! once the whole object is read), then each variant's fast path runs over
//! that value; only routes that take a union pay for it.

use serde_json::{Map, Value};

use crate::model::{expect_object, Model};
use crate::validation::{Invalid, Loc, ValidationErrors};

/// The index in `tags` of the tag that `object[discriminator]` holds, or
/// Pydantic's error: `union_tag_not_found` when the key is absent,
/// `union_tag_invalid` when its value is none of `tags` (a non-string value
/// is shown as Python's `str()` of it: `'5'`, `'None'`, `'True'`).
///
/// ```
/// use fastrs::serde_json::json;
/// let tags = &["cat", "dog"];
/// let dog = json!({"pet_type": "dog"});
/// assert_eq!(fastrs::union::find_tag(dog.as_object().unwrap(), "pet_type", tags).unwrap(), 1);
/// let fish = json!({"pet_type": "fish"});
/// let e = fastrs::union::find_tag(fish.as_object().unwrap(), "pet_type", tags).unwrap_err();
/// assert_eq!(e.msg, "Input tag 'fish' found using 'pet_type' does not match any of the expected tags: 'cat', 'dog'");
/// ```
pub fn find_tag(
    object: &Map<String, Value>,
    discriminator: &str,
    tags: &[&str],
) -> Result<usize, Invalid> {
    let quoted = format!("'{discriminator}'");
    let Some(value) = object.get(discriminator) else {
        return Err(Invalid::new(
            "union_tag_not_found",
            format!("Unable to extract tag using discriminator {quoted}"),
        )
        .with_ctx("discriminator", quoted));
    };
    if let Value::String(s) = value {
        if let Some(i) = tags.iter().position(|t| t == s) {
            return Ok(i);
        }
    }
    let tag = python_str(value);
    let expected = tags
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    Err(Invalid::new(
        "union_tag_invalid",
        format!(
            "Input tag '{tag}' found using {quoted} does not match any of the expected tags: {expected}"
        ),
    )
    .with_ctx("discriminator", quoted)
    .with_ctx("tag", tag)
    .with_ctx("expected_tags", expected))
}

/// Python's `str()` of a JSON value, as Pydantic shows a tag that is not a string.
fn python_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        other => other.to_string(),
    }
}

/// Slow path of a tagged union: the variant's index, or the error recorded at
/// `loc` (`model_attributes_type` for a value that is not an object).
pub fn tag_index(
    v: &Value,
    discriminator: &str,
    tags: &[&str],
    loc: &Loc,
    errors: &mut ValidationErrors,
) -> Option<usize> {
    let object = expect_object(v, "", loc, errors)?;
    match find_tag(object, discriminator, tags) {
        Ok(i) => Some(i),
        Err(e) => {
            errors.push(loc, v.clone(), e);
            None
        }
    }
}

/// Fast path of a tagged union: the variant's index, or `None` (the slow path
/// then reports why).
pub fn fast_tag_index(v: &Value, discriminator: &str, tags: &[&str]) -> Option<usize> {
    find_tag(v.as_object()?, discriminator, tags).ok()
}

/// Slow path of one variant: `V` validated from `v`, its errors located under
/// `step` (the tag of a tagged union).
pub fn variant<V: Model>(
    v: &Value,
    step: &'static str,
    loc: &mut Loc,
    errors: &mut ValidationErrors,
) -> Option<V> {
    loc.push(step);
    let out = V::from_json(v, loc, errors);
    loc.pop();
    out
}

/// What the derive asserts of each variant's type, so that a type that is
/// not a model is an error on that type.
pub fn assert_model<M: Model>() {}

/// How well a variant that validated fits the input, in Pydantic's smart
/// mode: first how many of the input's keys are its fields, then whether the
/// given values needed no coercion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fit {
    /// The input's keys that are fields of the variant.
    pub fields_set: usize,
    /// Whether every given field reads back as given (no lax coercion).
    pub exact: bool,
}

/// How `value`, read from `input` as model `V`, fits it.
pub fn fit<V: Model>(input: &Value, value: &V) -> Fit {
    let Some(object) = input.as_object() else {
        return Fit {
            fields_set: 0,
            exact: false,
        };
    };
    let given: Vec<&str> = V::FIELDS
        .iter()
        .map(|f| f.name)
        .filter(|n| object.contains_key(*n))
        .collect();
    let exact = match serde_json::to_value(value) {
        Ok(Value::Object(out)) => given
            .iter()
            .all(|n| out.get(*n).is_none_or(|o| same(&object[*n], o))),
        _ => false,
    };
    Fit {
        fields_set: given.len(),
        exact,
    }
}

/// Whether `output` is `input` as given, not coerced: an integer is an exact
/// float, a float is not an exact integer; nested objects compare on the keys
/// they keep.
fn same(input: &Value, output: &Value) -> bool {
    match (input, output) {
        (Value::Number(i), Value::Number(o)) => {
            i == o || (!i.is_f64() && o.is_f64() && i.as_f64() == o.as_f64())
        }
        (Value::Array(i), Value::Array(o)) => {
            i.len() == o.len() && i.iter().zip(o).all(|(i, o)| same(i, o))
        }
        (Value::Object(i), Value::Object(o)) => {
            i.iter().all(|(k, i)| o.get(k).is_none_or(|o| same(i, o)))
        }
        (i, o) => i == o,
    }
}

/// Pydantic's smart-mode union over one input: each variant is tried in
/// order ([`Smart::fast`] on the fast path, [`Smart::slow`] on the slow
/// one); the best fit wins ([`Fit`], the first on a tie).
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::serde_json::json;
///
/// #[derive(Model, Debug)]
/// struct Number { x: i64 }
/// #[derive(Model, Debug)]
/// struct Text { x: String }
///
/// #[derive(Debug)]
/// enum Value { Number(Number), Text(Text) }
///
/// let input = json!({"x": "5"});
/// let mut u = fastrs::union::Smart::new(&input);
/// u.fast(Value::Number);
/// u.fast(Value::Text);
/// assert!(matches!(u.best(), Some(Value::Text(_)))); // exact beats lax
/// ```
pub struct Smart<'v, U> {
    input: &'v Value,
    best: Option<(Fit, U)>,
    failed: ValidationErrors,
}

impl<'v, U> Smart<'v, U> {
    /// Nothing tried yet.
    pub fn new(input: &'v Value) -> Self {
        Smart {
            input,
            best: None,
            failed: ValidationErrors::new(),
        }
    }

    fn offer<V: Model>(&mut self, value: V, wrap: impl FnOnce(V) -> U) {
        let fit = fit(self.input, &value);
        if self.best.as_ref().is_none_or(|(best, _)| fit > *best) {
            self.best = Some((fit, wrap(value)));
        }
    }

    /// Tries `V`'s fast path.
    pub fn fast<V: Model>(&mut self, wrap: impl FnOnce(V) -> U) {
        if let Ok(v) = V::deserialize_lax(self.input) {
            self.offer(v, wrap);
        }
    }

    /// Tries `V`'s slow path; its errors are kept, under `V`'s name, in case
    /// no variant validates.
    pub fn slow<V: Model>(&mut self, wrap: impl FnOnce(V) -> U, loc: &mut Loc) {
        loc.push(String::from(V::title()));
        let mut errors = ValidationErrors::new();
        let out = V::from_json(self.input, loc, &mut errors);
        loc.pop();
        match out {
            Some(v) => self.offer(v, wrap),
            None => {
                if self.best.is_none() {
                    self.failed.extend(errors);
                }
            }
        }
    }

    /// The variant that fits best, if any validated.
    pub fn best(self) -> Option<U> {
        self.best.map(|(_, u)| u)
    }

    /// The variant that fits best, or every variant's errors added to `errors`.
    pub fn finish(self, errors: &mut ValidationErrors) -> Option<U> {
        match self.best {
            Some((_, u)) => Some(u),
            None => {
                errors.extend(self.failed);
                None
            }
        }
    }
}

/// The fast path's error when no variant of a union matched: the slow path
/// then reports the real errors.
pub const NO_MATCH: &str = "no variant of the union matches";

/// The schema of a tagged union, as Pydantic writes `Field(discriminator=…)`:
/// `oneOf` the variants' references, and `discriminator` with each tag's
/// reference as `mapping`.
pub fn tagged_schema(
    discriminator: &str,
    variants: Vec<(&str, schemars::Schema)>,
) -> schemars::Schema {
    let mut mapping = Map::new();
    let mut one_of = Vec::new();
    for (tag, schema) in variants {
        if let Some(r) = schema.get("$ref") {
            mapping.insert(tag.to_owned(), r.clone());
        }
        one_of.push(schema.to_value());
    }
    let mut out = Map::new();
    out.insert("oneOf".into(), Value::Array(one_of));
    out.insert(
        "discriminator".into(),
        serde_json::json!({"propertyName": discriminator, "mapping": mapping}),
    );
    schemars::Schema::from(out)
}

/// The schema of an untagged union: `anyOf` the variants' schemas.
pub fn any_of(variants: Vec<schemars::Schema>) -> schemars::Schema {
    let mut out = Map::new();
    out.insert(
        "anyOf".into(),
        Value::Array(
            variants
                .into_iter()
                .map(schemars::Schema::to_value)
                .collect(),
        ),
    );
    schemars::Schema::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tag_errors_read_as_pydantic() {
        let tags = &["cat", "dog"];
        let e = find_tag(json!({"x": 1}).as_object().unwrap(), "pet_type", tags).unwrap_err();
        assert_eq!(e.kind, "union_tag_not_found");
        assert_eq!(
            e.msg,
            "Unable to extract tag using discriminator 'pet_type'"
        );
        let e = find_tag(
            json!({"pet_type": null}).as_object().unwrap(),
            "pet_type",
            tags,
        )
        .unwrap_err();
        assert_eq!(e.kind, "union_tag_invalid");
        assert!(e.msg.starts_with("Input tag 'None' found"), "{}", e.msg);
        let e = find_tag(
            json!({"pet_type": 5}).as_object().unwrap(),
            "pet_type",
            tags,
        )
        .unwrap_err();
        assert!(e.msg.starts_with("Input tag '5' found"), "{}", e.msg);
    }

    #[test]
    fn exactness_compares_given_values() {
        assert!(same(&json!(2), &json!(2.0)));
        assert!(!same(&json!(2.0), &json!(2)));
        assert!(!same(&json!("5"), &json!(5)));
        assert!(same(&json!({"a": 1, "extra": 0}), &json!({"a": 1, "b": 2})));
    }
}
