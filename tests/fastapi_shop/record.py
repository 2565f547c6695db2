#!/usr/bin/env python3
"""Record the FastAPI twin's answers to one long scripted session.

Usage: python3 tests/fastapi_shop/record.py
Writes tests/fastapi_shop/recorded.json; tests/shop_conformance.rs replays
the same requests, in the same order, against the Rust shop on a fresh
SQLite database and compares status, body and selected headers.

Normalisation: ids are deterministic (fresh database); an access token in a
response body becomes "<token>" and is kept, under the case's `save_token`
name, to be sent as `{token:NAME}` in later requests' headers; `created_at`
becomes "<datetime>" once checked to be an RFC 3339 time; X-Response-Time is
recorded as "<seconds>" once checked to be `\\d+\\.\\d{4}s`.
"""
import json
import os
import re
import sys
import tempfile
import warnings
from importlib.metadata import version
from urllib.parse import urlencode

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
warnings.filterwarnings("ignore", message=".*httpx.*")

from fastapi.testclient import TestClient  # noqa: E402

from app import create_app  # noqa: E402

HEADERS = ("content-type", "www-authenticate", "location", "allow", "vary",
           "access-control-allow-origin", "access-control-allow-credentials",
           "access-control-allow-methods", "access-control-allow-headers",
           "access-control-max-age", "x-response-time")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$")
SECONDS = re.compile(r"^\d+\.\d{4}s$")

CASES = []


def case(name, method, path, headers=None, body=None, json_body=None, form=None, save_token=None):
    headers = dict(headers or {})
    if json_body is not None:
        body = json.dumps(json_body, ensure_ascii=False)
        headers.setdefault("content-type", "application/json")
    if form is not None:
        body = urlencode(form)
        headers.setdefault("content-type", "application/x-www-form-urlencoded")
    c = {"name": name, "method": method, "path": path, "headers": headers, "body": body}
    if save_token:
        c["save_token"] = save_token
    CASES.append(c)


def bearer(who):
    return {"authorization": "Bearer {token:%s}" % who}


ADDRESS = {"street": "1 Main St", "city": "Springfield", "country": "US", "zip_code": "12345"}
KEY = {"x-api-key": "secret-key-123"}
ORIGIN = "http://localhost:3000"


def user(name, email, **extra):
    return {"name": name, "email": email, "age": 30, "password": "password123", **extra}


def order(lines, **extra):
    return {"items": [{"product_id": p, "quantity": q} for p, q in lines],
            "shipping_address": ADDRESS, **extra}


