"""FastAPI's "Handling Errors" page, tutorial005: a validation-error handler
that answers with the errors and the body it received (`exc.body`), for JSON,
broken JSON, text, form and missing bodies. tests/handling_errors.rs is the
fastrs twin (the page's other tutorials are in tests/fastapi_twin)."""
from typing import Annotated

from fastapi import FastAPI, Form, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

app = FastAPI(title="Handling errors")


@app.exception_handler(RequestValidationError)
async def validation_exception_handler(request: Request, exc: RequestValidationError):
    return JSONResponse(
        status_code=422,
        content=jsonable_encoder({"detail": exc.errors(), "body": exc.body}),
    )


class Item(BaseModel):
    title: str
    size: int


@app.post("/items/")
async def create_item(item: Item):
    return item


@app.get("/query")
async def query(size: int):
    return {"size": size}


@app.post("/form")
async def form(title: Annotated[str, Form()], size: Annotated[int, Form()]):
    return {"title": title, "size": size}
