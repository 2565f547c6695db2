//! `#[derive(Model)]`'s part for fields set and dumping.
//!
//! * `#[field(fields_set)] fields_set: fastrs::FieldsSet`: the field is not
//!   read, written nor documented; the fast path fills it from which keys its
//!   shadow struct met (`__s.x.is_some()`, taken before any field moves out),
//!   the slow path from the object's keys (`FieldsSet::from_object`); the model
//!   implements `fastrs::TracksFieldsSet` (`model_update` moves the set fields
//!   of the update in). A model without it generates none of this.
//! * `Dump::dump_with` for every struct model: one `DumpOptions::keeps` test
//!   per field, then the field written with the options for nested values.
//! * `#[field(exclude_none)]`: the plain `Serialize` skips the field when
//!   `Dump::is_none` says so.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};

use crate::errors::Errors;
use crate::options::FieldOpts;

/// One field as the dump sees it.
pub struct DumpField {
    ident: syn::Ident,
    /// The name it is written under.
    key: String,
    /// How it gets its default (`::fastrs::model::Missing::…`).
    missing: TokenStream,
    exclude_none: bool,
}

impl DumpField {
    pub fn new(ident: &syn::Ident, key: &str, missing: &TokenStream, opts: &FieldOpts) -> Self {
        DumpField {
            ident: ident.clone(),
            key: key.to_owned(),
            missing: missing.clone(),
            exclude_none: opts.exclude_none.is_some(),
        }
    }

    fn rust_name(&self) -> String {
        self.ident.to_string().trim_start_matches("r#").to_owned()
    }
}

/// The `#[field(fields_set)]` field, if `opts` marks one: records it in
/// `slot` and returns true (the field takes no other part in the model).
pub fn take_fields_set_field(
    ident: &syn::Ident,
    opts: &FieldOpts,
    slot: &mut Option<(syn::Ident, Span)>,
    errors: &mut Errors,
) -> bool {
    let Some(marker) = &opts.fields_set else {
        return false;
    };
    if slot.is_some() {
        errors.at(marker, "a model has one `#[field(fields_set)]` field");
    }
    if opts.exclude_none.is_some() || opts.default.is_some() || opts.extra.is_some() {
        errors.at(
            marker,
            "`#[field(fields_set)]` takes no other option: the field is not read nor written",
        );
    }
    *slot = Some((ident.clone(), marker.span()));
    true
}

