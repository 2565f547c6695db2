"""Not a tutorial page: the route options the pages name but do not show
(response_model_exclude_defaults, response_model_exclude_none), and
exclude_unset through a nested model and a list, and on a body echoed back
(explicit null included). tests/models.rs is the fastrs twin."""
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Image(BaseModel):
    url: str
    name: str | None = None


class Item(BaseModel):
    name: str
    description: str | None = None
    price: float = 1.0
    tags: list[str] = []
    image: Image | None = None


items = {
    "foo": {"name": "Foo"},
    "bar": {"name": "Bar", "description": None, "price": 1.0, "tags": [], "image": {"url": "http://x/bar.png"}},
    "baz": {"name": "Baz", "description": "Baz", "price": 2.5, "tags": ["a"], "image": {"url": "http://x/baz.png", "name": None}},
}


@app.get("/unset/{item_id}", response_model=Item, response_model_exclude_unset=True)
async def read_unset(item_id: str):
    return items[item_id]


@app.get("/defaults/{item_id}", response_model=Item, response_model_exclude_defaults=True)
async def read_defaults(item_id: str):
    return items[item_id]


@app.get("/none/{item_id}", response_model=Item, response_model_exclude_none=True)
async def read_none(item_id: str):
    return items[item_id]


@app.get("/all", response_model=list[Item], response_model_exclude_unset=True)
async def read_all():
    return list(items.values())


@app.post("/echo", response_model=Item, response_model_exclude_unset=True)
async def echo(item: Item):
    return item


@app.post("/echo/none", response_model=Item, response_model_exclude_none=True, response_model_exclude={"price"})
async def echo_none(item: Item):
    return item
