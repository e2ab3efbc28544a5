"""GB 32100-2015 tables: registration authorities (登记管理部门) and entity types (机构类别)."""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    code: str
    name_zh: str
    name_en: str

    def to_dict(self) -> dict[str, str]:
        return self._asdict()


AUTHORITIES: dict[str, Entry] = {
    e.code: e
    for e in (
        Entry("1", "机构编制", "public sector establishment administration"),
        Entry("2", "外交", "foreign affairs"),
        Entry("3", "司法行政", "judicial administration"),
        Entry("4", "文化", "culture"),
        Entry("5", "民政", "civil affairs"),
        Entry("6", "旅游", "tourism"),
        Entry("7", "宗教", "religious affairs"),
        Entry("8", "工会", "trade unions"),
        Entry("9", "工商（市场监管）", "industry and commerce (market regulation)"),
        Entry(
            "A",
            "中央军委改革和编制办公室",
            "Reform and Organization Office of the Central Military Commission",
        ),
        Entry("N", "农业", "agriculture"),
        Entry("Y", "其他", "other"),
    )
}

# Keyed by the first two characters of the code: the type digit only means something
# under its authority (e.g. "1" is 机关 under 1 but 企业 under 9).
ENTITY_TYPES: dict[str, Entry] = {
    e.code: e
    for e in (
        Entry("11", "机关", "government organ"),
        Entry("12", "事业单位", "public institution"),
        Entry(
            "13",
            "中央编办直接管理机构编制的群众团体",
            "mass organisation staffed under the central establishment office",
        ),
        Entry("19", "其他", "other"),
        Entry("21", "外国常驻新闻机构", "resident office of a foreign news organisation"),
        Entry("29", "其他", "other"),
        Entry("31", "律师执业机构", "law practice (law firm)"),
        Entry("32", "公证处", "notary office"),
        Entry("33", "基层法律服务所", "grassroots legal service office"),
        Entry("34", "司法鉴定机构", "forensic appraisal institution"),
        Entry("35", "仲裁委员会", "arbitration commission"),
        Entry("39", "其他", "other"),
        Entry("41", "外国在华文化中心", "foreign cultural centre in China"),
        Entry("49", "其他", "other"),
        Entry("51", "社会团体", "social organisation (association)"),
        Entry("52", "民办非企业单位", "private non-enterprise unit"),
        Entry("53", "基金会", "foundation"),
        Entry("59", "其他", "other"),
        Entry("61", "外国旅游部门常驻代表机构", "resident office of a foreign tourism authority"),
        Entry(
            "62",
            "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "mainland office of a Hong Kong, Macao or Taiwan tourism authority",
        ),
        Entry("69", "其他", "other"),
        Entry("71", "宗教活动场所", "place of religious activity"),
        Entry("72", "宗教院校", "religious school"),
        Entry("79", "其他", "other"),
        Entry("81", "基层工会", "grassroots trade union"),
        Entry("89", "其他", "other"),
        Entry("91", "企业", "enterprise"),
        Entry("92", "个体工商户", "individual business (sole trader)"),
        Entry("93", "农民专业合作社", "farmers' specialised cooperative"),
        Entry("A1", "军队事业单位", "military public institution"),
        Entry("A9", "其他", "other"),
        Entry("N1", "组级集体经济组织", "group-level collective economic organisation"),
        Entry("N2", "村级集体经济组织", "village-level collective economic organisation"),
        Entry("N3", "乡镇级集体经济组织", "township-level collective economic organisation"),
        Entry("N9", "其他", "other"),
        Entry("Y1", "其他", "other"),
    )
}


def types_under(authority: str) -> list[Entry]:
    """The entity types that exist under one registration authority."""
    return [e for key, e in ENTITY_TYPES.items() if key[0] == authority]
