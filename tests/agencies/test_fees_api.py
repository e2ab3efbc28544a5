"""The fee API as a creditor's browser and an operator's script use it."""

from __future__ import annotations

import re

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tests.support.judicial_files import dishonest_row, person_dishonest_row, write_drop
from xinyong.registry.models import Enterprise
from xinyong.sources.config import get_source
from xinyong.sources.layouts_judicial import ENFORCEMENT_DISHONEST
from xinyong.sources.scheduler import run_syncs

from .conftest import code_of

ARTICLE = {"bands": [{"from": "0", "to": "50000", "rate": "30"}, {"from": "50000", "rate": "20"}]}


def test_an_inline_schedule_is_quoted_under_either_declared_reading(client):
    for method, total in (("marginal", "21000.00"), ("whole_amount", "16000.00")):
        body = {
            "debt_amount": "100000",
            "recovered_amount": "80000",
            "schedule": {"commission": {"method": method, **ARTICLE}},
        }
        q = client.post("/api/v1/fees/quote", json=body).json()
        assert q["total"] == total
        assert sum(float(line["high"]) for line in q["lines"]) == float(total)
        assert "四舍五入" in q["rounding"]
    marginal = client.post(
        "/api/v1/fees/quote",
        json={
            "debt_amount": "80000",
            "schedule": {"commission": {"method": "marginal", **ARTICLE}},
        },
    ).json()
    assert marginal["lines"][0]["text_zh"] == "前 50,000 元按 30% 计 15,000 元"


def test_a_scale_that_does_not_say_marginal_or_whole_is_refused(client):
    r = client.post(
        "/api/v1/fees/quote", json={"debt_amount": "80000", "schedule": {"commission": ARTICLE}}
    )
    assert r.status_code == 422 and "method" in r.json()["detail"]


def test_a_gap_is_a_problem_detail_naming_the_band(client):
    gap = {
        "method": "marginal",
        "bands": [{"from": 0, "to": 50000, "rate": 30}, {"from": 100000, "rate": 20}],
    }
    r = client.post(
        "/api/v1/fees/quote", json={"debt_amount": "80000", "schedule": {"commission": gap}}
    )
    assert r.status_code == 422
    body = r.json()
    assert body["type"] == "urn:xinyong:problem:fee_schedule_invalid"
    assert body["problems"][0]["band"] == 2 and body["problems"][0]["rule"] == "band_gap"


def test_a_law_firm_kind_shows_the_cap_breach_beside_the_quote(client):
    body = {
        "debt_amount": "80000",
        "kind": "law_firm",
        "schedule": {"commission": {"method": "marginal", **ARTICLE}},
    }
    q = client.post("/api/v1/fees/quote", json=body).json()
    rules = [b["rule"] for b in q["breaches"]]
    assert "contingency_cap" in rules and "contingency_cap_case" in rules


def test_an_agencys_schedule_in_force_is_quoted_by_its_code(client, drop, engine):
    code = code_of(drop[1], "江苏田湾律师事务所")
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _k, text, *_: sent.append(text))
    q = client.post(
        "/api/v1/fees/quote",
        json={"agency": code, "debt_amount": "30000", "recovered_amount": "10000", "hours": "4"},
    ).json()
    # A quote reads the agency and its schedules, not the grade, stars and service record a
    # directory entry shows (they were most of a quote's work).
    assert sent and not [t for t in sent if re.search(r"\b(rating|debt_case|complaint)\b", t)]
    assert q["agency_name"] == "江苏田湾律师事务所" and q["schedule_version"] == 1
    # 15% of 10,000 = 1,500 plus 4 h × 200–500 = 800–2,000; the 3,000 minimum tops up.
    assert (q["total_low"], q["total_high"]) == ("3000.00", "3500.00")
    assert [line["kind"] for line in q["lines"]] == ["commission", "hourly", "minimum"]


