//! The log output `fastrs::serve` sets up when the program has none:
//! uvicorn's default logging configuration.
//!
//! uvicorn configures Python's logging before it serves, so a plain
//! `uvicorn main:app` prints its start-up lines and one access line per
//! request with nothing configured by the user:
//!
//! ```text
//! INFO:     127.0.0.1:51234 - "GET /items/1 HTTP/1.1" 200 OK
//! ```
//!
//! [`install_default`] does the same for `tracing`, the log facade fastrs
//! writes to: when no global subscriber is installed yet, it installs
//! tracing-subscriber's `fmt` subscriber with uvicorn's line format (the
//! level, a colon, padded to ten columns, then the message), the access log
//! (target `fastrs::access`) on standard output and everything else on
//! standard error, as uvicorn does, filtered by `RUST_LOG` (default `info`):
//!
//! - `RUST_LOG=warn` or `RUST_LOG=info,fastrs::access=off`: no access log;
//! - `RUST_LOG=debug`: fastrs's connection-level messages too.
//!
//! `RUST_LOG` is a comma-separated list of directives, each a level (`off`,
//! `error`, `warn`, `info`, `debug`, `trace`: the level of every target not
//! named) or `target=level` (a target and the targets under it, e.g.
//! `fastrs::access=off` or `my_app=debug`); a bare target means all its
//! levels. This is tracing-subscriber's [`Targets`] syntax, the common part
//! of `EnvFilter`'s: `EnvFilter`'s span and field filters
//! (`target[span{field=value}]=level`) need the regex engine, which fastrs
//! does not link into every app for them; the cargo feature `env-filter`
//! turns `EnvFilter` and its whole syntax back on. A `RUST_LOG` that does not
//! parse is reported on standard error and `info` is used instead.
//!
//! A program that installs its own subscriber before calling `serve` keeps
//! it: `install_default` then does nothing. [`crate::server::Config::access_log`]
//! (env `ACCESS_LOG=off`) turns the access log off whatever the subscriber.

use std::fmt;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
#[cfg(not(feature = "env-filter"))]
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::writer::MakeWriterExt;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
#[cfg(feature = "env-filter")]
use tracing_subscriber::EnvFilter;

/// The target of the access log lines (one per request, at INFO).
pub const ACCESS_TARGET: &str = "fastrs::access";

/// Installs fastrs's default subscriber (uvicorn's format, `RUST_LOG`
/// filter, access lines on stdout, the rest on stderr) unless a global
/// subscriber is already set. Returns whether it installed one.
///
/// [`crate::serve`] calls it; a program serving with
/// [`Server`](crate::server::Server) may call it first to get the same output.
///
/// ```
/// // A program with its own subscriber keeps it:
/// tracing::subscriber::set_global_default(tracing::subscriber::NoSubscriber::new()).unwrap();
/// assert!(!fastrs::logging::install_default());
/// ```
pub fn install_default() -> bool {
    if tracing::dispatcher::has_been_set() {
        return false;
    }
    let filter = filter_from_env(std::env::var("RUST_LOG").ok());
    let writer = std::io::stdout
        .with_filter(|m: &tracing::Metadata<'_>| m.target() == ACCESS_TARGET)
        .or_else(std::io::stderr);
    let output = tracing_subscriber::fmt::layer()
        .event_format(UvicornFormat)
        .with_writer(writer);
    tracing_subscriber::registry()
        .with(filter)
        .with(output)
        .try_init()
        .is_ok()
}

/// The filter `RUST_LOG` asks for (`info` when it is unset, empty or does
/// not parse; the latter said on standard error).
#[cfg(not(feature = "env-filter"))]
fn filter_from_env(rust_log: Option<String>) -> Targets {
    rust_log
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| {
            v.parse::<Targets>()
                .inspect_err(|e| eprintln!("RUST_LOG={v:?} ignored ({e}); logging at info"))
                .ok()
        })
        .unwrap_or_else(|| Targets::new().with_default(Level::INFO))
}

