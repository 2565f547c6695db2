"""Operation ids: FastAPI's "Path Operation Advanced Configuration" (operation_id=)
and "Generate Clients" (generate_unique_id_function) pages, on one app whose
generator is app-wide, with a router's and a route's own generators, and two
operations sharing an id (FastAPI warns "Duplicate Operation ID ...")."""
from fastapi import APIRouter, Body, FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel


def custom_generate_unique_id(route: APIRoute):
    return f"{route.tags[0]}-{route.name}"


def router_generate_unique_id(route: APIRoute):
    return f"router-{route.name}"


def route_generate_unique_id(route: APIRoute):
    return f"own-{route.name}-{list(route.methods)[0].lower()}"


app = FastAPI(title="Operation ids", generate_unique_id_function=custom_generate_unique_id)


class Item(BaseModel):
    name: str
    price: float


class ResponseMessage(BaseModel):
    message: str


class User(BaseModel):
    username: str
    email: str


@app.post("/items/", response_model=ResponseMessage, tags=["items"])
async def create_item(item: Item):
    return {"message": "Item received"}


@app.get("/items/", response_model=list[Item], tags=["items"])
async def get_items():
    return [{"name": "Plumbus", "price": 3}, {"name": "Portal Gun", "price": 9001}]


@app.post("/users/", response_model=ResponseMessage, tags=["users"])
async def create_user(user: User):
    return {"message": "User received"}


# Two bodies: the Body_<unique id> schema takes the generated id.
@app.put("/users/{user_id}", tags=["users"])
async def update_user(user_id: int, user: User, item: Item):
    return {"user_id": user_id}


@app.get("/specific/", operation_id="some_specific_id_you_define", tags=["items"])
async def read_specific():
    return [{"item_id": "Foo"}]


# operation_id names the Body_ schema too.
@app.post("/specific/", operation_id="post_specific", tags=["items"])
async def post_specific(user: User, item: Item):
    return {"ok": True}


@app.get("/own/", tags=["items"], generate_unique_id_function=route_generate_unique_id)
async def own_generator():
    return {"own": True}


router = APIRouter(prefix="/router", tags=["routed"], generate_unique_id_function=router_generate_unique_id)


@router.get("/a")
async def routed_a():
    return {"a": True}


@router.get("/b", generate_unique_id_function=route_generate_unique_id)
async def routed_b():
    return {"b": True}


app.include_router(router)


# Two operations with one id: the second is warned about.
@app.get("/dup/one", operation_id="duplicated", tags=["dup"])
async def dup_one():
    return {"one": 1}


@app.get("/dup/two", operation_id="duplicated", tags=["dup"])
async def dup_two():
    return {"two": 2}


CASES = [
    ("create_item", "POST", "/items/", {"content-type": "application/json"}, '{"name":"x","price":1}'),
    ("get_items", "GET", "/items/", {}, None),
    ("specific", "GET", "/specific/", {}, None),
    ("routed_a", "GET", "/router/a", {}, None),
    ("dup_two", "GET", "/dup/two", {}, None),
]
