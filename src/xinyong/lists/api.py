"""Lists API (thin): public lists and entries, objection and repair filing, operator actions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from xinyong.api.deps import DbSession
from xinyong.api.operator import require_named_operator
from xinyong.lists import lookups, notices, objections, repairs, service
from xinyong.lists.clock import local_date
from xinyong.lists.operator import request_now
from xinyong.lists.proposals import apply_rules
from xinyong.lists.schemas import (
    OFFICIAL_LABEL_EN,
    OFFICIAL_LABEL_ZH,
    DecisionIn,
    NotificationOut,
    ObjectionDecisionIn,
    ObjectionIn,
    ObjectionOut,
    OperatorEntry,
    OperatorObjectionOut,
    OperatorRepairOut,
    ProposalIn,
    PublicEntry,
    ReasonIn,
    RepairDecisionIn,
    RepairIn,
    RepairOut,
    SubjectStanding,
)

router = APIRouter(tags=["lists 红黑名单"])
operator = APIRouter(prefix="/api/v1/operator", tags=["lists 红黑名单 · operator 操作员"])


# --- public ---------------------------------------------------------------------------------


@router.get("/api/v1/lists", summary="红黑名单（公示中） / Published red and black lists")
def get_lists(
    request: Request,
    type: str | None = Query(None, description="red（红名单）/ black（黑名单）"),
    code: str | None = Query(None, description="统一社会信用代码 / credit code"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    session: Session = DbSession,
) -> dict[str, Any]:
    now = request_now(request)
    entries = lookups.public_entries(session, type, now, limit, offset, code)
    return {
        "label_zh": OFFICIAL_LABEL_ZH,
        "label_en": OFFICIAL_LABEL_EN,
        "type": type,
        "as_of": local_date(now).isoformat(),
        "items": [lookups.to_public(e).model_dump(mode="json") for e in entries],
    }


@router.get(
    "/api/v1/lists/subjects/{code}",
    response_model=SubjectStanding,
    summary="主体的名单与平台风险提示 / Official lists and platform flags of one code",
)
def get_subject(code: str, request: Request, session: Session = DbSession) -> SubjectStanding:
    return lookups.subject_standing(session, code, request_now(request))


@router.get("/api/v1/lists/{entry_id}", response_model=PublicEntry, summary="名单信息 / List entry")
def get_list_entry(entry_id: int, request: Request, session: Session = DbSession) -> PublicEntry:
    return lookups.to_public(lookups.public_entry(session, entry_id, request_now(request)))


@router.post(
    "/api/v1/objections",
    response_model=ObjectionOut,
    status_code=201,
    summary="提出异议 / File an objection",
)
def post_objection(
    body: ObjectionIn, request: Request, session: Session = DbSession
) -> ObjectionOut:
    now = request_now(request)
    filed = objections.submit(session, body, now)
    session.commit()
    return objections.to_out(filed, now, reveal_code=True)


@router.get(
    "/api/v1/objections/{objection_id}",
    response_model=ObjectionOut,
    summary="异议进度 / Objection status",
)
def get_objection(
    objection_id: int,
    request: Request,
    query_code: str = Query(..., description="提交时给出的查询码 / the query code given on filing"),
    session: Session = DbSession,
) -> ObjectionOut:
    return objections.to_out(
        objections.get(session, objection_id, query_code), request_now(request)
    )


@router.post(
    "/api/v1/repairs",
    response_model=RepairOut,
    status_code=201,
    summary="申请信用修复 / Apply for credit repair",
)
def post_repair(body: RepairIn, request: Request, session: Session = DbSession) -> RepairOut:
    now = request_now(request)
    filed = repairs.submit(session, body, now)
    session.commit()
    return repairs.to_out(filed, now, reveal_code=True)


@router.get(
    "/api/v1/repairs/{repair_id}", response_model=RepairOut, summary="信用修复进度 / Repair status"
)
def get_repair(
    repair_id: int,
    request: Request,
    query_code: str = Query(..., description="提交时给出的查询码 / the query code given on filing"),
    session: Session = DbSession,
) -> RepairOut:
    return repairs.to_out(repairs.get(session, repair_id, query_code), request_now(request))


# --- operators ------------------------------------------------------------------------------


def _entry_out(session: Session, entry) -> OperatorEntry:
    session.commit()
    return lookups.to_operator(session, entry)


@operator.get(
    "/lists", response_model=list[OperatorEntry], summary="名单审核列表 / All entries, any state"
)
def op_list(
    state: str | None = Query(None, description="proposed / approved / published / …"),
    type: str | None = Query(None, description="red / black"),
    code: str | None = Query(None),
    limit: int = Query(100, ge=1, le=1000),
    session: Session = DbSession,
    by: str = Depends(require_named_operator),
) -> list[OperatorEntry]:
    return [
        lookups.to_operator(session, e)
        for e in lookups.operator_entries(session, state, type, code, limit)
    ]


@operator.get(
    "/lists/{entry_id}", response_model=OperatorEntry, summary="名单信息及历史 / Entry with history"
)
def op_entry(
    entry_id: int,
    session: Session = DbSession,
    by: str = Depends(require_named_operator),
) -> OperatorEntry:
    return lookups.to_operator(session, service.get_entry(session, entry_id))


@operator.post(
    "/lists", response_model=OperatorEntry, status_code=201, summary="提请列入 / Propose an entry"
)
def op_propose(
    body: ProposalIn,
    request: Request,
    session: Session = DbSession,
    by: str = Depends(require_named_operator),
) -> OperatorEntry:
    return _entry_out(session, service.propose(session, body, by, request_now(request)))


@operator.post(
    "/lists/{entry_id}/approve",
    response_model=OperatorEntry,
    summary="批准（并告知当事人） / Approve",
)
def op_approve(
    entry_id: int,
    body: DecisionIn,
    request: Request,
    session: Session = DbSession,
    by: str = Depends(require_named_operator),
) -> OperatorEntry:
    return _entry_out(
        session, service.approve(session, entry_id, by, body.reason, request_now(request))
    )


@operator.post("/lists/{entry_id}/reject", response_model=OperatorEntry, summary="驳回 / Reject")
def op_reject(
    entry_id: int,
    body: ReasonIn,
    request: Request,
    session: Session = DbSession,
    by: str = Depends(require_named_operator),
) -> OperatorEntry:
    return _entry_out(
        session, service.reject(session, entry_id, by, body.reason, request_now(request))
    )


@operator.post("/lists/{entry_id}/publish", response_model=OperatorEntry, summary="公示 / Publish")
def op_publish(
    entry_id: int,
    request: Request,
    session: Session = DbSession,
    by: str = Depends(require_named_operator),
) -> OperatorEntry:
    return _entry_out(session, service.publish(session, entry_id, by, request_now(request)))


@operator.post("/lists/{entry_id}/revoke", response_model=OperatorEntry, summary="撤销 / Revoke")
def op_revoke(
    entry_id: int,
    body: ReasonIn,
    request: Request,
    session: Session = DbSession,
    by: str = Depends(require_named_operator),
) -> OperatorEntry:
    return _entry_out(
        session, service.revoke(session, entry_id, by, body.reason, request_now(request))
    )


@operator.post("/lists/expire", summary="执行到期处理 / Run the expiry job now")
def op_expire(
    request: Request,
    session: Session = DbSession,
    by: str = Depends(require_named_operator),
) -> dict[str, list[int]]:
    expired = service.expire_due(session, request_now(request))
    session.commit()
    return {"expired": expired}


@operator.post("/lists/propose-from-events", summary="按事件规则提请 / Run the proposal rules now")
def op_rules(
    request: Request,
    session: Session = DbSession,
    by: str = Depends(require_named_operator),
) -> dict[str, list[int]]:
    now = request_now(request)
    proposed, ended = apply_rules(session, now)
    session.commit()
    return {"proposed": proposed, "ended": ended}


@operator.post(
    "/objections/{objection_id}/decision",
    response_model=OperatorObjectionOut,
    summary="异议处理 / Decide an objection",
)
def op_objection(
    objection_id: int,
    body: ObjectionDecisionIn,
    request: Request,
    session: Session = DbSession,
    by: str = Depends(require_named_operator),
) -> OperatorObjectionOut:
    now = request_now(request)
    decided = objections.decide(session, objection_id, body, by, now)
    session.commit()
    return objections.to_operator_out(session, decided, now)


@operator.post(
    "/repairs/{repair_id}/decision",
    response_model=OperatorRepairOut,
    summary="信用修复决定 / Decide a repair",
)
def op_repair(
    repair_id: int,
    body: RepairDecisionIn,
    request: Request,
    session: Session = DbSession,
    by: str = Depends(require_named_operator),
) -> OperatorRepairOut:
    now = request_now(request)
    decided = repairs.decide(session, repair_id, body, by, now)
    session.commit()
    return repairs.to_operator_out(session, decided, now)


@operator.get(
    "/objections",
    response_model=list[OperatorObjectionOut],
    summary="待处理异议（含申请人、联系方式与陈述） / Open objections with applicant and statement",
)
def op_open_objections(
    request: Request,
    limit: int = Query(100, ge=1, le=1000),
    session: Session = DbSession,
    by: str = Depends(require_named_operator),
) -> list[OperatorObjectionOut]:
    now = request_now(request)
    return [
        objections.to_operator_out(session, o, now) for o in objections.open_cases(session, limit)
    ]


@operator.get(
    "/repairs",
    response_model=list[OperatorRepairOut],
    summary="待处理信用修复（含申请人、联系方式与陈述） / Open repairs with applicant and statement",
)
def op_open_repairs(
    request: Request,
    limit: int = Query(100, ge=1, le=1000),
    session: Session = DbSession,
    by: str = Depends(require_named_operator),
) -> list[OperatorRepairOut]:
    now = request_now(request)
    return [repairs.to_operator_out(session, r, now) for r in repairs.open_cases(session, limit)]


@operator.get(
    "/notifications",
    response_model=list[NotificationOut],
    summary="通知发件箱 / Notification outbox",
)
def op_notifications(
    undelivered: bool = Query(False, description="只看未送达 / only undelivered"),
    entry_id: int | None = Query(None),
    limit: int = Query(100, ge=1, le=1000),
    session: Session = DbSession,
    by: str = Depends(require_named_operator),
) -> list[NotificationOut]:
    found = notices.outbox(session, undelivered, entry_id, limit)
    return [NotificationOut.model_validate(n) for n in found]


router.include_router(operator)
