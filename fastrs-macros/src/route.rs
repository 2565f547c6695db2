//! `#[get]`, `#[post]`, …: a handler function becomes an endpoint.
//!
//! The function is kept as the inherent `handler` of a unit struct of the same
//! name, and the struct implements `fastrs::Endpoint`, whose `route()` is
//! plain Rust calling the runtime: one `static ParamSpec` per parameter, a
//! closure that extracts every parameter into one `ValidationErrors` (path,
//! query, header, cookie, then body, as FastAPI orders them), calls the
//! handler and converts its result with the declared status.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Expr, ExprArray, ExprLit, FnArg, ItemFn, Lit, LitStr, Pat, Type};

use crate::errors::Errors;
use crate::options::{is_scalar, option_inner, parse_opts, shape, vec_inner, FieldOpts, Opt};

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
];
const PARAM_OPTIONS: &[&str] = &[
    "default",
    "alias",
    "description",
    "example",
    "deprecated",
    "include_in_schema",
];
const SOURCES: &[&str] = &["path", "query", "header", "cookie", "form", "body"];

struct RouteArgs {
    path: LitStr,
    status: Option<u16>,
    tags: Vec<LitStr>,
    summary: Option<LitStr>,
    description: Option<LitStr>,
    deprecated: bool,
    include_in_schema: bool,
    response_model: Option<Type>,
    responses: Vec<(syn::LitInt, Type, Option<LitStr>)>,
    name: Option<LitStr>,
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
                    while !content.is_empty() {
                        let code: syn::LitInt = content.parse()?;
                        content.parse::<syn::Token![=]>()?;
                        // `404 = ErrorMessage` or `404 = (ErrorMessage, "User not found")`
                        if content.peek(syn::token::Paren) {
                            let inner;
                            syn::parenthesized!(inner in content);
                            let ty: Type = inner.parse()?;
                            inner.parse::<syn::Token![,]>()?;
                            let d: LitStr = inner.parse()?;
                            responses.push((code, ty, Some(d)));
                        } else {
                            let ty: Type = content.parse()?;
                            responses.push((code, ty, None));
                        }
                        if content.is_empty() {
                            break;
                        }
                        content.parse::<syn::Token![,]>()?;
                    }
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
                rest.push(Opt { name, value });
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
    };
    for (code, ty, d) in responses {
        match code.base10_parse::<u16>() {
            Ok(n) if (100..600).contains(&n) => args.responses.push((code, ty, d)),
            _ => errors.at(&code, "a response status must be between 100 and 599"),
        }
    }
    for Opt { name, value } in opts {
        let key = name.to_string();
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
            _ => errors.at(
                &name,
                format!(
                    "unknown route option `{key}`; expected one of: {}",
                    ROUTE_OPTIONS.join(", ")
                ),
            ),
        }
    }
    Some(args)
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Src {
    /// `Depends<D>`: resolved first, as FastAPI solves sub-dependencies first.
    Depends,
    /// `Fresh<D>`: a dependency not taken from the request's cache.
    Fresh,
    /// `State<T>`: the app's state.
    State,
    /// `BackgroundTasks`: tasks run after the response is sent.
    Background,
    /// `Cleanup`: hooks run once the response is produced.
    Cleanup,
    Path,
    Query,
    Header,
    Cookie,
    /// `#[form]`: a field of a form body.
    Form,
    /// `UploadFile` (or `Option`/`Vec` of it): a file of a multipart body.
    File,
    Body,
}

struct Param {
    ident: syn::Ident,
    ty: Type,
    src: Src,
    opts: FieldOpts,
    /// `D` of `Depends<D>`, `T` of `State<T>`.
    inner: Option<Type>,
}

/// `Depends<D>`, `Fresh<D>`, `State<T>`, read from the type's tokens.
fn special(ty: &Type) -> Option<(Src, Type)> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.arguments.is_empty() {
        return match seg.ident.to_string().as_str() {
            "BackgroundTasks" => Some((Src::Background, ty.clone())),
            "Cleanup" => Some((Src::Cleanup, ty.clone())),
            _ => None,
        };
    }
    let src = match seg.ident.to_string().as_str() {
        "Depends" => Src::Depends,
        "Fresh" => Src::Fresh,
        "State" => Src::State,
        _ => return None,
    };
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) if args.args.len() == 1 => Some((src, t.clone())),
        _ => None,
    }
}

