"""/api/v1/watchlist (thin): the caller's watched enterprises and their alerts."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from xinyong.accounts.errors import Forbidden
from xinyong.accounts.principal import Principal, require_scope, require_signed_in
from xinyong.api.deps import DbSession
from xinyong.errors import NotFound
from xinyong.lists.operator import request_now
from xinyong.profile.glance import Glance
from xinyong.watch import service

router = APIRouter(prefix="/api/v1/watchlist", tags=["watchlist 关注"])


class WatchIn(BaseModel):
    credit_code: str = Field(description="统一社会信用代码 / unified social credit code")


class SeenIn(BaseModel):
    credit_code: str | None = Field(None, description="只标记这家企业 / only this enterprise")


class WatchedOut(BaseModel):
    credit_code: str
    name: str
    since: datetime
    status: str | None
    grade: str | None
    alerts: int
    unread: int
    records: Glance | None = Field(
        None,
        description="在效的失信、被执行记录，近3年行政处罚，经营异常，公示中的红黑名单 / records in "
        "force, penalties in 3 years, abnormal operation, red or black list entries",
    )


class AlertOut(BaseModel):
    kind: str = Field(description="record / list / grade")
    credit_code: str
    name: str
    at: datetime
    title_zh: str
    title_en: str
    detail_zh: str
    detail_en: str
    link: str
    unread: bool


def user_of(principal: Principal) -> int:
    """A watch list belongs to a person's account (an API key acts for its owner)."""
    if principal.user_id is None:
        raise Forbidden(
            "关注列表属于个人账户：请登录或使用个人账户的接口密钥",
            "a watch list belongs to a person's account: sign in or use that account's API key",
        )
    return principal.user_id


def _watched(w: service.Watched) -> WatchedOut:
    return WatchedOut(
        credit_code=w.item.credit_code,
        name=w.item.name,
        since=w.item.created_at,
        status=w.status,
        grade=w.grade,
        alerts=w.alerts,
        unread=w.unread,
        records=w.records,
    )


@router.get("", response_model=list[WatchedOut], summary="我的关注 / My watch list")
def get_watchlist(
    principal: Principal = Depends(require_signed_in), session: Session = DbSession
) -> list[WatchedOut]:
    watched, _ = service.overview(session, user_of(principal))
    return [_watched(w) for w in watched]


@router.post(
    "", status_code=201, response_model=WatchedOut, summary="关注企业 / Watch an enterprise"
)
def add(
    body: WatchIn,
    request: Request,
    principal: Principal = Depends(require_scope("write")),
    session: Session = DbSession,
) -> WatchedOut:
    user = user_of(principal)
    item = service.add(session, user, body.credit_code, request_now(request))
    session.commit()
    watched, _ = service.overview(session, user)
    return _watched(next(w for w in watched if w.item.id == item.id))


@router.delete(
    "/{code}", status_code=204, response_class=Response, summary="取消关注 / Stop watching"
)
def remove(
    code: str,
    principal: Principal = Depends(require_scope("write")),
    session: Session = DbSession,
) -> Response:
    if not service.remove(session, user_of(principal), code):
        raise NotFound(f"关注列表中没有 {code}", f"{code} is not on your watch list")
    session.commit()
    return Response(status_code=204)


@router.get("/alerts", response_model=list[AlertOut], summary="关注提醒 / Watch list alerts")
def get_alerts(
    code: str | None = Query(None, description="只看这家企业 / one enterprise only"),
    unread: bool = Query(False, description="只看未读 / unread only"),
    principal: Principal = Depends(require_signed_in),
    session: Session = DbSession,
) -> list[AlertOut]:
    found = service.alerts(session, user_of(principal), code)
    return [AlertOut(**a.as_dict()) for a in found if a.unread or not unread]


@router.post("/seen", summary="标记提醒为已读 / Mark alerts read")
def seen(
    body: SeenIn,
    request: Request,
    principal: Principal = Depends(require_signed_in),
    session: Session = DbSession,
) -> dict[str, int]:
    marked = service.mark_seen(session, user_of(principal), body.credit_code, request_now(request))
    session.commit()
    return {"marked": marked}
