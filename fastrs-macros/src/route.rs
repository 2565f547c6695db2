//! `#[get]`, `#[post]`, …: a handler function becomes an endpoint.
//!
//! The function is kept as the inherent `handler` of a unit struct of the same
//! name, and the struct implements `fastrs::Endpoint`, whose `route()` is
//! plain Rust calling the runtime: one `static Declared` per parameter, a
//! closure that reads what must come first (the body), runs the route's
//! dependencies, extracts every parameter into one `ValidationErrors` (put in
//! FastAPI's order), calls the handler and converts its result with the
//! declared status. Stages: `parse_route_args` (the attribute into
//! `RouteArgs`), `signature::parse` (the parameters, checked), `generate`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Expr, ExprArray, ExprLit, ItemFn, Lit, LitStr, Type};

use crate::errors::Errors;
use crate::options::{vec_inner, Opt};
use crate::signature::{self, Extraction, Owner, Param};

const ROUTE_OPTIONS: &[&str] = &[
    "status_code",
    "tags",
    "summary",
    "description",
    "deprecated",
    "include_in_schema",
    "response_model",
    "responses",
    "name",
    "operation_id",
    "generate_unique_id_function",
];
struct RouteArgs {
    path: LitStr,
    status: Option<u16>,
    tags: Vec<LitStr>,
    summary: Option<LitStr>,
    description: Option<LitStr>,
    deprecated: bool,
    include_in_schema: bool,
    response_model: Option<Type>,
    responses: Vec<crate::responses::Documented>,
    name: Option<LitStr>,
    operation_id: Option<LitStr>,
    generate_unique_id: Option<syn::Path>,
    /// `response_model_exclude_unset` and the other dump options.
    dump: crate::fields::RouteDump,
}

fn parse_route_args(method: &str, attr: TokenStream, errors: &mut Errors) -> Option<RouteArgs> {
    let parser = |input: syn::parse::ParseStream| {
        let path: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected the path first: #[{method}(\"/items/{{item_id}}\")]"),
            )
        })?;
        let mut rest = Vec::new();
        let mut responses = Vec::new();
        if !input.is_empty() {
            input.parse::<syn::Token![,]>()?;
            // Options are `name` or `name = expr`; `response_model` takes a type,
            // which is not always an expression (`Vec<UserResponse>`).
            while !input.is_empty() {
                let name: syn::Ident = input.call(syn::ext::IdentExt::parse_any)?;
                if name == "responses" && input.peek(syn::token::Paren) {
                    // `responses(404 = ErrorMessage, 409 = Conflict)`
                    let content;
                    syn::parenthesized!(content in input);
                    responses.extend(crate::responses::parse(&content)?);
                    if input.is_empty() {
                        break;
                    }
                    input.parse::<syn::Token![,]>()?;
                    continue;
                }
                let value = if input.peek(syn::Token![=]) {
                    input.parse::<syn::Token![=]>()?;
                    if name == "response_model" {
                        let ty: Type = input.parse()?;
                        Some(Expr::Verbatim(ty.into_token_stream()))
                    } else {
                        Some(input.parse::<Expr>()?)
                    }
                } else {
                    None
                };
                rest.push(Opt {
                    name,
                    value,
                    list: None,
                });
                if input.is_empty() {
                    break;
                }
                input.parse::<syn::Token![,]>()?;
            }
        }
        Ok((path, rest, responses))
    };
    let (path, opts, responses) = match syn::parse::Parser::parse2(parser, attr) {
        Ok(v) => v,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    // "" is the router's prefix itself, as in FastAPI's `@router.get("")`.
    if !path.value().starts_with('/') && !path.value().is_empty() {
        errors.at(&path, "a route path must start with '/'");
    }
    let mut args = RouteArgs {
        path,
        status: None,
        tags: Vec::new(),
        summary: None,
        description: None,
        deprecated: false,
        include_in_schema: true,
        response_model: None,
        responses: Vec::new(),
        name: None,
        operation_id: None,
        generate_unique_id: None,
        dump: Default::default(),
    };
    args.responses = crate::responses::check(responses, errors);
    let mut seen: Vec<String> = Vec::new();
    for Opt { name, value, .. } in opts {
        let key = name.to_string();
        if seen.contains(&key) {
            errors.at(&name, format!("`{key}` is given twice"));
            continue;
        }
        seen.push(key.clone());
        if method == "websocket" && key != "name" {
            errors.at(
                &name,
                format!("`{key}` does not apply to a websocket route (it is not in the OpenAPI document); only `name` does"),
            );
            continue;
        }
        let str_value = |errors: &mut Errors| match &value {
            Some(Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            })) => Some(s.clone()),
            _ => {
                errors.at(&name, format!("`{key}` takes a string: `{key} = \"…\"`"));
                None
            }
        };
        match key.as_str() {
            "status_code" => match &value {
                Some(Expr::Lit(ExprLit {
                    lit: Lit::Int(i), ..
                })) => match i.base10_parse::<u16>() {
                    Ok(n) if (100..600).contains(&n) => args.status = Some(n),
                    _ => errors.at(
                        i,
                        "`status_code` must be an HTTP status between 100 and 599",
                    ),
                },
                _ => errors.at(&name, "`status_code` takes an integer: `status_code = 201`"),
            },
            "tags" => match &value {
                Some(Expr::Array(ExprArray { elems, .. })) => {
                    for e in elems {
                        match e {
                            Expr::Lit(ExprLit {
                                lit: Lit::Str(s), ..
                            }) => args.tags.push(s.clone()),
                            other => errors.at(other, "tags are string literals"),
                        }
                    }
                }
                _ => errors.at(&name, "`tags` takes a list: `tags = [\"users\"]`"),
            },
            "summary" => args.summary = str_value(errors),
            "name" => args.name = str_value(errors),
            "operation_id" => args.operation_id = str_value(errors),
            "generate_unique_id_function" => match &value {
                Some(Expr::Path(p)) => args.generate_unique_id = Some(p.path.clone()),
                _ => errors.at(
                    &name,
                    "`generate_unique_id_function` takes a function: `generate_unique_id_function = my_ids`",
                ),
            },
            "description" => args.description = str_value(errors),
            "deprecated" | "include_in_schema" => {
                let v = match &value {
                    None => true,
                    Some(Expr::Lit(ExprLit {
                        lit: Lit::Bool(b), ..
                    })) => b.value,
                    Some(other) => {
                        errors.at(other, format!("`{key}` takes `true` or `false`"));
                        true
                    }
                };
                if key == "deprecated" {
                    args.deprecated = v;
                } else {
                    args.include_in_schema = v;
                }
            }
            "response_model" => match &value {
                Some(e) => match syn::parse2::<Type>(e.to_token_stream()) {
                    Ok(t) => args.response_model = Some(t),
                    Err(_) => errors.at(e, "`response_model` takes a type"),
                },
                None => errors.at(
                    &name,
                    "`response_model` takes a type: `response_model = UserResponse`",
                ),
            },
            k if crate::fields::ROUTE_OPTIONS.contains(&k) => {
                args.dump.option(&name, value.as_ref(), errors)
            }
            _ => errors.at(
                &name,
                format!(
                    "unknown route option `{key}`; expected one of: {}, {}",
                    ROUTE_OPTIONS.join(", "),
                    crate::fields::ROUTE_OPTIONS.join(", ")
                ),
            ),
        }
    }
    Some(args)
}

