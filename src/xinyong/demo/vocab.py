"""Word lists for demo data: 字号 brand words, entity types, statuses and the reasons registries give."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Characters real 字号 are made of. Filtering the brand list through them drops the
# trademarks, slang and loan words (阿笨猫, 胖次, 基督山) that make a name look fake, and
# keeps the debt-collection vocabulary (讨, 债, 账, 律, 拍) out of ordinary enterprises.
_BRAND_CHARS = frozenset(
    "金鑫鼎盛华泰恒源通达瑞祥福隆昌兴宏宇嘉信诚德利丰和顺安康宝龙凤鹏飞腾翔天海港洋浦连云苍梧"
    "东西南北中新立远博创优美佳乐益众合汇聚融联同协力科晶润光辉耀明亮星月日晨曦阳春秋青蓝绿红紫"
    "银铭锦绣亿万千百佰仟尚品雅逸致诺晟昊昱煜炜烨灿琪琳瑶璐瑾瑜璟珑玮珂琦玉峰岭山川江河湖溪泉"
    "波涛澜浩瀚泽沐森林木松柏桦楠梓桐竹兰梅荷莲芙蓉芳菲蕾萱茗茂荣盈满旺发富贵吉庆喜欣馨香秀英"
    "豪杰俊伟雄强健威盾卫固坚实忠义仁礼智勇正直方圆广大巨鸿雁鹰鹤骏驰骐麒麟凯旋胜捷迅畅途航舟"
    "帆湾岛滨洲州城邦际环球寰瀛辰宸御冠尊典范锋锐昶旭晖煌焕炬灵慧聪睿哲思志启程久长永宁禄寿"
    "淼焱垚磊犇开元亨贞成功业基石玺钰铄钜鸣精工匠艺巧技能维纳厚载物道行知心赢硕果惠图卓越超凡"
    "群稼穗农牧渔耕书墨韵琴弘扬晴朗澄碧翠黛彩霞虹露玲晓晗晞暄暖煦熙曜晏晋普昭旻昕晔皓"
)
# Whole words a real registry would refuse or that mislead in a credit demo.
_BRAND_STOP = frozenset(
    {
        "中国",
        "中华",
        "国际",
        "国家",
        "中央",
        "人民",
        "天下",
        "第一",
        "银联",
        "中信",
        "汇丰",
        "万达",
        "苏宁",
        "华为",
        "联想",
        "长城",
        "方正",
    }
)


def companynameparser_data() -> Path:
    """The companynameparser data directory, found without importing the package (it pulls jieba)."""
    spec = importlib.util.find_spec("companynameparser")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("companynameparser is not installed; it supplies the demo's brand words")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


@lru_cache(maxsize=1)
def brand_words() -> tuple[str, ...]:
    """2-3 character 字号 words from companynameparser's brand.txt (Apache-2.0), in file order."""
    words: list[str] = []
    seen: set[str] = set()
    pattern = re.compile(r"[\u4e00-\u9fff]{2,3}")
    with open(companynameparser_data() / "brand.txt", encoding="utf-8") as fh:
        for line in fh:
            word = line.strip()
            if (
                pattern.fullmatch(word)
                and word not in seen
                and all(c in _BRAND_CHARS for c in word)
                and not any(stop in word for stop in _BRAND_STOP)
                and len(set(word)) > 1  # 焱焱, 迅迅: doubled characters read as nicknames
            ):
                seen.add(word)
                words.append(word)
    return tuple(words)


@dataclass(frozen=True)
class Family:
    """A kind of market entity: its 企业类型 label, code type and how the registry treats it."""

    key: str
    entity_type: str  # 企业类型 as GSXT prints it
    type2: str  # USCC characters 1-2
    weight: float  # share of generated enterprises, in percent
    first_year: int = 1985  # the form did not exist (or was not registered) before this
    last_year: int = 2026
    subject_class: str = "0"  # 注册号 7th digit: 0-3 domestic, 4-5 foreign, 6-9 individual


