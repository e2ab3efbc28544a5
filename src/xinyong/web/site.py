"""Shared page rendering: one template set, the site settings and the language in every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from xinyong.agencies.money import pct, yuan
from xinyong.settings import get_settings
from xinyong.web.i18n import lang_of, translator

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["yuan"] = yuan
templates.env.filters["pct"] = pct


def page(request: Request, template: str, /, status_code: int = 200, **values: Any):
    """Render a page with `settings`, `lang` and `t(zh, en)` besides the page's own values."""
    lang = lang_of(request)
    context = {"settings": get_settings(), "lang": lang, "t": translator(lang), **values}
    return templates.TemplateResponse(request, template, context, status_code=status_code)
