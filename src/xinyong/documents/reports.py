"""Issued reports: the enterprise credit report (信用报告), its number, snapshot and QR check."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.documents.model import Block, Document
from xinyong.documents.models import IssuedReport
from xinyong.documents.timefmt import SHANGHAI, local_day, shanghai
from xinyong.errors import NotFound
from xinyong.profile.service import enterprise_profile
from xinyong.seams import Seam
from xinyong.sources.catalog import record_title, source_title
from xinyong.types import utcnow

# Crockford's base32 without I, L, O, U: a number read aloud or retyped from paper survives.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CN = "一二三四五六七八九十"


@dataclass
class ReportSection:
    """A section another domain adds to the credit report (rating, red/black lists …)."""

    key: str
    title_zh: str
    title_en: str
    rows: list[list[str]]  # the first row is the header
    as_of: str | None = None
    notes_zh: list[str] = field(default_factory=list)


SectionProvider = Callable[[Session, str], ReportSection | None]
# `provider(session, credit_code)` returns a section or None (nothing to say about this
# enterprise); rating and lists plug theirs in through `wiring.connect()`.
REPORT_SECTIONS: Seam[SectionProvider] = Seam("documents.report_sections")


def new_number(now: datetime) -> str:
    day = now.astimezone(SHANGHAI).strftime("%Y%m%d")
    return f"XY{day}-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def digest(snapshot: dict[str, Any]) -> str:
    canonical = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def issue_credit_report(
    session: Session, code: str, site_name: str, now: datetime | None = None
) -> IssuedReport:
    """Snapshot the enterprise's profile and every provided section, number it, store it."""
    now = now or utcnow()
    profile = enterprise_profile(session, code)
    credit_code = profile.enterprise.credit_code
    sections = []
    for provider in REPORT_SECTIONS:
        section = provider(session, credit_code)
        if section is not None:
            sections.append(asdict(section))
    body = {"profile": profile.model_dump(mode="json"), "sections": sections}
    return _store(session, "credit_report", credit_code, body, site_name, now)


def _store(
    session: Session, kind: str, subject: str, body: dict[str, Any], site_name: str, now: datetime
) -> IssuedReport:
    """Number a snapshot, digest it and keep it: the number later shows the same report."""
    number = new_number(now)
    while session.scalar(select(IssuedReport.id).where(IssuedReport.number == number)):
        number = new_number(now)
    snapshot = {
        "number": number,
        "kind": kind,
        "site_name": site_name,
        "issued_at": now.isoformat(),
        **body,
    }
    report = IssuedReport(
        number=number,
        kind=kind,
        subject=subject,
        snapshot=snapshot,
        digest=digest(snapshot),
        issued_at=now,
    )
    session.add(report)
    session.flush()
    return report


def issue_verification_report(
    session: Session, verification_id: str, site_name: str, now: datetime | None = None
) -> IssuedReport:
    """The three-step verification as a numbered report, from its stored record."""
    from xinyong.verification.service import get_verification

    found = get_verification(session, verification_id)
    subject = found.enterprise.credit_code if found.enterprise else (found.query.code or "—")
    body = {"verification": found.model_dump(mode="json")}
    return _store(session, "verification", subject, body, site_name, now or utcnow())


def get_report(session: Session, number: str) -> IssuedReport:
    report = session.scalar(
        select(IssuedReport).where(IssuedReport.number == number.strip().upper())
    )
    if report is None:
        raise NotFound(
            f"报告编号 {number} 不存在：该报告并非本平台出具，或编号有误",
            f"no report numbered {number}: not issued by this platform, or mistyped",
        )
    return report


_date = local_day


def _prov(p: dict[str, Any]) -> str:
    demo = "（演示数据）" if p.get("demo") else ""
    source = source_title(p["source"])[0]
    return (
        f"来源：{source}，数据截至 {_date(p.get('as_of'))}，获取于 {_date(p['fetched_at'])}{demo}"
    )


