//! Errors: FastAPI's `{"detail": …}` for HTTP errors, the article's
//! `AppError` shape `{"error": {"code": …, "message": …}}`, and 422 for
//! validator's errors (a list of `{loc, type, msg}`, not Pydantic's exact
//! wording).

use axum::http::header::WWW_AUTHENTICATE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use validator::{ValidationErrors, ValidationErrorsKind};

/// An application error with its own JSON shape.
#[derive(Debug, Clone)]
pub struct AppError {
    pub code: &'static str,
    pub message: String,
    pub status: StatusCode,
}

impl AppError {
    /// 404 `ITEM_NOT_FOUND`: an order line names an unknown or removed item.
    pub fn item_not_found(id: i64) -> Self {
        AppError {
            code: "ITEM_NOT_FOUND",
            message: format!("Item {id} does not exist"),
            status: StatusCode::NOT_FOUND,
        }
    }

    /// 409 `INSUFFICIENT_INVENTORY`.
    pub fn insufficient_inventory() -> Self {
        AppError {
            code: "INSUFFICIENT_INVENTORY",
            message: "Not enough stock for this order".into(),
            status: StatusCode::CONFLICT,
        }
    }
}

/// `{"detail": "…"}` (documented in the OpenAPI document).
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    pub detail: String,
}

/// `{"error": {"code": "…", "message": "…"}}`.
#[derive(Serialize, ToSchema)]
pub struct AppErrorBody {
    pub error: AppErrorInner,
}

/// The inside of [`AppErrorBody`].
#[derive(Serialize, ToSchema)]
pub struct AppErrorInner {
    pub code: String,
    pub message: String,
}

/// A handler's error.
#[derive(Debug)]
pub enum ApiError {
    /// FastAPI's `HTTPException(status, detail)`; `bearer` adds
    /// `WWW-Authenticate: Bearer`.
    Http {
        status: StatusCode,
        detail: String,
        bearer: bool,
    },
    /// The article's `AppError`.
    App(AppError),
    /// 422: every failed constraint, each `{loc, type, msg}`.
    Validation(Vec<Value>),
    /// A database or other unexpected error (logged when made).
    Internal,
}

impl ApiError {
    /// `HTTPException(status, detail)`.
    pub fn http(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError::Http {
            status,
            detail: detail.into(),
            bearer: false,
        }
    }

    /// 401 with `WWW-Authenticate: Bearer`.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        ApiError::Http {
            status: StatusCode::UNAUTHORIZED,
            detail: detail.into(),
            bearer: true,
        }
    }

    /// 404 `{"detail": detail}`.
    pub fn not_found(detail: &str) -> Self {
        ApiError::http(StatusCode::NOT_FOUND, detail)
    }

    /// 422 for validator's errors of a body, query or path (`source`).
    pub fn invalid(source: &str, errors: &ValidationErrors) -> Self {
        let mut out = Vec::new();
        flatten(errors, &mut vec![json!(source)], &mut out);
        ApiError::Validation(out)
    }

    /// 422 for one value at `loc`.
    pub fn invalid_value(loc: &[&str], kind: &str, msg: String) -> Self {
        ApiError::Validation(vec![json!({"type": kind, "loc": loc, "msg": msg})])
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Http {
                status,
                detail,
                bearer,
            } => {
                let body = Json(json!({ "detail": detail }));
                if bearer {
                    (status, [(WWW_AUTHENTICATE, "Bearer")], body).into_response()
                } else {
                    (status, body).into_response()
                }
            }
            ApiError::App(e) => (
                e.status,
                Json(json!({"error": {"code": e.code, "message": e.message}})),
            )
                .into_response(),
            ApiError::Validation(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({ "detail": errors })),
            )
                .into_response(),
            ApiError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"detail": "Internal Server Error"})),
            )
                .into_response(),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError::App(e)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        internal(e)
    }
}

/// A database or other unexpected error: logged, answered 500
/// `{"detail":"Internal Server Error"}`.
pub fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!("internal error: {e}");
    ApiError::Internal
}

/// `?` on any result in a handler: the error becomes a logged 500.
pub trait OrInternal<T> {
    /// Maps the error to a logged 500.
    ///
    /// # Errors
    /// The 500.
    fn or_500(self) -> Result<T, ApiError>;
}

impl<T, E: std::fmt::Display> OrInternal<T> for Result<T, E> {
    fn or_500(self) -> Result<T, ApiError> {
        self.map_err(internal)
    }
}

/// Flattens validator's nested errors into `{loc, type, msg}` entries.
fn flatten(errors: &ValidationErrors, loc: &mut Vec<Value>, out: &mut Vec<Value>) {
    for (field, kind) in errors.errors() {
        loc.push(json!(field));
        match kind {
            ValidationErrorsKind::Field(errs) => {
                for e in errs {
                    let msg = e
                        .message
                        .as_ref()
                        .map_or_else(|| describe(e), ToString::to_string);
                    out.push(json!({"type": e.code, "loc": loc.clone(), "msg": msg}));
                }
            }
            ValidationErrorsKind::Struct(inner) => flatten(inner, loc, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    loc.push(json!(i));
                    flatten(inner, loc, out);
                    loc.pop();
                }
            }
        }
        loc.pop();
    }
}

/// A readable message for one of validator's built-in checks.
fn describe(e: &validator::ValidationError) -> String {
    let param = |name: &str| e.params.get(name).map(ToString::to_string);
    match e.code.as_ref() {
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("Length should be between {min} and {max}"),
            (Some(min), None) => format!("Length should be at least {min}"),
            (None, Some(max)) => format!("Length should be at most {max}"),
            (None, None) => "Invalid length".into(),
        },
        "range" => match (
            param("min"),
            param("max"),
            param("exclusive_min"),
            param("exclusive_max"),
        ) {
            (Some(min), Some(max), _, _) => format!("Input should be between {min} and {max}"),
            (Some(min), None, _, _) => format!("Input should be greater than or equal to {min}"),
            (None, Some(max), _, _) => format!("Input should be less than or equal to {max}"),
            (_, _, Some(min), _) => format!("Input should be greater than {min}"),
            (_, _, _, Some(max)) => format!("Input should be less than {max}"),
            _ => "Input out of range".into(),
        },
        "email" => "value is not a valid email address".into(),
        other => format!("Invalid value ({other})"),
    }
}
