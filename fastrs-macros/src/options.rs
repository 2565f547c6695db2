//! The options shared by parameter attributes (`#[query(ge = 0)]`) and model
//! fields (`#[field(min_length = 1)]`): constraints, default, alias, docs.
//! Option names live here, once.

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, ExprUnary, Ident, Lit, LitStr, Token, UnOp};

use crate::errors::Errors;

pub const CONSTRAINTS: &[&str] = &[
    "gt",
    "ge",
    "lt",
    "le",
    "multiple_of",
    "min_length",
    "max_length",
    "pattern",
    "max_digits",
    "decimal_places",
];

/// `name`, `name = expr`, or `name = [ … ]` (a list, kept as tokens too:
/// `examples = [{"a": 1}]` is JSON for `serde_json::json!`, not an expression).
pub struct Opt {
    pub name: Ident,
    pub value: Option<Expr>,
    /// The tokens inside `[ … ]` when the value is a bracketed list.
    pub list: Option<TokenStream>,
}

impl Parse for Opt {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name: Ident = input.call(syn::ext::IdentExt::parse_any)?;
        let mut list = None;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            if input.peek(syn::token::Brace) {
                let group: proc_macro2::Group = input.parse()?;
                return Err(syn::Error::new(
                    group.span(),
                    format!(
                        "`{name}` takes a value; a JSON object goes in a list: `{name} = [{{…}}]`"
                    ),
                ));
            }
            if input.peek(syn::token::Bracket) {
                let value = input.fork().parse::<Expr>().ok();
                let content;
                syn::bracketed!(content in input);
                list = Some(content.parse::<TokenStream>()?);
                value
            } else {
                Some(input.parse()?)
            }
        } else {
            None
        };
        Ok(Opt { name, value, list })
    }
}

pub fn parse_opts(tokens: TokenStream) -> syn::Result<Vec<Opt>> {
    let p = Punctuated::<Opt, Token![,]>::parse_terminated;
    Ok(syn::parse::Parser::parse2(p, tokens)?.into_iter().collect())
}

/// A numeric literal, possibly negative.
pub enum Num {
    Int(i128),
    Float(f64),
}

fn num(e: &Expr) -> Option<Num> {
    match e {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse::<i128>().ok().map(Num::Int),
        Expr::Lit(ExprLit {
            lit: Lit::Float(f), ..
        }) => f.base10_parse::<f64>().ok().map(Num::Float),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => match num(expr)? {
            Num::Int(i) => Some(Num::Int(-i)),
            Num::Float(f) => Some(Num::Float(-f)),
        },
        _ => None,
    }
}

fn usize_lit(e: &Expr) -> Option<usize> {
    match e {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse().ok(),
        _ => None,
    }
}

fn str_lit(e: &Expr) -> Option<LitStr> {
    match e {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.clone()),
        _ => None,
    }
}

/// The options of one parameter or field, validated.
#[derive(Default)]
pub struct FieldOpts {
    pub gt: Option<(Num, Span)>,
    pub ge: Option<(Num, Span)>,
    pub lt: Option<(Num, Span)>,
    pub le: Option<(Num, Span)>,
    pub multiple_of: Option<(Num, Span)>,
    pub min_length: Option<(usize, Span)>,
    pub max_length: Option<(usize, Span)>,
    pub pattern: Option<LitStr>,
    pub max_digits: Option<(usize, Span)>,
    pub decimal_places: Option<(usize, Span)>,
    /// `Some(None)`: bare `default` (the type's Default).
    pub default: Option<Option<Expr>>,
    pub alias: Option<LitStr>,
    pub description: Option<LitStr>,
    pub example: Option<String>,
    /// `examples = [ … ]`: the tokens of the list, JSON for `serde_json::json!`.
    pub examples: Option<TokenStream>,
    /// `title = "…"`: the schema's title instead of the name's.
    pub title: Option<LitStr>,
    /// `validation_alias = "…"`: the name the field is read under.
    pub validation_alias: Option<LitStr>,
    /// `serialization_alias = "…"`: the name the field is written under.
    pub serialization_alias: Option<LitStr>,
    /// `validator = path::to_fn`: a function run on the validated value.
    pub validator: Option<syn::Path>,
    /// `extra`: the field that keeps a model's extra keys.
    pub extra: Option<Ident>,
    /// `fields_set`: the field that records which fields the input set.
    pub fields_set: Option<Ident>,
    /// `exclude_none`: the field is left out of the output when `None`.
    pub exclude_none: Option<Ident>,
    pub deprecated: bool,
    pub include_in_schema: bool,
    /// `required`: an `Option` field that must be present (it may be null).
    pub required: bool,
    /// `embed`: a body parameter read under its name in the body's object.
    pub embed: Option<Span>,
}

