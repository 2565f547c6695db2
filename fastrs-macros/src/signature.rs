//! The parameters of a handler or dependency: parsed from the signature
//! (front-end), checked, then turned into extraction code (back-end), the
//! same for routes and dependencies.
//!
//! The macro does not decide what a parameter is from its type's name. An
//! attribute (`#[query]`, `#[header]`, …) names the source; a parameter named
//! in the path template is a path parameter; any other parameter is read by
//! `<T as fastrs::extract::Param>::Source`, which the type's own impl picks
//! (scalars: the query string, models: the body, `Depends<D>`: itself). The
//! generated code calls `fastrs::extract::Extract`'s three functions per
//! parameter: `read` (before any dependency), `extract` (in declaration
//! order) and `document`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, LitStr, Pat, Type};

use crate::errors::Errors;
use crate::options::{default_value, option_inner, parse_opts, shape, vec_inner, FieldOpts, Opt};

/// The options a parameter attribute takes besides the constraints.
const PARAM_OPTIONS: &[&str] = &[
    "default",
    "alias",
    "description",
    "example",
    "deprecated",
    "include_in_schema",
    "embed",
    "title",
];

/// The source attributes, and the runtime source each names.
const SOURCES: &[(&str, Source)] = &[
    ("path", Source::Path),
    ("query", Source::Query),
    ("header", Source::Header),
    ("cookie", Source::Cookie),
    ("form", Source::Form),
    ("file", Source::File),
    ("body", Source::Body),
];

/// Where a parameter is read from, when the signature says it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Source {
    Path,
    Query,
    Header,
    Cookie,
    Form,
    File,
    Body,
}

impl Source {
    fn runtime(self) -> TokenStream {
        match self {
            Source::Path => quote!(::fastrs::extract::Path),
            Source::Query => quote!(::fastrs::extract::Query),
            Source::Header => quote!(::fastrs::extract::Header),
            Source::Cookie => quote!(::fastrs::extract::Cookie),
            Source::Form => quote!(::fastrs::extract::Form),
            Source::File => quote!(::fastrs::extract::File),
            Source::Body => quote!(::fastrs::extract::Body),
        }
    }
}

/// One parameter of the signature.
pub struct Param {
    pub ident: syn::Ident,
    pub ty: Type,
    /// `None`: the type decides (`Param::Source`).
    pub source: Option<Source>,
    pub opts: FieldOpts,
}

/// What kind of function the parameters belong to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Route,
    Dependency,
}

/// Reads the parameters of `func`, removing their attributes, and checks
/// them; `template` holds the `{names}` of the route's path.
pub fn parse(
    func: &mut ItemFn,
    template: &[String],
    owner: Owner,
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
        let mut source = None;
        let mut opts: Vec<Opt> = Vec::new();
        let mut kept = Vec::new();
        for a in std::mem::take(&mut pt.attrs) {
            let found = SOURCES.iter().find(|(name, _)| a.path().is_ident(name));
            let Some(&(_, s)) = found else {
                kept.push(a);
                continue;
            };
            if source.is_some() {
                errors.at(&a, "a parameter has one source attribute");
            }
            source = Some(s);
            if let syn::Meta::List(l) = &a.meta {
                match parse_opts(l.tokens.clone()) {
                    Ok(o) => opts.extend(o),
                    Err(e) => errors.push(e),
                }
            }
        }
        pt.attrs = kept;
        let name = ident.to_string();
        let in_template = template.contains(&name);
        // FastAPI's first rule: a name in the path template is a path parameter.
        let source = source.or(in_template.then_some(Source::Path));
        let opts = FieldOpts::parse(opts, PARAM_OPTIONS, errors);
        let param = Param {
            ident,
            ty,
            source,
            opts,
        };
        check(&param, in_template, owner, errors);
        params.push(param);
    }
    params
}

