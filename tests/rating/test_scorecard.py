"""An analyst edits the scorecard: a broken card is refused with the reason, a valid one grades
scores into the nine bands and names its version."""

from __future__ import annotations

import pytest
import yaml

from xinyong.rating.config import SCORECARD_FILE, ScorecardInvalid, load_scorecard


def test_the_published_card_grades_into_nine_bands():
    card = load_scorecard()
    assert card.model_version == "2"
    assert [card.grade_for(s) for s in (100, 90, 89, 80, 70, 60, 50, 40, 30, 20, 19, 0)] == [
        "AAA", "AAA", "AA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "C",
    ]  # fmt: skip
    assert card.highest_score("CC") == 29 and card.highest_score("AAA") == 100
    agencies_only = [n for n, d in card.dimensions.items() if d.agencies_only]
    assert agencies_only == ["transparency"]


@pytest.mark.parametrize(
    "change, says",
    [
        (lambda c: c["grades"].update(AA=95), "grade bands"),
        (lambda c: c["factors"]["revoked"].update(dimension="luck"), "unknown dimension luck"),
        (lambda c: c.pop("version"), "version"),
    ],
)
def test_a_broken_card_is_refused_with_the_reason(tmp_path, change, says):
    card = yaml.safe_load(SCORECARD_FILE.read_text(encoding="utf-8"))
    change(card)
    path = tmp_path / "scorecard.yaml"
    path.write_text(yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ScorecardInvalid) as refused:
        load_scorecard(path)
    assert says in refused.value.message_en and "评分卡" in refused.value.message_zh
