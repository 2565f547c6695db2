"""FastAPI's "Testing Dependencies with Overrides" page
(docs_src/dependency_testing/tutorial001_an_py310.py), plus overrides of a
sub-dependency, of a security scheme, and a replacement with its own
parameters and sub-dependency. The overrides are set as the page sets them,
on the app, before the requests."""
from typing import Annotated

from fastapi import Depends, FastAPI, Header
from fastapi.security import OAuth2PasswordBearer

app = FastAPI(title="Testing dependencies")


async def common_parameters(q: str | None = None, skip: int = 0, limit: int = 100):
    return {"q": q, "skip": skip, "limit": limit}


@app.get("/items/")
async def read_items(commons: Annotated[dict, Depends(common_parameters)]):
    return {"message": "Hello Items!", "params": commons}


@app.get("/users/")
async def read_users(commons: Annotated[dict, Depends(common_parameters)]):
    return {"message": "Hello Users!", "params": commons}


async def override_dependency(q: str | None = None):
    return {"q": q, "skip": 5, "limit": 10}


app.dependency_overrides[common_parameters] = override_dependency


# A sub-dependency replaced: the dependency using it runs as written.
async def get_token(x_token: Annotated[str, Header()]):
    return x_token


async def current_user(token: Annotated[str, Depends(get_token)]):
    return {"name": f"user of {token}"}


@app.get("/me")
async def read_me(user: Annotated[dict, Depends(current_user)]):
    return user


async def fake_token():
    return "fixed"


app.dependency_overrides[get_token] = fake_token


# A security scheme replaced: a test logged in as a fixed token.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


@app.get("/secure")
async def read_secure(token: Annotated[str, Depends(oauth2_scheme)]):
    return {"token": token}


async def logged_in():
    return "test-token"


app.dependency_overrides[oauth2_scheme] = logged_in


# A replacement with its own parameters and sub-dependency.
async def real_db():
    return "production"


@app.get("/db")
async def read_db(db: Annotated[str, Depends(real_db)]):
    return {"db": db}


async def db_suffix(x_suffix: Annotated[str, Header()]):
    return x_suffix


async def test_db(suffix: Annotated[str, Depends(db_suffix)], n: int = 1):
    return f"test-{suffix}-{n}"


app.dependency_overrides[real_db] = test_db


# Cookies: the test client keeps what responses set, as httpx's client does.
from fastapi import Cookie, Response  # noqa: E402


@app.post("/login")
async def login(response: Response):
    response.set_cookie("session", "abc")
    response.set_cookie("area", "admin", path="/admin")
    return {"logged_in": True}


@app.get("/whoami")
async def whoami(session: Annotated[str | None, Cookie()] = None,
                 area: Annotated[str | None, Cookie()] = None):
    return {"session": session, "area": area}


@app.get("/admin/whoami")
async def admin_whoami(session: Annotated[str | None, Cookie()] = None,
                       area: Annotated[str | None, Cookie()] = None):
    return {"session": session, "area": area}


@app.post("/logout")
async def logout(response: Response):
    response.delete_cookie("session")
    return {"logged_in": False}
