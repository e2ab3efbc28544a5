"""The site's language: Simplified Chinese first, English on request (`lang` query param or cookie)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

LANGS = ("zh", "en")
COOKIE = "lang"
router = APIRouter(include_in_schema=False)


def lang_of(request: Request) -> str:
    """The query parameter wins over the cookie, so a shared `?lang=en` link shows English."""
    chosen = request.query_params.get("lang") or request.cookies.get(COOKIE) or "zh"
    return chosen if chosen in LANGS else "zh"


def translator(lang: str) -> Callable[[str, str], str]:
    """`t(zh, en)` for templates: every text is written in both languages where it is used."""
    return (lambda zh, en: en) if lang == "en" else (lambda zh, en: zh)


def _local(path: str | None) -> str:
    # Only a path on this site: an open redirect would let a phishing link borrow our name.
    return path if path and path.startswith("/") and not path.startswith("//") else "/"


@router.get("/lang/{lang}")
def switch_language(lang: str, next: str | None = None) -> RedirectResponse:
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(
        COOKIE, lang if lang in LANGS else "zh", max_age=365 * 86400, samesite="lax"
    )
    return response
