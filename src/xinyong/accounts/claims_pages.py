"""Organisation claim pages (thin): the operators' organisations page (members, history, claim
disputes and the actions that settle them, reinstating included) and the /account form that
files a dispute."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from xinyong.accounts import claims, service
from xinyong.accounts.models import (
    DISPUTE_STATE_NAMES,
    ORG_EVENT_NAMES,
    ORG_KIND_NAMES,
    ORG_STATE_NAMES,
    ORG_STATES,
)
from xinyong.accounts.principal import client_ip
from xinyong.api.deps import DbSession
from xinyong.errors import InvalidInput, XinyongError
from xinyong.web.operator_session import (
    acting_principal,
    resolve_caller,
    sign_in_redirect,
    signed_in,
)
from xinyong.web.site import page

router = APIRouter(include_in_schema=False, dependencies=[Depends(resolve_caller)])
HOME = "/operator/organisations"


def _orgs_page(request: Request, session: Session, who: str, status: int = 200, error=None):
    state = request.query_params.get("state") or None
    code = request.query_params.get("code") or None
    return page(
        request,
        "operator_organisations.html",
        status_code=status,
        operator=who,
        operates=True,
        csrf=getattr(getattr(request.state, "principal", None), "csrf_token", None),
        done=(request.query_params.get("done"), request.query_params.get("done_en")),
        error=error,
        state=state if state in ORG_STATES else None,
        code=code or "",
        states=ORG_STATES,
        org_states=ORG_STATE_NAMES,
        org_kinds=ORG_KIND_NAMES,
        dispute_states=DISPUTE_STATE_NAMES,
        event_names=ORG_EVENT_NAMES,
        disputes=claims.queue(session, "open"),
        views=claims.review(session, state if state in ORG_STATES else None, code),
    )


def _done(zh: str, en: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"{HOME}?done={quote(zh)}&done_en={quote(en)}{anchor}", status_code=303)


@router.get(HOME, response_class=HTMLResponse)
def organisations_page(request: Request, session: Session = DbSession):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    return _orgs_page(request, session, who)


def _act(request: Request, session: Session, work, done: tuple[str, str], anchor: str):
    """Run one operator action; on an error show the page again with what is wrong."""
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    try:
        work(acting_principal(request))
        session.commit()
    except XinyongError as exc:
        session.rollback()
        return _orgs_page(request, session, who, exc.status, error=exc)
    return _done(*done, anchor)


@router.post(HOME + "/{org_id}/members", response_class=HTMLResponse)
def add_member(
    request: Request,
    org_id: int,
    email: str = Form("", max_length=254),
    reason: str = Form("", max_length=500),
    session: Session = DbSession,
):
    return _act(
        request,
        session,
        lambda p: claims.add_member_by_email(session, p, org_id, email, reason, client_ip(request)),
        (f"已将 {email} 加入机构", f"{email} added"),
        f"#org-{org_id}",
    )


@router.post(HOME + "/{org_id}/members/{user_id}/remove", response_class=HTMLResponse)
def remove_member(
    request: Request,
    org_id: int,
    user_id: int,
    reason: str = Form("", max_length=500),
    session: Session = DbSession,
):
    return _act(
        request,
        session,
        lambda p: claims.remove_member(session, p, org_id, user_id, reason, client_ip(request)),
        ("已移出成员", "member removed"),
        f"#org-{org_id}",
    )


@router.post(HOME + "/{org_id}/revoke", response_class=HTMLResponse)
def revoke(
    request: Request,
    org_id: int,
    state: str = Form("", max_length=12),
    reason: str = Form("", max_length=500),
    session: Session = DbSession,
):
    zh, en = ORG_STATE_NAMES.get(state, (state, state))
    return _act(
        request,
        session,
        lambda p: claims.revoke_organisation(session, p, org_id, state, reason, client_ip(request)),
        (f"机构{zh}", f"organisation {en.lower()}"),
        f"#org-{org_id}",
    )


@router.post(HOME + "/{org_id}/reinstate", response_class=HTMLResponse)
def reinstate(
    request: Request,
    org_id: int,
    reason: str = Form("", max_length=500),
    session: Session = DbSession,
):
    return _act(
        request,
        session,
        lambda p: claims.reinstate_organisation(session, p, org_id, reason, client_ip(request)),
        (
            "机构已恢复，成员重新取得机构权限",
            "organisation reinstated: its members act for it again",
        ),
        f"#org-{org_id}",
    )


@router.post("/operator/claim-disputes/{dispute_id}/decision", response_class=HTMLResponse)
def decide(
    request: Request,
    dispute_id: int,
    decision: str = Form("", max_length=10),
    reason: str = Form("", max_length=500),
    session: Session = DbSession,
):
    def work(p):
        if decision not in ("uphold", "dismiss"):
            raise InvalidInput(
                f"未知决定“{decision}”，应为 uphold 或 dismiss",
                f"unknown decision '{decision}'; use uphold or dismiss",
                field="decision",
            )
        claims.decide_dispute(
            session, p, dispute_id, decision == "uphold", reason, client_ip(request)
        )

    zh, en = ("异议成立，申请人已加入机构", "upheld: the filer joined the organisation")
    if decision == "dismiss":
        zh, en = ("异议不成立", "dismissed")
    return _act(request, session, work, (zh, en), "#disputes")


@router.post("/account/claim-disputes", response_class=HTMLResponse)
def file_dispute(
    request: Request,
    credit_code: str = Form("", max_length=40),
    statement: str = Form("", max_length=2000),
    session: Session = DbSession,
):
    """The /account form a person turned away with 409 uses to contest the registration."""
    from xinyong.accounts.pages import account_page

    principal = getattr(request.state, "principal", None)
    if principal is None or principal.kind != "user":
        return RedirectResponse("/login", status_code=303)
    try:
        claims.file_dispute(
            session, service.get_user(session, principal.user_id), credit_code, statement
        )
    except XinyongError as exc:
        session.rollback()
        typed = {"credit_code": credit_code, "statement": statement}
        return account_page(
            request, principal, session, exc.status, dispute_error=exc, dispute_form=typed
        )
    session.commit()
    return RedirectResponse("/account#disputes", status_code=303)
