//! Pydantic-compatible email validation, without Python.
//!
//! FastAPI users declare `email: EmailStr` and expect Pydantic's exact
//! behaviour: the same addresses accepted, the same normalised value handed to
//! the handler, and the same error sentence in a 422 response. Pydantic
//! delegates that work to the `email-validator` package (called with
//! `check_deliverability=False`), so this module is a faithful port of
//! `email-validator` 2.4 (`syntax.py`, `validate_email.py`) plus the thin
//! wrapper in `pydantic/networks.py` (2048-character cap, `Name <addr>`
//! unwrapping, whitespace stripping). The code keeps the reference's order of
//! checks, because the *first* failing check decides which reason is reported.
//!
//! Choices made:
//! - Unicode data comes from ICU4X (`icu_properties`, `icu_normalizer`):
//!   general categories, bidi classes, scripts, joining types, NFC, and the
//!   UTS #46 mapping table. Character names in messages (e.g. `SPACE`) come
//!   from `unicode_names2`. Both ship Unicode 17, but the reference mixes
//!   versions: Python 3.11's `unicodedata` is Unicode 14 and the `idna`
//!   package's tables are Unicode 16. Two small range tables
//!   (`ASSIGNED_AFTER_UNICODE_14`, `ASSIGNED_IN_UNICODE_17`) make the newer
//!   code points look unassigned where the reference would see them so; with
//!   them, every per-character property used here was checked against the
//!   reference for all 1.1 million code points.
//! - The IDNA 2008 code point classes (PVALID/CONTEXTJ/CONTEXTO), which Python's
//!   `idna` package ships as a precomputed table, are derived here from the
//!   same RFC 5892 rules the table is generated from, instead of embedding a
//!   large table.
//! - Punycode, Python's `ipaddress` parsing and Python's `repr()` of strings
//!   are ported by hand, because their exact error texts end up in the reason.
//! - Pydantic's `Name <addr>` regex is reproduced with the `regex` crate, with
//!   Python's definitions of `\w` and `\s` spelled out.
//! - Options are fixed to Pydantic's: no quoted local parts, no IP literals, no
//!   display names (once Pydantic's own regex has not unwrapped one), global
//!   deliverability rules on (a period and a letter-final TLD are required and
//!   special-use names like `.local` / `.test` are refused), no DNS lookups.
//!
//! Every path returns `Err` instead of panicking, whatever the input.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::LazyLock;

use icu_normalizer::uts46::Uts46MapperBorrowed;
use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};
use icu_properties::props::{
    BidiClass, CanonicalCombiningClass, ChangesWhenNfkcCasefolded, DefaultIgnorableCodePoint,
    GeneralCategory, HangulSyllableType, JoinControl, JoiningType, NoncharacterCodePoint, Script,
    WhiteSpace,
};
use icu_properties::{CodePointMapData, CodePointSetData, PropertyNamesLong, PropertyNamesShort};
use regex::Regex;

/// Pydantic's own cap, checked before anything else (`MAX_EMAIL_LENGTH`).
const PYDANTIC_MAX_LENGTH: usize = 2048;
/// Whole address, in UTF-8 bytes (RFC 3696 errata 1690 / RFC 5321 4.5.3.1.3).
const EMAIL_MAX_LENGTH: usize = 254;
/// Domain name, in octets (RFC 1035 2.3.4).
const DOMAIN_MAX_LENGTH: usize = 253;
/// One DNS label, in octets (RFC 1035 2.3.1).
const DNS_LABEL_LENGTH_LIMIT: usize = 63;

/// RFC 2142 mailbox names that are case-insensitive and so get lower-cased.
const CASE_INSENSITIVE_MAILBOX_NAMES: &[&str] = &[
    "info",
    "marketing",
    "sales",
    "support",
    "abuse",
    "noc",
    "security",
    "postmaster",
    "hostmaster",
    "usenet",
    "news",
    "webmaster",
    "www",
    "uucp",
    "ftp",
];

/// IANA special-use domains that email-validator refuses (with subdomains).
const SPECIAL_USE_DOMAIN_NAMES: &[&str] =
    &["arpa", "invalid", "local", "localhost", "onion", "test"];

/// Whether `domain` is one of [`SPECIAL_USE_DOMAIN_NAMES`] or under one.
fn is_special_use(domain: &str) -> bool {
    SPECIAL_USE_DOMAIN_NAMES.iter().any(|name| {
        domain
            .strip_suffix(name)
            .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
    })
}

/// Validates `input` like Pydantic's `EmailStr`; Ok(normalised address) or Err(reason),
/// where the reason is email-validator's sentence, e.g. "An email address must have an @-sign."
pub fn validate_email(input: &str) -> Result<String, String> {
    // pydantic/networks.py `validate_email`: length cap (in code points) ...
    // (A string has at least as many bytes as code points, so the count is
    // only needed for long inputs.)
    if input.len() > PYDANTIC_MAX_LENGTH && input.chars().count() > PYDANTIC_MAX_LENGTH {
        return Err(format!(
            "Length must not exceed {PYDANTIC_MAX_LENGTH} characters"
        ));
    }
    // ... then `Name <addr>` / `"Name" <addr>` is reduced to `addr` (the
    // pattern needs a literal '<', so without one it cannot match) ...
    let address = if input.contains('<') {
        PRETTY_EMAIL
            .captures(input)
            .and_then(|caps| caps.get(3))
            .map_or(input, |m| m.as_str())
    } else {
        input
    };
    // ... and surrounding whitespace is dropped (Python's `str.strip()`).
    validate_address(py_strip(address))
}

/// Pydantic's `pretty_email_regex`, anchored because Pydantic uses `fullmatch`.
///
/// Python's `\w` is "alphanumeric or underscore" (letters and numbers only,
/// unlike Rust's `\w`, which also takes marks) and Python's `\s` includes
/// U+001C..U+001F, so both are spelled out.
static PRETTY_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    let ws = r"[\t\n\x0B\x0C\r\x1C-\x1F \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]";
    let name_char = r"[\p{L}\p{N}_!#$%&'*+\-/=?^`{|}~]";
    let unquoted = format!(r"((?:{name_char}+{ws}+)*{name_char}+)");
    let quoted = r#""((?:[^"]|")+)""#;
    let pattern = format!(r"\A{ws}*(?:{unquoted}|{quoted})?{ws}*<(.+)>{ws}*\z");
    Regex::new(&pattern).expect("the pretty-email pattern is a valid regex")
});

// ---------------------------------------------------------------------------
// validate_email.py
// ---------------------------------------------------------------------------

/// email-validator's `validate_email(email, check_deliverability=False)` with
/// Pydantic's defaults; returns the `normalized` form.
fn validate_address(email: &str) -> Result<String, String> {
    match plain_address(email) {
        Some(normalized) => Ok(normalized),
        None => validate_address_in_full(email),
    }
}

/// [`validate_address`] for any input: email-validator's steps one by one.
fn validate_address_in_full(email: &str) -> Result<String, String> {
    let parts = split_email(email)?;

    let mut local = validate_local_part(&parts.unquoted_local_part, parts.quoted)?;
    // RFC 6532 3.1: the NFC form is what is returned, so it must be valid too.
    let normalized_local = nfc(&parts.unquoted_local_part);
    if normalized_local != parts.unquoted_local_part {
        local = validate_local_part(&normalized_local, parts.quoted)
            .map_err(|e| format!("After Unicode normalization: {e}"))?;
    }
    if parts.quoted {
        return Err("Quoting the part before the @-sign is not allowed here.".into());
    }
    if local.ascii
        && CASE_INSENSITIVE_MAILBOX_NAMES
            .iter()
            .any(|name| name.eq_ignore_ascii_case(&local.local_part))
    {
        local.local_part = Cow::Owned(local.local_part.to_ascii_lowercase());
    }

    let domain = if parts.domain_part.is_empty() {
        return Err("There must be something after the @-sign.".into());
    } else if let Some(literal) = parts
        .domain_part
        .strip_prefix('[')
        .and_then(|d| d.strip_suffix(']'))
    {
        // Errors inside the brackets win over "not allowed here".
        validate_domain_literal(literal)?;
        return Err("A bracketed IP address after the @-sign is not allowed here.".into());
    } else {
        validate_domain_name(parts.domain_part)?
    };
    let display_domain = domain.display();

    // The input as split (the display name is not counted), the normalised
    // address and the IDNA-ASCII address (whose local part is the same one)
    // must each fit; the strings are only built when one does not.
    let original_len = parts.local_part.len() + 1 + parts.domain_part.len();
    let normalized_len = local.local_part.len() + 1 + display_domain.len();
    let ascii_len = local.local_part.len() + 1 + domain.ascii_domain.len();
    if original_len.max(normalized_len).max(ascii_len) > EMAIL_MAX_LENGTH {
        validate_length(
            &format!("{}@{}", parts.local_part, parts.domain_part),
            &format!("{}@{display_domain}", local.local_part),
            &format!("{}@{}", local.local_part, domain.ascii_domain),
        )?;
    }

    if parts.display_name.is_some() {
        return Err(
            "A display name and angle brackets around the email address are not permitted here."
                .into(),
        );
    }
    let mut normalized = String::with_capacity(normalized_len);
    normalized.push_str(&local.local_part);
    normalized.push('@');
    normalized.push_str(display_domain);
    Ok(normalized)
}

