//! The article's `AppError`: a custom error shape,
//! `{"error": {"code": …, "message": …}}`, raised by handlers with
//! [`fastrs::exception::raise`] and answered by [`app_error_handler`],
//! registered with `App::exception_handler`.

use fastrs::prelude::*;

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

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        fastrs::exception::raise(self)
    }
}

/// How an [`AppError`] is answered, for the OpenAPI document:
/// `{"error": {"code": …, "message": …}}`.
#[derive(Model)]
pub struct AppErrorBody {
    pub error: AppErrorDetail,
}

/// The inside of an [`AppErrorBody`].
#[derive(Model)]
pub struct AppErrorDetail {
    pub code: String,
    pub message: String,
}

/// FastAPI's `@app.exception_handler(AppError)`.
pub fn app_error_handler(e: &AppError) -> Response {
    let body = AppErrorBody {
        error: AppErrorDetail {
            code: e.code.to_owned(),
            message: e.message.clone(),
        },
    };
    (e.status, body).into_response()
}

/// A handler's error: an `HTTPException`, or an [`AppError`].
#[derive(Debug)]
pub enum ApiError {
    Http(HttpError),
    App(AppError),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Http(e) => e.into_response(),
            ApiError::App(e) => e.into_response(),
        }
    }
}

impl From<HttpError> for ApiError {
    fn from(e: HttpError) -> Self {
        ApiError::Http(e)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError::App(e)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Http(internal(e))
    }
}

/// A database or other unexpected error: logged, answered 500
/// `{"detail":"Internal Server Error"}`.
pub fn internal(e: impl std::fmt::Display) -> HttpError {
    tracing::error!("internal error: {e}");
    HttpError::new(500, "Internal Server Error")
}

/// `?` on a database result in a handler returning `HttpError`.
pub trait OrInternal<T> {
    /// Maps the error to a logged 500.
    ///
    /// # Errors
    /// The 500.
    fn or_500(self) -> Result<T, HttpError>;
}

impl<T, E: std::fmt::Display> OrInternal<T> for Result<T, E> {
    fn or_500(self) -> Result<T, HttpError> {
        self.map_err(internal)
    }
}
