"""Minting unique, valid demo identifiers: credit codes, organisation codes, registration numbers."""

from __future__ import annotations

from random import Random

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_VALUE = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Pre-2015 organisation codes in Jiangsu were all-digit; these leading pairs are common ones.
OLD_ORG_PREFIXES = (
    "13",
    "25",
    "55",
    "56",
    "66",
    "67",
    "69",
    "70",
    "71",
    "72",
    "73",
    "74",
    "75",
    "76",
    "77",
    "78",
    "79",
    "05",
    "06",
    "08",
    "09",
    "30",
    "31",
    "32",
)


# Per-position tables of value x weight: the code minting loop adds nine lookups instead
# of running a generator over zip(), which matters at a million codes.
_USCC_TERMS = [{c: v * w for c, v in _USCC_VALUE.items()} for w in _USCC_WEIGHTS]
_ORG_TERMS = [{c: v * w for c, v in _ORG_VALUE.items()} for w in _ORG_WEIGHTS]
# ISO 7064 MOD 11,10 as a transition table: state x digit -> next state.
_MOD_11_10 = [{str(d): (((c or 10) * 2) % 11 + d) % 10 for d in range(10)} for c in range(10)]


def uscc_check_char(body17: str) -> str:
    """GB 32100 check character; the same arithmetic as stdnum.cn.uscc, without its cleaning."""
    total = sum(_USCC_VALUE[c] * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_check_char(body8: str) -> str:
    """GB 11714 check character of an organisation code body (same as xinyong.codes.orgcode)."""
    rest = 11 - sum(_ORG_VALUE[c] * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True)) % 11
    return "X" if rest == 10 else "0" if rest == 11 else str(rest)


def mod_11_10_check_digit(digits: str) -> str:
    """ISO 7064 MOD 11,10 check digit, as stdnum.iso7064.mod_11_10.calc_check_digit computes it."""
    check = 5
    for d in digits:
        check = _MOD_11_10[check][d]
    return str((1 - ((check or 10) * 2) % 11) % 10)


class _Sequence:
    """Distinct, scattered numbers below `size`: an affine bijection of a counter.

    Real codes are not consecutive, but they must never repeat; a bijection gives both
    without remembering what was issued.
    """

    __slots__ = ("size", "mul", "add", "next")

    def __init__(self, size: int, rng: Random) -> None:
        self.size = size
        self.mul = rng.randrange(size // 3, size)
        # The multiplier must share no factor with the size, or numbers would repeat.
        while _gcd(self.mul, size) != 1:
            self.mul += 1
        self.add = rng.randrange(size)
        self.next = 0

    def take(self) -> int | None:
        if self.next >= self.size:
            return None
        n = (self.next * self.mul + self.add) % self.size
        self.next += 1
        return n


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


_PAIRS = [a + b for a in USCC_ALPHABET for b in USCC_ALPHABET]  # 00..YY: two digits per lookup


def _base31(n: int, width: int) -> str:
    """n in base 31 over the USCC alphabet, zero-padded to an even or odd width."""
    out = ""
    for _ in range(width // 2):
        n, d = divmod(n, 961)
        out = _PAIRS[d] + out
    return USCC_ALPHABET[n % 31] + out if width % 2 else out


# After GB 32100 came into force, new organisation codes start "MA"; the third and fourth
# characters advanced as the province used up its ranges, so they hint at the year issued.
_MA_SERIES = {
    2015: ("MA1M",),
    2016: ("MA1M", "MA1N"),
    2017: ("MA1N", "MA1P"),
    2018: ("MA1Q", "MA1R", "MA1T"),
    2019: ("MA1U", "MA1W", "MA1X"),
    2020: ("MA1Y", "MA20", "MA21"),
    2021: ("MA22", "MA23", "MA24"),
    2022: ("MA25", "MA26"),
    2023: ("MA27", "MA28"),
    2024: ("MA29", "MA2A"),
    2025: ("MA2B", "MA2C"),
    2026: ("MA2D",),
}


class CodeMint:
    """Issues credit codes and registration numbers that are valid and never repeat."""

    def __init__(self, rng: Random) -> None:
        self._rng = rng
        self._sequences: dict[str, _Sequence] = {}
        self._prefix_sums: dict[str, int] = {}

    def _number(self, series: str, size: int) -> int:
        seq = self._sequences.get(series)
        if seq is None:
            seq = self._sequences[series] = _Sequence(size, self._rng)
        n = seq.take()
        if n is None:
            raise OverflowError(f"demo code series {series} exhausted")
        return n

    def org_body(self, year: int, kind: str) -> str:
        """Eight characters of an organisation code for an entity coded in `year`.

        kind: "old" (all-digit, pre-2015), "ma" (market entities since 2015),
        "mj" (民政 social organisations), "law" (司法行政 law firms), "spare" (never used
        by the generator's own mint, so codes from a second mint cannot repeat its codes).
        """
        if kind == "old":
            prefix = OLD_ORG_PREFIXES[int(self._rng.random() * len(OLD_ORG_PREFIXES))]
            return f"{prefix}{self._number('old' + prefix, 1_000_000):06d}"
        if kind == "mj":
            return "MJ" + _base31(self._number("MJ", 31**6), 6)
        if kind == "spare":
            # A series the generator never issues, for rows that must not collide with it.
            return "MA9" + _base31(self._number("spare", 31**5), 5)
        if kind == "law":
            return f"466{self._number('law', 100_000):05d}"
        series = _MA_SERIES[min(max(year, 2015), 2026)]
        prefix = series[int(self._rng.random() * len(series))]
        n = self._number(prefix, 31**4)
        return prefix + _base31(n, 4)

    def uscc(self, type2: str, division: str, org_body: str, org_check_ok: bool = True) -> str:
        """The 18-character code; org_check_ok=False mints one whose GB 11714 check fails."""
        t = _ORG_TERMS
        rest = (
            11
            - (
                t[0][org_body[0]]
                + t[1][org_body[1]]
                + t[2][org_body[2]]
                + t[3][org_body[3]]
                + t[4][org_body[4]]
                + t[5][org_body[5]]
                + t[6][org_body[6]]
                + t[7][org_body[7]]
            )
            % 11
        )
        org = "X" if rest == 10 else "0" if rest == 11 else str(rest)
        if not org_check_ok:
            # Registries really issued a few codes like this; the USCC check itself stays right.
            org = "0123456789X"[("0123456789X".index(org) + 1 + int(self._rng.random() * 9)) % 11]
        head = type2 + division
        partial = self._prefix_sums.get(head)
        if partial is None:
            partial = self._prefix_sums[head] = sum(
                _USCC_VALUE[c] * w for c, w in zip(head, _USCC_WEIGHTS[:8], strict=True)
            )
        u = _USCC_TERMS
        total = (
            partial
            + u[8][org_body[0]]
            + u[9][org_body[1]]
            + u[10][org_body[2]]
            + u[11][org_body[3]]
            + u[12][org_body[4]]
            + u[13][org_body[5]]
            + u[14][org_body[6]]
            + u[15][org_body[7]]
            + u[16][org]
        )
        return head + org_body + org + USCC_ALPHABET[(31 - total % 31) % 31]

    def registration_number(self, division: str, subject_class: str) -> str:
        """15-digit 注册号 (GS15-2006): division, subject class digit, sequence, MOD 11,10 check."""
        n = self._number(f"reg{division}{subject_class}", 10_000_000)
        body = f"{division}{subject_class}{n:07d}"
        return body + mod_11_10_check_digit(body)
