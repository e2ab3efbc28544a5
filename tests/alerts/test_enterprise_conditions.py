"""Rules that look at the enterprise a record is about: a 失信 record of a debt-service agency is a
high warning, of any other enterprise a medium one; an abnormal-operation entry of a collector is
flagged by a deployment's own rule. The enterprises come from one query per batch."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import event

from tests.alerts.drive import alerts, sync, sync_enterprises
from tests.support.judicial_files import dishonest_row, person_dishonest_row, write_drop
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.alerts.rules import load_rules
from xinyong.enforcement.importer import ENFORCEMENT_TARGETS
from xinyong.registry.importer import REGISTRY_TARGETS
from xinyong.sources.ingest import Ended, Ingest
from xinyong.sources.layouts import REGISTRY_ABNORMAL
from xinyong.sources.layouts_judicial import ENFORCEMENT_DISHONEST

AGENCY = "连云港市海州区安信商账管理有限公司"
COLLECTOR = "连云港市海州区速达讨债服务有限公司"
ABNORMAL = REGISTRY_ABNORMAL.name
DISHONEST = ENFORCEMENT_DISHONEST.name

OWN_RULES = """
version: 3
rules:
  - id: collector-abnormal
    version: 2
    when:
      layout: registry.abnormal
      op: insert
      enterprise:
        equals: {status: [存续, 在业]}
        any_of:
          - matches: {name: 讨债|追债|要账}
          - matches: {business_scope: 讨债|追债|要账|催收}
    alert:
      kind: warning
      severity: medium
      message_zh: 催收类企业 {enterprise_name}（{credit_code}）被列入经营异常名录：{reason}
      message_en: "Collection-type enterprise {enterprise_name} ({credit_code}) is on the abnormal-operation list: {reason}"
"""


def _abnormal(n: int, code: str) -> dict[str, str]:
    return {
        "记录编号": f"YC{n}",
        "统一社会信用代码": code,
        "列入经营异常名录原因": "通过登记的住所或者经营场所无法联系",
        "列入日期": "2026-11-10",
        "作出决定机关（列入）": "连云港市海州区市场监督管理局",
    }


def _count_enterprise_reads(engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _record(conn, cursor, statement, *args):
        if re.search(r"FROM enterprise\b", statement):
            seen.append(statement)

    return seen


def test_a_deployment_rule_on_the_linked_enterprise(tmp_path, engine, session):
    rules_path = tmp_path / "rules.yaml"
    rules_path.write_text(OWN_RULES, "utf-8")
    rules = load_rules(rules_path)
    registry = [enterprise_row(1, 企业名称=COLLECTOR), enterprise_row(2)]
    sync_enterprises(engine, tmp_path / "gsxt", registry, rules)

    drop = write_drop(
        tmp_path / "abnormal.csv",
        REGISTRY_ABNORMAL,
        [_abnormal(1, credit_code(1)), _abnormal(2, credit_code(2)), _abnormal(3, credit_code(9))],
    )
    reads = _count_enterprise_reads(engine)
    assert sync(engine, drop, REGISTRY_TARGETS[ABNORMAL], rules).inserted == 3
    assert len(reads) == 1  # one batch, one look-up, whatever the number of rows

    [alert] = alerts(session)
    assert (alert.rule_id, alert.rule_version, alert.credit_code) == (
        "collector-abnormal",
        2,
        credit_code(1),
    )
    assert alert.message_zh == (
        f"催收类企业 {COLLECTOR}（{credit_code(1)}）被列入经营异常名录：通过登记的住所或者经营场所无法联系"
    )
    assert alert.evidence["enterprise"]["name"] == COLLECTOR
    assert alert.evidence["changes"]["reason"]["new"].startswith("通过登记的住所")


def test_the_shipped_rule_warns_of_every_new_abnormal_entry_but_not_of_history(
    tmp_path, engine, session
):
    rules = load_rules()
    sync_enterprises(engine, tmp_path / "gsxt", [enterprise_row(2), enterprise_row(3)], rules)
    # The first load of the list is history: no alert per old entry.
    first = write_drop(tmp_path / "abnormal.csv", REGISTRY_ABNORMAL, [_abnormal(3, credit_code(3))])
    sync(engine, first, REGISTRY_TARGETS[ABNORMAL], rules)
    assert alerts(session) == []
    entries = [_abnormal(3, credit_code(3)), _abnormal(2, credit_code(2))]
    sync(
        engine,
        write_drop(tmp_path / "abnormal2.csv", REGISTRY_ABNORMAL, entries),
        REGISTRY_TARGETS[ABNORMAL],
        rules,
    )
    [alert] = alerts(session)
    assert (alert.rule_id, alert.severity) == ("abnormal-operation-listed", "low")
    assert alert.message_zh.startswith("连云港市海州区测试2商贸有限公司（")


def _dishonest_sync(engine, rows, ended: dict[str, Ended] | None = None):
    ingest = Ingest(
        engine,
        ENFORCEMENT_TARGETS[DISHONEST],
        source="zxgk",
        location="test",
        on_changes=load_rules().hook,
    )
    header = ENFORCEMENT_DISHONEST.headers
    ingest.begin(header)
    for line, row in enumerate(rows, start=2):
        ingest.add(line, [row.get(h, "") for h in header], (ended or {}).get(row["案号"]))
    return ingest.end()


def test_a_dishonest_debt_service_agency_is_a_high_warning(tmp_path, engine, session):
    registry = [enterprise_row(1, 企业名称=AGENCY), enterprise_row(2)]
    sync_enterprises(engine, tmp_path / "gsxt", registry, load_rules())
    agency = dishonest_row(1, **{"被执行人姓名/名称": AGENCY})
    assert _dishonest_sync(engine, [person_dishonest_row(3)]).inserted == 1  # the first load
    rows = [agency, dishonest_row(2), person_dishonest_row(3)]
    assert _dishonest_sync(engine, rows).inserted == 2

    raised = {a.rule_id: a for a in alerts(session)}
    assert set(raised) == {"dishonest-debt-service-agency", "dishonest-enterprise"}
    high, medium = raised["dishonest-debt-service-agency"], raised["dishonest-enterprise"]
    assert (high.severity, high.credit_code) == ("high", credit_code(1))
    assert high.message_zh.startswith(
        f"债务服务机构 {AGENCY}（{credit_code(1)}）被列为失信被执行人"
    )
    assert "（2026）苏0706执1号" in high.message_zh
    assert (medium.severity, medium.credit_code) == ("medium", credit_code(2))

    # The court deletes the record when it ends, then publishes it again: the same record.
    case = agency["案号"]
    assert _dishonest_sync(engine, [agency], {case: Ended(date(2026, 11, 25))}).closed == 1
    assert _dishonest_sync(engine, [agency]).updated == 1
    assert len(alerts(session)) == 2
