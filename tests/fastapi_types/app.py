"""The FastAPI app whose answers tests/types.rs replays: one route per value type.

Each scalar type is a path parameter `p` and an optional query parameter `v`
(where FastAPI allows it); each model has the type as a field. Routes echo what
they received through Pydantic's JSON serialisation (`to_jsonable_python`), so
the serialised form is compared too. Each route has a `# Rust:` comment naming
the fastrs declaration in tests/types.rs.
"""
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import FastAPI, Path, Query
from pydantic import AwareDatetime, BaseModel, Field, NaiveDatetime, RootModel
from pydantic_core import to_jsonable_python

app = FastAPI(title="Types", version="1.0.0")


def echo(**kw):
    return to_jsonable_python(kw)


# ---------------------------------------------------------------- integers by width
# The bounds FastAPI is given are the ones fastrs's JSON Schema states for the Rust
# type (schemars writes minimum/maximum for 8/16-bit types, minimum 0 for unsigned).
# Rust: #[path] p: i8, #[query] v: Option<i8>   (and so on for every width)
@app.get("/int/i8/{p}")
def int_i8(p: Annotated[int, Path(ge=-128, le=127)], v: Annotated[int | None, Query(ge=-128, le=127)] = None):
    return echo(p=p, v=v)


@app.get("/int/i16/{p}")
def int_i16(p: Annotated[int, Path(ge=-32768, le=32767)], v: Annotated[int | None, Query(ge=-32768, le=32767)] = None):
    return echo(p=p, v=v)


@app.get("/int/u8/{p}")
def int_u8(p: Annotated[int, Path(ge=0, le=255)], v: Annotated[int | None, Query(ge=0, le=255)] = None):
    return echo(p=p, v=v)


@app.get("/int/u16/{p}")
def int_u16(p: Annotated[int, Path(ge=0, le=65535)], v: Annotated[int | None, Query(ge=0, le=65535)] = None):
    return echo(p=p, v=v)


@app.get("/int/i32/{p}")
def int_i32(p: int, v: int | None = None):
    return echo(p=p, v=v)


@app.get("/int/i128/{p}")
def int_i128(p: int, v: int | None = None):
    return echo(p=p, v=v)


@app.get("/int/isize/{p}")
def int_isize(p: int, v: int | None = None):
    return echo(p=p, v=v)


@app.get("/int/u32/{p}")
def int_u32(p: Annotated[int, Path(ge=0)], v: Annotated[int | None, Query(ge=0)] = None):
    return echo(p=p, v=v)


@app.get("/int/u128/{p}")
def int_u128(p: Annotated[int, Path(ge=0)], v: Annotated[int | None, Query(ge=0)] = None):
    return echo(p=p, v=v)


@app.get("/int/usize/{p}")
def int_usize(p: Annotated[int, Path(ge=0)], v: Annotated[int | None, Query(ge=0)] = None):
    return echo(p=p, v=v)


# Rust: #[path] p: f32, #[query] v: Option<f32>
@app.get("/float/f32/{p}")
def float_f32(p: float, v: float | None = None):
    return echo(p=p, v=v)


class Ints(BaseModel):
    # Rust: i8, i16, u8, u16, i32, i128, isize, u32, u64, u128, usize, f32
    a_i8: Annotated[int, Field(ge=-128, le=127)]
    a_i16: Annotated[int, Field(ge=-32768, le=32767)] = 0
    a_u8: Annotated[int, Field(ge=0, le=255)] = 0
    a_u16: Annotated[int, Field(ge=0, le=65535)] = 0
    a_i32: int = 0
    a_i128: int = 0
    a_isize: int = 0
    a_u32: Annotated[int, Field(ge=0)] = 0
    a_u64: Annotated[int, Field(ge=0)] = 0
    a_u128: Annotated[int, Field(ge=0)] = 0
    a_usize: Annotated[int, Field(ge=0)] = 0
    a_f32: float = 0.0


# Rust: #[post("/ints")] fn ints(body: Ints) -> Json<Ints>
@app.post("/ints")
def ints(body: Ints):
    return body.model_dump(mode="json")


# ---------------------------------------------------------------- UUID
# Rust: #[path] p: Uuid, #[query] v: Option<Uuid>
@app.get("/uuid/{p}")
def uuid_param(p: UUID, v: UUID | None = None):
    return echo(p=p, v=v)


class WithUuid(BaseModel):
    id: UUID
    other: UUID | None = None


