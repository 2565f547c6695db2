#![forbid(unsafe_code)]
//! Procedural macros of fastrs: the route attributes and `#[derive(Model)]`.
//!
//! Use them through the `fastrs` crate (`use fastrs::prelude::*;`), which
//! re-exports them and carries their documentation. The generated code is plain
//! Rust calling fastrs's public runtime API (`Route::new`,
//! `RequestContext::param_one`, `model::field`…), so a route can also be
//! written by hand.

use proc_macro::TokenStream;

mod dependency;
mod errors;
mod model;
mod options;
mod route;
mod signature;

macro_rules! route_attr {
    ($($name:ident),*) => {$(
        #[doc = concat!("Declares a `", stringify!($name), "` route: see the `fastrs` crate's documentation.")]
        #[proc_macro_attribute]
        pub fn $name(attr: TokenStream, item: TokenStream) -> TokenStream {
            route::expand(stringify!($name), attr.into(), item.into()).into()
        }
    )*};
}
route_attr!(get, post, put, patch, delete, head, options);

/// Declares a dependency (FastAPI's `Depends`): see the `fastrs` crate's documentation.
#[proc_macro_attribute]
pub fn dependency(attr: TokenStream, item: TokenStream) -> TokenStream {
    dependency::expand_dependency(attr.into(), item.into()).into()
}

/// Derives a Pydantic-style model: see the `fastrs` crate's documentation.
#[proc_macro_derive(Model, attributes(field, model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    match syn::parse::<syn::DeriveInput>(input) {
        Ok(i) => model::expand(i).into(),
        Err(e) => e.to_compile_error().into(),
    }
}
