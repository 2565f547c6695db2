///The `get_db` dependency (see [`get_db::call`]).
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, Default)]
pub struct get_db;
impl get_db {
    pub async fn call(pool: State<Db>) -> Db {
        pool.0
    }
}
impl ::fastrs::Dependency for get_db {
    type Output = Db;
    fn resolve<'__a>(
        __cx: &'__a mut ::fastrs::RequestContext,
        __errors: &'__a mut ::fastrs::ValidationErrors,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<::core::option::Option<Db>, ::fastrs::Response>,
    > + ::core::marker::Send + '__a {
        async move {
            static __P_POOL: ::fastrs::extract::Declared<State<Db>> = ::fastrs::extract::Declared {
                spec: ::fastrs::ParamSpec {
                    name: "pool",
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
                <<State<
                    Db,
                > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                    State<Db>,
                >>::WEBSOCKET,
            );
            const _: () = ::fastrs::__private::no_json_body(
                <<State<
                    Db,
                > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                    State<Db>,
                >>::BODY,
            );
            let __read0 = match <<State<
                Db,
            > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                State<Db>,
            >>::read(__cx, &__P_POOL)
                .await
            {
                ::core::result::Result::Ok(r) => r,
                ::core::result::Result::Err(r) => return ::core::result::Result::Err(r),
            };
            let __before = __errors.len();
            let pool = match <<State<
                Db,
            > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                State<Db>,
            >>::extract(__cx, __read0, &__P_POOL, __errors)
                .await
            {
                ::core::result::Result::Ok(v) => v,
                ::core::result::Result::Err(r) => return ::core::result::Result::Err(r),
            };
            __errors.sort_from(__before);
            if __errors.len() != __before {
                return ::core::result::Result::Ok(::core::option::Option::None);
            }
            let (::core::option::Option::Some(pool),) = (pool,) else {
                return ::core::result::Result::Ok(::core::option::Option::None);
            };
            let __ret = get_db::call(pool).await;
            ::core::result::Result::Ok(::core::option::Option::Some(__ret))
        }
    }
    fn document(__op: &mut ::fastrs::routing::Operation) {
        static __P_POOL: ::fastrs::extract::Declared<State<Db>> = ::fastrs::extract::Declared {
            spec: ::fastrs::ParamSpec {
                name: "pool",
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
        <<State<
            Db,
        > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
            State<Db>,
        >>::document(&__P_POOL, __op);
    }
}
///The `get ` endpoint (see [`list_users::handler`]).
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy)]
pub struct list_users;
impl list_users {
    /// Lists users by id.
    pub async fn handler(
        skip: i64,
        limit: i64,
        db: Depends<get_db>,
    ) -> Result<Vec<UserResponse>, HttpError> {
        db.list(skip, limit).await
    }
}
impl ::fastrs::Endpoint for list_users {
    fn route(self) -> ::fastrs::Route {
        const __SEVERAL_JSON: bool = ::fastrs::__private::several_json(
            &[
                <::fastrs::extract::Query as ::fastrs::extract::Extract<i64>>::BODY,
                <::fastrs::extract::Query as ::fastrs::extract::Extract<i64>>::BODY,
                <<Depends<
                    get_db,
                > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                    Depends<get_db>,
                >>::BODY,
            ],
        );
        static __P_SKIP: ::fastrs::extract::Declared<i64> = ::fastrs::extract::Declared {
            spec: ::fastrs::ParamSpec {
                name: "skip",
                constraints: ::fastrs::Constraints {
                    ge: ::core::option::Option::Some(::fastrs::Bound::Int(0i128)),
                    ..::fastrs::Constraints::NONE
                },
                title: ::core::option::Option::None,
                description: ::core::option::Option::None,
                example: ::core::option::Option::None,
                deprecated: false,
                include_in_schema: true,
            },
            default: ::core::option::Option::Some(|| -> i64 { 0 }),
            default_json: ::core::option::Option::Some(|| {
                ::fastrs::serde_json::to_value(0).unwrap_or_default()
            }),
            embed: false,
        };
        static __P_LIMIT: ::fastrs::extract::Declared<i64> = ::fastrs::extract::Declared {
            spec: ::fastrs::ParamSpec {
                name: "limit",
                constraints: ::fastrs::Constraints {
                    ge: ::core::option::Option::Some(::fastrs::Bound::Int(1i128)),
                    le: ::core::option::Option::Some(::fastrs::Bound::Int(100i128)),
                    ..::fastrs::Constraints::NONE
                },
                title: ::core::option::Option::None,
                description: ::core::option::Option::None,
                example: ::core::option::Option::None,
                deprecated: false,
                include_in_schema: true,
            },
            default: ::core::option::Option::Some(|| -> i64 { 20 }),
            default_json: ::core::option::Option::Some(|| {
                ::fastrs::serde_json::to_value(20).unwrap_or_default()
            }),
            embed: false,
        };
        static __P_DB: ::fastrs::extract::Declared<Depends<get_db>> = ::fastrs::extract::Declared {
            spec: ::fastrs::ParamSpec {
                name: "db",
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
            <::fastrs::extract::Query as ::fastrs::extract::Extract<i64>>::WEBSOCKET,
        );
        const _: () = ::fastrs::__private::not_websocket(
            <::fastrs::extract::Query as ::fastrs::extract::Extract<i64>>::WEBSOCKET,
        );
        const _: () = ::fastrs::__private::one_body_kind(
            &[<::fastrs::extract::Query as ::fastrs::extract::Extract<i64>>::BODY],
            <::fastrs::extract::Query as ::fastrs::extract::Extract<i64>>::BODY,
        );
        const _: () = ::fastrs::__private::not_websocket(
            <<Depends<
                get_db,
            > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                Depends<get_db>,
            >>::WEBSOCKET,
        );
        const _: () = ::fastrs::__private::one_body_kind(
            &[
                <::fastrs::extract::Query as ::fastrs::extract::Extract<i64>>::BODY,
                <::fastrs::extract::Query as ::fastrs::extract::Extract<i64>>::BODY,
            ],
            <<Depends<
                get_db,
            > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                Depends<get_db>,
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
                "",
                |mut __cx: ::fastrs::RequestContext| async move {
                    let __cx = &mut __cx;
                    let __read0 = match <::fastrs::extract::Query as ::fastrs::extract::Extract<
                        i64,
                    >>::read(__cx, &__P_SKIP)
                        .await
                    {
                        ::core::result::Result::Ok(r) => r,
                        ::core::result::Result::Err(r) => return r,
                    };
                    let __read1 = match <::fastrs::extract::Query as ::fastrs::extract::Extract<
                        i64,
                    >>::read(__cx, &__P_LIMIT)
                        .await
                    {
                        ::core::result::Result::Ok(r) => r,
                        ::core::result::Result::Err(r) => return r,
                    };
                    let __read2 = match <<Depends<
                        get_db,
                    > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                        Depends<get_db>,
                    >>::read(__cx, &__P_DB)
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
                    let skip = match <::fastrs::extract::Query as ::fastrs::extract::Extract<
                        i64,
                    >>::extract(__cx, __read0, &__P_SKIP, __errors)
                        .await
                    {
                        ::core::result::Result::Ok(v) => v,
                        ::core::result::Result::Err(r) => return r,
                    };
                    let limit = match <::fastrs::extract::Query as ::fastrs::extract::Extract<
                        i64,
                    >>::extract(__cx, __read1, &__P_LIMIT, __errors)
                        .await
                    {
                        ::core::result::Result::Ok(v) => v,
                        ::core::result::Result::Err(r) => return r,
                    };
                    let db = match <<Depends<
                        get_db,
                    > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                        Depends<get_db>,
                    >>::extract(__cx, __read2, &__P_DB, __errors)
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
                        ::core::option::Option::Some(skip),
                        ::core::option::Option::Some(limit),
                        ::core::option::Option::Some(db),
                    ) = (skip, limit, db) else {
                        return __cx.validation_failed(::core::mem::take(__errors));
                    };
                    let __ret = list_users::handler(skip, limit, db).await;
                    let __ret = __ret
                        .map(|__v| -> Vec<UserResponse> {
                            ::core::iter::IntoIterator::into_iter(__v)
                                .map(::core::convert::Into::<UserResponse>::into)
                                .collect::<Vec<UserResponse>>()
                        });
                    ::fastrs::IntoResponse::into_route_response(__ret, __STATUS, __cx)
                },
            )
            .name("list_users")
            .status(__STATUS)
            .description("Lists users by id.")
            .deprecated(false)
            .include_in_schema(true)
            .document(|__op| {
                <::fastrs::extract::Query as ::fastrs::extract::Extract<
                    i64,
                >>::document(&__P_SKIP, __op);
                <::fastrs::extract::Query as ::fastrs::extract::Extract<
                    i64,
                >>::document(&__P_LIMIT, __op);
                <<Depends<
                    get_db,
                > as ::fastrs::extract::Param>::Source as ::fastrs::extract::Extract<
                    Depends<get_db>,
                >>::document(&__P_DB, __op);
            })
            .response::<Vec<UserResponse>>()
    }
}
