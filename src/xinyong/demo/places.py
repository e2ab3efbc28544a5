"""Lianyungang's districts for demo data: division codes, authorities, towns, roads and addresses."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from random import Random

CITY = "连云港市"
CITY_DIVISION = "320700"
PROVINCE_DIVISION = "320000"


@dataclass(frozen=True)
class District:
    """A county-level area where enterprises are domiciled."""

    code: str  # current division code (320771 is a development zone GB/T 2260 lacks)
    name: str  # 海州区
    short: str  # the form used inside names: 海州区, 东海县
    place: str  # the form authorities use: 连云港市海州区, 东海县
    weight: float  # share of enterprises domiciled here, in percent
    towns: tuple[str, ...]
    roads: tuple[str, ...]
    parks: tuple[str, ...]
    # Before the 2014 reorganisation some enterprises here were registered under this code.
    former_code: str | None = None
    former_name: str | None = None

    @cached_property
    def market_regulator(self) -> str:
        return f"{self.place}市场监督管理局"

    def bureau(self, name: str) -> str:
        return f"{self.place}{name}"


DISTRICTS: tuple[District, ...] = (
    District(
        "320706",
        "海州区",
        "海州区",
        "连云港市海州区",
        35.0,
        (
            "新浦街道",
            "浦东街道",
            "路南街道",
            "朐阳街道",
            "洪门街道",
            "新东街道",
            "新南街道",
            "幸福路街道",
            "宁海街道",
            "新海街道",
            "锦屏镇",
            "板浦镇",
            "浦南镇",
        ),
        (
            "海连中路",
            "海连东路",
            "通灌北路",
            "通灌南路",
            "解放中路",
            "解放东路",
            "人民中路",
            "人民东路",
            "朝阳中路",
            "朝阳东路",
            "苍梧路",
            "郁洲南路",
            "郁洲北路",
            "瀛洲南路",
            "巨龙北路",
            "凌州东路",
            "幸福南路",
            "新孔北路",
            "花果山大道",
            "盐河南路",
            "陇海东路",
        ),
        ("海州经济开发区", "高新技术产业开发区"),
        "320705",
        "新浦区",
    ),
    District(
        "320703",
        "连云区",
        "连云区",
        "连云港市连云区",
        9.0,
        ("墟沟街道", "连云街道", "连岛街道", "板桥街道", "徐圩街道", "宿城街道", "高公岛街道"),
        (
            "中山西路",
            "中山中路",
            "中华西路",
            "海棠中路",
            "海棠北路",
            "海滨大道",
            "平山路",
            "港城大道",
            "金桥路",
            "云山路",
        ),
        ("港口物流园区", "徐圩新区", "板桥工业园"),
    ),
    District(
        "320707",
        "赣榆区",
        "赣榆区",
        "连云港市赣榆区",
        16.0,
        (
            "青口镇",
            "赣马镇",
            "海头镇",
            "柘汪镇",
            "石桥镇",
            "沙河镇",
            "墩尚镇",
            "宋庄镇",
            "城头镇",
            "厉庄镇",
            "班庄镇",
            "金山镇",
        ),
        (
            "黄海路",
            "华中北路",
            "华中南路",
            "金海西路",
            "金海东路",
            "环城东路",
            "赣马路",
            "青口路",
            "海州湾大道",
            "沙河路",
        ),
        ("赣榆经济开发区", "赣榆海洋经济开发区", "柘汪临港产业区"),
        "320721",
        "赣榆县",
    ),
    District(
        "320722",
        "东海县",
        "东海县",
        "东海县",
        17.0,
        (
            "牛山街道",
            "石榴街道",
            "青湖镇",
            "桃林镇",
            "双店镇",
            "平明镇",
            "房山镇",
            "温泉镇",
            "安峰镇",
            "黄川镇",
            "白塔埠镇",
            "洪庄镇",
            "曲阳乡",
            "山左口乡",
        ),
        (
            "和平东路",
            "和平西路",
            "晶都大道",
            "牛山北路",
            "牛山南路",
            "建设中路",
            "西湖路",
            "青松路",
            "东海大道",
            "水晶路",
        ),
        ("东海经济开发区", "硅材料产业园", "中国东海水晶城"),
    ),
    District(
        "320723",
        "灌云县",
        "灌云县",
        "灌云县",
        10.0,
        (
            "伊山镇",
            "杨集镇",
            "燕尾港镇",
            "同兴镇",
            "四队镇",
            "圩丰镇",
            "龙苴镇",
            "下车镇",
            "图河镇",
            "东王集镇",
            "南岗乡",
            "侍庄街道",
        ),
        (
            "振兴北路",
            "人民西路",
            "人民东路",
            "胜利路",
            "伊山南路",
            "伊山北路",
            "云台山路",
            "宏伟路",
            "临港大道",
        ),
        ("灌云经济开发区", "灌云临港产业区"),
    ),
    District(
        "320724",
        "灌南县",
        "灌南县",
        "灌南县",
        9.0,
        (
            "新安镇",
            "堆沟港镇",
            "田楼镇",
            "北陈集镇",
            "张店镇",
            "三口镇",
            "孟兴庄镇",
            "汤沟镇",
            "百禄镇",
            "新集镇",
            "李集镇",
        ),
        (
            "人民中路",
            "新港大道",
            "长江西路",
            "海西路",
            "北京东路",
            "汤沟路",
            "苏州路",
            "开发区大道",
        ),
        ("江苏灌南经济开发区", "连云港化工产业园区"),
    ),
    District(
        "320771",
        "连云港经济技术开发区",
        "连云港经济技术开发区",
        "连云港经济技术开发区",
        1.5,
        ("猴嘴街道", "朝阳街道", "中云街道"),
        ("新光路", "黄河路", "珠江路", "昆仑山路", "泰山路", "大浦路", "松花江路", "长江路"),
        ("新医药产业园", "新材料产业园"),
    ),
)
BY_CODE = {d.code: d for d in DISTRICTS}
BY_SHORT = {d.short: d for d in DISTRICTS}

_BUILDINGS = (
    "金融大厦",
    "港城大厦",
    "国际商务中心",
    "万达广场",
    "苏宁广场",
    "创业大厦",
    "科技大厦",
    "商务大厦",
    "电子商务产业园",
    "财富中心",
    "海州湾大厦",
    "华联大厦",
)
_VILLAGES = (
    "前进",
    "新华",
    "东风",
    "红旗",
    "胜利",
    "团结",
    "光明",
    "联合",
    "幸福",
    "和平",
    "新庄",
    "王庄",
    "李庄",
    "张庄",
    "大沟",
    "小河",
    "后湖",
    "西湖",
    "马庄",
    "朱湖",
)


def address(rng: Random, district: District, rural: bool = False, old_name: bool = False) -> str:
    """A plausible domicile in the district; old_name writes the pre-2014 district name."""
    r = rng.random
    if district.short.endswith("县"):
        place = district.place if r() < 0.6 else f"{CITY}{district.place}"
    else:
        place = district.place
    if old_name and district.former_name:
        place = f"{CITY}{district.former_name}"
    if r() < 0.25:
        # The development zone's own name already says 连云港.
        place = "江苏省" + (place if place.startswith("连云港") else CITY + place)
    if rural:
        town = district.towns[int(r() * len(district.towns))]
        village = _VILLAGES[int(r() * len(_VILLAGES))]
        return f"{place}{town}{village}村{1 + int(r() * 12)}组"
    x = r()
    road = district.roads[int(r() * len(district.roads))]
    number = 1 + int(r() * r() * 600)
    if x < 0.45:
        return f"{place}{road}{number}号"
    if x < 0.7:
        building = _BUILDINGS[int(r() * len(_BUILDINGS))]
        room = (1 + int(r() * 28)) * 100 + 1 + int(r() * 20)
        return f"{place}{road}{number}号{building}{room}室"
    if x < 0.85:
        park = district.parks[int(r() * len(district.parks))]
        return f"{place}{park}{road}{number}号"
    town = district.towns[int(r() * len(district.towns))]
    return f"{place}{town}{road}{number}号"
