"""A black-list entry, once published, follows the enterprise everywhere: the three-step check
fails on it, and the credit report shows it; a verification's verdict reaches the directory."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.lists.story import OPERATOR, at, proposal
from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.agencies.standing import standings
from xinyong.api.app import create_app
from xinyong.lists import service as lists
from xinyong.registry.importer import import_file


def _rules(verification: dict) -> dict[str, str]:
    """Rule id → outcome over every step's reasons."""
    return {
        reason["rule_id"]: reason["outcome"]
        for step in verification["steps"]
        for reason in step["reasons"]
    }


def _registry(tmp_path, engine) -> None:
    path = write_enterprises(tmp_path / "enterprises.csv", [enterprise_row(1)])
    import_file(engine, path, "registry.enterprises")


def _publish_black_entry(session) -> None:
    entry = lists.propose(
        session, proposal(1, decision_date="2026-11-02"), OPERATOR, at(2026, 11, 2)
    )
    lists.approve(session, entry.id, OPERATOR, "事实清楚，依据充分", at(2026, 11, 2, 11))
    lists.publish(session, entry.id, OPERATOR, at(2026, 11, 10))
    session.commit()


def test_a_published_black_list_entry_fails_verification_and_shows_in_the_report(
    tmp_path, engine, session
):
    _registry(tmp_path, engine)
    with TestClient(create_app(engine)) as client:
        before = client.post("/api/v1/verifications", json={"code": credit_code(1)}).json()
        assert "records.blacklist" not in _rules(before)

        _publish_black_entry(session)
        after = client.post("/api/v1/verifications", json={"code": credit_code(1)}).json()
        assert after["verdict"] == "不通过" and _rules(after)["records.blacklist"] == "fail"
        assert "以虚构债务为由向他人催收" in str(after)

        issued = client.post(f"/api/v1/reports/credit/{credit_code(1)}").json()
        report = client.get(f"/api/v1/reports/{issued['number']}").json()
        assert "红黑名单" in str(report) and "反不正当竞争法" in str(report)

    # The directory reads the latest stored verdict, never one the agency typed in.
    [standing] = standings(session, [credit_code(1)]).values()
    assert standing.verdict.result == "fail" and standing.verdict.label_zh == "不通过"


def test_the_profile_and_its_page_show_the_published_entry_apart_from_platform_flags(
    tmp_path, engine, session
):
    _registry(tmp_path, engine)
    _publish_black_entry(session)
    with TestClient(create_app(engine)) as client:
        standing = client.get(f"/api/v1/enterprises/{credit_code(1)}").json()["lists"]
        assert standing["on_black_list"] is True
        [entry] = standing["official_lists"]
        assert entry["official"] is True and "反不正当竞争法" in entry["legal_basis_zh"]
        assert "非官方名单" in standing["platform_risk_flags_label_zh"]
        page = client.get(f"/e/{credit_code(1)}").text
        assert "红黑名单" in page and "以虚构债务为由向他人催收" in page
