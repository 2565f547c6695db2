# The FastAPI twin of tests/key_order.rs: prints the two answers that test
# compares byte for byte (`python3 tests/fastapi_key_order/record.py`).
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict

class Item(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    price: float

class Strict(BaseModel):
    name: str
    price: float

app = FastAPI()

@app.post("/items")
def create(item: Item) -> Item:
    return item

@app.post("/strict")
def strict(item: Strict):
    return item

c = TestClient(app)
print(c.post("/items", content=b'{"zeta":1,"name":"a","alpha":2,"price":1.5,"mid":3}', headers={"content-type":"application/json"}).text)
print(c.post("/strict", content=b'{"zeta":1,"price":"x","alpha":2}', headers={"content-type":"application/json"}).text)
