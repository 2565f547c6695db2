"""FastAPI "twin" app: the reference implementation the Rust fastrs twin is compared against.

Do not change names/constraints without changing the Rust side too.
"""
from datetime import datetime
from enum import Enum

from fastapi import Cookie, FastAPI, Header, Path, Query
from pydantic import BaseModel, EmailStr, Field

app = FastAPI(title="Twin", version="1.0.0")


class Color(str, Enum):
    red = "red"
    green = "green"
    blue = "blue"


class Address(BaseModel):
    street: str
    city: str
    country: str
    zip_code: str


class OrderItem(BaseModel):
    product_id: int = Field(ge=1)
    quantity: int = Field(gt=0)


class OrderCreate(BaseModel):
    items: list[OrderItem] = Field(min_length=1)
    shipping_address: Address
    notes: str | None = None


class UserCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    email: EmailStr
    age: int = Field(ge=0, le=150)
    bio: str | None = None
    password: str = Field(min_length=8, max_length=128)


class Product(BaseModel):
    name: str = Field(min_length=2, max_length=20, pattern=r"^[a-z ]+$")
    price: float = Field(gt=0, lt=10000)
    quantity: int = Field(default=1, multiple_of=5)
    weight: float = Field(default=1.0, ge=0.5, le=100.0)
    tags: list[str] = Field(default=[], max_length=3)
    color: Color = Color.red
    in_stock: bool = True
    released: datetime | None = None
    rating: float | None = None


@app.get("/")
def read_root():
    return {"message": "Hello, World"}


@app.get("/items/{item_id}")
def read_item(item_id: int, q: str | None = None):
    return {"item_id": item_id, "query": q}


@app.get("/search/{item_id}")
def search(
    item_id: int = Path(ge=1, description="The ID of the item"),
    skip: int = Query(default=0, ge=0),
    limit: int = Query(default=20, le=100),
    search: str | None = Query(default=None, min_length=1, max_length=10),
    code: str | None = Query(default=None, pattern="^[A-Z]{3}$"),
    ratio: float = Query(default=1.0, gt=0, le=10),
    step: int = Query(default=10, multiple_of=5),
    flag: bool = False,
    color: Color | None = None,
    tags: list[str] = Query(default=[]),
    ids: list[int] = Query(default=[]),
    x_api_key: str | None = Header(default=None),
):
    return {"item_id": item_id, "skip": skip, "limit": limit, "search": search, "code": code,
            "ratio": ratio, "step": step, "flag": flag, "color": color, "tags": tags, "ids": ids,
            "x_api_key": x_api_key}


@app.get("/required")
def required(n: int, x_token: str = Header(), session_id: str = Cookie(),
             user_agent_hint: str | None = Header(default=None, alias="X-Hint")):
    return {"n": n, "x_token": x_token, "session_id": session_id, "hint": user_agent_hint}


@app.post("/users", status_code=201)
def create_user(user: UserCreate):
    return {"id": 1, "name": user.name, "email": user.email, "age": user.age, "bio": user.bio}


@app.post("/orders")
def create_order(order: OrderCreate):
    return {"item_count": sum(i.quantity for i in order.items), "order": order.model_dump()}


@app.post("/products")
def create_product(product: Product):
    return product.model_dump(mode="json")


@app.put("/products/{product_id}")
def update_product(product_id: int, product: Product, dry_run: bool = False):
    return {"product_id": product_id, "dry_run": dry_run, "product": product.model_dump(mode="json")}
