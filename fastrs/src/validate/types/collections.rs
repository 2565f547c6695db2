//! `dict` and `set`: `HashMap`/`BTreeMap` and `HashSet`/`BTreeSet`.
//!
//! A map's keys are JSON object keys, so they are read as parameter strings
//! are ([`FromParam`]: `HashMap<i64, f64>` takes `{"1": 2.5}`); as in
//! Pydantic, a bad key is reported at `[…, key, "[key]"]` and a bad value at
//! `[…, key]`, both for the same entry. A non-object is `dict_type`. A set is
//! read from a JSON array, de-duplicated, item errors at their index; a
//! non-array is `set_type`. Serialised as serde writes them (a set as a list).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::constraints::{Check, Constraints};
use crate::lax::{FromJson, FromParam, Lax};
use crate::model::{Dump, Dumped};
use crate::validation::{Invalid, Loc, ValidationErrors};

fn dict_type() -> Invalid {
    Invalid::new("dict_type", "Input should be a valid dictionary")
}

fn set_type() -> Invalid {
    Invalid::new("set_type", "Input should be a valid set")
}

/// The slow path of a map: every key and value error, in entry order.
fn map_from_json<K: FromParam, V: FromJson>(
    v: &Value,
    loc: &mut Loc,
    errors: &mut ValidationErrors,
    mut insert: impl FnMut(K, V),
) -> Option<()> {
    let Value::Object(m) = v else {
        errors.push(loc, v.clone(), dict_type());
        return None;
    };
    let mut ok = true;
    for (k, item) in m {
        loc.push(k.clone());
        let key = match K::from_param(k) {
            Ok(key) => Some(key),
            Err(e) => {
                loc.push("[key]");
                errors.push(loc, Value::String(k.clone()), e);
                loc.pop();
                None
            }
        };
        let value = V::from_json(item, loc, errors);
        loc.pop();
        match (key, value) {
            (Some(k), Some(v)) if ok => insert(k, v),
            _ => ok = false,
        }
    }
    ok.then_some(())
}

struct MapVisitor<M, K, V>(PhantomData<(M, K, V)>);

impl<'de, M: Default + Extend<(K, V)>, K: FromParam, V: FromJson> Visitor<'de>
    for MapVisitor<M, K, V>
{
    type Value = M;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<M, A::Error> {
        let mut out = M::default();
        while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let key = K::from_param(&k).map_err(|e| de::Error::custom(e.msg))?;
            let Lax(value) = map.next_value::<Lax<V>>()?;
            out.extend([(key, value)]);
        }
        Ok(out)
    }
}

struct SetVisitor<S, T>(PhantomData<(S, T)>);

impl<'de, S: Default + Extend<T>, T: FromJson> Visitor<'de> for SetVisitor<S, T> {
    type Value = S;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<S, A::Error> {
        let mut out = S::default();
        while let Some(Lax(v)) = seq.next_element::<Lax<T>>()? {
            out.extend([v]);
        }
        Ok(out)
    }
}

fn set_from_json<T: FromJson>(
    v: &Value,
    loc: &mut Loc,
    errors: &mut ValidationErrors,
    mut insert: impl FnMut(T),
) -> Option<()> {
    let Value::Array(items) = v else {
        errors.push(loc, v.clone(), set_type());
        return None;
    };
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        loc.push(i);
        match T::from_json(item, loc, errors) {
            Some(v) if ok => insert(v),
            _ => ok = false,
        }
        loc.pop();
    }
    ok.then_some(())
}

impl<K, V, H> FromJson for HashMap<K, V, H>
where
    K: FromParam + Eq + Hash,
    V: FromJson,
    H: BuildHasher + Default,
    HashMap<K, V, H>: schemars::JsonSchema,
{
    fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(MapVisitor::<Self, K, V>(PhantomData))
    }
    fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
        let mut out = HashMap::default();
        map_from_json(v, loc, errors, |k, v| {
            out.insert(k, v);
        })?;
        Some(out)
    }
}

impl<K: FromParam + Ord, V: FromJson> FromJson for BTreeMap<K, V> {
    fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(MapVisitor::<Self, K, V>(PhantomData))
    }
    fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
        let mut out = BTreeMap::new();
        map_from_json(v, loc, errors, |k, v| {
            out.insert(k, v);
        })?;
        Some(out)
    }
}

impl<T, H> FromJson for HashSet<T, H>
where
    T: FromJson + Eq + Hash,
    H: BuildHasher + Default,
    HashSet<T, H>: schemars::JsonSchema,
{
    const IS_LIST: bool = true;
    fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(SetVisitor::<Self, T>(PhantomData))
    }
    fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
        let mut out = HashSet::default();
        set_from_json(v, loc, errors, |v| {
            out.insert(v);
        })?;
        Some(out)
    }
}

impl<T: FromJson + Ord> FromJson for BTreeSet<T> {
    const IS_LIST: bool = true;
    fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(SetVisitor::<Self, T>(PhantomData))
    }
    fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
        let mut out = BTreeSet::new();
        set_from_json(v, loc, errors, |v| {
            out.insert(v);
        })?;
        Some(out)
    }
}

impl<K: serde::Serialize, V: Dump, H> Dump for HashMap<K, V, H> {
    fn dump<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter().map(|(k, v)| (k, Dumped(v))))
    }
    fn dump_with<S: serde::Serializer>(
        &self,
        options: &crate::dump::DumpOptions<'_>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let options = options.nested();
        s.collect_map(
            self.iter()
                .map(|(k, v)| (k, crate::dump::DumpedWith(v, &options))),
        )
    }
}

impl<K: serde::Serialize, V: Dump> Dump for BTreeMap<K, V> {
    fn dump<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter().map(|(k, v)| (k, Dumped(v))))
    }
    fn dump_with<S: serde::Serializer>(
        &self,
        options: &crate::dump::DumpOptions<'_>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let options = options.nested();
        s.collect_map(
            self.iter()
                .map(|(k, v)| (k, crate::dump::DumpedWith(v, &options))),
        )
    }
}

impl<T: Dump, H> Dump for HashSet<T, H> {
    fn dump<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(Dumped))
    }
    fn dump_with<S: serde::Serializer>(
        &self,
        options: &crate::dump::DumpOptions<'_>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let options = options.nested();
        s.collect_seq(self.iter().map(|v| crate::dump::DumpedWith(v, &options)))
    }
}

impl<T: Dump> Dump for BTreeSet<T> {
    fn dump<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(Dumped))
    }
    fn dump_with<S: serde::Serializer>(
        &self,
        options: &crate::dump::DumpOptions<'_>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let options = options.nested();
        s.collect_seq(self.iter().map(|v| crate::dump::DumpedWith(v, &options)))
    }
}

impl<K, V, H> Check for HashMap<K, V, H> {
    fn check(&self, _: &Constraints) -> Result<(), Invalid> {
        Ok(())
    }
}

impl<K, V> Check for BTreeMap<K, V> {
    fn check(&self, _: &Constraints) -> Result<(), Invalid> {
        Ok(())
    }
}

impl<T, H> Check for HashSet<T, H> {
    fn check(&self, _: &Constraints) -> Result<(), Invalid> {
        Ok(())
    }
}

impl<T> Check for BTreeSet<T> {
    fn check(&self, _: &Constraints) -> Result<(), Invalid> {
        Ok(())
    }
}