pub fn expand(method: &str, attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let mut func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let e = syn::Error::new(
                signature::first_span(&item),
                format!("#[{method}] applies to a function: `async fn name(...) -> T {{ ... }}`"),
            );
            let mut ts = e.to_compile_error();
            ts.extend(item);
            return ts;
        }
    };
    let args = parse_route_args(method, attr, &mut errors);
    let template = args
        .as_ref()
        .map(|a| signature::template_names(&a.path.value()))
        .unwrap_or_default();
    let params = signature::parse(&mut func, &template, Owner::Route, &mut errors);
    if let Some(a) = &args {
        for t in &template {
            if !params.iter().any(|p| p.ident == t) {
                errors.at(
                    &a.path,
                    format!("path parameter `{t}` is missing from the function's parameters"),
                );
            }
        }
    }
    if !func.sig.generics.params.is_empty() {
        errors.at(&func.sig.generics, "handlers cannot be generic");
    }
    if method == "websocket" {
        if func.sig.asyncness.is_none() {
            errors.at(
                func.sig.fn_token,
                "a websocket handler is an `async fn`: it awaits the socket",
            );
        }
        if let Some(a) = args.as_ref().filter(|a| !a.responses.is_empty()) {
            errors.at(
                &a.path,
                "`responses` does not apply to a websocket route (it is not in the OpenAPI document)",
            );
        }
    }
    if let Some(a) = &args {
        let returns_impl = matches!(&func.sig.output, syn::ReturnType::Type(_, t) if matches!(&**t, Type::ImplTrait(_)));
        a.dump
            .check(a.response_model.is_some() || !returns_impl, &mut errors);
    }
    let Some(args) = args.filter(|_| errors.is_empty()) else {
        // Re-emit the function unchanged beside the errors so that the rest of
        // the crate (and rust-analyzer) still sees it.
        let mut ts = errors.into_compile_error();
        ts.extend(func.into_token_stream());
        return ts;
    };
    generate(method, args, func, params)
}

