"""FastAPI's "Query Parameter Models", "Header Parameter Models", "Cookie
Parameter Models" and "Form Models" pages (docs_src/query_param_models,
header_param_models, cookie_param_models, request_form_models), each
tutorial under its own path prefix; tests/param_models.rs is the fastrs twin."""
from typing import Literal

from fastapi import Cookie, FastAPI, Form, Header, Query
from pydantic import BaseModel, Field

app = FastAPI(title="Parameter models")


class FilterParams(BaseModel):
    limit: int = Field(100, gt=0, le=100)
    offset: int = Field(0, ge=0)
    order_by: Literal["created_at", "updated_at"] = "created_at"
    tags: list[str] = []


class StrictFilterParams(BaseModel):
    model_config = {"extra": "forbid"}

    limit: int = Field(100, gt=0, le=100)
    offset: int = Field(0, ge=0)
    order_by: Literal["created_at", "updated_at"] = "created_at"
    tags: list[str] = []


@app.get("/query/items/")
async def read_items_query(filter_query: FilterParams = Query()):
    return filter_query


@app.get("/query-forbid/items/")
async def read_items_query_forbid(filter_query: StrictFilterParams = Query()):
    return filter_query


class CommonHeaders(BaseModel):
    host: str
    save_data: bool
    if_modified_since: str | None = None
    traceparent: str | None = None
    x_tag: list[str] = []


class StrictCommonHeaders(BaseModel):
    model_config = {"extra": "forbid"}

    host: str
    save_data: bool
    if_modified_since: str | None = None
    traceparent: str | None = None
    x_tag: list[str] = []


@app.get("/header/items/")
async def read_items_header(headers: CommonHeaders = Header()):
    return headers


@app.get("/header-forbid/items/")
async def read_items_header_forbid(headers: StrictCommonHeaders = Header()):
    return headers


@app.get("/header-underscores/items/")
async def read_items_header_underscores(headers: CommonHeaders = Header(convert_underscores=False)):
    return headers


class Cookies(BaseModel):
    session_id: str
    fatebook_tracker: str | None = None
    googall_tracker: str | None = None


class StrictCookies(BaseModel):
    model_config = {"extra": "forbid"}

    session_id: str
    fatebook_tracker: str | None = None
    googall_tracker: str | None = None


@app.get("/cookie/items/")
async def read_items_cookie(cookies: Cookies = Cookie()):
    return cookies


@app.get("/cookie-forbid/items/")
async def read_items_cookie_forbid(cookies: StrictCookies = Cookie()):
    return cookies


class FormData(BaseModel):
    username: str
    password: str


class StrictFormData(BaseModel):
    username: str
    password: str
    model_config = {"extra": "forbid"}


@app.post("/form/login/")
async def login(data: FormData = Form()):
    return data


@app.post("/form-forbid/login/")
async def login_forbid(data: StrictFormData = Form()):
    return data
