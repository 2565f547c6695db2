"""Cookies, the request and the response parameter: FastAPI's "Response Cookies",
"Response Headers", "Response - Change Status Code" and "Using the Request
Directly" pages, plus every option of Starlette's set_cookie/delete_cookie on
every response type."""
from datetime import datetime, timezone

from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel
from fastapi.responses import (HTMLResponse, JSONResponse, PlainTextResponse,
                               RedirectResponse, Response, StreamingResponse)

app = FastAPI(title="Request and response")


# ---- cookies: Starlette's set_cookie / delete_cookie, every option ----

def cookie_response(**kwargs):
    r = JSONResponse({"ok": True})
    r.set_cookie(**kwargs)
    return r


@app.get("/cookies/default")
def cookie_default():
    return cookie_response(key="session", value="abc")


@app.get("/cookies/empty")
def cookie_empty():
    return cookie_response(key="session")


@app.get("/cookies/all")
def cookie_all():
    return cookie_response(key="session", value="abc", max_age=3600,
                           expires=datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
                           path="/sub", domain="example.com", secure=True, httponly=True,
                           samesite="strict")


@app.get("/cookies/expires-text")
def cookie_expires_text():
    return cookie_response(key="session", value="abc", expires="Wed, 21 Oct 2015 07:28:00 GMT")


@app.get("/cookies/expires-in")
def cookie_expires_in():
    return cookie_response(key="session", value="abc", expires=3600)


@app.get("/cookies/no-path-no-samesite")
def cookie_bare():
    return cookie_response(key="session", value="abc", path=None, samesite=None)


@app.get("/cookies/none-secure")
def cookie_none_secure():
    return cookie_response(key="session", value="abc", samesite="none", secure=True)


@app.get("/cookies/max-age-zero")
def cookie_max_age_zero():
    return cookie_response(key="session", value="abc", max_age=0)


@app.get("/cookies/quoted")
def cookie_quoted():
    r = JSONResponse({"ok": True})
    r.set_cookie("space", "hello world")
    r.set_cookie("semi", "a;b,c")
    r.set_cookie("quote", 'say "hi" \\o/')
    r.set_cookie("latin", "caf\u00e9")
    return r


@app.get("/cookies/delete")
def cookie_delete():
    r = JSONResponse({"ok": True})
    r.delete_cookie("session")
    return r


@app.get("/cookies/delete-options")
def cookie_delete_options():
    r = JSONResponse({"ok": True})
    r.delete_cookie("session", path="/sub", domain="example.com", secure=True, httponly=True,
                    samesite="none")
    return r


@app.get("/cookies/html")
def cookie_html():
    r = HTMLResponse("<h1>hi</h1>")
    r.set_cookie("kind", "html")
    return r


@app.get("/cookies/text")
def cookie_text():
    r = PlainTextResponse("hi")
    r.set_cookie("kind", "text", httponly=True)
    return r


@app.get("/cookies/redirect")
def cookie_redirect():
    r = RedirectResponse("/cookies/default")
    r.set_cookie("kind", "redirect")
    return r


@app.get("/cookies/stream")
def cookie_stream():
    def chunks():
        yield b'{"a":1}\n'
        yield b'{"b":2}\n'
    r = StreamingResponse(chunks(), media_type="application/x-ndjson")
    r.set_cookie("kind", "stream")
    return r


@app.get("/cookies/empty-response")
def cookie_empty_response():
    r = Response(status_code=204)
    r.set_cookie("kind", "empty")
    r.delete_cookie("old")
    return r


# ---- the request: "Using the Request Directly" ----

app.state.greeting = "hello"


@app.middleware("http")
async def mark(request: Request, call_next):
    if request.url.path.startswith("/request/"):
        request.state.marker = "from-middleware"
    return await call_next(request)


@app.get("/items/{item_id}")
def read_root(item_id: str, request: Request):
    client_host = request.client.host
    return {"client_host": client_host, "item_id": item_id}


def describe(request: Request):
    return {
        "method": request.method,
        "url": str(request.url),
        "base_url": str(request.base_url),
        "path": request.url.path,
        "query": request.url.query,
        "query_params": request.query_params.multi_items(),
        "path_params": request.path_params,
        "x_custom": request.headers.get("x-custom"),
        "cookies": request.cookies,
        "client": [request.client.host, request.client.port],
        "state": getattr(request.state, "marker", None),
        "greeting": request.app.state.greeting,
    }


@app.get("/request/info/{name}")
async def request_info(name: str, request: Request):
    return describe(request)


@app.post("/request/info/{name}")
async def request_info_post(name: str, request: Request):
    return describe(request)


@app.post("/request/body")
async def request_body(request: Request):
    body = await request.body()
    return {"length": len(body), "text": body.decode()}


class Item(BaseModel):
    name: str
    price: float


@app.post("/request/body-and-model")
async def request_body_and_model(item: Item, request: Request):
    body = await request.body()
    return {"item": item, "raw": body.decode()}


def token_from_request(request: Request):
    return request.headers.get("x-token", "none")


@app.get("/request/dependency")
def request_dependency(token: str = Depends(token_from_request)):
    return {"token": token}


CASES = []


def case(name, method, path, headers=None, body=None):
    CASES.append((name, method, path, headers or {}, body))


for route in app.routes:
    if getattr(route, "path", "").startswith("/cookies/"):
        case("cookie_" + route.path.split("/")[-1].replace("-", "_"), "GET", route.path)

case("request_tutorial", "GET", "/items/foo")
case("request_info_get", "GET", "/request/info/a%20b?q=1&q=2&x=%C3%A9",
     {"x-custom": "yes", "cookie": 'a=1; b="x y"; a=3'})
case("request_info_post", "POST", "/request/info/n", {"content-type": "text/plain"}, "ignored")
case("request_info_bare", "GET", "/request/info/n")
case("request_body", "POST", "/request/body", {"content-type": "text/plain"}, "hello body")
case("request_body_empty", "POST", "/request/body")
case("request_body_and_model", "POST", "/request/body-and-model",
     {"content-type": "application/json"}, '{"name": "x", "price": 2}')
case("request_body_and_model_invalid", "POST", "/request/body-and-model",
     {"content-type": "application/json"}, '{"name": "x"}')
case("request_dependency", "GET", "/request/dependency", {"x-token": "secret"})
case("request_dependency_none", "GET", "/request/dependency")