def credit_report_document(report: IssuedReport, verify_url: str) -> Document:
    """The printable report, drawn only from the stored snapshot: a reprint is the same report."""
    snap = report.snapshot
    prof = snap["profile"]
    e = prof["enterprise"]
    blocks: list[Block] = []
    heads = iter(_CN)

    def heading(text: str) -> None:
        blocks.append(Block("heading", f"{next(heads)}、{text}"))

    heading("登记信息")
    capital = e.get("registered_capital_yuan")
    blocks.append(
        Block(
            "table",
            rows=[
                ["企业名称", e["name"]],
                ["统一社会信用代码", e["credit_code"]],
                ["法定代表人", e.get("legal_rep") or "—"],
                ["企业类型", e.get("entity_type") or "—"],
                ["登记状态", e["status"]],
                ["成立日期", _date(e.get("established_on"))],
                ["注册资本", f"{capital}元" if capital else "—"],
                ["登记机关", e.get("registration_authority") or "—"],
                ["住所", e.get("address") or "—"],
                ["经营范围", e.get("business_scope") or "—"],
                ["曾用名", "、".join(e.get("former_names") or []) or "无"],
            ],
        )
    )
    blocks.append(Block("note", _prov(e["provenance"])))

    heading("行政许可与备案")
    licences = prof.get("licences") or []
    blocks.append(
        Block(
            "table",
            rows=[["许可/备案", "编号", "机关", "有效期至", "状态"]]
            + [
                [
                    x["title"],
                    x.get("number") or "—",
                    x.get("issuer") or "—",
                    _date(x.get("valid_to")),
                    x["status"],
                ]
                for x in licences
            ],
        )
        if licences
        else Block("paragraph", "无记录。")
    )

    heading("经营异常名录")
    abnormal = prof.get("abnormal_entries") or []
    blocks.append(
        Block(
            "table",
            rows=[["列入原因", "列入日期", "移出日期", "状态"]]
            + [
                [
                    x["reason"],
                    _date(x["listed_on"]),
                    _date(x.get("removed_on")),
                    "在列" if x["current"] else "已移出",
                ]
                for x in abnormal
            ],
        )
        if abnormal
        else Block("paragraph", "无记录。")
    )

    heading("司法执行信息")
    enf = prof.get("enforcement") or {"dishonest": [], "cases": []}
    dishonest, cases = enf.get("dishonest", []), enf.get("cases", [])
    if dishonest:
        blocks.append(
            Block(
                "table",
                rows=[["失信被执行人案号", "执行法院", "发布日期", "状态"]]
                + [
                    [
                        x["case_number"],
                        x["court"],
                        _date(x["published_on"]),
                        "在列" if x["current"] else f"已移除 {_date(x.get('ended_on'))}",
                    ]
                    for x in dishonest
                ],
            )
        )
    if cases:
        blocks.append(
            Block(
                "table",
                rows=[["被执行人案号", "执行法院", "立案日期", "执行标的（元）", "状态"]]
                + [
                    [
                        x["case_number"],
                        x["court"],
                        _date(x["filed_on"]),
                        str(x.get("amount_yuan") or "—"),
                        "在执行" if x["current"] else "已结束",
                    ]
                    for x in cases
                ],
            )
        )
    if not dishonest and not cases:
        blocks.append(Block("paragraph", "无失信被执行人、被执行人记录。"))
    for x in (dishonest + cases)[:1]:
        blocks.append(Block("note", _prov(x["provenance"])))

    heading("行政处罚")
    penalties = prof.get("penalties") or []
    blocks.append(
        Block(
            "table",
            rows=[["决定书文号", "处罚机关", "决定日期", "处罚内容"]]
            + [
                [
                    x["decision_number"],
                    x["authority"],
                    _date(x["decided_on"]),
                    x.get("content") or x["penalty_types"],
                ]
                for x in penalties
            ],
        )
        if penalties
        else Block("paragraph", "无记录。")
    )

    for section in snap.get("sections", []):
        heading(section["title_zh"])
        blocks.append(Block("table", rows=section["rows"]))
        for note in section.get("notes_zh", []):
            blocks.append(Block("note", note))
        if section.get("as_of"):
            blocks.append(Block("note", f"数据截至 {section['as_of']}"))

    blocks += [
        Block("heading", "说明"),
        Block(
            "note",
            f"本报告由{snap['site_name']}依据出具时掌握的公开信息生成，各部分注明数据来源及截至日期。"
            f"报告出具于 {shanghai(report.issued_at)}。扫描二维码或访问核验网址，可查看平台保存的同一份报告；"
            f"报告内容摘要（SHA-256）：{report.digest}。",
        ),
    ]
    return Document(
        title="企业信用报告",
        subtitle=f"{e['name']}　{e['credit_code']}",
        number=f"报告编号：{report.number}",
        blocks=blocks,
        footer=f"{snap['site_name']} 企业信用报告 {report.number}",
        qr_url=verify_url,
    )


