"""FastAPI's websocket tutorial apps (docs_src/websockets_/tutorial001..003) in one
app, plus cases of our own: JSON validated by a model, bytes, closing with a code,
the disconnect the handler sees, a header parameter, an HTTPException in a
dependency, a router with a prefix and a dependency. tests/websockets.rs mirrors it."""
from typing import Annotated

from fastapi import (
    APIRouter,
    Cookie,
    Depends,
    FastAPI,
    Header,
    HTTPException,
    Query,
    WebSocket,
    WebSocketDisconnect,
    WebSocketException,
    status,
)
from fastapi.security import APIKeyQuery
from pydantic import BaseModel, Field, ValidationError

app = FastAPI(title="WebSockets")


# docs_src/websockets_/tutorial001_py310.py
@app.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket):
    await websocket.accept()
    while True:
        data = await websocket.receive_text()
        await websocket.send_text(f"Message text was: {data}")


# docs_src/websockets_/tutorial002_an_py310.py
async def get_cookie_or_token(
    websocket: WebSocket,
    session: Annotated[str | None, Cookie()] = None,
    token: Annotated[str | None, Query()] = None,
):
    if session is None and token is None:
        raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION)
    return session or token


@app.websocket("/items/{item_id}/ws")
async def websocket_items(
    *,
    websocket: WebSocket,
    item_id: str,
    q: int | None = None,
    cookie_or_token: Annotated[str, Depends(get_cookie_or_token)],
):
    await websocket.accept()
    while True:
        data = await websocket.receive_text()
        await websocket.send_text(
            f"Session cookie or query token value is: {cookie_or_token}"
        )
        if q is not None:
            await websocket.send_text(f"Query parameter q is: {q}")
        await websocket.send_text(f"Message text was: {data}, for item ID: {item_id}")


# docs_src/websockets_/tutorial003_py310.py
class ConnectionManager:
    def __init__(self):
        self.active_connections: list[WebSocket] = []

    async def connect(self, websocket: WebSocket):
        await websocket.accept()
        self.active_connections.append(websocket)

    def disconnect(self, websocket: WebSocket):
        self.active_connections.remove(websocket)

    async def send_personal_message(self, message: str, websocket: WebSocket):
        await websocket.send_text(message)

    async def broadcast(self, message: str):
        for connection in self.active_connections:
            await connection.send_text(message)


manager = ConnectionManager()


@app.websocket("/ws/{client_id}")
async def websocket_chat(websocket: WebSocket, client_id: int):
    await manager.connect(websocket)
    try:
        while True:
            data = await websocket.receive_text()
            await manager.send_personal_message(f"You wrote: {data}", websocket)
            await manager.broadcast(f"Client #{client_id} says: {data}")
    except WebSocketDisconnect:
        manager.disconnect(websocket)
        await manager.broadcast(f"Client #{client_id} left the chat")


# Our cases.
class Item(BaseModel):
    name: str
    price: float = Field(gt=0)
    tags: list[str] = []


@app.websocket("/json")
async def websocket_json(websocket: WebSocket):
    # A message validated as FastAPI validates a JSON body: json.loads, then
    # the model; broken JSON reported as Pydantic's json_invalid.
    await websocket.accept()
    while True:
        text = await websocket.receive_text()
        try:
            try:
                data = json.loads(text)
            except ValueError:
                Item.model_validate_json(text)
            item = Item.model_validate(data)
        except ValidationError as e:
            await websocket.send_json({"errors": json.loads(e.json(include_url=False))})
            continue
        await websocket.send_json(item.model_dump())


@app.websocket("/bytes")
async def websocket_bytes(websocket: WebSocket):
    await websocket.accept()
    data = await websocket.receive_bytes()
    await websocket.send_bytes(data[::-1])
    await websocket.close()


@app.websocket("/close")
async def websocket_close(websocket: WebSocket):
    await websocket.accept()
    code = await websocket.receive_text()
    await websocket.close(code=int(code), reason="bye")


last_disconnect: dict = {}


@app.websocket("/disconnect")
async def websocket_disconnect(websocket: WebSocket):
    await websocket.accept()
    try:
        while True:
            await websocket.receive_text()
    except WebSocketDisconnect as e:
        last_disconnect["code"] = e.code
        last_disconnect["reason"] = e.reason


@app.get("/last-disconnect")
async def read_last_disconnect():
    return last_disconnect


@app.websocket("/refuse")
async def websocket_refuse(websocket: WebSocket):
    await websocket.close(code=4003, reason="not today")


@app.websocket("/header")
async def websocket_header(websocket: WebSocket, x_token: Annotated[str, Header()]):
    await websocket.accept()
    await websocket.send_text(f"token {x_token}")
    await websocket.close()


def forbid():
    raise HTTPException(status_code=403, detail="nope")


@app.websocket("/http-error")
async def websocket_http_error(websocket: WebSocket, _: Annotated[None, Depends(forbid)]):
    await websocket.accept()


def verify_key(key: str):
    if key != "secret":
        raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION, reason="bad key")


router = APIRouter(prefix="/r", dependencies=[Depends(verify_key)])


@router.websocket("/ws")
async def websocket_routed(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_text("routed")
    await websocket.close()


app.include_router(router)

# A security scheme on a websocket route (FastAPI's APIKeyQuery).
api_key = APIKeyQuery(name="api_key")


@app.websocket("/secure")
async def websocket_secure(websocket: WebSocket, key: Annotated[str, Depends(api_key)]):
    await websocket.accept()
    await websocket.send_text(f"key {key}")
    await websocket.close()

import json  # noqa: E402  (used by websocket_json)
