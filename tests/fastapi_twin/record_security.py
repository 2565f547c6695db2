#!/usr/bin/env python3
"""Record FastAPI's real answers for the security twin (security_app.py) into security.json.

Writes {"versions", "cases", "basic_fuzz", "openapi"}:
- cases: every request of CASES below, in record.py's format ({name, request, response},
  response headers limited to `www-authenticate`);
- basic_fuzz: `Authorization: Basic <s>` for deterministic pseudo-random <s> sent to
  /basic (Python's lenient base64 decoding, ASCII check and ':' split), as
  {header, status, json};
- openapi: FastAPI's components.securitySchemes, each operation's `security`
  (null when absent) and the form body component of /auth/token.

Needs python-multipart (OAuth2PasswordRequestForm). Deterministic.
Usage: python3 tests/fastapi_twin/record_security.py
"""
import base64
import json
import os
import random
import sys
import warnings
from importlib.metadata import version

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
warnings.filterwarnings("ignore", message=".*httpx.*")

from fastapi.testclient import TestClient  # noqa: E402

from security_app import app  # noqa: E402

FORM = {"content-type": "application/x-www-form-urlencoded"}
CASES = []


def case(name, method, path, headers=None, body=None):
    CASES.append({"name": name, "method": method, "path": path,
                  "headers": dict(headers or {}), "body": body})


def auth(name, path, value):
    case(name, "GET", path, None if value is None else {"authorization": value})


AUTH_VALUES = [
    ("none", None), ("bearer", "Bearer abc"), ("bearer_lower", "bearer abc"),
    ("bearer_upper", "BEARER abc"), ("bearer_no_token", "Bearer"),
    ("bearer_trailing_space", "Bearer "), ("bearer_padded", "Bearer   abc  "),
    ("bearer_two_words", "Bearer a b"), ("bearer_tab", "Bearer\tabc"),
    ("bare_token", "abc"), ("empty", ""), ("basic", "Basic abc"), ("token_scheme", "Token abc"),
]
for n, v in AUTH_VALUES:
    auth(f"oauth2_{n}", "/oauth2/me", v)
for n, v in [("none", None), ("basic", "Basic x"), ("bearer_no_token", "Bearer"), ("bearer", "Bearer t")]:
    auth(f"oauth2_optional_{n}", "/oauth2/optional", v)
auth("oauth2_scoped_none", "/oauth2/scoped", None)
auth("oauth2_scoped_ok", "/oauth2/scoped", "Bearer s")
auth("nested_none", "/users/me", None)
auth("nested_bad_scheme", "/users/me", "Basic good")
auth("nested_wrong_token", "/users/me", "Bearer bad")
auth("nested_ok", "/users/me", "Bearer good")
case("with_query_no_token_no_n", "GET", "/oauth2/with-query")
case("with_query_token_no_n", "GET", "/oauth2/with-query", {"authorization": "Bearer x"})
case("with_query_ok", "GET", "/oauth2/with-query?n=3", {"authorization": "Bearer x"})

for n, v in AUTH_VALUES:
    auth(f"bearer_{n}", "/bearer", v)
    auth(f"bearer_optional_{n}", "/bearer/optional", v)

BASIC_VALUES = [
    ("none", None), ("ok", "Basic dXNlcjpwYXNz"), ("lower", "basic dXNlcjpwYXNz"),
    ("upper", "BASIC dXNlcjpwYXNz"), ("junk_inside", "Basic dXNl!cjpwYXNz"),
    ("colon_in_password", "Basic " + base64.b64encode(b"u:p:w").decode()),
    ("empty_user_password", "Basic Og=="), ("no_colon", "Basic dXNlcg=="),
    ("bad_padding", "Basic dXNlcjpwYXN"), ("invalid_base64", "Basic !!!"),
    ("no_param", "Basic"), ("bearer", "Bearer x"), ("bare", "dXNlcjpwYXNz"),
    ("non_ascii_decoded", "Basic " + base64.b64encode("é:p".encode()).decode()),
    ("empty", ""),
]
for n, v in BASIC_VALUES:
    auth(f"basic_{n}", "/basic", v)
    auth(f"basic_realm_{n}", "/basic/realm", v)
    auth(f"basic_optional_{n}", "/basic/optional", v)

case("key_header_none", "GET", "/key/header")
case("key_header_empty", "GET", "/key/header", {"x-api-key": ""})
case("key_header_ok", "GET", "/key/header", {"x-api-key": "k1"})
case("key_header_mixed_case", "GET", "/key/header", {"X-API-KEY": "K"})
case("key_header_underscore", "GET", "/key/header", {"x_api_key": "k"})
case("key_query_none", "GET", "/key/query")
case("key_query_empty", "GET", "/key/query?api_key=")
case("key_query_ok", "GET", "/key/query?api_key=q1")
case("key_query_repeated", "GET", "/key/query?api_key=a&api_key=b")
case("key_query_encoded", "GET", "/key/query?api_key=a%20b%2B")
case("key_cookie_none", "GET", "/key/cookie")
case("key_cookie_other", "GET", "/key/cookie", {"cookie": "other=x"})
case("key_cookie_empty", "GET", "/key/cookie", {"cookie": "session="})
case("key_cookie_ok", "GET", "/key/cookie", {"cookie": "a=1; session=abc"})
case("key_optional_none", "GET", "/key/optional")
case("key_optional_empty", "GET", "/key/optional", {"x-api-key": ""})
case("key_optional_ok", "GET", "/key/optional", {"x-api-key": "k"})
case("multi_none", "GET", "/multi")
case("multi_key_only", "GET", "/multi", {"x-api-key": "k"})
case("multi_bearer_only", "GET", "/multi", {"authorization": "Bearer t"})
case("multi_ok", "GET", "/multi", {"authorization": "Bearer t", "x-api-key": "k"})
case("admin_none", "GET", "/admin/stats")
case("admin_ok", "GET", "/admin/stats", {"x-api-key": "k"})

