"""The requests recorded from each app of tests/fastapi_models (see record.py),
in order: the apps that store items see the earlier requests' changes."""
import json

JSON = {"content-type": "application/json"}


def j(obj):
    return json.dumps(obj, separators=(",", ":"))


def req(name, method, path, obj=None):
    if obj is None:
        return {"name": name, "method": method, "path": path, "headers": {}, "body": None}
    return {"name": name, "method": method, "path": path, "headers": dict(JSON), "body": j(obj)}


def reads(prefix, path="/items/{}"):
    return [req(f"{prefix}_get_{k}", "GET", path.format(k)) for k in ("foo", "bar", "baz")]


CASES = {
    "body_updates_tutorial001": reads("before") + [
        req("put_bar", "PUT", "/items/bar", {"name": "Barz", "price": 3, "description": None}),
        req("put_foo_empty", "PUT", "/items/foo", {}),
        req("put_new", "PUT", "/items/new", {"name": "New", "tags": ["a", "b"], "tax": 1}),
        req("put_invalid", "PUT", "/items/baz", {"price": "x", "tags": "a"}),
        req("put_not_object", "PUT", "/items/baz", [1]),
    ] + reads("after") + [req("after_get_new", "GET", "/items/new")],
    "body_updates_tutorial002": reads("before") + [
        req("patch_bar_null", "PATCH", "/items/bar", {"description": None}),
        req("patch_foo", "PATCH", "/items/foo", {"tax": 12, "tags": ["x"]}),
        req("patch_baz_empty", "PATCH", "/items/baz", {}),
        req("patch_foo_name_null", "PATCH", "/items/foo", {"name": None, "price": "7.5"}),
        req("patch_invalid", "PATCH", "/items/foo", {"price": "x"}),
        req("patch_extra_key", "PATCH", "/items/baz", {"other": 1, "tax": 0}),
    ] + reads("after"),
    "response_model_tutorial001": [
        req("create", "POST", "/items/", {"name": "Foo", "price": 42}),
        req("create_full", "POST", "/items/", {"name": "Foo", "description": "d", "price": 1.5, "tax": None, "tags": ["a"]}),
        req("create_invalid", "POST", "/items/", {"name": "Foo"}),
        req("list", "GET", "/items/"),
    ],
    "response_model_tutorial002": [
        req("create", "POST", "/user/", {"username": "john", "password": "secret", "email": "john@example.com"}),
        req("create_bad_email", "POST", "/user/", {"username": "john", "password": "secret", "email": "john"}),
    ],
    "response_model_tutorial003": [
        req("create", "POST", "/user/", {"username": "john", "password": "secret", "email": "john@example.com", "full_name": "John Doe"}),
        req("create_missing", "POST", "/user/", {"username": "john"}),
    ],
    "response_model_tutorial004": reads("get"),
    "response_model_tutorial005": reads("name", "/items/{}/name") + reads("public", "/items/{}/public"),
    "response_model_tutorial006": reads("name", "/items/{}/name") + reads("public", "/items/{}/public"),
    "extra_models_tutorial001": [
        req("create", "POST", "/user/", {"username": "john", "password": "secret", "email": "john@example.com"}),
        req("create_invalid", "POST", "/user/", {"username": "john", "password": 1, "email": "x"}),
    ],
    "extra_models_tutorial002": [
        req("create", "POST", "/user/", {"username": "john", "password": "secret", "email": "john@example.com", "full_name": None}),
        req("create_invalid", "POST", "/user/", {"email": "john@example.com"}),
    ],
    "dump_options": reads("unset", "/unset/{}") + reads("defaults", "/defaults/{}") + reads("none", "/none/{}") + [
        req("all", "GET", "/all"),
        req("echo_min", "POST", "/echo", {"name": "A"}),
        req("echo_null", "POST", "/echo", {"name": "A", "description": None, "image": {"url": "u", "name": None}}),
        req("echo_nested_unset", "POST", "/echo", {"name": "A", "image": {"url": "u"}, "tags": []}),
        req("echo_none", "POST", "/echo/none", {"name": "A", "description": None, "price": 3, "image": {"url": "u", "name": None}}),
    ],
}
