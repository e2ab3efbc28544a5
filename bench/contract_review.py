"""Precision and recall of contract review, per clause and per flag, on the labelled set.

Each labelled contract (tests/data/contracts/) is reviewed as plain text, as a DOCX and as a
PDF made from the same text, so extraction is measured too. Run:

    .venv/bin/python bench/contract_review.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

from xinyong.documents.model import Block, Document
from xinyong.documents.render_docx import render_docx
from xinyong.documents.render_pdf import render_pdf
from xinyong.documents.review.engine import find_clauses, find_flags, load_rules
from xinyong.documents.review.extract import read_contract

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "contracts"


def labelled(heldout: bool = False) -> dict[str, dict]:
    """{relative path: label}: the development set, or the held-out set."""
    if heldout:
        raw = yaml.safe_load((DATA / "heldout" / "labels.yaml").read_text("utf-8"))
        return {f"heldout/{k}": v for k, v in raw.items()}
    labels = yaml.safe_load((DATA / "labels.yaml").read_text("utf-8"))
    labels.update(yaml.safe_load((DATA / "handwritten.yaml").read_text("utf-8")))
    return labels


def as_format(text: str, fmt: str) -> bytes:
    if fmt == "text":
        return text.encode("utf-8")
    lines = [x for x in text.splitlines() if x.strip()]
    doc = Document(title=lines[0], blocks=[Block("paragraph", x) for x in lines[1:]])
    return render_docx(doc) if fmt == "docx" else render_pdf(doc)


def measure(
    formats=("text", "docx", "pdf"), heldout: bool = False
) -> dict[str, dict[str, tuple[int, int, int]]]:
    """{format: {key: (true positives, false positives, false negatives)}}."""
    out: dict[str, dict[str, tuple[int, int, int]]] = {}
    rules = load_rules()
    keys = [r.key for r in rules.clauses] + [r.key for r in rules.flags]
    for fmt in formats:
        tp, fp, fn = Counter(), Counter(), Counter()
        for name, label in labelled(heldout).items():
            contract = read_contract(as_format((DATA / name).read_text("utf-8"), fmt))
            got = {k for k, v in find_clauses(contract, rules).items() if v}
            got |= {k for k, v in find_flags(contract, rules).items() if v}
            want = set(label["clauses"]) | set(label["flags"])
            for k in keys:
                tp[k] += k in got and k in want
                fp[k] += k in got and k not in want
                fn[k] += k in want and k not in got
        out[fmt] = {k: (tp[k], fp[k], fn[k]) for k in keys}
    return out


def ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def table(results: dict[str, dict[str, tuple[int, int, int]]]) -> str:
    lines = [
        "| clause / flag | " + " | ".join(f"{f} P | {f} R" for f in results) + " | support |",
        "| --- | " + " | ".join("---: | ---:" for _ in results) + " | ---: |",
    ]
    first = next(iter(results.values()))
    for key in first:
        cells = []
        for per in results.values():
            tp, fp, fn = per[key]
            cells += [f"{ratio(tp, tp + fp):.3f}", f"{ratio(tp, tp + fn):.3f}"]
        tp, _, fn = first[key]
        lines.append(f"| {key} | " + " | ".join(cells) + f" | {tp + fn} |")
    return "\n".join(lines)


if __name__ == "__main__":
    worst = 1.0
    for heldout in (False, True):
        results = measure(heldout=heldout)
        kind = "held-out" if heldout else "development"
        print(f"\n{kind} set: {len(labelled(heldout))} labelled contracts\n")
        print(table(results))
        worst = min(
            [worst]
            + [
                min(ratio(tp, tp + fp), ratio(tp, tp + fn))
                for per in results.values()
                for tp, fp, fn in per.values()
            ]
        )
    sys.exit(0 if worst >= 0.95 else 1)
