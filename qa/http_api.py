"""`qa serve`: the HTTP JSON API (FastAPI on uvicorn) over one index.

Every error is one JSON line, `{"error": "..."}`, with a 4xx status for a bad request. With a
token set, every request but one to /health asks for `Authorization: Bearer TOKEN` before anything
else about it is looked at.
"""

from __future__ import annotations

import hmac
import ipaddress
import socket
import sys
from typing import Literal

import anyio
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qa.errors import QAError
from qa.question import MAX_CHARS
from qa.service import NotFound, Service
from qa.text import collapse_whitespace, json_text

MAX_BODY = 64 * 1024  # bytes of a request body; a question is capped at MAX_CHARS characters anyway


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # "k": "3" or true is refused as "since": 2017 is

    question: str = Field(description=f"The question; control characters are dropped, and it is cut at {MAX_CHARS}.")
    k: int = Field(5, ge=1, le=100, description="Passages to return.")
    mode: Literal["hybrid", "dense", "lexical"] = "hybrid"
    source: str | None = Field(None, description="Only articles whose outlet, title or path contains this.")
    since: str | None = Field(None, description="Only articles dated on or after: YYYY-MM-DD, YYYY-MM or YYYY.")
    until: str | None = Field(None, description="Only articles dated on or before: YYYY-MM-DD, YYYY-MM or YYYY.")


class ErrorBody(BaseModel):
    """What every refused request gets."""

    error: str = Field(description="Why the request was refused, in one line.")


class TokenGuard:
    """Refuse a request without `Authorization: Bearer TOKEN` (401) before its route, method or body is
    looked at; /health stays open. A websocket without it is closed (policy violation) before it opens."""

    def __init__(self, app: ASGIApp, token: str):
        self.app = app
        self.token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        opens = scope["type"] == "lifespan" or (scope["type"] == "http" and scope["path"] == "/health")
        if opens or self.authorised(Headers(scope=scope)):
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            refusal = "a valid token is needed: send `Authorization: Bearer TOKEN`"
            await error(401, refusal, {"WWW-Authenticate": "Bearer"})(scope, receive, send)

    def authorised(self, headers: Headers) -> bool:
        scheme, _, given = headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self.token)


class BodyLimit:
    """Refuse a request body over `limit` bytes (413), whether it states its length or is sent in chunks."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        stated = dict(scope["headers"]).get(b"content-length", b"0")
        if not stated.isdigit() or int(stated) > self.limit:
            await error(413, f"the request body is over {self.limit:,} bytes")(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise HTTPException(413, f"the request body is over {self.limit:,} bytes")
            return message

        await self.app(scope, limited, send)


class SafeJSONResponse(JSONResponse):
    """JSON with every control character escaped and a file name's undecodable bytes written as escapes."""

    def render(self, content) -> bytes:
        return json_text(content).encode("utf-8")


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return SafeJSONResponse({"error": collapse_whitespace(message)}, status_code=status, headers=headers)


_UNREADABLE_BODY = "There was an error parsing the body"  # FastAPI's 400 for a body no JSON decoder reads


def _validation_message(exc: RequestValidationError) -> str:
    """The first problem of a request that does not fit its model, in one line ("k: …")."""
    first = exc.errors()[0]
    if first.get("type") == "json_invalid":
        return f"the body is not JSON ({first.get('ctx', {}).get('error', 'invalid')})"
    if first.get("loc") == ("body",):
        return "the body must be a JSON object, sent with Content-Type: application/json"
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    return f"{where}: {first.get('msg', 'invalid')}" if where else first.get("msg", "invalid request")


def create_app(service: Service, token: str | None = None, max_body: int = MAX_BODY) -> FastAPI:
    app = FastAPI(
        title="qa",
        summary="Cited answers from a collection of news articles: every word shown comes from an article.",
        version="1",
        default_response_class=SafeJSONResponse,
        docs_url=None,  # the interactive pages load their scripts from a CDN: blank on a machine offline
        redoc_url=None,
        openapi_url=None,  # served below, behind the token as every route but /health
        responses={"4XX": {"model": ErrorBody}},  # in place of FastAPI's 422 body, which this API never sends
    )
    app.add_middleware(BodyLimit, limit=max_body)
    if token is not None:
        app.add_middleware(TokenGuard, token=token)  # added last, so it runs first

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == _UNREADABLE_BODY:  # not UTF-8, or nested past any JSON parser
            return error(422, "the body is not JSON that can be read (not UTF-8, or nested too deep)")
        return error(exc.status_code, str(exc.detail), exc.headers)  # a 405's Allow among them

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error(422, _validation_message(exc))

    @app.exception_handler(QAError)
    async def refused(_: Request, exc: QAError) -> JSONResponse:
        return error(404 if isinstance(exc, NotFound) else 400, str(exc))

    # As many threads read the index as the service has searchers; other requests wait on the event loop.
    readers = anyio.CapacityLimiter(service.searchers)

    async def read(call, *arguments):
        return await anyio.to_thread.run_sync(call, *arguments, limiter=readers)

    @app.get("/health")
    async def health() -> dict:
        """Whether the index answers, with its article and passage counts and its generation."""
        return await read(service.health)

    @app.get("/openapi.json", include_in_schema=False)
    async def schema() -> dict:
        """The API's OpenAPI description, for clients generated from it."""
        return app.openapi()

    @app.post("/ask")
    async def ask(request: AskRequest) -> JSONResponse:
        """The passages that best answer the question, cited: exactly what `qa ask --json` prints."""
        reply = await read(lambda: service.ask(**request.model_dump()))
        headers = {"X-QA-Generation": str(reply.generation)} | ({"X-QA-Notice": reply.notice} if reply.notice else {})
        return SafeJSONResponse(reply.answer, headers=headers)

    @app.get("/articles/{article:path}")
    async def article(article: str, record: int | None = Query(None, ge=0)) -> dict:
        """An indexed article (by file name, or by path when names repeat; a file of records also by
        `?record=N`): metadata, its text, and each passage's `chars` (offsets in that text) and `lines`
        (in the file), as results cite them."""
        return await read(service.article, article, record)

    @app.get("/sources")
    async def sources() -> list[dict]:
        """The indexed articles with titles, outlets, dates and passage counts."""
        return await read(service.sources)

    @app.post("/reindex")
    def reindex() -> dict:
        """Bring the index up to date with its recorded sources; the `qa index --json` summary."""
        return service.reindex()

    return app


def listening_socket(host: str, port: int, token: str | None) -> socket.socket:
    """A socket bound to host:port (port 0: a free one), refusing an address off this machine without a token."""
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as problem:
        raise QAError(f"cannot serve on {host}: {problem.strerror}") from None
    if not ipaddress.ip_address(address[0]).is_loopback and token is None:
        raise QAError(f"{host} is reachable from other machines: give --token TOKEN (or QA_TOKEN) to serve there")
    listener = socket.socket(family, kind, protocol)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
        listener.listen(2048)  # connections wait in the backlog until the server is up
    except OSError as problem:
        listener.close()
        raise QAError(f"cannot serve on {host}:{port}: {problem.strerror}") from None
    return listener


def serve(service: Service, listener: socket.socket, token: str | None) -> None:
    """Answer HTTP requests on the bound socket until interrupted."""
    import uvicorn

    service.warm_up()
    host, port = listener.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(
        f"qa: serving {service.directory} at http://{shown}:{port} (OpenAPI description at /openapi.json)",
        file=sys.stderr,
        flush=True,
    )
    config = uvicorn.Config(create_app(service, token), log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[listener])
