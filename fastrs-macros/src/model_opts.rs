//! The model-level options of `#[derive(Model)]`, `#[model(…)]`, parsed in
//! one place: `extra`, `rename_all`, `examples`, `validator` (structs) and
//! `rename_all`, `literal` (enums), `tag`, `rename_all` (unions). Each shape lists the options it accepts;
//! any other, or one given twice, is an error on its name.

use proc_macro2::{Span, TokenStream};
use syn::{Expr, ExprLit, Ident, Lit};

use crate::errors::Errors;
use crate::options::{parse_opts, Opt};

/// The options a struct with named fields accepts.
pub const STRUCT_OPTIONS: &[&str] = &["extra", "rename_all", "examples", "validator"];
/// The options a unit-only enum accepts.
pub const ENUM_OPTIONS: &[&str] = &["rename_all", "literal"];
/// The options an enum of models (a union) accepts.
pub const UNION_OPTIONS: &[&str] = &["tag", "rename_all"];

/// The rename rules of `rename_all`, serde's names.
const RULES: &[&str] = &[
    "lowercase",
    "UPPERCASE",
    "PascalCase",
    "camelCase",
    "snake_case",
    "SCREAMING_SNAKE_CASE",
    "kebab-case",
    "SCREAMING-KEBAB-CASE",
];

/// Pydantic's `model_config["extra"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Extra {
    /// Unknown keys are dropped (Pydantic's default).
    #[default]
    Ignore,
    /// Unknown keys are `extra_forbidden` errors.
    Forbid,
    /// Unknown keys are kept in the `#[field(extra)]` field and written back.
    Allow,
}

/// `#[model(…)]`, validated.
#[derive(Default)]
pub struct ModelOpts {
    pub extra: Extra,
    /// Where `extra` was given, for errors about it.
    pub extra_span: Option<Span>,
    pub rename_all: Option<String>,
    /// `examples = [ … ]`: JSON for `serde_json::json!`.
    pub examples: Option<TokenStream>,
    /// `validator = path`: `fn(&Self) -> Result<(), E>`, run after the fields.
    pub validator: Option<syn::Path>,
    /// `literal`: an enum documented and reported as Pydantic's `Literal[…]`.
    pub literal: bool,
    /// `tag = "pet_type"`: a union's discriminator (Pydantic's
    /// `Field(discriminator="pet_type")`).
    pub tag: Option<syn::LitStr>,
}

impl ModelOpts {
    /// Parses every `#[model(…)]` of `attrs`, accepting the names in `allowed`.
    pub fn parse(attrs: &[syn::Attribute], allowed: &[&str], errors: &mut Errors) -> ModelOpts {
        let mut opts = Vec::new();
        for a in attrs.iter().filter(|a| a.path().is_ident("model")) {
            match &a.meta {
                syn::Meta::List(l) => match parse_opts(l.tokens.clone()) {
                    Ok(o) => opts.extend(o),
                    Err(e) => errors.push(e),
                },
                other => errors.at(other, "expected `#[model(option = value, …)]`"),
            }
        }
        let mut out = ModelOpts::default();
        let mut seen: Vec<String> = Vec::new();
        for Opt { name, value, list } in opts {
            let key = name.to_string();
            if seen.contains(&key) {
                errors.at(&name, format!("`{key}` is given twice"));
                continue;
            }
            seen.push(key.clone());
            if !allowed.contains(&key.as_str()) {
                errors.at(
                    &name,
                    format!(
                        "unknown model option `{key}`; expected one of: {}",
                        allowed.join(", ")
                    ),
                );
                continue;
            }
            let str_value = |errors: &mut Errors, what: &str| match &value {
                Some(Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                })) => Some(s.clone()),
                Some(other) => {
                    errors.at(other, format!("`{key}` takes a string: {what}"));
                    None
                }
                None => {
                    errors.at(&name, format!("`{key}` needs a value: {what}"));
                    None
                }
            };
            match key.as_str() {
                "extra" => {
                    let what = "`extra = \"forbid\"`, `\"ignore\"` or `\"allow\"`";
                    let Some(s) = str_value(errors, what) else {
                        continue;
                    };
                    out.extra_span = Some(s.span());
                    out.extra = match s.value().as_str() {
                        "forbid" => Extra::Forbid,
                        "ignore" => Extra::Ignore,
                        "allow" => Extra::Allow,
                        _ => {
                            errors.at(&s, format!("`extra` is one of: {what}"));
                            continue;
                        }
                    };
                }
                "rename_all" => {
                    let what = RULES.join(", ");
                    let Some(s) = str_value(errors, &what) else {
                        continue;
                    };
                    if !RULES.contains(&s.value().as_str()) {
                        errors.at(&s, format!("rename_all is one of: {what}"));
                        continue;
                    }
                    out.rename_all = Some(s.value());
                }
                "examples" => match list {
                    Some(l) => out.examples = Some(l),
                    None => errors.at(
                        &name,
                        "`examples` takes a list of JSON values: `examples = [{\"name\": \"Foo\"}]`",
                    ),
                },
                "validator" => match value {
                    Some(Expr::Path(p)) if p.qself.is_none() => out.validator = Some(p.path),
                    Some(other) => errors.at(
                        other,
                        "`validator` takes the path of a function: `validator = check_order`",
                    ),
                    None => errors.at(&name, "`validator` needs a value: `validator = path::to_fn`"),
                },
                "tag" => {
                    out.tag = str_value(errors, "the key that names the variant: `tag = \"type\"`")
                }
                "literal" => match value {
                    None => out.literal = true,
                    Some(v) => errors.at(v, "`literal` takes no value: `#[model(literal)]`"),
                },
                _ => {}
            }
        }
        out
    }
}

