"""The FastAPI app whose answers tests/model_options.rs replays: Pydantic's
model-level and field-level options (extra, alias generators, validation and
serialization aliases, examples, validators, Literal), and FastAPI's docs pages
"Body - Fields" (docs_src/body_fields/tutorial001_an_py310.py) and "Declare
Request Example Data" (docs_src/schema_extra_example/tutorial001/002_py310.py).
Each model has a `# Rust:` comment naming the fastrs declaration.
"""
from typing import Annotated, Literal

from fastapi import Body, FastAPI
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

app = FastAPI(title="Model options", version="1.0.0")


# ---------------------------------------------------------------- extra
# Rust: #[model(extra = "forbid")] struct Forbid
class Forbid(BaseModel):
    model_config = ConfigDict(extra="forbid")
    a: int
    b: str = "x"


# Rust: #[model(extra = "ignore")] struct Ignore
class Ignore(BaseModel):
    model_config = ConfigDict(extra="ignore")
    a: int


# Rust: #[model(extra = "allow")] struct Allow { a: i64, #[field(extra)] rest: Map<String, Value> }
class Allow(BaseModel):
    model_config = ConfigDict(extra="allow")
    a: int
    tags: list[str] = []


# Rust: struct Outer { forbid: Forbid, allow: Option<Allow> }
class Outer(BaseModel):
    forbid: Forbid
    allow: Allow | None = None


@app.post("/forbid")
def forbid(body: Forbid):
    return body


@app.post("/ignore")
def ignore(body: Ignore):
    return body


@app.post("/allow")
def allow(body: Allow) -> Allow:
    return body


@app.post("/outer")
def outer(body: Outer):
    return body


# ---------------------------------------------------------------- rename_all / aliases
# Rust: #[model(rename_all = "camelCase")] struct Camel
class Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel)
    first_name: str
    last_seen_at: int = 0
    tags_list: list[str] = []
    # Rust: #[field(alias = "ID")] beside rename_all: the field's own alias wins
    user_id: int = Field(default=0, alias="ID")


@app.post("/camel")
def camel(body: Camel) -> Camel:
    return body


# Rust: #[field(validation_alias = "xIn")], #[field(serialization_alias = "yOut")], #[field(alias = "zz")]
class Aliases(BaseModel):
    x: int = Field(validation_alias="xIn")
    y: int = Field(serialization_alias="yOut")
    z: int = Field(alias="zz")


@app.post("/aliases")
def aliases(body: Aliases) -> Aliases:
    return body


# Rust: the same aliases, a model only ever written (its schema uses the serialization names)
class AliasesOut(BaseModel):
    x: int = Field(validation_alias="xIn")
    y: int = Field(serialization_alias="yOut")


@app.get("/aliases/out")
def aliases_out() -> AliasesOut:
    return AliasesOut(xIn=1, y=2)


# ---------------------------------------------------------------- validators
# Rust: #[field(validator = has_space)] name, #[model(validator = not_too_big)]
class Validated(BaseModel):
    name: str
    n: int = Field(default=0, ge=0)
    nick: str | None = None

    @field_validator("name")
    @classmethod
    def has_space(cls, v):
        if " " not in v:
            raise ValueError("must contain a space")
        return v

    @field_validator("nick")
    @classmethod
    def short_nick(cls, v):
        if v is not None and len(v) > 3:
            raise ValueError(f"nick {v!r} is longer than 3")
        return v

    @model_validator(mode="after")
    def not_too_big(self):
        if self.n > 10:
            raise ValueError("n too big")
        return self


@app.post("/validated")
def validated(body: Validated):
    return body


# Rust: struct Holder { inner: Validated } — a nested model validator's loc is the field
class Holder(BaseModel):
    inner: Validated


@app.post("/holder")
def holder(body: Holder):
    return body


# ---------------------------------------------------------------- Literal
# Rust: #[derive(Model)] #[model(literal, rename_all = "snake_case")] enum OrderBy { CreatedAt, UpdatedAt }
#       #[model(literal)] enum Only { #[field(alias = "x")] X }
class Listing(BaseModel):
    order_by: Literal["created_at", "updated_at"] = "created_at"
    one: Literal["x"] | None = None
    orders: list[Literal["created_at", "updated_at"]] = []


@app.post("/listing")
def listing(body: Listing):
    return body


@app.get("/listing")
def listing_query(order_by: Literal["created_at", "updated_at"] = "created_at",
                  then: Literal["created_at", "updated_at"] | None = None):
    return {"order_by": order_by, "then": then}


# ---------------------------------------------------------------- FastAPI docs: Body - Fields
# Rust: struct BodyFieldsItem, with #[field(title = "…", max_length = 300)] and #[field(gt = 0, description = "…")];
#       Body(embed=True) written as the model FastAPI makes of it (Body_update_body_fields_…)
class BodyFieldsItem(BaseModel):
    name: str
    description: str | None = Field(default=None, title="The description of the item", max_length=300)
    price: float = Field(gt=0, description="The price must be greater than zero")
    tax: float | None = None


@app.put("/body-fields/{item_id}")
async def update_body_fields(item_id: int, item: Annotated[BodyFieldsItem, Body(embed=True)]):
    return {"item_id": item_id, "item": item}


# ---------------------------------------------------------------- FastAPI docs: Declare Request Example Data
# Rust: #[model(examples = [{…}])] struct Item (schema_extra_example/tutorial001)
class Item(BaseModel):
    name: str
    description: str | None = None
    price: float
    tax: float | None = None

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "name": "Foo",
                    "description": "A very nice Item",
                    "price": 35.4,
                    "tax": 3.2,
                }
            ]
        }
    }


@app.put("/items/{item_id}")
async def update_item(item_id: int, item: Item):
    return {"item_id": item_id, "item": item}


# Rust: #[field(examples = […])] on every field (schema_extra_example/tutorial002)
class FieldExamples(BaseModel):
    name: str = Field(examples=["Foo"])
    description: str | None = Field(default=None, examples=["A very nice Item"])
    price: float = Field(examples=[35.4])
    tax: float | None = Field(default=None, examples=[3.2])
    sizes: list[int] = Field(default=[], examples=[[1, 2], []])


@app.put("/field-examples/{item_id}")
async def update_field_examples(item_id: int, item: FieldExamples):
    return {"item_id": item_id, "item": item}