pub fn expand(method: &str, attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let mut func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let span = item
                .clone()
                .into_iter()
                .next()
                .map_or(Span::call_site(), |t| t.span());
            let e = syn::Error::new(
                span,
                format!("#[{method}] applies to a function: `async fn name(...) -> T {{ ... }}`"),
            );
            let mut ts = e.to_compile_error();
            ts.extend(item);
            return ts;
        }
    };
    let args = parse_route_args(method, attr, &mut errors);
    let template_params: Vec<String> = args
        .as_ref()
        .map(|a| path_params(&a.path.value()))
        .unwrap_or_default();

    let params = parse_params(&mut func, &template_params, false, &mut errors);
    if let Some(a) = &args {
        for t in &template_params {
            if !params.iter().any(|p| p.src == Src::Path && p.ident == t) {
                errors.at(
                    &a.path,
                    format!("path parameter `{t}` is missing from the function's parameters"),
                );
            }
        }
    }
    let bodies: Vec<&Param> = params.iter().filter(|p| p.src == Src::Body).collect();
    if let (Some(b), true) = (
        bodies.first(),
        params
            .iter()
            .any(|p| matches!(p.src, Src::Form | Src::File)),
    ) {
        errors.at(
            &b.ident,
            "a route reads either a JSON body or form fields, not both",
        );
    }
    for extra in bodies.iter().skip(1) {
        errors.at(
            &extra.ident,
            "only one body parameter is supported; group the fields in one model",
        );
    }
    if !func.sig.generics.params.is_empty() {
        errors.at(&func.sig.generics, "handlers cannot be generic");
    }

    let Some(args) = args.filter(|_| errors_ok(&errors)) else {
        // Re-emit the function unchanged beside the errors so that the rest of
        // the crate (and rust-analyzer) still sees it.
        let mut ts = errors.into_compile_error();
        ts.extend(func.into_token_stream());
        return ts;
    };
    generate(method, args, func, params)
}

