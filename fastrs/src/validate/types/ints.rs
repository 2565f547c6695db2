//! `i128`, `u128`, `isize` and `usize` as body values (and `i128`/`u128` as
//! parameters), beside the fixed-width integers of [`crate::lax`].
//!
//! Pydantic's `int` has no width; fastrs reports a value outside the Rust
//! type as the bound it breaks (`less_than_equal` / `greater_than_equal`), as
//! for the other integers. JSON numbers are read by serde_json as `i64`,
//! `u64` or `f64`, so a 128-bit field takes integers within `i64`/`u64` from a
//! JSON body and any value of its range from a string.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde_json::Value;

use crate::constraints::{Bound, Check, Constraints};
use crate::lax::{parse_int, record, wide_int_from_json, FromJson, FromParam};
use crate::validation::{Invalid, Loc, ValidationErrors};

/// The range check of one integer type from the parser's `i128`.
trait Wide: Sized {
    fn from_wide(v: i128) -> Result<Self, Invalid>;
}

fn below(min: i128) -> Invalid {
    let b = Bound::Int(min).to_json();
    Invalid::new(
        "greater_than_equal",
        format!("Input should be greater than or equal to {b}"),
    )
    .with_ctx("ge", b)
}

fn above(max: i128) -> Invalid {
    let b = Bound::Int(max).to_json();
    Invalid::new(
        "less_than_equal",
        format!("Input should be less than or equal to {b}"),
    )
    .with_ctx("le", b)
}

impl Wide for i128 {
    fn from_wide(v: i128) -> Result<Self, Invalid> {
        Ok(v)
    }
}

impl Wide for u128 {
    fn from_wide(v: i128) -> Result<Self, Invalid> {
        u128::try_from(v).map_err(|_| below(0))
    }
}

impl Wide for isize {
    fn from_wide(v: i128) -> Result<Self, Invalid> {
        isize::try_from(v).map_err(|_| {
            if v < 0 {
                below(isize::MIN as i128)
            } else {
                above(isize::MAX as i128)
            }
        })
    }
}

impl Wide for usize {
    fn from_wide(v: i128) -> Result<Self, Invalid> {
        usize::try_from(v).map_err(|_| {
            if v < 0 {
                below(0)
            } else {
                above(usize::MAX as i128)
            }
        })
    }
}

/// The fast path: the same coercions as `lax`'s integer visitor.
struct WideVisitor<T>(PhantomData<T>);

impl<T: Wide> Visitor<'_> for WideVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an integer")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::from_wide(i128::from(v)).map_err(|e| E::custom(e.msg))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::from_wide(i128::from(v)).map_err(|e| E::custom(e.msg))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        wide_int_from_json(&Value::from(v))
            .and_then(T::from_wide)
            .map_err(|e| E::custom(e.msg))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        T::from_wide(i128::from(v)).map_err(|e| E::custom(e.msg))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        parse_int(v)
            .and_then(T::from_wide)
            .map_err(|e| E::custom(e.msg))
    }
}

macro_rules! wide_impls {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn deserialize_lax<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(WideVisitor::<$t>(PhantomData))
            }
            fn from_json(v: &Value, loc: &mut Loc, errors: &mut ValidationErrors) -> Option<Self> {
                record(wide_int_from_json(v).and_then(<$t>::from_wide), v, loc, errors)
            }
            fn from_json_checked(
                v: &Value,
                c: &Constraints,
                loc: &mut Loc,
                errors: &mut ValidationErrors,
            ) -> Option<Self> {
                // The declared bounds first, then the type's range, as for i64.
                let r = wide_int_from_json(v).and_then(|i| {
                    Check::check(&i, c)?;
                    <$t>::from_wide(i)
                });
                record(r, v, loc, errors)
            }
        }
    )*};
}
wide_impls!(i128, u128, isize, usize);

impl FromParam for i128 {
    fn from_param(raw: &str) -> Result<Self, Invalid> {
        parse_int(raw)
    }
}

impl FromParam for u128 {
    fn from_param(raw: &str) -> Result<Self, Invalid> {
        parse_int(raw).and_then(u128::from_wide)
    }
}

impl Check for u128 {
    fn check(&self, c: &Constraints) -> Result<(), Invalid> {
        // Bounds are i128 literals; a value beyond i128 is above every one.
        match i128::try_from(*self) {
            Ok(v) => v.check(c),
            Err(_) => i128::MAX.check(c),
        }
    }
}
