//! FastAPI's inference, as a table of [`Param`] impls: what each type the
//! runtime knows is when a handler takes it without an attribute.
//!
//! A scalar (a number, `bool`, a string, an email, a date, a uuid…) is a
//! query parameter; a container of JSON (`serde_json::Value`, maps, sets) is
//! the body; `Option<T>` and `Vec<T>` are what `T` is. The value types
//! themselves (in `validate`) know nothing of requests; models and string
//! enums get their impl from `#[derive(Model)]`, user types write their own.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::{Body, Extract, Param, Query};
use crate::lax::FromJson;

impl<T: Param> Param for Option<T>
where
    T::Source: Extract<Option<T>>,
{
    type Source = T::Source;
}

impl<T: Param> Param for Vec<T>
where
    T::Source: Extract<Vec<T>>,
{
    type Source = T::Source;
}

/// `impl Param for T { type Source = Query; }` for each type.
macro_rules! query {
    ($($t:ty),* $(,)?) => {$(
        impl Param for $t {
            type Source = Query;
        }
    )*};
}

query!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64, bool, String);
query!(crate::types::Bytes);
#[cfg(feature = "email")]
query!(crate::types::Email);
query!(
    chrono::DateTime<chrono::Utc>,
    chrono::DateTime<chrono::FixedOffset>,
    chrono::NaiveDate,
    chrono::NaiveTime,
    chrono::NaiveDateTime,
    chrono::TimeDelta,
);
#[cfg(feature = "uuid")]
query!(uuid::Uuid);
#[cfg(feature = "decimal")]
query!(rust_decimal::Decimal);

impl Param for serde_json::Value {
    type Source = Body;
}

/// `impl Param for C { type Source = Body; }` for each JSON container.
macro_rules! body {
    ($(<$($g:ident),*> $t:ty),* $(,)?) => {$(
        impl<$($g),*> Param for $t
        where
            Self: FromJson + Send + 'static,
        {
            type Source = Body;
        }
    )*};
}

body!(<K, V, H> HashMap<K, V, H>, <K, V> BTreeMap<K, V>, <T, H> HashSet<T, H>, <T> BTreeSet<T>);