def script():
    case("root", "GET", "/")
    case("root head", "HEAD", "/")
    case("unknown path", "GET", "/nowhere")
    case("case-sensitive path", "GET", "/Users")
    case("users empty list", "GET", "/users")
    # -- registration
    case("register jane", "POST", "/users", json_body=user("Jane", "jane@example.com", bio="hello"))
    case("register bob normalised", "POST", "/users", json_body=user("Bob", "  Bob@EXAMPLE.COM "))
    case("register duplicate", "POST", "/users", json_body=user("Jane 2", "jane@example.com"))
    case("register duplicate other case domain", "POST", "/users", json_body=user("Bob 2", "Bob@Example.Com"))
    case("register other local part case", "POST", "/users", json_body=user("bob", "bob@example.com"))
    case("register idn", "POST", "/users", json_body=user("Jo", "jo@bücher.example"))
    case("register contract 422", "POST", "/users", json_body={"name": "", "email": "x", "age": 200})
    case("register a@b", "POST", "/users", json_body=user("A", "a@b"))
    case("register no local part", "POST", "/users", json_body=user("A", "@example.com"))
    case("register double period", "POST", "/users", json_body=user("A", "a@example..com"))
    case("register long name short password", "POST", "/users",
         json_body={"name": "x" * 101, "email": "a@example.com", "age": -1, "password": "short"})
    case("register long password", "POST", "/users", json_body=user("A", "a@example.com", password="p" * 129))
    case("register age string", "POST", "/users", json_body=user("S", "s1@example.com", age="42"))
    case("register age float whole", "POST", "/users", json_body=user("S", "s2@example.com", age=33.0))
    case("register age true", "POST", "/users", json_body=user("S", "s3@example.com", age=True))
    case("register age string float", "POST", "/users", json_body=user("S", "s4@example.com", age="7.0"))
    case("register age fraction", "POST", "/users", json_body=user("S", "s5@example.com", age=30.5))
    case("register age string fraction", "POST", "/users", json_body=user("S", "s5@example.com", age="2.5"))
    case("register age exponent", "POST", "/users", json_body=user("S", "s5@example.com", age="1e1"))
    case("register age null", "POST", "/users", json_body=user("S", "s5@example.com", age=None))
    case("register name int", "POST", "/users", json_body=user(123, "s5@example.com"))
    case("register name null", "POST", "/users", json_body=user(None, "s5@example.com"))
    case("register unknown field", "POST", "/users", json_body=user("U", "u1@example.com", nickname="u"))
    case("register bio null", "POST", "/users", json_body=user("N", "n1@example.com", bio=None))
    case("register big int", "POST", "/users",
         body='{"name":"A","email":"big@example.com","age":9223372036854775808,"password":"password123"}',
         headers={"content-type": "application/json"})
    case("register text/plain", "POST", "/users", body='{"name":"A"}', headers={"content-type": "text/plain"})
    case("register no content type", "POST", "/users", body='{"name":"A"}')
    case("register array", "POST", "/users", body="[1]", headers={"content-type": "application/json"})
    case("register string body", "POST", "/users", body='"x"', headers={"content-type": "application/json"})
    case("register null body", "POST", "/users", body="null", headers={"content-type": "application/json"})
    case("register empty body", "POST", "/users", body="", headers={"content-type": "application/json"})
    case("register vnd json", "POST", "/users", body='{"name":"A"}',
         headers={"content-type": "application/vnd.api+json"})
    case("register malformed value", "POST", "/users", body='{"name": ', headers={"content-type": "application/json"})
    case("register malformed colon", "POST", "/users", body='{"name" "A"}', headers={"content-type": "application/json"})
    case("register malformed comma", "POST", "/users", body='{"a": 1 "b": 2}', headers={"content-type": "application/json"})
    case("register malformed quotes", "POST", "/users", body="{'a': 1}", headers={"content-type": "application/json"})
    case("register duplicate keys", "POST", "/users",
         body='{"name":"First","name":"Dupkeys","email":"dk@example.com","age":1,"password":"password123"}',
         headers={"content-type": "application/json"})
    # -- reading users
    case("users list", "GET", "/users")
    case("users skip limit", "GET", "/users?skip=1&limit=2")
    case("users skip past end", "GET", "/users?skip=100")
    case("users limit 0", "GET", "/users?limit=0")
    case("users limit 101 skip -1", "GET", "/users?limit=101&skip=-1")
    case("users limit empty", "GET", "/users?limit=")
    case("users limit 2.0", "GET", "/users?limit=2.0")
    case("users limit +1", "GET", "/users?limit=%2B1")
    case("users limit space 1", "GET", "/users?limit=%201")
    case("users limit 1_0", "GET", "/users?limit=1_0")
    case("users limit 2.5", "GET", "/users?limit=2.5")
    case("users limit abc", "GET", "/users?limit=abc")
    case("users repeated limit", "GET", "/users?limit=1&limit=2")
    case("user 1", "GET", "/users/1")
    case("user 2", "GET", "/users/2")
    case("user missing", "GET", "/users/99999")
    case("user abc", "GET", "/users/abc")
    case("user negative", "GET", "/users/-1")
    case("user trailing slash", "GET", "/users/1/")
    case("users trailing slash query", "GET", "/users/?skip=1&limit=5")
    case("user encoded slash", "GET", "/users%2F1")
    # -- auth
    case("login jane", "POST", "/auth/token", form={"username": "jane@example.com", "password": "password123"},
         save_token="jane")
    case("login bob as typed", "POST", "/auth/token", form={"username": "Bob@EXAMPLE.COM", "password": "password123"},
         save_token="bob")
    case("login wrong password", "POST", "/auth/token", form={"username": "jane@example.com", "password": "nope-nope"})
    case("login unknown", "POST", "/auth/token", form={"username": "nobody@example.com", "password": "password123"})
    case("login not an email", "POST", "/auth/token", form={"username": "jane", "password": "password123"})
    case("login missing both", "POST", "/auth/token", body="", headers={"content-type": "application/x-www-form-urlencoded"})
    case("login empty password", "POST", "/auth/token", form={"username": "jane@example.com", "password": ""})
    case("login missing username", "POST", "/auth/token", form={"password": "password123"})
    case("login bad grant type", "POST", "/auth/token",
         form={"grant_type": "client_credentials", "username": "jane@example.com", "password": "password123"})
    case("login all fields", "POST", "/auth/token",
         form={"grant_type": "password", "username": "jane@example.com", "password": "password123",
               "scope": "me items", "client_id": "c", "client_secret": "s"})
    case("login json body", "POST", "/auth/token",
         json_body={"username": "jane@example.com", "password": "password123"})
    case("login multipart", "POST", "/auth/token",
         body=("--XyZ\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\njane@example.com\r\n"
               "--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\npassword123\r\n--XyZ--\r\n"),
         headers={"content-type": "multipart/form-data; boundary=XyZ"})
    case("login get", "GET", "/auth/token")
    # -- /users/me
    case("me", "GET", "/users/me", headers=bearer("jane"))
    case("me bob", "GET", "/users/me", headers=bearer("bob"))
    case("me no header", "GET", "/users/me")
    case("me basic", "GET", "/users/me", headers={"authorization": "Basic {token:jane}"})
    case("me bare token", "GET", "/users/me", headers={"authorization": "{token:jane}"})
    case("me bearer empty", "GET", "/users/me", headers={"authorization": "Bearer"})
    case("me bearer garbage", "GET", "/users/me", headers={"authorization": "Bearer garbage"})
    case("me bad signature", "GET", "/users/me", headers={"authorization": "Bearer {token:jane}x"})
    case("me lowercase scheme", "GET", "/users/me", headers={"authorization": "bearer {token:jane}"})
    case("me uppercase scheme", "GET", "/users/me", headers={"authorization": "BEARER {token:jane}"})
    # -- items
    case("item without token", "POST", "/items", json_body={"name": "Widget", "price": 1})
    case("item without token invalid body", "POST", "/items", json_body={"name": ""})
    case("item without token malformed", "POST", "/items", body='{"name": ', headers={"content-type": "application/json"})
    case("item bad token invalid body", "POST", "/items", json_body={}, headers={"authorization": "Bearer nope"})
    case("item create widget", "POST", "/items", json_body={"name": "Blue Widget", "price": 9.99}, headers=bearer("jane"))
    case("item create gadget", "POST", "/items",
         json_body={"name": "Gadget", "description": "A gadget", "price": 5, "stock": 3}, headers=bearer("jane"))
    case("item create dime", "POST", "/items", json_body={"name": "Dime", "price": 0.1, "stock": 10}, headers=bearer("jane"))
    case("item create few", "POST", "/items", json_body={"name": "widget mini", "price": 2.5, "stock": 1}, headers=bearer("bob"))
    case("item create percent", "POST", "/items", json_body={"name": "100% cotton", "price": "2.50", "stock": 5}, headers=bearer("jane"))
    case("item create underscore", "POST", "/items", json_body={"name": "under_score", "price": True, "stock": 5}, headers=bearer("jane"))
    case("item create underx", "POST", "/items", json_body={"name": "underXscore", "price": 1.5, "stock": "5"}, headers=bearer("jane"))
    case("item create unicode", "POST", "/items", json_body={"name": "Ÿ-WIDGET", "price": 3, "stock": 2}, headers=bearer("jane"))
    case("item invalid", "POST", "/items", json_body={"name": "", "price": 0, "stock": -1}, headers=bearer("jane"))
    case("item price null", "POST", "/items", json_body={"name": "X", "price": None}, headers=bearer("jane"))
    case("item missing fields", "POST", "/items", json_body={}, headers=bearer("jane"))
    case("item 1", "GET", "/items/1")
    case("item 0", "GET", "/items/0")
    case("item abc", "GET", "/items/abc")
    case("item missing", "GET", "/items/99")
    case("item 2.0 path", "GET", "/items/2.0")
    case("items list", "GET", "/items")
    case("items page", "GET", "/items?skip=1&limit=2")
    case("items search widget", "GET", "/items?search=widget")
    case("items search mixed case page", "GET", "/items?search=WiDgEt&skip=1&limit=1")
    case("items search percent", "GET", "/items?search=%25")
    case("items search underscore", "GET", "/items?search=_")
    case("items search r_s", "GET", "/items?search=r_s")
    case("items search percent prefix", "GET", "/items?search=%25cotton")
    case("items search unicode fold", "GET", "/items?search=%C3%BF")
    case("items search nothing", "GET", "/items?search=nothing")
    case("items search empty", "GET", "/items?search=")
    case("items limit 0", "GET", "/items?limit=0")
    case("item delete no token", "DELETE", "/items/2")
    case("item delete", "DELETE", "/items/2", headers=bearer("jane"))
    case("item removed", "GET", "/items/2")
    case("item delete again", "DELETE", "/items/2", headers=bearer("bob"))
    case("item delete unknown", "DELETE", "/items/99", headers=bearer("jane"))
    case("item delete 0", "DELETE", "/items/0", headers=bearer("jane"))
    case("item delete abc", "DELETE", "/items/abc", headers=bearer("jane"))
    case("items list after delete", "GET", "/items")
    case("items post wrong method on id", "POST", "/items/1")
    # -- orders
    case("order no token", "GET", "/orders")
    case("order no token invalid body", "POST", "/orders", json_body={"items": []})
    case("order dimes", "POST", "/orders", json_body=order([(3, 3)]), headers=bearer("jane"))
    case("order two lines notes", "POST", "/orders",
         json_body=order([(3, 2), (8, 1)], notes="ring twice"), headers=bearer("jane"))
    case("order unknown product", "POST", "/orders", json_body=order([(70, 1)]), headers=bearer("jane"))
    case("order removed product", "POST", "/orders", json_body=order([(2, 1)]), headers=bearer("jane"))
    case("order short stock", "POST", "/orders", json_body=order([(4, 2)]), headers=bearer("jane"))
    case("order short then unknown", "POST", "/orders", json_body=order([(4, 5), (99, 1)]), headers=bearer("jane"))
    case("order unknown then short", "POST", "/orders", json_body=order([(99, 1), (4, 5)]), headers=bearer("jane"))
    case("order cumulative over", "POST", "/orders", json_body=order([(5, 3), (5, 3)]), headers=bearer("jane"))
    case("order rollback", "POST", "/orders", json_body=order([(6, 4), (5, 6)]), headers=bearer("jane"))
    case("stock after rollback 5", "GET", "/items/5")
    case("stock after rollback 6", "GET", "/items/6")
    case("order cumulative exact", "POST", "/orders", json_body=order([(5, 2), (5, 3)]), headers=bearer("bob"))
    case("stock 5 empty", "GET", "/items/5")
    case("order sold out", "POST", "/orders", json_body=order([(5, 1)]), headers=bearer("bob"))
    case("order empty items", "POST", "/orders",
         json_body={"items": [], "shipping_address": ADDRESS}, headers=bearer("jane"))
    case("order nested errors", "POST", "/orders",
         json_body={"items": [{"product_id": 0, "quantity": 0}, {"product_id": "x"}],
                    "shipping_address": {"street": "s"}}, headers=bearer("jane"))
    case("order missing everything", "POST", "/orders", json_body={}, headers=bearer("jane"))
    case("order lax quantity", "POST", "/orders", json_body=order([(3, "1")]), headers=bearer("jane"))
    case("order quantity float", "POST", "/orders", json_body=order([(1, 1.5)]), headers=bearer("jane"))
    case("orders jane", "GET", "/orders", headers=bearer("jane"))
    case("orders bob", "GET", "/orders", headers=bearer("bob"))
    case("order 1 jane", "GET", "/orders/1", headers=bearer("jane"))
    case("order 1 bob", "GET", "/orders/1", headers=bearer("bob"))
    case("order missing", "GET", "/orders/99", headers=bearer("jane"))
    case("order abc", "GET", "/orders/abc", headers=bearer("jane"))
    case("dime stock", "GET", "/items/3")
    # -- admin
    case("stats", "GET", "/admin/stats", headers={**KEY, **bearer("jane")})
    case("stats wrong key no token", "GET", "/admin/stats", headers={"x-api-key": "nope"})
    case("stats no key no token", "GET", "/admin/stats")
    case("stats token no key", "GET", "/admin/stats", headers=bearer("jane"))
    case("stats empty key", "GET", "/admin/stats", headers={"x-api-key": "", **bearer("jane")})
    case("stats key bad token", "GET", "/admin/stats", headers={**KEY, "authorization": "Bearer x"})
    case("stats key no token", "GET", "/admin/stats", headers=KEY)
    # -- HTTP details
    case("users put", "PUT", "/users")
    case("root delete", "DELETE", "/")
    case("users head", "HEAD", "/users")
    # -- CORS
    pre = {"origin": ORIGIN, "access-control-request-method": "POST",
           "access-control-request-headers": "content-type,authorization"}
    case("preflight", "OPTIONS", "/users", headers=pre)
    case("preflight any path", "OPTIONS", "/no/such/path",
         headers={"origin": ORIGIN, "access-control-request-method": "GET"})
    case("preflight other origin", "OPTIONS", "/users",
         headers={"origin": "http://evil.example", "access-control-request-method": "POST"})
    case("preflight origin trailing slash", "OPTIONS", "/users",
         headers={"origin": ORIGIN + "/", "access-control-request-method": "POST"})
    case("preflight method not listed", "OPTIONS", "/users",
         headers={"origin": ORIGIN, "access-control-request-method": "TRACE"})
    case("simple request allowed origin", "GET", "/", headers={"origin": ORIGIN})
    case("simple request other origin", "GET", "/", headers={"origin": "http://evil.example"})
    case("simple request with credentials", "GET", "/users/me", headers={"origin": ORIGIN, **bearer("jane")})
    case("error with origin", "GET", "/items/99", headers={"origin": ORIGIN})
    case("final users", "GET", "/users?limit=100")
    case("final items", "GET", "/items?limit=100")