def test_the_directory_and_the_comparison_for_one_case(client, drop):
    listing = client.get(
        "/api/v1/agencies",
        params={"service": "litigation", "debt_amount": "500000", "sort": "price"},
    ).json()
    totals = [float(a["quote"]["total"]) for a in listing]
    assert totals == sorted(totals)
    # Stars are computed from published criteria (lists/stars.yaml), never typed in.
    assert all(a["standing"]["stars"] in (None, 1, 2, 3, 4, 5) for a in listing)
    assert any(a["standing"]["stars"] for a in listing)
    compared = client.post(
        "/api/v1/fees/compare",
        json={"debt_amount": "500000", "sort": "effective_rate", "descending": True},
    ).json()
    rates = [float(a["quote"]["effective_rate"]) for a in compared]
    assert rates == sorted(rates, reverse=True)
    profile = client.get(f"/api/v1/agencies/{code_of(drop[1], '江苏田湾律师事务所')}").json()
    assert profile["listed"] and profile["schedule"]["compliant"]
    assert client.get("/api/v1/agencies/913207000000000000").status_code == 404
    r = client.get("/api/v1/agencies", params={"sort": "price"})
    assert r.status_code == 422 and "debt_amount" in r.json()["detail"]


def test_publishing_needs_the_operator_token_and_a_lawful_schedule(client, drop, monkeypatch):
    code = code_of(drop[1], "江苏郁洲律师事务所")  # listed off for its 30% tier
    url = f"/api/v1/agencies/{code}/fee-schedules"
    lawful = {
        "title": "风险代理收费（修订）",
        "schedule": {
            "commission": {
                "method": "marginal",
                "bands": [{"from": 0, "to": 1000000, "rate": 18}, {"from": 1000000, "rate": 6}],
            },
            "expenses": {"policy": "actual"},
        },
    }
    assert client.post(url, json=lawful).status_code == 403  # no token configured: closed
    monkeypatch.setenv("XINYONG_OPERATOR_TOKEN", "s3cret")
    assert client.post(url, json=lawful).status_code == 401
    auth = {"Authorization": "Bearer s3cret"}
    article = {"schedule": {"commission": {"method": "marginal", **ARTICLE}}}
    refused = client.post(url, json=article, headers=auth)
    assert refused.status_code == 422 and refused.json()["problems"][0]["band"] == 1
    # Quotes are kept per data generation; publishing moves it, so the next quote is new.
    ask = {"agency": code, "debt_amount": "200000"}
    first = client.post("/api/v1/fees/quote", json=ask)
    again = client.post("/api/v1/fees/quote", json=ask, headers={"If-None-Match": "*"})
    assert (first.headers["x-cache"], again.headers["x-cache"]) == ("miss", "hit")
    assert again.status_code == 200 and again.json() == first.json()
    assert first.json()["schedule_version"] == 1
    published = client.post(url, json=lawful, headers=auth)
    assert published.status_code == 201 and published.json()["version"] == 2
    now = client.post("/api/v1/fees/quote", json=ask)
    assert now.headers["x-cache"] == "miss" and now.json()["schedule_version"] == 2
    assert now.json()["total_high"] != first.json()["total_high"]
    assert published.json()["source"] == "portal"
    profile = client.get(f"/api/v1/agencies/{code}").json()
    assert profile["listed"] and profile["schedule"]["version"] == 2
    history = client.get(url).json()
    assert [h["version"] for h in history] == [2, 1] and not history[1]["compliant"]


def test_absurd_amounts_are_refused_with_a_problem_not_a_crash(client):
    inline = {"fixed_fees": [{"name_zh": "文书费", "name_en": "documents", "amount": "100"}]}
    for debt in ("1e400", "NaN", "Infinity", "100.001", "-5"):
        r = client.post("/api/v1/fees/quote", json={"debt_amount": debt, "schedule": inline})
        assert r.status_code == 422, debt
        assert r.json()["type"] == "urn:xinyong:problem:invalid_input"
    page = client.get("/fees", params={"debt": "1e400"})
    assert page.status_code == 200 and "精确到分" in page.text


