//! FastAPI's separate input and output schemas.
//!
//! A model documents what it reads (request bodies, parameters) and what it
//! writes (responses); the two differ when a field is read and written under
//! different names (`validation_alias`, `serialization_alias`). The document
//! is built with two schema generators, one per schemars `Contract`, and their
//! definitions are merged as FastAPI merges Pydantic's two modes: a component
//! whose two schemas are equal (or that only one side uses) keeps its name;
//! one whose schemas differ, or that refers to such a component, becomes
//! `Name-Input` and `Name-Output`, and every reference is renamed on its side.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

const PREFIX: &str = "#/components/schemas/";

/// The merged components, and the names split into `-Input`/`-Output`.
pub struct Merged {
    /// Every component schema, by name.
    pub schemas: Vec<(String, Value)>,
    /// The names that became `Name-Input` and `Name-Output`.
    pub split: BTreeSet<String>,
}

/// Merges the definitions of the reading (`input`) and writing (`output`)
/// generators.
pub fn merge(input: Map<String, Value>, output: Map<String, Value>) -> Merged {
    let mut split: BTreeSet<String> = input
        .iter()
        .filter(|(k, v)| output.get(*k).is_some_and(|o| o != *v))
        .map(|(k, _)| k.clone())
        .collect();
    // A component that refers to a split one is split too (its references differ).
    loop {
        let more: Vec<String> = input
            .iter()
            .filter(|(k, v)| {
                !split.contains(*k)
                    && output.contains_key(*k)
                    && (refers_to(v, &split) || refers_to(&output[*k], &split))
            })
            .map(|(k, _)| k.clone())
            .collect();
        if more.is_empty() {
            break;
        }
        split.extend(more);
    }
    let mut schemas = Vec::new();
    for (k, mut v) in input {
        rename_refs(&mut v, &split, "-Input");
        if split.contains(&k) {
            schemas.push((format!("{k}-Input"), v));
        } else {
            schemas.push((k, v));
        }
    }
    for (k, mut v) in output {
        rename_refs(&mut v, &split, "-Output");
        if split.contains(&k) {
            schemas.push((format!("{k}-Output"), v));
        } else if !schemas.iter().any(|(n, _)| *n == k) {
            schemas.push((k, v));
        }
    }
    Merged { schemas, split }
}

fn refers_to(v: &Value, names: &BTreeSet<String>) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, x)| match (k.as_str(), x) {
            ("$ref", Value::String(r)) => r.strip_prefix(PREFIX).is_some_and(|n| names.contains(n)),
            _ => refers_to(x, names),
        }),
        Value::Array(a) => a.iter().any(|x| refers_to(x, names)),
        _ => false,
    }
}

/// Renames every reference to a split component in `v` to its `suffix` form.
pub fn rename_refs(v: &mut Value, split: &BTreeSet<String>, suffix: &str) {
    if split.is_empty() {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                match x {
                    Value::String(r) if k == "$ref" => rename_ref(r, split, suffix),
                    // A discriminated union's `discriminator.mapping`: tag → reference.
                    Value::Object(mapping) if k == "mapping" => {
                        for r in mapping.values_mut() {
                            match r {
                                Value::String(r) => rename_ref(r, split, suffix),
                                other => rename_refs(other, split, suffix),
                            }
                        }
                    }
                    _ => rename_refs(x, split, suffix),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rename_refs(x, split, suffix)),
        _ => {}
    }
}

fn rename_ref(r: &mut String, split: &BTreeSet<String>, suffix: &str) {
    if let Some(n) = r.strip_prefix(PREFIX).filter(|n| split.contains(*n)) {
        *r = format!("{PREFIX}{n}{suffix}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn equal_schemas_keep_their_name_and_different_ones_split_with_their_users() {
        let a_in = json!({"properties": {"xIn": {}}});
        let a_out = json!({"properties": {"x": {}}});
        let holder = json!({"properties": {"a": {"$ref": "#/components/schemas/A"}}});
        let input = map(json!({"A": a_in, "Holder": holder, "Same": {"type": "object"}, "In": {}}));
        let output =
            map(json!({"A": a_out, "Holder": holder, "Same": {"type": "object"}, "Out": {}}));
        let m = merge(input, output);
        let names: BTreeSet<&str> = m.schemas.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            BTreeSet::from([
                "A-Input",
                "A-Output",
                "Holder-Input",
                "Holder-Output",
                "In",
                "Out",
                "Same"
            ])
        );
        let holder_out = &m
            .schemas
            .iter()
            .find(|(n, _)| n == "Holder-Output")
            .unwrap()
            .1;
        assert_eq!(
            holder_out["properties"]["a"]["$ref"],
            "#/components/schemas/A-Output"
        );
        let mut body = json!({"schema": {"$ref": "#/components/schemas/Holder"}});
        rename_refs(&mut body, &m.split, "-Input");
        assert_eq!(body["schema"]["$ref"], "#/components/schemas/Holder-Input");
    }

    #[test]
    fn a_discriminator_mapping_follows_the_split() {
        let split: BTreeSet<String> = ["Cat".to_owned()].into();
        let mut union = json!({
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "pet_type", "mapping": {
                "cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}},
        });
        rename_refs(&mut union, &split, "-Input");
        assert_eq!(union["oneOf"][0]["$ref"], "#/components/schemas/Cat-Input");
        assert_eq!(
            union["discriminator"]["mapping"]["cat"],
            "#/components/schemas/Cat-Input"
        );
        assert_eq!(
            union["discriminator"]["mapping"]["dog"],
            "#/components/schemas/Dog"
        );
    }
}