/// The common case decided in one pass, without the general machinery of
/// [`validate_address`]: an ASCII dot-atom local part (not a mailbox name
/// that is lowercased), then a domain of two or more lowercase LDH labels
/// (no `??--` label, a TLD ending in a letter, not a special-use name), all
/// within the length limits. Such an address is valid and already
/// normalised. `None` leaves every other address, valid or not, to the
/// general path, which also words the error.
fn plain_address(email: &str) -> Option<String> {
    let (local, domain) = email.split_once('@')?;
    if local.is_empty()
        || local.len() + 1 + domain.len() > EMAIL_MAX_LENGTH
        || !is_dot_atom(local, is_atext)
        || CASE_INSENSITIVE_MAILBOX_NAMES
            .iter()
            .any(|name| name.eq_ignore_ascii_case(local))
        || !domain.as_bytes().last()?.is_ascii_lowercase()
    {
        return None;
    }
    let mut labels = 0;
    for label in domain.as_bytes().split(|&b| b == b'.') {
        let plain_label = matches!(
            (label.first(), label.last()),
            (Some(b'a'..=b'z' | b'0'..=b'9'), Some(b'a'..=b'z' | b'0'..=b'9'))
        ) && label.len() <= DNS_LABEL_LENGTH_LIMIT
            && label
                .iter()
                .all(|&b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'))
            && label.get(2..4) != Some(b"--");
        if !plain_label {
            return None;
        }
        labels += 1;
    }
    if labels < 2 || is_special_use(domain) {
        return None;
    }
    let mut normalized = String::with_capacity(email.len());
    normalized.push_str(local);
    normalized.push('@');
    normalized.push_str(domain);
    Some(normalized)
}

/// `validate_email_length`: the input, the normalised address and the
/// IDNA-ASCII address must each fit in 254 UTF-8 bytes.
fn validate_length(original: &str, normalized: &str, ascii_form: &str) -> Result<(), String> {
    let checks = [
        (original, None),
        (normalized, Some("after normalization")),
        (
            ascii_form,
            Some("when the part after the @-sign is converted to IDNA ASCII"),
        ),
    ];
    for (addr, context) in checks {
        let chars = addr.chars().count();
        let bytes = addr.len();
        if bytes <= EMAIL_MAX_LENGTH {
            continue;
        }
        let diff = bytes - EMAIL_MAX_LENGTH;
        let s = if diff > 1 { "s" } else { "" };
        let reason = match context {
            None if chars == bytes => length_reason(chars, EMAIL_MAX_LENGTH),
            None => {
                // Some characters take several bytes: give the range of
                // characters that have to go.
                let widest = addr.chars().map(char::len_utf8).max().unwrap_or(1);
                let min_chars = (diff / widest).max(1);
                if min_chars == diff {
                    format!("({diff} character{s} too many)")
                } else {
                    format!("({min_chars}-{diff} character{s} too many)")
                }
            }
            Some(context) => format!("{context} ({diff} byte{s} too many)"),
        };
        return Err(format!("The email address is too long {reason}."));
    }
    Ok(())
}

/// `get_length_reason`, counting code points like Python's `len`.
fn length_reason(len: usize, limit: usize) -> String {
    let diff = len.saturating_sub(limit);
    let s = if diff > 1 { "s" } else { "" };
    format!("({diff} character{s} too many)")
}

// ---------------------------------------------------------------------------
// syntax.py: splitting
// ---------------------------------------------------------------------------

struct SplitEmail<'a> {
    /// `Some` when angle brackets were found (possibly an empty name).
    display_name: Option<Cow<'a, str>>,
    /// The local part as written, quotes included.
    local_part: &'a str,
    /// The local part with quotes removed and backslash escapes resolved.
    unquoted_local_part: Cow<'a, str>,
    quoted: bool,
    domain_part: &'a str,
}

/// `split_email`: display name (if any), local part and domain part.
fn split_email(email: &str) -> Result<SplitEmail<'_>, String> {
    let (left, right) = split_at_unquoted_special(email, &['@', '<'])?;

    let (display_name, local_part, domain_part) = if right.starts_with('<') {
        let (name, name_quoted) = unquote_quoted_string(py_rstrip(left))?;
        if !name_quoted {
            let bad: BTreeSet<String> = name
                .chars()
                .filter(|&c| (!is_atext_or_dot(c) && c != ' ') || c == '.')
                .map(safe_character_display)
                .collect();
            if !bad.is_empty() {
                return Err(format!(
                    "The display name contains invalid characters when not quoted: {}.",
                    join(bad)
                ));
            }
        }
        check_unsafe_chars(&name, true)?;

        if !right.contains('>') {
            return Err("An open angle bracket at the start of the email address has to be followed by a close angle bracket at the end.".into());
        }
        let addr_spec = right
            .trim_end_matches(' ')
            .strip_suffix('>')
            .ok_or("There can't be anything after the email address.")?;
        // `right` starts with '<' (one byte), so this cannot fail.
        let addr_spec = addr_spec.strip_prefix('<').unwrap_or(addr_spec);
        let (local, domain) = split_at_unquoted_special(addr_spec, &['@'])?;
        (Some(name), local, domain)
    } else {
        (None, left, right)
    };

    let domain_part = domain_part.strip_prefix('@').unwrap_or(domain_part);
    let (unquoted_local_part, quoted) = unquote_quoted_string(local_part)?;
    Ok(SplitEmail {
        display_name,
        local_part,
        unquoted_local_part,
        quoted,
        domain_part,
    })
}

/// `split_string_at_unquoted_special`: split before the first of `specials`
/// that is outside quotes and not combined with a following combining mark
/// (`<` + U+0338 is `≮`, not an angle bracket).
fn split_at_unquoted_special<'a>(
    text: &'a str,
    specials: &[char],
) -> Result<(&'a str, &'a str), String> {
    let mut inside_quote = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if combines_with_next(&text[i..], c) {
            // Part of a larger character: never special, and the quote
            // state is left alone (as in the reference).
        } else if inside_quote {
            if c == '\\' && !escaped {
                escaped = true;
            } else if c == '"' && !escaped {
                inside_quote = false;
                escaped = false;
            } else {
                escaped = false;
            }
        } else if c == '"' {
            inside_quote = true;
        } else if specials.contains(&c) {
            return Ok((&text[..i], &text[i..]));
        }
    }
    // The specials always include '@', so this means there is no @-sign.
    // ASCII text holds neither look-alike: the searches are skipped.
    let ascii = text.is_ascii();
    if !ascii && text.contains('\u{FF20}') {
        Err("The email address has the \"full-width\" at-sign (@) character instead of a regular at-sign.".into())
    } else if !ascii && text.contains('\u{FE6B}') {
        Err("The email address has the \"small commercial at\" character instead of a regular at-sign.".into())
    } else {
        Err("An email address must have an @-sign.".into())
    }
}

/// Whether NFC changes the first character of `rest` (which starts with `c`),
/// looking at a window of 32 characters like the reference (the Stream-Safe
/// Text Format allows at most 30 combining marks in a row).
fn combines_with_next(rest: &str, c: char) -> bool {
    // Fast path: ASCII followed by ASCII (or nothing) never composes.
    if c.is_ascii() && rest[1..].chars().next().is_none_or(|n| n.is_ascii()) {
        return false;
    }
    NFC.normalize_iter(rest.chars().take(32)).next() != Some(c)
}

/// `unquote_quoted_string`: strip surrounding quotes and resolve escapes.
/// Returns the value and whether it was quoted.
fn unquote_quoted_string(text: &str) -> Result<(Cow<'_, str>, bool), String> {
    // Only a leading quote starts a quoted string; otherwise every character
    // is kept as it is.
    if !text.starts_with('"') {
        return Ok((Cow::Borrowed(text), false));
    }
    let mut quoted = false;
    let mut escaped = false;
    let mut value = String::new();
    for (i, (pos, c)) in text.char_indices().enumerate() {
        if quoted {
            if escaped {
                value.push(c);
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                let rest = &text[pos + c.len_utf8()..];
                if !rest.is_empty() {
                    let shown: Vec<String> = rest.chars().map(safe_character_display).collect();
                    return Err(format!(
                        "Extra character(s) found after close quote: {}",
                        shown.join(", ")
                    ));
                }
                break;
            } else {
                value.push(c);
            }
        } else if i == 0 && c == '"' {
            quoted = true;
        } else {
            value.push(c);
        }
    }
    Ok((Cow::Owned(value), quoted))
}

// ---------------------------------------------------------------------------
// syntax.py: local part
// ---------------------------------------------------------------------------

struct LocalPart<'a> {
    local_part: Cow<'a, str>,
    /// False when the local part needs SMTPUTF8 (non-ASCII); when true, the
    /// reference's `ascii_local_part` is the same string as `local_part`.
    ascii: bool,
}

/// RFC 5322 `atext`.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '_' | '!'
                | '#'
                | '$'
                | '%'
                | '&'
                | '\''
                | '*'
                | '+'
                | '-'
                | '/'
                | '='
                | '?'
                | '^'
                | '`'
                | '{'
                | '|'
                | '}'
                | '~'
        )
}

/// `ATEXT_RE`: atext or a period.
fn is_atext_or_dot(c: char) -> bool {
    c == '.' || is_atext(c)
}

/// RFC 6531 3.3: atext plus every non-ASCII character.
fn is_atext_intl(c: char) -> bool {
    is_atext(c) || c >= '\u{80}'
}

