"""Cookies, the request and the response parameter: FastAPI's "Response Cookies",
"Response Headers", "Response - Change Status Code" and "Using the Request
Directly" pages, plus every option of Starlette's set_cookie/delete_cookie on
every response type."""
from datetime import datetime, timezone

from fastapi import Depends, FastAPI, Header, HTTPException, Request, status
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


@app.get("/request/users/{user_id}/items/{item_id}", name="user_item")
async def user_item(user_id: int, item_id: str):
    return {"user_id": user_id, "item_id": item_id}


@app.get("/request/links")
async def links(request: Request):
    out = {
        "user_item": str(request.url_for("user_item", user_id=3, item_id="pen")),
        "info": str(request.url_for("request_info", name="x")),
        "self": str(request.url_for("links")),
    }
    for name, params in [("nope", {}), ("user_item", {"user_id": 3}), ("links", {"extra": "1"})]:
        try:
            request.url_for(name, **params)
            out[name] = "found"
        except Exception as e:
            out[name + str(len(params))] = type(e).__name__
    return out


# ---- the response parameter: "Response Cookies", "Response Headers",
# "Response - Change Status Code", and the same from dependencies ----

@app.post("/cookie-and-object/")
def create_cookie(response: Response):
    response.set_cookie(key="fakesession", value="fake-cookie-session-value")
    return {"message": "Come to the dark side, we have cookies"}


@app.get("/headers-and-object/")
def get_headers(response: Response):
    response.headers["X-Cat-Dog"] = "alone in the world"
    return {"message": "Hello World"}


tasks = {"foo": "Listen to the Bar Fighters"}


@app.put("/get-or-create-task/{task_id}", status_code=200)
def get_or_create_task(task_id: str, response: Response):
    if task_id not in tasks:
        tasks[task_id] = "This didn't exist before"
        response.status_code = status.HTTP_201_CREATED
    return tasks[task_id]


class Message(BaseModel):
    message: str
    count: int


async def tracking(response: Response):
    response.headers["x-from-dependency"] = "dep"
    response.set_cookie("dep", "1", httponly=True)
    return "tracked"


def accepted(response: Response):
    response.status_code = 202


@app.get("/response/model", response_model=Message)
async def response_model(response: Response, tracked: str = Depends(tracking)):
    response.headers["x-from-handler"] = "handler"
    response.delete_cookie("old")
    return {"message": tracked, "count": 1}


@app.post("/response/status-from-dependency", status_code=201, dependencies=[Depends(accepted)])
async def status_from_dependency():
    return {"ok": True}


@app.get("/response/error")
async def response_error(response: Response, tracked: str = Depends(tracking)):
    response.headers["x-from-handler"] = "handler"
    raise HTTPException(status_code=418, detail="teapot", headers={"x-error": "yes"})


@app.get("/response/explicit")
async def response_explicit(response: Response, tracked: str = Depends(tracking)):
    return JSONResponse({"explicit": True}, headers={"x-own": "own"})


@app.get("/response/both-headers")
async def response_both(response: Response):
    response.headers["x-multi"] = "one"
    response.headers.append("x-multi", "two")
    response.headers["x-replaced"] = "first"
    response.headers["x-replaced"] = "second"
    return {"ok": True}


# ---- plain `def` dependencies (run in the threadpool) ----

def common_parameters(q: str | None = None, skip: int = 0, limit: int = 100):
    return {"q": q, "skip": skip, "limit": limit}


@app.get("/sync-deps/items/")
def read_sync_items(commons: dict = Depends(common_parameters)):
    return commons


def sync_checked(x_key: str = Header()):
    if x_key != "fake-super-secret-key":
        raise HTTPException(status_code=400, detail="X-Key header invalid")
    return x_key


@app.get("/sync-deps/checked/")
async def read_sync_checked(key: str = Depends(sync_checked)):
    return {"key": key}


# ---- "Dependencies with yield": the handler's outcome in the clean-up ----

log = []


class OwnerError(Exception):
    pass


class InternalError(Exception):
    pass


class TeapotError(Exception):
    pass


@app.exception_handler(TeapotError)
async def teapot_handler(request: Request, exc: TeapotError):
    log.append("exception handler")
    return JSONResponse(status_code=418, content={"teapot": str(exc)})


data = {
    "plumbus": {"description": "Freshly pickled plumbus", "owner": "Morty"},
    "portal-gun": {"description": "Gun to create portals", "owner": "Rick"},
}


# tutorial008b: catch an error and raise an HTTPException in its place
def get_username_b():
    try:
        yield "Rick"
    except OwnerError as e:
        raise HTTPException(status_code=400, detail=f"Owner error: {e}")


