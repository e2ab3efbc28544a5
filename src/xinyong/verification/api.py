"""/api/v1/verifications: run a three-step verification, fetch a stored one, verify a file of counterparties."""

from __future__ import annotations

import functools
import tempfile
from collections import OrderedDict
from pathlib import Path

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from xinyong.accounts.principal import QUESTION
from xinyong.accounts.uploads import MB, read_upload
from xinyong.api.cache import PUBLIC_DATA
from xinyong.api.carry import marked
from xinyong.api.deps import DbSession
from xinyong.api.group_commit import GroupWriter
from xinyong.api.threads import in_request_thread
from xinyong.api.urls import url_for
from xinyong.verification.batch import OUTPUT_TYPES, verify_file, write_output
from xinyong.verification.schemas import BatchOut, VerificationOut, VerificationRequest
from xinyong.verification.service import (
    carried_verification,
    get_verification,
    prepare_verification,
    record_verifications,
    reuse_key,
    reused_verification,
)

# A batch file: the type is judged from its bytes, the size capped (fails safely, never 500).
BATCH_MAX_BYTES = 10 * MB

router = APIRouter(prefix="/api/v1/verifications", tags=["verification 三步核验"])


def _with_url(request: Request, out: VerificationOut) -> VerificationOut:
    out.url = url_for(request, "verification_page", verification_id=out.id)
    return out


@router.post(
    "",
    response_model=VerificationOut,
    status_code=201,
    summary="三步核验 / Three-step verification",
    openapi_extra=QUESTION,
)
async def create_verification(body: VerificationRequest, request: Request) -> Response:
    answer, how = await verify_and_record(request, body)
    out = _with_url(request, answer)
    # Serialised here: returning the model would make FastAPI validate it again. X-Cache says
    # where the findings came from (the record is new either way), for the server's metrics.
    return Response(
        out.model_dump_json(),
        status_code=201,
        media_type="application/json",
        headers={"x-cache": how},
    )


async def verify_and_record(
    request: Request, body: VerificationRequest
) -> tuple[VerificationOut, str]:
    """One verification answered and recorded the way the server does it for every caller,
    the API and the portal's form alike: reused when the same question was answered at this
    data generation, else worked out on a request thread, then written by the batch writer.
    With the answer, where its findings came from: hit (reused), carried (from an older
    generation, api/carry.py), shared (another request's, made meanwhile) or miss (made)."""
    state = request.app.state
    sessions = state.sessions
    # The server's answer store: what one worker answered, the others reuse (api/cache.py).
    cache = getattr(state, "read_cache", None)
    store = cache.store if cache is not None else None
    # Answers kept at an older generation are taken over when nothing they rest on was written
    # since (api/carry.py); only with the answer cache on.
    carrier = cache.carrier if store is not None else None
    out, how, generation, now = None, "hit", None, None
    if getattr(state, "read_engine", None) is state.engine:
        # The same question at the same data generation was answered moments ago: the answer
        # is made here, in the event loop, without a worker thread (bench/RESULTS.md, load).
        # (With a read replica the generation must come from the primary the steps read.)
        now = marked(PUBLIC_DATA, state.generations.read(PUBLIC_DATA))
        generation = now.generation
        out = reused_verification(state.engine, generation, body, store)
        if out is None and carrier is not None:
            # Taken over here when this process knows what the writes since touched.
            out, how = carried_verification(None, carrier, state.engine, now, body), "carried"
    if out is None:
        reads = getattr(state, "primary_reads", sessions)

        def prepare() -> tuple[VerificationOut | None, str]:
            with reads() as session:
                return prepare_verification(session, body, generation, store, carrier, now)

        async def steps() -> tuple[VerificationOut | None, str]:
            return await in_request_thread(request, prepare)

        if generation is None:
            out, how = await steps()
        else:
            # Asked again while its first answer is being worked out: that answer, as a record
            # of this request's own (a new id), once it is kept.
            first, shared = await state.flights.run(
                reuse_key(state.engine, generation, body), steps
            )
            if shared:
                out, how = reused_verification(state.engine, generation, body, store), "shared"
            else:
                out, how = first
            if out is None:  # the first answer was not kept: this request runs its own steps
                out, how = await steps()
    # Records are written in batches by one thread per process (api/group_commit.py): a request
    # waits for its batch in the event loop instead of holding one of the few request threads,
    # and one write turn stores every record that arrived meanwhile (bench/RESULTS.md, load).
    writer = getattr(request.app.state, "verification_writer", None)
    if writer is not None:
        await writer.write((body, out))
    else:  # an app used without its lifespan, as some scripts do
        await run_in_threadpool(_write, sessions, [(body, out)])
    recorded = getattr(state, "just_recorded", None)
    if recorded is not None:
        recorded.keep(out)
    return out, how


