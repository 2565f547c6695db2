"""Request cases for tests/fastapi_types (same shape as tests/fastapi_twin/cases.py)."""
import json
from urllib.parse import quote

JSON = {"content-type": "application/json"}
CASES = []


def j(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def get(name, path):
    CASES.append({"name": name, "method": "GET", "path": path, "headers": {}, "body": None})


def post(name, path, obj=None, raw=None):
    CASES.append({"name": name, "method": "POST", "path": path, "headers": dict(JSON),
                  "body": raw if raw is not None else j(obj)})


def q(s):
    return quote(s, safe="")


# ---------------------------------------------------------------- integers by width
WIDTHS = {
    "i8": (-128, 127), "i16": (-32768, 32767), "u8": (0, 255), "u16": (0, 65535),
    "i32": (-2**31, 2**31 - 1), "i128": (-2**127, 2**127 - 1), "isize": (-2**63, 2**63 - 1),
    "u32": (0, 2**32 - 1), "u128": (0, 2**128 - 1), "usize": (0, 2**64 - 1),
}
for w, (lo, hi) in WIDTHS.items():
    get(f"int_{w}_ok", f"/int/{w}/1?v=2")
    get(f"int_{w}_max", f"/int/{w}/{hi}?v={lo}")
    get(f"int_{w}_above", f"/int/{w}/{hi + 1}")
    get(f"int_{w}_below", f"/int/{w}/{lo - 1}?v={hi + 1}")
    get(f"int_{w}_parsing", f"/int/{w}/x?v=1.5")
get("int_i32_lax", "/int/i32/%20%2B1_0%20?v=2.0")
get("float_f32_ok", "/float/f32/0.1?v=-2.5")
get("float_f32_int", "/float/f32/3?v=1e3")
get("float_f32_bad", "/float/f32/abc?v=inf")

INTS = {"a_i8": 1, "a_i16": -2, "a_u8": 3, "a_u16": 4, "a_i32": 5, "a_i128": 2**100, "a_isize": -6,
        "a_u32": 7, "a_u64": 2**64 - 1, "a_u128": 2**120, "a_usize": 9, "a_f32": 1.5}
post("ints_ok", "/ints", INTS)
post("ints_lax", "/ints", {"a_i8": "12", "a_u8": 3.0, "a_i32": True, "a_usize": "1_000", "a_f32": "2.25"})
post("ints_out_of_range", "/ints", {"a_i8": 128, "a_i16": -32769, "a_u8": -1, "a_u16": 65536,
                                    "a_u32": -1, "a_u64": -1, "a_u128": -1, "a_usize": -5})
post("ints_wrong_types", "/ints", {"a_i8": "x", "a_i16": 1.5, "a_u8": [], "a_f32": "nope", "a_usize": None})
post("ints_i32_above", "/ints", {"a_i8": 0, "a_i32": 2**31})
post("ints_u32_above", "/ints", {"a_i8": 0, "a_u32": 2**32})
post("ints_usize_above", "/ints", {"a_i8": 0, "a_usize": 2**64})

# ---------------------------------------------------------------- UUID
U = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
get("uuid_ok", f"/uuid/{U}?v={U.upper()}")
get("uuid_no_hyphens", f"/uuid/{U.replace('-', '')}")
get("uuid_braces_urn", f"/uuid/{q('{' + U + '}')}?v={q('urn:uuid:' + U)}")
get("uuid_short", "/uuid/1b4e28ba-2fa1-11d2-883f")
get("uuid_bad_char", f"/uuid/{U[:-1]}z?v=abc")
get("uuid_bad_group", "/uuid/1b4e28ba2-fa1-11d2-883f-0016d3cca427")
post("uuid_body_ok", "/uuid", {"id": U, "other": U.replace("-", "")})
post("uuid_body_errors", "/uuid", {"id": 123, "other": "nope"})
post("uuid_body_missing", "/uuid", {})
post("uuid_body_list", "/uuid", {"id": [U]})

# ---------------------------------------------------------------- dates and times
get("date_ok", "/date/2024-01-31?v=2024-02-29")
get("date_timestamp", "/date/1706659200?v=1706659200000")
get("date_datetime_midnight", "/date/2024-01-31T00:00:00?v=2024-01-31T00:00:00Z")
get("date_datetime_inexact", "/date/2024-01-31T10:00:00")
get("date_bad_month", "/date/2024-13-01?v=2023-02-29")
get("date_bad", "/date/2024-1-31?v=abc")
get("date_short", "/date/2024")
get("date_timestamp_inexact", "/date/1706659201")
get("time_ok", "/time/10:30?v=23:59:59.123456")
get("time_offset", "/time/10:30:00Z?v=10:30:00%2B02:00")
get("time_seconds", "/time/3600?v=86400")
get("time_bad", "/time/25:00?v=10:61")
get("time_bad_chars", "/time/abc?v=1030")
get("naive_ok", "/naive/2024-01-31T10:30:00?v=2024-01-31%2010:30:00.5")
get("naive_date_only", "/naive/2024-01-31")
get("naive_with_tz", "/naive/2024-01-31T10:30:00Z")
get("naive_timestamp", "/naive/1706696000")
get("naive_bad", "/naive/2024-01-31T25:00:00?v=x")
get("aware_ok", "/aware/2024-01-31T10:30:00%2B02:00?v=2024-01-31T10:30:00Z")
get("aware_naive", "/aware/2024-01-31T10:30:00")
get("aware_timestamp", "/aware/1706696000?v=1706696000.5")
get("aware_date_only", "/aware/2024-01-31")
get("aware_bad", "/aware/2024-01-31T10:30:00%2B25:00?v=2024-02-30T00:00:00Z")
get("duration_iso", "/duration/P1DT2H?v=PT1.5S")
get("duration_seconds_string", "/duration/3600")
get("duration_clock", "/duration/12:00:00?v=-00:00:01")
get("duration_weeks_years", "/duration/P1W?v=P1Y2M")
get("duration_bad", "/duration/x?v=P")
get("duration_bad_unit", "/duration/P1X?v=PT1D")
post("times_ok", "/times", {"day": "2024-01-31", "at": "10:30:00", "naive": "2024-01-31T10:30:00",
                            "aware": "2024-01-31T10:30:00-05:00", "took": "P1DT2H"})
post("times_numbers", "/times", {"day": 1706659200, "at": 3600, "naive": 1706696000,
                                 "aware": 1706696000, "took": 3600})
post("times_floats", "/times", {"at": 3600.5, "naive": 1706696000.25, "took": -86401.5})
post("times_wrong_types", "/times", {"day": True, "at": [], "naive": {}, "aware": False, "took": []})
post("times_errors", "/times", {"day": "2024-02-30", "at": "24:00", "naive": "2024-01-31T10:30:00Z",
                                "aware": "2024-01-31", "took": "1 day"})
post("times_timestamps_out_of_range", "/times", {"day": 1e20, "at": -1, "naive": 1e20, "took": 1e20})
post("times_date_from_datetime", "/times", {"day": "2024-01-31T00:00:00", "naive": "2024-01-31"})

# ---------------------------------------------------------------- Decimal
get("decimal_ok", "/decimal/1.50?v=123.45")
get("decimal_int_and_exp", "/decimal/-7?v=1e2")
get("decimal_bad", "/decimal/abc?v=1.234")
get("decimal_max_digits", "/decimal/0?v=1234.5")
get("decimal_whole_digits", "/decimal/0?v=1234")
get("decimal_nan", "/decimal/NaN?v=Infinity")
post("decimal_body_ok", "/decimal", {"amount": "1234.50", "rate": 0.1})
post("decimal_body_numbers", "/decimal", {"amount": 12, "rate": "3"})
post("decimal_body_errors", "/decimal", {"amount": "12345.678", "rate": "-1"})
post("decimal_body_places", "/decimal", {"amount": "1.234"})
post("decimal_body_digits", "/decimal", {"amount": "99999.9"})
post("decimal_body_types", "/decimal", {"amount": [], "rate": True})
post("decimal_body_parsing", "/decimal", {"amount": "1.2.3", "rate": "  "})

# ---------------------------------------------------------------- bytes
get("bytes_ok", "/bytes?v=hello%20world")
get("bytes_missing", "/bytes")
post("bytes_body_ok", "/bytes", {"data": "abc"})
post("bytes_body_too_long", "/bytes", {"data": "abcdef"})
post("bytes_body_type", "/bytes", {"data": 5})

# ---------------------------------------------------------------- maps and sets
post("map_ok", "/map", {"1": 1.5, "2": 2, "-3": "4.5"})
post("map_key_errors", "/map", {"x": 1.0, "2": "y", "z": "w"})
post("map_not_object", "/map", [1, 2])
post("collections_ok", "/collections", {"counts": {"a": 1, "b": "2"}, "tags": ["x", "y", "x"],
                                        "ids": [3, 1, 3, "2"], "extra": {"any": [1, None]}})
post("collections_errors", "/collections", {"counts": {"a": "x"}, "tags": [1], "ids": ["a", 2]})
post("collections_types", "/collections", {"counts": [], "tags": "abc", "ids": {"a": 1}})
post("set_ok", "/set", [3, 1, 2, 3])
post("set_errors", "/set", [1, "x", 2.5])
post("set_not_list", "/set", 5)

# ---------------------------------------------------------------- newtypes
post("member_ok", "/member", {"id": U, "age": 30, "friends": [U]})
post("member_errors", "/member", {"id": "nope", "age": 200, "friends": ["x"]})
post("member_types", "/member", {"id": 5, "age": "old"})