def test_a_quote_is_carried_past_court_records_about_other_firms(client, drop, engine, tmp_path):
    """A quote reads no court record, but a court sync moves the data generation it is kept
    under: the quote kept before is taken over unless the sync named the agency itself."""
    code = code_of(drop[1], "江苏田湾律师事务所")
    ask = {"agency": code, "debt_amount": "30000", "recovered_amount": "10000", "hours": "4"}

    def court(folder: str, row: dict) -> None:
        write_drop(tmp_path / folder / "dishonest.csv", ENFORCEMENT_DISHONEST, [row])
        source = get_source("zxgk").model_copy(update={"path": tmp_path / folder})
        run_syncs(engine, [source])

    first = client.post("/api/v1/fees/quote", json=ask)
    assert first.headers["x-cache"] == "miss"
    court("zxgk-1", dishonest_row(1))  # a firm that is not the agency
    again = client.post("/api/v1/fees/quote", json=ask)
    assert again.headers["x-cache"] == "carried" and again.content == first.content
    assert again.headers["etag"] != first.headers["etag"]
    court("zxgk-2", dishonest_row(2, **{"身份证号码/组织机构代码": code}))
    assert client.post("/api/v1/fees/quote", json=ask).headers["x-cache"] == "miss"


def test_a_quote_says_when_the_agency_is_not_listed(client, drop):
    """A creditor comparing prices learns, with the figures, that an agency the platform's own
    verification fails may not be entrusted, and why; a listed agency's quote says it is."""
    xinda = code_of(drop[1], "连云港信达商务咨询有限公司")
    q = client.post("/api/v1/fees/quote", json={"agency": xinda, "debt_amount": "30000"}).json()
    standing = q["standing"]
    assert standing["listed"] is False and standing["verdict"] == "不通过"
    assert "超范围经营" in standing["reason_zh"] and standing["reason_en"]
    assert standing["verification_url"] == f"/verifications?query={xinda}"
    assert any(n["zh"].startswith("三步核验未通过，不予列入名录") for n in standing["notices"])
    assert q["total"]  # the figures are still given: the creditor sees both

    tianwan = code_of(drop[1], "江苏田湾律师事务所")
    q = client.post("/api/v1/fees/quote", json={"agency": tianwan, "debt_amount": "30000"}).json()
    assert q["standing"]["listed"] is True and q["standing"]["verdict"] in ("通过", "警示")

    # The calculator says it before the figures, in either language.
    page = client.get("/fees", params={"debt": "30000", "agency": xinda}).text
    card = page.split('id="agency-quote"')[1].split('id="article"')[0]
    banner = card.split('id="listing"')[1].split("</div>")[0]
    assert card.index('id="listing"') < card.index("<table")
    assert "该机构未列入名录，不得委托" in banner and "超范围经营" in banner
    assert f'href="/verifications?query={xinda}"' in banner
    english = client.get("/fees", params={"debt": "30000", "agency": xinda, "lang": "en"}).text
    assert "This agency is not listed: do not entrust it" in english
    listed = client.get("/fees", params={"debt": "30000", "agency": tianwan}).text
    assert "未列入名录" not in listed and "已列入名录" in listed


def test_a_record_against_the_agency_unlists_it_in_the_next_quote(client, drop, engine, tmp_path):
    """A kept quote is carried past records about other firms, but not past one naming the
    agency: the next quote says it is no longer listed, not the standing kept before."""
    code = code_of(drop[1], "江苏田湾律师事务所")
    ask = {"agency": code, "debt_amount": "30000"}

    def court(folder: str, row: dict) -> None:
        write_drop(tmp_path / folder / "dishonest.csv", ENFORCEMENT_DISHONEST, [row])
        source = get_source("zxgk").model_copy(update={"path": tmp_path / folder})
        run_syncs(engine, [source])

    first = client.post("/api/v1/fees/quote", json=ask)
    assert first.json()["standing"]["listed"] is True
    court("zxgk-1", dishonest_row(1))
    assert client.post("/api/v1/fees/quote", json=ask).headers["x-cache"] == "carried"
    # A record about the firm's head, by name, is what its verification rests on too.
    with Session(engine) as session:
        head = session.scalar(select(Enterprise.legal_rep).where(Enterprise.credit_code == code))
    court("zxgk-p", person_dishonest_row(3, name=head))
    by_name = client.post("/api/v1/fees/quote", json=ask)
    assert by_name.headers["x-cache"] == "miss" and by_name.json()["standing"]["listed"]
    court("zxgk-2", dishonest_row(2, **{"身份证号码/组织机构代码": code}))
    after = client.post("/api/v1/fees/quote", json=ask)
    assert after.headers["x-cache"] == "miss"
    standing = after.json()["standing"]
    assert standing["listed"] is False and standing["verdict"] == "不通过"
    assert "失信" in standing["reason_zh"]
    # The directory agrees.
    assert not client.get(f"/api/v1/agencies/{code}").json()["listed"]


