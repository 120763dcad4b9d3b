"""The public site only reads: anything but GET, HEAD and OPTIONS gets 405, and client
errors are answered without stalling the server.

- Datasette 0.65 answers a POST to a table page, or any request to a row's `/-/delete`,
  with a 500 error; nothing is written (the database is immutable), but a 500 says the server
  failed. A refused method is the client's mistake: 405, with the methods that are allowed.
- When the `rich` package is installed (frictionless, a test dependency, brings it),
  Datasette prints every 4xx and 5xx with all local variables, blocking the event loop for
  about half a second each. Errors are answered and logged by Datasette as usual without it.
"""

from __future__ import annotations

import datasette.handle_exception
from datasette import hookimpl

datasette.handle_exception.rich = None

ALLOWED = ("GET", "HEAD", "OPTIONS")


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def read_only(scope, receive, send):
            if scope["type"] == "http" and scope["method"] not in ALLOWED:
                body = b"405 Method Not Allowed: this site is read-only (GET, HEAD, OPTIONS)\n"
                await send(
                    {
                        "type": "http.response.start",
                        "status": 405,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"allow", ", ".join(ALLOWED).encode()),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
            await app(scope, receive, send)

        return read_only

    return wrap
