///The `get /items/{item_id}` endpoint (see [`read_item::handler`]).
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy)]
struct read_item;
impl read_item {
    /// FastAPI's "Response Model" tutorial004: only the fields the data set.
    pub async fn handler(item_id: String) -> Item {
        Item::model_validate(&items()[&item_id]).unwrap()
    }
}
impl ::fastrs::Endpoint for read_item {
    fn route(self) -> ::fastrs::Route {
        const __SEVERAL_JSON: bool = ::fastrs::__private::several_json(
            &[<::fastrs::extract::Path as ::fastrs::extract::Extract<String>>::BODY],
        );
        static __P_ITEM_ID: ::fastrs::extract::Declared<String> = ::fastrs::extract::Declared {
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
        const _: () = ::fastrs::__private::not_websocket(
            <::fastrs::extract::Path as ::fastrs::extract::Extract<String>>::WEBSOCKET,
        );
        const _: () = ::fastrs::dump::exclude_unset_applies::<Item>();
        static __DUMP: ::fastrs::dump::DumpOptions<'static> = ::fastrs::dump::DumpOptions {
            exclude_unset: true,
            exclude_defaults: false,
            exclude_none: false,
            include: ::core::option::Option::None,
            exclude: ::core::option::Option::None,
        };
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
                        String,
                    >>::read(__cx, &__P_ITEM_ID)
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
                        String,
                    >>::extract(__cx, __read0, &__P_ITEM_ID, __errors)
                        .await
                    {
                        ::core::result::Result::Ok(v) => v,
                        ::core::result::Result::Err(r) => return r,
                    };
                    __errors.sort_from(0);
                    if !__errors.is_empty() {
                        return __cx.validation_failed(__all_errors);
                    }
                    let (::core::option::Option::Some(item_id),) = (item_id,) else {
                        return __cx.validation_failed(::core::mem::take(__errors));
                    };
                    let __ret = read_item::handler(item_id).await;
                    let __ret: Item = {
                        let __v = __ret;
                        ::core::convert::Into::<Item>::into(__v)
                    };
                    ::fastrs::dump::DumpResponse::dump_response(
                        __ret,
                        &__DUMP,
                        __STATUS,
                        __cx,
                    )
                },
            )
            .name("read_item")
            .status(__STATUS)
            .description(
                "FastAPI's \"Response Model\" tutorial004: only the fields the data set.",
            )
            .deprecated(false)
            .include_in_schema(true)
            .document(|__op| {
                <::fastrs::extract::Path as ::fastrs::extract::Extract<
                    String,
                >>::document(&__P_ITEM_ID, __op);
            })
            .response::<Item>()
    }
}