def normalise(value, tokens, save):
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "created_at" and isinstance(v, str):
                assert DATETIME.match(v), v
                out[k] = "<datetime>"
            elif k == "access_token" and isinstance(v, str):
                if save:
                    tokens[save] = v
                out[k] = "<token>"
            else:
                out[k] = normalise(v, tokens, save)
        return out
    if isinstance(value, list):
        return [normalise(v, tokens, save) for v in value]
    return value


def main():
    script()
    versions = {p: version(p) for p in ("fastapi", "pydantic", "pydantic-core", "starlette", "email-validator")}
    versions["python"] = sys.version.split()[0]
    tokens = {}
    out = []
    names = set()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(os.path.join(tmp, "shop.db"))
        with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
            for c in CASES:
                assert c["name"] not in names, c["name"]
                names.add(c["name"])
                headers = {k: re.sub(r"\{token:(\w+)\}", lambda m: tokens[m.group(1)], v)
                           for k, v in c["headers"].items()}
                body = c["body"]
                resp = client.request(c["method"], c["path"], headers=headers,
                                      content=body.encode() if body is not None else None)
                rec = {"status": resp.status_code, "headers": {}}
                for h in HEADERS:
                    if h in resp.headers:
                        v = resp.headers[h]
                        if h == "x-response-time":
                            assert SECONDS.match(v), v
                            v = "<seconds>"
                        rec["headers"][h] = v
                try:
                    rec["json"] = normalise(resp.json(), tokens, c.get("save_token"))
                except ValueError:
                    rec["text"] = resp.text
                out.append({**c, "response": rec})
        openapi = app.openapi()
    doc = {"versions": versions, "openapi": openapi, "cases": out}
    with open(os.path.join(HERE, "recorded.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"recorded {len(out)} requests")


if __name__ == "__main__":
    main()