/// Writes one field in the plain `Serialize` (`map`: a map, else a struct),
/// skipped when `None` under `#[field(exclude_none)]`.
pub fn serialize_field(
    key: &str,
    ident: &syn::Ident,
    exclude_none: bool,
    map: bool,
) -> TokenStream {
    let write = if map {
        quote!(::fastrs::serde::ser::SerializeMap::serialize_entry(&mut __st, #key, &::fastrs::model::Dumped(&self.#ident))?;)
    } else {
        quote!(::fastrs::serde::ser::SerializeStruct::serialize_field(&mut __st, #key, &::fastrs::model::Dumped(&self.#ident))?;)
    };
    if !exclude_none {
        return write;
    }
    let skip = if map {
        quote!()
    } else {
        quote!(::fastrs::serde::ser::SerializeStruct::skip_field(&mut __st, #key)?;)
    };
    quote! {
        if ::fastrs::model::Dump::is_none(&self.#ident) { #skip } else { #write }
    }
}

/// Whether the plain `Serialize` of this field list needs the exclude flags.
pub fn exclude_none_of(fields: &[DumpField], ident: &syn::Ident) -> bool {
    fields.iter().any(|f| &f.ident == ident && f.exclude_none)
}

/// The generated code of a struct model for fields set and dumping: adds
/// the fields-set initializers to the fast (first, before any field moves)
/// and slow constructors, and returns the `Dump` impl and, for a tracking
/// model, its `TracksFieldsSet` impl.
pub fn expand(
    (name, generics): (&syn::Ident, &syn::Generics),
    fields: &[DumpField],
    fields_set: Option<&(syn::Ident, Span)>,
    extra: Option<&syn::Ident>,
    fast: &mut Vec<TokenStream>,
    build: &mut Vec<TokenStream>,
    errors: &mut Errors,
) -> TokenStream {
    let (impl_g, ty_g, where_c) = generics.split_for_impl();
    let is_set: Vec<TokenStream> = fields
        .iter()
        .enumerate()
        .map(|(i, _)| match fields_set {
            Some((fs, _)) => quote!(self.#fs.contains(#i)),
            None => quote!(true),
        })
        .collect();
    let entries = fields.iter().zip(&is_set).map(|(f, is_set)| {
        let DumpField {
            ident,
            key,
            missing,
            exclude_none,
        } = f;
        let rust = f.rust_name();
        quote! {
            if __o.keeps(#rust, #is_set, #exclude_none, &self.#ident, #missing) {
                ::fastrs::serde::ser::SerializeMap::serialize_entry(
                    &mut __st, #key, &::fastrs::dump::DumpedWith(&self.#ident, &__n),
                )?;
            }
        }
    });
    let extra = extra.map(|e| quote!(::fastrs::model::serialize_extra(&mut __st, &self.#e)?;));
    let dump = quote! {
        impl #impl_g ::fastrs::model::Dump for #name #ty_g #where_c {
            fn dump_with<__S: ::fastrs::serde::Serializer>(
                &self,
                __o: &::fastrs::dump::DumpOptions<'_>,
                __s: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                let __n = __o.nested();
                let mut __st = __S::serialize_map(__s, ::core::option::Option::None)?;
                #(#entries)*
                #extra
                ::fastrs::serde::ser::SerializeMap::end(__st)
            }
        }
    };
    let Some((fs, span)) = fields_set else {
        return dump;
    };
    if fields.len() > 128 {
        errors.push(syn::Error::new(
            *span,
            "a model that records its fields set has at most 128 fields",
        ));
    }
    let idents: Vec<&syn::Ident> = fields.iter().map(|f| &f.ident).collect();
    let names: Vec<String> = fields.iter().map(DumpField::rust_name).collect();
    let indices = 0..fields.len();
    fast.insert(
        0,
        quote_spanned!(*span=> #fs: ::fastrs::FieldsSet::from_present([#(__s.#idents.is_some()),*]),),
    );
    build.push(quote_spanned!(*span=> #fs: ::fastrs::FieldsSet::from_object(__v, __READ_NAMES),));
    quote! {
        #dump

        impl #impl_g ::fastrs::TracksFieldsSet for #name #ty_g #where_c {
            const FIELD_NAMES: &'static [&'static str] = &[#(#names),*];
            fn fields_set(&self) -> &::fastrs::FieldsSet {
                &self.#fs
            }
            fn fields_set_mut(&mut self) -> &mut ::fastrs::FieldsSet {
                &mut self.#fs
            }
            fn model_update(mut self, __u: Self) -> Self {
                let __set = __u.#fs;
                #(if __set.contains(#indices) { self.#idents = __u.#idents; })*
                self.#fs = self.#fs.union(__set);
                self
            }
        }
    }
}

/// The route options `response_model_exclude_unset`, `_exclude_defaults`,
/// `_exclude_none`, `_include`, `_exclude` (FastAPI's), parsed.
#[derive(Default)]
pub struct RouteDump {
    /// The `response_model_exclude_unset` token, when true.
    exclude_unset: Option<syn::Ident>,
    exclude_defaults: bool,
    exclude_none: bool,
    include: Option<Vec<syn::LitStr>>,
    exclude: Option<Vec<syn::LitStr>>,
}

pub const ROUTE_OPTIONS: &[&str] = &[
    "response_model_exclude_unset",
    "response_model_exclude_defaults",
    "response_model_exclude_none",
    "response_model_include",
    "response_model_exclude",
];

impl RouteDump {
    /// Parses one of [`ROUTE_OPTIONS`].
    pub fn option(&mut self, name: &syn::Ident, value: Option<&syn::Expr>, errors: &mut Errors) {
        let key = name.to_string();
        let flag = |errors: &mut Errors| match value {
            None => true,
            Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Bool(b),
                ..
            })) => b.value,
            Some(other) => {
                errors.at(other, format!("`{key}` takes `true` or `false`"));
                false
            }
        };
        let names = |errors: &mut Errors| match value {
            Some(syn::Expr::Array(a)) => {
                let mut out = Vec::new();
                for e in &a.elems {
                    match e {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => out.push(s.clone()),
                        other => errors.at(other, "field names are string literals"),
                    }
                }
                Some(out)
            }
            _ => {
                errors.at(
                    name,
                    format!("`{key}` takes a list of field names: `{key} = [\"name\", \"description\"]`"),
                );
                None
            }
        };
        match key.as_str() {
            "response_model_exclude_unset" => {
                self.exclude_unset = flag(errors).then(|| name.clone());
            }
            "response_model_exclude_defaults" => self.exclude_defaults = flag(errors),
            "response_model_exclude_none" => self.exclude_none = flag(errors),
            "response_model_include" => self.include = names(errors),
            _ => self.exclude = names(errors),
        }
    }

    /// `exclude_unset` is checked on a type: the response model, or a return
    /// type that can be named (not `impl Trait`).
    pub fn check(&self, has_target: bool, errors: &mut Errors) {
        if let (Some(token), false) = (&self.exclude_unset, has_target) {
            errors.at(
                token,
                "`response_model_exclude_unset` needs a named return type or `response_model = …`",
            );
        }
    }

    /// The route's `static __DUMP` and the compile-time check of
    /// `exclude_unset` on `target` (the response model, else the return
    /// type), or `None` when no option is given (the plain response).
    pub fn statics(&self, target: Option<&TokenStream>) -> Option<TokenStream> {
        if self.exclude_unset.is_none()
            && !self.exclude_defaults
            && !self.exclude_none
            && self.include.is_none()
            && self.exclude.is_none()
        {
            return None;
        }
        let check = match (&self.exclude_unset, target) {
            (Some(token), Some(t)) => quote_spanned! {token.span()=>
                const _: () = ::fastrs::dump::exclude_unset_applies::<#t>();
            },
            _ => quote!(),
        };
        let list = |l: &Option<Vec<syn::LitStr>>| match l {
            Some(l) => quote!(::core::option::Option::Some(&[#(#l),*])),
            None => quote!(::core::option::Option::None),
        };
        let (unset, defaults, none) = (
            self.exclude_unset.is_some(),
            self.exclude_defaults,
            self.exclude_none,
        );
        let (include, exclude) = (list(&self.include), list(&self.exclude));
        Some(quote! {
            #check
            static __DUMP: ::fastrs::dump::DumpOptions<'static> = ::fastrs::dump::DumpOptions {
                exclude_unset: #unset,
                exclude_defaults: #defaults,
                exclude_none: #none,
                include: #include,
                exclude: #exclude,
            };
        })
    }
}
