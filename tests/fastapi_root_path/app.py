"""FastAPI's "Behind a Proxy" apps (docs_src/behind_a_proxy/tutorial001..004), one per
variant, plus a /urls route showing the request's URL and url_for under a root_path.

Each variant is served by uvicorn (record.py), as the docs page runs them:
- server:     tutorial001, `uvicorn --root-path /api/v1`
- app:        tutorial002, FastAPI(root_path="/api/v1")
- servers:    tutorial003, FastAPI(servers=[staging, production], root_path="/api/v1")
- no_servers: tutorial004, the same with root_path_in_servers=False
- none:       FastAPI() without any root_path
"""
import os
import warnings

from fastapi import FastAPI, Request

warnings.filterwarnings("ignore")  # FastAPI 0.165 deprecates root_path= (the docs still use it)

SERVERS = [
    {"url": "https://stag.example.com", "description": "Staging environment"},
    {"url": "https://prod.example.com", "description": "Production environment"},
]

VARIANTS = {
    "server": {"kwargs": {}, "root_path_option": "/api/v1"},
    "app": {"kwargs": {"root_path": "/api/v1"}, "root_path_option": None},
    "servers": {"kwargs": {"servers": SERVERS, "root_path": "/api/v1"}, "root_path_option": None},
    "no_servers": {
        "kwargs": {"servers": SERVERS, "root_path": "/api/v1", "root_path_in_servers": False},
        "root_path_option": None,
    },
    "none": {"kwargs": {}, "root_path_option": None},
}


def make(variant):
    app = FastAPI(title="Behind a proxy", version="1.0.0", **VARIANTS[variant]["kwargs"])

    @app.get("/app")
    def read_main(request: Request):
        return {"message": "Hello World", "root_path": request.scope.get("root_path")}

    @app.get("/urls")
    def urls(request: Request):
        return {
            "url": str(request.url),
            "base_url": str(request.base_url),
            "url_for": str(request.url_for("read_main")),
        }

    return app


app = make(os.environ.get("ROOT_PATH_VARIANT", "none"))