class JustRecorded:
    """The answers this process recorded last, by id, for the result page asked for right after.

    The form redirects its visitor to the new record's page at once, on the same connection and
    so to the same process: that page is made from the answer in memory, in the event loop,
    instead of waiting behind the misses for a request thread to read back what was just
    written — under load the largest group of the pages' slow answers (bench/RESULTS.md, load).
    An answer is kept only once its record is committed, so the page never shows one that is
    not stored; later visits, and other processes, read the stored record. Used from the event
    loop only, so it needs no lock.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._answers: OrderedDict[str, VerificationOut] = OrderedDict()

    def keep(self, out: VerificationOut) -> None:
        # A copy without the URL: the caller sets it on its own answer, and a stored report
        # has none.
        self._answers[out.id] = out.model_copy(update={"url": None})
        while len(self._answers) > self.size:
            self._answers.popitem(last=False)

    def get(self, verification_id: str) -> VerificationOut | None:
        return self._answers.get(verification_id.strip().lower())


def _write(sessions, answers: list[tuple[VerificationRequest, VerificationOut]]) -> None:
    with sessions() as session:
        record_verifications(session, answers)


def verification_writer(sessions) -> GroupWriter:
    """The app's batch writer of verification records (started by the app's lifespan)."""
    return GroupWriter(functools.partial(_write, sessions), name="verifications")


@router.get(
    "/{verification_id}",
    response_model=VerificationOut,
    summary="查看核验记录 / A stored verification",
)
def read_verification(
    verification_id: str, request: Request, session: Session = DbSession
) -> VerificationOut:
    return _with_url(request, get_verification(session, verification_id))


@router.post(
    "/batch",
    response_model=BatchOut,
    summary="批量核验（CSV/XLSX）/ Batch verification of a CSV or XLSX file",
    responses={200: {"content": {t: {} for t in OUTPUT_TYPES.values()}}},
    openapi_extra=QUESTION,
)
def batch_verification(
    file: UploadFile = File(..., description="CSV 或 XLSX，含“统一社会信用代码”和/或“企业名称”列"),
    format: str = Query(
        "json", pattern="^(json|csv|xlsx)$", description="结果格式 / result format: json, csv, xlsx"
    ),
    service: str | None = Query(None, description="核验的服务 / service to check"),
    session: Session = DbSession,
):
    name = Path(file.filename or "upload.csv").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        data, kind = read_upload(file.file, name, ("xlsx", "csv"), BATCH_MAX_BYTES)
        if kind == "xlsx" and not name.lower().endswith((".xlsx", ".xlsm")):
            path = path.with_suffix(".xlsx")
        elif kind == "csv" and not name.lower().endswith((".csv", ".txt")):
            path = path.with_suffix(".csv")
        path.write_bytes(data)
        result = verify_file(session, path, service=service)
        session.commit()
        if format == "json":
            return result
        out = Path(folder) / f"verification-result.{format}"
        write_output(result, out)
        return Response(
            out.read_bytes(),
            media_type=OUTPUT_TYPES[format],
            headers={"Content-Disposition": f'attachment; filename="{out.name}"'},
        )
