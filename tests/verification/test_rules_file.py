"""The rules are configuration: an operator's own rules file changes verdicts; a broken one says where."""

from __future__ import annotations

from datetime import date
from importlib import resources

import pytest
import yaml

from xinyong.errors import InvalidInput
from xinyong.settings import get_settings
from xinyong.verification.lists import (
    LIST_PROVIDERS,
    ListEntry,
)
from xinyong.verification.rules import default_rules, load_rules
from xinyong.verification.schemas import VerificationRequest
from xinyong.verification.service import verify


def _shipped() -> dict:
    text = resources.files("xinyong.verification").joinpath("rules.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _write(tmp_path, data: dict):
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def own_rules(tmp_path, monkeypatch):
    """Point XINYONG_VERIFICATION_RULES_FILE at a copy of the shipped rules, edited by the test."""

    def use(edit) -> None:
        data = _shipped()
        edit(data)
        monkeypatch.setenv("XINYONG_VERIFICATION_RULES_FILE", str(_write(tmp_path, data)))
        get_settings.cache_clear()
        default_rules.cache_clear()

    yield use
    monkeypatch.delenv("XINYONG_VERIFICATION_RULES_FILE", raising=False)
    get_settings.cache_clear()
    default_rules.cache_clear()


def test_a_stricter_rules_file_turns_an_open_case_into_a_failure(demo, session, own_rules):
    firm = demo.story("contract_dispute")  # a consulting firm with an open case: a warning
    request = VerificationRequest(code=firm["credit_code"], service="auction")

    def lenient(data):
        # This operator lets consulting firms through step 2 and only warns on open cases.
        data["outcomes"]["qualification.consulting_beyond_scope"] = "warn"

    own_rules(lenient)
    assert verify(session, request).verdict == "警示"

    def strict(data):
        lenient(data)
        data["outcomes"]["records.open_enforcement"] = "fail"

    own_rules(strict)
    result = verify(session, request)
    assert result.verdict == "不通过" and result.rules_file.endswith("rules.yaml")
    [case] = [r for r in result.reasons if r.rule_id == "records.open_enforcement"]
    assert case.outcome == "fail"


def test_a_new_covering_phrase_qualifies_an_agency(demo, session, own_rules):
    firm = demo.story("beyond_scope")
    request = VerificationRequest(code=firm["credit_code"])
    assert any(
        r.rule_id == "qualification.consulting_beyond_scope"
        for r in verify(session, request).reasons
    )
    own_rules(lambda data: data["services"]["debt_recovery"]["covered_by"].append("企业管理咨询"))
    reasons = {r.rule_id for r in verify(session, request).reasons}
    assert (
        "qualification.covered" in reasons
        and "qualification.consulting_beyond_scope" not in reasons
    )


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda d: d["outcomes"].update({"records.penalty": "maybe"}), "outcomes.records.penalty"),
        (lambda d: d["outcomes"].update({"records.typo": "fail"}), "outcomes.records.typo"),
        (lambda d: d.pop("lookback_years"), "lookback_years"),
        (
            lambda d: d["services"]["litigation"].update(entity_classes=["notary"]),
            "services.litigation.entity_classes",
        ),
    ],
)
def test_a_broken_rules_file_names_the_place(tmp_path, edit, where):
    data = _shipped()
    edit(data)
    with pytest.raises(InvalidInput) as problem:
        load_rules(_write(tmp_path, data))
    assert where in problem.value.message_zh and where in problem.value.message_en


def test_a_blacklist_plugged_in_by_the_lists_domain_fails_step_3(demo, session):
    firm = demo.member("江苏田湾律师事务所")

    def lists(session, credit_code, today):
        if credit_code != firm["credit_code"]:
            return []
        return [
            ListEntry("严重失信主体名单", "serious dishonesty list", True, 7, "虚假诉讼", "false litigation",
                      date(2026, 9, 1), source="lists"),
            ListEntry("守信激励名单", "honesty list", False, 8, "纳税信用A级", "A-grade taxpayer"),
        ]  # fmt: skip

    with LIST_PROVIDERS.plugged("test-lists", lists):
        result = verify(session, VerificationRequest(code=firm["credit_code"]))
    assert result.verdict == "不通过"
    [listed] = [r for r in result.reasons if r.rule_id == "records.blacklist"]
    assert "严重失信主体名单" in listed.message_zh and listed.evidence[0].record_id == 7
    assert verify(session, VerificationRequest(code=firm["credit_code"])).verdict == "通过"
