"""Helpers for the list stories: a controllable clock and proposals as an operator writes them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.registry_files import credit_code
from xinyong.lists.models import ListNotification
from xinyong.lists.schemas import Material, ProposalIn

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPERATOR = "审核员李娜"


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """An instant in Lianyungang: the clock every step of a story passes in."""
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def proposal(n: int = 1, **overrides) -> ProposalIn:
    data = {
        "list_type": "black",
        "publicity_class": "general",
        "credit_code": credit_code(n),
        "subject_name": f"连云港市海州区测试{n}商贸有限公司",
        "reason_zh": "以虚构债务为由向他人催收，扰乱经营秩序",
        "reason_en": "Collected fictitious debts, disturbing business order",
        "legal_basis_zh": "《中华人民共和国反不正当竞争法》第二十条；《信用修复管理办法》",
        "legal_basis_en": "Anti-Unfair Competition Law, article 20; NDRC Measures for Credit Repair",
        "source_records": [
            {"layout": "penalties", "source": "sgs", "source_record_id": f"连海市监罚〔2026〕{n}号"}
        ],
        "authority": "连云港市海州区市场监督管理局",
        "decision_date": "2026-05-04",
    }
    data.update(overrides)
    return ProposalIn.model_validate(data)


def materials(*kinds: str) -> list[Material]:
    return [Material(kind=k, name=f"{k}.pdf") for k in kinds]


def notices(session: Session, entry_id: int) -> list[ListNotification]:
    session.expire_all()
    return list(
        session.scalars(
            select(ListNotification)
            .where(ListNotification.entry_id == entry_id)
            .order_by(ListNotification.id)
        )
    )
