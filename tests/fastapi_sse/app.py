"""Edge cases of Server-Sent Events and JSON Lines beyond FastAPI's tutorial apps
(which sit beside this file unchanged: sse_tutorial00N.py, jsonl_tutorial001.py).

Each route has a twin in tests/sse.rs."""
from collections.abc import AsyncIterable, Iterable

from fastapi import FastAPI
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel

app = FastAPI(title="SSE edges")


class Reading(BaseModel):
    sensor: str
    value: float
    note: str | None = None


READINGS = [
    Reading(sensor="café ☕", value=1.5),
    Reading(sensor="line\nbreak", value=-0.25, note="a \"quoted\" note"),
    Reading(sensor="big", value=100000.0, note="tiny 1e-05"),
]


@app.get("/sse/fields", response_class=EventSourceResponse)
async def sse_fields() -> AsyncIterable[ServerSentEvent]:
    # every field, a comment of several lines, an event with no data
    yield ServerSentEvent(comment="first line\nsecond line\r\nthird\rfourth")
    yield ServerSentEvent(data=READINGS[0], event="reading", id="r1", retry=0)
    yield ServerSentEvent(event="empty")
    yield ServerSentEvent(id="only-id")
    yield ServerSentEvent(retry=2500)
    yield ServerSentEvent(raw_data="one\ntwo\r\nthree\rfour\n", event="raw")
    yield ServerSentEvent(raw_data="")
    yield ServerSentEvent(data="plain string")
    yield ServerSentEvent(data=42)
    yield ServerSentEvent(comment="")


@app.get("/sse/untyped-data", response_class=EventSourceResponse)
async def sse_untyped_data() -> AsyncIterable[ServerSentEvent]:
    # data that is not a model: json.dumps of it
    yield ServerSentEvent(data={"name": "café", "tags": ["a", "b"], "n": 1.0, "none": None})
    yield ServerSentEvent(data=["x", 2, True])
    yield ServerSentEvent(data="naïve ☕")


@app.get("/sse/readings", response_class=EventSourceResponse)
async def sse_readings() -> AsyncIterable[Reading]:
    for r in READINGS:
        yield r


@app.get("/sse/numbers", response_class=EventSourceResponse)
def sse_numbers() -> Iterable[int]:
    yield from range(3)


@app.get("/sse/untyped", response_class=EventSourceResponse)
async def sse_untyped():
    yield {"a": 1, "b": "é", "c": [1.5, None, 1e16]}
    yield "text"


@app.post("/sse/created", response_class=EventSourceResponse, status_code=201)
async def sse_created() -> AsyncIterable[Reading]:
    yield READINGS[0]


@app.get("/sse/empty", response_class=EventSourceResponse)
async def sse_empty() -> AsyncIterable[Reading]:
    for r in []:
        yield r


@app.get("/jsonl/readings")
async def jsonl_readings() -> AsyncIterable[Reading]:
    for r in READINGS:
        yield r


@app.get("/jsonl/numbers")
def jsonl_numbers() -> Iterable[int]:
    yield from range(3)


@app.get("/jsonl/untyped")
async def jsonl_untyped():
    yield {"a": 1, "b": "é", "c": [1.5, None, 1e16, 0.0001, 1e-05]}
    yield "text\nwith newline"


@app.get("/jsonl/single")
async def jsonl_single() -> AsyncIterable[Reading]:
    yield READINGS[0]
