"""The load benchmark's FastAPI server (issue 6): the same endpoints as the
Rust servers. Run as run.sh does:

    uvicorn fastapi_app:app --port 8004 --workers 1 --log-level warning --no-access-log
"""
from fastapi import FastAPI, Path, Query
from pydantic import BaseModel, EmailStr, Field

app = FastAPI()


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


@app.get("/")
async def read_root():
    return {"message": "Hello, World"}


@app.get("/items/{item_id}")
async def read_item(
    item_id: int = Path(ge=1),
    q: str | None = None,
    skip: int = Query(default=0, ge=0),
    limit: int = Query(default=20, le=100),
):
    return {"item_id": item_id, "q": q, "skip": skip, "limit": limit}


@app.post("/users", status_code=201)
async def create_user(user: UserCreate):
    return {"id": 1, "name": user.name, "email": user.email, "age": user.age, "bio": user.bio}


@app.post("/orders")
async def create_order(order: OrderCreate):
    return {
        "item_count": sum(i.quantity for i in order.items),
        "total_lines": len(order.items),
    }
