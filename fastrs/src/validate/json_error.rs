//! Python's verdict on a malformed JSON request body.
//!
//! FastAPI parses a JSON body with `json.loads(body_bytes)` and turns a
//! `json.JSONDecodeError` into a 422 whose detail carries the error's
//! position and message verbatim:
//! `{"type":"json_invalid","loc":["body",<pos>],"msg":"JSON decode error","input":{},"ctx":{"error":<msg>}}`.
//! `<pos>` is a *character* offset into the decoded text and `<msg>` is
//! CPython's own wording, which serde_json's errors (line/column, different
//! messages, different ideas of where the error is) cannot reproduce. Python
//! also accepts documents serde_json refuses (`NaN`, `Infinity`, `-Infinity`,
//! `1e999`, lone `\ud800` escapes, nesting deeper than 128). So when
//! serde_json rejects a body, this module re-scans it the way CPython 3.11's
//! C accelerator (`Modules/_json.c`: `scanstring_unicode`,
//! `_parse_object_unicode`, `_parse_array_unicode`, `_match_number_unicode`,
//! `scan_once_unicode`, plus `JSONDecoder.decode` in `Lib/json/decoder.py`)
//! does, to report the same position and message, or to tell the caller that
//! Python would have accepted the document.
//!
//! The scanner is iterative (an explicit stack), so arbitrarily deep nesting
//! cannot overflow the Rust stack.
//!
//! Things FastAPI does around `json.loads` that callers must mirror themselves:
//! * an **empty** body is never parsed (FastAPI treats it as "no body":
//!   a required body then reports `{"type":"missing","loc":["body"],...}`);
//! * exceptions other than `JSONDecodeError` — `RecursionError` for nesting
//!   deeper than about [`FASTAPI_MAX_NESTING`], `ValueError` for an integer
//!   literal longer than 4300 digits, `UnicodeDecodeError` for undecodable
//!   bytes — become a **400** `{"detail":"There was an error parsing the body"}`.
//!   [`python_json_error`] ignores these (it judges syntax only);
//!   [`python_json_verdict`] reports them.
//!
//! Messages follow CPython 3.11 (the reference FastAPI environment). CPython
//! 3.13 added "Illegal trailing comma before end of object/array" (reported at
//! the comma) where 3.11 says "Expecting property name enclosed in double
//! quotes" / "Expecting value" (reported after the comma).

/// Python `json.loads`' verdict on a UTF-8 body: where and why it fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonJsonError {
    /// character (not byte) offset, as Python's `JSONDecodeError.pos`
    pub pos: usize,
    /// Python's message without the position suffix, e.g. "Expecting value"
    pub msg: &'static str,
}

/// `None` when Python's `json.loads` would accept `text` (including NaN/Infinity/1e999).
///
/// `text` is judged as FastAPI judges the UTF-8 body bytes: one leading
/// U+FEFF (a UTF-8 BOM) is dropped, as the `utf-8-sig` decoding does, and
/// positions count characters after it. This is the pure JSON-syntax verdict:
/// Python's recursion limit, its 4300-digit integer limit and `json.loads`'
/// UTF-16/32 sniffing of bodies with NUL in their first two bytes are not
/// modelled here; use [`python_json_verdict`] for those.
pub fn python_json_error(text: &str) -> Option<PythonJsonError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let chars: Vec<u32> = text.chars().map(u32::from).collect();
    match decode(&chars, Limits::NONE) {
        Err(Fail::Json(e)) => Some(e),
        Ok(()) | Err(Fail::Other(_)) => None,
    }
}

/// Nesting depth (arrays + objects) up to which FastAPI's `json.loads`
/// succeeds; one more level raises `RecursionError` (FastAPI: 400).
///
/// Measured with CPython 3.11.7, FastAPI 0.165 under uvicorn (957; 963 under
/// `TestClient`). The real limit depends on the interpreter's stack depth
/// at the call and on the Python version, so it is an approximation.
pub const FASTAPI_MAX_NESTING: usize = 957;

