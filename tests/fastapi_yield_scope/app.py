"""When a dependency with `yield` runs its exit code (FastAPI's default
`scope="request"`): after the response has been sent (a streaming body, its
background tasks) when the handler returned, before the error response when
it raised. `/log` answers and clears what happened, in order."""
from typing import Annotated

from fastapi import BackgroundTasks, Depends, FastAPI, HTTPException
from fastapi.responses import StreamingResponse

app = FastAPI(title="Yield scope")
LOG: list[str] = []


async def session():
    LOG.append("enter")
    try:
        yield "session"
    except HTTPException as e:
        LOG.append(f"exit with {e.status_code}")
        raise
    else:
        LOG.append("exit")


@app.get("/stream")
async def stream(s: Annotated[str, Depends(session)]):
    async def chunks():
        for i in range(2):
            LOG.append(f"chunk {i} with {s}")
            yield f"{i};"

    return StreamingResponse(chunks(), media_type="text/plain")


@app.get("/json")
async def json_with_task(s: Annotated[str, Depends(session)], tasks: BackgroundTasks):
    tasks.add_task(LOG.append, "background task")
    LOG.append("handler")
    return {"session": s}


@app.get("/fail")
async def fail(s: Annotated[str, Depends(session)]):
    LOG.append("handler")
    raise HTTPException(status_code=409, detail="conflict")


@app.get("/log")
def read_log():
    out = list(LOG)
    LOG.clear()
    return out


# FastAPI's "Early exit and scope" (tutorial008e): scope="function" exits
# as soon as the handler has returned, before the response is sent.
def get_username():
    LOG.append("enter function-scoped")
    try:
        yield "Rick"
    finally:
        LOG.append("function-scoped exit")


@app.get("/users/me")
def get_user_me(username: Annotated[str, Depends(get_username, scope="function")],
                s: Annotated[str, Depends(session)]):
    async def chunks():
        LOG.append(f"chunk for {username} with {s}")
        yield username

    return StreamingResponse(chunks(), media_type="text/plain")
