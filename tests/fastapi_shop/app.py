"""The shop's contract (shared/example-api.md) in FastAPI: the reference the
Rust shop (examples/shop) is compared with, request by request.

SQLite through the standard library (one connection behind a lock; the
endpoints are plain `def`s, run in FastAPI's thread pool). Passwords use
PBKDF2 and tokens a hand-rolled HS256 JWT (standard library only): the Rust
shop uses argon2 and jsonwebtoken, and the recording replaces tokens by
placeholders, so the difference is invisible to the comparison.

`create_app(path)` builds a fresh app on a fresh database file.
"""
import base64
import hashlib
import hmac
import json
import os
import sqlite3
import threading
import time
from typing import Any
from datetime import datetime, timezone

from email_validator import EmailNotValidError, validate_email
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pydantic import BaseModel, EmailStr, Field

API_KEY = os.environ.get("APP_API_KEY", "secret-key-123")
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-secret-key-change-me")
TOKEN_TTL = 30 * 60

SCHEMA = """
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE, age INTEGER NOT NULL, bio TEXT,
  password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
  description TEXT, price REAL NOT NULL, stock INTEGER NOT NULL DEFAULT 0,
  is_active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL,
  total REAL NOT NULL, item_count INTEGER NOT NULL, street TEXT NOT NULL,
  city TEXT NOT NULL, country TEXT NOT NULL, zip_code TEXT NOT NULL, notes TEXT,
  created_at TEXT NOT NULL);
CREATE TABLE order_lines (order_id INTEGER NOT NULL, line_no INTEGER NOT NULL,
  product_id INTEGER NOT NULL, quantity INTEGER NOT NULL, unit_price REAL NOT NULL,
  PRIMARY KEY (order_id, line_no));
"""


# ---------------------------------------------------------------- schemas

class UserCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    email: EmailStr
    age: int = Field(ge=0, le=150)
    bio: str | None = None
    password: str = Field(min_length=8, max_length=128)


class UserResponse(BaseModel):
    id: int
    name: str
    email: str
    age: int
    bio: str | None
    created_at: datetime


class ItemCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    description: str | None = None
    price: float = Field(gt=0)
    stock: int = Field(default=0, ge=0)


class Item(BaseModel):
    id: int
    name: str
    description: str | None
    price: float
    stock: int
    is_active: bool


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


class OrderLine(BaseModel):
    product_id: int
    quantity: int
    unit_price: float


class Order(BaseModel):
    id: int
    user_id: int
    items: list[OrderLine]
    total: float
    item_count: int
    shipping_address: Address
    notes: str | None
    created_at: datetime


class Token(BaseModel):
    access_token: str
    token_type: str


class Stats(BaseModel):
    total_users: int
    total_items: int
    total_orders: int


# The documented error bodies (every status the shop answers is documented).
class HTTPError(BaseModel):
    detail: Any


class AppErrorDetail(BaseModel):
    code: str
    message: str


class AppErrorBody(BaseModel):
    error: AppErrorDetail


BUSY = "Every password-hashing slot is busy: retry after Retry-After seconds"
AUTH = {401: {"model": HTTPError}}
PARSE = {400: {"model": HTTPError, "description": "There was an error parsing the body"}}


# ---------------------------------------------------------------- security

def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 1000)
    return salt.hex() + "$" + digest.hex()


def verify_password(password: str, stored: str) -> bool:
    salt, digest = stored.split("$")
    got = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), 1000)
    return hmac.compare_digest(got.hex(), digest)


def _b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def _unb64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def create_token(user_id: int) -> str:
    now = int(time.time())
    head = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
    body = _b64(json.dumps({"sub": str(user_id), "exp": now + TOKEN_TTL, "iat": now}).encode())
    sig = hmac.new(SECRET_KEY.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(sig)}"


