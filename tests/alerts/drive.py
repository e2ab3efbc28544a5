"""Driving real imports with the event rules hooked in, for the alert stories."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.support.judicial_files import write_drop
from tests.support.registry_files import enterprise_row
from xinyong.alerts.engine import make_hook
from xinyong.alerts.models import Alert
from xinyong.alerts.rules import RuleSet
from xinyong.registry.importer import REGISTRY_TARGETS
from xinyong.sources.ingest import Counts, Ingest, Target
from xinyong.sources.layouts import REGISTRY_ENTERPRISES
from xinyong.sources.readers import open_source

VIOLENT = "采用暴力、威胁等手段非法催收债务，依法吊销营业执照"
NO_INSPECTION = "未按规定参加年度检验（未年检）"
# How lawful consultancies word it; not itself a red flag.
CONSULTING_SCOPE = "商务信息咨询；企业管理咨询（不含讨债、追债业务）"


def sync(
    engine: Engine, path: Path, target: Target, rules: RuleSet, source: str = "gsxt"
) -> Counts:
    """One file through the one import path, alerts raised in the same transactions."""
    drop = open_source(path)
    ingest = Ingest(engine, target, source=source, location=str(path), on_changes=make_hook(rules))
    return ingest.run(drop.header, drop.rows)


def sync_enterprises(engine: Engine, folder: Path, rows: list[dict], rules: RuleSet) -> Counts:
    path = write_drop(folder / "enterprises.csv", REGISTRY_ENTERPRISES, rows)
    return sync(engine, path, REGISTRY_TARGETS[REGISTRY_ENTERPRISES.name], rules)


def collector(n: int, name: str, **overrides: str) -> dict[str, str]:
    return enterprise_row(n, 企业名称=name, 经营范围=CONSULTING_SCOPE, **overrides)


def revoked(row: dict[str, str], reason: str) -> dict[str, str]:
    return dict(row, 登记状态="吊销", 状态日期="2026-11-20", 状态原因=reason)


def alerts(session: Session, rule_id: str | None = None) -> list[Alert]:
    session.expire_all()
    query = select(Alert).order_by(Alert.id)
    if rule_id:
        query = query.where(Alert.rule_id == rule_id)
    return list(session.scalars(query))