/// `dot-atom-text` with the given atom characters: atoms joined by single periods.
fn is_dot_atom(s: &str, atom_char: impl Fn(char) -> bool) -> bool {
    s.split('.')
        .all(|atom| !atom.is_empty() && atom.chars().all(&atom_char))
}

/// `validate_email_local_part` with `allow_smtputf8=True`, `strict=False`.
fn validate_local_part(local: &str, quoted: bool) -> Result<LocalPart<'_>, String> {
    if local.is_empty() {
        return Err("There must be something before the @-sign.".into());
    }
    // The common case: plain ASCII dot-atom, already normalised.
    if is_dot_atom(local, is_atext) {
        return Ok(LocalPart {
            local_part: Cow::Borrowed(local),
            ascii: true,
        });
    }

    let (is_quoted_form, smtputf8) = if is_dot_atom(local, is_atext_intl) {
        (false, true)
    } else if quoted {
        // Inside quotes anything printable goes, but not control characters.
        let bad: BTreeSet<String> = local
            .chars()
            .filter(|&c| !(('\u{20}'..='\u{7E}').contains(&c) || c >= '\u{80}'))
            .map(safe_character_display)
            .collect();
        if !bad.is_empty() {
            return Err(format!(
                "The email address contains invalid characters in quotes before the @-sign: {}.",
                join(bad)
            ));
        }
        (
            true,
            !local.chars().all(|c| ('\u{20}'..='\u{7E}').contains(&c)),
        )
    } else {
        // Not valid: find out why, in the reference's order.
        let bad: BTreeSet<String> = local
            .chars()
            .filter(|&c| !(c == '.' || is_atext_intl(c)))
            .map(safe_character_display)
            .collect();
        if !bad.is_empty() {
            return Err(format!(
                "The email address contains invalid characters before the @-sign: {}.",
                join(bad)
            ));
        }
        check_dot_atom(
            local,
            "An email address cannot start with a {}.",
            "An email address cannot have a {} immediately before the @-sign.",
            false,
        )?;
        return Err("The email address contains invalid characters before the @-sign.".into());
    };

    check_unsafe_chars(local, is_quoted_form)?;
    let local_part = if is_quoted_form {
        // Re-quote with the minimum escaping (RFC 5321 4.1.2).
        let mut s = String::from('"');
        for c in local.chars() {
            if c == '"' || c == '\\' {
                s.push('\\');
            }
            s.push(c);
        }
        s.push('"');
        Cow::Owned(s)
    } else {
        Cow::Borrowed(local)
    };
    Ok(LocalPart {
        local_part,
        ascii: !smtputf8,
    })
}

/// `check_unsafe_chars`: refuse control, format, private-use, unassigned and
/// separator characters (spaces only when `allow_space`), and a combining mark
/// in first position.
fn check_unsafe_chars(s: &str, allow_space: bool) -> Result<(), String> {
    let mut bad = BTreeSet::new();
    for (i, c) in s.chars().enumerate() {
        // Printable ASCII is all letters, numbers, punctuation and symbols.
        if c.is_ascii_graphic() {
            continue;
        }
        let cat = general_category(c);
        let unsafe_char = match cat.as_bytes() {
            [b'L' | b'N' | b'P' | b'S', _] => false,
            [b'M', _] => i == 0,
            b"Zs" => !allow_space,
            _ => true, // Zl, Zp and every C category
        };
        if unsafe_char {
            bad.insert(c);
        }
    }
    if bad.is_empty() {
        return Ok(());
    }
    // Sorted by code point (not by display string, unlike the other lists).
    let shown: Vec<String> = bad.into_iter().map(safe_character_display).collect();
    Err(format!(
        "The email address contains unsafe characters: {}.",
        shown.join(", ")
    ))
}

/// Whether `s` contains the two ASCII characters `pair` side by side (a
/// byte scan: `str::contains` with a string pattern costs far more on
/// strings this short).
fn contains_pair(s: &str, pair: &[u8; 2]) -> bool {
    s.as_bytes().windows(2).any(|w| w == pair)
}

/// `check_dot_atom`: period (and, for host names, hyphen) placement rules.
/// `start` and `end` contain a `{}` placeholder for "period" / "hyphen".
fn check_dot_atom(label: &str, start: &str, end: &str, is_hostname: bool) -> Result<(), String> {
    if label.ends_with('.') {
        return Err(end.replace("{}", "period"));
    }
    if label.starts_with('.') {
        return Err(start.replace("{}", "period"));
    }
    if contains_pair(label, b"..") {
        return Err("An email address cannot have two periods in a row.".into());
    }
    if is_hostname {
        if label.ends_with('-') {
            return Err(end.replace("{}", "hyphen"));
        }
        if label.starts_with('-') {
            return Err(start.replace("{}", "hyphen"));
        }
        if contains_pair(label, b".-") || contains_pair(label, b"-.") {
            return Err(
                "An email address cannot have a period and a hyphen next to each other.".into(),
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// syntax.py: domain name
// ---------------------------------------------------------------------------

struct Domain<'a> {
    /// IDNA ASCII form (`xn--...`).
    ascii_domain: Cow<'a, str>,
    /// Display form, with international characters; `None` when it is the
    /// same as `ascii_domain`.
    domain: Option<String>,
}

impl Domain<'_> {
    /// Display form, with international characters.
    fn display(&self) -> &str {
        self.domain.as_deref().unwrap_or(&self.ascii_domain)
    }
}

/// `ATEXT_HOSTNAME_INTL`: letters, digits, hyphen, period, or non-ASCII.
fn is_hostname_intl_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.' || c >= '\u{80}'
}

/// `DOT_ATOM_TEXT_HOSTNAME`: ASCII labels of letters, digits and inner hyphens.
fn is_ascii_hostname(domain: &str) -> bool {
    domain.split('.').all(|label| {
        let bytes = label.as_bytes();
        match (bytes.first(), bytes.last()) {
            (Some(first), Some(last)) => {
                first.is_ascii_alphanumeric()
                    && last.is_ascii_alphanumeric()
                    && bytes
                        .iter()
                        .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            }
            _ => false,
        }
    })
}

/// `validate_email_domain_name` with `test_environment=False`,
/// `globally_deliverable=True`.
fn validate_domain_name(input: &str) -> Result<Domain<'_>, String> {
    // Checked up front: it bounds the work done by the IDNA code below.
    let input_len = input.chars().count();
    if input_len > DOMAIN_MAX_LENGTH {
        return Err(format!(
            "The email address is too long after the @-sign {}.",
            length_reason(input_len, DOMAIN_MAX_LENGTH)
        ));
    }
    let invalid_chars = |s: &str| bad_chars(s, is_hostname_intl_char);
    // Lowercase ASCII letters, digits, '-' and '.' are valid, safe and left
    // unchanged by the UTS #46 mapping: the checks below would pass them
    // through as they are.
    let plain = input
        .bytes()
        .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.'));
    let domain = if plain {
        Cow::Borrowed(input)
    } else {
        if let Some(bad) = invalid_chars(input) {
            return Err(format!(
                "The part after the @-sign contains invalid characters: {bad}."
            ));
        }
        check_unsafe_chars(input, false)?;
        if let Some(bad) = bad_chars(input, uts46_valid_char) {
            return Err(format!(
                "The part after the @-sign contains invalid characters: {bad}."
            ));
        }

        // UTS #46 mapping: case folding, NFC, full-width/ideographic dots to '.'.
        let domain = uts46_remap(input)
            .map_err(|e| format!("The part after the @-sign contains invalid characters ({e})."))?;
        if let Some(bad) = invalid_chars(&domain) {
            return Err(format!(
                "The part after the @-sign contains invalid characters after Unicode normalization: {bad}."
            ));
        }
        domain
    };
    check_dot_atom(
        &domain,
        "An email address cannot have a {} immediately after the @-sign.",
        "An email address cannot end with a {}.",
        true,
    )?;
    // RFC 5890 "R-LDH" labels: `??--` is reserved for Punycode (`xn--`).
    for label in domain.split('.') {
        let mut chars = label.chars();
        let first_four = (chars.next(), chars.next(), chars.next(), chars.next());
        if let (Some(a), Some(b), Some('-'), Some('-')) = first_four {
            if !(a.eq_ignore_ascii_case(&'x') && b.eq_ignore_ascii_case(&'n')) {
                return Err("An email address cannot have two letters followed by two dashes immediately after the @-sign or after a period, except Punycode.".into());
            }
        }
    }

    let ascii_domain = if is_ascii_hostname(&domain) {
        domain
    } else {
        let labels = domain
            .split('.')
            .map(idna_alabel)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("The part after the @-sign is invalid ({e})."))?;
        let ascii = labels.join(".");
        if !is_ascii_hostname(&ascii) {
            return Err("The email address contains invalid characters after the @-sign after IDNA encoding.".into());
        }
        Cow::Owned(ascii)
    };

    if ascii_domain.len() > DOMAIN_MAX_LENGTH {
        if ascii_domain == input {
            return Err(format!(
                "The email address is too long after the @-sign {}.",
                length_reason(ascii_domain.len(), DOMAIN_MAX_LENGTH)
            ));
        }
        let diff = ascii_domain.len() - DOMAIN_MAX_LENGTH;
        let s = if diff == 1 { "" } else { "s" };
        return Err(format!(
            "The email address is too long after the @-sign ({diff} byte{s} too many after IDNA encoding)."
        ));
    }
    for label in ascii_domain.split('.') {
        if label.len() > DNS_LABEL_LENGTH_LIMIT {
            return Err(format!(
                "After the @-sign, periods cannot be separated by so many characters {}.",
                length_reason(label.len(), DNS_LABEL_LENGTH_LIMIT)
            ));
        }
    }
    // Global deliverability: no dotless domains, and TLDs end in a letter.
    if !ascii_domain.contains('.') {
        return Err("The part after the @-sign is not valid. It should have a period.".into());
    }
    if !ascii_domain.ends_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(
            "The part after the @-sign is not valid. It is not within a valid top-level domain."
                .into(),
        );
    }
    if is_special_use(&ascii_domain) {
        return Err("The part after the @-sign is a special-use or reserved name that cannot be used with email.".into());
    }

    if !ascii_domain.as_bytes().windows(4).any(|w| w == b"xn--") {
        return Ok(Domain {
            ascii_domain,
            domain: None,
        });
    }

    // Punycode labels: check they are real IDNA and get the Unicode form.
    let domain_i18n = idna_decode(&ascii_domain)
        .map_err(|e| format!("The part after the @-sign is not valid IDNA ({e})."))?;
    if let Some(bad) = invalid_chars(&domain_i18n) {
        return Err(format!(
            "The part after the @-sign contains invalid characters: {bad}."
        ));
    }
    check_unsafe_chars(&domain_i18n, false)?;
    // The Bidi Rule applies to every label once any label is right-to-left.
    if domain_i18n
        .chars()
        .any(|c| matches!(bidi_class(c), "R" | "AL" | "AN"))
    {
        for label in domain_i18n.split('.') {
            check_bidi(label, true)
                .map_err(|e| format!("The part after the @-sign is not valid IDNA ({e})."))?;
        }
    }
    idna_encode(&domain_i18n).map_err(|e| {
        format!("The part after the @-sign became invalid after normalizing to international characters ({e}).")
    })?;
    Ok(Domain {
        ascii_domain,
        domain: Some(domain_i18n),
    })
}