/// `ident` renamed by a `rename_all` rule, as serde renames a field
/// (`snake_case` words) or a variant (`PascalCase` words).
pub fn rename(ident: &Ident, rule: Option<&str>, variant: bool) -> String {
    let ident = ident.to_string();
    let ident = ident.trim_start_matches("r#");
    let Some(rule) = rule else {
        return ident.to_owned();
    };
    // The words, lowercased: a variant's start at each capital, a field's at `_`.
    let words: Vec<String> = if variant {
        let mut words: Vec<String> = Vec::new();
        for ch in ident.chars() {
            if ch.is_uppercase() || words.is_empty() {
                words.push(String::new());
            }
            words.last_mut().expect("a word").extend(ch.to_lowercase());
        }
        words
    } else {
        ident.split('_').map(str::to_owned).collect()
    };
    let capitalized = |w: &str| {
        let mut c = w.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect::<String>(),
            None => String::new(),
        }
    };
    match rule {
        "lowercase" => ident.to_lowercase(),
        "UPPERCASE" => ident.to_uppercase(),
        "PascalCase" if variant => ident.to_owned(),
        "PascalCase" => words.iter().map(|w| capitalized(w)).collect(),
        "camelCase" => {
            let pascal: String = if variant {
                ident.to_owned()
            } else {
                words.iter().map(|w| capitalized(w)).collect()
            };
            let mut c = pascal.chars();
            match c.next() {
                Some(f) => f.to_lowercase().chain(c).collect(),
                None => String::new(),
            }
        }
        "snake_case" => words.join("_"),
        "SCREAMING_SNAKE_CASE" => words.join("_").to_uppercase(),
        "kebab-case" => words.join("-"),
        "SCREAMING-KEBAB-CASE" => words.join("-").to_uppercase(),
        _ => ident.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::rename;
    use proc_macro2::Span;
    use syn::Ident;

    fn field(s: &str, rule: &str) -> String {
        rename(&Ident::new(s, Span::call_site()), Some(rule), false)
    }
    fn variant(s: &str, rule: &str) -> String {
        rename(&Ident::new(s, Span::call_site()), Some(rule), true)
    }

    #[test]
    fn fields_are_renamed_as_serde_and_pydantic_to_camel_rename_them() {
        assert_eq!(field("first_name", "camelCase"), "firstName");
        assert_eq!(field("last_seen_at", "camelCase"), "lastSeenAt");
        assert_eq!(field("id", "camelCase"), "id");
        assert_eq!(field("first_name", "PascalCase"), "FirstName");
        assert_eq!(field("first_name", "kebab-case"), "first-name");
        assert_eq!(field("first_name", "SCREAMING-KEBAB-CASE"), "FIRST-NAME");
        assert_eq!(field("first_name", "SCREAMING_SNAKE_CASE"), "FIRST_NAME");
        assert_eq!(field("first_name", "UPPERCASE"), "FIRST_NAME");
    }

    #[test]
    fn variants_are_renamed_as_serde_renames_them() {
        assert_eq!(variant("CreatedAt", "snake_case"), "created_at");
        assert_eq!(variant("CreatedAt", "camelCase"), "createdAt");
        assert_eq!(variant("CreatedAt", "kebab-case"), "created-at");
        assert_eq!(variant("CreatedAt", "SCREAMING-KEBAB-CASE"), "CREATED-AT");
        assert_eq!(variant("CreatedAt", "lowercase"), "createdat");
        assert_eq!(variant("CreatedAt", "PascalCase"), "CreatedAt");
    }
}