pub fn is_result(output: &syn::ReturnType) -> bool {
    match output {
        syn::ReturnType::Type(_, t) => {
            matches!(&**t, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Result"))
        }
        syn::ReturnType::Default => false,
    }
}

fn generate(method: &str, args: RouteArgs, func: ItemFn, params: Vec<Param>) -> TokenStream {
    if method == "websocket" {
        return generate_websocket(args, func, params);
    }
    let name = &func.sig.ident;
    let vis = &func.vis;
    let name_str = args
        .name
        .as_ref()
        .map(LitStr::value)
        .unwrap_or_else(|| name.to_string());
    let method_ident = format_ident!("{}", method.to_uppercase());
    let path = &args.path;
    let status = args.status.unwrap_or(200);
    let is_async = func.sig.asyncness.is_some();

    // The handler keeps its signature and body, as an inherent fn.
    let mut handler = func.clone();
    handler.sig.ident = format_ident!("handler");
    handler.vis = syn::Visibility::Public(Default::default());

    let call_args: Vec<syn::Ident> = params.iter().map(|p| p.ident.clone()).collect();
    let ret_err = quote!(return r);
    let Extraction {
        statics,
        read,
        extract,
        docs,
        checks,
    } = signature::extraction(&params, Owner::Route, false, &ret_err);
    let unpack = signature::unpack(
        &params,
        quote!(return __cx.validation_failed(::core::mem::take(__errors));),
    );
    let call = if is_async {
        quote!(#name::handler(#(#call_args),*).await)
    } else {
        quote!(::fastrs::routing::run_blocking(move || #name::handler(#(#call_args),*)).await)
    };
    let is_result = is_result(&func.sig.output);
    let convert = match &args.response_model {
        None => quote!(),
        Some(model) => {
            let body = match vec_inner(model) {
                Some(item) => quote!(::core::iter::IntoIterator::into_iter(__v)
                    .map(::core::convert::Into::<#item>::into)
                    .collect::<#model>()),
                None => quote!(::core::convert::Into::<#model>::into(__v)),
            };
            if is_result {
                quote!(let __ret = __ret.map(|__v| -> #model { #body });)
            } else {
                quote!(let __ret: #model = { let __v = __ret; #body };)
            }
        }
    };
    let ret_ty = match &func.sig.output {
        syn::ReturnType::Type(_, t) => quote!(#t),
        syn::ReturnType::Default => quote!(()),
    };
    let returns_impl = matches!(&func.sig.output, syn::ReturnType::Type(_, t) if matches!(&**t, Type::ImplTrait(_)));
    let response_doc = match &args.response_model {
        Some(m) => quote!(.response::<#m>()),
        // `impl IntoResponse` cannot be named: documented as untyped JSON.
        None if returns_impl => quote!(),
        None => quote!(.returns::<#ret_ty>()),
    };
    let extra_responses = crate::responses::calls(&args.responses)
        .into_iter()
        .map(|call| quote!(.#call));
    let ret_span = match &func.sig.output {
        syn::ReturnType::Type(_, t) => t.span(),
        syn::ReturnType::Default => name.span(),
    };
    let dump_target = match &args.response_model {
        Some(m) => Some(quote!(#m)),
        None if returns_impl => None,
        None => Some(ret_ty.clone()),
    };
    let dump_statics = args.dump.statics(dump_target.as_ref());
    let respond = match &dump_statics {
        None => quote_spanned! {ret_span=>
            ::fastrs::IntoResponse::into_route_response(__ret, __STATUS, __cx)
        },
        Some(_) => quote_spanned! {ret_span=>
            ::fastrs::dump::DumpResponse::dump_response(__ret, &__DUMP, __STATUS, __cx)
        },
    };
    let tags = &args.tags;
    let summary = args.summary.map(|s| quote!(.summary(#s)));
    let operation_id = args.operation_id.map(|s| quote!(.operation_id(#s)));
    let generate_unique_id = args
        .generate_unique_id
        .map(|f| quote!(.generate_unique_id(#f)));
    let description = args
        .description
        .map(|d| d.value())
        .or_else(|| crate::options::doc_comment(&func.attrs))
        .map(|d| quote!(.description(#d)));
    let deprecated = args.deprecated;
    let include = args.include_in_schema;
    let struct_doc = format!(
        "The `{method} {}` endpoint (see [`{name_str}::handler`]).",
        path.value()
    );

    quote! {
        #[doc = #struct_doc]
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy)]
        #vis struct #name;

        impl #name {
            #handler
        }

        impl ::fastrs::Endpoint for #name {
            fn route(self) -> ::fastrs::Route {
                #(#statics)*
                #(#checks)*
                #dump_statics
                const __STATUS: ::fastrs::http::StatusCode =
                    match ::fastrs::http::StatusCode::from_u16(#status) {
                        ::core::result::Result::Ok(s) => s,
                        ::core::result::Result::Err(_) => ::fastrs::http::StatusCode::OK,
                    };
                ::fastrs::Route::new(
                    ::fastrs::http::Method::#method_ident,
                    #path,
                    |mut __cx: ::fastrs::RequestContext| async move {
                        let __cx = &mut __cx;
                        #(#read)*
                        let mut __all_errors = ::fastrs::ValidationErrors::new();
                        let __errors = &mut __all_errors;
                        if let ::core::result::Result::Err(r) =
                            __cx.run_route_dependencies(__errors).await
                        {
                            return r;
                        }
                        #(#extract)*
                        __errors.sort_from(0);
                        if !__errors.is_empty() {
                            return __cx.validation_failed(__all_errors);
                        }
                        #unpack
                        let __ret = #call;
                        #convert
                        #respond
                    },
                )
                .name(#name_str)
                .status(__STATUS)
                #(.tag(#tags))*
                #summary
                #operation_id
                #generate_unique_id
                #description
                .deprecated(#deprecated)
                .include_in_schema(#include)
                .document(|__op| { #(#docs)* })
                #response_doc
                #(#extra_responses)*
            }
        }
    }
}

/// `#[websocket]`: the same reading, dependencies and extraction as an
/// HTTP route, then `websockets::handshake` polls the handler up to its
/// `accept()`. Invalid parameters refuse the socket with 1008
/// (`websockets::invalid`).
fn generate_websocket(args: RouteArgs, func: ItemFn, params: Vec<Param>) -> TokenStream {
    let name = &func.sig.ident;
    let vis = &func.vis;
    let name_str = args
        .name
        .as_ref()
        .map(LitStr::value)
        .unwrap_or_else(|| name.to_string());
    let path = &args.path;
    let mut handler = func.clone();
    handler.sig.ident = format_ident!("handler");
    handler.vis = syn::Visibility::Public(Default::default());
    let call_args: Vec<syn::Ident> = params.iter().map(|p| p.ident.clone()).collect();
    let ret_err = quote!(return r);
    let Extraction {
        statics,
        read,
        extract,
        docs,
        checks,
    } = signature::extraction(&params, Owner::Route, true, &ret_err);
    let unpack = signature::unpack(
        &params,
        quote!(return ::fastrs::websockets::invalid(::core::mem::take(__errors));),
    );
    let sockets = params.iter().map(|p| {
        let x = signature::extractor(p);
        quote_spanned!(p.ty.span()=> #x::WEBSOCKET)
    });
    let one_socket = quote_spanned! {name.span()=>
        const _: () = ::fastrs::__private::one_websocket(&[#(#sockets),*]);
    };
    let ret_span = match &func.sig.output {
        syn::ReturnType::Type(_, t) => t.span(),
        syn::ReturnType::Default => name.span(),
    };
    let call = quote_spanned! {ret_span=>
        ::fastrs::websockets::handshake(__cx, #name::handler(#(#call_args),*)).await
    };
    let struct_doc = format!(
        "The `websocket {}` endpoint (see [`{name_str}::handler`]).",
        path.value()
    );
    quote! {
        #[doc = #struct_doc]
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy)]
        #vis struct #name;

        impl #name {
            #handler
        }

        impl ::fastrs::Endpoint for #name {
            fn route(self) -> ::fastrs::Route {
                #(#statics)*
                #(#checks)*
                #one_socket
                ::fastrs::Route::websocket(
                    #path,
                    |mut __cx: ::fastrs::RequestContext| async move {
                        let __cx = &mut __cx;
                        #(#read)*
                        let mut __all_errors = ::fastrs::ValidationErrors::new();
                        let __errors = &mut __all_errors;
                        if let ::core::result::Result::Err(r) =
                            __cx.run_route_dependencies(__errors).await
                        {
                            return r;
                        }
                        #(#extract)*
                        __errors.sort_from(0);
                        if !__errors.is_empty() {
                            return ::fastrs::websockets::invalid(__all_errors);
                        }
                        #unpack
                        #call
                    },
                )
                .name(#name_str)
                .document(|__op| { #(#docs)* })
            }
        }
    }
}
