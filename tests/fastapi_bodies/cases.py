"""The requests recorded from tests/fastapi_bodies/app.py (see record.py)."""
import json

JSON = {"content-type": "application/json"}
MP = "multipart/form-data; boundary=X"
CASES = []


def j(obj):
    return json.dumps(obj, separators=(",", ":"))


def case(name, method, path, headers=None, body=None):
    CASES.append({"name": name, "method": method, "path": path, "headers": headers or {}, "body": body})


def put(name, path, obj=None, raw=None):
    body = raw if raw is not None else (None if obj is None else j(obj))
    case(name, "PUT", path, dict(JSON) if body is not None else {}, body)


def post(name, path, obj=None, raw=None):
    body = raw if raw is not None else (None if obj is None else j(obj))
    case(name, "POST", path, dict(JSON) if body is not None else {}, body)


def part(name, value, filename=None):
    disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    return f"--X\r\nContent-Disposition: {disp}\r\n\r\n{value}\r\n"


def multipart(name, path, *parts):
    case(name, "POST", path, {"content-type": MP}, "".join(parts) + "--X--\r\n")


ITEM = {"name": "Foo", "description": "The pretender", "price": 42.0, "tax": 3.2}
USER = {"username": "dave", "full_name": "Dave Grohl"}

# tutorial001
put("t1_no_body", "/t1/items/5")
put("t1_query", "/t1/items/5?q=bar")
put("t1_item", "/t1/items/5?q=bar", ITEM)
put("t1_item_bad", "/t1/items/5", {"name": "Foo"})
put("t1_path_over", "/t1/items/1001", ITEM)
put("t1_null", "/t1/items/5", raw="null")

# tutorial002
put("t2_ok", "/t2/items/5", {"item": ITEM, "user": USER})
put("t2_no_body", "/t2/items/5")
put("t2_empty_object", "/t2/items/5", {})
put("t2_only_item", "/t2/items/5", {"item": ITEM})
put("t2_list_body", "/t2/items/5", [ITEM, USER])
put("t2_string_body", "/t2/items/5", "item")
put("t2_number_body", "/t2/items/5", 3)
put("t2_null_body", "/t2/items/5", raw="null")
put("t2_null_item", "/t2/items/5", {"item": None, "user": USER})
put("t2_item_not_object", "/t2/items/5", {"item": [1], "user": "dave"})
put("t2_field_errors", "/t2/items/5", {"item": {"name": 1, "price": "x"}, "user": {}})
put("t2_extra_keys", "/t2/items/5", {"item": ITEM, "user": USER, "other": 1})
put("t2_broken_json", "/t2/items/5", raw='{"item": ')
put("t2_path_and_body_bad", "/t2/items/x", {"user": USER})
case("t2_not_json", "PUT", "/t2/items/5", {"content-type": "text/plain"}, j({"item": ITEM, "user": USER}))

# tutorial003
put("t3_ok", "/t3/items/5", {"item": ITEM, "user": USER, "importance": 5})
put("t3_importance_string", "/t3/items/5", {"item": ITEM, "user": USER, "importance": "5"})
put("t3_importance_bad", "/t3/items/5", {"item": ITEM, "user": USER, "importance": "high"})
put("t3_importance_missing", "/t3/items/5", {"item": ITEM, "user": USER})
put("t3_importance_null", "/t3/items/5", {"item": ITEM, "user": USER, "importance": None})
put("t3_no_body", "/t3/items/5")

# tutorial004
put("t4_ok", "/t4/items/5?q=hi", {"item": ITEM, "user": USER, "importance": 5})
put("t4_importance_zero", "/t4/items/5", {"item": ITEM, "user": USER, "importance": 0})
put("t4_all_bad", "/t4/items/x?q=", {"item": {}, "user": 1, "importance": -1})

# tutorial005
put("t5_ok", "/t5/items/5", {"item": ITEM})
put("t5_not_embedded", "/t5/items/5", ITEM)
put("t5_no_body", "/t5/items/5")
put("t5_item_bad", "/t5/items/5", {"item": {"price": "p"}})

# a singular value alone
post("single_ok", "/single", 5)
post("single_string", "/single", "7")
post("single_zero", "/single", 0)
post("single_object", "/single", {"importance": 5})
post("single_missing", "/single")

# embedded values with defaults and an alias
post("embedded_defaults", "/embedded-default", {})
post("embedded_alias", "/embedded-default", {"n": 9, "note": "x"})
post("embedded_by_name", "/embedded-default", {"count": 9})
post("embedded_bad", "/embedded-default", {"n": "many", "note": 3})
post("embedded_no_body", "/embedded-default")
post("embedded_list", "/embedded-default", [1])

# list and dict
post("collections_ok", "/collections", {"tags": ["a", "b"], "weights": {"x": 1, "y": 2.5}})
post("collections_bad", "/collections", {"tags": "a", "weights": {"x": "heavy"}})
post("collections_missing", "/collections", {})

# File() as bytes
multipart("file_bytes", "/files/", part("file", "hello world", "a.txt"))
multipart("file_bytes_field", "/files/", part("file", "hello"))
multipart("file_bytes_missing", "/files/", part("other", "x"))
case("file_bytes_no_body", "POST", "/files/")
multipart("uploadfile_ok", "/uploadfile/", part("file", "hello", "a.txt"))
multipart("uploadfile_missing", "/uploadfile/", part("other", "x"))

# declaration order of form and file errors
multipart("mixed_ok", "/mixed", part("first", "1"), part("upload", "abc", "u.bin"), part("second", "2"))
multipart("mixed_all_missing", "/mixed", part("other", "x"))
multipart("mixed_bad_fields", "/mixed", part("first", "a"), part("second", "b"))
multipart("mixed_optional", "/mixed", part("first", "1"), part("upload", "abc", "u.bin"),
          part("second", "2"), part("optional", "12345", "o.bin"))
