//! Stream items: how each item of a streamed response (JSON Lines, and the
//! `data` of Server-Sent Events) is written as JSON and documented.
//!
//! FastAPI decides by the generator's annotation: with `AsyncIterable[Item]`
//! each item is validated and serialized by Pydantic (compact JSON, UTF-8)
//! and `Item`'s schema is documented; without one, each item goes through
//! `jsonable_encoder` and Python's `json.dumps` (`", "` and `": "`
//! separators, every non-ASCII character escaped as `\uXXXX`, floats as
//! Python's `repr`) and no schema is documented. Here every `Serialize +
//! JsonSchema` type is the typed case, and [`serde_json::Value`], Rust's
//! untyped JSON, is FastAPI's un-annotated generator: written as `json.dumps`
//! writes it, documented with no schema.

use std::any::TypeId;

use serde::Serialize;
use serde_json::ser::Formatter;
use serde_json::Value;

/// An item of a [`JsonLines`](crate::json_lines::JsonLines) or
/// [`EventSourceResponse`](crate::sse::EventSourceResponse) stream: any
/// `Serialize + JsonSchema` type (implemented for all of them).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an item of a streamed response",
    label = "not `Serialize + JsonSchema`",
    note = "stream a `#[derive(Model)]` type, a `Serialize + JsonSchema` type or `serde_json::Value`"
)]
pub trait StreamItem: Send + 'static {
    /// Appends the item's JSON to `out`.
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error>;

    /// The item's schema for the document; `None` for [`Value`] (FastAPI's
    /// un-annotated generator).
    fn item_schema(gen: &mut schemars::SchemaGenerator) -> Option<schemars::Schema>;
}

impl<T> StreamItem for T
where
    T: Serialize + schemars::JsonSchema + Send + 'static,
{
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        if is_untyped::<T>() {
            write_python_json(self, out)
        } else {
            serde_json::to_writer(out, self)
        }
    }

    fn item_schema(gen: &mut schemars::SchemaGenerator) -> Option<schemars::Schema> {
        (!is_untyped::<T>()).then(|| gen.subschema_for::<T>())
    }
}

/// The items of a blocking iterator as a stream, each `next()` run on the
/// blocking thread pool: Starlette's `iterate_in_threadpool`, what FastAPI
/// does with a `def` generator (`Iterable[Item]`). For an iterator that
/// reads files or a synchronous database, which must not block the async
/// runtime; an iterator over values at hand needs only
/// `futures_util::stream::iter`.
///
/// When the stream is dropped (the client went away) the iterator is dropped
/// once its current `next()` returns. A panic in `next()` propagates to
/// whatever polls the stream (the connection, which is then closed).
///
/// ```
/// use fastrs::prelude::*;
/// use fastrs::json_lines::JsonLines;
/// use fastrs::stream_item::iterate_in_threadpool;
///
/// #[get("/lines")]
/// async fn lines() -> JsonLines<String> {
///     let text = "first\nsecond\n";
///     JsonLines::new(iterate_in_threadpool(std::io::BufRead::lines(text.as_bytes()).map_while(Result::ok)))
/// }
///
/// let client = TestClient::new(App::new().route(lines));
/// assert_eq!(client.get("/lines").send().text(), "\"first\"\n\"second\"\n");
/// ```
pub fn iterate_in_threadpool<I>(iter: I) -> impl futures_util::Stream<Item = I::Item> + Send
where
    I: Iterator + Send + 'static,
    I::Item: Send + 'static,
{
    futures_util::stream::unfold(iter, |mut iter| async move {
        let (iter, item) = crate::routing::run_blocking(move || {
            let item = iter.next();
            (iter, item)
        })
        .await;
        item.map(|item| (item, iter))
    })
}

/// Whether `T` is [`Value`]: a constant per `T`, folded by the compiler.
fn is_untyped<T: 'static>() -> bool {
    TypeId::of::<T>() == TypeId::of::<Value>()
}

