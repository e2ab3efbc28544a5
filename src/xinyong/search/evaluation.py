"""A labelled query set drawn from a registry, and top-1 / MRR / latency per query kind."""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from random import Random
from typing import Any

from opencc import OpenCC
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.registry.models import Enterprise
from xinyong.search.normalise import core, initials, normalise, pinyin
from xinyong.search.schemas import SearchItem
from xinyong.search.service import search

# Common characters a slip of the keyboard or IME may put in place of the right one.
TYPO_CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"

# The goals of the search issue, and floors for the other kinds.
GOALS = {"code": 1.0, "exact": 0.98, "traditional": 0.98, "pinyin": 0.98, "typo": 0.9}
FLOORS = GOALS | {
    "prefix": 0.98,
    "short": 0.98,
    "one_char": 0.98,
    "legal_rep": 0.98,
    "initials": 0.9,
    "substring": 0.95,
    "typo_core": 0.9,
    "former_name": 0.95,
}


@dataclass(frozen=True)
class Labelled:
    kind: str
    query: str
    code: str  # the enterprise the query was made from
    name: str


@dataclass
class KindScore:
    """Accuracy and latency of one query kind."""

    top1: list[bool] = field(default_factory=list)
    reciprocal: list[float] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)  # in the order of `ms`

    @property
    def accuracy(self) -> float:
        return sum(self.top1) / len(self.top1)

    @property
    def mrr(self) -> float:
        return statistics.mean(self.reciprocal)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.ms)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def sample_rows(session: Session, n: int, seed: int) -> list[Any]:
    """n enterprises spread over the whole registry (by id, without loading it all)."""
    low, high = session.execute(select(func.min(Enterprise.id), func.max(Enterprise.id))).one()
    rng = Random(seed)
    ids = sorted({rng.randint(low, high) for _ in range(n * 2)})
    columns = (
        Enterprise.credit_code,
        Enterprise.name,
        Enterprise.former_names,
        Enterprise.legal_rep,
    )
    rows = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows += session.execute(select(*columns).where(Enterprise.id.in_(chunk))).all()
    return rows


def labelled_queries(rows: Sequence[Any], per_kind: int, seed: int) -> list[Labelled]:
    """Queries of every kind a user types, each made from one enterprise of `rows`."""
    rng = Random(seed)
    s2t = OpenCC("s2t")
    out: list[Labelled] = []
    for row in rng.sample(list(rows), per_kind):
        name, code = row.name, row.credit_code
        name_core = core(normalise(name))

        def add(kind: str, query: str, name=name, code=code) -> None:
            out.append(Labelled(kind, query, code, name))

        add("code", code)
        add("exact", name)
        add("prefix", name[: max(4, len(name) - 4)])
        add("traditional", s2t.convert(name))
        add("pinyin", pinyin(name_core))
        add("initials", initials(name_core))
        add("substring", name_core)
        start = rng.randrange(max(1, len(name_core) - 1))
        add("short", name_core[start : start + 2])
        add("one_char", name_core[rng.randrange(len(name_core))])
        if row.legal_rep:
            add("legal_rep", row.legal_rep)
        spot = name.find(name_core[:1]) + rng.randrange(len(name_core))
        wrong = rng.choice([c for c in TYPO_CHARS if c not in name])
        add("typo", name[:spot] + wrong + name[spot + 1 :])
        if len(name_core) >= 3:  # one wrong character of two is not a typo but a guess
            at = rng.randrange(len(name_core))
            add("typo_core", name_core[:at] + wrong + name_core[at + 1 :])
    with_former = [r for r in rows if r.former_names]
    for row in rng.sample(with_former, min(per_kind, len(with_former))):
        out.append(Labelled("former_name", row.former_names[0], row.credit_code, row.name))
    return out


def as_right(item: Labelled, first: SearchItem) -> bool:
    """Whether the first result answers the query, when it is not the labelled enterprise."""
    if item.kind in ("pinyin", "initials", "substring", "typo_core"):
        # Two enterprises may share a 字号 (and so its pinyin): the other one is as right.
        return core(normalise(first.name)) == core(normalise(item.name))
    if item.kind == "prefix":
        return first.name.startswith(item.query)
    if item.kind in ("short", "one_char"):
        return item.query in first.name
    if item.kind == "legal_rep":
        return first.legal_rep == item.query
    return False


def evaluate(session: Session, queries: Sequence[Labelled], size: int = 20) -> dict[str, KindScore]:
    """Run every query in-process; score its first result and time it."""
    scores: dict[str, KindScore] = defaultdict(KindScore)
    for item in queries:
        started = time.perf_counter()
        page = search(session, item.query, size=size)
        scores[item.kind].ms.append((time.perf_counter() - started) * 1000)
        scores[item.kind].queries.append(item.query)
        codes = [i.credit_code for i in page.items]
        rank = codes.index(item.code) + 1 if item.code in codes else None
        other = rank != 1 and bool(page.items) and as_right(item, page.items[0])
        scores[item.kind].top1.append(rank == 1 or other)
        scores[item.kind].reciprocal.append(1.0 if other else (1.0 / rank if rank else 0.0))
    return dict(scores)


def table(scores: dict[str, KindScore]) -> str:
    """A Markdown table: kind, n, top-1, MRR, p50/p95/p99 ms, mean ms and the kind's share of
    all the time (throughput follows the mean, which a few slow queries can make)."""
    lines = [
        "| kind | n | top-1 | MRR | p50 ms | p95 ms | p99 ms | mean ms | share |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    total = sum(sum(s.ms) for s in scores.values()) or 1.0
    for kind, s in scores.items():
        lines.append(
            f"| {kind} | {len(s.top1)} | {s.accuracy:.3f} | {s.mrr:.3f} | "
            f"{statistics.median(s.ms):.1f} | {s.percentile(0.95):.1f} | {s.percentile(0.99):.1f} | "
            f"{statistics.mean(s.ms):.2f} | {100 * sum(s.ms) / total:.0f}% |"
        )
    return "\n".join(lines)


def slowest(scores: dict[str, KindScore], n: int) -> list[tuple[float, str, str]]:
    """The n slowest queries: (ms, kind, query), slowest first."""
    timed = [
        (ms, kind, q) for kind, s in scores.items() for ms, q in zip(s.ms, s.queries, strict=True)
    ]
    return sorted(timed, reverse=True)[:n]
