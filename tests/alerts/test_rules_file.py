"""An operator edits the rules file: a mistake is refused on load with a message naming the rule
and the key, in Chinese and English; a deployment's own file replaces the shipped one."""

from __future__ import annotations

import pytest

from xinyong.alerts.errors import RulesInvalid
from xinyong.alerts.rules import RULES_ENV, load_rules
from xinyong.settings import get_settings

RULE = """
version: 1
rules:
  - id: revoked-violent
    when:
      layout: registry.enterprises
      op: update
      field: status
      becomes: 吊销
      {condition}
    alert:
      kind: propose_blacklist
      severity: high
      message_zh: 建议列入黑名单：{{name}}
      message_en: "Proposed for the blacklist: {{name}}"
"""


BASE = RULE.format(condition="")


def _load(tmp_path, text: str):
    path = tmp_path / "rules.yaml"
    path.write_text(text, "utf-8")
    return load_rules(path)


def test_a_typo_in_a_key_names_the_rule_the_key_and_the_likely_intent(tmp_path):
    with pytest.raises(RulesInvalid) as caught:
        _load(tmp_path, RULE.format(condition="mathces: {status_reason: 暴力}"))
    err = caught.value
    assert "规则“revoked-violent”" in err.message_zh and "未知的键“mathces”" in err.message_zh
    assert "是否想写“matches”" in err.message_zh
    assert "rule 'revoked-violent'" in err.message_en and "unknown key 'mathces'" in err.message_en
    assert "did you mean 'matches'" in err.message_en
    assert (err.detail["rule_id"], err.detail["key"], err.detail["path"]) == (
        "revoked-violent",
        "mathces",
        "when",
    )


@pytest.mark.parametrize(
    ("condition", "says_zh", "says_en"),
    [
        ("matches: {status_reason: '暴力('}", "正则表达式无效", "invalid regex"),
        ("changed: [Status]", "字段名应为小写英文列名", "lower-case column name"),
        ("enterprise: {matches: {nmae: 讨债}}", "企业表没有字段“nmae”", "no field 'nmae'"),
        ("any_of: [{enterprise: {}}]", "只能写在 when 的顶层", "only at the top of 'when'"),
        ("any_of: []", "非空的条件列表", "non-empty list"),
    ],
)
def test_other_mistakes_are_explained(tmp_path, condition, says_zh, says_en):
    with pytest.raises(RulesInvalid) as caught:
        _load(tmp_path, RULE.format(condition=condition))
    assert "revoked-violent" in caught.value.message_zh and says_zh in caught.value.message_zh
    assert says_en in caught.value.message_en


@pytest.mark.parametrize(
    ("old", "new", "says_en"),
    [
        (
            "layout: registry.enterprises",
            "layout: registry.enterprize",
            "unknown layout 'registry.enterprize'",
        ),
        ("op: update", "op: upsert", "op must be one of insert, update, close, not 'upsert'"),
        ("becomes: 吊销\n", "", "'field' and 'becomes' go together"),
        ("kind: propose_blacklist", "kind: blacklist", "'blacklist' is not valid"),
        ("黑名单：{name}", "黑名单：{name.upper}", "plain {field}"),
        ("  - id: revoked-violent", "  - id: Revoked Violent", "rule 'id' missing or invalid"),
    ],
)
def test_bad_values_are_explained(tmp_path, old, new, says_en):
    assert old in BASE
    with pytest.raises(RulesInvalid) as caught:
        _load(tmp_path, BASE.replace(old, new, 1))
    assert says_en in caught.value.message_en


def test_broken_yaml_says_where(tmp_path):
    with pytest.raises(RulesInvalid) as caught:
        _load(tmp_path, "version: 1\nrules:\n  - id: x\n    when: [unclosed\n")
    assert "YAML 语法错误" in caught.value.message_zh and "line" in caught.value.message_en


def test_a_deployment_points_at_its_own_rules_file(tmp_path, monkeypatch):
    shipped = load_rules()
    assert {r.id for r in shipped.rules} >= {
        "revoked-violent-collection",
        "dishonest-debt-service-agency",
        "dishonest-enterprise",
        "abnormal-operation-listed",
        "unlawful-collector-name",
    }
    own = tmp_path / "own.yaml"
    own.write_text(BASE.replace("    when:", "    enabled: false\n    when:", 1), "utf-8")
    monkeypatch.setenv(RULES_ENV, str(own))
    get_settings.cache_clear()
    mine = load_rules()
    assert (mine.file, mine.rules) == (str(own), ())  # its one rule is switched off
    monkeypatch.setenv(RULES_ENV, str(tmp_path / "missing.yaml"))
    get_settings.cache_clear()
    with pytest.raises(RulesInvalid, match="missing.yaml"):
        load_rules()
