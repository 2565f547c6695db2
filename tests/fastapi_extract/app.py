"""FastAPI twin of tests/extraction.rs: how parameters are found, inferred and
reported (the extraction-by-trait contract). Each route names its Rust twin."""
from enum import Enum
from typing import Annotated

from fastapi import Cookie, Depends, FastAPI, File, Form, Header, Query, UploadFile
from pydantic import BaseModel

app = FastAPI()


class Color(str, Enum):
    red = "red"
    green = "green"


class Item(BaseModel):
    name: str
    price: float


# Rust: q: Option<Vec<String>>, #[header] x_token: Option<Vec<String>>, n: Option<Vec<i64>>
@app.get("/lists")
def lists(
    q: Annotated[list[str] | None, Query()] = None,
    x_token: Annotated[list[str] | None, Header()] = None,
    n: Annotated[list[int] | None, Query()] = None,
):
    return {"q": q, "x_token": x_token, "n": n}


# Rust: color: Color (no attribute: a string enum is a query parameter), other: Option<Color>
@app.get("/colors")
def colors(color: Color, other: Color | None = None):
    return {"color": color, "other": other}


# Rust: a path parameter of enum type, by name
@app.get("/colors/{color}")
def color_path(color: Color):
    return {"color": color}


# Rust: #[query(default = 7)] a: u8, #[query(default = 0)] b: u32, #[query(default = -5)] c: i128,
#       #[query(default = 1.5)] d: f32, e: Option<u16> (a type alias in Rust)
@app.get("/widths")
def widths(
    a: Annotated[int, Query(ge=0, le=255)] = 7,
    b: Annotated[int, Query(ge=0, le=4294967295)] = 0,
    c: int = -5,
    d: float = 1.5,
    e: Annotated[int | None, Query(ge=0, le=65535)] = None,
):
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def paging(skip: int = 0, x_page: Annotated[int, Header()] = 1):
    return {"skip": skip, "x_page": x_page}


# Rust: declared in this order: q, item_id, #[header] x_n, page: Depends<paging>, #[cookie] c
# FastAPI reports the dependency's errors first, then path, query, header, cookie.
@app.get("/order/{item_id}")
def order(
    q: int,
    item_id: int,
    x_n: Annotated[int, Header()],
    page: Annotated[dict, Depends(paging)],
    c: Annotated[int, Cookie()],
):
    return {"q": q, "item_id": item_id, "x_n": x_n, "page": page, "c": c}


# Rust: item: Item (the body) declared before #[query] limit: i64
@app.post("/body_first")
def body_first(item: Item, limit: int):
    return {"item": item, "limit": limit}


# Rust: file: UploadFile declared before #[form] note: String, #[form] count: i64
@app.post("/upload")
async def upload(
    file: Annotated[UploadFile, File()],
    note: Annotated[str, Form()],
    count: Annotated[int, Form()],
):
    return {"file": file.filename, "size": len(await file.read()), "note": note, "count": count}