/// Python's `sys.get_int_max_str_digits()` default.
const INT_MAX_STR_DIGITS: usize = 4300;

/// Why `json.loads(body)` raised something other than `JSONDecodeError`.
/// FastAPI answers all of these with 400 "There was an error parsing the body".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PythonJsonFailure {
    /// `UnicodeDecodeError`: the bytes do not decode in the encoding
    /// `json.detect_encoding` picked.
    UnicodeDecode,
    /// `ValueError`: an integer literal has more than 4300 digits.
    IntTooLong,
    /// `RecursionError`: nesting deeper than [`FASTAPI_MAX_NESTING`].
    Recursion,
}

/// What FastAPI's `json.loads(body_bytes)` does with a (non-empty) body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PythonJsonVerdict {
    /// Parsed fine.
    Valid,
    /// `JSONDecodeError`: FastAPI answers 422 `json_invalid`.
    Invalid(PythonJsonError),
    /// Any other exception: FastAPI answers 400.
    Failure(PythonJsonFailure),
}

/// Full emulation of `json.loads(body)` on raw bytes as FastAPI calls it:
/// `json.detect_encoding` (UTF-8, UTF-8 with BOM, UTF-16/32 sniffed from BOMs
/// or NUL bytes), decoding with `surrogatepass`, the 4300-digit integer
/// limit and (approximately, see [`FASTAPI_MAX_NESTING`]) the recursion limit.
pub fn python_json_verdict(body: &[u8]) -> PythonJsonVerdict {
    let Some(chars) = python_decode_bytes(body) else {
        return PythonJsonVerdict::Failure(PythonJsonFailure::UnicodeDecode);
    };
    let limits = Limits {
        max_depth: FASTAPI_MAX_NESTING,
        max_int_digits: INT_MAX_STR_DIGITS,
    };
    match decode(&chars, limits) {
        Ok(()) => PythonJsonVerdict::Valid,
        Err(Fail::Json(e)) => PythonJsonVerdict::Invalid(e),
        Err(Fail::Other(f)) => PythonJsonVerdict::Failure(f),
    }
}

// ---------------------------------------------------------------------------
// Byte decoding (json.detect_encoding + bytes.decode(enc, 'surrogatepass'))
// ---------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Enc {
    Utf8,
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

/// Decode like `b.decode(json.detect_encoding(b), 'surrogatepass')`; code
/// points may be lone surrogates. `None` on `UnicodeDecodeError`.
fn python_decode_bytes(b: &[u8]) -> Option<Vec<u32>> {
    let (enc, skip) = if b.starts_with(&[0, 0, 0xFE, 0xFF]) {
        (Enc::Utf32Be, 4)
    } else if b.starts_with(&[0xFF, 0xFE, 0, 0]) {
        (Enc::Utf32Le, 4)
    } else if b.starts_with(&[0xFE, 0xFF]) {
        (Enc::Utf16Be, 2)
    } else if b.starts_with(&[0xFF, 0xFE]) {
        (Enc::Utf16Le, 2)
    } else if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
        (Enc::Utf8, 3)
    } else if b.len() >= 4 && b[0] == 0 {
        (
            if b[1] != 0 {
                Enc::Utf16Be
            } else {
                Enc::Utf32Be
            },
            0,
        )
    } else if b.len() >= 4 && b[1] == 0 {
        (
            if b[2] != 0 || b[3] != 0 {
                Enc::Utf16Le
            } else {
                Enc::Utf32Le
            },
            0,
        )
    } else if b.len() == 2 && b[0] == 0 {
        (Enc::Utf16Be, 0)
    } else if b.len() == 2 && b[1] == 0 {
        (Enc::Utf16Le, 0)
    } else {
        (Enc::Utf8, 0)
    };
    let b = &b[skip..];
    match enc {
        Enc::Utf8 => decode_utf8_surrogatepass(b),
        Enc::Utf16Le | Enc::Utf16Be => {
            let pairs = b.chunks_exact(2);
            if !pairs.remainder().is_empty() {
                return None; // "truncated data"
            }
            let le = matches!(enc, Enc::Utf16Le);
            let units = pairs.map(|p| {
                if le {
                    u16::from_le_bytes([p[0], p[1]])
                } else {
                    u16::from_be_bytes([p[0], p[1]])
                }
            });
            // Pairs join into one character; lone surrogates pass through.
            Some(
                char::decode_utf16(units)
                    .map(|r| r.map_or_else(|e| u32::from(e.unpaired_surrogate()), u32::from))
                    .collect(),
            )
        }
        Enc::Utf32Le | Enc::Utf32Be => {
            let quads = b.chunks_exact(4);
            if !quads.remainder().is_empty() {
                return None; // "truncated data"
            }
            let le = matches!(enc, Enc::Utf32Le);
            quads
                .map(|q| {
                    let q = [q[0], q[1], q[2], q[3]];
                    let v = if le {
                        u32::from_le_bytes(q)
                    } else {
                        u32::from_be_bytes(q)
                    };
                    (v <= 0x10FFFF).then_some(v)
                })
                .collect()
        }
    }
}

