"""FastAPI's "Body - Multiple Parameters" page (docs_src/body_multiple_params
tutorial001-005), singular body values, `embed`, and `File()` as bytes beside
`UploadFile` (request_files tutorial001), with form fields and files mixed
to show that errors come in declaration order. Each tutorial under its own
path prefix; tests/bodies.rs is the fastrs twin."""
from typing import Annotated

from fastapi import Body, FastAPI, File, Form, Path, UploadFile
from pydantic import BaseModel

app = FastAPI(title="Bodies")


class Item(BaseModel):
    name: str
    description: str | None = None
    price: float
    tax: float | None = None


class User(BaseModel):
    username: str
    full_name: str | None = None


# tutorial001: path constraints, an optional query and an optional body.
@app.put("/t1/items/{item_id}")
async def update_item_t1(
    item_id: Annotated[int, Path(title="The ID of the item to get", ge=0, le=1000)],
    q: str | None = None,
    item: Item | None = None,
):
    results = {"item_id": item_id}
    if q:
        results.update({"q": q})
    if item:
        results.update({"item": item})
    return results


# tutorial002: two body models.
@app.put("/t2/items/{item_id}")
async def update_item_t2(item_id: int, item: Item, user: User):
    results = {"item_id": item_id, "item": item, "user": user}
    return results


# tutorial003: a singular value in the body.
@app.put("/t3/items/{item_id}")
async def update_item_t3(item_id: int, item: Item, user: User, importance: Annotated[int, Body()]):
    results = {"item_id": item_id, "item": item, "user": user, "importance": importance}
    return results


# tutorial004: a constrained singular body value and a query parameter.
@app.put("/t4/items/{item_id}")
async def update_item_t4(
    *,
    item_id: int,
    item: Item,
    user: User,
    importance: Annotated[int, Body(gt=0)],
    q: str | None = None,
):
    results = {"item_id": item_id, "item": item, "user": user, "importance": importance}
    if q:
        results.update({"q": q})
    return results


# tutorial005: one model, embedded.
@app.put("/t5/items/{item_id}")
async def update_item_t5(item_id: int, item: Annotated[Item, Body(embed=True)]):
    results = {"item_id": item_id, "item": item}
    return results


# A singular body value alone: the body is the value itself.
@app.post("/single")
async def single(importance: Annotated[int, Body(gt=0)]):
    return {"importance": importance}


# A singular value embedded, with a default and an alias.
@app.post("/embedded-default")
async def embedded_default(
    count: Annotated[int, Body(embed=True, alias="n")] = 3,
    note: Annotated[str | None, Body(embed=True)] = None,
):
    return {"count": count, "note": note}


# A list and a dict as embedded body values.
@app.post("/collections")
async def collections(tags: Annotated[list[str], Body()], weights: Annotated[dict[str, float], Body()]):
    return {"tags": tags, "weights": weights}


# request_files tutorial001: File() as bytes beside UploadFile.
@app.post("/files/")
async def create_file(file: Annotated[bytes, File()]):
    return {"file_size": len(file)}


@app.post("/uploadfile/")
async def create_upload_file(file: UploadFile):
    return {"filename": file.filename}


# Form fields and files declared interleaved: errors in declaration order.
@app.post("/mixed")
async def mixed(
    first: Annotated[int, Form()],
    upload: Annotated[bytes, File()],
    second: Annotated[int, Form()],
    optional: Annotated[bytes | None, File()] = None,
):
    return {"first": first, "size": len(upload), "second": second,
            "optional": None if optional is None else len(optional)}