/// Appends `value` as Python's `json.dumps(value)` writes it (FastAPI's
/// un-annotated stream items and the non-model `data` of a
/// `ServerSentEvent`).
pub fn write_python_json<T: Serialize + ?Sized>(
    value: &T,
    out: &mut Vec<u8>,
) -> Result<(), serde_json::Error> {
    let mut ser = serde_json::Serializer::with_formatter(out, PythonFormatter);
    value.serialize(&mut ser)
}

/// `json.dumps`'s defaults: `separators=(", ", ": ")`, `ensure_ascii=True`,
/// floats as `repr(float)`.
struct PythonFormatter;

impl Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // serde_json escapes quotes, backslashes and control characters as
        // Python does; the rest of Python's `ensure_ascii` is here.
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if c.is_ascii() && c != '\x7f' {
                continue;
            }
            w.write_all(&fragment.as_bytes()[start..i])?;
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                write!(w, "\\u{u:04x}")?;
            }
            start = i + c.len_utf8();
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        w.write_all(python_float_repr(value).as_bytes())
    }

    fn write_f32<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: f32,
    ) -> std::io::Result<()> {
        self.write_f64(w, f64::from(value))
    }
}

/// Python's `repr(float)` of a finite float: the shortest round-trip
/// digits (ryu's), placed as Python places them: an exponent (`1e+16`,
/// `1e-05`) when the decimal point is more than 16 places right of the first
/// digit or 4 or more places left of it.
fn python_float_repr(value: f64) -> String {
    let mut buf = ryu::Buffer::new();
    let s = buf.format_finite(value);
    let (sign, s) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s),
    };
    let (mantissa, exp) = match s.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (s, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{frac}");
    // the value is 0.DIGITS × 10^decpt
    let mut decpt = int.len() as i32 + exp;
    let trimmed = all.trim_start_matches('0');
    decpt -= (all.len() - trimmed.len()) as i32;
    let digits = trimmed.trim_end_matches('0');
    if digits.is_empty() {
        return format!("{sign}0.0");
    }
    let n = digits.len() as i32;
    if decpt > -4 && decpt <= 16 {
        if decpt <= 0 {
            format!("{sign}0.{}{digits}", "0".repeat((-decpt) as usize))
        } else if decpt >= n {
            format!("{sign}{digits}{}.0", "0".repeat((decpt - n) as usize))
        } else {
            let (a, b) = digits.split_at(decpt as usize);
            format!("{sign}{a}.{b}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let e = decpt - 1;
        let dot = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if e < 0 { '-' } else { '+' };
        format!("{sign}{first}{dot}e{esign}{:02}", e.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dumps(v: &Value) -> String {
        let mut out = Vec::new();
        write_python_json(v, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn floats_as_python_repr() {
        // Python's repr() of each, printed by python3
        let cases = [
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (1e-4, "0.0001"),
            (0.0001234, "0.0001234"),
            (1.5e300, "1.5e+300"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (1.0, "1.0"),
            (-0.25, "-0.25"),
            (1e22, "1e+22"),
            (5e-324, "5e-324"),
            (0.1, "0.1"),
            (0.00001, "1e-05"),
            (0.000123, "0.000123"),
            (1234.5, "1234.5"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (9999999999999998.0, "9999999999999998.0"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (2.5e-7, "2.5e-07"),
        ];
        for (f, want) in cases {
            assert_eq!(python_float_repr(f), want, "{f}");
        }
    }

    #[test]
    fn json_dumps_separators_and_ascii() {
        let v = serde_json::json!({"name": "café ☕ 𝄞\u{7f}", "tags": ["a", 1, null, true], "q": "\"\n"});
        // json.dumps({"name": "café ☕ 𝄞\x7f", "tags": ["a", 1, None, True], "q": "\"\n"})
        assert_eq!(
            dumps(&v),
            r#"{"name": "caf\u00e9 \u2615 \ud834\udd1e\u007f", "tags": ["a", 1, null, true], "q": "\"\n"}"#
        );
        assert_eq!(dumps(&serde_json::json!([])), "[]");
        assert_eq!(dumps(&serde_json::json!({})), "{}");
    }
}