@app.post("/uuid")
def uuid_body(body: WithUuid):
    return body.model_dump(mode="json")


# ---------------------------------------------------------------- dates and times
# Rust: #[path] p: NaiveDate, #[query] v: Option<NaiveDate>
@app.get("/date/{p}")
def date_param(p: date, v: date | None = None):
    return echo(p=p, v=v)


# Rust: #[path] p: NaiveTime, #[query] v: Option<NaiveTime>
@app.get("/time/{p}")
def time_param(p: time, v: time | None = None):
    return echo(p=p, v=v)


# Rust: #[path] p: NaiveDateTime, #[query] v: Option<NaiveDateTime>
@app.get("/naive/{p}")
def naive_param(p: NaiveDatetime, v: NaiveDatetime | None = None):
    return echo(p=p, v=v)


# Rust: #[path] p: DateTime<FixedOffset>, #[query] v: Option<DateTime<FixedOffset>>
@app.get("/aware/{p}")
def aware_param(p: AwareDatetime, v: AwareDatetime | None = None):
    return echo(p=p, v=v)


# Rust: #[path] p: TimeDelta, #[query] v: Option<TimeDelta>
@app.get("/duration/{p}")
def duration_param(p: timedelta, v: timedelta | None = None):
    return echo(p=p, v=v)


class Times(BaseModel):
    # Rust: NaiveDate, NaiveTime, NaiveDateTime, DateTime<FixedOffset>, TimeDelta (all Option)
    day: date | None = None
    at: time | None = None
    naive: NaiveDatetime | None = None
    aware: AwareDatetime | None = None
    took: timedelta | None = None


@app.post("/times")
def times(body: Times):
    return body.model_dump(mode="json")


# ---------------------------------------------------------------- Decimal
# Rust: #[path] p: Decimal, #[query(max_digits = 5, decimal_places = 2)] v: Option<Decimal>
@app.get("/decimal/{p}")
def decimal_param(p: Decimal, v: Annotated[Decimal | None, Query(max_digits=5, decimal_places=2)] = None):
    return echo(p=p, v=v)


class Price(BaseModel):
    # Rust: #[field(max_digits = 6, decimal_places = 2)] amount: Decimal, #[field(gt = 0)] rate: Option<Decimal>
    amount: Decimal = Field(max_digits=6, decimal_places=2)
    rate: Decimal | None = Field(default=None, gt=0)


@app.post("/decimal")
def decimal_body(body: Price):
    return body.model_dump(mode="json")


# ---------------------------------------------------------------- bytes
# Rust: #[query] v: fastrs::Bytes
@app.get("/bytes")
def bytes_param(v: bytes):
    return echo(v=v)


class Blob(BaseModel):
    # Rust: #[field(max_length = 5)] data: fastrs::Bytes
    data: bytes = Field(max_length=5)


@app.post("/bytes")
def bytes_body(body: Blob):
    return body.model_dump(mode="json")


# ---------------------------------------------------------------- maps and sets
# Rust: body: HashMap<i64, f64>
@app.post("/map")
def map_body(body: dict[int, float]):
    return to_jsonable_python(dict(sorted(body.items())))


class Collections(BaseModel):
    # Rust: BTreeMap<String, i64>, HashSet<String>, BTreeSet<i64>, Value
    counts: dict[str, int] = {}
    tags: set[str] = set()
    ids: set[int] = set()
    extra: Any = None


@app.post("/collections")
def collections(body: Collections):
    d = body.model_dump(mode="json")
    d["tags"] = sorted(d["tags"])
    d["ids"] = sorted(d["ids"])
    return d


# Rust: body: BTreeSet<i64>
@app.post("/set")
def set_body(body: set[int]):
    return sorted(body)


# ---------------------------------------------------------------- newtypes
class UserId(RootModel[UUID]):
    # Rust: #[derive(Model)] struct UserId(Uuid);
    pass


class Age(RootModel[Annotated[int, Field(ge=0, le=150)]]):
    # Rust: #[derive(Model)] struct Age(#[field(ge = 0, le = 150)] i64);
    pass


class Member(BaseModel):
    id: UserId
    age: Age
    friends: list[UserId] = []


@app.post("/member")
def member(body: Member):
    return body.model_dump(mode="json")


# A RootModel is not a parameter type for FastAPI ("Path params must be of one of the
# supported types"); fastrs accepts a newtype of a parameter type, tested without a twin.
