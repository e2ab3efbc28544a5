"""Request dependencies: a database session from the app's engine."""

from collections.abc import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session


def get_session(request: Request) -> Iterator[Session]:
    session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.close()


# What routes take. Function-scoped: the session, and the pooled connection it holds, is closed
# as soon as the route returns, before FastAPI validates and sends the answer. Request-scoped,
# a sync route kept its connection while it waited for a worker thread to validate its answer;
# under 5,000 connections every thread waited for a connection held by a finished request, and
# the server never recovered (bench/RESULTS.md, the load benchmark).
DbSession = Depends(get_session, scope="function")
