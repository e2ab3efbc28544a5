"""An agency checks its schedule file before publishing, and quotes a case, from the shell."""

from __future__ import annotations

from typer.testing import CliRunner

from xinyong.cli import app

ARTICLE = """commission:
  method: {method}
  bands:
    - {{from: 0, to: 50000, rate: 30}}
    - {{from: 50000, to: null, rate: 20}}
expenses: {{policy: actual}}
"""


def test_a_law_firm_learns_its_30_percent_tier_breaks_the_cap(tmp_path):
    path = tmp_path / "schedule.yaml"
    path.write_text(ARTICLE.format(method="marginal"), encoding="utf-8")
    runner = CliRunner()
    refused = runner.invoke(app, ["fees", "check", str(path), "--kind", "law_firm"])
    assert refused.exit_code == 1 and "第 1 档" in refused.output
    accepted = runner.invoke(app, ["fees", "check", str(path), "--kind", "mediation"])
    assert accepted.exit_code == 0 and "可以发布" in accepted.output


def test_a_quote_from_a_schedule_file_prints_every_line(tmp_path):
    path = tmp_path / "schedule.yaml"
    path.write_text(ARTICLE.format(method="whole_amount"), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["fees", "quote", "--debt", "100000", "--recovered", "80000", "--schedule", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert "全额按 20% 计 16,000 元" in result.output and "合计 total 16000.00 元" in result.output