FORM_BODIES = [
    ("empty", ""), ("ok", "username=a&password=b"), ("empty_values", "username=&password="),
    ("bad_grant_type", "grant_type=pw&username=a&password=b"),
    ("grant_type_newline", "grant_type=password%0A&username=u&password=p"),
    ("all_fields", "grant_type=password&username=u&password=p&scope=me%20items++x&client_id=c&client_secret=s"),
    ("empty_optionals", "grant_type=&username=a&password=b&scope=&client_id=&client_secret="),
    ("scope_whitespace", "scope=%09a%0bb%1cc%20&username=a&password=b"),
    ("repeated", "username=a&username=b&password=c"),
    ("repeated_last_empty", "username=a&username=&password=c"),
    ("semicolon", "username=a;password=b"), ("no_equals", "username&password=b"),
    ("bad_percent", "username=a%2&password=%ZZ"), ("plus", "username=a+b&password=%2B"),
    ("utf8", "username=%C3%A9&password=%E9"), ("value_with_equals", "username=a=b&password=c"),
    ("only_scope", "scope=x"),
    ("bad_grant_and_missing", "grant_type=client_credentials"),
]
for n, b in FORM_BODIES:
    case(f"form_{n}", "POST", "/auth/token", FORM, b)
case("form_charset", "POST", "/auth/token",
     {"content-type": "Application/X-WWW-Form-Urlencoded; charset=utf-8"}, "username=a&password=b")
case("form_json_content_type", "POST", "/auth/token", {"content-type": "application/json"},
     '{"username": "a", "password": "b"}')
case("form_no_content_type", "POST", "/auth/token", {}, "username=a&password=b")
case("form_multipart", "POST", "/auth/token",
     {"content-type": "multipart/form-data; boundary=XyZ"},
     '--XyZ\r\nContent-Disposition: form-data; name="username"\r\n\r\nada\r\n'
     '--XyZ\r\nContent-Disposition: form-data; name="password"\r\n\r\np:w d\r\n'
     '--XyZ\r\nContent-Disposition: form-data; name="scope"\r\n\r\nme items\r\n--XyZ--\r\n')
case("form_multipart_missing_password", "POST", "/auth/token",
     {"content-type": 'multipart/form-data; boundary="XyZ"'},
     '--XyZ\r\nContent-Disposition: form-data; name="username"\r\n\r\nada\r\n--XyZ--\r\n')


def basic_fuzz_values():
    rnd = random.Random(20240611)
    alphabet = "ABCDQRabcdxy0189+/=!-_ :."
    out = []
    for _ in range(150):
        out.append("".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14))))
    for _ in range(150):
        raw = bytes(rnd.choice(b"ab:\xe9 ") for _ in range(rnd.randint(0, 9)))
        s = list(base64.b64encode(raw).decode())
        for _ in range(rnd.randint(0, 2)):
            op = rnd.randint(0, 2)
            pos = rnd.randint(0, len(s))
            if op == 0 and s:
                del s[min(pos, len(s) - 1)]
            else:
                s.insert(pos, rnd.choice("=!-"))
        out.append("".join(s))
    return out


def main():
    versions = {p: version(p) for p in
                ("fastapi", "pydantic", "pydantic-core", "starlette", "python-multipart")}
    versions["python"] = sys.version.split()[0]
    out_cases = []
    names = set()
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        for c in CASES:
            assert c["name"] not in names, c["name"]
            names.add(c["name"])
            raw = None if c["body"] is None else c["body"].encode("utf-8")
            resp = client.request(c["method"], c["path"], headers=c["headers"], content=raw)
            out_cases.append({
                "name": c["name"],
                "request": {"method": c["method"], "path": c["path"], "headers": c["headers"],
                            "body": c["body"]},
                "response": {
                    "status": resp.status_code,
                    "content_type": resp.headers.get("content-type"),
                    "headers": {h: resp.headers[h] for h in ("www-authenticate",)
                                if h in resp.headers},
                    "json": json.loads(resp.content),
                },
            })
        fuzz = []
        for s in basic_fuzz_values():
            header = "Basic " + s
            resp = client.get("/basic", headers={"authorization": header})
            fuzz.append({"header": header, "status": resp.status_code, "json": resp.json()})
    app.openapi_schema = None
    doc = app.openapi()
    security = {path: {m: op.get("security") for m, op in item.items()}
                for path, item in doc["paths"].items()}
    openapi = {
        "securitySchemes": doc["components"]["securitySchemes"],
        "security": security,
        "login_request_body": doc["paths"]["/auth/token"]["post"]["requestBody"],
        "login_body_schema": doc["components"]["schemas"]["Body_login_auth_token_post"],
    }
    dest = os.path.join(HERE, "security.json")
    with open(dest, "w", encoding="utf-8") as f:
        json.dump({"versions": versions, "cases": out_cases, "basic_fuzz": fuzz,
                   "openapi": openapi}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(out_cases)} cases and {len(fuzz)} basic-auth fuzz cases to {dest}")


if __name__ == "__main__":
    main()
