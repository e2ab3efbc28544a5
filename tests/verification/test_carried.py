"""A court sync about one firm no longer makes every verification anew: a question asked again
after a sync that named neither its firm nor any of its people gets the findings kept before,
with the report's data-as-of of the new generation; a sync naming the firm or one of its people
makes it anew."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.support.judicial_files import dishonest_row, person_dishonest_row, write_drop
from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.api.app import create_app
from xinyong.api.cache import PUBLIC_DATA
from xinyong.api.carry import mark, person, touched
from xinyong.enforcement.models import DishonestRecord
from xinyong.sources.config import get_source
from xinyong.sources.layouts_judicial import ENFORCEMENT_DISHONEST
from xinyong.sources.provenance import write_versions
from xinyong.sources.scheduler import run_syncs
from xinyong.verification.schemas import VerificationOut
from xinyong.verification.service import digest_of


def _registry(engine, folder) -> None:
    """Firm 1 is run by 周海波, firm 3 by 陈雅琴."""
    rows = [enterprise_row(1, 法定代表人="周海波"), enterprise_row(3, 法定代表人="陈雅琴")]
    write_enterprises(folder / "enterprises.csv", rows)
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": folder})])


def _court(engine, folder, *rows: dict) -> None:
    write_drop(folder / "dishonest.csv", ENFORCEMENT_DISHONEST, list(rows))
    run_syncs(engine, [get_source("zxgk").model_copy(update={"path": folder})])


def _as_of(report: dict, record_type: str) -> dict:
    return next(d for d in report["data_as_of"] if d["record_type"] == record_type)


def test_a_verification_is_carried_past_a_sync_about_another_firm_and_remade_by_its_own(
    tmp_path, engine
):
    _registry(engine, tmp_path / "gsxt")
    _court(engine, tmp_path / "zxgk-0", dishonest_row(9, 更新日期="2026-11-01"))
    ask = {"code": credit_code(3)}
    other = {"code": credit_code(3), "service": "litigation"}
    with TestClient(create_app(engine)) as client:
        carrier = client.app.state.read_cache.carrier
        made = client.post("/api/v1/verifications", json=ask)
        assert made.headers["x-cache"] == "miss"
        first = made.json()
        client.post("/api/v1/verifications", json=other)
        records = first["steps"][2]
        assert records["step"] == "records" and records["outcome"] == "pass"

        # The court lists firm 1 as a dishonest debtor: nothing firm 3's report rests on.
        _court(engine, tmp_path / "zxgk-1", dishonest_row(1, 更新日期="2026-11-25"))
        carried = client.post("/api/v1/verifications", json=ask)
        assert carried.headers["x-cache"] == "carried" and carrier.carried == 1
        second = carried.json()
        assert second["steps"] == first["steps"] and second["verdict"] == first["verdict"]
        # A record of its own, whose report says where the court's data stands now.
        assert second["id"] != first["id"]
        assert _as_of(first, "dishonest_record")["as_of"] == "2026-11-01"
        assert _as_of(second, "dishonest_record")["as_of"] == "2026-11-25"
        assert _as_of(second, "enterprise") == _as_of(first, "enterprise")
        stored = client.get(f"/api/v1/verifications/{second['id']}").json()
        assert stored["data_as_of"] == second["data_as_of"]
        assert digest_of(VerificationOut.model_validate(stored)) == second["digest"]
        # Asked again at the same generation: the carried answer is reused.
        reused = client.post("/api/v1/verifications", json=ask)
        assert reused.headers["x-cache"] == "hit" and reused.json()["steps"] == first["steps"]
        assert reused.json()["id"] not in (first["id"], second["id"])
        # Another question about the firm: carried too, from what the first read of the sync.
        client.post("/api/v1/verifications", json=other)
        assert (carrier.carried, carrier.windows_read) == (2, 1)

        # The court names firm 3's legal representative: made anew, and it shows.
        _court(engine, tmp_path / "zxgk-2", person_dishonest_row(3, name="陈雅琴"))
        remade = client.post("/api/v1/verifications", json=ask)
        assert remade.headers["x-cache"] == "miss" and carrier.carried == 2
        third = remade.json()
        assert third["steps"][2]["outcome"] == "warn"  # by name alone: a warning
        assert "陈*琴" in str(third["steps"][2]["reasons"])

        # The court names firm 3 itself: made anew.
        _court(engine, tmp_path / "zxgk-3", dishonest_row(3))
        fourth = client.post("/api/v1/verifications", json=ask).json()
        assert carrier.carried == 2
        assert len(fourth["steps"][2]["reasons"]) > len(third["steps"][2]["reasons"])


def test_a_person_record_touches_the_names_it_gives_before_and_after_a_correction(
    tmp_path, engine, session
):
    _registry(engine, tmp_path / "gsxt")
    old = mark(session, PUBLIC_DATA)
    session.commit()
    _court(engine, tmp_path / "zxgk", person_dishonest_row(5, name="张三明"))
    new = mark(session, PUBLIC_DATA)
    session.commit()
    with engine.connect() as conn:
        assert touched(conn, old, new) == {person("张三明")}
    # The name was mistyped: a new version, the old one kept.
    table = DishonestRecord.__table__
    with engine.begin() as conn:
        row = conn.execute(select(table)).one()
        write_versions(conn, table, [(row, {"party_name": "张山明"})])
    with engine.connect() as conn:
        assert touched(conn, new, mark(session, PUBLIC_DATA)) == {
            person("张三明"),
            person("张山明"),
        }
