"""FastAPI apps whose real `openapi.json` is recorded by `record_openapi.py`.

* `hello_app`: the first page of the FastAPI article (Rust: `examples/hello/src/lib.rs`).
* `rich_app`: a small app exercising the OpenAPI features (info, servers, tags,
  routers, response models, extra responses, 201/204, deprecated, hidden routes,
  enum/alias/described parameters, nested models, datetime/email/optional/default fields).

The Rust side declares the same apps with the same names; each Python declaration
says, in a `# Rust:` comment, what it corresponds to. Do not change names, order or
constraints without changing the Rust side and re-recording.
"""
from datetime import datetime
from enum import Enum

from fastapi import APIRouter, FastAPI, Header, Query
from pydantic import BaseModel, EmailStr, Field

# ---------------------------------------------------------------------------
# hello: examples/hello/src/lib.rs
# ---------------------------------------------------------------------------

# Rust: App::new().title("Hello").version("1.0.0").route(read_root).route(read_item)
hello_app = FastAPI(title="Hello", version="1.0.0")


# Rust: /// Greets the world.
#       #[get("/")] pub async fn read_root() -> Json<Value>
@hello_app.get("/")
def read_root():
    """Greets the world."""
    return {"message": "Hello, World"}


# Rust: /// Reads one item; `item_id` must be an integer (else 422), `q` is optional.
#       #[get("/items/{item_id}")] pub async fn read_item(item_id: i64, q: Option<String>) -> Json<Value>
@hello_app.get("/items/{item_id}")
def read_item(item_id: int, q: str | None = None):
    """Reads one item; `item_id` must be an integer (else 422), `q` is optional."""
    return {"item_id": item_id, "query": q}


# ---------------------------------------------------------------------------
# rich
# ---------------------------------------------------------------------------

# Rust: App::new().title("Rich API").version("2.1.0").description("A richer app.")
#         .summary("Short summary").contact(name "Team", email "team@example.com")
#         .license(name "MIT").server("http://localhost:8000")
#         .openapi_tag("users", "User operations")
#         .include(users_router()).route(legacy_search)...  (routes in the order below)
rich_app = FastAPI(
    title="Rich API",
    version="2.1.0",
    description="A richer app.",
    summary="Short summary",
    contact={"name": "Team", "email": "team@example.com"},
    license_info={"name": "MIT"},
    servers=[{"url": "http://localhost:8000"}],
    openapi_tags=[{"name": "users", "description": "User operations"}],
)


# Rust: #[derive(Model)] #[model(rename_all = "lowercase")] enum Color { Red, Green, Blue }
class Color(str, Enum):
    red = "red"
    green = "green"
    blue = "blue"


# Rust: #[derive(Model)] struct ErrorMessage { detail: String }
class ErrorMessage(BaseModel):
    detail: str


# Rust: #[derive(Model)] struct Address { street: String, city: String, country: String, zip_code: String }
class Address(BaseModel):
    street: str
    city: str
    country: str
    zip_code: str


# Rust: #[derive(Model)] struct OrderItem {
#           #[field(ge = 1, description = "Catalog product id", example = 42)] product_id: i64,
#           #[field(gt = 0)] quantity: i64 }
class OrderItem(BaseModel):
    product_id: int = Field(ge=1, description="Catalog product id", examples=[42])
    quantity: int = Field(gt=0)


# Rust: #[derive(Model)] struct OrderCreate {
#           #[field(min_length = 1)] items: Vec<OrderItem>,
#           shipping_address: Address,
#           notes: Option<String>,
#           #[field(default = false)] gift_wrap: bool,
#           deliver_after: Option<DateTime<Utc>> }
class OrderCreate(BaseModel):
    items: list[OrderItem] = Field(min_length=1)
    shipping_address: Address
    notes: str | None = None
    gift_wrap: bool = False
    deliver_after: datetime | None = None


# Rust: same as UserCreate in tests/conformance.rs (name, email: Email, age, bio: Option<String>, password)
class UserCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    email: EmailStr
    age: int = Field(ge=0, le=150)
    bio: str | None = None
    password: str = Field(min_length=8, max_length=128)


