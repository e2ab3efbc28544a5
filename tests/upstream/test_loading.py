"""Loading a drop is idempotent: the same folder again changes nothing, a changed file only what changed."""

from __future__ import annotations

from tests.support.registry_files import credit_code, write_enterprises
from tests.upstream.conftest import enterprise_rows

ENTERPRISES = "registry.enterprises"


def test_a_drop_over_three_starts_on_kept_state(fake_upstream, drop, tmp_path):
    state = tmp_path / "kept.sqlite3"

    # Day one: the folder is loaded in file order, and an operator corrects one address.
    upstream = fake_upstream(drop, state=state)
    assert upstream.admin_state()["version"] == 32  # 20 + 3 + 6 + 2 + 1 records
    _, cursor = upstream.read_all(ENTERPRISES)
    upstream.change(
        {"dataset": ENTERPRISES, "record": {"统一社会信用代码": credit_code(1), "住所": "新址"}}
    )
    upstream.stop()

    # Restarted on the same folder: nothing is reloaded, the correction survives.
    upstream = fake_upstream(drop, state=state)
    assert sum("already loaded" in line for line in upstream.output) == 5
    assert upstream.admin_state()["version"] == 33
    news, cursor = upstream.read_all(ENTERPRISES, cursor)
    assert [(r["统一社会信用代码"], r["住所"]) for r in news] == [(credit_code(1), "新址")]
    upstream.stop()

    # The drop file changes one row: only that record moves past the cursor.
    rows = enterprise_rows()
    rows[11]["法定代表人"] = "李梅"
    write_enterprises(drop / "enterprises.csv", rows, encoding="gbk")
    upstream = fake_upstream(drop, state=state)
    assert any("updated 2" in line and "unchanged 18" in line for line in upstream.output)
    news, _ = upstream.read_all(ENTERPRISES, cursor)
    assert [(r["统一社会信用代码"], r["法定代表人"], r["住所"]) for r in news] == [
        (credit_code(1), "王建国", "江苏省连云港市海州区朝阳中路1号"),
        (credit_code(12), "李梅", "江苏省连云港市海州区朝阳中路1号"),
    ]