impl FieldOpts {
    /// Parses `opts`; `allowed` lists the names accepted besides the constraints.
    pub fn parse(opts: Vec<Opt>, allowed: &[&str], errors: &mut Errors) -> FieldOpts {
        let mut out = FieldOpts {
            include_in_schema: true,
            ..Default::default()
        };
        let mut seen: Vec<String> = Vec::new();
        for Opt { name, value, list } in opts {
            let key = name.to_string();
            if seen.contains(&key) {
                errors.at(&name, format!("`{key}` is given twice"));
                continue;
            }
            seen.push(key.clone());
            if !CONSTRAINTS.contains(&key.as_str()) && !allowed.contains(&key.as_str()) {
                let mut all: Vec<&str> = CONSTRAINTS.to_vec();
                all.extend_from_slice(allowed);
                errors.at(
                    &name,
                    format!(
                        "unknown option `{key}`; expected one of: {}",
                        all.join(", ")
                    ),
                );
                continue;
            }
            let span = name.span();
            let need = |errors: &mut Errors, what: &str| {
                errors.at(&name, format!("`{key}` needs a value: `{key} = {what}`"));
            };
            match key.as_str() {
                "gt" | "ge" | "lt" | "le" | "multiple_of" => {
                    let Some(v) = value.as_ref() else {
                        need(errors, "<number>");
                        continue;
                    };
                    let Some(n) = num(v) else {
                        errors.at(v, format!("`{key}` takes a number literal"));
                        continue;
                    };
                    let slot = match key.as_str() {
                        "gt" => &mut out.gt,
                        "ge" => &mut out.ge,
                        "lt" => &mut out.lt,
                        "le" => &mut out.le,
                        _ => &mut out.multiple_of,
                    };
                    *slot = Some((n, span));
                }
                "min_length" | "max_length" | "max_digits" | "decimal_places" => {
                    let Some(v) = value.as_ref() else {
                        need(errors, "<length>");
                        continue;
                    };
                    let Some(n) = usize_lit(v) else {
                        errors.at(v, format!("`{key}` takes a non-negative integer literal"));
                        continue;
                    };
                    match key.as_str() {
                        "min_length" => out.min_length = Some((n, span)),
                        "max_length" => out.max_length = Some((n, span)),
                        "max_digits" => out.max_digits = Some((n, span)),
                        _ => out.decimal_places = Some((n, span)),
                    }
                }
                "pattern"
                | "alias"
                | "description"
                | "title"
                | "validation_alias"
                | "serialization_alias" => {
                    let Some(v) = value.as_ref() else {
                        need(errors, "\"…\"");
                        continue;
                    };
                    let Some(s) = str_lit(v) else {
                        errors.at(v, format!("`{key}` takes a string literal"));
                        continue;
                    };
                    match key.as_str() {
                        "pattern" => out.pattern = Some(s),
                        "alias" => out.alias = Some(s),
                        "title" => out.title = Some(s),
                        "validation_alias" => out.validation_alias = Some(s),
                        "serialization_alias" => out.serialization_alias = Some(s),
                        _ => out.description = Some(s),
                    }
                }
                "default" => out.default = Some(value),
                "example" => {
                    let Some(v) = value.as_ref() else {
                        need(errors, "<literal>");
                        continue;
                    };
                    match v {
                        Expr::Lit(ExprLit {
                            lit: Lit::Str(s), ..
                        }) => out.example = Some(format!("{:?}", s.value())),
                        Expr::Lit(ExprLit {
                            lit: Lit::Bool(b), ..
                        }) => out.example = Some(b.value.to_string()),
                        other => match num(other) {
                            Some(Num::Int(i)) => out.example = Some(i.to_string()),
                            Some(Num::Float(f)) => out.example = Some(f.to_string()),
                            None => errors.at(other, "`example` takes a literal"),
                        },
                    }
                }
                "examples" => match list {
                    Some(l) => out.examples = Some(l),
                    None => errors.at(
                        value
                            .as_ref()
                            .map_or(name.to_token_stream(), |v| v.to_token_stream()),
                        "`examples` takes a list of JSON values: `examples = [\"a\", {\"b\": 1}]`",
                    ),
                },
                "validator" => match value {
                    Some(Expr::Path(p)) if p.qself.is_none() => out.validator = Some(p.path),
                    Some(other) => errors.at(
                        other,
                        "`validator` takes the path of a function: `validator = check_name`",
                    ),
                    None => need(errors, "path::to_fn"),
                },
                "extra" => match value {
                    None => out.extra = Some(name.clone()),
                    Some(v) => errors.at(v, "`extra` takes no value: `#[field(extra)]`"),
                },
                "fields_set" => match value {
                    None => out.fields_set = Some(name.clone()),
                    Some(v) => errors.at(v, "`fields_set` takes no value: `#[field(fields_set)]`"),
                },
                "exclude_none" => match value {
                    None => out.exclude_none = Some(name.clone()),
                    Some(v) => {
                        errors.at(v, "`exclude_none` takes no value: `#[field(exclude_none)]`")
                    }
                },
                "deprecated" => out.deprecated = bool_opt(&name, value.as_ref(), errors),
                "required" => out.required = bool_opt(&name, value.as_ref(), errors),
                "embed" => {
                    out.embed = bool_opt(&name, value.as_ref(), errors).then_some(span);
                }
                "include_in_schema" => {
                    out.include_in_schema = bool_opt(&name, value.as_ref(), errors)
                }
                _ => {}
            }
        }
        out
    }

