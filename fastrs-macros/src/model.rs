//! `#[derive(Model)]`: Pydantic's `BaseModel` for a struct, or a string enum.
//!
//! For a struct it generates, inside `const _: () = { … };`:
//! * a private shadow struct deriving serde's `Deserialize` whose fields are
//!   `Option`s read with Pydantic's lax rules: the fast path, one pass over the
//!   bytes; the model's `Deserialize` then applies defaults and constraints;
//! * `FromJson::from_json`, the slow path over a `serde_json::Value` that
//!   reports every error with its location;
//! * `Serialize`, `JsonSchema` (with every constraint), `Check`, `Model` and
//!   `IntoResponse`.
//!
//! For a struct with one unnamed field (a newtype, Pydantic's `RootModel`) it
//! generates the same impls, each delegating to the inner type, plus
//! `fastrs::model::Newtype`, through which the runtime makes a newtype of a
//! parameter type a parameter type.
//!
//! For an enum of unit variants it generates a string enum: parameters and
//! JSON read it by name, Pydantic's `enum` error otherwise.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::errors::Errors;
use crate::options::{default_value, parse_opts, shape, FieldOpts};

const FIELD_OPTIONS: &[&str] = &[
    "default",
    "alias",
    "description",
    "example",
    "deprecated",
    "required",
];
const VARIANT_OPTIONS: &[&str] = &["alias"];

pub fn expand(input: DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    if !input.generics.params.is_empty() {
        errors.at(
            &input.generics,
            "#[derive(Model)] does not support generic types",
        );
        return errors.into_compile_error();
    }
    let out = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => {
                expand_struct(&input, named.named.iter().collect(), &mut errors)
            }
            Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
                expand_newtype(&input, &unnamed.unnamed[0], &mut errors)
            }
            _ => {
                errors.at(
                    &input.ident,
                    "#[derive(Model)] needs a struct with named fields, or with exactly one unnamed field (a newtype)",
                );
                TokenStream::new()
            }
        },
        Data::Enum(e) => expand_enum(&input, e, &mut errors),
        Data::Union(_) => {
            errors.at(&input.ident, "#[derive(Model)] does not support unions");
            TokenStream::new()
        }
    };
    if errors.is_empty() {
        out
    } else {
        errors.into_compile_error()
    }
}

fn field_opts(attrs: &[syn::Attribute], allowed: &[&str], errors: &mut Errors) -> FieldOpts {
    let mut opts = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("field")) {
        match &a.meta {
            syn::Meta::List(l) => match parse_opts(l.tokens.clone()) {
                Ok(o) => opts.extend(o),
                Err(e) => errors.push(e),
            },
            other => errors.at(other, "expected `#[field(option = value, …)]`"),
        }
    }
    FieldOpts::parse(opts, allowed, errors)
}

