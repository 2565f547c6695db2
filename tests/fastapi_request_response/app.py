"""Cookies, the request and the response parameter: FastAPI's "Response Cookies",
"Response Headers", "Response - Change Status Code" and "Using the Request
Directly" pages, plus every option of Starlette's set_cookie/delete_cookie on
every response type."""
from datetime import datetime, timezone

from fastapi import FastAPI
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


CASES = []


def case(name, method, path, headers=None, body=None):
    CASES.append((name, method, path, headers or {}, body))


for route in app.routes:
    if getattr(route, "path", "").startswith("/cookies/"):
        case("cookie_" + route.path.split("/")[-1].replace("-", "_"), "GET", route.path)