/// `uts46_valid_char`: the reference's quick approximation of what UTS #46
/// rejects, so that it can give its own message first.
fn uts46_valid_char(ch: char) -> bool {
    // ASCII: controls (Cc) and the space (Zs) fail the category test below;
    // everything else decomposes to itself, so only '.' contains a period.
    if ch.is_ascii() {
        return ch.is_ascii_graphic();
    }
    let c = ch as u32;
    if (0x80..=0x9F).contains(&c) {
        return false;
    }
    if ((0x2010..=0x2060).contains(&c)
        && !(0x2024..=0x2026).contains(&c)
        && !(0x2028..=0x202E).contains(&c))
        || matches!(c, 0xAD | 0x2064 | 0xFF0E)
        || (0x200B..=0x200D).contains(&c)
        || (0x1BCA0..=0x1BCA3).contains(&c)
    {
        return true;
    }
    if matches!(
        general_category(ch),
        "Cf" | "Cn" | "Co" | "Cs" | "Zs" | "Zl" | "Zp"
    ) {
        return false;
    }
    // Characters whose decomposition mapping contains a period (⒈ is
    // "1."). The reference reads one level of `unicodedata.decomposition`;
    // the full NFKD used here agrees except for two vertical forms that
    // only reach a period through U+2025 / U+2026.
    if matches!(c, 0xFE19 | 0xFE30) {
        return true;
    }
    !NFKD.normalize_iter(std::iter::once(ch)).any(|d| d == '.')
}

/// `idna.uts46_remap(domain, std3_rules=False, transitional=False)`.
///
/// Only called once every character has passed `is_hostname_intl_char`.
fn uts46_remap(domain: &str) -> Result<Cow<'_, str>, String> {
    // ASCII letters, digits, '-' and '.': UTS #46 maps only the upper-case
    // letters (to lower case), and NFC leaves ASCII alone.
    if domain.is_ascii() {
        if domain.bytes().any(|b| b.is_ascii_uppercase()) {
            return Ok(Cow::Owned(domain.to_ascii_lowercase()));
        }
        return Ok(Cow::Borrowed(domain));
    }
    let mapper = Uts46MapperBorrowed::new();
    let mut mapped = String::with_capacity(domain.len());
    for (pos, c) in domain.chars().enumerate() {
        // ICU4X marks disallowed characters with U+FFFD (itself disallowed).
        let start = mapped.len();
        mapped.extend(mapper.map_normalize(std::iter::once(c)));
        // The `idna` package's mapping table is Unicode 16.
        let unknown = in_ranges(ASSIGNED_IN_UNICODE_17, c as u32);
        if unknown || c == '\u{FFFD}' || mapped[start..].contains('\u{FFFD}') {
            return Err(format!(
                "Codepoint {} not allowed at position {} in {}",
                unot(c as u32),
                pos + 1,
                py_repr(domain)
            ));
        }
    }
    Ok(match nfc(&mapped) {
        Cow::Borrowed(_) => Cow::Owned(mapped),
        Cow::Owned(composed) => Cow::Owned(composed),
    })
}

// ---------------------------------------------------------------------------
// syntax.py: domain literals, with Python's `ipaddress` messages
// ---------------------------------------------------------------------------

/// `validate_email_domain_literal`: `Ok` when the brackets hold a valid
/// address (which Pydantic then refuses anyway).
fn validate_domain_literal(literal: &str) -> Result<(), String> {
    // re.match(r"^[0-9\.]+$"): Python's `$` also matches before a final "\n".
    let body = literal.strip_suffix('\n').unwrap_or(literal);
    if !body.is_empty() && body.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return parse_ipv4(literal).map(|_| ()).map_err(|e| {
            format!("The address in brackets after the @-sign is not valid: It is not an IPv4 address ({e}) or is missing an address literal tag.")
        });
    }
    let tag: String = literal.chars().take(5).collect();
    if tag.eq_ignore_ascii_case("ipv6:") {
        let addr = &literal[tag.len()..];
        let has_zone = parse_ipv6(addr).map_err(|e| {
            format!("The IPv6 address in brackets after the @-sign is not valid ({e}).")
        })?;
        if has_zone {
            return Err(
                "The IPv6 address in brackets after the @-sign is not valid (It has a zone index)."
                    .into(),
            );
        }
        return Ok(());
    }
    if !literal.contains(':') {
        return Err("The part after the @-sign in brackets is not an IPv4 address and has no address literal tag.".into());
    }
    let bad: BTreeSet<String> = literal
        .chars()
        .filter(|c| !('\u{21}'..='\u{FA}').contains(c))
        .map(safe_character_display)
        .collect();
    if !bad.is_empty() {
        return Err(format!(
            "The part after the @-sign contains invalid characters in brackets: {}.",
            join(bad)
        ));
    }
    Err("The part after the @-sign contains an invalid address literal tag in brackets.".into())
}

/// `ipaddress.IPv4Address(s)`: the address, or Python's error text.
fn parse_ipv4(s: &str) -> Result<u32, String> {
    if s.contains('/') {
        return Err(format!("Unexpected '/' in {}", py_repr(s)));
    }
    if s.is_empty() {
        return Err("Address cannot be empty".into());
    }
    let octets: Vec<&str> = s.split('.').collect();
    if octets.len() != 4 {
        return Err(format!("Expected 4 octets in {}", py_repr(s)));
    }
    let mut addr = 0u32;
    for octet in octets {
        let value = parse_octet(octet).map_err(|e| format!("{e} in {}", py_repr(s)))?;
        addr = (addr << 8) | u32::from(value);
    }
    Ok(addr)
}

/// `IPv4Address._parse_octet`.
fn parse_octet(octet: &str) -> Result<u8, String> {
    if octet.is_empty() {
        return Err("Empty octet not permitted".into());
    }
    if !octet.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "Only decimal digits permitted in {}",
            py_repr(octet)
        ));
    }
    if octet.len() > 3 {
        return Err(format!(
            "At most 3 characters permitted in {}",
            py_repr(octet)
        ));
    }
    if octet != "0" && octet.starts_with('0') {
        return Err(format!(
            "Leading zeros are not permitted in {}",
            py_repr(octet)
        ));
    }
    let value: u16 = octet
        .parse()
        .map_err(|_| "Empty octet not permitted".to_string())?;
    u8::try_from(value).map_err(|_| format!("Octet {value} (> 255) not permitted"))
}

