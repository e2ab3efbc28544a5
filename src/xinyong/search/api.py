"""GET /api/v1/enterprises?q=…: enterprise search (a thin shell over search.service)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from xinyong.api import lanes
from xinyong.api.cache import REGISTRY_DATA, cached_answer
from xinyong.search.schemas import SearchPage
from xinyong.search.service import MAX_SIZE, search

router = APIRouter(prefix="/api/v1/enterprises", tags=["enterprises 企业"])


class SearchQuery(BaseModel):
    """The search's query parameters, validated in one step (by the route and its lane)."""

    q: str = Field(
        min_length=1,
        max_length=200,
        description="名称、曾用名、拼音或首字母、法定代表人、统一社会信用代码/注册号/组织机构代码；"
        "可含多个词（连云港 物流）/ name, former name, pinyin or initials, legal representative, "
        "or a code; may hold several words (连云港 物流)",
    )
    # Division and status are checked by the search itself (search.service.checked_division,
    # checked_statuses), so this API and the search page refuse the same values alike.
    division: str | None = Field(
        None,
        max_length=20,
        description="行政区划代码（GB/T 2260）：省 32、市 3207 或区县 320706，或开发区代码 / "
        "division code (GB/T 2260): province 32, city 3207 or county 320706, or a zone's code",
    )
    status: str | None = Field(
        None,
        max_length=100,
        description="登记状态，可逗号分隔：存续、在业、吊销、注销、迁出 / registry status, "
        "comma-separated: 存续 (active), 在业 (in business), 吊销 (revoked), 注销 (cancelled), "
        "迁出 (moved out)",
    )
    industry: str | None = Field(None, description="所属行业 / industry")
    agencies: bool = Field(
        False, description="仅服务机构名录中的机构 / only agencies in the directory"
    )
    page: int = Field(1, ge=1, le=1000)
    size: int = Field(20, ge=1, le=MAX_SIZE)


@router.get("", response_model=SearchPage, summary="企业搜索 / Enterprise search")
async def search_enterprises(request: Request, params: Annotated[SearchQuery, Query()]) -> Response:
    # Same query, same registry, same answer: cached and revalidated (api/cache.py); a court or
    # penalty sync leaves it kept.
    return await cached_answer(
        request,
        lambda session: search(
            session,
            params.q,
            division=params.division,
            status=params.status,
            industry=params.industry,
            agencies_only=params.agencies,
            page=params.page,
            size=params.size,
        ),
        REGISTRY_DATA,
    )


# A miss of an anonymous search is answered before routing (api/lanes.py).
lanes.register("/api/v1/enterprises", search_enterprises, SearchQuery)