fn expand_struct(
    input: &DeriveInput,
    fields: Vec<&syn::Field>,
    errors: &mut Errors,
) -> TokenStream {
    let name = &input.ident;
    let name_str = name.to_string();
    let mut statics = Vec::new();
    let mut shadow_fields = Vec::new();
    let mut fast = Vec::new();
    let mut slow = Vec::new();
    let mut build = Vec::new();
    let mut ser = Vec::new();
    let mut schema_props = Vec::new();
    let mut required = Vec::new();
    let mut param_fields = Vec::new();
    for f in &fields {
        let ident = f.ident.as_ref().expect("named fields");
        let ty = &f.ty;
        let span = ty.span();
        let opts = field_opts(&f.attrs, FIELD_OPTIONS, errors);
        opts.check_applies(shape(ty), ty, errors);
        let wire = opts
            .alias
            .as_ref()
            .map(LitStr::value)
            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
        param_fields.push((wire.clone(), shape(ty) == crate::options::Shape::List));
        let upper = ident.to_string().to_uppercase();
        let c = format_ident!("__C_{}", upper);
        let pat = format_ident!("__PATTERN_{}", upper);
        let pattern_static = opts.pattern_static(&pat);
        let constraints = opts.constraints(opts.pattern.as_ref().map(|_| &pat));
        statics.push(quote! {
            #pattern_static
            static #c: ::fastrs::Constraints = #constraints;
        });
        if opts.required && opts.default.is_some() {
            errors.at(ident, "a field with a default cannot be `required`");
        }
        let missing = match &opts.default {
            None if opts.required => quote!(::fastrs::model::Missing::Always),
            None => quote!(::fastrs::model::Missing::Required),
            Some(None) => quote!(::fastrs::model::Missing::Default(
                <#ty as ::core::default::Default>::default
            )),
            Some(Some(e)) => {
                let value = default_value(ty, Some(e));
                quote!(::fastrs::model::Missing::Default(|| -> #ty { #value }))
            }
        };
        shadow_fields.push(quote_spanned! {span=>
            #[serde(rename = #wire, default, deserialize_with = "::fastrs::lax::deserialize_some")]
            #ident: ::core::option::Option<#ty>,
        });
        fast.push(quote! {
            #ident: ::fastrs::model::fast_field(__s.#ident, #missing, &#c)
                .map_err(<__D::Error as ::fastrs::serde::de::Error>::custom)?,
        });
        slow.push(quote_spanned! {span=>
            let #ident = ::fastrs::model::field::<#ty>(__v, #wire, #missing, &#c, __loc, __errors);
        });
        build.push(quote!(#ident: #ident?,));
        ser.push(quote!(::fastrs::serde::ser::SerializeStruct::serialize_field(&mut __st, #wire, &::fastrs::model::Dumped(&self.#ident))?;));
        let description = match opts
            .description
            .as_ref()
            .map(LitStr::value)
            .or_else(|| crate::options::doc_comment(&f.attrs))
        {
            Some(d) => quote!(::core::option::Option::Some(#d)),
            None => quote!(::core::option::Option::None),
        };
        let example = match &opts.example {
            Some(e) => quote!(::core::option::Option::Some(#e)),
            None => quote!(::core::option::Option::None),
        };
        let is_option = crate::options::option_inner(ty).is_some();
        let default_json = match &opts.default {
            None => quote!(::core::option::Option::None),
            Some(_) => quote!({
                let __m: ::fastrs::model::Missing<#ty> = #missing;
                match __m {
                    ::fastrs::model::Missing::Default(f) => ::fastrs::serde_json::to_value(::fastrs::model::Dumped(&f())).ok(),
                    _ => ::core::option::Option::None,
                }
            }),
        };
        if opts.default.is_none() && (!is_option || opts.required) {
            required.push(wire.clone());
        }
        schema_props.push(quote! {
            __props.insert(
                ::std::string::String::from(#wire),
                ::fastrs::model::field_schema(
                    __g.subschema_for::<#ty>(), &#c, &::fastrs::openapi::python_title(#wire), #description, #default_json, #example,
                ).to_value(),
            );
        });
    }
    let n = fields.len();
    let idents: Vec<_> = fields
        .iter()
        .map(|f| f.ident.as_ref().expect("named"))
        .collect();
    let _ = idents;
    let param_model = param_model(name, &param_fields);
    let model_doc = match crate::options::doc_comment(&input.attrs) {
        Some(d) => {
            quote!(__schema.insert(::std::string::String::from("description"), ::fastrs::serde_json::Value::from(#d));)
        }
        None => quote!(),
    };
    quote! {
        const _: () = {
            #(#statics)*

            #[derive(::fastrs::serde::Deserialize)]
            #[serde(crate = "::fastrs::serde")]
            struct __FastrsShadow {
                #(#shadow_fields)*
            }

            impl<'de> ::fastrs::serde::Deserialize<'de> for #name {
                fn deserialize<__D: ::fastrs::serde::Deserializer<'de>>(
                    __d: __D,
                ) -> ::core::result::Result<Self, __D::Error> {
                    let __s = <__FastrsShadow as ::fastrs::serde::Deserialize>::deserialize(::fastrs::model::ObjectOnly(__d))?;
                    ::core::result::Result::Ok(#name { #(#fast)* })
                }
            }

            impl ::fastrs::FromJson for #name {
                const IS_MODEL: bool = true;
                fn deserialize_lax<'de, __D: ::fastrs::serde::Deserializer<'de>>(
                    __d: __D,
                ) -> ::core::result::Result<Self, __D::Error> {
                    <Self as ::fastrs::serde::Deserialize>::deserialize(__d)
                }
                fn from_json(
                    __v: &::fastrs::serde_json::Value,
                    __loc: &mut ::fastrs::validation::Loc,
                    __errors: &mut ::fastrs::ValidationErrors,
                ) -> ::core::option::Option<Self> {
                    ::fastrs::model::expect_object(__v, #name_str, __loc, __errors)?;
                    #(#slow)*
                    ::core::option::Option::Some(#name { #(#build)* })
                }
            }

            impl ::fastrs::Check for #name {
                fn check(&self, _: &::fastrs::Constraints) -> ::core::result::Result<(), ::fastrs::Invalid> {
                    ::core::result::Result::Ok(())
                }
            }

            impl ::fastrs::serde::Serialize for #name {
                fn serialize<__S: ::fastrs::serde::Serializer>(
                    &self,
                    __s: __S,
                ) -> ::core::result::Result<__S::Ok, __S::Error> {
                    let mut __st = __s.serialize_struct(#name_str, #n)?;
                    #(#ser)*
                    ::fastrs::serde::ser::SerializeStruct::end(__st)
                }
            }

            impl ::fastrs::schemars::JsonSchema for #name {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(#name_str)
                }
                fn json_schema(__g: &mut ::fastrs::schemars::SchemaGenerator) -> ::fastrs::schemars::Schema {
                    let mut __props = ::fastrs::serde_json::Map::new();
                    #(#schema_props)*
                    let mut __schema = ::fastrs::serde_json::Map::new();
                    __schema.insert(::std::string::String::from("properties"), ::fastrs::serde_json::Value::Object(__props));
                    let __required: &[&str] = &[#(#required),*];
                    if !__required.is_empty() {
                        __schema.insert(
                            ::std::string::String::from("required"),
                            ::fastrs::serde_json::json!(__required),
                        );
                    }
                    __schema.insert(::std::string::String::from("title"), ::fastrs::serde_json::Value::from(#name_str));
                    __schema.insert(::std::string::String::from("type"), ::fastrs::serde_json::Value::from("object"));
                    #model_doc
                    ::fastrs::schemars::Schema::from(__schema)
                }
            }

            impl ::fastrs::Model for #name {}

            impl ::fastrs::model::Dump for #name {}

            impl ::fastrs::extract::Param for #name {
                type Source = ::fastrs::extract::Body;
            }

            #param_model

            impl ::fastrs::IntoResponse for #name {
                fn into_response(self) -> ::fastrs::Response {
                    ::fastrs::response::json_response(::fastrs::http::StatusCode::OK, &self)
                }
                fn response_schema(
                    __g: &mut ::fastrs::schemars::SchemaGenerator,
                ) -> ::core::option::Option<::fastrs::schemars::Schema> {
                    ::core::option::Option::Some(__g.subschema_for::<Self>())
                }
            }
        };
    }
}

/// A struct model is also a parameter model (`#[query] filter: Filter`):
/// its fields' wire names for `fastrs::extract::ParamModel`, and a
/// `ParamValue` impl that hands reading and documenting to the runtime.
fn param_model(name: &syn::Ident, fields: &[(String, bool)]) -> TokenStream {
    let entries = fields.iter().map(|(wire, list)| {
        let header = wire.replace('_', "-").to_lowercase();
        quote!(::fastrs::extract::ParamField { name: #wire, header: #header, list: #list })
    });
    quote! {
        impl ::fastrs::extract::ParamModel for #name {
            const FIELDS: &'static [::fastrs::extract::ParamField] = &[#(#entries),*];
        }

        impl ::fastrs::extract::ParamValue for #name {
            const REQUIRED: bool = true;
            fn from_values(
                __values: &::fastrs::extract::RawValues<'_>,
                _: ::core::option::Option<fn() -> Self>,
                __c: &::fastrs::Constraints,
                __errors: &mut ::fastrs::ValidationErrors,
            ) -> ::core::option::Option<Self> {
                ::fastrs::extract::param_model::read(__values, __c, __errors)
            }
            fn document(
                _: &'static ::fastrs::extract::Declared<Self>,
                __source: ::fastrs::Source,
                __op: &mut ::fastrs::routing::Operation,
            ) {
                ::fastrs::extract::param_model::document::<Self>(__source, __op)
            }
        }
    }
}

/// A newtype (`struct UserId(Uuid);`): every impl delegates to the inner
/// type; the inner field's constraints are checked after it is read; the
/// schema is the inner type's, titled with the struct's name.
fn expand_newtype(input: &DeriveInput, field: &syn::Field, errors: &mut Errors) -> TokenStream {
    let name = &input.ident;
    let name_str = name.to_string();
    let ty = &field.ty;
    let opts = field_opts(&field.attrs, &[], errors);
    opts.check_applies(shape(ty), ty, errors);
    let pat = format_ident!("__PATTERN");
    let pattern_static = opts.pattern_static(&pat);
    let constraints = opts.constraints(opts.pattern.as_ref().map(|_| &pat));
    let description = match crate::options::doc_comment(&input.attrs) {
        Some(d) => quote!(::core::option::Option::Some(#d)),
        None => quote!(::core::option::Option::None),
    };
    quote! {
        const _: () = {
            #pattern_static
            static __C: ::fastrs::Constraints = #constraints;

            impl ::fastrs::model::Newtype for #name {
                type Inner = #ty;
                fn constraints() -> &'static ::fastrs::Constraints {
                    &__C
                }
                fn from_inner(__inner: #ty) -> Self {
                    #name(__inner)
                }
                fn inner(&self) -> &#ty {
                    &self.0
                }
            }

            impl<'de> ::fastrs::serde::Deserialize<'de> for #name {
                fn deserialize<__D: ::fastrs::serde::Deserializer<'de>>(
                    __d: __D,
                ) -> ::core::result::Result<Self, __D::Error> {
                    <Self as ::fastrs::FromJson>::deserialize_lax(__d)
                }
            }

            impl ::fastrs::FromJson for #name {
                const IS_MODEL: bool = <#ty as ::fastrs::FromJson>::IS_MODEL;
                fn deserialize_lax<'de, __D: ::fastrs::serde::Deserializer<'de>>(
                    __d: __D,
                ) -> ::core::result::Result<Self, __D::Error> {
                    let __v = <#ty as ::fastrs::FromJson>::deserialize_lax(__d)?;
                    ::fastrs::Check::check(&__v, &__C)
                        .map_err(|__e| <__D::Error as ::fastrs::serde::de::Error>::custom(__e.msg))?;
                    ::core::result::Result::Ok(#name(__v))
                }
                fn from_json(
                    __v: &::fastrs::serde_json::Value,
                    __loc: &mut ::fastrs::validation::Loc,
                    __errors: &mut ::fastrs::ValidationErrors,
                ) -> ::core::option::Option<Self> {
                    <#ty as ::fastrs::FromJson>::from_json_checked(__v, &__C, __loc, __errors).map(#name)
                }
            }

            impl ::fastrs::Check for #name {
                fn check(&self, __c: &::fastrs::Constraints) -> ::core::result::Result<(), ::fastrs::Invalid> {
                    ::fastrs::Check::check(&self.0, __c)
                }
            }

            impl ::fastrs::serde::Serialize for #name {
                fn serialize<__S: ::fastrs::serde::Serializer>(
                    &self,
                    __s: __S,
                ) -> ::core::result::Result<__S::Ok, __S::Error> {
                    ::fastrs::model::Dump::dump(&self.0, __s)
                }
            }

            impl ::fastrs::schemars::JsonSchema for #name {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(#name_str)
                }
                fn json_schema(__g: &mut ::fastrs::schemars::SchemaGenerator) -> ::fastrs::schemars::Schema {
                    ::fastrs::model::field_schema(
                        __g.subschema_for::<#ty>(), &__C, #name_str, #description,
                        ::core::option::Option::None, ::core::option::Option::None,
                    )
                }
            }

            impl ::fastrs::Model for #name {}

            impl ::fastrs::model::Dump for #name {}

            impl ::fastrs::extract::Param for #name {
                type Source = ::fastrs::extract::Body;
            }

            impl ::fastrs::IntoResponse for #name {
                fn into_response(self) -> ::fastrs::Response {
                    ::fastrs::response::json_response(::fastrs::http::StatusCode::OK, &self)
                }
                fn response_schema(
                    __g: &mut ::fastrs::schemars::SchemaGenerator,
                ) -> ::core::option::Option<::fastrs::schemars::Schema> {
                    ::core::option::Option::Some(__g.subschema_for::<Self>())
                }
            }
        };
    }
}

fn rename(ident: &str, rule: Option<&str>) -> String {
    let snake = || {
        let mut s = String::new();
        for (i, ch) in ident.chars().enumerate() {
            if ch.is_uppercase() && i > 0 {
                s.push('_');
            }
            s.extend(ch.to_lowercase());
        }
        s
    };
    match rule {
        Some("lowercase") => ident.to_lowercase(),
        Some("UPPERCASE") => ident.to_uppercase(),
        Some("snake_case") => snake(),
        Some("SCREAMING_SNAKE_CASE") => snake().to_uppercase(),
        Some("kebab-case") => snake().replace('_', "-"),
        _ => ident.to_owned(),
    }
}

fn expand_enum(input: &DeriveInput, e: &syn::DataEnum, errors: &mut Errors) -> TokenStream {
    let name = &input.ident;
    let name_str = name.to_string();
    let mut rule = None;
    for a in input.attrs.iter().filter(|a| a.path().is_ident("model")) {
        let r = a.parse_nested_meta(|m| {
            if m.path.is_ident("rename_all") {
                let s: LitStr = m.value()?.parse()?;
                let v = s.value();
                if !["lowercase", "UPPERCASE", "snake_case", "SCREAMING_SNAKE_CASE", "kebab-case"]
                    .contains(&v.as_str())
                {
                    return Err(m.error("rename_all is one of: lowercase, UPPERCASE, snake_case, SCREAMING_SNAKE_CASE, kebab-case"));
                }
                rule = Some(v);
                Ok(())
            } else {
                Err(m.error("unknown model option; expected `rename_all = \"…\"`"))
            }
        });
        if let Err(err) = r {
            errors.push(err);
        }
    }
    let mut idents = Vec::new();
    let mut wires = Vec::new();
    for v in &e.variants {
        if !matches!(v.fields, Fields::Unit) {
            errors.at(
                v,
                "#[derive(Model)] on an enum supports unit variants only (a string enum)",
            );
            continue;
        }
        let opts = field_opts(&v.attrs, VARIANT_OPTIONS, errors);
        let wire = opts
            .alias
            .map(|a| a.value())
            .unwrap_or_else(|| rename(&v.ident.to_string(), rule.as_deref()));
        idents.push(&v.ident);
        wires.push(wire);
    }
    quote! {
        const _: () = {
            const __VALUES: &[&str] = &[#(#wires),*];

            impl #name {
                fn __fastrs_parse(s: &str) -> ::core::option::Option<Self> {
                    match s {
                        #(#wires => ::core::option::Option::Some(#name::#idents),)*
                        _ => ::core::option::Option::None,
                    }
                }
                /// The value's name on the wire.
                pub fn as_str(&self) -> &'static str {
                    match self { #(#name::#idents => #wires,)* }
                }
            }

            impl ::fastrs::extract::Param for #name {
                type Source = ::fastrs::extract::Query;
            }

            impl ::fastrs::FromParam for #name {
                fn from_param(raw: &str) -> ::core::result::Result<Self, ::fastrs::Invalid> {
                    #name::__fastrs_parse(raw).ok_or_else(|| ::fastrs::model::enum_error(__VALUES))
                }
            }

            impl ::fastrs::FromJson for #name {
                fn deserialize_lax<'de, __D: ::fastrs::serde::Deserializer<'de>>(
                    __d: __D,
                ) -> ::core::result::Result<Self, __D::Error> {
                    <Self as ::fastrs::serde::Deserialize>::deserialize(__d)
                }
                fn from_json(
                    __v: &::fastrs::serde_json::Value,
                    __loc: &mut ::fastrs::validation::Loc,
                    __errors: &mut ::fastrs::ValidationErrors,
                ) -> ::core::option::Option<Self> {
                    let __r = match __v {
                        ::fastrs::serde_json::Value::String(s) => <Self as ::fastrs::FromParam>::from_param(s),
                        _ => ::core::result::Result::Err(::fastrs::model::enum_error(__VALUES)),
                    };
                    ::fastrs::lax::record(__r, __v, __loc, __errors)
                }
            }

            impl<'de> ::fastrs::serde::Deserialize<'de> for #name {
                fn deserialize<__D: ::fastrs::serde::Deserializer<'de>>(
                    __d: __D,
                ) -> ::core::result::Result<Self, __D::Error> {
                    let s = <::std::borrow::Cow<'de, str> as ::fastrs::serde::Deserialize>::deserialize(__d)?;
                    #name::__fastrs_parse(&s).ok_or_else(|| {
                        <__D::Error as ::fastrs::serde::de::Error>::custom(::fastrs::model::enum_error(__VALUES).msg)
                    })
                }
            }

            impl ::fastrs::serde::Serialize for #name {
                fn serialize<__S: ::fastrs::serde::Serializer>(&self, __s: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                    __s.serialize_str(self.as_str())
                }
            }

            impl ::fastrs::model::Dump for #name {}

            impl ::fastrs::Check for #name {
                fn check(&self, _: &::fastrs::Constraints) -> ::core::result::Result<(), ::fastrs::Invalid> {
                    ::core::result::Result::Ok(())
                }
            }

            impl ::fastrs::schemars::JsonSchema for #name {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(#name_str)
                }
                fn json_schema(_: &mut ::fastrs::schemars::SchemaGenerator) -> ::fastrs::schemars::Schema {
                    ::fastrs::schemars::json_schema!({
                        "enum": __VALUES,
                        "title": #name_str,
                        "type": "string",
                    })
                }
            }

            impl ::fastrs::IntoResponse for #name {
                fn into_response(self) -> ::fastrs::Response {
                    ::fastrs::response::json_response(::fastrs::http::StatusCode::OK, &self)
                }
            }
        };
    }
}