    /// Rejects options that do not apply to `kind` (the type's shape).
    pub fn check_applies(&self, kind: Shape, ty: &syn::Type, errors: &mut Errors) {
        let numeric = [&self.gt, &self.ge, &self.lt, &self.le, &self.multiple_of];
        match kind {
            Shape::Str | Shape::List => {
                for (_, span) in numeric.into_iter().flatten() {
                    errors.push(syn::Error::new(
                        *span,
                        format!(
                            "numeric constraints do not apply to `{}`",
                            ty.to_token_stream()
                        ),
                    ));
                }
                if kind == Shape::List {
                    if let Some(p) = &self.pattern {
                        errors.at(p, "`pattern` does not apply to a list");
                    }
                }
            }
            Shape::Number => {
                for (_, span) in [&self.min_length, &self.max_length].into_iter().flatten() {
                    errors.push(syn::Error::new(
                        *span,
                        format!(
                            "length constraints do not apply to `{}`",
                            ty.to_token_stream()
                        ),
                    ));
                }
                if let Some(p) = &self.pattern {
                    errors.at(
                        p,
                        format!("`pattern` does not apply to `{}`", ty.to_token_stream()),
                    );
                }
            }
            Shape::Other => {}
        }
    }

    /// `::fastrs::Constraints { … }`, usable in a static.
    pub fn constraints(&self, pattern_static: Option<&Ident>) -> TokenStream {
        let bound = |n: &Option<(Num, Span)>| match n {
            Some((Num::Int(i), _)) => Some(quote!(::fastrs::Bound::Int(#i))),
            Some((Num::Float(f), _)) => Some(quote!(::fastrs::Bound::Float(#f))),
            None => None,
        };
        let count = |n: &Option<(usize, Span)>| n.as_ref().map(|(n, _)| quote!(#n));
        let digits = |n: &Option<(usize, Span)>| {
            n.as_ref().map(|(n, _)| {
                let n = *n as u32;
                quote!(#n)
            })
        };
        // Only the constraints given are written; the rest come from `NONE`.
        let given = [
            ("gt", bound(&self.gt)),
            ("ge", bound(&self.ge)),
            ("lt", bound(&self.lt)),
            ("le", bound(&self.le)),
            ("multiple_of", bound(&self.multiple_of)),
            ("min_length", count(&self.min_length)),
            ("max_length", count(&self.max_length)),
            ("pattern", pattern_static.map(|p| quote!(&#p))),
            ("max_digits", digits(&self.max_digits)),
            ("decimal_places", digits(&self.decimal_places)),
        ];
        let fields: Vec<TokenStream> = given
            .into_iter()
            .filter_map(|(name, v)| {
                let name = Ident::new(name, Span::call_site());
                v.map(|v| quote!(#name: ::core::option::Option::Some(#v),))
            })
            .collect();
        if fields.is_empty() {
            return quote!(::fastrs::Constraints::NONE);
        }
        quote! {
            ::fastrs::Constraints { #(#fields)* ..::fastrs::Constraints::NONE }
        }
    }

    /// The pattern's static, if any.
    pub fn pattern_static(&self, name: &Ident) -> TokenStream {
        match &self.pattern {
            Some(p) => quote!(static #name: ::fastrs::Pattern = ::fastrs::Pattern::new(#p);),
            None => TokenStream::new(),
        }
    }
}

fn bool_opt(name: &Ident, v: Option<&Expr>, errors: &mut Errors) -> bool {
    match v {
        None => true,
        Some(Expr::Lit(ExprLit {
            lit: Lit::Bool(b), ..
        })) => b.value,
        Some(other) => {
            errors.at(other, format!("`{name}` takes `true` or `false`"));
            true
        }
    }
}

/// The broad shape of a type, read from its tokens, for option checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Number,
    Str,
    List,
    Other,
}

/// `Option<T>` → `Some(T)`.
pub fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    generic_inner(ty, "Option")
}

/// `Vec<T>` → `Some(T)`.
pub fn vec_inner(ty: &syn::Type) -> Option<&syn::Type> {
    generic_inner(ty, "Vec")
}

fn generic_inner<'a>(ty: &'a syn::Type, name: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

fn last_ident(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    Some(p.path.segments.last()?.ident.to_string())
}

const NUMBERS: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32",
    "f64",
];
const STRINGS: &[&str] = &["String", "Email"];

/// The shape of `ty`, looking through `Option`.
pub fn shape(ty: &syn::Type) -> Shape {
    let ty = option_inner(ty).unwrap_or(ty);
    if vec_inner(ty).is_some() {
        return Shape::List;
    }
    match last_ident(ty).as_deref() {
        Some(n) if NUMBERS.contains(&n) => Shape::Number,
        Some(n) if STRINGS.contains(&n) => Shape::Str,
        _ => Shape::Other,
    }
}

/// The text of the `///` comments, as Python's `inspect.cleandoc` gives a
/// docstring: the one space after `///` removed, blank edges trimmed.
pub fn doc_comment(attrs: &[syn::Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|l| l.strip_prefix(' ').unwrap_or(&l).to_owned())
        .collect();
    let text = lines.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// The expression of a `default = …` of type `ty`: a number literal as it is
/// (so `default = 0` is a `u32` for a `u32`), wrapped in `Some` for an
/// `Option`; anything else through `Into` (`default = "x"` for a `String`);
/// a bare `default` is the type's `Default`.
pub fn default_value(ty: &syn::Type, d: Option<&Expr>) -> TokenStream {
    let Some(e) = d else {
        return quote!(<#ty as ::core::default::Default>::default());
    };
    if is_number_literal(e) {
        if option_inner(ty).is_some() {
            return quote!(::core::option::Option::Some(#e));
        }
        return e.to_token_stream();
    }
    quote!(::core::convert::Into::<#ty>::into(#e))
}

fn is_number_literal(e: &Expr) -> bool {
    match e {
        Expr::Lit(ExprLit {
            lit: Lit::Int(_) | Lit::Float(_),
            ..
        }) => true,
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => is_number_literal(expr),
        _ => false,
    }
}
