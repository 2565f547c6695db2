///The `get /` endpoint (see [`read_root::handler`]).
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy)]
pub struct read_root;
impl read_root {
    /// Greets the world.
    pub async fn handler() -> Json<Value> {
        Json(json!({ "message" : "Hello, World" }))
    }
}
impl ::fastrs::Endpoint for read_root {
    fn route(self) -> ::fastrs::Route {
        const __STATUS: ::fastrs::http::StatusCode = match ::fastrs::http::StatusCode::from_u16(
            200u16,
        ) {
            ::core::result::Result::Ok(s) => s,
            ::core::result::Result::Err(_) => ::fastrs::http::StatusCode::OK,
        };
        ::fastrs::Route::new(
                ::fastrs::http::Method::GET,
                "/",
                |mut __cx: ::fastrs::RequestContext| async move {
                    let __cx = &mut __cx;
                    let mut __all_errors = ::fastrs::ValidationErrors::new();
                    let __errors = &mut __all_errors;
                    if let ::core::result::Result::Err(r) = __cx
                        .run_route_dependencies(__errors)
                        .await
                    {
                        return r;
                    }
                    __errors.sort_from(0);
                    if !__errors.is_empty() {
                        return __cx.validation_failed(__all_errors);
                    }
                    let __ret = read_root::handler().await;
                    ::fastrs::IntoResponse::into_route_response(__ret, __STATUS, __cx)
                },
            )
            .name("read_root")
            .status(__STATUS)
            .description("Greets the world.")
            .deprecated(false)
            .include_in_schema(true)
            .document(|__op| {})
            .returns::<Json<Value>>()
    }
}
///The `get /items/{item_id}` endpoint (see [`read_item::handler`]).
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy)]
pub struct read_item;
impl read_item {
    /// Reads one item; `item_id` must be an integer (else 422), `q` is optional.
    pub async fn handler(item_id: i64, q: Option<String>) -> Json<Value> {
        Json(json!({ "item_id" : item_id, "query" : q }))
    }
}
impl ::fastrs::Endpoint for read_item {
    fn route(self) -> ::fastrs::Route {
        const __SEVERAL_JSON: bool = ::fastrs::__private::several_json(
            &[
                <::fastrs::extract::Path as ::fastrs::extract::Extract<i64>>::BODY,
                <<Option<
                    String,
                > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                    Option<String>,
                >>::BODY,
            ],
        );
        static __P_ITEM_ID: ::fastrs::extract::Declared<i64> = ::fastrs::extract::Declared {
            spec: ::fastrs::ParamSpec {
                name: "item_id",
                constraints: ::fastrs::Constraints::NONE,
                title: ::core::option::Option::None,
                description: ::core::option::Option::None,
                example: ::core::option::Option::None,
                deprecated: false,
                include_in_schema: true,
            },
            default: ::core::option::Option::None,
            default_json: ::core::option::Option::None,
            embed: false,
        };
        static __P_Q: ::fastrs::extract::Declared<Option<String>> = ::fastrs::extract::Declared {
            spec: ::fastrs::ParamSpec {
                name: "q",
                constraints: ::fastrs::Constraints::NONE,
                title: ::core::option::Option::None,
                description: ::core::option::Option::None,
                example: ::core::option::Option::None,
                deprecated: false,
                include_in_schema: true,
            },
            default: ::core::option::Option::None,
            default_json: ::core::option::Option::None,
            embed: __SEVERAL_JSON,
        };
        const _: () = ::fastrs::__private::not_websocket(
            <::fastrs::extract::Path as ::fastrs::extract::Extract<i64>>::WEBSOCKET,
        );
        const _: () = ::fastrs::__private::not_websocket(
            <<Option<
                String,
            > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                Option<String>,
            >>::WEBSOCKET,
        );
        const _: () = ::fastrs::__private::one_body_kind(
            &[<::fastrs::extract::Path as ::fastrs::extract::Extract<i64>>::BODY],
            <<Option<
                String,
            > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                Option<String>,
            >>::BODY,
        );
        const __STATUS: ::fastrs::http::StatusCode = match ::fastrs::http::StatusCode::from_u16(
            200u16,
        ) {
            ::core::result::Result::Ok(s) => s,
            ::core::result::Result::Err(_) => ::fastrs::http::StatusCode::OK,
        };
        ::fastrs::Route::new(
                ::fastrs::http::Method::GET,
                "/items/{item_id}",
                |mut __cx: ::fastrs::RequestContext| async move {
                    let __cx = &mut __cx;
                    let __read0 = match <::fastrs::extract::Path as ::fastrs::extract::Extract<
                        i64,
                    >>::read(__cx, &__P_ITEM_ID)
                        .await
                    {
                        ::core::result::Result::Ok(r) => r,
                        ::core::result::Result::Err(r) => return r,
                    };
                    let __read1 = match <<Option<
                        String,
                    > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                        Option<String>,
                    >>::read(__cx, &__P_Q)
                        .await
                    {
                        ::core::result::Result::Ok(r) => r,
                        ::core::result::Result::Err(r) => return r,
                    };
                    let mut __all_errors = ::fastrs::ValidationErrors::new();
                    let __errors = &mut __all_errors;
                    if let ::core::result::Result::Err(r) = __cx
                        .run_route_dependencies(__errors)
                        .await
                    {
                        return r;
                    }
                    let item_id = match <::fastrs::extract::Path as ::fastrs::extract::Extract<
                        i64,
                    >>::extract(__cx, __read0, &__P_ITEM_ID, __errors)
                        .await
                    {
                        ::core::result::Result::Ok(v) => v,
                        ::core::result::Result::Err(r) => return r,
                    };
                    let q = match <<Option<
                        String,
                    > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                        Option<String>,
                    >>::extract(__cx, __read1, &__P_Q, __errors)
                        .await
                    {
                        ::core::result::Result::Ok(v) => v,
                        ::core::result::Result::Err(r) => return r,
                    };
                    __errors.sort_from(0);
                    if !__errors.is_empty() {
                        return __cx.validation_failed(__all_errors);
                    }
                    let (
                        ::core::option::Option::Some(item_id),
                        ::core::option::Option::Some(q),
                    ) = (item_id, q) else {
                        return __cx.validation_failed(::core::mem::take(__errors));
                    };
                    let __ret = read_item::handler(item_id, q).await;
                    ::fastrs::IntoResponse::into_route_response(__ret, __STATUS, __cx)
                },
            )
            .name("read_item")
            .status(__STATUS)
            .description(
                "Reads one item; `item_id` must be an integer (else 422), `q` is optional.",
            )
            .deprecated(false)
            .include_in_schema(true)
            .document(|__op| {
                <::fastrs::extract::Path as ::fastrs::extract::Extract<
                    i64,
                >>::document(&__P_ITEM_ID, __op);
                <<Option<
                    String,
                > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                    Option<String>,
                >>::document(&__P_Q, __op);
            })
            .returns::<Json<Value>>()
    }
}
