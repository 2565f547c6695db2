"""The requests recorded from tests/fastapi_errors/app.py (see record.py)."""
import json

CASES = []


def case(name, method, path, headers=None, body=None):
    CASES.append({"name": name, "method": method, "path": path, "headers": headers or {}, "body": body})


JSON = {"content-type": "application/json"}
case("ok", "POST", "/items/", JSON, json.dumps({"title": "towel", "size": 1}))
case("size_text", "POST", "/items/", JSON, json.dumps({"title": "towel", "size": "XL"}))
case("not_object", "POST", "/items/", JSON, "[1, 2]")
case("broken_json", "POST", "/items/", JSON, '{"title": ')
case("no_body", "POST", "/items/")
case("text_body", "POST", "/items/", {"content-type": "text/plain"}, "hello")
case("query_only", "GET", "/query?size=x")
case("form_bad", "POST", "/form", {"content-type": "application/x-www-form-urlencoded"}, "title=t&size=x")