/// Strict UTF-8, except that 3-byte encodings of surrogates (`ED A0..BF xx`)
/// are accepted as lone surrogate code points, as `surrogatepass` does.
fn decode_utf8_surrogatepass(mut b: &[u8]) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(b.len());
    loop {
        match std::str::from_utf8(b) {
            Ok(s) => {
                out.extend(s.chars().map(u32::from));
                return Some(out);
            }
            Err(e) => {
                let (ok, rest) = b.split_at(e.valid_up_to());
                // `ok` is valid UTF-8 by construction.
                out.extend(String::from_utf8_lossy(ok).chars().map(u32::from));
                match rest {
                    [0xED, b1 @ 0xA0..=0xBF, b2 @ 0x80..=0xBF, tail @ ..] => {
                        out.push(0xD000 | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F));
                        b = tail;
                    }
                    _ => return None,
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The scanner (mirrors Modules/_json.c of CPython 3.11)
// ---------------------------------------------------------------------------

#[derive(Clone, Copy)]
struct Limits {
    max_depth: usize,
    max_int_digits: usize,
}

impl Limits {
    const NONE: Limits = Limits {
        max_depth: usize::MAX,
        max_int_digits: usize::MAX,
    };
}

enum Fail {
    Json(PythonJsonError),
    Other(PythonJsonFailure),
}

impl From<PythonJsonError> for Fail {
    fn from(e: PythonJsonError) -> Self {
        Fail::Json(e)
    }
}

fn err(msg: &'static str, pos: usize) -> PythonJsonError {
    PythonJsonError { pos, msg }
}

const EXPECTING_VALUE: &str = "Expecting value";
const EXPECTING_COMMA: &str = "Expecting ',' delimiter";
const EXPECTING_COLON: &str = "Expecting ':' delimiter";
const EXPECTING_NAME: &str = "Expecting property name enclosed in double quotes";
const UNTERMINATED: &str = "Unterminated string starting at";
const CONTROL_CHAR: &str = "Invalid control character at";
const BAD_ESCAPE: &str = "Invalid \\escape";
const BAD_UXXXX: &str = "Invalid \\uXXXX escape";
const EXTRA_DATA: &str = "Extra data";

/// Literal terms `scan_once_unicode` recognises (before trying a number).
const LITERALS: [&str; 6] = ["null", "true", "false", "NaN", "Infinity", "-Infinity"];

const fn ch(c: char) -> u32 {
    c as u32
}

fn is_ws(c: u32) -> bool {
    c == ch(' ') || c == ch('\t') || c == ch('\n') || c == ch('\r')
}

fn is_digit(c: u32) -> bool {
    (ch('0')..=ch('9')).contains(&c)
}

fn skip_ws(s: &[u32], mut idx: usize) -> usize {
    while idx < s.len() && is_ws(s[idx]) {
        idx += 1;
    }
    idx
}

fn at(s: &[u32], idx: usize) -> Option<u32> {
    s.get(idx).copied()
}

fn starts_with(s: &[u32], idx: usize, lit: &str) -> bool {
    let n = lit.len();
    s.get(idx..idx + n)
        .is_some_and(|w| w.iter().zip(lit.bytes()).all(|(&a, b)| a == u32::from(b)))
}

/// `JSONDecoder.decode`: whitespace, one value, whitespace, end.
fn decode(s: &[u32], limits: Limits) -> Result<(), Fail> {
    let idx = skip_ws(s, 0);
    let idx = scan_value(s, idx, limits)?;
    let idx = skip_ws(s, idx);
    if idx != s.len() {
        return Err(err(EXTRA_DATA, idx).into());
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    Array,
    Object,
}

/// `scan_once_unicode` with the recursion into objects/arrays unrolled onto
/// an explicit stack. Returns the index after the value.
fn scan_value(s: &[u32], mut idx: usize, limits: Limits) -> Result<usize, Fail> {
    let mut stack: Vec<Frame> = Vec::new();
    'value: loop {
        // ---- scan one term starting at idx ----
        let Some(c) = at(s, idx) else {
            // StopIteration(idx) -> "Expecting value"
            return Err(err(EXPECTING_VALUE, idx).into());
        };
        if c == ch('"') {
            idx = scanstring(s, idx + 1)?;
        } else if c == ch('{') || c == ch('[') {
            if stack.len() >= limits.max_depth {
                return Err(Fail::Other(PythonJsonFailure::Recursion));
            }
            let (frame, close) = if c == ch('{') {
                (Frame::Object, ch('}'))
            } else {
                (Frame::Array, ch(']'))
            };
            idx = skip_ws(s, idx + 1);
            if at(s, idx) == Some(close) {
                idx += 1; // empty container
            } else {
                stack.push(frame);
                if frame == Frame::Object {
                    idx = scan_key(s, idx)?;
                }
                continue 'value;
            }
        } else if let Some(lit) = LITERALS.iter().find(|lit| starts_with(s, idx, lit)) {
            // null, true, false and the NaN/Infinity/-Infinity extensions.
            idx += lit.len();
        } else {
            match match_number(s, idx) {
                None => return Err(err(EXPECTING_VALUE, idx).into()),
                Some((end, is_float)) => {
                    if !is_float {
                        let digits = end - idx - usize::from(c == ch('-'));
                        if digits > limits.max_int_digits {
                            return Err(Fail::Other(PythonJsonFailure::IntTooLong));
                        }
                    }
                    idx = end;
                }
            }
        }

        // ---- a value ended at idx: continue the enclosing containers ----
        loop {
            let Some(&frame) = stack.last() else {
                return Ok(idx);
            };
            let close = if frame == Frame::Object {
                ch('}')
            } else {
                ch(']')
            };
            idx = skip_ws(s, idx);
            match at(s, idx) {
                Some(c) if c == close => {
                    idx += 1;
                    stack.pop();
                }
                Some(c) if c == ch(',') => {
                    idx = skip_ws(s, idx + 1);
                    if frame == Frame::Object {
                        idx = scan_key(s, idx)?;
                    }
                    continue 'value;
                }
                _ => return Err(err(EXPECTING_COMMA, idx).into()),
            }
        }
    }
}

/// The key part of `_parse_object_unicode`: `"key"`, whitespace, `:`,
/// whitespace. Returns the index where the value should start.
fn scan_key(s: &[u32], idx: usize) -> Result<usize, PythonJsonError> {
    if at(s, idx) != Some(ch('"')) {
        return Err(err(EXPECTING_NAME, idx));
    }
    let idx = skip_ws(s, scanstring(s, idx + 1)?);
    if at(s, idx) != Some(ch(':')) {
        return Err(err(EXPECTING_COLON, idx));
    }
    Ok(skip_ws(s, idx + 1))
}

fn hex4(s: &[u32], from: usize) -> Option<u32> {
    let mut v = 0u32;
    for &d in s.get(from..from + 4)? {
        let n = char::from_u32(d)?.to_digit(16)?;
        v = (v << 4) | n;
    }
    Some(v)
}

/// `scanstring_unicode` (strict): `end` is the index after the opening
/// quote; returns the index after the closing quote.
fn scanstring(s: &[u32], mut end: usize) -> Result<usize, PythonJsonError> {
    let len = s.len();
    let begin = end - 1;
    loop {
        let mut next = end;
        while next < len {
            let d = s[next];
            if d == ch('"') || d == ch('\\') {
                break;
            }
            if d <= 0x1f {
                return Err(err(CONTROL_CHAR, next));
            }
            next += 1;
        }
        if next >= len {
            return Err(err(UNTERMINATED, begin));
        }
        if s[next] == ch('"') {
            return Ok(next + 1);
        }
        // backslash
        next += 1;
        let Some(c) = at(s, next) else {
            return Err(err(UNTERMINATED, begin));
        };
        if c != ch('u') {
            end = next + 1;
            let ok = [
                ch('"'),
                ch('\\'),
                ch('/'),
                ch('b'),
                ch('f'),
                ch('n'),
                ch('r'),
                ch('t'),
            ];
            if !ok.contains(&c) {
                return Err(err(BAD_ESCAPE, end - 2));
            }
        } else {
            next += 1;
            end = next + 4;
            if end >= len {
                return Err(err(BAD_UXXXX, next - 1));
            }
            let Some(c) = hex4(s, next) else {
                return Err(err(BAD_UXXXX, end - 5));
            };
            // Surrogate pair: `\uD8xx\uDCxx`.
            if (0xD800..=0xDBFF).contains(&c)
                && end + 6 < len
                && s[end] == ch('\\')
                && s[end + 1] == ch('u')
            {
                let Some(c2) = hex4(s, end + 2) else {
                    return Err(err(BAD_UXXXX, end + 1));
                };
                if (0xDC00..=0xDFFF).contains(&c2) {
                    end += 6;
                }
            }
        }
    }
}

/// `_match_number_unicode`: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`
/// at `start` (which is in bounds). `None` is `StopIteration(start)`.
fn match_number(s: &[u32], start: usize) -> Option<(usize, bool)> {
    let len = s.len();
    let mut idx = start;
    let mut is_float = false;
    if s[idx] == ch('-') {
        idx += 1;
        if idx >= len {
            return None;
        }
    }
    if (ch('1')..=ch('9')).contains(&s[idx]) {
        idx += 1;
        while idx < len && is_digit(s[idx]) {
            idx += 1;
        }
    } else if s[idx] == ch('0') {
        idx += 1;
    } else {
        return None;
    }
    if idx + 1 < len && s[idx] == ch('.') && is_digit(s[idx + 1]) {
        is_float = true;
        idx += 2;
        while idx < len && is_digit(s[idx]) {
            idx += 1;
        }
    }
    if idx + 1 < len && (s[idx] == ch('e') || s[idx] == ch('E')) {
        let e_start = idx;
        idx += 1;
        if idx + 1 < len && (s[idx] == ch('-') || s[idx] == ch('+')) {
            idx += 1;
        }
        while idx < len && is_digit(s[idx]) {
            idx += 1;
        }
        if is_digit(s[idx - 1]) {
            is_float = true;
        } else {
            idx = e_start;
        }
    }
    Some((idx, is_float))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../../tests/fixtures/python_json_errors.json");

    fn expected_error(v: &serde_json::Value) -> Option<PythonJsonError> {
        if v.is_null() {
            return None;
        }
        let msg = v["msg"].as_str().expect("msg");
        Some(PythonJsonError {
            pos: v["pos"].as_u64().expect("pos") as usize,
            // Compare by value; leak is fine in tests.
            msg: Box::leak(msg.to_owned().into_boxed_str()),
        })
    }

    fn cases() -> Vec<serde_json::Value> {
        let v: serde_json::Value = serde_json::from_str(FIXTURE).expect("fixture parses");
        v.as_array().expect("fixture is an array").clone()
    }

    #[test]
    fn matches_python_on_every_fixture_case() {
        let cases = cases();
        assert!(cases.len() >= 120, "fixture too small: {}", cases.len());
        let mut failures = Vec::new();
        for case in &cases {
            let input = case["input"].as_str().expect("input");
            let want = expected_error(&case["error"]);
            let got = python_json_error(input);
            if got != want {
                failures.push(format!("{input:?}: want {want:?}, got {got:?}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} cases differ:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn bytes_verdict_matches_python_on_every_fixture_case() {
        let mut failures = Vec::new();
        for case in &cases() {
            let input = case["input"].as_str().expect("input");
            let real = case.get("bytes_verdict").unwrap_or(case);
            let want = match real.get("exception").and_then(|e| e.as_str()) {
                Some("ValueError") => PythonJsonVerdict::Failure(PythonJsonFailure::IntTooLong),
                Some("UnicodeDecodeError") => {
                    PythonJsonVerdict::Failure(PythonJsonFailure::UnicodeDecode)
                }
                Some("RecursionError") => PythonJsonVerdict::Failure(PythonJsonFailure::Recursion),
                Some(other) => panic!("unknown exception {other}"),
                None => match expected_error(&real["error"]) {
                    None => PythonJsonVerdict::Valid,
                    Some(e) => PythonJsonVerdict::Invalid(e),
                },
            };
            let got = python_json_verdict(input.as_bytes());
            if got != want {
                failures.push(format!("{input:?}: want {want:?}, got {got:?}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} cases differ:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn char_offsets_not_byte_offsets() {
        let e = python_json_error("{\"日本語\": x}").expect("invalid");
        assert_eq!(
            e,
            PythonJsonError {
                pos: 8,
                msg: EXPECTING_VALUE
            }
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let open = "[".repeat(100_000);
        assert_eq!(
            python_json_error(&open),
            Some(PythonJsonError {
                pos: 100_000,
                msg: EXPECTING_VALUE
            })
        );
        let closed = format!("{}{}", open, "]".repeat(100_000));
        assert_eq!(python_json_error(&closed), None);
        let objs = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
        assert_eq!(python_json_error(&objs), None);
        // FastAPI: RecursionError -> 400, before the syntax error is seen.
        assert_eq!(
            python_json_verdict(open.as_bytes()),
            PythonJsonVerdict::Failure(PythonJsonFailure::Recursion)
        );
        let n = FASTAPI_MAX_NESTING;
        let at_limit = format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(
            python_json_verdict(at_limit.as_bytes()),
            PythonJsonVerdict::Valid
        );
        let over = format!("{}{}", "[".repeat(n + 1), "]".repeat(n + 1));
        assert_eq!(
            python_json_verdict(over.as_bytes()),
            PythonJsonVerdict::Failure(PythonJsonFailure::Recursion)
        );
        // A syntax error reached before the limit is still a JSONDecodeError.
        let early = format!("[x{}", "[".repeat(10_000));
        assert_eq!(
            python_json_verdict(early.as_bytes()),
            PythonJsonVerdict::Invalid(PythonJsonError {
                pos: 1,
                msg: EXPECTING_VALUE
            })
        );
    }

    #[test]
    fn non_utf8_bytes() {
        // Invalid UTF-8: UnicodeDecodeError.
        assert_eq!(
            python_json_verdict(b"\xff"),
            PythonJsonVerdict::Failure(PythonJsonFailure::UnicodeDecode)
        );
        assert_eq!(
            python_json_verdict(b"\"\xc3\""),
            PythonJsonVerdict::Failure(PythonJsonFailure::UnicodeDecode)
        );
        // surrogatepass: an encoded lone surrogate is accepted (one char).
        assert_eq!(
            python_json_verdict(b"\"\xed\xa0\x80\""),
            PythonJsonVerdict::Valid
        );
        assert_eq!(
            python_json_verdict(b"\"\xed\xa0\x80\xed\xb0\x80\" x"),
            PythonJsonVerdict::Invalid(PythonJsonError {
                pos: 5,
                msg: EXTRA_DATA
            })
        );
        assert_eq!(
            python_json_verdict(b"\xed\xa0"),
            PythonJsonVerdict::Failure(PythonJsonFailure::UnicodeDecode)
        );
        // UTF-16/32 with BOM.
        assert_eq!(
            python_json_verdict(b"\xff\xfe[\x001\x00]\x00"),
            PythonJsonVerdict::Valid
        );
        assert_eq!(
            python_json_verdict(b"\xfe\xff\x00[\x00]"),
            PythonJsonVerdict::Valid
        );
        assert_eq!(
            python_json_verdict(b"\xff\xfe\x00\x00[\x00\x00\x00x\x00\x00\x00"),
            PythonJsonVerdict::Invalid(PythonJsonError {
                pos: 1,
                msg: EXPECTING_VALUE
            })
        );
        assert_eq!(
            python_json_verdict(b"\xff\xfea"),
            PythonJsonVerdict::Failure(PythonJsonFailure::UnicodeDecode)
        );
        // UTF-16 surrogate pair is one character.
        assert_eq!(
            python_json_verdict(b"\xff\xfe\"\x00=\xd8\x00\xde\"\x00x\x00"),
            PythonJsonVerdict::Invalid(PythonJsonError {
                pos: 3,
                msg: EXTRA_DATA
            })
        );
    }

    /// Tiny deterministic PRNG (xorshift64*), to avoid a dev-dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn fuzz_mutations_never_panic_and_agree_with_serde() {
        const ALPHABET: &[&str] = &[
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"",
            "\\",
            "u",
            "d83d",
            "\\u",
            "\\ud83d",
            "\\ude00",
            "0",
            "1",
            "9",
            "-",
            "+",
            ".",
            "e",
            "E",
            " ",
            "\n",
            "\t",
            "\r",
            "\u{0}",
            "\u{1f}",
            "\u{feff}",
            "é",
            "😀",
            "n",
            "t",
            "f",
            "null",
            "true",
            "NaN",
            "Infinity",
            "-Infinity",
            "x",
            "'",
        ];
        let seeds: Vec<String> = cases()
            .iter()
            .filter_map(|c| c["input"].as_str().map(str::to_owned))
            .collect();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let mut s: Vec<char> = seeds[rng.below(seeds.len())].chars().collect();
            for _ in 0..1 + rng.below(4) {
                let pos = rng.below(s.len() + 1);
                match rng.below(3) {
                    0 if pos < s.len() => {
                        s.remove(pos);
                    }
                    1 if pos < s.len() => {
                        let piece: Vec<char> =
                            ALPHABET[rng.below(ALPHABET.len())].chars().collect();
                        s.splice(pos..pos + 1, piece);
                    }
                    _ => {
                        let piece: Vec<char> =
                            ALPHABET[rng.below(ALPHABET.len())].chars().collect();
                        s.splice(pos..pos, piece);
                    }
                }
            }
            let text: String = s.into_iter().collect();
            let verdict = python_json_error(&text);
            let _ = python_json_verdict(text.as_bytes());
            if let Some(e) = &verdict {
                assert!(e.pos <= text.chars().count(), "{text:?}: {e:?}");
            }
            // Everything serde_json accepts, Python accepts too.
            if serde_json::from_str::<serde_json::Value>(&text).is_ok() {
                assert_eq!(verdict, None, "{text:?}");
            }
        }
        // Raw random bytes through the bytes path.
        for _ in 0..5_000 {
            let n = rng.below(12);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            let _ = python_json_verdict(&bytes);
        }
    }
}
