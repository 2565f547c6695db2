#[derive(Model)]
#[model(tag = "pet_type", rename_all = "lowercase")]
enum Pet {
    Cat(Cat),
    Dog(Dog),
}
const _: () = {
    const __TAGS: &[&str] = &["cat", "dog"];
    const _: fn() = || {
        ::fastrs::union::assert_model::<Cat>();
    };
    const _: fn() = || {
        ::fastrs::union::assert_model::<Dog>();
    };
    impl ::fastrs::FromJson for Pet {
        fn deserialize_lax<'de, __D: ::fastrs::serde::Deserializer<'de>>(
            __d: __D,
        ) -> ::core::result::Result<Self, __D::Error> {
            let __v = <::fastrs::serde_json::Value as ::fastrs::serde::Deserialize>::deserialize(
                __d,
            )?;
            match ::fastrs::union::fast_tag_index(&__v, "pet_type", __TAGS) {
                ::core::option::Option::Some(0usize) => {
                    <Cat as ::fastrs::FromJson>::deserialize_lax(&__v)
                        .map(Pet::Cat)
                        .map_err(<__D::Error as ::fastrs::serde::de::Error>::custom)
                }
                ::core::option::Option::Some(1usize) => {
                    <Dog as ::fastrs::FromJson>::deserialize_lax(&__v)
                        .map(Pet::Dog)
                        .map_err(<__D::Error as ::fastrs::serde::de::Error>::custom)
                }
                _ => {
                    ::core::result::Result::Err(
                        <__D::Error as ::fastrs::serde::de::Error>::custom(
                            ::fastrs::union::NO_MATCH,
                        ),
                    )
                }
            }
        }
        fn from_json(
            __v: &::fastrs::serde_json::Value,
            __loc: &mut ::fastrs::validation::Loc,
            __errors: &mut ::fastrs::ValidationErrors,
        ) -> ::core::option::Option<Self> {
            match ::fastrs::union::tag_index(__v, "pet_type", __TAGS, __loc, __errors)? {
                0usize => {
                    ::fastrs::union::variant::<Cat>(__v, __TAGS[0usize], __loc, __errors)
                        .map(Pet::Cat)
                }
                1usize => {
                    ::fastrs::union::variant::<Dog>(__v, __TAGS[1usize], __loc, __errors)
                        .map(Pet::Dog)
                }
                _ => ::core::option::Option::None,
            }
        }
    }
    impl<'de> ::fastrs::serde::Deserialize<'de> for Pet {
        fn deserialize<__D: ::fastrs::serde::Deserializer<'de>>(
            __d: __D,
        ) -> ::core::result::Result<Self, __D::Error> {
            <Self as ::fastrs::FromJson>::deserialize_lax(__d)
        }
    }
    impl ::fastrs::serde::Serialize for Pet {
        fn serialize<__S: ::fastrs::serde::Serializer>(
            &self,
            __s: __S,
        ) -> ::core::result::Result<__S::Ok, __S::Error> {
            match self {
                Pet::Cat(__x) => ::fastrs::serde::Serialize::serialize(__x, __s),
                Pet::Dog(__x) => ::fastrs::serde::Serialize::serialize(__x, __s),
            }
        }
    }
    impl ::fastrs::Check for Pet {
        fn check(
            &self,
            _: &::fastrs::Constraints,
        ) -> ::core::result::Result<(), ::fastrs::Invalid> {
            ::core::result::Result::Ok(())
        }
    }
    impl ::fastrs::schemars::JsonSchema for Pet {
        fn schema_name() -> ::std::borrow::Cow<'static, str> {
            ::std::borrow::Cow::Borrowed("Pet")
        }
        fn inline_schema() -> bool {
            true
        }
        fn json_schema(
            __g: &mut ::fastrs::schemars::SchemaGenerator,
        ) -> ::fastrs::schemars::Schema {
            ::fastrs::union::tagged_schema(
                "pet_type",
                ::std::vec![
                    (__TAGS[0usize], __g.subschema_for:: < Cat > ()), (__TAGS[1usize],
                    __g.subschema_for:: < Dog > ())
                ],
            )
        }
    }
    impl ::fastrs::Model for Pet {}
    impl ::fastrs::model::Dump for Pet {}
    impl ::fastrs::extract::Param for Pet {
        type Source = ::fastrs::extract::Body;
    }
    impl ::fastrs::IntoResponse for Pet {
        fn into_response(self) -> ::fastrs::Response {
            ::fastrs::response::json_response(::fastrs::http::StatusCode::OK, &self)
        }
        fn response_schema(
            __g: &mut ::fastrs::schemars::SchemaGenerator,
        ) -> ::core::option::Option<::fastrs::schemars::Schema> {
            ::core::option::Option::Some(__g.subschema_for::<Self>())
        }
    }
};
#[derive(Model)]
enum Vehicle {
    Plane(PlaneItem),
    Car(CarItem),
}
const _: () = {
    const _: fn() = || {
        ::fastrs::union::assert_model::<PlaneItem>();
    };
    const _: fn() = || {
        ::fastrs::union::assert_model::<CarItem>();
    };
    impl ::fastrs::FromJson for Vehicle {
        fn deserialize_lax<'de, __D: ::fastrs::serde::Deserializer<'de>>(
            __d: __D,
        ) -> ::core::result::Result<Self, __D::Error> {
            let __v = <::fastrs::serde_json::Value as ::fastrs::serde::Deserialize>::deserialize(
                __d,
            )?;
            let mut __u = ::fastrs::union::Smart::new(&__v);
            __u.fast::<PlaneItem>(Vehicle::Plane);
            __u.fast::<CarItem>(Vehicle::Car);
            __u.best()
                .ok_or_else(|| {
                    <__D::Error as ::fastrs::serde::de::Error>::custom(
                        ::fastrs::union::NO_MATCH,
                    )
                })
        }
        fn from_json(
            __v: &::fastrs::serde_json::Value,
            __loc: &mut ::fastrs::validation::Loc,
            __errors: &mut ::fastrs::ValidationErrors,
        ) -> ::core::option::Option<Self> {
            let mut __u = ::fastrs::union::Smart::new(__v);
            __u.slow::<PlaneItem>(Vehicle::Plane, __loc);
            __u.slow::<CarItem>(Vehicle::Car, __loc);
            __u.finish(__errors)
        }
    }
    impl<'de> ::fastrs::serde::Deserialize<'de> for Vehicle {
        fn deserialize<__D: ::fastrs::serde::Deserializer<'de>>(
            __d: __D,
        ) -> ::core::result::Result<Self, __D::Error> {
            <Self as ::fastrs::FromJson>::deserialize_lax(__d)
        }
    }
    impl ::fastrs::serde::Serialize for Vehicle {
        fn serialize<__S: ::fastrs::serde::Serializer>(
            &self,
            __s: __S,
        ) -> ::core::result::Result<__S::Ok, __S::Error> {
            match self {
                Vehicle::Plane(__x) => ::fastrs::serde::Serialize::serialize(__x, __s),
                Vehicle::Car(__x) => ::fastrs::serde::Serialize::serialize(__x, __s),
            }
        }
    }
    impl ::fastrs::Check for Vehicle {
        fn check(
            &self,
            _: &::fastrs::Constraints,
        ) -> ::core::result::Result<(), ::fastrs::Invalid> {
            ::core::result::Result::Ok(())
        }
    }
    impl ::fastrs::schemars::JsonSchema for Vehicle {
        fn schema_name() -> ::std::borrow::Cow<'static, str> {
            ::std::borrow::Cow::Borrowed("Vehicle")
        }
        fn inline_schema() -> bool {
            true
        }
        fn json_schema(
            __g: &mut ::fastrs::schemars::SchemaGenerator,
        ) -> ::fastrs::schemars::Schema {
            ::fastrs::union::any_of(
                ::std::vec![
                    __g.subschema_for:: < PlaneItem > (), __g.subschema_for:: < CarItem >
                    ()
                ],
            )
        }
    }
    impl ::fastrs::Model for Vehicle {}
    impl ::fastrs::model::Dump for Vehicle {}
    impl ::fastrs::extract::Param for Vehicle {
        type Source = ::fastrs::extract::Body;
    }
    impl ::fastrs::IntoResponse for Vehicle {
        fn into_response(self) -> ::fastrs::Response {
            ::fastrs::response::json_response(::fastrs::http::StatusCode::OK, &self)
        }
        fn response_schema(
            __g: &mut ::fastrs::schemars::SchemaGenerator,
        ) -> ::core::option::Option<::fastrs::schemars::Schema> {
            ::core::option::Option::Some(__g.subschema_for::<Self>())
        }
    }
};