/// Reads the parameters of a handler or dependency, stripping their
/// attributes; `template_params` are the `{names}` of the route's path.
fn parse_params(
    func: &mut ItemFn,
    template_params: &[String],
    is_dep: bool,
    errors: &mut Errors,
) -> Vec<Param> {
    let fn_ident = func.sig.ident.clone();
    let mut params = Vec::new();
    for arg in func.sig.inputs.iter_mut() {
        let FnArg::Typed(pt) = arg else {
            errors.at(&*arg, "a handler cannot take `self`");
            continue;
        };
        let Pat::Ident(pi) = &*pt.pat else {
            errors.at(
                &pt.pat,
                "handler parameters must be plain names (`item_id: i64`)",
            );
            continue;
        };
        let ident = pi.ident.clone();
        if ident == fn_ident {
            errors.at(
                &ident,
                format!(
                    "a parameter cannot share its handler's name `{ident}`: the route macro turns the handler into a unit struct of that name; rename the function"
                ),
            );
            continue;
        }
        let ty = (*pt.ty).clone();
        if let Type::Reference(r) = &ty {
            errors.at(
                r,
                "handler parameters must be owned types (`String`, not `&str`)",
            );
            continue;
        }
        let mut src = None;
        let mut opts = Vec::new();
        let mut kept = Vec::new();
        for a in std::mem::take(&mut pt.attrs) {
            let name = a.path().get_ident().map(|i| i.to_string());
            match name.as_deref() {
                Some(s) if SOURCES.contains(&s) => {
                    if src.is_some() {
                        errors.at(&a, "a parameter has one source attribute");
                    }
                    src = Some(match s {
                        "path" => Src::Path,
                        "query" => Src::Query,
                        "header" => Src::Header,
                        "cookie" => Src::Cookie,
                        "form" => Src::Form,
                        _ => Src::Body,
                    });
                    if let syn::Meta::List(l) = &a.meta {
                        match parse_opts(l.tokens.clone()) {
                            Ok(o) => opts.extend(o),
                            Err(e) => errors.push(e),
                        }
                    }
                }
                _ => kept.push(a),
            }
        }
        pt.attrs = kept;
        let file_ty = option_inner(&ty).or_else(|| vec_inner(&ty)).unwrap_or(&ty);
        if matches!(file_ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "UploadFile"))
        {
            let opts = FieldOpts::parse(opts, PARAM_OPTIONS, errors);
            params.push(Param {
                ident,
                ty,
                src: Src::File,
                opts,
                inner: None,
            });
            continue;
        }
        if let Some((kind, inner)) = special(&ty) {
            if src.is_some() {
                errors.at(
                    &ident,
                    "a `Depends`, `Fresh` or `State` parameter takes no source attribute",
                );
            }
            params.push(Param {
                ident,
                ty,
                src: kind,
                opts: FieldOpts::default(),
                inner: Some(inner),
            });
            continue;
        }
        let name = ident.to_string();
        let in_template = template_params.contains(&name);
        let src = src.unwrap_or(if in_template {
            Src::Path
        } else if is_scalar(&ty) {
            Src::Query
        } else {
            Src::Body
        });
        let opts = FieldOpts::parse(opts, PARAM_OPTIONS, errors);
        if src == Src::Body && !opts_empty(&opts) {
            errors.at(
                &ident,
                "a body parameter takes no options; put constraints on the model's fields",
            );
        }
        if src != Src::Body {
            opts.check_applies(shape(&ty), &ty, errors);
        }
        if src == Src::Path {
            if !in_template && !is_dep {
                errors.at(
                    &ident,
                    format!("`{name}` is marked #[path] but the route path has no `{{{name}}}`"),
                );
            }
            if option_inner(&ty).is_some() || vec_inner(&ty).is_some() {
                errors.at(
                    &ty,
                    "a path parameter is always present: use a plain type, not Option or Vec",
                );
            }
            if opts.default.is_some() {
                errors.at(&ident, "a path parameter cannot have a default");
            }
        }
        if is_dep && src == Src::Body {
            errors.at(
                &ty,
                "a dependency cannot read the request body; take the model in the handler",
            );
        }
        params.push(Param {
            ident,
            ty,
            src,
            opts,
            inner: None,
        });
    }
    params
}

fn errors_ok(e: &Errors) -> bool {
    e.is_empty()
}

fn opts_empty(o: &FieldOpts) -> bool {
    o.gt.is_none()
        && o.ge.is_none()
        && o.lt.is_none()
        && o.le.is_none()
        && o.multiple_of.is_none()
        && o.min_length.is_none()
        && o.max_length.is_none()
        && o.pattern.is_none()
        && o.default.is_none()
        && o.alias.is_none()
}

fn path_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        out.push(
            rest[start + 1..start + end]
                .trim_start_matches('*')
                .to_owned(),
        );
        rest = &rest[start + end + 1..];
    }
    out
}

/// The extraction code shared by routes and dependencies: statics of the
/// parameter specs, the statements that extract every parameter into
/// `__errors` (a `&mut ValidationErrors`), and the documentation statements
/// over `__op` (a `&mut Operation`). `ret_err` returns a response early.
struct Extraction {
    statics: Vec<TokenStream>,
    body_read: TokenStream,
    body_finish: TokenStream,
    extract: Vec<TokenStream>,
    docs: Vec<TokenStream>,
}