/// The checks the macro can make from the signature alone; the rest (is the
/// type readable from its source?) are trait bounds that rustc checks,
/// pointed at the parameter's type.
fn check(p: &Param, in_template: bool, owner: Owner, errors: &mut Errors) {
    let Param {
        ident, ty, opts, ..
    } = p;
    // Options come with a source attribute: a parameter without one has none.
    if p.source.is_some() {
        opts.check_applies(shape(ty), ty, errors);
    }
    if let Some(span) = opts.embed {
        if p.source != Some(Source::Body) {
            errors.push(syn::Error::new(
                span,
                "`embed` applies to body parameters: `#[body(embed)]`",
            ));
        } else if owner == Owner::Dependency {
            errors.push(syn::Error::new(
                span,
                "a dependency cannot read the request body",
            ));
        }
    }
    if p.source == Some(Source::Path) {
        if !in_template && owner == Owner::Route {
            errors.at(
                ident,
                format!("`{ident}` is marked #[path] but the route path has no `{{{ident}}}`"),
            );
        }
        if option_inner(ty).is_some() || vec_inner(ty).is_some() {
            errors.at(
                ty,
                "a path parameter is always present: use a plain type, not Option or Vec",
            );
        }
        if opts.default.is_some() {
            errors.at(ident, "a path parameter cannot have a default");
        }
    }
}

/// The extraction code of a signature: the parameters' `static`
/// declarations, the `read` statements (before any dependency), the
/// `extract` statements (in declaration order, into `__errors`), and the
/// documentation statements over `__op`. `ret_err` returns early with `r`.
pub struct Extraction {
    pub statics: Vec<TokenStream>,
    pub read: Vec<TokenStream>,
    pub extract: Vec<TokenStream>,
    pub docs: Vec<TokenStream>,
    /// Compile-time checks across parameters (one body reader).
    pub checks: Vec<TokenStream>,
}

