"""GET /api/v1/codes/{code}: validate and decode a credit code, registration number or org code."""

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from xinyong.codes import check_code

router = APIRouter(prefix="/api/v1/codes", tags=["codes 代码核验"])


class ProblemOut(BaseModel):
    code: str
    message_zh: str
    message_en: str
    position: int | None = None


class CodeCheckOut(BaseModel):
    input: str
    code: str
    kind: str | None
    valid: bool
    errors: list[ProblemOut]
    warnings: list[ProblemOut]
    decoded: dict[str, Any]


@router.get(
    "/{code}", response_model=CodeCheckOut, summary="校验并解析代码 / Validate and decode a code"
)
def get_code(code: str) -> dict[str, Any]:
    """Always 200: `valid` says whether the code is lawful; `errors` say exactly why not."""
    return check_code(code).to_dict()
