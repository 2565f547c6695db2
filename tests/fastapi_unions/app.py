"""Generic models, tagged (discriminated) and untagged (smart-mode) unions,
and FastAPI's tutorial pages "Extra Models" (docs_src/extra_models
tutorial003, tutorial004) and "Body - Nested Models"
(docs_src/body_nested_models tutorial001-009; 005 is 004 with `HttpUrl`),
each tutorial under its own path prefix. tests/unions.rs is the fastrs twin; record.py records.

Differences from the tutorials, to keep one app: `HttpUrl` is `str` here
(fastrs has no URL type yet)."""
from typing import Annotated, Dict, Generic, List, Literal, Optional, Set, TypeVar, Union

from fastapi import Body, FastAPI
from pydantic import BaseModel, Field

app = FastAPI(title="Unions")

# ---------------------------------------------------------------- generics
T = TypeVar("T")


class Item(BaseModel):
    name: str
    price: float


class Page(BaseModel, Generic[T]):
    items: List[T]
    total: int


@app.post("/pages")
async def echo_page(page: Page[Item]) -> Page[Item]:
    return page


@app.get("/pages/{count}", response_model=Page[Item])
async def read_page(count: int):
    return {"items": [{"name": f"item {i}", "price": i} for i in range(count)], "total": count}


# ---------------------------------------------------------------- tagged union
class Cat(BaseModel):
    pet_type: Literal["cat"]
    meows: int


class Dog(BaseModel):
    pet_type: Literal["dog"]
    barks: float


class Owner(BaseModel):
    pet: Union[Cat, Dog] = Field(discriminator="pet_type")
    n: int


@app.post("/owners")
async def create_owner(owner: Owner) -> Owner:
    return owner


class Household(BaseModel):
    favourite: Optional[Union[Cat, Dog]] = Field(None, discriminator="pet_type")
    pets: List[Annotated[Union[Cat, Dog], Field(discriminator="pet_type")]] = []


@app.post("/households")
async def create_household(household: Household) -> Household:
    return household


@app.post("/pets")
async def create_pet(pet: Annotated[Union[Cat, Dog], Body(discriminator="pet_type")]):
    return pet


# ---------------------------------------------------------------- untagged union
class BaseItem(BaseModel):
    description: str
    type: str


class CarItem(BaseItem):
    type: str = "car"


class PlaneItem(BaseItem):
    type: str = "plane"
    size: int


@app.post("/vehicles")
async def create_vehicle(vehicle: Union[PlaneItem, CarItem]) -> Union[PlaneItem, CarItem]:
    return vehicle


class Number(BaseModel):
    x: int


class Text(BaseModel):
    x: str


@app.post("/values")
async def create_value(value: Union[Number, Text]) -> Union[Number, Text]:
    return value


class IntX(BaseModel):
    x: int


class FloatX(BaseModel):
    x: float


@app.post("/numbers")
async def create_number(number: Union[IntX, FloatX]) -> Union[IntX, FloatX]:
    return number


@app.post("/paged")
async def create_paged(body: Union[Page[Item], Number]) -> Union[Page[Item], Number]:
    return body


# ---------------------------------------------------------------- extra_models tutorial003
items3 = {
    "item1": {"description": "All my friends drive a low rider", "type": "car"},
    "item2": {
        "description": "Music is my aeroplane, it's my aeroplane",
        "type": "plane",
        "size": 5,
    },
}


@app.get("/extra3/items/{item_id}", response_model=Union[PlaneItem, CarItem])
async def read_item_extra3(item_id: str):
    return items3[item_id]


# ---------------------------------------------------------------- extra_models tutorial004
class ListedItem(BaseModel):
    name: str
    description: str


items4 = [
    {"name": "Foo", "description": "There comes my hero"},
    {"name": "Red", "description": "It's my aeroplane"},
]


@app.get("/extra4/items/", response_model=List[ListedItem])
async def read_items_extra4():
    return items4


# ---------------------------------------------------------------- body_nested_models
class Item1(BaseModel):
    name: str
    description: Union[str, None] = None
    price: float
    tax: Union[float, None] = None
    tags: list = []


@app.put("/nested1/items/{item_id}")
async def update_item_nested1(item_id: int, item: Item1):
    results = {"item_id": item_id, "item": item}
    return results


class Item2(BaseModel):
    name: str
    description: Union[str, None] = None
    price: float
    tax: Union[float, None] = None
    tags: List[str] = []


@app.put("/nested2/items/{item_id}")
async def update_item_nested2(item_id: int, item: Item2):
    results = {"item_id": item_id, "item": item}
    return results


class Item3(BaseModel):
    name: str
    description: Union[str, None] = None
    price: float
    tax: Union[float, None] = None
    tags: Set[str] = set()


@app.put("/nested3/items/{item_id}")
async def update_item_nested3(item_id: int, item: Item3):
    results = {"item_id": item_id, "item": item}
    return results


class Image(BaseModel):
    url: str
    name: str


class Item4(BaseModel):
    name: str
    description: Union[str, None] = None
    price: float
    tax: Union[float, None] = None
    tags: Set[str] = set()
    image: Union[Image, None] = None


@app.put("/nested4/items/{item_id}")
async def update_item_nested4(item_id: int, item: Item4):
    results = {"item_id": item_id, "item": item}
    return results


class Item6(BaseModel):
    name: str
    description: Union[str, None] = None
    price: float
    tax: Union[float, None] = None
    tags: Set[str] = set()
    images: Union[List[Image], None] = None


@app.put("/nested6/items/{item_id}")
async def update_item_nested6(item_id: int, item: Item6):
    results = {"item_id": item_id, "item": item}
    return results


class Offer(BaseModel):
    name: str
    description: Union[str, None] = None
    price: float
    items: List[Item6]


@app.post("/nested7/offers/")
async def create_offer(offer: Offer):
    return offer


@app.post("/nested8/images/multiple/")
async def create_multiple_images(images: List[Image]):
    return images


@app.post("/nested9/index-weights/")
async def create_index_weights(weights: Dict[int, float]):
    return weights
