#![forbid(unsafe_code)]
//! Procedural macros of fastrs: the route attributes and `#[derive(Model)]`.
//!
//! Use them through the `fastrs` crate (`use fastrs::prelude::*;`), which
//! re-exports them. Each macro's page lists all its options with examples
//! (the text is in `docs/`, its examples are this crate's doctests). The
//! generated code is plain Rust calling fastrs's public runtime API (`Route::new`,
//! `RequestContext::param_one`, `model::field`…), so a route can also be
//! written by hand.

use proc_macro::TokenStream;

mod dependency;
mod errors;
mod fields;
mod model;
mod model_opts;
mod options;
mod responses;
mod route;
mod signature;
mod union;

macro_rules! route_attr {
    ($($name:ident: $method:literal, $example:literal;)*) => {$(
        #[doc = concat!("Declares a `", $method, "` route (FastAPI's `@app.", stringify!($name), "(…)`).")]
        #[doc = ""]
        #[doc = include_str!($example)]
        #[doc = include_str!("../docs/route.md")]
        #[proc_macro_attribute]
        pub fn $name(attr: TokenStream, item: TokenStream) -> TokenStream {
            route::expand(stringify!($name), attr.into(), item.into()).into()
        }
    )*};
}
route_attr! {
    get: "GET", "../docs/get.md";
    post: "POST", "../docs/post.md";
    put: "PUT", "../docs/put.md";
    patch: "PATCH", "../docs/patch.md";
    delete: "DELETE", "../docs/delete.md";
    head: "HEAD", "../docs/head.md";
    options: "OPTIONS", "../docs/options.md";
}

#[doc = include_str!("../docs/websocket.md")]
#[proc_macro_attribute]
pub fn websocket(attr: TokenStream, item: TokenStream) -> TokenStream {
    route::expand("websocket", attr.into(), item.into()).into()
}

#[doc = include_str!("../docs/dependency.md")]
#[proc_macro_attribute]
pub fn dependency(attr: TokenStream, item: TokenStream) -> TokenStream {
    dependency::expand_dependency(attr.into(), item.into()).into()
}

#[doc = include_str!("../docs/model.md")]
#[proc_macro_derive(Model, attributes(field, model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    match syn::parse::<syn::DeriveInput>(input) {
        Ok(i) => model::expand(i).into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Expansion snapshots: `tests/expand/<name>.rs` expanded by the macros of
/// this crate must equal `tests/expand/<name>.expanded.rs` (what
/// ARCHITECTURE.md shows). `FASTRS_BLESS=1 cargo test -p fastrs-web-macros`
/// rewrites the snapshots after a deliberate change.
#[cfg(test)]
mod expand_snapshots {
    use quote::ToTokens;

    fn expand_file(source: &str) -> String {
        let file = syn::parse_file(source).expect("the input parses");
        let mut out = proc_macro2::TokenStream::new();
        for item in file.items {
            let syn::Item::Fn(mut f) = item else {
                out.extend(expand_derive(item));
                continue;
            };
            let i = f
                .attrs
                .iter()
                .position(|a| a.path().get_ident().is_some_and(|i| i != "doc"))
                .expect("a macro attribute");
            let attr = f.attrs.remove(i);
            let name = attr.path().get_ident().unwrap().to_string();
            let args = match attr.meta {
                syn::Meta::List(l) => l.tokens,
                _ => proc_macro2::TokenStream::new(),
            };
            let item = f.into_token_stream();
            out.extend(match name.as_str() {
                "dependency" => crate::dependency::expand_dependency(args, item),
                method => crate::route::expand(method, args, item),
            });
        }
        let file = syn::parse2::<syn::File>(out).expect("the expansion parses");
        prettyplease::unparse(&file)
    }

    /// An item deriving `Model` (the only derive of these files): the item
    /// as written, then the derive's expansion.
    fn expand_derive(item: syn::Item) -> proc_macro2::TokenStream {
        let mut out = item.to_token_stream();
        let Ok(input) = syn::parse2::<syn::DeriveInput>(out.clone()) else {
            return out;
        };
        if input.attrs.iter().any(|a| a.path().is_ident("derive")) {
            out.extend(crate::model::expand(input));
        }
        out
    }

    #[test]
    fn expansions_match_their_snapshots() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expand");
        let bless = std::env::var_os("FASTRS_BLESS").is_some();
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            if !name.ends_with(".rs") || name.ends_with(".expanded.rs") {
                continue;
            }
            let got = expand_file(&std::fs::read_to_string(&path).unwrap());
            let snap = dir.join(name.replace(".rs", ".expanded.rs"));
            if bless {
                std::fs::write(&snap, &got).unwrap();
            }
            let want = std::fs::read_to_string(&snap).unwrap_or_default();
            assert_eq!(got, want, "{name} expands differently from its snapshot");
            checked += 1;
        }
        assert!(checked >= 2, "no expansion snapshots found");
    }
}
