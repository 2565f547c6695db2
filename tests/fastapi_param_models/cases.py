"""The requests recorded from tests/fastapi_param_models/app.py (see record.py)."""
from urllib.parse import urlencode

FORM = {"content-type": "application/x-www-form-urlencoded"}
CASES = []


def case(name, method, path, headers=None, body=None):
    CASES.append({"name": name, "method": method, "path": path, "headers": headers or {}, "body": body})


# What httpx sends by default, written out so that the replay sends the same.
DEFAULT_HEADERS = {"host": "testserver", "accept": "*/*", "accept-encoding": "gzip, deflate",
                   "connection": "keep-alive", "user-agent": "testclient"}


def get(name, path, headers=None):
    case(name, "GET", path, headers)


def get_headers(name, path, headers=None):
    case(name, "GET", path, {**DEFAULT_HEADERS, **(headers or {})})


for prefix in ("query", "query-forbid"):
    p = f"/{prefix}/items/"
    get(f"{prefix}_defaults", p)
    get(f"{prefix}_given", p + "?limit=10&offset=5&order_by=updated_at&tags=a&tags=b")
    get(f"{prefix}_bad", p + "?limit=0&offset=-1&order_by=name&tags=a")
    get(f"{prefix}_not_numbers", p + "?limit=x&offset=1.5")
    get(f"{prefix}_extra", p + "?limit=5&tool=plumbus&other=1&other=2")
    get(f"{prefix}_extra_and_bad", p + "?tool=plumbus&limit=500")
    get(f"{prefix}_empty_values", p + "?limit=&tags=")

for prefix in ("header", "header-forbid", "header-underscores"):
    p = f"/{prefix}/items/"
    get_headers(f"{prefix}_ok", p, {"save-data": "true", "if-modified-since": "yesterday",
                            "traceparent": "123", "x-tag": "a, b"})
    get_headers(f"{prefix}_underscored", p, {"save_data": "1", "x_tag": "q"})
    get_headers(f"{prefix}_missing", p)
    get_headers(f"{prefix}_bad", p, {"save-data": "maybe"})
    get_headers(f"{prefix}_extra", p, {"save-data": "no", "tool": "plumbus"})

for prefix in ("cookie", "cookie-forbid"):
    p = f"/{prefix}/items/"
    get(f"{prefix}_ok", p, {"cookie": "session_id=abc; fatebook_tracker=f"})
    get(f"{prefix}_missing", p)
    get(f"{prefix}_extra", p, {"cookie": "session_id=abc; santa_tracker=good-list"})

for prefix in ("form", "form-forbid"):
    p = f"/{prefix}/login/"
    case(f"{prefix}_ok", "POST", p, FORM, urlencode({"username": "johndoe", "password": "secret"}))
    case(f"{prefix}_missing", "POST", p, FORM, urlencode({"username": "johndoe"}))
    case(f"{prefix}_no_body", "POST", p)
    case(f"{prefix}_extra", "POST", p, FORM,
         urlencode({"username": "johndoe", "password": "secret", "extra": "x"}))