@app.get("/yield/b/items/{item_id}")
def get_item_b(item_id: str, username: str = Depends(get_username_b)):
    if item_id not in data:
        raise HTTPException(status_code=404, detail="Item not found")
    item = data[item_id]
    if item["owner"] != username:
        raise OwnerError(username)
    return item


# tutorial008c: catch without raising again (FastAPI answers 500)
def get_username_c():
    try:
        yield "Rick"
    except InternalError:
        log.append("caught, not raised again")


@app.get("/yield/c/items/{item_id}")
def get_item_c(item_id: str, username: str = Depends(get_username_c)):
    if item_id == "portal-gun":
        raise InternalError(f"The portal gun is too dangerous to be owned by {username}")
    if item_id != "plumbus":
        raise HTTPException(status_code=404, detail="Item not found, there's only a plumbus here")
    return item_id


# tutorial008d: catch and raise again
def get_username_d():
    try:
        yield "Rick"
    except InternalError:
        log.append("caught, raised again")
        raise


@app.get("/yield/d/items/{item_id}")
def get_item_d(item_id: str, username: str = Depends(get_username_d)):
    if item_id == "portal-gun":
        raise InternalError(f"The portal gun is too dangerous to be owned by {username}")
    if item_id != "plumbus":
        raise HTTPException(status_code=404, detail="Item not found, there's only a plumbus here")
    return item_id


# tutorial008: nested dependencies with finally, exiting innermost first
async def dependency_a():
    log.append("enter a")
    try:
        yield "a"
    finally:
        log.append("exit a")


async def dependency_b(dep_a: str = Depends(dependency_a)):
    log.append("enter b")
    try:
        yield dep_a + "b"
    finally:
        log.append("exit b")


async def dependency_c(dep_b: str = Depends(dependency_b)):
    log.append("enter c")
    try:
        yield dep_b + "c"
    except HTTPException as e:
        log.append(f"c saw {e.status_code}")
        raise
    finally:
        log.append("exit c")


@app.get("/yield/nested")
async def nested(dep_c: str = Depends(dependency_c)):
    log.append("handler")
    return {"c": dep_c}


@app.get("/yield/nested-error")
async def nested_error(dep_c: str = Depends(dependency_c)):
    log.append("handler")
    raise HTTPException(status_code=404, detail="nope")


# the clean-up sees the error before the app's exception handler does
def watching():
    try:
        yield "watching"
    except TeapotError:
        log.append("dependency saw teapot")
        raise


@app.get("/yield/teapot")
async def teapot(w: str = Depends(watching)):
    log.append("handler")
    raise TeapotError("short and stout")


@app.get("/yield/log")
def read_log():
    out = list(log)
    log.clear()
    return out


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

case("response_cookie_and_object", "POST", "/cookie-and-object/")
case("response_headers_and_object", "GET", "/headers-and-object/")
case("response_task_exists", "PUT", "/get-or-create-task/foo")
case("response_task_created", "PUT", "/get-or-create-task/bar")
case("response_model_from_dependency", "GET", "/response/model")
case("response_status_from_dependency", "POST", "/response/status-from-dependency")
case("response_error_drops_temporal", "GET", "/response/error")
case("response_explicit_ignores_temporal", "GET", "/response/explicit")
case("response_header_values", "GET", "/response/both-headers")

case("sync_dep_defaults", "GET", "/sync-deps/items/")
case("sync_dep_values", "GET", "/sync-deps/items/?q=foo&skip=5&limit=10")
case("sync_dep_invalid", "GET", "/sync-deps/items/?skip=x&limit=y")
case("sync_dep_checked", "GET", "/sync-deps/checked/", {"x-key": "fake-super-secret-key"})
case("sync_dep_checked_wrong", "GET", "/sync-deps/checked/", {"x-key": "nope"})
case("sync_dep_checked_missing", "GET", "/sync-deps/checked/")

case("yield_b_ok", "GET", "/yield/b/items/portal-gun")
case("yield_b_replaced", "GET", "/yield/b/items/plumbus")
case("yield_b_not_found", "GET", "/yield/b/items/foo")
case("yield_c_ok", "GET", "/yield/c/items/plumbus")
case("yield_c_not_found", "GET", "/yield/c/items/foo")
case("yield_c_swallowed", "GET", "/yield/c/items/portal-gun")
case("yield_c_log", "GET", "/yield/log")
case("yield_d_reraised", "GET", "/yield/d/items/portal-gun")
case("yield_d_log", "GET", "/yield/log")
case("yield_nested", "GET", "/yield/nested")
case("yield_nested_log", "GET", "/yield/log")
case("yield_nested_error", "GET", "/yield/nested-error")
case("yield_nested_error_log", "GET", "/yield/log")
case("yield_teapot", "GET", "/yield/teapot")
case("yield_teapot_log", "GET", "/yield/log")
case("request_url_for", "GET", "/request/links")
