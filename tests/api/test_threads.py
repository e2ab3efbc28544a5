"""Behind a burst: a question asked again while its first answer is still queued waits for that
answer instead of queueing a second computation, each verification still gets a record of its
own, and a request whose caller has left is dropped when its turn comes, not computed."""

from __future__ import annotations

import asyncio
import threading

import anyio
import httpx
import pytest
from starlette.requests import Request

from tests.support.registry_files import enterprise_row, write_enterprises
from xinyong.api.app import create_app
from xinyong.api.threads import Flights, in_request_thread
from xinyong.errors import ClientGone, NotFound
from xinyong.sources.config import get_source
from xinyong.sources.scheduler import run_syncs

NAME = "连云港市海州区金鼎商贸有限公司"


@pytest.fixture
def app(tmp_path, engine):
    write_enterprises(tmp_path / "enterprises.csv", [enterprise_row(1, 企业名称=NAME)])
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": tmp_path})])
    return create_app(engine)


async def _while_the_only_thread_is_busy(app, requests: list[tuple[str, str, dict | None]]):
    """Send the requests while the process's one request thread is held by other work, so
    they all queue together; then free the thread and collect the answers."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = 1
    started, release = threading.Event(), threading.Event()

    def busy() -> None:
        started.set()
        release.wait(30)

    holder = asyncio.ensure_future(anyio.to_thread.run_sync(busy))
    await anyio.to_thread.run_sync(started.wait, 30, limiter=anyio.CapacityLimiter(1))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
        sent = [
            asyncio.ensure_future(client.request(method, path, json=body))
            for method, path, body in requests
        ]
        await asyncio.sleep(0.2)  # every request is now waiting for the thread
        assert not any(s.done() for s in sent)
        release.set()
        answers = await asyncio.gather(*sent)
    await holder
    return answers


def test_the_same_search_asked_five_times_in_a_burst_is_computed_once(app):
    search = ("GET", "/api/v1/enterprises?q=金鼎", None)
    answers = asyncio.run(_while_the_only_thread_is_busy(app, [search] * 5))
    assert [a.status_code for a in answers] == [200] * 5
    assert sorted(a.headers["x-cache"] for a in answers) == ["miss"] + ["shared"] * 4
    assert len({a.content for a in answers}) == 1
    assert [i["name"] for i in answers[0].json()["items"]] == [NAME]
    assert len(app.state.flights) == 0


def test_five_identical_verifications_in_a_burst_each_get_a_record_of_their_own(app):
    verify = ("POST", "/api/v1/verifications", {"name": NAME})
    answers = asyncio.run(_while_the_only_thread_is_busy(app, [verify] * 5))
    assert [a.status_code for a in answers] == [201] * 5
    reports = [a.json() for a in answers]
    assert len({r["id"] for r in reports}) == 5
    assert len({r["digest"] for r in reports}) == 5
    assert {r["verdict"] for r in reports} == {reports[0]["verdict"]}
    assert {r["enterprise"]["name"] for r in reports} == {NAME}

    async def fetch_all():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
            return [await client.get(f"/api/v1/verifications/{r['id']}") for r in reports]

    stored = asyncio.run(fetch_all())
    assert [s.json()["id"] for s in stored] == [r["id"] for r in reports]
    assert [s.json()["digest"] for s in stored] == [r["digest"] for r in reports]


def _request(messages: list[dict]) -> Request:
    """A request as the server hands it over: its ASGI channel yields these messages, then
    waits (the caller is still there)."""
    queue = list(messages)

    async def receive() -> dict:
        if queue:
            return queue.pop(0)
        await asyncio.Event().wait()
        return {}

    return Request({"type": "http", "method": "GET", "path": "/", "headers": []}, receive)


def test_a_request_whose_caller_left_while_it_queued_is_dropped_unanswered():
    computed: list[str] = []
    left = [{"type": "http.request", "body": b""}, {"type": "http.disconnect"}]

    async def story():
        anyio.to_thread.current_default_thread_limiter().total_tokens = 1
        release = threading.Event()
        holder = asyncio.ensure_future(anyio.to_thread.run_sync(release.wait, 30))
        await asyncio.sleep(0.05)
        gone = asyncio.ensure_future(
            in_request_thread(_request(left), lambda: computed.append("gone"))
        )
        waiting = asyncio.ensure_future(
            in_request_thread(_request([]), lambda: computed.append("waiting") or "answer")
        )
        await asyncio.sleep(0.1)
        release.set()
        await holder
        with pytest.raises(ClientGone):
            await gone
        assert await waiting == "answer"

    asyncio.run(story())
    assert computed == ["waiting"]


def test_who_waited_on_a_request_whose_caller_left_gets_an_answer_of_its_own():
    flights: Flights[str] = Flights()

    async def story():
        leader_may_fail = asyncio.Event()

        async def leaves() -> str:
            await leader_may_fail.wait()
            raise ClientGone("请求方已断开", "the caller left")

        async def computes() -> str:
            return "answer"

        leader = asyncio.ensure_future(flights.run("q", leaves))
        await asyncio.sleep(0)
        waiter = asyncio.ensure_future(flights.run("q", computes))
        await asyncio.sleep(0)
        leader_may_fail.set()
        with pytest.raises(ClientGone):
            await leader
        assert await waiter == ("answer", False)

    asyncio.run(story())
    assert len(flights) == 0


def test_an_answer_that_is_an_error_is_shared_like_any_other():
    flights: Flights[str] = Flights()
    runs: list[int] = []

    async def missing() -> str:
        runs.append(1)
        await asyncio.sleep(0.01)
        raise NotFound("未找到该企业", "no such enterprise")

    async def story():
        results = await asyncio.gather(
            *(flights.run("q", missing) for _ in range(3)), return_exceptions=True
        )
        assert [type(r) for r in results] == [NotFound] * 3

    asyncio.run(story())
    assert runs == [1]


def test_a_verification_sent_in_chunks_is_answered_not_taken_for_a_caller_that_left(app):
    # A body without Content-Length is read whole by the guard before the route runs; the
    # route must still hear of its caller only when the caller really goes.
    from fastapi.testclient import TestClient

    body = f'{{"name": "{NAME}"}}'.encode()
    with TestClient(app) as client:
        answer = client.post(
            "/api/v1/verifications",
            content=iter([body[:10], body[10:]]),
            headers={"content-type": "application/json"},
        )
    assert answer.status_code == 201, answer.text
    assert answer.json()["enterprise"]["name"] == NAME
