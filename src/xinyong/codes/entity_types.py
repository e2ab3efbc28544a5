"""The registry's entity types (企业类型, as GSXT words them) in English, phrase by phrase."""

from __future__ import annotations

import re
from functools import lru_cache

# The type itself, before any parenthesis.
KINDS = {
    "有限责任公司": "limited liability company",
    "有限责任公司分公司": "branch of a limited liability company",
    "股份有限公司": "company limited by shares",
    "股份有限公司分公司": "branch of a company limited by shares",
    "个体工商户": "individual business",
    "个人独资企业": "sole proprietorship",
    "个人独资企业分支机构": "branch of a sole proprietorship",
    "普通合伙企业": "general partnership",
    "特殊普通合伙企业": "special general partnership",
    "有限合伙企业": "limited partnership",
    "合伙企业分支机构": "branch of a partnership",
    "农民专业合作社": "farmers' specialised cooperative",
    "农民专业合作社分支机构": "branch of a farmers' specialised cooperative",
    "全民所有制": "enterprise owned by the whole people",
    "集体所有制": "collectively owned enterprise",
    "股份合作制": "joint-stock cooperative",
    "联营": "joint operation",
    "外国企业常驻代表机构": "resident representative office of a foreign enterprise",
    "律师事务所": "law firm",
    "民办非企业单位": "private non-enterprise unit",
    "社会团体": "social organisation",
    "事业单位": "public institution",
}
# What the parenthesis says of it, each part separated by 、.
QUALIFIERS = {
    "自然人投资或控股": "invested or controlled by natural persons",
    "自然人独资": "wholly owned by a natural person",
    "法人独资": "wholly owned by a legal person",
    "自然人投资或控股的法人独资": "wholly owned by a legal person that natural persons control",
    "非自然人投资或控股的法人独资": "wholly owned by a legal person no natural person controls",
    "国有独资": "wholly state-owned",
    "国有控股": "state-controlled",
    "上市": "listed",
    "非上市": "unlisted",
    "外商投资": "foreign-invested",
    "外商投资企业投资": "invested by a foreign-invested enterprise",
    "非独资": "not wholly owned",
    "外国法人独资": "wholly owned by a foreign legal person",
    "外国自然人独资": "wholly owned by a foreign natural person",
    "中外合资": "Sino-foreign equity joint venture",
    "中外合作": "Sino-foreign cooperative joint venture",
    "台港澳法人独资": "wholly owned by a Taiwan, Hong Kong or Macao legal person",
    "台港澳与境内合资": "Taiwan, Hong Kong or Macao and mainland joint venture",
    "合伙": "partnership",
    "个人": "sole practitioner",
}
_SHAPE = re.compile(r"^([^()（）]+)(?:[(（]([^()（）]+)[)）])?$")


@lru_cache(maxsize=256)
def entity_type_en(text: str) -> str | None:
    """有限责任公司(自然人投资或控股) → limited liability company (invested or controlled by
    natural persons); None when any part is not in the tables (the Chinese is shown then)."""
    match = _SHAPE.match(text.strip())
    if not match or match.group(1) not in KINDS:
        return None
    kind, said = KINDS[match.group(1)], match.group(2)
    if not said:
        return kind
    parts = [QUALIFIERS.get(p.strip()) for p in said.split("、")]
    if None in parts:
        return None
    return f"{kind} ({', '.join(parts)})"
