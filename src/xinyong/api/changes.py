"""GET /api/v1/changes: this node's change feed for peers (provincial sharing)."""

from typing import Any

from fastapi import APIRouter, Query, Request

from xinyong.sources.feed import changes_since

router = APIRouter(prefix="/api/v1/changes", tags=["sources 数据源"])


@router.get("", summary="变更订阅 / Change feed")
def get_changes(
    request: Request,
    since: int = Query(0, ge=0, description="上次读到的游标 / the last cursor you read"),
    limit: int = Query(500, ge=1, le=5000),
) -> dict[str, Any]:
    """Records this node imported after cursor `since`, in its layouts' official headers."""
    with request.app.state.engine.connect() as conn:
        return changes_since(conn, since, limit)
