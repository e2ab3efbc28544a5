"""Shared page rendering: one template set, the site settings and the language in every page."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from xinyong.agencies.money import pct, yuan
from xinyong.codes.divisions import counties_of, lookup_division
from xinyong.codes.entity_types import entity_type_en
from xinyong.codes.industries import INDUSTRY_EN
from xinyong.errors import InvalidInput
from xinyong.lists.clock import SHANGHAI
from xinyong.search.normalise import short_place, spellings
from xinyong.settings import get_settings
from xinyong.sources.catalog import record_title, source_title
from xinyong.sources.layouts import STATUS_EN
from xinyong.verification.rules import entity_class_en
from xinyong.web.i18n import lang_of, translator

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["yuan"] = yuan
templates.env.filters["pct"] = pct


def beijing(moment: datetime | date | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time (UTC; naive ones are UTC too) as the visitor reads it, in Beijing time:
    the one way pages show a time, so none shows a UTC hour unmarked or marked."""
    if moment is None:
        return "—"
    if isinstance(moment, date) and not isinstance(moment, datetime):
        return moment.strftime(pattern)
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(SHANGHAI).strftime(pattern)


templates.env.filters["beijing"] = beijing


def layout_title(name: str) -> tuple[str, str]:
    """A data layout as people call it (企业登记基本信息 / Enterprise registration); `*` is a
    run that failed before it reached any one layout."""
    from xinyong.sources.catalog import layouts

    found = layouts().get(name)
    if found:
        return found.title_zh, found.title_en
    return ("全部数据", "all data") if name == "*" else (name, name)


templates.env.globals["layout_title"] = layout_title


templates.env.globals["record_title"] = record_title
_OFFICIAL_EN = {**STATUS_EN, **INDUSTRY_EN}


def official_en(word: str) -> str:
    """`t(word, official_en(word))`: a word of an official vocabulary (a registry or licence
    status, an industry section, an entity type) in the visitor's language, or as given when
    it is not known; the records keep the official words."""
    if not word:
        return word
    return _OFFICIAL_EN.get(word) or entity_type_en(word) or word


templates.env.globals["official_en"] = official_en
templates.env.globals["entity_class_en"] = entity_class_en
templates.env.globals["source_title"] = source_title


def districts() -> dict[str, tuple[str, str]]:
    """The districts a visitor filters by, code → (Chinese, English): the counties in force
    under the deployment's city (GB/T 2260, as python-stdnum has it) and the zones it
    configures (settings.division_zones)."""
    settings = get_settings()
    return _districts(settings.division_code, tuple(settings.division_zones.items()))


@functools.cache
def _districts(city: str, zones: tuple) -> dict[str, tuple[str, str]]:
    found = {
        d.code: (d.county, spellings(short_place(d.county))[0].capitalize())
        for d in counties_of(city)
    }
    found.update((code, tuple(names)) for code, names in zones)
    return found


def place(code: str) -> tuple[str, str]:
    """A division code as people name it, (Chinese, English): the deployment's districts and
    zones by their names, else GB/T 2260's narrowest name for it; a code it does not know, as
    given."""
    found = districts().get(code)
    if found:
        return found
    try:
        division = lookup_division(code)
    except InvalidInput:
        return code, code
    name = division.county or division.city or division.province
    if not division.known or not name:
        return code, code
    return name, spellings(short_place(name))[0].capitalize()


templates.env.globals["place"] = place


def page(request: Request, template: str, /, status_code: int = 200, **values: Any):
    """Render a page with `settings`, `lang` and `t(zh, en)` besides the page's own values."""
    lang = lang_of(request)
    context = {"settings": get_settings(), "lang": lang, "t": translator(lang), **values}
    return templates.TemplateResponse(request, template, context, status_code=status_code)


async def form_fields(request: Request) -> dict[str, str]:
    """A posted form's text fields, read in the event loop as a dependency, so the page
    handler that uses them (and the database) stays sync, on the thread pool."""
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
