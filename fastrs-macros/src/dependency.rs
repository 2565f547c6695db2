//! `#[dependency]`: a function whose parameters are extracted like a
//! handler's becomes a unit struct implementing `fastrs::Dependency`. The
//! parameters go through the same stages as a route's (`signature`). A
//! plain `fn` runs on the blocking pool, as a plain-`fn` handler does (and
//! FastAPI's `def` dependencies in its threadpool).

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};
use syn::{ItemFn, Type};

use crate::errors::Errors;
use crate::route::is_result;
use crate::signature::{self, Extraction, Owner, Param};

pub fn expand_dependency(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let mut func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let mut ts = syn::Error::new(
                signature::first_span(&item),
                "#[dependency] applies to a function: `async fn name(...) -> T { ... }` or `fn name(...) -> T { ... }`",
            )
            .to_compile_error();
            ts.extend(item);
            return ts;
        }
    };
    let responses = dependency_options(attr, &mut errors);
    if !func.sig.generics.params.is_empty() {
        errors.at(&func.sig.generics, "dependencies cannot be generic");
    }
    let params = signature::parse(&mut func, &[], Owner::Dependency, &mut errors);
    if !errors.is_empty() {
        let mut ts = errors.into_compile_error();
        ts.extend(func.into_token_stream());
        return ts;
    }
    generate_dependency(func, params, &responses)
}

/// `#[dependency(responses(401 = HttpError))]`: the only option.
fn dependency_options(attr: TokenStream, errors: &mut Errors) -> Vec<crate::responses::Documented> {
    if attr.is_empty() {
        return Vec::new();
    }
    let parser = |input: syn::parse::ParseStream| {
        let name: syn::Ident = input.parse()?;
        if name != "responses" || !input.peek(syn::token::Paren) {
            return Err(syn::Error::new(
                name.span(),
                "#[dependency] takes one option: `responses(401 = HttpError, …)`",
            ));
        }
        let content;
        syn::parenthesized!(content in input);
        let r = crate::responses::parse(&content)?;
        if !input.is_empty() {
            return Err(input.error("#[dependency] takes one option: `responses(…)`"));
        }
        Ok(r)
    };
    match syn::parse::Parser::parse2(parser, attr) {
        Ok(r) => crate::responses::check(r, errors),
        Err(e) => {
            errors.push(e);
            Vec::new()
        }
    }
}

fn generate_dependency(
    func: ItemFn,
    params: Vec<Param>,
    responses: &[crate::responses::Documented],
) -> TokenStream {
    let responses = crate::responses::calls(responses);
    let name = &func.sig.ident;
    let vis = &func.vis;
    let mut call_fn = func.clone();
    call_fn.sig.ident = format_ident!("call");
    call_fn.vis = syn::Visibility::Public(Default::default());
    let call_args: Vec<syn::Ident> = params.iter().map(|p| p.ident.clone()).collect();
    let call = if func.sig.asyncness.is_some() {
        quote!(#name::call(#(#call_args),*).await)
    } else {
        quote!(::fastrs::routing::run_blocking(move || #name::call(#(#call_args),*)).await)
    };
    let ret_err = quote!(return ::core::result::Result::Err(r));
    let Extraction {
        statics,
        read,
        extract,
        docs,
        checks,
    } = signature::extraction(&params, Owner::Dependency, false, &ret_err);
    let unpack = signature::unpack(
        &params,
        quote!(return ::core::result::Result::Ok(::core::option::Option::None);),
    );
    let (output, finish) = match &func.sig.output {
        syn::ReturnType::Default => (
            quote!(()),
            quote!(::core::result::Result::Ok(::core::option::Option::Some(
                __ret
            ))),
        ),
        syn::ReturnType::Type(_, t) => {
            let ok_ty = match &**t {
                Type::Path(p) if is_result(&func.sig.output) => {
                    match &p.path.segments.last().map(|s| &s.arguments) {
                        Some(syn::PathArguments::AngleBracketed(a)) => match a.args.first() {
                            Some(syn::GenericArgument::Type(ok)) => Some(ok.clone()),
                            _ => None,
                        },
                        _ => None,
                    }
                }
                _ => None,
            };
            match ok_ty {
                Some(ok) => (
                    quote!(#ok),
                    quote!(match __ret {
                        ::core::result::Result::Ok(v) =>
                            ::core::result::Result::Ok(::core::option::Option::Some(v)),
                        ::core::result::Result::Err(e) =>
                            ::core::result::Result::Err(::fastrs::IntoResponse::into_response(e)),
                    }),
                ),
                None => (
                    quote!(#t),
                    quote!(::core::result::Result::Ok(::core::option::Option::Some(
                        __ret
                    ))),
                ),
            }
        }
    };
    let struct_doc = format!("The `{name}` dependency (see [`{name}::call`]).");
    quote! {
        #[doc = #struct_doc]
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, Default)]
        #vis struct #name;

        impl #name {
            #call_fn
        }

        impl ::fastrs::Dependency for #name {
            type Output = #output;

            fn resolve<'__a>(
                __cx: &'__a mut ::fastrs::RequestContext,
                __errors: &'__a mut ::fastrs::ValidationErrors,
            ) -> impl ::core::future::Future<
                Output = ::core::result::Result<::core::option::Option<#output>, ::fastrs::Response>,
            > + ::core::marker::Send + '__a {
                async move {
                    #(#statics)*
                    #(#checks)*
                    #(#read)*
                    let __before = __errors.len();
                    #(#extract)*
                    __errors.sort_from(__before);
                    if __errors.len() != __before {
                        return ::core::result::Result::Ok(::core::option::Option::None);
                    }
                    #unpack
                    let __ret = #call;
                    #finish
                }
            }

            fn document(__op: &mut ::fastrs::routing::Operation) {
                #(#statics)*
                #(#docs)*
                #(__op.#responses;)*
            }
        }
    }
}