def test_an_agency_registered_elsewhere_is_unlisted_on_its_records_here(engine, drop):
    """A law firm whose code is registered outside this city's registry has no verification
    here; a published black-list entry on its code still keeps it out of the directory, and its
    quote says so rather than calling it listed."""
    from fastapi.testclient import TestClient

    from tests.lists.story import OPERATOR, at, proposal
    from xinyong.api.app import create_app
    from xinyong.lists import service as lists

    from .conftest import sources

    run_syncs(engine, sources(drop[0])[1:])  # the directory alone: no registry rows
    code = code_of(drop[1], "江苏田湾律师事务所")
    ask = {"agency": code, "debt_amount": "30000"}
    with TestClient(create_app(engine)) as client:
        before = client.post("/api/v1/fees/quote", json=ask).json()["standing"]
        assert before["listed"] is True and before["verdict"] is None
        with Session(engine) as session:
            entry = lists.propose(
                session,
                proposal(credit_code=code, subject_name="江苏田湾律师事务所"),
                OPERATOR,
                at(2026, 5, 4),
            )
            lists.approve(session, entry.id, OPERATOR, None, at(2026, 5, 4))
            lists.publish(session, entry.id, OPERATOR, at(2026, 5, 11))
            session.commit()
        after = client.post("/api/v1/fees/quote", json=ask)
        assert after.headers["x-cache"] == "miss"
        standing = after.json()["standing"]
        assert standing["listed"] is False and standing["verdict"] is None
        assert any(n["zh"].startswith("列入黑名单") for n in standing["notices"])
        assert not client.get(f"/api/v1/agencies/{code}").json()["listed"]  # the directory agrees


def _court(engine, folder, code: str, n: int) -> None:
    write_drop(
        folder / "dishonest.csv",
        ENFORCEMENT_DISHONEST,
        [dishonest_row(n, **{"身份证号码/组织机构代码": code})],
    )
    run_syncs(engine, [get_source("zxgk").model_copy(update={"path": folder})])


def _link_of(engine) -> tuple[str, str | None]:
    from xinyong.enforcement.models import DishonestRecord

    with Session(engine) as session:
        record = session.scalar(select(DishonestRecord))
        return record.link_status, record.linked_credit_code


def test_a_court_record_naming_a_firm_registered_elsewhere_unlists_it(engine, drop, tmp_path):
    """A law firm outside the registry is in the directory; a dishonest-debtor record then
    names it by its code: the record is linked to the firm, its kept quote is not carried past
    it, and the quote and the directory both say it is no longer listed."""
    from fastapi.testclient import TestClient

    from xinyong.api.app import create_app

    from .conftest import sources

    run_syncs(engine, sources(drop[0])[1:])  # the directory alone: no registry rows
    code = code_of(drop[1], "江苏田湾律师事务所")
    ask = {"agency": code, "debt_amount": "30000"}
    with TestClient(create_app(engine)) as client:
        assert client.post("/api/v1/fees/quote", json=ask).json()["standing"]["listed"]
        _court(engine, tmp_path / "zxgk", code, 2)
        assert _link_of(engine) == ("code", code)
        after = client.post("/api/v1/fees/quote", json=ask)
        assert after.headers["x-cache"] == "miss"
        standing = after.json()["standing"]
        assert standing["listed"] is False
        assert any("失信被执行人记录" in n["zh"] for n in standing["notices"])
        assert not client.get(f"/api/v1/agencies/{code}").json()["listed"]


def test_a_record_imported_before_the_firm_joined_the_directory_is_linked_then(
    engine, drop, tmp_path
):
    """The court record came first, about a code nobody here knew: unlinked. When the firm
    joins the directory, the record is linked to it."""
    from .conftest import sources

    code = code_of(drop[1], "江苏田湾律师事务所")
    _court(engine, tmp_path / "zxgk", code, 2)
    assert _link_of(engine) == ("unlinked", None)
    run_syncs(engine, sources(drop[0])[1:])
    assert _link_of(engine) == ("code", code)
