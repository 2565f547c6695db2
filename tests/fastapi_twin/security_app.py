"""The FastAPI twin of tests/security.rs: FastAPI's security classes on the
routes the Rust side declares with fastrs::security (same paths, same
configuration). Each Python declaration has a `# Rust:` comment naming its
fastrs counterpart. Recorded by record_security.py into security.json."""
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import (
    APIKeyCookie,
    APIKeyHeader,
    APIKeyQuery,
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
    OAuth2PasswordBearer,
    OAuth2PasswordRequestForm,
)

app = FastAPI(title="Security twin", version="1.0.0")

# Rust: security_config!(TokenAuth: OAuth2PasswordBearerConfig, token_url = "auth/token")
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="auth/token")
# Rust: security_config!(OptionalTokenAuth: OAuth2PasswordBearerConfig, token_url = "auth/token",
#       scheme_name = "OptionalOAuth2") used as Optional<OAuth2PasswordBearer<OptionalTokenAuth>>
optional_oauth2 = OAuth2PasswordBearer(tokenUrl="auth/token", scheme_name="OptionalOAuth2",
                                       auto_error=False)
# Rust: security_config!(ScopedAuth: OAuth2PasswordBearerConfig, token_url = "auth/token",
#       refresh_url = "auth/refresh", scheme_name = "Scoped", description = "...", scopes = [...])
scoped_oauth2 = OAuth2PasswordBearer(
    tokenUrl="auth/token", refreshUrl="auth/refresh", scheme_name="Scoped",
    description="OAuth2 with scopes",
    scopes={"me": "Read information about the current user.", "items": "Read items."})
# Rust: HTTPBearer (the default configuration, `()`)
bearer = HTTPBearer()
# Rust: security_config!(OptionalBearerConfig: HTTPBearerConfig, bearer_format = "JWT",
#       scheme_name = "OptionalBearer", description = "A JWT, optional") as Optional<HTTPBearer<...>>
optional_bearer = HTTPBearer(bearerFormat="JWT", scheme_name="OptionalBearer",
                             description="A JWT, optional", auto_error=False)
# Rust: HTTPBasic
basic = HTTPBasic()
# Rust: security_config!(RealmBasic: HTTPBasicConfig, realm = "fastrs", scheme_name = "BasicRealm")
basic_realm = HTTPBasic(realm="fastrs", scheme_name="BasicRealm")
# Rust: security_config!(OptionalBasicConfig: HTTPBasicConfig, scheme_name = "OptionalBasic") as Optional<...>
optional_basic = HTTPBasic(scheme_name="OptionalBasic", auto_error=False)
# Rust: security_config!(ApiKeyName: APIKeyConfig, name = "X-API-Key") with APIKeyHeader
key_header = APIKeyHeader(name="X-API-Key")
# Rust: security_config!(ApiKeyParam: APIKeyConfig, name = "api_key") with APIKeyQuery
key_query = APIKeyQuery(name="api_key")
# Rust: security_config!(SessionCookie: APIKeyConfig, name = "session") with APIKeyCookie
key_cookie = APIKeyCookie(name="session")
# Rust: security_config!(OptionalKey: APIKeyConfig, name = "X-API-Key", scheme_name = "OptionalKey",
#       description = "An optional key") with Optional<APIKeyHeader<OptionalKey>>
optional_key = APIKeyHeader(name="X-API-Key", scheme_name="OptionalKey",
                            description="An optional key", auto_error=False)


@app.get("/oauth2/me")
async def oauth2_me(token: Annotated[str, Depends(oauth2_scheme)]):
    return {"token": token}


@app.get("/oauth2/optional")
async def oauth2_optional(token: Annotated[str | None, Depends(optional_oauth2)]):
    return {"token": token}


@app.get("/oauth2/scoped")
async def oauth2_scoped(token: Annotated[str, Depends(scoped_oauth2)]):
    return {"token": token}


# Rust: #[dependency] async fn current_user(token: Depends<OAuth2PasswordBearer<TokenAuth>>)
async def current_user(token: Annotated[str, Depends(oauth2_scheme)]):
    if token != "good":
        from fastapi import HTTPException
        raise HTTPException(401, "Could not validate credentials",
                            headers={"WWW-Authenticate": "Bearer"})
    return {"name": "ada"}


@app.get("/users/me")
async def users_me(user: Annotated[dict, Depends(current_user)]):
    return {"user": user["name"]}


@app.get("/oauth2/with-query")
async def oauth2_with_query(token: Annotated[str, Depends(oauth2_scheme)], n: int):
    return {"token": token, "n": n}


@app.get("/bearer")
async def bearer_route(creds: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]):
    return {"scheme": creds.scheme, "credentials": creds.credentials}


@app.get("/bearer/optional")
async def bearer_optional(
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(optional_bearer)]):
    return {"creds": creds and {"scheme": creds.scheme, "credentials": creds.credentials}}


@app.get("/basic")
async def basic_route(creds: Annotated[HTTPBasicCredentials, Depends(basic)]):
    return {"username": creds.username, "password": creds.password}


@app.get("/basic/realm")
async def basic_realm_route(creds: Annotated[HTTPBasicCredentials, Depends(basic_realm)]):
    return {"username": creds.username, "password": creds.password}


@app.get("/basic/optional")
async def basic_optional(creds: Annotated[HTTPBasicCredentials | None, Depends(optional_basic)]):
    return {"creds": creds and {"username": creds.username, "password": creds.password}}


@app.get("/key/header")
async def key_header_route(key: Annotated[str, Depends(key_header)]):
    return {"key": key}


@app.get("/key/query")
async def key_query_route(key: Annotated[str, Depends(key_query)]):
    return {"key": key}


@app.get("/key/cookie")
async def key_cookie_route(key: Annotated[str, Depends(key_cookie)]):
    return {"key": key}


@app.get("/key/optional")
async def key_optional(key: Annotated[str | None, Depends(optional_key)]):
    return {"key": key}


@app.get("/multi")
async def multi(creds: Annotated[HTTPAuthorizationCredentials, Depends(bearer)],
                key: Annotated[str, Depends(key_header)]):
    return {"credentials": creds.credentials, "key": key}


@app.post("/auth/token")
async def login(form: Annotated[OAuth2PasswordRequestForm, Depends()]):
    return {"grant_type": form.grant_type, "username": form.username,
            "password": form.password, "scopes": form.scopes,
            "client_id": form.client_id, "client_secret": form.client_secret}


# Rust: Router::new().prefix("/admin").dependency::<APIKeyHeader<ApiKeyName>>()
admin = APIRouter(prefix="/admin", dependencies=[Depends(key_header)])


@admin.get("/stats")
async def admin_stats():
    return {"ok": True}


app.include_router(admin)
