"""GET /api/v1/sources: every upstream's freshness, runs and rejects."""

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from xinyong.api.deps import DbSession
from xinyong.errors import NotFound
from xinyong.sources.config import load_sources
from xinyong.sources.freshness import SourceStatus, all_status, rejects_of, source_status

router = APIRouter(prefix="/api/v1/sources", tags=["sources 数据源"])


@router.get("", response_model=list[SourceStatus], summary="数据源与新鲜度 / Sources and freshness")
def list_sources(session: Session = DbSession) -> list[SourceStatus]:
    return all_status(session, load_sources())


@router.get("/{name}", response_model=SourceStatus, summary="单个数据源 / One source")
def get_source_status(name: str, session: Session = DbSession) -> SourceStatus:
    sources = load_sources()
    if name not in sources:
        raise NotFound(f"没有名为“{name}”的数据源", f"no source named '{name}'")
    return source_status(session, sources[name])


@router.get("/runs/{run_id}/rejects", summary="被拒绝的行 / Rejected rows of a run")
def get_rejects(run_id: int, session: Session = DbSession) -> list[dict[str, Any]]:
    return rejects_of(session, run_id)