/// `ipaddress.IPv6Address(s)` validity with Python's error text; `Ok(true)`
/// when the address carries a zone index (`%eth0`).
fn parse_ipv6(address: &str) -> Result<bool, String> {
    const HEXTETS: usize = 8;
    if address.contains('/') {
        return Err(format!("Unexpected '/' in {}", py_repr(address)));
    }
    let (ip, zone) = match address.split_once('%') {
        None => (address, None),
        Some((ip, zone)) if !zone.is_empty() && !zone.contains('%') => (ip, Some(zone)),
        Some(_) => {
            return Err(format!("Invalid IPv6 address: \"{}\"", py_repr(address)));
        }
    };
    if ip.is_empty() {
        return Err("Address cannot be empty".into());
    }
    let r = py_repr(ip);
    let mut parts: Vec<&str> = ip.split(':').collect();
    if parts.len() < 3 {
        return Err(format!("At least 3 parts expected in {r}"));
    }
    // An IPv4 suffix stands for two hextets.
    if parts.last().is_some_and(|p| p.contains('.')) {
        let v4 = parts.pop().unwrap_or_default();
        parse_ipv4(v4).map_err(|e| format!("{e} in {r}"))?;
        parts.extend(["0", "0"]);
    }
    if parts.len() > HEXTETS + 1 {
        return Err(format!("At most {HEXTETS} colons permitted in {r}"));
    }
    // An empty part away from the ends is the single allowed '::'.
    let mut skip_index = None;
    for (i, part) in parts.iter().enumerate().take(parts.len() - 1).skip(1) {
        if part.is_empty() {
            if skip_index.is_some() {
                return Err(format!("At most one '::' permitted in {r}"));
            }
            skip_index = Some(i);
        }
    }
    let (hi, lo) = if let Some(skip) = skip_index {
        let mut hi = skip;
        let mut lo = parts.len() - skip - 1;
        if parts[0].is_empty() {
            hi -= 1;
            if hi > 0 {
                return Err(format!("Leading ':' only permitted as part of '::' in {r}"));
            }
        }
        if parts[parts.len() - 1].is_empty() {
            lo -= 1;
            if lo > 0 {
                return Err(format!(
                    "Trailing ':' only permitted as part of '::' in {r}"
                ));
            }
        }
        if hi + lo >= HEXTETS {
            return Err(format!(
                "Expected at most {} other parts with '::' in {r}",
                HEXTETS - 1
            ));
        }
        (hi, lo)
    } else {
        if parts.len() != HEXTETS {
            return Err(format!(
                "Exactly {HEXTETS} parts expected without '::' in {r}"
            ));
        }
        if parts[0].is_empty() {
            return Err(format!("Leading ':' only permitted as part of '::' in {r}"));
        }
        if parts[parts.len() - 1].is_empty() {
            return Err(format!(
                "Trailing ':' only permitted as part of '::' in {r}"
            ));
        }
        (parts.len(), 0)
    };
    let used = parts[..hi].iter().chain(&parts[parts.len() - lo..]);
    for hextet in used {
        if !hextet.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "Only hex digits permitted in {} in {r}",
                py_repr(hextet)
            ));
        }
        if hextet.len() > 4 {
            return Err(format!(
                "At most 4 characters permitted in {} in {r}",
                py_repr(hextet)
            ));
        }
    }
    Ok(zone.is_some())
}

// ---------------------------------------------------------------------------
// Python `idna` package (IDNA 2008): alabel / ulabel / check_label / bidi
// ---------------------------------------------------------------------------

/// `idna.alabel`: the ASCII form of one label.
fn idna_alabel(label: &str) -> Result<String, String> {
    if label.is_ascii() {
        idna_ulabel(label)?; // validation only
        if label.len() > DNS_LABEL_LENGTH_LIMIT {
            return Err("Label too long".into());
        }
        return Ok(label.to_string());
    }
    check_label(label)?;
    let encoded = format!("xn--{}", punycode_encode(label));
    if encoded.len() > DNS_LABEL_LENGTH_LIMIT {
        return Err("Label too long".into());
    }
    Ok(encoded)
}

/// `idna.ulabel` for an ASCII label: decodes `xn--` labels and checks them.
fn idna_ulabel(label: &str) -> Result<Cow<'_, str>, String> {
    if !label.is_ascii() {
        check_label(label)?;
        return Ok(Cow::Borrowed(label));
    }
    let lower = if label.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(label.to_ascii_lowercase())
    } else {
        Cow::Borrowed(label)
    };
    let Some(encoded) = lower.strip_prefix("xn--") else {
        check_label(&lower)?;
        return Ok(lower);
    };
    if encoded.is_empty() {
        return Err("Malformed A-label, no Punycode eligible content found".into());
    }
    if encoded.ends_with('-') {
        return Err("A-label must not end with a hyphen".into());
    }
    let decoded = punycode_decode(encoded).ok_or("Invalid A-label")?;
    check_label(&decoded)?;
    Ok(Cow::Owned(decoded))
}

/// Splits `domain` on the `idna` package's dots, converts each label with
/// `f` (an empty label is an error) and joins them with `.`, keeping a
/// trailing dot; also says whether there was one.
fn map_labels<'d, L: AsRef<str>>(
    domain: &'d str,
    f: impl Fn(&'d str) -> Result<L, String>,
) -> Result<(String, bool), String> {
    let mut labels: Vec<&str> = domain.split(IDNA_DOTS).collect();
    if labels.len() == 1 && labels[0].is_empty() {
        return Err("Empty domain".into());
    }
    let trailing_dot = labels.last().is_some_and(|l| l.is_empty());
    if trailing_dot {
        labels.pop();
    }
    let mut out = String::with_capacity(domain.len() + 1);
    for (i, label) in labels.into_iter().enumerate() {
        let converted = f(label)?;
        if converted.as_ref().is_empty() {
            return Err("Empty label".into());
        }
        if i > 0 {
            out.push('.');
        }
        out.push_str(converted.as_ref());
    }
    if trailing_dot {
        out.push('.');
    }
    Ok((out, trailing_dot))
}

/// `idna.decode`: the Unicode form of an ASCII domain.
fn idna_decode(domain: &str) -> Result<String, String> {
    map_labels(domain, idna_ulabel).map(|(d, _)| d)
}

/// `idna.encode` (without UTS #46 mapping), for the final round-trip check.
fn idna_encode(domain: &str) -> Result<String, String> {
    let (encoded, trailing_dot) = map_labels(domain, idna_alabel)?;
    if encoded.len() > if trailing_dot { 254 } else { 253 } {
        return Err("Domain too long".into());
    }
    Ok(encoded)
}

/// The label separators the `idna` package splits on.
const IDNA_DOTS: [char; 4] = ['.', '\u{3002}', '\u{FF0E}', '\u{FF61}'];

/// `idna.check_label`: IDNA 2008 label validity (RFC 5891 5.4, RFC 5892).
fn check_label(label: &str) -> Result<(), String> {
    let chars: Vec<char> = label.chars().collect();
    let (Some(&first), Some(&last)) = (chars.first(), chars.last()) else {
        return Err("Empty Label".into());
    };
    if nfc(label) != label {
        return Err("Label must be in Normalization Form C".into());
    }
    if chars.get(2..4) == Some(&['-', '-'][..]) {
        return Err("Label has disallowed hyphens in 3rd and 4th position".into());
    }
    if first == '-' || last == '-' {
        return Err("Label must not start or end with a hyphen".into());
    }
    if general_category(first).starts_with('M') {
        return Err("Label begins with an illegal combining character".into());
    }
    for (pos, &c) in chars.iter().enumerate() {
        // Only needed for an error message.
        let cp = || unot(c as u32);
        match idna2008_class(c) {
            IdnaClass::Pvalid => {}
            IdnaClass::ContextJ => {
                // The reference's "Joiner ... not allowed" error is caught by
                // its own `except ValueError` and re-raised as this one, so
                // this is the message for every joiner failure.
                if !valid_contextj(&chars, pos) {
                    return Err(format!(
                        "Unknown codepoint adjacent to joiner {} at position {} in {}",
                        cp(),
                        pos + 1,
                        py_repr(label)
                    ));
                }
            }
            IdnaClass::ContextO => {
                if !valid_contexto(&chars, pos) {
                    return Err(format!(
                        "Codepoint {} not allowed at position {} in {}",
                        cp(),
                        pos + 1,
                        py_repr(label)
                    ));
                }
            }
            IdnaClass::Disallowed => {
                return Err(format!(
                    "Codepoint {} at position {} of {} not allowed",
                    cp(),
                    pos + 1,
                    py_repr(label)
                ))
            }
        }
    }
    check_bidi(label, false)
}

