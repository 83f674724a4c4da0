"""``HEAD`` answered as ``GET`` without a body, on every route that answers ``GET``.

FastAPI's routes answer only the methods they declare, so a ``HEAD`` for a page or an API
action was a 405. :class:`HeadAsGet` runs a ``HEAD`` as the ``GET`` it asks about and sends
that answer's status and headers (``Content-Length`` included) without its body, whatever
the server. A route that only takes ``POST`` still answers 405. Paths under ``exempt`` (the tus
upload endpoint, whose ``HEAD`` is a request of its own) pass unchanged. The cost of a ``HEAD`` is
the cost of the ``GET``: a finished download's file is read, though not sent.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """ASGI middleware: a ``HEAD`` request is routed and answered as ``GET``, minus the body."""

    def __init__(self, app: ASGIApp, exempt: tuple[str, ...] = ()) -> None:
        self.app = app
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "HEAD"
                or (self.exempt and scope["path"].startswith(self.exempt))):
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body" and message.get("body"):
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)