/// The filter `RUST_LOG` asks for (`info` when it is unset, empty or does
/// not parse; the latter said on standard error).
#[cfg(feature = "env-filter")]
fn filter_from_env(rust_log: Option<String>) -> EnvFilter {
    rust_log
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| {
            EnvFilter::try_new(&v)
                .inspect_err(|e| eprintln!("RUST_LOG={v:?} ignored ({e}); logging at info"))
                .ok()
        })
        .unwrap_or_else(|| EnvFilter::new("info"))
}

/// uvicorn's line format: `LEVEL:` padded to ten columns, then the message
/// (and an event's other fields as ` key=value`, which uvicorn's lines do
/// not have but `tracing` events may).
#[derive(Debug, Clone, Copy, Default)]
pub struct UvicornFormat;

impl<S, N> FormatEvent<S, N> for UvicornFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        write!(writer, "{}", level_prefix(*event.metadata().level()))?;
        let access = event.metadata().target() == ACCESS_TARGET;
        let mut visitor = Fields {
            writer: &mut writer,
            only_message: access,
            result: Ok(()),
        };
        event.record(&mut visitor);
        visitor.result?;
        writeln!(writer)
    }
}

/// uvicorn's `levelprefix` without colours: `"INFO:     "`, `"WARNING:  "`.
fn level_prefix(level: Level) -> &'static str {
    match level {
        Level::ERROR => "ERROR:    ",
        Level::WARN => "WARNING:  ",
        Level::INFO => "INFO:     ",
        Level::DEBUG => "DEBUG:    ",
        Level::TRACE => "TRACE:    ",
    }
}

struct Fields<'a, 'w> {
    writer: &'a mut Writer<'w>,
    only_message: bool,
    result: fmt::Result,
}

impl Visit for Fields<'_, '_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.result = self.result.and_then(|()| write!(self.writer, "{value}"));
        } else if !self.only_message {
            self.result = self
                .result
                .and_then(|()| write!(self.writer, " {}={value}", field.name()));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.result = self.result.and_then(|()| write!(self.writer, "{value:?}"));
        } else if !self.only_message {
            self.result = self
                .result
                .and_then(|()| write!(self.writer, " {}={value:?}", field.name()));
        }
    }
}

/// The reason phrase uvicorn prints after a status code (Python's
/// `http.HTTPStatus` phrases, which differ from the `http` crate's for some
/// codes, e.g. 413 and 414; empty for a code Python does not name).
pub fn status_phrase(code: u16) -> &'static str {
    match code {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Requested Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a Teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => "",
    }
}

#[cfg(all(test, not(feature = "env-filter")))]
mod tests {
    use super::*;

    fn filter(rust_log: Option<&str>) -> Targets {
        filter_from_env(rust_log.map(str::to_owned))
    }

    #[test]
    fn info_when_rust_log_is_unset_empty_or_invalid() {
        for f in [filter(None), filter(Some("")), filter(Some("fastrs=loud"))] {
            assert!(f.would_enable("fastrs::access", &Level::INFO));
            assert!(f.would_enable("my_app", &Level::WARN));
            assert!(!f.would_enable("fastrs::server", &Level::DEBUG));
        }
    }

    #[test]
    fn rust_log_directives() {
        let f = filter(Some("info,fastrs::access=off"));
        assert!(!f.would_enable(ACCESS_TARGET, &Level::INFO));
        assert!(!f.would_enable(ACCESS_TARGET, &Level::ERROR));
        assert!(f.would_enable("fastrs::server", &Level::INFO));

        let f = filter(Some("warn,fastrs::access=info"));
        assert!(f.would_enable(ACCESS_TARGET, &Level::INFO));
        assert!(!f.would_enable("fastrs::server", &Level::INFO));
        assert!(f.would_enable("fastrs::server", &Level::WARN));

        let f = filter(Some("debug"));
        assert!(f.would_enable("fastrs::server", &Level::DEBUG));
        assert!(!f.would_enable("fastrs::server", &Level::TRACE));

        // A target covers the targets under it; the default is off when
        // only targets are named.
        let f = filter(Some("my_app=trace"));
        assert!(f.would_enable("my_app::db", &Level::TRACE));
        assert!(!f.would_enable("fastrs::access", &Level::ERROR));
    }
}