fn extraction(params: &[Param], ret_err: &TokenStream) -> Extraction {
    let uses_form = params
        .iter()
        .any(|p| matches!(p.src, Src::Form | Src::File));
    let mut statics = Vec::new();
    let mut extract = Vec::new();
    let mut docs = Vec::new();
    let mut body_read = TokenStream::new();
    let mut body_finish = TokenStream::new();
    for p in params {
        let ident = &p.ident;
        let ty = &p.ty;
        let span = ty.span();
        if p.src == Src::Body {
            body_read = quote_spanned! {span=>
                let __body = match __cx.json_body::<#ty>().await {
                    ::core::result::Result::Ok(b) => b,
                    ::core::result::Result::Err(r) => #ret_err,
                };
            };
            body_finish = quote_spanned! {span=> let #ident = ::fastrs::request::finish_body::<#ty>(__body, __errors); };
            docs.push(quote_spanned! {span=>
                __op.body = ::core::option::Option::Some((|g| g.subschema_for::<#ty>(), true));
            });
            continue;
        }
        if let (Some(inner), Src::Depends | Src::Fresh) = (&p.inner, p.src) {
            let (method, wrap) = if p.src == Src::Depends {
                (quote_spanned!(span=> depends), quote!(::fastrs::Depends))
            } else {
                (
                    quote_spanned!(span=> depends_fresh),
                    quote!(::fastrs::Fresh),
                )
            };
            extract.push(quote_spanned! {span=>
                let #ident = match __cx.#method::<#inner>(__errors).await {
                    ::core::result::Result::Ok(v) => v.map(#wrap),
                    ::core::result::Result::Err(r) => #ret_err,
                };
            });
            docs.push(quote_spanned! {span=> <#inner as ::fastrs::Dependency>::document(__op); });
            continue;
        }
        if matches!(p.src, Src::Background | Src::Cleanup) {
            let method = if p.src == Src::Background {
                quote_spanned!(span=> background_tasks)
            } else {
                quote_spanned!(span=> cleanup)
            };
            extract.push(quote_spanned! {span=>
                let #ident = ::core::option::Option::Some(__cx.#method());
            });
            docs.push(quote! { __op.needs_completion = true; });
            continue;
        }
        if let (Some(inner), Src::State) = (&p.inner, p.src) {
            extract.push(quote_spanned! {span=>
                let #ident = __cx.state::<#inner>().map(::fastrs::State);
                if #ident.is_none() {
                    let r = ::fastrs::dependency::missing_state::<#inner>();
                    #ret_err
                }
            });
            continue;
        }
        let (source, wire) = match p.src {
            Src::Form | Src::File => (quote!(Form), ident.to_string()),
            Src::Path => (quote!(Path), ident.to_string()),
            Src::Query => (quote!(Query), ident.to_string()),
            Src::Header => (quote!(Header), ident.to_string().replace('_', "-")),
            Src::Cookie => (quote!(Cookie), ident.to_string()),
            Src::Body | Src::Depends | Src::Fresh | Src::State | Src::Background | Src::Cleanup => {
                unreachable!("handled above")
            }
        };
        let wire = match &p.opts.alias {
            Some(a) => a.value(),
            None => wire,
        };
        let spec = format_ident!("__P_{}", ident.to_string().to_uppercase());
        let pat = format_ident!("__PATTERN_{}", ident.to_string().to_uppercase());
        let pattern_static = p.opts.pattern_static(&pat);
        let constraints = p.opts.constraints(p.opts.pattern.as_ref().map(|_| &pat));
        let opt_str = |s: &Option<LitStr>| match s {
            Some(s) => quote!(::core::option::Option::Some(#s)),
            None => quote!(::core::option::Option::None),
        };
        let description = opt_str(&p.opts.description);
        let example = match &p.opts.example {
            Some(e) => quote!(::core::option::Option::Some(#e)),
            None => quote!(::core::option::Option::None),
        };
        let deprecated = p.opts.deprecated;
        let include = p.opts.include_in_schema;
        statics.push(quote! {
            #pattern_static
            static #spec: ::fastrs::ParamSpec = ::fastrs::ParamSpec {
                source: ::fastrs::Source::#source,
                name: #wire,
                constraints: #constraints,
                description: #description,
                example: #example,
                deprecated: #deprecated,
                include_in_schema: #include,
            };
        });
        if p.src == Src::File {
            let method = if option_inner(ty).is_some() {
                quote_spanned!(span=> file_opt)
            } else if vec_inner(ty).is_some() {
                quote_spanned!(span=> file_list)
            } else {
                quote_spanned!(span=> file_one)
            };
            let required = option_inner(ty).is_none() && vec_inner(ty).is_none();
            extract.push(quote_spanned! {span=>
                let #ident = __cx.#method(&#spec, __errors);
            });
            docs.push(quote_spanned! {span=>
                __op.form_multipart = true;
                __op.form.push(::fastrs::routing::ParamDoc {
                    spec: &#spec,
                    required: #required,
                    schema: |g| g.subschema_for::<#ty>(),
                    default: ::core::option::Option::None,
                });
            });
            continue;
        }
        let (method, inner) = if let Some(inner) = option_inner(ty) {
            (quote_spanned!(span=> param_opt), inner)
        } else if let Some(inner) = vec_inner(ty) {
            (quote_spanned!(span=> param_list), inner)
        } else {
            (quote_spanned!(span=> param_one), ty)
        };
        let default = match &p.opts.default {
            None => quote!(::core::option::Option::None),
            Some(None) => quote!(::core::option::Option::Some(
                <#ty as ::core::default::Default>::default
            )),
            Some(Some(e)) => quote!(::core::option::Option::Some(
                || -> #ty { ::core::convert::Into::into(#e) }
            )),
        };
        let required =
            p.opts.default.is_none() && option_inner(ty).is_none() && vec_inner(ty).is_none();
        let default_json = match &p.opts.default {
            None if vec_inner(ty).is_some() => quote!(::core::option::Option::Some(|| {
                ::fastrs::serde_json::Value::Array(::std::vec::Vec::new())
            })),
            None => quote!(::core::option::Option::None),
            Some(_) => quote!(::core::option::Option::Some(|| {
                let d: ::core::option::Option<fn() -> #ty> = #default;
                d.map(|f| ::fastrs::serde_json::to_value(f()).unwrap_or_default())
                    .unwrap_or_default()
            })),
        };
        extract.push(quote_spanned! {span=>
            let #ident = __cx.#method::<#inner>(&#spec, #default, __errors);
        });
        let list = if p.src == Src::Form {
            quote!(form)
        } else {
            quote!(params)
        };
        docs.push(quote_spanned! {span=>
            __op.#list.push(::fastrs::routing::ParamDoc {
                spec: &#spec,
                required: #required,
                schema: |g| g.subschema_for::<#ty>(),
                default: #default_json,
            });
        });
    }

    if uses_form {
        extract.insert(
            0,
            quote! {
                if let ::core::result::Result::Err(r) = __cx.read_form().await {
                    #ret_err
                }
            },
        );
    }
    Extraction {
        statics,
        body_read,
        body_finish,
        extract,
        docs,
    }
}

/// `let (Some(a), Some(b)) = (a, b) else { <on_missing> };`
fn unpack(params: &[Param], on_missing: TokenStream) -> TokenStream {
    let names: Vec<&syn::Ident> = params.iter().map(|p| &p.ident).collect();
    if names.is_empty() {
        return TokenStream::new();
    }
    let somes = names
        .iter()
        .map(|n| quote!(::core::option::Option::Some(#n)));
    quote! {
        let (#(#somes,)*) = (#(#names,)*) else { #on_missing };
    }
}

fn is_result(output: &syn::ReturnType) -> bool {
    match output {
        syn::ReturnType::Type(_, t) => {
            matches!(&**t, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Result"))
        }
        syn::ReturnType::Default => false,
    }
}

fn generate(method: &str, args: RouteArgs, func: ItemFn, mut params: Vec<Param>) -> TokenStream {
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
    let outer_attrs: Vec<&syn::Attribute> = func
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc") || a.path().is_ident("allow"))
        .collect();

    let call_args: Vec<syn::Ident> = params.iter().map(|p| p.ident.clone()).collect();
    params.sort_by_key(|p| p.src);

    let ret_err = quote!(return r);
    let Extraction {
        statics,
        body_read,
        body_finish,
        extract,
        docs,
    } = extraction(&params, &ret_err);
    let unpack = unpack(
        &params,
        quote!(return ::fastrs::IntoResponse::into_response(::core::mem::take(__errors));),
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
    let extra_responses = args.responses.iter().map(|(code, ty, d)| {
        let d = match d {
            Some(d) => quote!(::core::option::Option::Some(#d)),
            None => quote!(::core::option::Option::None),
        };
        quote!(.error_response::<#ty>(
            match ::fastrs::http::StatusCode::from_u16(#code) {
                ::core::result::Result::Ok(s) => s,
                ::core::result::Result::Err(_) => ::fastrs::http::StatusCode::INTERNAL_SERVER_ERROR,
            },
            #d,
        ))
    });
    let ret_span = match &func.sig.output {
        syn::ReturnType::Type(_, t) => t.span(),
        syn::ReturnType::Default => name.span(),
    };
    let respond = quote_spanned! {ret_span=>
        ::fastrs::IntoResponse::into_response_with_status(__ret, __STATUS)
    };
    let tags = &args.tags;
    let summary = args.summary.map(|s| quote!(.summary(#s)));
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
            #(#outer_attrs)*
            #handler
        }

        impl ::fastrs::Endpoint for #name {
            fn route(self) -> ::fastrs::Route {
                #(#statics)*
                const __STATUS: ::fastrs::http::StatusCode =
                    match ::fastrs::http::StatusCode::from_u16(#status) {
                        ::core::result::Result::Ok(s) => s,
                        ::core::result::Result::Err(_) => ::fastrs::http::StatusCode::OK,
                    };
                ::fastrs::Route::new(
                    ::fastrs::http::Method::#method_ident,
                    #path,
                    |mut __cx: ::fastrs::RequestContext| async move {
                        #body_read
                        let mut __all_errors = ::fastrs::ValidationErrors::new();
                        let __errors = &mut __all_errors;
                        if let ::core::result::Result::Err(r) =
                            __cx.run_route_dependencies(__errors).await
                        {
                            return r;
                        }
                        #(#extract)*
                        #body_finish
                        if !__errors.is_empty() {
                            return ::fastrs::IntoResponse::into_response(__all_errors);
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

/// `#[dependency]`: a function whose parameters are extracted like a
/// handler's becomes a unit struct implementing `fastrs::Dependency`.
pub fn expand_dependency(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let mut func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let span = item
                .clone()
                .into_iter()
                .next()
                .map_or(Span::call_site(), |t| t.span());
            let mut ts = syn::Error::new(
                span,
                "#[dependency] applies to a function: `async fn name(...) -> T { ... }`",
            )
            .to_compile_error();
            ts.extend(item);
            return ts;
        }
    };
    if !attr.is_empty() {
        errors.at(&attr, "#[dependency] takes no options");
    }
    if func.sig.asyncness.is_none() {
        errors.at(func.sig.fn_token, "a dependency is an `async fn`");
    }
    if !func.sig.generics.params.is_empty() {
        errors.at(&func.sig.generics, "dependencies cannot be generic");
    }
    let params = parse_params(&mut func, &[], true, &mut errors);
    if !errors.is_empty() {
        let mut ts = errors.into_compile_error();
        ts.extend(func.into_token_stream());
        return ts;
    }
    generate_dependency(func, params)
}

fn generate_dependency(func: ItemFn, mut params: Vec<Param>) -> TokenStream {
    let name = &func.sig.ident;
    let vis = &func.vis;
    let mut call_fn = func.clone();
    call_fn.sig.ident = format_ident!("call");
    call_fn.vis = syn::Visibility::Public(Default::default());
    let outer_attrs: Vec<&syn::Attribute> = func
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc") || a.path().is_ident("allow"))
        .collect();
    let call_args: Vec<syn::Ident> = params.iter().map(|p| p.ident.clone()).collect();
    params.sort_by_key(|p| p.src);
    let ret_err = quote!(return ::core::result::Result::Err(r));
    let Extraction {
        statics,
        extract,
        docs,
        ..
    } = extraction(&params, &ret_err);
    let unpack = unpack(
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
            #(#outer_attrs)*
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
                    let __before = __errors.len();
                    #(#extract)*
                    if __errors.len() != __before {
                        return ::core::result::Result::Ok(::core::option::Option::None);
                    }
                    #unpack
                    let __ret = #name::call(#(#call_args),*).await;
                    #finish
                }
            }

            fn document(__op: &mut ::fastrs::routing::Operation) {
                #(#statics)*
                #(#docs)*
            }
        }
    }
}