/// `idna.check_bidi`: the RFC 5893 Bidi Rule for one label.
fn check_bidi(label: &str, check_ltr: bool) -> Result<(), String> {
    let mut is_bidi = false;
    for (idx, c) in label.chars().enumerate() {
        match bidi_class(c) {
            "" => {
                return Err(format!(
                    "Unknown directionality in label {} at position {}",
                    py_repr(label),
                    idx + 1
                ))
            }
            "R" | "AL" | "AN" => is_bidi = true,
            _ => {}
        }
    }
    if !is_bidi && !check_ltr {
        return Ok(());
    }
    let rtl = match label.chars().next().map(bidi_class) {
        Some("R" | "AL") => true,
        Some("L") => false,
        _ => {
            return Err(format!(
                "First codepoint in label {} must be directionality L, R or AL",
                py_repr(label)
            ))
        }
    };
    let mut valid_ending = false;
    let mut number_type: Option<&str> = None;
    for (idx, c) in label.chars().enumerate() {
        let direction = bidi_class(c);
        if rtl {
            if !matches!(
                direction,
                "R" | "AL" | "AN" | "EN" | "ES" | "CS" | "ET" | "ON" | "BN" | "NSM"
            ) {
                return Err(format!(
                    "Invalid direction for codepoint at position {} in a right-to-left label",
                    idx + 1
                ));
            }
            if matches!(direction, "R" | "AL" | "EN" | "AN") {
                valid_ending = true;
            } else if direction != "NSM" {
                valid_ending = false;
            }
            if matches!(direction, "AN" | "EN") {
                match number_type {
                    None => number_type = Some(direction),
                    Some(t) if t != direction => {
                        return Err("Can not mix numeral types in a right-to-left label".into())
                    }
                    Some(_) => {}
                }
            }
        } else {
            if !matches!(
                direction,
                "L" | "EN" | "ES" | "CS" | "ET" | "ON" | "BN" | "NSM"
            ) {
                return Err(format!(
                    "Invalid direction for codepoint at position {} in a left-to-right label",
                    idx + 1
                ));
            }
            if matches!(direction, "L" | "EN") {
                valid_ending = true;
            } else if direction != "NSM" {
                valid_ending = false;
            }
        }
    }
    if valid_ending {
        Ok(())
    } else {
        Err("Label ends with illegal codepoint directionality".into())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdnaClass {
    Pvalid,
    ContextJ,
    ContextO,
    Disallowed,
}

/// The IDNA 2008 derived property of a code point (RFC 5892 section 3),
/// computed from its Unicode properties rather than from a shipped table.
fn idna2008_class(ch: char) -> IdnaClass {
    let c = ch as u32;
    // 2.6 Exceptions (F).
    match c {
        0xDF | 0x3C2 | 0x6FD | 0x6FE | 0xF0B | 0x3007 => return IdnaClass::Pvalid,
        0xB7 | 0x375 | 0x5F3 | 0x5F4 | 0x30FB | 0x660..=0x669 | 0x6F0..=0x6F9 => {
            return IdnaClass::ContextO
        }
        0x640 | 0x7FA | 0x302E | 0x302F | 0x3031..=0x3035 | 0x303B => return IdnaClass::Disallowed,
        _ => {}
    }
    // The `idna` package's tables follow Unicode 16, not Python's version.
    let category = current_general_category(ch);
    if in_ranges(ASSIGNED_IN_UNICODE_17, c) {
        return IdnaClass::Disallowed;
    }
    // 2.11 Unassigned (J) is not PVALID either.
    if category == "Cn" && !set_contains::<NoncharacterCodePoint>(ch) {
        return IdnaClass::Disallowed;
    }
    // 2.10 LDH (I).
    if ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' {
        return IdnaClass::Pvalid;
    }
    // 2.8 JoinControl (H).
    if set_contains::<JoinControl>(ch) {
        return IdnaClass::ContextJ;
    }
    // 2.2 Unstable (B), 2.3 IgnorableProperties (C), 2.4 IgnorableBlocks (D).
    if set_contains::<ChangesWhenNfkcCasefolded>(ch)
        || set_contains::<DefaultIgnorableCodePoint>(ch)
        || set_contains::<WhiteSpace>(ch)
        || set_contains::<NoncharacterCodePoint>(ch)
        || (0x20D0..=0x20FF).contains(&c)
        || (0x1D100..=0x1D24F).contains(&c)
    {
        return IdnaClass::Disallowed;
    }
    // 2.9 OldHangulJamo (I): conjoining jamo of type L, V or T.
    let hst = CodePointMapData::<HangulSyllableType>::new().get(ch);
    if matches!(
        PropertyNamesShort::<HangulSyllableType>::new().get(hst),
        Some("L" | "V" | "T")
    ) {
        return IdnaClass::Disallowed;
    }
    // 2.1 LetterDigits (A).
    if matches!(category, "Ll" | "Lu" | "Lo" | "Nd" | "Lm" | "Mn" | "Mc") {
        IdnaClass::Pvalid
    } else {
        IdnaClass::Disallowed
    }
}

/// `idna.valid_contextj` (RFC 5892 A.1, A.2): ZERO WIDTH (NON-)JOINER after
/// a virama, or ZWNJ between joining characters.
fn valid_contextj(label: &[char], pos: usize) -> bool {
    let c = label[pos];
    if pos > 0 {
        let before = label[pos - 1];
        // The reference fails outright on a neighbour `unicodedata.name`
        // does not know.
        if !has_python_name(before) {
            return false;
        }
        let ccc = CodePointMapData::<CanonicalCombiningClass>::new().get(before);
        if ccc == CanonicalCombiningClass::Virama {
            return true;
        }
    }
    if c != '\u{200C}' {
        return false;
    }
    // ZWNJ between a left-joining and a right-joining character, with
    // transparent characters skipped on both sides.
    let joins = |ch: char, side: &str| match joining_type(ch) {
        "T" => None,
        t => Some(t == side || t == "D"),
    };
    let left_ok = label[..pos]
        .iter()
        .rev()
        .find_map(|&ch| joins(ch, "L"))
        .unwrap_or(false);
    let right_ok = label[pos + 1..]
        .iter()
        .find_map(|&ch| joins(ch, "R"))
        .unwrap_or(false);
    left_ok && right_ok
}

/// `idna.valid_contexto` (RFC 5892 A.3 - A.9).
fn valid_contexto(label: &[char], pos: usize) -> bool {
    let c = label[pos] as u32;
    let in_script = |ch: char, name: &str| {
        let script = CodePointMapData::<Script>::new().get(ch);
        PropertyNamesLong::<Script>::new().get(script) == Some(name)
    };
    match c {
        // MIDDLE DOT: only between two 'l' (Catalan).
        0xB7 => pos > 0 && label.get(pos - 1) == Some(&'l') && label.get(pos + 1) == Some(&'l'),
        // GREEK LOWER NUMERAL SIGN: followed by Greek.
        0x375 => label.get(pos + 1).is_some_and(|&n| in_script(n, "Greek")),
        // HEBREW GERESH / GERSHAYIM: preceded by Hebrew.
        0x5F3 | 0x5F4 => pos > 0 && in_script(label[pos - 1], "Hebrew"),
        // KATAKANA MIDDLE DOT: some Hiragana, Katakana or Han in the label.
        0x30FB => label.iter().any(|&ch| {
            ch != '\u{30FB}'
                && (in_script(ch, "Hiragana") || in_script(ch, "Katakana") || in_script(ch, "Han"))
        }),
        // Arabic-Indic digits and extended Arabic-Indic digits don't mix.
        0x660..=0x669 => !label
            .iter()
            .any(|&ch| ('\u{6F0}'..='\u{6F9}').contains(&ch)),
        0x6F0..=0x6F9 => !label
            .iter()
            .any(|&ch| ('\u{660}'..='\u{669}').contains(&ch)),
        _ => false,
    }
}

/// "U+00E9" formatting used by the `idna` package.
fn unot(c: u32) -> String {
    format!("U+{c:04X}")
}

// ---------------------------------------------------------------------------
// Punycode (RFC 3492), mirroring Python's "punycode" codec
// ---------------------------------------------------------------------------

const BASE: u64 = 36;
const TMIN: u64 = 1;
const TMAX: u64 = 26;

fn punycode_threshold(j: u64, bias: u64) -> u64 {
    (BASE * (j + 1)).saturating_sub(bias).clamp(TMIN, TMAX)
}

fn punycode_adapt(delta: u64, first: bool, numchars: u64) -> u64 {
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / numchars;
    let mut divisions = 0;
    while delta > 455 {
        delta /= 35;
        divisions += 36;
    }
    divisions + (36 * delta / (delta + 38))
}

fn punycode_digit(d: u64) -> char {
    // 0..=25 -> 'a'..='z', 26..=35 -> '0'..='9'; `d` is always below 36.
    let d = d as u8;
    if d < 26 {
        char::from(b'a' + d)
    } else {
        char::from(b'0' + d - 26)
    }
}

/// Python's `str.encode("punycode")`.
fn punycode_encode(input: &str) -> String {
    let chars: Vec<u32> = input.chars().map(u32::from).collect();
    let mut out: String = input.chars().filter(char::is_ascii).collect();
    let basic = out.len() as u64;
    let mut extended: Vec<u32> = chars.iter().copied().filter(|&c| c >= 0x80).collect();
    extended.sort_unstable();
    extended.dedup();

    let mut encoded = String::new();
    let mut bias = 72;
    let mut points = 0u64;
    let mut old_char = 0x80u64;
    let mut old_index: i64 = -1;
    for &code in &extended {
        let code = u64::from(code);
        // Position among the characters below `code`, as in `insertion_unsort`.
        let below = chars.iter().filter(|&&c| u64::from(c) < code).count() as u64;
        // `delta` may dip below zero part-way (index < old_index), hence i64.
        let mut delta = ((below + 1) * (code - old_char)) as i64;
        let mut index: i64 = -1;
        for &c in &chars {
            let c = u64::from(c);
            if c < code {
                index += 1;
            } else if c == code {
                index += 1;
                delta += index - old_index;
                let n = (delta - 1).max(0) as u64;
                // generate_generalized_integer
                let mut q = n;
                let mut j = 0;
                loop {
                    let t = punycode_threshold(j, bias);
                    if q < t {
                        encoded.push(punycode_digit(q));
                        break;
                    }
                    encoded.push(punycode_digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    j += 1;
                }
                bias = punycode_adapt(n, points == 0, basic + points + 1);
                points += 1;
                old_index = index;
                delta = 0;
            }
        }
        old_char = code;
    }
    if !out.is_empty() {
        out.push('-');
    }
    out.push_str(&encoded);
    out
}

/// Python's `bytes.decode("punycode")`; `None` on any error (the reference
/// reports every failure as "Invalid A-label").
fn punycode_decode(input: &str) -> Option<String> {
    let (base, extended) = match input.rfind('-') {
        Some(pos) => (&input[..pos], &input[pos + 1..]),
        None => ("", input),
    };
    let mut output: Vec<char> = base.chars().collect();
    let digits: Vec<u8> = extended.bytes().map(|b| b.to_ascii_uppercase()).collect();
    let mut code = 0x80u64;
    let mut pos: i128 = -1;
    let mut bias = 72u64;
    let mut i = 0;
    while i < digits.len() {
        let first = i == 0;
        // decode_generalized_number
        let mut delta = 0u64;
        let mut w = 1u64;
        let mut j = 0u64;
        loop {
            let byte = *digits.get(i)?; // "incomplete punicode string"
            i += 1;
            let digit = match byte {
                b'A'..=b'Z' => u64::from(byte - b'A'),
                b'0'..=b'9' => u64::from(byte - b'0') + 26,
                _ => return None, // "Invalid extended code point"
            };
            let t = punycode_threshold(j, bias);
            // Python's integers never overflow; anything this large would
            // give a code point above U+10FFFF, which is an error anyway.
            delta = delta.checked_add(digit.checked_mul(w)?)?;
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            j += 1;
        }
        pos += i128::from(delta) + 1;
        let len = output.len() as i128 + 1;
        code = code.checked_add(u64::try_from(pos / len).ok()?)?;
        if code > 0x10FFFF {
            return None; // "Invalid character U+..."
        }
        pos %= len;
        // Surrogates cannot be represented in a Rust string.
        let c = char::from_u32(u32::try_from(code).ok()?)?;
        output.insert(usize::try_from(pos).ok()?, c);
        bias = punycode_adapt(delta, first, output.len() as u64);
    }
    Some(output.into_iter().collect())
}

// ---------------------------------------------------------------------------
// Python and Unicode helpers
// ---------------------------------------------------------------------------

/// Built once, from the compiled-in data.
static NFC: ComposingNormalizerBorrowed<'static> = ComposingNormalizerBorrowed::new_nfc();
static NFKD: DecomposingNormalizerBorrowed<'static> = DecomposingNormalizerBorrowed::new_nfkd();

/// NFC; borrows when `s` is already normalised (ASCII always is).
fn nfc(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    NFC.normalize(s)
}

/// Two-letter general category, as `unicodedata.category` returns it on
/// the reference interpreter: code points assigned after Python's Unicode
/// version are still unassigned ("Cn") there.
fn general_category(c: char) -> &'static str {
    if assigned_after_python_unicode(c) {
        return "Cn";
    }
    current_general_category(c)
}

/// Two-letter general category in current Unicode, which is what the `idna`
/// package's own tables (IDNA classes, UTS #46 mapping) are built from.
fn current_general_category(c: char) -> &'static str {
    let gc = CodePointMapData::<GeneralCategory>::new().get(c);
    PropertyNamesShort::<GeneralCategory>::new()
        .get(gc)
        .unwrap_or("Cn")
}

