//! Fields set: Pydantic's `model_fields_set`, which fields the input gave.
//!
//! A Pydantic model remembers which fields came in its input (an explicit
//! `null` included) as opposed to those that took their default. FastAPI's
//! partial updates rest on it (`item.model_dump(exclude_unset=True)`, the
//! "Body - Updates" page), and so does `response_model_exclude_unset`.
//!
//! Here it is opt-in, so that a model that does not need it pays nothing: a
//! model that declares a `#[field(fields_set)] fields_set: FieldsSet` field
//! gets it filled by `#[derive(Model)]` on both paths (the fast path notes
//! which keys its one pass met, the slow path which keys the object has),
//! and implements [`TracksFieldsSet`]. That field is neither read, written
//! nor documented. A [`FieldsSet`] is a bit per field, in declaration order
//! (at most 128 fields), `Copy`, no allocation.

use serde_json::Value;

use crate::model::Model;

/// Which fields of a model its input gave (Pydantic's `model_fields_set`):
/// one bit per field, in declaration order, the `fields_set` field itself and
/// a `#[field(extra)]` map not counted.
///
/// Filled by `#[derive(Model)]` when the model is read; a model built in Rust
/// says what it wants: [`FieldsSet::default`] (nothing set, as
/// `Item.model_construct()`) or [`FieldsSet::all`] (every field, as `Item(**all_fields)`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FieldsSet {
    bits: u128,
}

impl FieldsSet {
    /// The most fields a tracking model may have.
    pub const MAX_FIELDS: usize = 128;

    /// No field set.
    pub const fn none() -> Self {
        FieldsSet { bits: 0 }
    }

    /// Every field set.
    pub const fn all() -> Self {
        FieldsSet { bits: u128::MAX }
    }

    /// The fields whose flag is true (the fast path: which keys were met).
    #[inline]
    pub fn from_present<const N: usize>(present: [bool; N]) -> Self {
        let mut bits = 0u128;
        for (i, p) in present.into_iter().enumerate().take(Self::MAX_FIELDS) {
            bits |= (p as u128) << i;
        }
        FieldsSet { bits }
    }

    /// The fields of `names` (read names, in declaration order) that are keys
    /// of `object` (the slow path).
    pub fn from_object(object: &Value, names: &[&str]) -> Self {
        let Value::Object(map) = object else {
            return FieldsSet::none();
        };
        let mut bits = 0u128;
        for (i, name) in names.iter().enumerate().take(Self::MAX_FIELDS) {
            if map.contains_key(*name) {
                bits |= 1 << i;
            }
        }
        FieldsSet { bits }
    }

    /// Whether the field at `index` (declaration order) was set.
    #[inline]
    pub const fn contains(&self, index: usize) -> bool {
        index < Self::MAX_FIELDS && self.bits & (1 << index) != 0
    }

    /// Marks the field at `index` as set.
    pub fn insert(&mut self, index: usize) {
        if index < Self::MAX_FIELDS {
            self.bits |= 1 << index;
        }
    }

    /// Marks the field at `index` as not set.
    pub fn remove(&mut self, index: usize) {
        if index < Self::MAX_FIELDS {
            self.bits &= !(1 << index);
        }
    }

    /// The fields set in either.
    pub const fn union(self, other: FieldsSet) -> FieldsSet {
        FieldsSet {
            bits: self.bits | other.bits,
        }
    }

    /// Whether no field was set.
    pub const fn is_empty(&self) -> bool {
        self.bits == 0
    }
}

/// A model that records which fields its input set: one with a
/// `#[field(fields_set)] fields_set: fastrs::FieldsSet` field, for which
/// `#[derive(Model)]` implements this trait.
///
/// What it allows: `model.model_dump().exclude_unset()`, the route option
/// `response_model_exclude_unset`, and [`model_update`](Self::model_update),
/// FastAPI's partial update. Asking them of a model that does not record its
/// fields set is a compile error naming this trait.
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::serde_json::json;
///
/// #[derive(Model, Debug)]
/// struct Item {
///     name: Option<String>,
///     description: Option<String>,
///     #[field(default = 10.5)]
///     tax: f64,
///     #[field(fields_set)]
///     fields_set: fastrs::FieldsSet,
/// }
///
/// let stored = Item::model_validate(&json!({"name": "Foo", "description": "A foo", "tax": 20.2})).unwrap();
/// // PATCH {"description": null}: only that field is set, to null.
/// let patch = Item::model_validate(&json!({"description": null})).unwrap();
/// assert_eq!(patch.model_fields_set(), ["description"]);
/// assert_eq!(patch.model_dump().exclude_unset().to_value(), json!({"description": null}));
///
/// let updated = stored.model_update(patch);
/// assert_eq!(updated.model_dump().to_value(), json!({"name": "Foo", "description": null, "tax": 20.2}));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not record which fields its input set",
    label = "this model has no `#[field(fields_set)]` field",
    note = "add `#[field(fields_set)] fields_set: fastrs::FieldsSet` to the model to use `exclude_unset` or `model_update`"
)]
pub trait TracksFieldsSet: Model {
    /// The Rust names of the fields, in declaration order (a [`FieldsSet`]'s indices).
    const FIELD_NAMES: &'static [&'static str];

    /// The fields the input set.
    fn fields_set(&self) -> &FieldsSet;

    /// The fields the input set, to change.
    fn fields_set_mut(&mut self) -> &mut FieldsSet;

    /// FastAPI's partial update, `stored.model_copy(update=update.model_dump(exclude_unset=True))`:
    /// every field `update` set (an explicit `null` included) replaces
    /// `self`'s; the others stay. The result's fields set is both sets.
    /// No validation runs: both values are valid models already.
    fn model_update(self, update: Self) -> Self;

    /// The names of the fields set, in declaration order (Pydantic's
    /// `model_fields_set`, ordered).
    fn model_fields_set(&self) -> Vec<&'static str> {
        let set = self.fields_set();
        Self::FIELD_NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| set.contains(*i))
            .map(|(_, n)| *n)
            .collect()
    }

    /// Whether the field with this Rust name was set.
    fn is_set(&self, name: &str) -> bool {
        Self::FIELD_NAMES
            .iter()
            .position(|n| *n == name)
            .is_some_and(|i| self.fields_set().contains(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_follow_declaration_order() {
        let s = FieldsSet::from_present([true, false, true]);
        assert!(s.contains(0) && !s.contains(1) && s.contains(2) && !s.contains(3));
        let o = FieldsSet::from_object(&serde_json::json!({"b": null}), &["a", "b"]);
        assert!(!o.contains(0) && o.contains(1));
        assert_eq!(s.union(o), FieldsSet::from_present([true, true, true]));
        assert!(FieldsSet::none().is_empty() && !FieldsSet::all().contains(200));
    }
}