def token_user_id(token: str) -> int | None:
    try:
        head, body, sig = token.split(".")
        want = hmac.new(SECRET_KEY.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(_unb64(sig), want):
            return None
        claims = json.loads(_unb64(body))
        if claims["exp"] <= time.time():
            return None
        return int(claims["sub"])
    except Exception:
        return None


# ---------------------------------------------------------------- errors

class AppError(Exception):
    def __init__(self, code: str, message: str, status_code: int = 400):
        self.code = code
        self.message = message
        self.status_code = status_code


# ---------------------------------------------------------------- the app

def create_app(db_path: str) -> FastAPI:
    conn = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.executescript(SCHEMA)
    lock = threading.Lock()

    def now() -> str:
        return datetime.now(timezone.utc).isoformat()

    def get_db():
        with lock:
            yield conn

    oauth2_scheme = OAuth2PasswordBearer(tokenUrl="auth/token")

    def get_current_user(token: str = Depends(oauth2_scheme), db=Depends(get_db)):
        error = HTTPException(status_code=401, detail="Could not validate credentials",
                              headers={"WWW-Authenticate": "Bearer"})
        user_id = token_user_id(token)
        if user_id is None:
            raise error
        row = db.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None:
            raise error
        return dict(row)

    def verify_api_key(x_api_key: str = Header()):
        if x_api_key != API_KEY:
            raise HTTPException(status_code=403, detail="Invalid API key")
        return x_api_key

    app = FastAPI(title="Shop API", version="1.0.0")

    @app.exception_handler(AppError)
    async def app_error_handler(request: Request, exc: AppError):
        return JSONResponse(status_code=exc.status_code,
                            content={"error": {"code": exc.code, "message": exc.message}})

    @app.get("/")
    def read_root():
        return {"message": "Hello, World"}

    # -- users
    users = APIRouter(prefix="/users", tags=["users"])

    @users.post("", response_model=UserResponse, status_code=201, responses={
        **PARSE,
        409: {"model": HTTPError, "description": "Email already registered"},
        503: {"model": HTTPError, "description": BUSY}})
    def create_user(user: UserCreate, db=Depends(get_db)):
        if db.execute("SELECT id FROM users WHERE email = ?", (user.email,)).fetchone():
            raise HTTPException(status_code=409, detail="Email already registered")
        cur = db.execute(
            "INSERT INTO users (name, email, age, bio, password_hash, created_at) VALUES (?,?,?,?,?,?)",
            (user.name, user.email, user.age, user.bio, hash_password(user.password), now()))
        return dict(db.execute("SELECT * FROM users WHERE id = ?", (cur.lastrowid,)).fetchone())

    @users.get("", response_model=list[UserResponse])
    def list_users(skip: int = Query(default=0, ge=0), limit: int = Query(default=20, ge=1, le=100),
                   db=Depends(get_db)):
        rows = db.execute("SELECT * FROM users ORDER BY id LIMIT ? OFFSET ?", (limit, skip))
        return [dict(r) for r in rows]

    @users.get("/me", response_model=UserResponse, responses=AUTH)
    def read_me(current_user=Depends(get_current_user)):
        return current_user

    @users.get("/{user_id}", response_model=UserResponse, responses={
        404: {"model": HTTPError, "description": "User not found"}})
    def read_user(user_id: int, db=Depends(get_db)):
        row = db.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None:
            raise HTTPException(status_code=404, detail="User not found")
        return dict(row)

    # -- auth
    auth = APIRouter(prefix="/auth", tags=["auth"])

    @auth.post("/token", response_model=Token, responses={
        **PARSE,
        401: {"model": HTTPError, "description": "Incorrect email or password"},
        503: {"model": HTTPError, "description": BUSY}})
    def login(form: OAuth2PasswordRequestForm = Depends(), db=Depends(get_db)):
        try:
            email = validate_email(form.username, check_deliverability=False).normalized
        except EmailNotValidError:
            email = form.username
        row = db.execute("SELECT id, password_hash FROM users WHERE email = ?", (email,)).fetchone()
        if row is None or not verify_password(form.password, row["password_hash"]):
            raise HTTPException(status_code=401, detail="Incorrect email or password",
                                headers={"WWW-Authenticate": "Bearer"})
        return {"access_token": create_token(row["id"]), "token_type": "bearer"}

    # -- items
    items = APIRouter(prefix="/items", tags=["items"])

    def item_dict(row):
        d = dict(row)
        d["is_active"] = bool(d["is_active"])
        return d

    @items.post("", response_model=Item, status_code=201, responses={**PARSE, **AUTH})
    def create_item(item: ItemCreate, _user=Depends(get_current_user), db=Depends(get_db)):
        cur = db.execute("INSERT INTO items (name, description, price, stock) VALUES (?,?,?,?)",
                         (item.name, item.description, item.price, item.stock))
        return item_dict(db.execute("SELECT * FROM items WHERE id = ?", (cur.lastrowid,)).fetchone())

    @items.get("", response_model=list[Item])
    def list_items(skip: int = Query(default=0, ge=0), limit: int = Query(default=20, ge=1, le=100),
                   search: str | None = Query(default=None, min_length=1), db=Depends(get_db)):
        rows = [item_dict(r) for r in
                db.execute("SELECT * FROM items WHERE is_active = 1 ORDER BY id")]
        if search is not None:
            needle = search.lower()
            rows = [r for r in rows if needle in r["name"].lower()]
        return rows[skip:skip + limit]

    @items.get("/{item_id}", response_model=Item, responses={
        404: {"model": HTTPError, "description": "Item not found"},
        410: {"model": HTTPError, "description": "Item has been removed"}})
    def read_item(item_id: int = Path(ge=1, description="The ID of the item"), db=Depends(get_db)):
        row = db.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise HTTPException(status_code=404, detail="Item not found")
        if not row["is_active"]:
            raise HTTPException(status_code=410, detail="Item has been removed")
        return item_dict(row)

    @items.delete("/{item_id}", status_code=204, responses={
        **AUTH, 404: {"model": HTTPError, "description": "Item not found"}})
    def delete_item(item_id: int, _user=Depends(get_current_user), db=Depends(get_db)):
        cur = db.execute("UPDATE items SET is_active = 0 WHERE id = ?", (item_id,))
        if cur.rowcount == 0:
            raise HTTPException(status_code=404, detail="Item not found")

    # -- orders
    orders = APIRouter(prefix="/orders", tags=["orders"])

    def load_order(db, row):
        lines = db.execute(
            "SELECT product_id, quantity, unit_price FROM order_lines WHERE order_id = ? ORDER BY line_no",
            (row["id"],))
        return {"id": row["id"], "user_id": row["user_id"], "items": [dict(l) for l in lines],
                "total": row["total"], "item_count": row["item_count"],
                "shipping_address": {k: row[k] for k in ("street", "city", "country", "zip_code")},
                "notes": row["notes"], "created_at": row["created_at"]}

    @orders.post("", response_model=Order, status_code=201, responses={
        **PARSE,
        **AUTH,
        404: {"model": AppErrorBody, "description": "An order line names an unknown or removed item"},
        409: {"model": AppErrorBody, "description": "Not enough stock for this order"}})
    def create_order(order: OrderCreate, user=Depends(get_current_user), db=Depends(get_db)):
        db.execute("BEGIN IMMEDIATE")
        try:
            lines = []
            total = 0
            for line in order.items:
                row = db.execute(
                    "UPDATE items SET stock = stock - ? WHERE id = ? AND is_active = 1 AND stock >= ? "
                    "RETURNING price", (line.quantity, line.product_id, line.quantity)).fetchone()
                if row is None:
                    exists = db.execute("SELECT id FROM items WHERE id = ? AND is_active = 1",
                                        (line.product_id,)).fetchone()
                    if exists is None:
                        raise AppError("ITEM_NOT_FOUND", f"Item {line.product_id} does not exist", 404)
                    raise AppError("INSUFFICIENT_INVENTORY", "Not enough stock for this order", 409)
                total += row["price"] * line.quantity
                lines.append((line.product_id, line.quantity, row["price"]))
            a = order.shipping_address
            cur = db.execute(
                "INSERT INTO orders (user_id, total, item_count, street, city, country, zip_code, notes, "
                "created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (user["id"], float(total), sum(l.quantity for l in order.items), a.street, a.city,
                 a.country, a.zip_code, order.notes, now()))
            for n, (pid, qty, price) in enumerate(lines):
                db.execute("INSERT INTO order_lines VALUES (?,?,?,?,?)", (cur.lastrowid, n, pid, qty, price))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return load_order(db, db.execute("SELECT * FROM orders WHERE id = ?", (cur.lastrowid,)).fetchone())

    @orders.get("", response_model=list[Order], responses=AUTH)
    def list_orders(user=Depends(get_current_user), db=Depends(get_db)):
        rows = db.execute("SELECT * FROM orders WHERE user_id = ? ORDER BY id", (user["id"],)).fetchall()
        return [load_order(db, r) for r in rows]

    @orders.get("/{order_id}", response_model=Order, responses={
        **AUTH, 404: {"model": HTTPError, "description": "Order not found"}})
    def read_order(order_id: int, user=Depends(get_current_user), db=Depends(get_db)):
        row = db.execute("SELECT * FROM orders WHERE id = ? AND user_id = ?",
                         (order_id, user["id"])).fetchone()
        if row is None:
            raise HTTPException(status_code=404, detail="Order not found")
        return load_order(db, row)

    # -- admin
    admin = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(verify_api_key)],
                      responses={403: {"model": HTTPError}})

    @admin.get("/stats", response_model=Stats, responses=AUTH)
    def admin_stats(_user=Depends(get_current_user), db=Depends(get_db)):
        count = lambda t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # noqa: E731
        return {"total_users": count("users"), "total_items": count("items"),
                "total_orders": count("orders")}

    for r in (users, auth, items, orders, admin):
        app.include_router(r)

    app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:3000"],
                       allow_credentials=True, allow_methods=["*"], allow_headers=["*"])

    @app.middleware("http")
    async def add_timing_header(request: Request, call_next):
        start = time.perf_counter()
        response = await call_next(request)
        response.headers["X-Response-Time"] = f"{time.perf_counter() - start:.4f}s"
        return response

    return app