OUTCOME_ZH = {"pass": "通过", "warn": "警示", "fail": "不通过", "skipped": "未执行", "info": "说明"}


def verification_report_document(report: IssuedReport, verify_url: str) -> Document:
    """The three-step verification report, drawn only from the stored snapshot (records and
    sources it names by their titles, looked up when printed: labels of the stored names)."""
    snap = report.snapshot
    v = snap["verification"]
    ent = v.get("enterprise") or {}
    heads = iter(_CN)
    blocks: list[Block] = [
        Block(
            "table",
            rows=[
                ["核验结论", f"{v['verdict']}（{v['verdict_en']}）"],
                ["企业名称", ent.get("name") or v["query"].get("name") or "—"],
                ["统一社会信用代码", ent.get("credit_code") or v["query"].get("code") or "—"],
                ["登记状态", ent.get("status") or "—"],
                ["主体类别", ent.get("entity_class_zh") or "—"],
                ["核验服务", v["service_zh"]],
                ["核验时间", shanghai(datetime.fromisoformat(v["created_at"]))],
                ["核验编号", v["id"]],
            ],
        )
    ]
    for step in v["steps"]:
        blocks.append(
            Block("heading", f"{next(heads)}、{step['title_zh']}：{OUTCOME_ZH[step['outcome']]}")
        )
        rows = [["结果", "理由", "依据记录"]]
        for reason in step["reasons"]:
            evidence = "；".join(
                f"{e.get('summary') or record_title(e['record_type'])[0]}"
                f"（{source_title(e.get('source'))[0]}，截至 {_date(e.get('as_of'))}）"
                for e in reason.get("evidence", [])
            )
            rows.append(
                [
                    OUTCOME_ZH.get(reason["outcome"], reason["outcome"]),
                    reason["message_zh"],
                    evidence or "—",
                ]
            )
        blocks.append(Block("table", rows=rows) if len(rows) > 1 else Block("paragraph", "无。"))
    if v.get("data_as_of"):
        blocks.append(Block("heading", f"{next(heads)}、数据截至时间"))
        blocks.append(
            Block(
                "table",
                rows=[["数据", "来源", "截至", "获取于"]]
                + [
                    [
                        record_title(d["record_type"])[0],
                        source_title(d.get("source"))[0],
                        _date(d.get("as_of")),
                        _date(d.get("fetched_at")),
                    ]
                    for d in v["data_as_of"]
                ]
                # Step 3 read the lists, the platform's own decisions, live.
                + (
                    [
                        [
                            record_title("list_entry")[0],
                            source_title("lists")[0],
                            "核验时实时读取",
                            shanghai(datetime.fromisoformat(v["created_at"])),
                        ]
                    ]
                    if v.get("enterprise")
                    else []
                ),
            )
        )
    blocks += [
        Block("heading", "说明"),
        Block(
            "note",
            f"本报告由{snap['site_name']}依据核验时掌握的信息出具，规则版本 {v['rules_version']}。"
            f"报告出具于 {shanghai(report.issued_at)}。扫描二维码或访问核验网址，可查看平台保存的同一份报告；"
            f"报告内容摘要（SHA-256）：{report.digest}。",
        ),
    ]
    return Document(
        title="三步核验报告",
        subtitle=f"{ent.get('name') or ''}　{ent.get('credit_code') or ''}".strip(),
        number=f"报告编号：{report.number}",
        blocks=blocks,
        footer=f"{snap['site_name']} 三步核验报告 {report.number}",
        qr_url=verify_url,
    )


def report_document(report: IssuedReport, verify_url: str) -> Document:
    """The printable form of any issued report, by its kind."""
    if report.kind == "verification":
        return verification_report_document(report, verify_url)
    return credit_report_document(report, verify_url)