# Rust: #[derive(Model)] struct UserResponse { id: i64, name: String, email: String, age: i64,
#           bio: Option<String>  /* required, may be null: see README */, created_at: DateTime<Utc> }
class UserResponse(BaseModel):
    id: int
    name: str
    email: str
    age: int
    bio: str | None
    created_at: datetime


# Rust: Router::new().prefix("/users").tag("users").route(create_user).route(read_user).route(list_users)
users = APIRouter(prefix="/users", tags=["users"])

_USER = {"id": 1, "name": "Ada", "email": "ada@example.com", "age": 36, "bio": None,
         "created_at": datetime(2024, 1, 1)}


# Rust: /// Creates a user.
#       #[post("", status_code = 201, response_model = UserResponse)]
#       async fn create_user(user: UserCreate) -> UserResponse
@users.post("", status_code=201, response_model=UserResponse)
def create_user(user: UserCreate):
    """Creates a user."""
    return {**_USER, **user.model_dump(exclude={"password"})}


# Rust: #[get("/{user_id}", response_model = UserResponse)] + an extra response
#       404 => ErrorMessage, "User not found" (e.g. `responses(404 = ErrorMessage, "User not found")`)
#       async fn read_user(user_id: i64) -> Result<UserResponse, HTTPException>
@users.get("/{user_id}", response_model=UserResponse,
           responses={404: {"model": ErrorMessage, "description": "User not found"}})
def read_user(user_id: int):
    return {**_USER, "id": user_id}


# Rust: #[get("", response_model = Vec<UserResponse>)]
#       async fn list_users(#[query(default = 0, ge = 0)] skip: i64,
#                           #[query(default = 20, ge = 1, le = 100)] limit: i64) -> Vec<UserResponse>
@users.get("", response_model=list[UserResponse])
def list_users(skip: int = Query(0, ge=0), limit: int = Query(20, ge=1, le=100)):
    return [_USER][skip:skip + limit]


rich_app.include_router(users)


# Rust: /// Ignored: the explicit description wins.
#       #[get("/legacy", summary = "Custom summary", description = "Custom description", deprecated)]
#       async fn legacy_search() -> Json<Value>
@rich_app.get("/legacy", summary="Custom summary", description="Custom description", deprecated=True)
def legacy_search():
    """Ignored: the explicit description wins."""
    return {"legacy": True}


# Rust: #[get("/internal", include_in_schema = false)] async fn internal() -> Json<Value>
@rich_app.get("/internal", include_in_schema=False)
def internal():
    return {"internal": True}


# Rust: #[delete("/items/{item_id}", status_code = 204)] async fn delete_item(item_id: i64) -> ()
@rich_app.delete("/items/{item_id}", status_code=204)
def delete_item(item_id: int) -> None:
    return None


# Rust: /// Paints with a color.
#       ///
#       /// The color is a query parameter; the trace id comes from the `X-Request-ID` header.
#       #[get("/paint")]
#       async fn paint(#[query] color: Color,
#                      #[header(alias = "X-Request-ID")] request_id: Option<String>) -> Json<Value>
@rich_app.get("/paint")
def paint(color: Color, request_id: str | None = Header(default=None, alias="X-Request-ID")):
    """Paints with a color.

    The color is a query parameter; the trace id comes from the `X-Request-ID` header.
    """
    return {"color": color, "request_id": request_id}


# Rust: #[get("/search")]
#       async fn search(#[query(description = "Text to look for", example = "widget", min_length = 1)]
#                       term: String) -> Json<Value>
@rich_app.get("/search")
def search(term: str = Query(description="Text to look for", examples=["widget"], min_length=1)):
    return {"term": term}


# Rust: #[post("/orders")] async fn create_order(order: OrderCreate) -> Json<Value>
@rich_app.post("/orders")
def create_order(order: OrderCreate):
    return {"item_count": sum(i.quantity for i in order.items)}