/// `<S as Extract<T>>`, spanned on the parameter's type so that an
/// unreadable type is reported there.
pub fn extractor(p: &Param) -> TokenStream {
    let ty = &p.ty;
    let span = ty.span();
    let source = match p.source {
        Some(s) => s.runtime(),
        None => quote_spanned!(span=> <#ty as ::fastrs::extract::Param>::Source),
    };
    quote_spanned!(span=> <#source as ::fastrs::extract::Extract<#ty>>)
}

/// `websocket`: the owner is a `#[websocket]` route, the only place a
/// `WebSocket` parameter is allowed (elsewhere: a compile error on its type).
pub fn extraction(
    params: &[Param],
    owner: Owner,
    websocket: bool,
    ret_err: &TokenStream,
) -> Extraction {
    let mut out = Extraction {
        statics: Vec::new(),
        read: Vec::new(),
        extract: Vec::new(),
        docs: Vec::new(),
        checks: Vec::new(),
    };
    let mut body_uses: Vec<TokenStream> = Vec::new();
    // Every parameter's body use: several JSON body parameters are embedded.
    let all_uses: Vec<TokenStream> = params
        .iter()
        .map(|p| {
            let x = extractor(p);
            quote_spanned!(p.ty.span()=> #x::BODY)
        })
        .collect();
    if owner == Owner::Route && !params.is_empty() {
        out.statics.push(quote! {
            const __SEVERAL_JSON: bool = ::fastrs::__private::several_json(&[#(#all_uses),*]);
        });
    }
    for (i, p) in params.iter().enumerate() {
        let ident = &p.ident;
        let ty = &p.ty;
        let span = ty.span();
        let x = extractor(p);
        let upper = ident.to_string().to_uppercase();
        let decl = format_ident!("__P_{}", upper);
        let read = format_ident!("__read{}", i);
        let embed = match (owner, p.source) {
            (Owner::Route, Some(Source::Body) | None) if p.opts.embed.is_none() => {
                quote!(__SEVERAL_JSON)
            }
            (Owner::Route, Some(Source::Body)) => quote!(true),
            _ => quote!(false),
        };
        out.statics.push(declaration(p, &decl, embed));
        out.read.push(quote_spanned! {span=>
            let #read = match #x::read(__cx, &#decl).await {
                ::core::result::Result::Ok(r) => r,
                ::core::result::Result::Err(r) => #ret_err,
            };
        });
        out.extract.push(quote_spanned! {span=>
            let #ident = match #x::extract(__cx, #read, &#decl, __errors).await {
                ::core::result::Result::Ok(v) => v,
                ::core::result::Result::Err(r) => #ret_err,
            };
        });
        out.docs
            .push(quote_spanned! {span=> #x::document(&#decl, __op); });
        if !websocket {
            out.checks.push(quote_spanned! {span=>
                const _: () = ::fastrs::__private::not_websocket(#x::WEBSOCKET);
            });
        }
        let this = quote_spanned!(span=> #x::BODY);
        match owner {
            Owner::Route if !body_uses.is_empty() => out.checks.push(quote_spanned! {span=>
                const _: () = ::fastrs::__private::one_body_kind(&[#(#body_uses),*], #this);
            }),
            Owner::Route => {}
            Owner::Dependency => out.checks.push(quote_spanned! {span=>
                const _: () = ::fastrs::__private::no_json_body(#this);
            }),
        }
        body_uses.push(this);
    }
    out
}

/// `static __P_X: Declared<T> = Declared { spec, default, default_json, embed };`
fn declaration(p: &Param, decl: &syn::Ident, embed: TokenStream) -> TokenStream {
    let ident = &p.ident;
    let ty = &p.ty;
    let o = &p.opts;
    let wire = match (&o.alias, p.source) {
        (Some(a), _) => a.value(),
        // FastAPI's `convert_underscores`: `user_agent` is the `user-agent` header.
        (None, Some(Source::Header)) => ident.to_string().replace('_', "-"),
        (None, _) => ident.to_string(),
    };
    let pat = format_ident!("__PATTERN_{}", ident.to_string().to_uppercase());
    let pattern_static = o.pattern_static(&pat);
    let constraints = o.constraints(o.pattern.as_ref().map(|_| &pat));
    let opt_str = |s: &Option<LitStr>| match s {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    };
    let description = opt_str(&o.description);
    let title = opt_str(&o.title);
    let example = match &o.example {
        Some(e) => quote!(::core::option::Option::Some(#e)),
        None => quote!(::core::option::Option::None),
    };
    let deprecated = o.deprecated;
    let include = o.include_in_schema;
    let (default, default_json) = match &o.default {
        None => (
            quote!(::core::option::Option::None),
            quote!(::core::option::Option::None),
        ),
        Some(d) => {
            let value = default_value(ty, d.as_ref());
            (
                quote!(::core::option::Option::Some(|| -> #ty { #value })),
                quote!(::core::option::Option::Some(|| {
                    ::fastrs::serde_json::to_value(#value).unwrap_or_default()
                })),
            )
        }
    };
    quote! {
        #pattern_static
        static #decl: ::fastrs::extract::Declared<#ty> = ::fastrs::extract::Declared {
            spec: ::fastrs::ParamSpec {
                name: #wire,
                constraints: #constraints,
                title: #title,
                description: #description,
                example: #example,
                deprecated: #deprecated,
                include_in_schema: #include,
            },
            default: #default,
            default_json: #default_json,
            embed: #embed,
        };
    }
}

/// `let (Some(a), Some(b)) = (a, b) else { <on_missing> };`
pub fn unpack(params: &[Param], on_missing: TokenStream) -> TokenStream {
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

/// The names in `{…}` of a path template.
pub fn template_names(path: &str) -> Vec<String> {
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

/// The span of a function item's first token, for "applies to a function".
pub fn first_span(item: &TokenStream) -> Span {
    item.clone()
        .into_iter()
        .next()
        .map_or(Span::call_site(), |t| t.span())
}
