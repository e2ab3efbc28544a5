"""Turning a stored grade into its explanation: every dimension, its points, each factor and its records."""

from __future__ import annotations

from xinyong.rating.config import Scorecard
from xinyong.rating.models import Rating, RatingHistory
from xinyong.rating.schemas import DimensionOut, FactorOut, GradeOut, RatingOut


def _factor(card: Scorecard, stored: dict) -> FactorOut:
    if stored["factor"] == "ceiling":
        return FactorOut(
            factor="ceiling",
            zh=f"等级上限 {stored['grade']}："
            + "、".join(card.factors[b].zh for b in stored["by"]),
            en=f"grade capped at {stored['grade']} by: "
            + "; ".join(card.factors[b].en for b in stored["by"]),
            points=stored["points"],
            count=0,
            ceiling=stored["grade"],
        )
    fa = card.factors[stored["factor"]]
    return FactorOut(
        factor=stored["factor"],
        zh=fa.zh,
        en=fa.en,
        points=stored["points"],
        count=stored["count"],
        colour=fa.colour,
        ceiling=fa.ceiling,
        no_record=stored.get("no_record", False),
        records=stored["records"],
    )


def explanation(card: Scorecard, rating: Rating) -> tuple[list[DimensionOut], FactorOut | None]:
    """Dimensions in scorecard order; a factor the stored grade does not name kept its points."""
    by_dim: dict[str, list[FactorOut]] = {}
    ceiling = None
    for stored in rating.factors:
        out = _factor(card, stored)
        if out.factor == "ceiling":
            ceiling = out
            continue
        by_dim.setdefault(card.factors[out.factor].dimension, []).append(out)
    dims = []
    for name, dim in card.dimensions.items():
        if dim.agencies_only and not rating.agency:
            continue
        factors = by_dim.get(name, [])
        if name in rating.unassessed:
            dims.append(
                DimensionOut(
                    dimension=name,
                    title_zh=dim.title_zh,
                    title_en=dim.title_en,
                    assessed=False,
                    points_possible=0,
                    points_kept=0,
                    note_zh="暂无记录，不计入评分（既不加分也不扣分）",
                    note_en="no record: left out of the score (neither for nor against)",
                    factors=[],
                )
            )
            continue
        unknown = sum(
            card.factors[f.factor].max or card.factors[f.factor].points
            if card.factors[f.factor].per_record
            else card.factors[f.factor].points
            for f in factors
            if f.no_record
        )
        possible = dim.points - unknown
        taken = -sum(f.points for f in factors if not f.no_record)
        kept = max(0, possible - taken)
        if taken:
            note_zh, note_en = f"扣 {taken} 分", f"{taken} points taken"
        else:
            note_zh, note_en = "无不良记录，得满分", "no adverse record: full points"
        if unknown:
            note_zh += f"；{unknown} 分的项目暂无记录，不计入"
            note_en += f"; items worth {unknown} points have no record and are left out"
        dims.append(
            DimensionOut(
                dimension=name,
                title_zh=dim.title_zh,
                title_en=dim.title_en,
                assessed=True,
                points_possible=possible,
                points_kept=kept,
                note_zh=note_zh,
                note_en=note_en,
                factors=factors,
            )
        )
    return dims, ceiling


def to_out(card: Scorecard, rating: Rating, history: list[RatingHistory]) -> RatingOut:
    label = card.colour_labels[rating.colour]
    if rating.model_version == card.model_version:
        dims, ceiling = explanation(card, rating)
    else:  # an earlier card's grade: the next pass re-rates it; until then, the grade alone
        dims, ceiling = [], None
    return RatingOut(
        credit_code=rating.credit_code,
        score=rating.score,
        grade=rating.grade,
        colour=rating.colour,
        colour_zh=label.zh,
        colour_en=label.en,
        model_version=rating.model_version,
        scorecard_zh=card.title_zh,
        scorecard_en=card.title_en,
        agency=rating.agency,
        as_of=rating.as_of,
        computed_at=rating.computed_at,
        changed_at=rating.changed_at,
        ceiling=ceiling,
        explanation=dims,
        history=[GradeOut.model_validate(h, from_attributes=True) for h in history],
    )