/// Whether `c` was assigned after Unicode 14.0, the version of Python 3.11's
/// `unicodedata` that the fixture was recorded with. email-validator asks
/// `unicodedata` about categories, names and bidi classes, and a code point
/// unknown there is "unsafe", so these must be treated as unassigned.
/// (Ranges may also cover code points that are unassigned in both versions.)
fn assigned_after_python_unicode(c: char) -> bool {
    in_ranges(ASSIGNED_AFTER_UNICODE_14, c as u32)
}

/// Inclusive `[start, end]` pairs, sorted: code points assigned after Unicode
/// 14.0. Ranges may also cover code points unassigned in every version.
#[rustfmt::skip]
const ASSIGNED_AFTER_UNICODE_14: &[u32] = &[
    0x558, 0x558, 0x58B, 0x58C, 0x5C8, 0x5C9, 0x88F, 0x88F, 0x897, 0x897, 0xB53, 0xB54, 0xC5C,
    0xC5C, 0xCDC, 0xCDC, 0xCF3, 0xCF3, 0xECE, 0xECE, 0x1ACF, 0x1AF0, 0x1B4E, 0x1B4F, 0x1B7F, 0x1B7F,
    0x1C89, 0x1C8A, 0x208F, 0x208F, 0x209D, 0x209F, 0x20C1, 0x20C4, 0x2427, 0x2429, 0x2B96, 0x2B96,
    0x2E60, 0x2E63, 0x2FFC, 0x2FFF, 0x31E4, 0x31EF, 0xA7CB, 0xA7CF, 0xA7D2, 0xA7D2, 0xA7D4, 0xA7D4,
    0xA7DA, 0xA7F1, 0xAB6C, 0xAB6D, 0xFBC3, 0xFBD2, 0xFD90, 0xFD91, 0xFDC8, 0xFDCE, 0x105C0,
    0x105F3, 0x107BB, 0x107BF, 0x10940, 0x10959, 0x10D40, 0x10D8F, 0x10EC2, 0x10EFF, 0x1123F,
    0x11241, 0x11380, 0x113E2, 0x116D0, 0x116E3, 0x11B00, 0x11BF9, 0x11DB0, 0x11DF1, 0x11F00,
    0x11F5A, 0x1246F, 0x1246F, 0x12475, 0x1247F, 0x12550, 0x12686, 0x1342F, 0x1342F, 0x13439,
    0x143FA, 0x16100, 0x16139, 0x16D40, 0x16D79, 0x16EA0, 0x16ED3, 0x16FF2, 0x16FF6, 0x187F8,
    0x187FF, 0x18CD6, 0x18CFF, 0x18D09, 0x191D2, 0x1B123, 0x1B132, 0x1B155, 0x1B155, 0x1B168,
    0x1B168, 0x1CC00, 0x1CEFD, 0x1D127, 0x1D128, 0x1D1EB, 0x1D1FF, 0x1D250, 0x1D2D3, 0x1D6A6,
    0x1D6A6, 0x1DB00, 0x1DB1C, 0x1DF1F, 0x1DFFF, 0x1E030, 0x1E08F, 0x1E4D0, 0x1E6FF, 0x1F1AE,
    0x1F1AE, 0x1F6D8, 0x1F6DC, 0x1F774, 0x1F77F, 0x1F7D9, 0x1F7DB, 0x1F7F1, 0x1F7FF, 0x1F8B2,
    0x1F8D8, 0x1FA54, 0x1FA57, 0x1FA75, 0x1FA77, 0x1FA87, 0x1FA8F, 0x1FAAD, 0x1FAAF, 0x1FABB,
    0x1FABF, 0x1FAC6, 0x1FACF, 0x1FADA, 0x1FADF, 0x1FAE8, 0x1FAEF, 0x1FAF7, 0x1FAFA, 0x1FBCB,
    0x1FBEF, 0x1FBFA, 0x1FBFA, 0x2B739, 0x2B73F, 0x2B81E, 0x2B81E, 0x2CEA2, 0x2CEAD, 0x2EBF0,
    0x2EE5D, 0x31350, 0x3FC3F,
];

/// Inclusive `[start, end]` pairs, sorted: code points assigned in Unicode
/// 17.0, which the `idna` package's tables (Unicode 16) do not know yet.
#[rustfmt::skip]
const ASSIGNED_IN_UNICODE_17: &[u32] = &[
    0x558, 0x558, 0x58B, 0x58C, 0x5C8, 0x5C9, 0xB53, 0xB54, 0x1ADE, 0x1ADF, 0x1AEC, 0x1AF0, 0x208F,
    0x208F, 0x209D, 0x209F, 0x20C2, 0x20C4, 0x2E60, 0x2E63, 0xA7DD, 0xA7E2, 0xAB6C, 0xAB6D, 0x107BB,
    0x107BF, 0x10EC9, 0x10ECF, 0x10ED9, 0x10EF9, 0x11B0A, 0x11B0A, 0x11DF0, 0x11DF1, 0x1246F,
    0x1246F, 0x12475, 0x1247F, 0x12550, 0x12686, 0x18CD6, 0x18CDA, 0x18D1F, 0x18D20, 0x18E00,
    0x191D2, 0x1B123, 0x1B128, 0x1B168, 0x1B168, 0x1CED2, 0x1CEDF, 0x1CEF1, 0x1CEFD, 0x1D127,
    0x1D128, 0x1D1EB, 0x1D1FF, 0x1D250, 0x1D281, 0x1D6A6, 0x1D6A6, 0x1DB00, 0x1DB1C, 0x1DF1F,
    0x1DF24, 0x1DF2B, 0x1DFFF, 0x1F1AE, 0x1F1AE, 0x1F6D9, 0x1F6D9, 0x1F7DA, 0x1F7DB, 0x1F7F1,
    0x1F7FF, 0x1FA8B, 0x1FA8D, 0x1FACC, 0x1FACC, 0x1FADD, 0x1FADD, 0x1FAEB, 0x1FAEB, 0x1FAF9,
    0x1FAFA, 0x2B81E, 0x2B81E, 0x3D000, 0x3FC3F,
];

/// Whether `c` lies in one of the inclusive `[start, end]` pairs of `ranges`.
fn in_ranges(ranges: &[u32], c: u32) -> bool {
    // Index of the first bound >= c: odd means strictly inside a pair, even
    // means before the next pair, unless that pair starts exactly at `c`.
    let i = ranges.partition_point(|&bound| bound < c);
    i % 2 == 1 || ranges.get(i) == Some(&c)
}

