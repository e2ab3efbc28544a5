"""Results of checking a code: the problems found, the verdict and the decoding."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class CodeProblem:
    """One thing wrong (error) or worth noting (warning) about a code."""

    code: str
    message_zh: str
    message_en: str
    position: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# The kinds of code as people call them.
KIND_NAMES = {
    "uscc": ("统一社会信用代码", "unified social credit code"),
    "registration_number": ("注册号", "registration number"),
    "organisation_code": ("组织机构代码", "organisation code"),
}


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of checking one code: valid means no errors; warnings never invalidate."""

    input: str
    code: str
    kind: str | None
    valid: bool
    errors: list[CodeProblem] = field(default_factory=list)
    warnings: list[CodeProblem] = field(default_factory=list)
    decoded: dict[str, Any] = field(default_factory=dict)

    @property
    def kind_names(self) -> tuple[str, str]:
        """(Chinese, English) name of the code's kind; "代码" / "code" when it is unknown."""
        return KIND_NAMES.get(self.kind or "", ("代码", "code"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "code": self.code,
            "kind": self.kind,
            "valid": self.valid,
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
            "decoded": self.decoded,
        }


def normalise(value: str) -> str:
    """Strip, upper-case and drop spaces and hyphens.

    NFKC first, because codes pasted from Chinese documents often carry full-width
    characters (“９１３２…”, “－”) and ideographic spaces.
    """
    text = unicodedata.normalize("NFKC", value)
    # str.split() splits at exactly the characters str.isspace() accepts.
    return "".join(text.split()).replace("-", "").upper()


def describe_char(char: str) -> str:
    """A character as it should appear inside a message; invisible ones get their code point."""
    return char if char.isprintable() else f"U+{ord(char):04X}"
