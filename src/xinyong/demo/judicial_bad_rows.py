"""Deliberately malformed rows in the judicial and penalty files, so tests can check their rejects."""

from __future__ import annotations

from random import Random

from xinyong.demo.bad_rows import IMPOSSIBLE_DATES, BadRowSchedule
from xinyong.demo.codes import USCC_ALPHABET
from xinyong.demo.judicial import DEBTORS, DISHONEST, JUDICIAL_FILES, OUTSIDE_PLACES, PENALTIES, Row
from xinyong.demo.judicial_vocab import BY_DISTRICT, COURTS

# (file, problem), taken in turn so that any count covers every file and problem evenly.
PLAN = (
    (DEBTORS, "impossible_date"),
    (DISHONEST, "unknown_value"),
    (PENALTIES, "check_char"),
    (DEBTORS, "negative_amount"),
    (DISHONEST, "impossible_date"),
    (PENALTIES, "negative_amount"),
    (DEBTORS, "unknown_value"),
    (DISHONEST, "missing_name"),
    (PENALTIES, "unknown_value"),
    (DEBTORS, "check_char"),
    (PENALTIES, "impossible_date"),
    (DISHONEST, "check_char"),
    (PENALTIES, "illegal_char"),
    (DEBTORS, "missing_name"),
)
# The cell each problem spoils, by file.
SPOILED = {
    DEBTORS: {
        "impossible_date": "filed_on",
        "negative_amount": "amount_fen",
        "unknown_value": "case_status",
        "check_char": "party_id",
        "missing_name": "party_name",
    },
    DISHONEST: {
        "impossible_date": "published_on",
        "unknown_value": "performance",
        "check_char": "party_id",
        "missing_name": "party_name",
    },
    PENALTIES: {
        "check_char": "party_credit_code",
        "illegal_char": "party_credit_code",
        "negative_amount": "fine_fen",
        "unknown_value": "party_category",
        "impossible_date": "decided_on",
    },
}
UNKNOWN = {"case_status": "审理中", "performance": "履行中", "party_category": "事业单位"}
_LETTERS = [c for c in USCC_ALPHABET if not c.isdigit() and c != "X"]


class JudicialBadRowMaker(BadRowSchedule):
    """Plans where bad judicial rows go and makes each one, from its own random stream.

    Their parties are firms from outside the city with codes from a series nothing else
    uses, and their document numbers are out of the good rows' ranges: asking for bad rows
    adds rows but never changes the good ones.
    """

    plan = PLAN

    def __init__(self, seed: int, count: int, enterprises: int, as_of: str) -> None:
        # Half a step after the registry's bad rows, so the two sets do not bunch together.
        after = [round((i + 1.5) * enterprises / (count + 1)) for i in range(count)]
        super().__init__(Random(f"{seed}:judicial-bad-rows"), count, after)
        self.as_of = as_of

    def _corrupt(self, code: str, problem: str) -> str:
        r = self.rng.random
        if problem == "check_char":
            # A letter, never a digit or X: 17 digits and a digit would read as an ID number.
            wrong = [c for c in _LETTERS if c != code[17]]
            return code[:17] + wrong[int(r() * len(wrong))]
        position = 10 + int(r() * 7)
        return code[:position] + ("I" if r() < 0.5 else "O") + code[position + 1 :]

    def row(self, index: int) -> tuple[str, Row, str, str]:
        """(file, row by field key, column header, bad value) for bad row `index`."""
        file, problem = PLAN[index % len(PLAN)]
        r = self.rng.random
        city, division = OUTSIDE_PLACES[int(r() * len(OUTSIDE_PLACES))]
        name = f"{city}测{index + 1}号商贸有限公司"
        code = self.mint.uscc("91", division, self.mint.org_body(2020, "spare"))
        court, court_code = COURTS["320706"]
        serial = 90_000 + index
        if file == PENALTIES:
            authority = BY_DISTRICT["320706"]["market"]
            row: Row = {
                "party_name": name,
                "party_category": "法人及非法人组织",
                "party_credit_code": code,
                "decision_number": authority.number(2025, serial),
                "violation_type": "不按规定明码标价",
                "penalty_types": "罚款",
                "content": "罚款人民币2000元",
                "fine_fen": "0.2",
                "decided_on": "2025-04-18",
                "publish_until": "2026-04-17",
                "authority": authority.name,
                "authority_credit_code": authority.code,
                "as_of": self.as_of,
            }
        else:
            row = {
                "case_number": f"（2025）{court_code}执{serial}号",
                "party_name": name,
                "party_id": code,
                "court": court,
                "filed_on": "2025-03-04",
                "as_of": self.as_of,
            }
            if file == DEBTORS:
                row |= {"amount_fen": "125000", "case_status": "执行中"}
            else:
                row |= {
                    "party_type": "法人或其他组织",
                    "province": "江苏",
                    "published_on": "2025-08-15",
                    "performance": "全部未履行",
                    "conduct": "有履行能力而拒不履行生效法律文书确定义务",
                }
        key = SPOILED[file][problem]
        value = {
            "impossible_date": IMPOSSIBLE_DATES[int(r() * len(IMPOSSIBLE_DATES))],
            "negative_amount": "-0.5" if file == PENALTIES else f"-{1000 + int(r() * 9000)}",
            "missing_name": "",
            "check_char": self._corrupt(code, "check_char"),
            "illegal_char": self._corrupt(code, "illegal_char"),
        }.get(problem) or UNKNOWN.get(key, "")
        row[key] = value
        return file, row, JUDICIAL_FILES[file].field(key).header, value