/// Bidi class abbreviation, as `unicodedata.bidirectional` returns it
/// (empty for unassigned code points).
fn bidi_class(c: char) -> &'static str {
    if general_category(c) == "Cn" {
        return "";
    }
    // Bidi classes that changed between Unicode 14 and the ICU4X data.
    match c as u32 {
        0x1B3A | 0x1B3C | 0x1B42 | 0x1171E => return "NSM",
        0x1D6C1 | 0x1D6FB | 0x1D735 | 0x1D76F | 0x1D7A9 => return "L",
        _ => {}
    }
    let bc = CodePointMapData::<BidiClass>::new().get(c);
    PropertyNamesShort::<BidiClass>::new().get(bc).unwrap_or("")
}

/// Joining type abbreviation ("D", "L", "R", "T", "C" or "U").
fn joining_type(c: char) -> &'static str {
    let jt = CodePointMapData::<JoiningType>::new().get(c);
    PropertyNamesShort::<JoiningType>::new()
        .get(jt)
        .unwrap_or("U")
}

fn set_contains<P: icu_properties::props::BinaryProperty>(c: char) -> bool {
    CodePointSetData::new::<P>().contains(c)
}

/// Whether `unicodedata.name(c)` succeeds: controls, surrogates, private-use
/// and unassigned code points have no name, and Python 3.11 does not
/// generate names for Tangut ideographs.
fn has_python_name(c: char) -> bool {
    !matches!(general_category(c), "Cc" | "Cs" | "Co" | "Cn")
        && !matches!(c as u32, 0x17000..=0x187F7 | 0x18D00..=0x18D08)
}

/// `safe_character_display`: how a character is shown in a reason.
fn safe_character_display(c: char) -> String {
    if c == '\\' {
        return "\"\\\"".into();
    }
    if general_category(c).starts_with(['L', 'N', 'P', 'S']) {
        return py_repr(c.encode_utf8(&mut [0; 4]));
    }
    let name = if has_python_name(c) {
        unicode_names2::name(c).map(|n| n.to_string())
    } else {
        None
    };
    name.unwrap_or_else(|| {
        if (c as u32) < 0xFFFF {
            format!("U+{:04X}", c as u32)
        } else {
            format!("U+{:08X}", c as u32)
        }
    })
}

/// Python's `repr()` of a `str`.
fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c == '\u{7F}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_ascii() || py_isprintable(c) => out.push(c),
            c if (c as u32) <= 0xFF => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

/// `str.isprintable()` for one non-ASCII character.
fn py_isprintable(c: char) -> bool {
    !matches!(
        general_category(c),
        "Cc" | "Cf" | "Cs" | "Co" | "Cn" | "Zl" | "Zp" | "Zs"
    )
}

/// `str.isspace()`.
fn py_isspace(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\u{1C}'..='\u{20}' | '\u{85}' | '\u{A0}' | '\u{1680}'
        | '\u{2000}'..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}')
}

/// `str.strip()`.
fn py_strip(s: &str) -> &str {
    s.trim_matches(py_isspace)
}

/// `str.rstrip()`.
fn py_rstrip(s: &str) -> &str {
    s.trim_end_matches(py_isspace)
}

/// The characters of `s` that fail `ok`, as the reference lists them
/// (`safe_character_display`, sorted and deduplicated, comma-separated);
/// `None` when there are none.
fn bad_chars(s: &str, ok: impl Fn(char) -> bool) -> Option<String> {
    if s.chars().all(&ok) {
        return None;
    }
    let bad: BTreeSet<String> = s
        .chars()
        .filter(|&c| !ok(c))
        .map(safe_character_display)
        .collect();
    Some(join(bad))
}

/// `", ".join(sorted(set))`.
fn join(items: BTreeSet<String>) -> String {
    items.into_iter().collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pydantic's verdicts, recorded by `tests/fixtures/record_emails.py`.
    const FIXTURE: &str = include_str!("../../../tests/fixtures/emails.json");

    #[test]
    fn matches_pydantic_fixture() {
        let cases: Vec<serde_json::Value> =
            serde_json::from_str(FIXTURE).expect("fixture is valid JSON");
        assert!(cases.len() >= 150, "fixture has only {} cases", cases.len());
        let mut failures = Vec::new();
        for case in &cases {
            let input = case["input"].as_str().expect("input is a string");
            let expected = if case["ok"].as_bool() == Some(true) {
                Ok(case["normalized"].as_str().expect("normalized").to_string())
            } else {
                Err(case["reason"].as_str().expect("reason").to_string())
            };
            let got = validate_email(input);
            if got != expected {
                failures.push(format!(
                    "input {input:?}\n  expected {expected:?}\n  got      {got:?}"
                ));
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
    fn the_one_pass_path_agrees_with_the_full_one() {
        let cases: Vec<serde_json::Value> =
            serde_json::from_str(FIXTURE).expect("fixture is valid JSON");
        let mut inputs: Vec<String> = cases
            .iter()
            .map(|c| py_strip(c["input"].as_str().unwrap()).to_string())
            .collect();
        for extra in [
            "jane@example.com",
            "Jane.Doe+tag@mail.example.co.uk",
            "jane@EXAMPLE.com",
            "postmaster@example.com",
            "PostMaster@example.com",
            "jane@localhost",
            "jane@foo.test",
            "jane@test.com",
            "jane@example.invalid",
            "jane@xn--bcher-kva.com",
            "jane@ab--cd.com",
            "jane@a--b.com",
            "jane@-example.com",
            "jane@example-.com",
            "jane@example.123",
            "jane@example.c0m",
            "jane@example",
            "jane@.example.com",
            "jane@example..com",
            "jane@example.com.",
            ".jane@example.com",
            "ja..ne@example.com",
            "jane@@example.com",
            "@example.com",
            "jane@",
            "\"jane\"@example.com",
        ] {
            inputs.push(extra.to_string());
        }
        inputs.push(format!("jane@{}.com", "a".repeat(63)));
        inputs.push(format!("jane@{}.com", "a".repeat(64)));
        inputs.push(format!("{}@example.com", "j".repeat(242)));
        inputs.push(format!("{}@example.com", "j".repeat(243)));
        let mut fast = 0;
        for input in &inputs {
            if let Some(quick) = plain_address(input) {
                fast += 1;
                assert_eq!(Ok(quick), validate_address_in_full(input), "{input:?}");
            }
        }
        assert!(fast >= 20, "only {fast} inputs took the one-pass path");
    }

    #[test]
    fn examples() {
        assert_eq!(
            validate_email("  Jane Doe <Jane@EXAMPLE.com> "),
            Ok("Jane@example.com".into())
        );
        assert_eq!(
            validate_email("jane.example.com"),
            Err("An email address must have an @-sign.".into())
        );
        assert_eq!(validate_email("x@Bücher.de"), Ok("x@bücher.de".into()));
    }

    #[test]
    fn punycode_round_trips() {
        for label in ["bücher", "例子", "💩", "δοκιμή", "aé-b", "ü"] {
            let encoded = punycode_encode(label);
            assert_eq!(
                punycode_decode(&encoded).as_deref(),
                Some(label),
                "{encoded}"
            );
        }
        assert_eq!(punycode_encode("bücher"), "bcher-kva");
        assert_eq!(punycode_encode("💩"), "ls8h");
        assert_eq!(punycode_decode("99999999999999999999"), None);
    }

    /// Odd, huge and hostile inputs must produce a verdict, never a panic.
    #[test]
    fn never_panics() {
        let mut inputs: Vec<String> = vec![
            String::new(),
            "@".repeat(5000),
            "a".repeat(100_000),
            format!("{}@{}.com", "a".repeat(1000), "b".repeat(1000)),
            format!("a@{}", "é.".repeat(1000)),
            format!("a@xn--{}.com", "9".repeat(60)),
            format!("a@xn--{}.com", "a".repeat(200)),
            "\u{301}".repeat(3000),
            format!("<{}", "\u{338}".repeat(100)),
            "\"".repeat(3000),
            format!("\"{}\"@x.com", "\\".repeat(999)),
            "[".repeat(100) + "@" + &"]".repeat(100),
            "a@[IPv6:".to_string() + &":".repeat(500) + "]",
            "a@[IPv6:1:2:3:4:5:6:7:1.2.3.4]".into(),
            "a@[IPv6:::1.2.3.4.5]".into(),
            "a@[1.2.3.4%]".into(),
            "a@[ipv6:%%]".into(),
            "a@[ipv6:]".into(),
            "a@xn--.xn--".into(),
            "a@-".into(),
            "a@\u{FF0E}".into(),
            "a@\u{3002}\u{3002}".into(),
            "\u{FEFF}a@b.com".into(),
            "a@b.com\u{0}".into(),
            "\u{10FFFF}<\u{10FFFF}@\u{10FFFF}>".into(),
            "\"a\"<b@c.com>".into(),
            "a@\u{200C}\u{200D}.com".into(),
            "a@\u{94D}\u{200D}x.com".into(),
            "a@xn--1ug.com".into(),
            "a@xn--0ug.com".into(),
            "a@xn--ugc.com".into(),
            "a@xn--zp0cc.com".into(), // Punycode for two lone surrogates
        ];
        // Every single code point, alone and inside an address.
        for cp in (0..0x11_0000u32).step_by(97) {
            if let Some(c) = char::from_u32(cp) {
                inputs.push(format!("{c}@example.com"));
                inputs.push(format!("user@exa{c}mple.com"));
                inputs.push(format!("a{c}<b@c.com>"));
            }
        }
        for input in &inputs {
            let _ = validate_email(input);
        }
    }
}
