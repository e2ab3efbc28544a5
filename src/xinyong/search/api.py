"""GET /api/v1/enterprises?q=…: enterprise search (a thin shell over search.service)."""

from fastapi import APIRouter, Query, Request, Response

from xinyong.api.cache import cached_answer
from xinyong.search.schemas import SearchPage
from xinyong.search.service import MAX_SIZE, search

router = APIRouter(prefix="/api/v1/enterprises", tags=["enterprises 企业"])


@router.get("", response_model=SearchPage, summary="企业搜索 / Enterprise search")
async def search_enterprises(
    request: Request,
    q: str = Query(
        ...,
        min_length=1,
        max_length=200,
        description="名称、曾用名、拼音或首字母、法定代表人、统一社会信用代码/注册号/组织机构代码 "
        "/ name, former name, pinyin or initials, legal representative, or a code",
    ),
    division: str | None = Query(
        None, pattern=r"^\d{2,6}$", description="行政区划代码（前缀）/ division code (prefix)"
    ),
    status: str | None = Query(
        None, description="登记状态，可逗号分隔：存续,在业 / status, comma-separated"
    ),
    industry: str | None = Query(None, description="所属行业 / industry"),
    agencies: bool = Query(
        False, description="仅服务机构名录中的机构 / only agencies in the directory"
    ),
    page: int = Query(1, ge=1, le=1000),
    size: int = Query(20, ge=1, le=MAX_SIZE),
) -> Response:
    # Same query, same data generation, same answer: cached and revalidated (api/cache.py).
    return await cached_answer(
        request,
        lambda session: search(
            session,
            q,
            division=division,
            status=status,
            industry=industry,
            agencies_only=agencies,
            page=page,
            size=size,
        ),
    )
