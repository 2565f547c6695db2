//! `#[derive(Model)]` on an enum whose variants each wrap one model: a
//! union, Pydantic's `Union[Cat, Dog]`.
//!
//! With `#[model(tag = "pet_type")]` it is a tagged union (Pydantic's
//! `Field(discriminator="pet_type")`): each variant's tag is its name under
//! `rename_all`, or its `#[field(alias = "…")]`. Without, it is an untagged
//! union read in Pydantic's smart mode. The generated impls hand everything to
//! `fastrs::union`: tag lookup and errors, the smart-mode choice, the schema.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Fields};

use crate::errors::Errors;
use crate::model_opts::{rename, ModelOpts, UNION_OPTIONS};

const VARIANT_OPTIONS: &[&str] = &["alias"];

pub fn expand(input: &DeriveInput, e: &syn::DataEnum, errors: &mut Errors) -> TokenStream {
    let name = &input.ident;
    let name_str = name.to_string();
    let model = ModelOpts::parse(&input.attrs, UNION_OPTIONS, errors);
    let mut idents = Vec::new();
    let mut types = Vec::new();
    let mut tags = Vec::new();
    for v in &e.variants {
        let ty = match &v.fields {
            Fields::Unnamed(u) if u.unnamed.len() == 1 => &u.unnamed[0].ty,
            Fields::Unit => {
                errors.at(
                    v,
                    "a union's variants each wrap one model (`Cat(Cat)`); an enum of unit variants only is a string enum",
                );
                continue;
            }
            other => {
                errors.at(
                    other,
                    "a union's variant wraps exactly one model: `Cat(Cat)`",
                );
                continue;
            }
        };
        let opts = crate::model::field_opts(&v.attrs, VARIANT_OPTIONS, errors);
        if opts.alias.is_some() && model.tag.is_none() {
            errors.at(
                v,
                "`alias` names a variant's tag: it needs `#[model(tag = \"…\")]` on the enum",
            );
        }
        let tag = opts
            .alias
            .map(|a| a.value())
            .unwrap_or_else(|| rename(&v.ident, model.rename_all.as_deref(), true));
        idents.push(&v.ident);
        types.push(ty);
        tags.push(tag);
    }
    if e.variants.is_empty() {
        errors.at(name, "a union needs at least one variant");
    }
    // Each wrapped type must be a model: the error lands on the type.
    let asserts = types.iter().map(|ty| {
        quote_spanned! {ty.span()=>
            const _: fn() = || { ::fastrs::union::assert_model::<#ty>(); };
        }
    });
    let (fast, slow, schema) = match &model.tag {
        Some(tag) => {
            let arms_fast = idents.iter().zip(&types).enumerate().map(|(i, (id, ty))| {
                quote! {
                    ::core::option::Option::Some(#i) => <#ty as ::fastrs::FromJson>::deserialize_lax(&__v)
                        .map(#name::#id)
                        .map_err(<__D::Error as ::fastrs::serde::de::Error>::custom),
                }
            });
            let arms_slow = idents.iter().zip(&types).enumerate().map(|(i, (id, ty))| {
                quote! {
                    #i => ::fastrs::union::variant::<#ty>(__v, __TAGS[#i], __loc, __errors).map(#name::#id),
                }
            });
            let schemas = types
                .iter()
                .enumerate()
                .map(|(i, ty)| quote!((__TAGS[#i], __g.subschema_for::<#ty>())));
            (
                quote! {
                    match ::fastrs::union::fast_tag_index(&__v, #tag, __TAGS) {
                        #(#arms_fast)*
                        _ => ::core::result::Result::Err(
                            <__D::Error as ::fastrs::serde::de::Error>::custom(::fastrs::union::NO_MATCH),
                        ),
                    }
                },
                quote! {
                    match ::fastrs::union::tag_index(__v, #tag, __TAGS, __loc, __errors)? {
                        #(#arms_slow)*
                        _ => ::core::option::Option::None,
                    }
                },
                quote!(::fastrs::union::tagged_schema(#tag, ::std::vec![#(#schemas),*])),
            )
        }
        None => (
            quote! {
                let mut __u = ::fastrs::union::Smart::new(&__v);
                #(__u.fast::<#types>(#name::#idents);)*
                __u.best().ok_or_else(|| {
                    <__D::Error as ::fastrs::serde::de::Error>::custom(::fastrs::union::NO_MATCH)
                })
            },
            quote! {
                let mut __u = ::fastrs::union::Smart::new(__v);
                #(__u.slow::<#types>(#name::#idents, __loc);)*
                __u.finish(__errors)
            },
            quote!(::fastrs::union::any_of(
                ::std::vec![#(__g.subschema_for::<#types>()),*]
            )),
        ),
    };
    let tags = model
        .tag
        .is_some()
        .then(|| quote!(const __TAGS: &[&str] = &[#(#tags),*];));
    quote! {
        const _: () = {
            #tags
            #(#asserts)*

            impl ::fastrs::FromJson for #name {
                fn deserialize_lax<'de, __D: ::fastrs::serde::Deserializer<'de>>(
                    __d: __D,
                ) -> ::core::result::Result<Self, __D::Error> {
                    let __v = <::fastrs::serde_json::Value as ::fastrs::serde::Deserialize>::deserialize(__d)?;
                    #fast
                }
                fn from_json(
                    __v: &::fastrs::serde_json::Value,
                    __loc: &mut ::fastrs::validation::Loc,
                    __errors: &mut ::fastrs::ValidationErrors,
                ) -> ::core::option::Option<Self> {
                    #slow
                }
            }

            impl<'de> ::fastrs::serde::Deserialize<'de> for #name {
                fn deserialize<__D: ::fastrs::serde::Deserializer<'de>>(
                    __d: __D,
                ) -> ::core::result::Result<Self, __D::Error> {
                    <Self as ::fastrs::FromJson>::deserialize_lax(__d)
                }
            }

            impl ::fastrs::serde::Serialize for #name {
                fn serialize<__S: ::fastrs::serde::Serializer>(
                    &self,
                    __s: __S,
                ) -> ::core::result::Result<__S::Ok, __S::Error> {
                    match self {
                        #(#name::#idents(__x) => ::fastrs::serde::Serialize::serialize(__x, __s),)*
                    }
                }
            }

            impl ::fastrs::Check for #name {
                fn check(&self, _: &::fastrs::Constraints) -> ::core::result::Result<(), ::fastrs::Invalid> {
                    ::core::result::Result::Ok(())
                }
            }

            impl ::fastrs::schemars::JsonSchema for #name {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(#name_str)
                }
                fn inline_schema() -> bool {
                    true
                }
                fn json_schema(__g: &mut ::fastrs::schemars::SchemaGenerator) -> ::fastrs::schemars::Schema {
                    #schema
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
