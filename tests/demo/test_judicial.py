"""An operator loads the demo's zxgk and 双公示 drops through the real connectors: every row lands,
every organisation links to the right enterprise, and no natural person's ID is ever in the clear."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from tests.demo.conftest import DemoSet, import_drop
from xinyong.demo import generate
from xinyong.demo.base import add_years
from xinyong.demo.judicial import DEBTORS, DISHONEST, JUDICIAL_FILES, PENALTIES
from xinyong.demo.judicial_vocab import COURTS, INTERMEDIATE_COURT
from xinyong.enforcement.models import DishonestRecord, EnforcementCase
from xinyong.penalties.models import Penalty
from xinyong.registry.models import Enterprise
from xinyong.sources.catalog import FILE_STEMS
from xinyong.sources.layouts import REGISTRY_FILES
from xinyong.sources.linking import normalise_name

ID = "身份证号码/组织机构代码"
NAME = "被执行人姓名/名称"
# Registry files of (5,000 enterprises, seed 7, 28 bad rows), computed before the judicial
# and penalty files were added: adding them must not change a byte of the registry drop.
REGISTRY_DIGEST_5000_7_28 = "fedc6d1be7157f2215b6ebd6ddb1467f35bb21039fdabaa9c4fa024fa89fce0c"
REGISTRY_DIGEST_2000_11_0 = "b053ab04b7b0f827ce661738e598e33c2e92559ca21dac3fc5aff7caaae6ce53"
# What zxgk shows of an ID number: 3207**********1234, or 3207221985****1234 on 失信 pages.
MASKED = re.compile(r"\d{4}\*{10}\d{3}[\dX]|3207\d{2}(19|20)\d{2}\*{4}\d{3}[\dX]")
CASE_NUMBER = re.compile(r"（(20\d\d)）(苏07(?:03|06|07|22|23|24|91)?)执恢?[1-9]\d*号")
DECISION_NUMBER = re.compile(r"[^〔〕]+〔(20\d\d)〕\d+号")
LAWFUL = ("law_firm", "mediation", "auction")


def _registry_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for name in REGISTRY_FILES:
        h.update(name.encode())
        h.update((folder / name).read_bytes())
    return h.hexdigest()


def test_the_registry_drop_is_byte_for_byte_what_it_was_before(
    demo: DemoSet, tmp_path: Path
) -> None:
    assert _registry_digest(demo.out) == REGISTRY_DIGEST_5000_7_28
    generate(tmp_path, enterprises=2000, seed=11)
    assert _registry_digest(tmp_path) == REGISTRY_DIGEST_2000_11_0


def test_the_files_are_named_for_their_layouts_and_listed_in_the_manifest(clean: DemoSet) -> None:
    for name, layout in JUDICIAL_FILES.items():
        assert FILE_STEMS[Path(name).stem] == layout.name
        lines = (clean.out / name).read_text(encoding="utf-8").splitlines()
        assert lines[0].split(",") == layout.headers
        assert clean.manifest["files"][name] == len(lines) - 1


def test_every_row_lands_through_the_real_importers_and_organisations_link(
    clean: DemoSet, engine: Engine
) -> None:
    results = {r.file: r.counts for r in import_drop(engine, clean.out)}
    for name, count in clean.manifest["files"].items():
        assert (results[name].inserted, results[name].rejected) == (count, 0), name

    with engine.connect() as conn:
        registry = {
            e.credit_code: {e.name, *(e.former_names or [])}
            for e in conn.execute(
                select(Enterprise.credit_code, Enterprise.name, Enterprise.former_names)
            )
        }
        records = [
            *conn.execute(select(EnforcementCase.party_name, EnforcementCase.party_id, EnforcementCase.link_status, EnforcementCase.linked_credit_code)),
            *conn.execute(select(DishonestRecord.party_name, DishonestRecord.party_id, DishonestRecord.link_status, DishonestRecord.linked_credit_code)),
            *conn.execute(select(Penalty.party_name, Penalty.party_credit_code, Penalty.link_status, Penalty.linked_credit_code)),
        ]  # fmt: skip
        stories = {
            (r.source_record_id, r.link_status, r.linked_credit_code)
            for model in (EnforcementCase, DishonestRecord, Penalty)
            for r in conn.execute(
                select(model.source_record_id, model.link_status, model.linked_credit_code)
            )
        }

    statuses = Counter(status for _, _, status, _ in records)
    assert set(statuses) == {"code", "name", "person", "unlinked"}  # never ambiguous
    assert statuses["code"] > 5 * statuses["name"] > 0
    respelled = 0
    for name, code, status, linked in records:
        if status in ("code", "name"):
            # Linked to the enterprise the record means: its name, a former name, or a respelling.
            names = registry[linked]
            assert normalise_name(name) in {normalise_name(n) for n in names}, (name, linked)
            respelled += name not in names
            if status == "code" and code and len(code) == 18:
                assert code == linked
        elif status == "unlinked":
            # Only firms registered elsewhere: a valid code the registry does not hold.
            assert not name.startswith(("连云港", "江苏", "海州", "赣榆", "东海", "灌云", "灌南"))
            assert code is None or code not in registry
    assert respelled > 0  # half-width brackets and stray spaces still find the enterprise

    # The sector's story records link by credit code to the enterprises the manifest names.
    for record in clean.manifest["sector_records"]:
        assert (record["key"], "code", record["credit_code"]) in stories, record


def test_the_importers_reject_exactly_the_judicial_rows_the_manifest_lists(
    engine: Engine, tmp_path: Path
) -> None:
    manifest = generate(tmp_path, enterprises=1000, seed=7, bad_rows=14)
    results = import_drop(engine, tmp_path)
    rejected = {(r.file, p.line) for r in results for p in r.counts.problems}
    assert rejected == {(b["file"], b["line"]) for b in manifest["bad_rows"]}
    assert {b["file"] for b in manifest["bad_rows"]} == {*REGISTRY_FILES, *JUDICIAL_FILES}


def test_volumes_follow_the_number_of_enterprises(clean: DemoSet) -> None:
    n = clean.manifest["enterprises"]
    files = clean.manifest["files"]
    debtors, dishonest, penalties = files[DEBTORS], files[DISHONEST], files[PENALTIES]
    assert 0.17 < (debtors + dishonest) / n < 0.23  # about 0.2 enforcement records each
    assert 0.55 < debtors / (debtors + dishonest) < 0.65  # 60% 被执行人, 40% 失信
    assert 0.08 < penalties / n < 0.12  # about 0.1 penalties each


def test_natural_persons_ids_are_only_ever_published_masked(clean: DemoSet) -> None:
    people = 0
    for name in (DEBTORS, DISHONEST):
        for row in clean.rows(name):
            value = row[ID]
            person = row.get("主体类型") == "自然人" or "*" in value
            if person:
                people += 1
                assert MASKED.fullmatch(value), row
            else:
                assert value == "" or stdnum_uscc.is_valid(value) or len(value) in (9, 10), row
            if name == DISHONEST:
                assert (row["性别"] != "" and row["年龄"].isdigit()) == person
    assert people > 300
    penalties = clean.rows(PENALTIES)
    persons = [p for p in penalties if p["行政相对人类别"] == "自然人"]
    assert persons
    for p in persons:
        assert not any(p[h] for h in ("统一社会信用代码", "组织机构代码", "工商注册号", "证件号码"))
    for row in penalties:
        assert row["证件号码"] == row["法定代表人证件号码"] == ""
    # And nowhere in any cell is there a whole, valid resident ID number.
    for name in JUDICIAL_FILES:
        text = (clean.out / name).read_text(encoding="utf-8")
        assert not [m for m in re.findall(r"\d{17}[\dX]", text) if ric.is_valid(m)]


def test_masked_ids_carry_lianyungang_prefixes(clean: DemoSet) -> None:
    ids = [r[ID] for name in (DEBTORS, DISHONEST) for r in clean.rows(name) if "*" in r[ID]]
    assert sum(i.startswith("3207") for i in ids) / len(ids) > 0.85


def test_cases_look_like_the_courts_of_lianyungang(clean: DemoSet) -> None:
    courts = {code: name for name, code in COURTS.values()} | {
        INTERMEDIATE_COURT[1]: INTERMEDIATE_COURT[0]
    }
    debtors = clean.rows(DEBTORS)
    for row in [*debtors, *clean.rows(DISHONEST)]:
        match = CASE_NUMBER.fullmatch(row["案号"])
        assert match, row["案号"]
        assert match[1] == row["立案时间"][:4] and courts[match[2]] == row["执行法院"]
        assert "2019-01-01" <= row["立案时间"] < clean.manifest["as_of"]
    amounts = [float(r["执行标的（元）"]) for r in debtors]
    assert min(amounts) >= 5000 and max(amounts) <= 5_000_000
    assert sorted(amounts)[len(amounts) // 2] < 100_000  # most cases are small
    statuses = Counter(r["案件状态"] for r in debtors)
    assert statuses["执行中"] > 0.7 * len(debtors)
    closed = [r for r in debtors if r["案件状态"] in ("已结案", "执行完毕")]
    assert closed and all(r["立案时间"] < r["结案日期"] < clean.manifest["as_of"] for r in closed)
    assert all(r["结案日期"] == "" for r in debtors if r not in closed)


def test_dishonest_records_say_what_was_ordered_and_how_the_debtor_failed(clean: DemoSet) -> None:
    rows = clean.rows(DISHONEST)
    for row in rows:
        assert row["立案时间"] <= row["发布时间"] <= clean.manifest["as_of"]
        assert re.fullmatch(
            r"（20\d\d）苏07\d{0,2}(民初|民终|民督|民特)\d+号|（20\d\d）连仲裁字第\d+号"
            r"|.+劳人仲案字〔20\d\d〕第\d+号",
            row["执行依据文号"],
        ), row["执行依据文号"]
        assert row["做出执行依据单位"].endswith(("人民法院", "仲裁委员会"))
        assert row["被执行人的履行情况"] in ("全部未履行", "部分未履行")
        assert re.search(r"\d+元", row["生效法律文书确定的义务"])
        assert row["省份"] == "江苏"
    conducts = Counter(r["失信被执行人行为具体情形"] for r in rows)
    assert conducts.most_common(1)[0][0] == "有履行能力而拒不履行生效法律文书确定义务"
    assert "违反财产报告制度" in conducts and "违反限制消费令" in conducts
    # Organisations name their legal representative; natural persons do not.
    for row in rows:
        assert bool(row["法定代表人或者负责人姓名"]) == (row["主体类型"] == "法人或其他组织")


def test_penalties_read_like_double_publicity_decisions(clean: DemoSet) -> None:
    rows = clean.rows(PENALTIES)
    categories = Counter(r["行政相对人类别"] for r in rows)
    assert {"法人及非法人组织", "个体工商户", "自然人"} == set(categories)
    types = Counter(t for r in rows for t in r["处罚类别"].split("；"))
    assert {"警告", "罚款", "没收违法所得", "吊销营业执照"} <= set(types)
    for row in rows:
        decided = date.fromisoformat(row["处罚决定日期"])
        assert 2019 <= decided.year <= 2026 and row["处罚决定日期"] < clean.manifest["as_of"]
        match = DECISION_NUMBER.fullmatch(row["行政处罚决定书文号"])
        assert match and int(match[1]) == decided.year, row["行政处罚决定书文号"]
        code = row["处罚机关统一社会信用代码"]
        assert stdnum_uscc.is_valid(code) and code.startswith("1132"), code  # 机关, in the city
        assert row["数据来源单位统一社会信用代码"] == code
        # 公示截止期: a year after the decision, three for serious penalties.
        serious = "吊销营业执照" in row["处罚类别"] or "责令停产停业" in row["处罚类别"]
        until = date.fromisoformat(row["公示截止期"]).toordinal()
        ends = {add_years(decided.toordinal(), k) for k in ((3,) if serious else (1, 3))}
        assert until + 1 in ends, row
        if "罚款" in row["处罚类别"]:
            assert float(row["罚款金额（万元）"]) > 0
        assert row["违法事实"] and row["处罚依据"].startswith("《")
    assert any("《中华人民共和国广告法》第二十八条" in r["违法事实"] for r in rows)


def test_the_sector_story_is_in_the_records(clean: DemoSet) -> None:
    sector = {m["credit_code"]: m for m in clean.manifest["sector"]}
    records = clean.manifest["sector_records"]
    rows = {name: clean.rows(name) for name in JUDICIAL_FILES}
    stories: dict[str, list[dict]] = {}
    for record in records:
        row = rows[record["file"]][record["line"] - 2]
        layout = JUDICIAL_FILES[record["file"]]
        assert "|".join(row[layout.field(k).header] for k in layout.key) == record["key"]
        stories.setdefault(record["story"], []).append(record | {"row": row})
        assert sector[record["credit_code"]]["name"] == record["name"]

    revoked = stories["violent_collection_revoked"]
    assert len(revoked) == 2
    for r in revoked:
        member = sector[r["credit_code"]]
        assert member["role"] == "unlawful_collector" and member["status"] == "吊销"
        row = r["row"]
        assert "吊销营业执照" in row["处罚类别"] and "暴力催收" in row["违法事实"]
        assert row["处罚机关"].endswith("市场监督管理局")
    assert {r["credit_code"] for r in stories["collector_dishonest"] if r["file"] == DISHONEST} == {
        r["credit_code"] for r in revoked
    }

    (agency,) = [r for r in stories["dishonest_agency"] if r["file"] == DISHONEST]
    member = sector[agency["credit_code"]]
    assert member["role"] == "account_management" and member["status"] == "存续"

    (beyond,) = stories["beyond_scope"]
    assert sector[beyond["credit_code"]]["role"] == "consulting"
    assert "超范围经营" in beyond["row"]["违法行为类型"]

    (dispute,) = stories["contract_dispute"]
    assert "商务咨询" in dispute["name"] and dispute["row"]["案件状态"] == "执行中"
    (closed,) = stories["closed_case"]
    assert closed["row"]["案件状态"] == "已结案" and closed["row"]["结案日期"]


def test_lawful_agencies_have_no_enforcement_or_penalty_records(demo: DemoSet) -> None:
    lawful = [m for m in demo.manifest["sector"] if m["role"] in LAWFUL]
    assert len(lawful) == 27
    for name in JUDICIAL_FILES:
        text = (demo.out / name).read_text(encoding="utf-8")
        for m in lawful:
            assert m["name"] not in text and m["credit_code"] not in text, (name, m["name"])


def test_the_same_enterprises_and_seed_give_the_same_judicial_files(tmp_path: Path) -> None:
    generate(tmp_path / "a", enterprises=800, seed=3, bad_rows=4)
    generate(tmp_path / "b", enterprises=800, seed=3, bad_rows=4)
    generate(tmp_path / "c", enterprises=800, seed=4, bad_rows=4)
    for name in JUDICIAL_FILES:
        a, b, c = ((tmp_path / x / name).read_bytes() for x in "abc")
        assert a == b and a != c, name
