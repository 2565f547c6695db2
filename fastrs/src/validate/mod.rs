//! Validation: Pydantic's rules, in Rust.
//!
//! Everything that turns raw input into typed values or reports why it
//! cannot: the lax conversions (`lax`), constraints (`constraints`), models
//! (`model`), unions of models (`union`), which fields the input set (`fields`), dumping with
//! Pydantic's `model_dump` options (`dump`), the value types (`types`: email, dates, uuid, decimal,
//! collections…), and the error list with its 422 body (`validation`), plus
//! the ports of Python's `json` errors and email-validator that keep the
//! messages identical. Nothing here knows about requests: `extract` uses it.

pub mod constraints;
pub mod dump;
#[cfg(feature = "email")]
pub mod email;
pub mod fields;
pub mod json_error;
pub mod lax;
pub mod model;
pub mod types;
pub mod union;
pub mod validation;
