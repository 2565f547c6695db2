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
use crate::model_opts::{rename, Extra, ModelOpts, ENUM_OPTIONS, STRUCT_OPTIONS};
use crate::options::{default_value, parse_opts, shape, FieldOpts};

const FIELD_OPTIONS: &[&str] = &[
    "default",
    "alias",
    "validation_alias",
    "serialization_alias",
    "title",
    "description",
    "example",
    "examples",
    "deprecated",
    "required",
    "validator",
    "extra",
    "fields_set",
    "exclude_none",
];
const VARIANT_OPTIONS: &[&str] = &["alias"];

pub fn expand(input: DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    if !generics_supported(&input, &mut errors) {
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
        Data::Enum(e) if e.variants.iter().any(|v| !matches!(v.fields, Fields::Unit)) => {
            crate::union::expand(&input, e, &mut errors)
        }
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

/// Generic models are structs with named fields whose parameters are types
/// (`Page<T>`); anything else generic is an error on the parameter.
fn generics_supported(input: &DeriveInput, errors: &mut Errors) -> bool {
    let named = matches!(&input.data, Data::Struct(s) if matches!(s.fields, Fields::Named(_)));
    let mut ok = true;
    for p in &input.generics.params {
        let what = match p {
            syn::GenericParam::Type(_) if named => continue,
            syn::GenericParam::Type(_) => {
                "#[derive(Model)] supports type parameters on structs with named fields only"
            }
            syn::GenericParam::Lifetime(_) => {
                "#[derive(Model)] does not support lifetime parameters: a model owns its data"
            }
            syn::GenericParam::Const(_) => "#[derive(Model)] does not support const parameters",
        };
        errors.at(p, what);
        ok = false;
    }
    ok
}

/// The generics of a generic model's impls: each type parameter must be
/// readable and writable as a model field, and sent between threads as a
/// handler's values are (`T: FromJson + Dump + Send + Sync + 'static`).
fn model_generics(input: &DeriveInput) -> syn::Generics {
    let mut g = input.generics.clone();
    let params: Vec<syn::Ident> = g.type_params().map(|t| t.ident.clone()).collect();
    let clause = g.make_where_clause();
    for t in params {
        clause
            .predicates
            .push(syn::parse_quote!(#t: ::fastrs::FromJson + ::fastrs::model::Dump + ::core::marker::Send + ::core::marker::Sync + 'static));
    }
    g
}

/// The generics of `impl<'de> Deserialize<'de>` for a generic model.
fn de_generics(g: &syn::Generics) -> syn::Generics {
    let mut g = g.clone();
    g.params.insert(0, syn::parse_quote!('de));
    g
}

/// The schema name and title of a model: its name, or Pydantic's `Page_Item_`
/// and `Page[Item]` for a generic one.
fn schema_names(input: &DeriveInput) -> (TokenStream, TokenStream) {
    let name_str = input.ident.to_string();
    let params: Vec<&syn::Ident> = input.generics.type_params().map(|t| &t.ident).collect();
    if params.is_empty() {
        return (
            quote!(::std::borrow::Cow::Borrowed(#name_str)),
            quote!(#name_str),
        );
    }
    let names = quote!(::fastrs::model::generic_name(
        #name_str,
        &[#(<#params as ::fastrs::schemars::JsonSchema>::schema_name()),*],
    ));
    (
        quote!(::std::borrow::Cow::Owned(#names.0)),
        quote!(#names.1),
    )
}

pub(crate) fn field_opts(
    attrs: &[syn::Attribute],
    allowed: &[&str],
    errors: &mut Errors,
) -> FieldOpts {
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

/// What one named field generates in each impl of its struct.
#[derive(Default)]
struct StructParts {
    statics: Vec<TokenStream>,
    shadow_fields: Vec<TokenStream>,
    fast: Vec<TokenStream>,
    slow: Vec<TokenStream>,
    build: Vec<TokenStream>,
    /// Each field's written name and ident.
    ser: Vec<(String, syn::Ident)>,
    schema_fns: Vec<TokenStream>,
    schema_props: Vec<TokenStream>,
    required: Vec<TokenStream>,
    /// The names the fields are read under.
    read_names: Vec<String>,
    model_fields: Vec<TokenStream>,
    /// The `#[field(extra)]` field and its type's span, if any.
    extra: Option<(syn::Ident, proc_macro2::Span)>,
    /// The `#[field(fields_set)]` field, if any, and each field as dumped.
    fields_set: Option<(syn::Ident, proc_macro2::Span)>,
    dump: Vec<crate::fields::DumpField>,
}

/// The name an expression of the schema uses for a field: the one it is read
/// under, or written under when the generator documents responses (schemars'
/// `Contract::Serialize`).
fn schema_name(read: &str, write: &str) -> TokenStream {
    if read == write {
        quote!(#read)
    } else {
        quote!(if __g.contract().is_serialize() { #write } else { #read })
    }
}

fn struct_field(f: &syn::Field, model: &ModelOpts, parts: &mut StructParts, errors: &mut Errors) {
    let ident = f.ident.as_ref().expect("named fields");
    // The slow path's local for the field: never a name the user's code has
    // (a unit struct named like the field would turn `let` into a pattern).
    let local = format_ident!("__f_{}", ident.to_string().trim_start_matches("r#"));
    let ty = &f.ty;
    let span = ty.span();
    let opts = field_opts(&f.attrs, FIELD_OPTIONS, errors);
    if crate::fields::take_fields_set_field(ident, &opts, &mut parts.fields_set, errors) {
        return;
    }
    if let Some(extra) = &opts.extra {
        if model.extra != Extra::Allow {
            errors.at(
                extra,
                "`#[field(extra)]` keeps the extra keys of a `#[model(extra = \"allow\")]` model",
            );
        }
        if parts.extra.is_some() {
            errors.at(extra, "a model has one `#[field(extra)]` field");
        }
        parts.extra = Some((ident.clone(), span));
        parts.shadow_fields.push(quote_spanned! {span=>
            #[serde(flatten)]
            #ident: ::fastrs::serde_json::Map<::std::string::String, ::fastrs::serde_json::Value>,
        });
        parts.fast.push(quote_spanned!(span=> #ident: __s.#ident,));
        parts.slow.push(quote_spanned! {span=>
            let #local: ::core::option::Option<#ty> =
                ::core::option::Option::Some(::fastrs::model::extra_fields(__v, __READ_NAMES));
        });
        parts.build.push(quote!(#ident: #local?,));
        return;
    }
    opts.check_applies(shape(ty), ty, errors);
    let own = opts.alias.as_ref().map(LitStr::value);
    let base = own.unwrap_or_else(|| rename(ident, model.rename_all.as_deref(), false));
    let read = opts
        .validation_alias
        .as_ref()
        .map_or_else(|| base.clone(), LitStr::value);
    let write = opts
        .serialization_alias
        .as_ref()
        .map_or_else(|| base.clone(), LitStr::value);
    let upper = ident.to_string().trim_start_matches("r#").to_uppercase();
    let c = format_ident!("__C_{}", upper);
    let pat = format_ident!("__PATTERN_{}", upper);
    let pattern_static = opts.pattern_static(&pat);
    let constraints = opts.constraints(opts.pattern.as_ref().map(|_| &pat));
    parts.statics.push(quote! {
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
    parts.shadow_fields.push(quote_spanned! {span=>
        #[serde(rename = #read, default, deserialize_with = "::fastrs::lax::deserialize_some")]
        #ident: ::core::option::Option<#ty>,
    });
    let read_value = match &opts.validator {
        None => quote!(__s.#ident),
        Some(v) => quote_spanned! {v.span()=>
            ::fastrs::model::fast_validate(__s.#ident, |__x: &#ty| #v(__x))
                .map_err(<__D::Error as ::fastrs::serde::de::Error>::custom)?
        },
    };
    parts.fast.push(quote! {
        #ident: ::fastrs::model::fast_field(#read_value, #missing, &#c)
            .map_err(<__D::Error as ::fastrs::serde::de::Error>::custom)?,
    });
    parts.slow.push(match &opts.validator {
        None => quote_spanned! {span=>
            let #local = ::fastrs::model::field::<#ty>(__v, #read, #missing, &#c, __loc, __errors);
        },
        Some(v) => quote_spanned! {v.span()=>
            let #local = ::fastrs::model::field_validated::<#ty, _>(
                __v, #read, #missing, &#c, |__x: &#ty| #v(__x), __loc, __errors,
            );
        },
    });
    parts.build.push(quote!(#ident: #local?,));
    parts.dump.push(crate::fields::DumpField::new(
        ident, &write, &missing, &opts,
    ));
    parts.ser.push((write.clone(), ident.clone()));
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
    let name = schema_name(&read, &write);
    let required = opts.default.is_none() && (!is_option || opts.required);
    if required {
        parts.required.push(name.clone());
    }
    let title = match &opts.title {
        Some(t) => quote!(::std::string::String::from(#t)),
        None => quote!(::fastrs::openapi::python_title(#name)),
    };
    let examples = opts.examples.as_ref().map(|l| {
        quote!(let __schema = ::fastrs::model::with_key(__schema, "examples", ::fastrs::serde_json::json!([#l]));)
    });
    let schema_fn = format_ident!("__schema_{}", ident.to_string().trim_start_matches("r#"));
    parts.schema_fns.push(quote! {
        fn #schema_fn(__g: &mut ::fastrs::schemars::SchemaGenerator) -> ::fastrs::schemars::Schema {
            let __schema = ::fastrs::model::model_field_title(::fastrs::model::field_schema(
                __g.subschema_for::<#ty>(), &#c, &#title, #description, #default_json, #example,
            ));
            #examples
            __schema
        }
    });
    parts.schema_props.push(quote! {
        __props.insert(::std::string::String::from(#name), Self::#schema_fn(__g).to_value());
    });
    parts.model_fields.push(quote! {
        ::fastrs::model::ModelField {
            name: #read,
            is_list: <#ty as ::fastrs::FromJson>::IS_LIST,
            required: #required,
            schema: Self::#schema_fn,
        }
    });
    parts.read_names.push(read);
}

fn expand_struct(
    input: &DeriveInput,
    fields: Vec<&syn::Field>,
    errors: &mut Errors,
) -> TokenStream {
    let name = &input.ident;
    let name_str = name.to_string();
    let model = ModelOpts::parse(&input.attrs, STRUCT_OPTIONS, errors);
    let mut parts = StructParts::default();
    for f in &fields {
        struct_field(f, &model, &mut parts, errors);
    }
    if model.extra == Extra::Allow && parts.extra.is_none() {
        let span = model.extra_span.unwrap_or_else(|| name.span());
        errors.push(syn::Error::new(
            span,
            "`extra = \"allow\"` keeps the extra keys in a field: add `#[field(extra)] extra: serde_json::Map<String, serde_json::Value>`",
        ));
    }
    let StructParts {
        statics,
        shadow_fields,
        mut fast,
        slow,
        mut build,
        ser,
        schema_fns,
        schema_props,
        required,
        read_names,
        model_fields,
        extra,
        fields_set,
        dump,
    } = parts;
    let param_model = param_model(name, input);
    let generics = model_generics(input);
    let (impl_g, ty_g, where_c) = generics.split_for_impl();
    let de_g = de_generics(&generics);
    let (de_impl_g, _, _) = de_g.split_for_impl();
    let shadow_g = ty_g.as_turbofish();
    let (schema_name, title) = schema_names(input);
    // A generic model's name in a union's error locations: `Page[Item]`.
    let model_title = (!input.generics.params.is_empty()).then(|| {
        quote! {
            fn title() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Owned(#title)
            }
        }
    });
    // serde would ask `T: Default` of a generic field with `default`; the
    // shadow's own where clause says what it needs.
    let shadow_bound = (!input.generics.params.is_empty()).then(|| quote!(#[serde(bound = "")]));
    let dump_impls = crate::fields::expand(
        (name, &generics),
        &dump,
        fields_set.as_ref(),
        extra.as_ref().map(|e| &e.0),
        &mut fast,
        &mut build,
        errors,
    );
    let model_doc = match crate::options::doc_comment(&input.attrs) {
        Some(d) => {
            quote!(__schema.insert(::std::string::String::from("description"), ::fastrs::serde_json::Value::from(#d));)
        }
        None => quote!(),
    };
    // Model-level options, each generated only where given.
    let (deny_unknown, forbid_check, extra_const, additional) = match model.extra {
        Extra::Ignore => (quote!(), quote!(), quote!(), quote!()),
        Extra::Forbid => (
            quote!(#[serde(deny_unknown_fields)]),
            quote! {
                if !::fastrs::model::forbid_extra(__v, __READ_NAMES, __loc, __errors) {
                    return ::core::option::Option::None;
                }
            },
            quote!(
                const EXTRA: ::fastrs::model::Extra = ::fastrs::model::Extra::Forbid;
            ),
            quote!(__schema.insert(::std::string::String::from("additionalProperties"), ::fastrs::serde_json::Value::Bool(false));),
        ),
        Extra::Allow => (
            quote!(),
            quote!(),
            quote!(
                const EXTRA: ::fastrs::model::Extra = ::fastrs::model::Extra::Allow;
            ),
            quote!(__schema.insert(::std::string::String::from("additionalProperties"), ::fastrs::serde_json::Value::Bool(true));),
        ),
    };
    let model_examples = model.examples.as_ref().map(|l| {
        quote!(__schema.insert(::std::string::String::from("examples"), ::fastrs::serde_json::json!([#l]));)
    });
    let (fast_result, slow_result) = match &model.validator {
        None => (
            quote!(::core::result::Result::Ok(#name { #(#fast)* })),
            quote!(::core::option::Option::Some(#name { #(#build)* })),
        ),
        Some(v) => (
            quote_spanned! {v.span()=>
                ::fastrs::model::fast_validate_model(#name { #(#fast)* }, #v)
                    .map_err(<__D::Error as ::fastrs::serde::de::Error>::custom)
            },
            quote_spanned! {v.span()=>
                ::fastrs::model::model_validated(#name { #(#build)* }, #v, __v, __loc, __errors)
            },
        ),
    };
    // A model that keeps extra keys writes a map (the keys are not all static).
    let serialize = match &extra {
        None => {
            let n = ser.len();
            let fields = ser.iter().map(|(k, i)| {
                crate::fields::serialize_field(
                    k,
                    i,
                    crate::fields::exclude_none_of(&dump, i),
                    false,
                )
            });
            quote! {
                let mut __st = __s.serialize_struct(#name_str, #n)?;
                #(#fields)*
                ::fastrs::serde::ser::SerializeStruct::end(__st)
            }
        }
        Some((rest, span)) => {
            let extra =
                quote_spanned!(*span=> ::fastrs::model::serialize_extra(&mut __st, &self.#rest)?;);
            let fields = ser.iter().map(|(k, i)| {
                crate::fields::serialize_field(k, i, crate::fields::exclude_none_of(&dump, i), true)
            });
            quote! {
                let mut __st = __s.serialize_map(::core::option::Option::None)?;
                #(#fields)*
                #extra
                ::fastrs::serde::ser::SerializeMap::end(__st)
            }
        }
    };
    quote! {
        const _: () = {
            #(#statics)*

            const __READ_NAMES: &[&str] = &[#(#read_names),*];

            #[derive(::fastrs::serde::Deserialize)]
            #[serde(crate = "::fastrs::serde")]
            #deny_unknown
            #shadow_bound
            struct __FastrsShadow #impl_g #where_c {
                #(#shadow_fields)*
            }

            impl #de_impl_g ::fastrs::serde::Deserialize<'de> for #name #ty_g #where_c {
                fn deserialize<__D: ::fastrs::serde::Deserializer<'de>>(
                    __d: __D,
                ) -> ::core::result::Result<Self, __D::Error> {
                    let __s = <__FastrsShadow #shadow_g as ::fastrs::serde::Deserialize>::deserialize(::fastrs::model::ObjectOnly(__d))?;
                    #fast_result
                }
            }

            impl #impl_g ::fastrs::FromJson for #name #ty_g #where_c {
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
                    #forbid_check
                    #slow_result
                }
            }

            impl #impl_g ::fastrs::Check for #name #ty_g #where_c {
                fn check(&self, _: &::fastrs::Constraints) -> ::core::result::Result<(), ::fastrs::Invalid> {
                    ::core::result::Result::Ok(())
                }
            }

            impl #impl_g ::fastrs::serde::Serialize for #name #ty_g #where_c {
                fn serialize<__S: ::fastrs::serde::Serializer>(
                    &self,
                    __s: __S,
                ) -> ::core::result::Result<__S::Ok, __S::Error> {
                    #serialize
                }
            }

            impl #impl_g #name #ty_g #where_c {
                #(#schema_fns)*
            }

            impl #impl_g ::fastrs::schemars::JsonSchema for #name #ty_g #where_c {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    #schema_name
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
                    __schema.insert(::std::string::String::from("title"), ::fastrs::serde_json::Value::from(#title));
                    __schema.insert(::std::string::String::from("type"), ::fastrs::serde_json::Value::from("object"));
                    #additional
                    #model_examples
                    #model_doc
                    ::fastrs::schemars::Schema::from(__schema)
                }
            }

            impl #impl_g ::fastrs::Model for #name #ty_g #where_c {
                const FIELDS: &'static [::fastrs::model::ModelField] = &[#(#model_fields),*];
                #extra_const
                #model_title
            }

            #dump_impls

            impl #impl_g ::fastrs::extract::Param for #name #ty_g #where_c {
                type Source = ::fastrs::extract::Body;
            }

            #param_model

            impl #impl_g ::fastrs::IntoResponse for #name #ty_g #where_c {
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
/// a `ParamValue` impl that hands reading and documenting to the runtime,
/// which reads the fields from `Model::FIELDS`.
fn param_model(name: &syn::Ident, input: &DeriveInput) -> TokenStream {
    let generics = model_generics(input);
    let (impl_g, ty_g, where_c) = generics.split_for_impl();
    quote! {
        impl #impl_g ::fastrs::extract::ParamValue for #name #ty_g #where_c {
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

            impl ::fastrs::model::Dump for #name {
                fn dump_with<__S: ::fastrs::serde::Serializer>(
                    &self,
                    __o: &::fastrs::dump::DumpOptions<'_>,
                    __s: __S,
                ) -> ::core::result::Result<__S::Ok, __S::Error> {
                    ::fastrs::model::Dump::dump_with(&self.0, __o, __s)
                }
            }

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

fn expand_enum(input: &DeriveInput, e: &syn::DataEnum, errors: &mut Errors) -> TokenStream {
    let name = &input.ident;
    let name_str = name.to_string();
    let model = ModelOpts::parse(&input.attrs, ENUM_OPTIONS, errors);
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
            .unwrap_or_else(|| rename(&v.ident, model.rename_all.as_deref(), true));
        idents.push(&v.ident);
        wires.push(wire);
    }
    // A literal is Pydantic's `Literal[…]`: its own error type, and a schema
    // inlined where it is used; a string enum is a component.
    let (error_fn, schema) = if model.literal {
        (
            quote!(::fastrs::model::literal_error),
            quote! {
                fn inline_schema() -> bool {
                    true
                }
                fn json_schema(_: &mut ::fastrs::schemars::SchemaGenerator) -> ::fastrs::schemars::Schema {
                    ::fastrs::model::literal_schema(__VALUES)
                }
            },
        )
    } else {
        (
            quote!(::fastrs::model::enum_error),
            quote! {
                fn json_schema(_: &mut ::fastrs::schemars::SchemaGenerator) -> ::fastrs::schemars::Schema {
                    ::fastrs::schemars::json_schema!({
                        "enum": __VALUES,
                        "title": #name_str,
                        "type": "string",
                    })
                }
            },
        )
    };
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
                    #name::__fastrs_parse(raw).ok_or_else(|| #error_fn(__VALUES))
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
                        _ => ::core::result::Result::Err(#error_fn(__VALUES)),
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
                        <__D::Error as ::fastrs::serde::de::Error>::custom(#error_fn(__VALUES).msg)
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
                #schema
            }

            impl ::fastrs::IntoResponse for #name {
                fn into_response(self) -> ::fastrs::Response {
                    ::fastrs::response::json_response(::fastrs::http::StatusCode::OK, &self)
                }
            }
        };
    }
}