FAMILIES: tuple[Family, ...] = (
    Family("llc_np", "有限责任公司(自然人投资或控股)", "91", 34),
    Family("llc_sole_np", "有限责任公司(自然人独资)", "91", 14, 2006),
    Family("individual", "个体工商户", "92", 30, subject_class="6"),
    Family("llc_corp", "有限责任公司(非自然人投资或控股的法人独资)", "91", 3, 2006),
    Family("llc_corp_np", "有限责任公司(自然人投资或控股的法人独资)", "91", 1.5, 2006),
    Family("llc_state", "有限责任公司(国有独资)", "91", 0.3, 1994),
    Family("llc_state_ctrl", "有限责任公司(国有控股)", "91", 0.3, 1994),
    Family("jsc_np", "股份有限公司(非上市、自然人投资或控股)", "91", 0.8, 1994),
    Family("jsc", "股份有限公司(非上市)", "91", 0.5, 1994),
    Family("branch", "有限责任公司分公司(自然人投资或控股)", "91", 2.5, 1995),
    Family("coop", "农民专业合作社", "93", 4, 2007),
    Family("sole_prop", "个人独资企业", "91", 3, 2000),
    Family("gp", "普通合伙企业", "91", 0.8, 1997),
    Family("lp", "有限合伙企业", "91", 1, 2007),
    Family("fie_jv", "有限责任公司(外商投资、非独资)", "91", 0.4, 2006, subject_class="4"),
    Family("fie_foreign", "有限责任公司(外国法人独资)", "91", 0.3, 1990, subject_class="4"),
    Family("fie_hk", "有限责任公司(台港澳法人独资)", "91", 0.3, 1990, subject_class="4"),
    Family("fie_cjv", "有限责任公司(中外合资)", "91", 0.3, 1986, 2019, subject_class="4"),
    Family("state_owned", "全民所有制", "91", 0.4, 1985, 1999),
    Family("collective", "集体所有制", "91", 0.6, 1985, 2002),
)
FAMILY_BY_KEY = {f.key: f for f in FAMILIES}

# Legal-form endings by family; a name is region + 字号 + industry word + one of these.
COMPANY_FORMS = ("有限公司",) * 9 + ("有限责任公司",)
SOLE_PROP_FORMS = ("商行", "经营部", "贸易中心", "工作室", "服务部")

ACTIVE_STATUSES = ("存续",) * 85 + ("在业",) * 15

# 吊销 (revocation) reasons. Annual inspection ended on 2014-03-01, so its reason only
# fits revocations before then.
REVOKED_ANNUAL_INSPECTION = "未按规定接受年度检验"
REVOKED_IDLE = (
    "成立后无正当理由超过六个月未开业，或者开业后自行停业连续六个月以上",
    "连续六个月以上未开业",
)
REVOKED_INDIVIDUAL = "未按规定办理验照手续"
CANCELLED_REASONS = ("决议解散",) * 4 + ("股东会决议解散",) * 3 + ("营业期限届满",) + ("其他原因",)
CANCELLED_SIMPLE = "简易注销"  # simplified cancellation exists since 2017-03-01
CANCELLED_INDIVIDUAL = ("经营者申请注销登记", "个体工商户歇业注销")
MOVED_TO = (
    "江苏省南京市",
    "江苏省徐州市",
    "江苏省淮安市",
    "江苏省宿迁市",
    "江苏省盐城市",
    "江苏省苏州市",
    "上海市",
    "山东省临沂市",
    "山东省日照市",
    "连云港市海州区",
    "连云港市赣榆区",
)

ABNORMAL_ANNUAL = "未依照《企业信息公示暂行条例》第八条规定的期限公示年度报告"
ABNORMAL_UNREACHABLE = "通过登记的住所或者经营场所无法联系"
ABNORMAL_ORDERED = "未在登记机关依照《企业信息公示暂行条例》第十条规定责令的期限内公示有关企业信息"
ABNORMAL_FALSE = "公示企业信息隐瞒真实情况、弄虚作假"
ABNORMAL_COOP = "未按照《农民专业合作社年度报告公示暂行办法》规定的期限报送年度报告"
ABNORMAL_INDIVIDUAL = "未按照《个体工商户年度报告暂行办法》规定报送年度报告"
REMOVED_ANNUAL = (
    "列入经营异常名录3年内且依照《经营异常名录管理办法》第六条规定被列入经营异常名录的企业，"
    "可以补报未报年份的年度报告并公示，申请移出"
)
REMOVED_UNREACHABLE = (
    "依法办理住所或者经营场所变更登记，或者提出通过登记的住所或者经营场所可以重新取得联系，申请移出"
)
REMOVED_ORDERED = "已公示有关企业信息，申请移出"
REMOVED_INDIVIDUAL = "已补报年度报告，申请恢复正常记载状态"

# Parents of foreign-invested enterprises: from Hong Kong, Macao or Taiwan (台港澳) or from
# abroad (Korean and Japanese investors are many in Lianyungang).
GREATER_CHINA_PARENTS = (
    "{}（香港）国际有限公司",
    "香港{}实业有限公司",
    "澳门{}贸易有限公司",
    "台湾{}股份有限公司",
)
FOREIGN_PARENTS = (
    "韩国{}株式会社",
    "日本{}株式会社",
    "新加坡{}控股私人有限公司",
    "{}国际控股有限公司（英属维尔京群岛）",
)
STATE_HOLDERS = (
    "连云港市人民政府国有资产监督管理委员会",
    "连云港市海州区人民政府国有资产监督管理办公室",
    "东海县财政局",
    "赣榆区国有资产管理办公室",
    "灌云县人民政府国有资产监督管理办公室",
)
