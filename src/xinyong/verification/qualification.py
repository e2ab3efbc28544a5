"""Step 2 (资质核验): the entity's class by its code, its scope and licences against the service, collector marks."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from xinyong.db import known_empty
from xinyong.registry.models import Enterprise, Licence
from xinyong.verification.findings import Findings, evidence
from xinyong.verification.rules import Service

_SCOPE_HEADINGS = re.compile(r"(一般项目|许可项目|经营范围|业务范围)[:：]")
# The 许可项目 part of a scope: from its heading to the 一般项目 heading or the end.
_LICENSED_PART = re.compile(r"许可项目[:：].*?(?=一般项目[:：]|$)", re.S)
_SCOPE_ITEMS = re.compile(r"[；;，,。、]")


def _terms_in(text: str, terms: tuple[str, ...]) -> list[str]:
    return [t for t in terms if t in text]


# Built once (building it on every verification cost more than running it: bench/load). Most
# firms hold none: a verification asks in its probe first (records.probed_ahead).
LICENCES = select(Licence).where(Licence.credit_code == bindparam("code")).order_by(Licence.id)


def valid_licences(session: Session, credit_code: str, today: date) -> list[Licence]:
    """Licences and filings in force today: status 有效, not ended, not past their term."""
    params = {"code": credit_code}
    if known_empty(session, LICENCES, params):
        return []
    return [
        lic
        for lic in session.scalars(LICENCES, params)
        if lic.status == "有效"
        and lic.ended_on is None
        and (lic.valid_to is None or lic.valid_to >= today)
        and (lic.valid_from is None or lic.valid_from <= today)
    ]


def check_qualification(
    session: Session, ent: Enterprise, service: Service, today: date, found: Findings
) -> None:
    rules = found.rules
    record = [evidence("enterprise", ent)]
    cls = rules.entity_class(ent.credit_code)
    kind = ent.credit_code[:2]
    if cls is None:
        found.add(
            "qualification.entity_class",
            f"代码前两位“{kind}”：其他类别主体",
            f"code prefix '{kind}': another kind of entity",
            record,
        )
    else:
        found.add(
            "qualification.entity_class",
            f"代码前两位“{kind}”：{cls.title_zh}",
            f"code prefix '{kind}': {cls.title_en}",
            record,
        )
    if service.entity_classes and (cls is None or cls.key not in service.entity_classes):
        allowed = [rules.entity_classes[c] for c in service.entity_classes]
        found.add(
            "qualification.court_representation",
            f"“{service.title_zh}”只能由"
            + "、".join(c.title_zh.split("，")[0] for c in allowed)
            + "提供，该主体不属于此类",
            f"'{service.title_en}' may only be provided by "
            + " or ".join(c.title_en.split(",")[0] for c in allowed)
            + "; this entity is not one",
            record,
        )

    in_name = _terms_in(ent.name, rules.collector_terms)
    if in_name:
        found.add(
            "qualification.unlawful_collector_name",
            f"名称含“{'、'.join(in_name)}”：讨债类公司属于国家明令禁止的非法经营",
            f"the name contains '{', '.join(in_name)}': debt-collection companies are banned",
            record,
        )
    scope = rules.collector_exclusion.sub("", ent.business_scope or "")
    in_scope = _terms_in(scope, rules.collector_terms)
    if in_scope:
        found.add(
            "qualification.unlawful_collector_scope",
            f"经营范围含“{'、'.join(in_scope)}”：讨债类业务属于国家明令禁止的非法经营",
            f"the business scope contains '{', '.join(in_scope)}': debt collection is banned",
            record,
        )

    licences = valid_licences(session, ent.credit_code, today)
    covered_in_scope = _terms_in(scope, service.covered_by)
    covering_licences = [
        lic for lic in licences if _terms_in(f"{lic.title} {lic.content or ''}", service.covered_by)
    ]
    if covered_in_scope or covering_licences:
        where_zh, where_en = [], []
        if covered_in_scope:
            where_zh.append(f"经营范围含“{'、'.join(covered_in_scope)}”")
            where_en.append(f"the business scope lists '{', '.join(covered_in_scope)}'")
        if covering_licences:
            where_zh.append(f"持有效许可“{'、'.join(lic.title for lic in covering_licences)}”")
            where_en.append(
                f"it holds valid licences '{', '.join(lic.title for lic in covering_licences)}'"
            )
        found.add(
            "qualification.covered",
            f"可提供“{service.title_zh}”：{'；'.join(where_zh)}",
            f"covers '{service.title_en}': {'; '.join(where_en)}",
            record + [evidence("licence", lic) for lic in covering_licences],
        )
        # Items under 许可项目 may only be carried on with the approval they name.
        general = _LICENSED_PART.sub("", scope)
        licensed_only = [t for t in covered_in_scope if t not in general]
        if licensed_only and not covering_licences and len(licensed_only) == len(covered_in_scope):
            found.add(
                "qualification.licence_missing",
                f"经营范围中的“{'、'.join(licensed_only)}”属许可项目，但未查到有效的相应许可证",
                f"'{', '.join(licensed_only)}' in the business scope needs a licence, and no "
                f"valid one is on record",
                record,
            )
        return
    # A consulting firm: its name says so, or its main (first-listed) business is consulting.
    main_item = _SCOPE_ITEMS.split(_SCOPE_HEADINGS.sub("", scope).strip())[0]
    consulting = _terms_in(ent.name, rules.consulting_terms) or _terms_in(
        main_item, rules.consulting_terms
    )
    if consulting:
        found.add(
            "qualification.consulting_beyond_scope",
            f"该主体为咨询类企业（“{'、'.join(consulting)}”），不含“{service.title_zh}”："
            f"从事债务催收属超范围经营",
            f"a consulting firm ('{', '.join(consulting)}') whose scope does not cover "
            f"'{service.title_en}': collecting debts would be beyond its scope",
            record,
        )
    else:
        found.add(
            "qualification.scope_not_covered",
            f"经营范围和有效许可均不含“{service.title_zh}”所需的业务（"
            f"{'、'.join(service.covered_by)}）",
            f"neither the business scope nor a valid licence covers '{service.title_en}' "
            f"(expected one of: {', '.join(service.covered_by)})",
            record,
        )
