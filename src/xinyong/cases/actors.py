"""Who acts on a case, as plain values: the accounts domain (or a case token) says who it is."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("creditor", "agency", "operator", "public")


@dataclass(frozen=True)
class Actor:
    """A creditor (user or organisation), an agency (by its credit code), an operator, the public."""

    kind: str
    id: str
    name: str
    org_code: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"actor kind {self.kind!r} is not one of {KINDS}")


@dataclass(frozen=True)
class Upload:
    """A file handed in with a registration, a progress update or a complaint."""

    name: str
    content: bytes
    media_type: str | None = None
