"""Request cases for tests/fastapi_model_options (same shape as tests/fastapi_twin/cases.py)."""
import json

JSON = {"content-type": "application/json"}
CASES = []


def j(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def get(name, path):
    CASES.append({"name": name, "method": "GET", "path": path, "headers": {}, "body": None})


def send(method, name, path, obj=None, raw=None):
    CASES.append({"name": name, "method": method, "path": path, "headers": dict(JSON),
                  "body": raw if raw is not None else j(obj)})


def post(name, path, obj=None, raw=None):
    send("POST", name, path, obj, raw)


def put(name, path, obj=None, raw=None):
    send("PUT", name, path, obj, raw)


# ---------------------------------------------------------------- extra
post("forbid_ok", "/forbid", {"a": 1})
post("forbid_ok_lax", "/forbid", {"a": "2", "b": "y"})
post("forbid_one_extra", "/forbid", {"a": 1, "c": [1, {"d": None}]})
post("forbid_extras_after_field_errors", "/forbid", {"z": 1, "a": "q", "y": 2, "b": 3})
post("forbid_missing_and_extra", "/forbid", {"x": True})
post("forbid_not_object", "/forbid", [1])
post("forbid_null_extra", "/forbid", {"a": 1, "n": None})
post("ignore_extra", "/ignore", {"a": 1, "zz": 2})
post("allow_extras_kept", "/allow", {"a": 1, "q": {"r": 1}, "b": [2, "x"], "tags": ["t"]})
post("allow_extras_order", "/allow", {"z": 1, "a": 2, "y": None, "tags": []})
post("allow_field_error", "/allow", {"a": "x", "tags": "nope", "extra": 1})
post("allow_no_extras", "/allow", {"a": 3})
post("allow_lax_with_extras", "/allow", {"a": "5", "x": 1.5, "tags": ["t"]})
post("outer_ok", "/outer", {"forbid": {"a": 1}, "allow": {"a": 2, "k": "v"}})
post("outer_nested_extra", "/outer", {"forbid": {"a": 1, "bad": 1}, "allow": {"a": 2, "k": "v"}, "top": 1})
post("outer_nested_errors", "/outer", {"forbid": {"bad": 1, "b": []}, "allow": {"k": "v"}})

# ---------------------------------------------------------------- rename_all / aliases
post("camel_ok", "/camel", {"firstName": "Ann", "lastSeenAt": "3", "tagsList": ["a"], "ID": 7})
post("camel_defaults", "/camel", {"firstName": "Ann"})
post("camel_snake_names_missing", "/camel", {"first_name": "Ann", "last_seen_at": 1, "user_id": 2})
post("camel_bad_types", "/camel", {"firstName": 1, "lastSeenAt": "x", "tagsList": [1], "ID": "y"})
post("aliases_ok", "/aliases", {"xIn": 1, "y": 2, "zz": 3})
post("aliases_wrong_names", "/aliases", {"x": 1, "yOut": 2, "z": 3})
post("aliases_bad", "/aliases", {"xIn": "a", "y": "b", "zz": "c"})
get("aliases_out", "/aliases/out")

# ---------------------------------------------------------------- validators
post("validated_ok", "/validated", {"name": "Ann Lee", "n": 3, "nick": "al"})
post("validated_field_error", "/validated", {"name": "Ann"})
post("validated_two_field_errors", "/validated", {"name": "Ann", "nick": "alice", "n": 2})
post("validated_model_error", "/validated", {"name": "Ann Lee", "n": 11})
post("validated_model_not_run_on_field_error", "/validated", {"name": "Ann", "n": 11})
post("validated_constraint_first", "/validated", {"name": "Ann Lee", "n": -1})
post("validated_type_error_no_validator", "/validated", {"name": 5, "n": "x"})
post("validated_null_nick", "/validated", {"name": "A B", "nick": None})
post("holder_model_error", "/holder", {"inner": {"name": "Ann Lee", "n": 12}})
post("holder_field_error", "/holder", {"inner": {"name": "Ann"}})

# ---------------------------------------------------------------- Literal
post("listing_ok", "/listing", {"order_by": "updated_at", "one": "x"})
post("listing_defaults", "/listing", {})
post("listing_bad", "/listing", {"order_by": "name", "one": "y"})
post("listing_not_string", "/listing", {"order_by": 1, "one": True})
post("listing_null_one", "/listing", {"one": None})
post("listing_orders", "/listing", {"orders": ["updated_at", "created_at"]})
post("listing_orders_bad", "/listing", {"orders": ["updated_at", "name", 3]})
get("listing_query_ok", "/listing?order_by=updated_at&then=created_at")
get("listing_query_default", "/listing")
get("listing_query_bad", "/listing?order_by=zz&then=x")

# ---------------------------------------------------------------- Body - Fields
put("body_fields_ok", "/body-fields/3", {"item": {"name": "Foo", "price": 3.5, "description": "d", "tax": 1}})
put("body_fields_errors", "/body-fields/x", {"item": {"name": "Foo", "price": 0, "description": "d" * 301}})
put("body_fields_not_embedded", "/body-fields/3", {"name": "Foo", "price": 3.5})

# ---------------------------------------------------------------- Declare Request Example Data
put("example_ok", "/items/5", {"name": "Foo", "description": "A very nice Item", "price": 35.4, "tax": 3.2})
put("example_missing", "/items/5", {"description": 1})
put("field_examples_ok", "/field-examples/5", {"name": "Foo", "price": 35.4, "sizes": [1]})
put("field_examples_bad", "/field-examples/5", {"price": "x"})
