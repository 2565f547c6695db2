//! `responses(404 = T, 409 = (T, "description"))`: additional documented
//! responses (FastAPI's `responses=`), on routes and on dependencies (then
//! documented on every route that uses the dependency).

use proc_macro2::TokenStream;
use quote::quote;
use syn::{LitInt, LitStr, Type};

use crate::errors::Errors;

/// One documented response: status, body type, description.
pub type Documented = (LitInt, Type, Option<LitStr>);

/// Parses the inside of `responses(…)`.
pub fn parse(content: syn::parse::ParseStream) -> syn::Result<Vec<Documented>> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let code: LitInt = content.parse()?;
        content.parse::<syn::Token![=]>()?;
        // `404 = ErrorMessage` or `404 = (ErrorMessage, "User not found")`
        if content.peek(syn::token::Paren) {
            let inner;
            syn::parenthesized!(inner in content);
            let ty: Type = inner.parse()?;
            inner.parse::<syn::Token![,]>()?;
            let d: LitStr = inner.parse()?;
            out.push((code, ty, Some(d)));
        } else {
            let ty: Type = content.parse()?;
            out.push((code, ty, None));
        }
        if content.is_empty() {
            break;
        }
        content.parse::<syn::Token![,]>()?;
    }
    Ok(out)
}

/// Keeps the responses whose status is an HTTP status, reporting the others.
pub fn check(responses: Vec<Documented>, errors: &mut Errors) -> Vec<Documented> {
    responses
        .into_iter()
        .filter(|(code, _, _)| match code.base10_parse::<u16>() {
            Ok(n) if (100..600).contains(&n) => true,
            _ => {
                errors.at(code, "a response status must be between 100 and 599");
                false
            }
        })
        .collect()
}

/// The arguments of `error_response::<T>(status, description)` for each.
pub fn calls(responses: &[Documented]) -> Vec<TokenStream> {
    responses
        .iter()
        .map(|(code, ty, d)| {
            let d = match d {
                Some(d) => quote!(::core::option::Option::Some(#d)),
                None => quote!(::core::option::Option::None),
            };
            quote!(error_response::<#ty>(
                match ::fastrs::http::StatusCode::from_u16(#code) {
                    ::core::result::Result::Ok(s) => s,
                    ::core::result::Result::Err(_) => ::fastrs::http::StatusCode::INTERNAL_SERVER_ERROR,
                },
                #d,
            ))
        })
        .collect()
}
