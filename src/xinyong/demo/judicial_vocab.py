"""Words of the demo's judicial and penalty records: courts, authorities, causes of action, offences."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date

from xinyong.demo.codes import USCC_ALPHABET, org_check_char, uscc_check_char
from xinyong.demo.places import CITY_DIVISION, DISTRICTS

# ---- courts ---------------------------------------------------------------------------

INTERMEDIATE_COURT = ("连云港市中级人民法院", "苏07")
# Enterprises domiciled in a division go to its basic court; the abolished 新浦区 (320705)
# and 赣榆县 (320721) codes map to their successors' courts.
COURTS = {
    "320706": ("连云港市海州区人民法院", "苏0706"),
    "320705": ("连云港市海州区人民法院", "苏0706"),
    "320703": ("连云港市连云区人民法院", "苏0703"),
    "320707": ("连云港市赣榆区人民法院", "苏0707"),
    "320721": ("连云港市赣榆区人民法院", "苏0707"),
    "320722": ("东海县人民法院", "苏0722"),
    "320723": ("灌云县人民法院", "苏0723"),
    "320724": ("灌南县人民法院", "苏0724"),
    "320771": ("连云港经济技术开发区人民法院", "苏0791"),
}
ARBITRATION = "连云港仲裁委员会"
# Short forms of each area in document numbers (连海市监处罚〔2025〕12号).
ABBR = {
    CITY_DIVISION: "连",
    "320706": "连海",
    "320703": "连连",
    "320707": "连赣",
    "320722": "东",
    "320723": "灌云",
    "320724": "灌南",
    "320771": "连开",
}

# ---- natural persons ------------------------------------------------------------------

# ID-number areas of people in Lianyungang's courts: the city's own divisions (the old
# 新浦区 and 赣榆县 codes are on many older cards) and, a little, its neighbours.
HOME_AREAS = ("320706", "320705", "320703", "320707", "320721", "320722", "320723", "320724")
NEIGHBOUR_AREAS = ("3203", "3208", "3213", "3713")

# ---- enforcement ----------------------------------------------------------------------

CONDUCTS = (
    ("有履行能力而拒不履行生效法律文书确定义务", 55),
    ("违反财产报告制度", 22),
    ("违反财产报告制度,有履行能力而拒不履行生效法律文书确定义务", 8),
    ("违反限制消费令", 8),
    ("以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行", 4),
    ("无正当理由拒不履行执行和解协议", 3),
)
BANKS = (
    "江苏银行股份有限公司连云港分行",
    "中国工商银行股份有限公司连云港分行",
    "中国农业银行股份有限公司连云港分行",
    "中国建设银行股份有限公司连云港分行",
    "江苏连云港东方农村商业银行股份有限公司",
    "江苏赣榆农村商业银行股份有限公司",
    "江苏东海农村商业银行股份有限公司",
    "江苏灌云农村商业银行股份有限公司",
)

# Causes of action: (key, document kind, obligation template, weight for organisations,
# weight for persons). {who} is the debtor as the document names it, {A} the amount in
# yuan, {bank} a lending bank, {day} a date. Document kinds: 民初 (judgment or mediation of
# the basic court, sometimes upheld on appeal: 民终), 民督 (payment order), 民特 (judicial
# confirmation of a mediation agreement), 仲裁 (commercial arbitration, enforced by the
# intermediate court), 劳仲 (labour arbitration, enforced by the basic court).
CAUSES = (
    ("买卖合同纠纷", "民初", "{who}于本判决生效之日起十日内支付原告货款{A}元及逾期付款损失", 30, 8),
    (
        "金融借款合同纠纷",
        "民初",
        "{who}于本判决生效之日起十日内偿还原告{bank}借款本金{A}元及相应利息、罚息、复利",
        12,
        18,
    ),
    (
        "民间借贷纠纷",
        "民初",
        "{who}于本判决生效之日起十日内偿还原告借款{A}元，并以{A}元为基数，按一年期贷款市场报价利率"
        "支付自{day}起至实际清偿之日止的利息",
        8,
        40,
    ),
    (
        "建设工程施工合同纠纷",
        "民初",
        "{who}于本判决生效之日起十日内支付原告工程款{A}元及利息",
        10,
        0,
    ),
    ("房屋租赁合同纠纷", "民初", "{who}于本判决生效之日起十日内支付原告租金{A}元及违约金", 8, 4),
    ("服务合同纠纷", "民初", "{who}于本判决生效之日起十日内支付原告服务费{A}元", 8, 2),
    (
        "机动车交通事故责任纠纷",
        "民初",
        "{who}于本判决生效之日起十日内赔偿原告各项损失共计{A}元",
        2,
        12,
    ),
    (
        "买卖合同纠纷",
        "民督",
        "{who}应当自收到本支付令之日起十五日内给付申请人货款{A}元，或者向本院提出书面异议",
        5,
        2,
    ),
    ("合同纠纷", "民特", "{who}按调解协议于{day}前向申请人支付{A}元", 5, 6),
    (
        "合同纠纷",
        "仲裁",
        "被申请人{name}应于本裁决书送达之日起十日内向申请人支付合同价款{A}元及违约金",
        6,
        0,
    ),
    ("劳动争议", "劳仲", "被申请人{name}于本裁决书生效之日起十日内支付申请人拖欠的工资{A}元", 8, 0),
)

# ---- authorities ----------------------------------------------------------------------


@dataclass(frozen=True)
class Authority:
    """An administrative organ that decides penalties, with its credit code and 文号 prefix."""

    name: str
    code: str
    prefix: str  # 文号 up to the year: 连海市监处罚 → 连海市监处罚〔2025〕12号
    width: int = 0  # zero-padded serials (消防: 0012), 0 for plain numbers

    def number(self, year: int, serial: int) -> str:
        n = f"{serial:0{self.width}d}" if self.width else str(serial)
        return f"{self.prefix}〔{year}〕{n}号"


def authority_code(name: str, division: str) -> str:
    """A valid 机关 (type 11) credit code for a demo authority, the same on every run.

    Organs set up or renamed in the 2018-2019 reforms got "MB" organisation codes; the rest
    of the body comes from the name, so the code never depends on the random stream.
    """
    n = zlib.crc32(name.encode("utf-8")) % 31**5
    tail = ""
    for _ in range(5):
        n, d = divmod(n, 31)
        tail = USCC_ALPHABET[d] + tail
    body = "MB1" + tail
    first17 = "11" + division + body + org_check_char(body)
    return first17 + uscc_check_char(first17)


def _authority(name: str, prefix: str, division: str = CITY_DIVISION, width: int = 0) -> Authority:
    return Authority(name, authority_code(name, division), prefix, width)


CITY_MARKET = _authority("连云港市市场监督管理局", "连市监处罚")
ENVIRONMENT = _authority("连云港市生态环境局", "连环罚")
SAFETY = _authority("连云港市应急管理局", "连应急罚")
TAX_AUDIT = _authority("国家税务总局连云港市税务局第一稽查局", "连税一稽罚")
TRANSPORT = _authority("连云港市交通运输局", "连交执罚")


def _district_authorities() -> dict[str, dict[str, Authority]]:
    out: dict[str, dict[str, Authority]] = {}
    for d in DISTRICTS:
        abbr = ABBR[d.code]
        # The development zone's organs are departments of the city's 管委会: city codes.
        division = CITY_DIVISION if d.code == "320771" else d.code
        tax = f"国家税务总局{d.place}税务局"
        out[d.code] = {
            "market": _authority(d.market_regulator, f"{abbr}市监处罚", division),
            "tax": _authority(tax, f"{abbr}税简罚", division),
            "safety": _authority(d.bureau("应急管理局"), f"{abbr}应急罚", division),
            "fire": _authority(d.bureau("消防救援大队"), f"{abbr}消行罚决字", division, 4),
        }
    return out


BY_DISTRICT = _district_authorities()
MARKET_BY_NAME = {CITY_MARKET.name: CITY_MARKET} | {
    a["market"].name: a["market"] for a in BY_DISTRICT.values()
}
AUTHORITIES = (
    CITY_MARKET,
    ENVIRONMENT,
    SAFETY,
    TAX_AUDIT,
    TRANSPORT,
    *(a for by_kind in BY_DISTRICT.values() for a in by_kind.values()),
)

# ---- offences -------------------------------------------------------------------------

D2021_09 = date(2021, 9, 1).toordinal()  # the amended Work Safety Law in force
D2022_03 = date(2022, 3, 1).toordinal()  # the Market Entity Registration Regulation in force
D2024_07 = date(2024, 7, 1).toordinal()  # the revised Company Law in force


@dataclass(frozen=True)
class Offence:
    """One kind of violation as decisions word it; {x} in facts takes one of `fills`."""

    key: str
    domain: str  # market / tax / tax_audit / environment / safety / fire / transport
    violation: str  # 违法行为类型
    facts: str  # 违法事实, ending with the provision broken
    basis: str  # 处罚依据
    fine: tuple[int, int, int]  # yuan: lowest, highest, rounded to
    legal_minimum: int = 0  # below this the decision also cites 行政处罚法 第三十二条 (减轻)
    fills: tuple[str, ...] = ("",)
    warning: float = 0.0  # chance the decision also gives 警告
    confiscate: tuple[int, int] | None = None  # 没收违法所得, yuan
    suspend: float = 0.0  # chance of 责令停产停业 as well
    since: int | None = None
    until: int | None = None


LENIENCY = "、《中华人民共和国行政处罚法》第三十二条"

OFFENCES = {
    o.key: o
    for o in (
        Offence(
            "false_advert",
            "market",
            "发布虚假广告",
            "当事人在其经营场所及微信公众号发布的广告中宣称“{x}”，经查无事实依据，属于虚假广告，"
            "违反了《中华人民共和国广告法》第二十八条第一款的规定",
            "《中华人民共和国广告法》第五十五条第一款",
            (5_000, 60_000, 1_000),
            200_000,
            ("全市销量第一", "三天见效、无效退款", "采用进口原料、获国家专利", "纯天然无任何添加"),
        ),
        Offence(
            "absolute_terms",
            "market",
            "广告使用绝对化用语",
            "当事人在其网店商品详情页中使用“{x}”等绝对化用语进行宣传，"
            "违反了《中华人民共和国广告法》第九条第三项的规定",
            "《中华人民共和国广告法》第五十七条第一项",
            (3_000, 30_000, 1_000),
            200_000,
            ("最佳", "国家级", "最高级", "顶级", "第一品牌"),
        ),
        Offence(
            "false_publicity",
            "market",
            "虚假宣传",
            "当事人在产品推介会及宣传册中对其{x}的性能、功能作虚假的商业宣传，欺骗、误导消费者，"
            "违反了《中华人民共和国反不正当竞争法》第八条第一款的规定",
            "《中华人民共和国反不正当竞争法》第二十条第一款",
            (20_000, 300_000, 5_000),
            200_000,
            ("产品", "保健食品", "净水设备", "建材产品"),
        ),
        Offence(
            "expired_food",
            "market",
            "经营超过保质期的食品",
            "当事人在其经营场所销售超过保质期的{x}，违反了《中华人民共和国食品安全法》"
            "第三十四条第十项的规定",
            "《中华人民共和国食品安全法》第一百二十四条第一款第五项",
            (5_000, 50_000, 500),
            50_000,
            ("乳制品", "饮料", "糕点", "调味品", "速冻食品", "方便食品"),
            confiscate=(50, 3_000),
        ),
        Offence(
            "price_tags",
            "market",
            "不按规定明码标价",
            "当事人销售的{x}未按规定明码标价，违反了《中华人民共和国价格法》第十三条第一款的规定",
            "《中华人民共和国价格法》第四十二条",
            (200, 5_000, 100),
            0,
            ("蔬菜", "水产品", "日用百货", "餐饮菜品", "烟酒"),
            warning=0.6,
        ),
        Offence(
            "substandard_product",
            "market",
            "以不合格产品冒充合格产品",
            "当事人销售的{x}经抽样检验不合格，属于以不合格产品冒充合格产品，"
            "违反了《中华人民共和国产品质量法》第三十九条的规定",
            "《中华人民共和国产品质量法》第五十条",
            (10_000, 150_000, 1_000),
            0,
            ("电线电缆", "塑料管材", "复合肥料", "电动自行车头盔", "钢筋", "水泥"),
            confiscate=(500, 20_000),
        ),
        Offence(
            "unregistered_change",
            "market",
            "未依法办理变更登记",
            "当事人住所已变更，未在规定期限内办理变更登记，经责令改正拒不改正，"
            "违反了《中华人民共和国市场主体登记管理条例》第二十四条第一款的规定",
            "《中华人民共和国市场主体登记管理条例》第四十六条",
            (10_000, 30_000, 1_000),
            since=D2022_03,
        ),
        Offence(
            "late_filing",
            "tax",
            "未按规定期限办理纳税申报",
            "当事人未按照规定期限办理{x}纳税申报和报送纳税资料，"
            "违反了《中华人民共和国税收征收管理法》第二十五条第一款的规定",
            "《中华人民共和国税收征收管理法》第六十二条",
            (50, 2_000, 50),
            fills=("增值税", "个人所得税（代扣代缴）", "城市维护建设税", "印花税", "企业所得税"),
        ),
        Offence(
            "tax_evasion",
            "tax_audit",
            "偷税",
            "当事人通过{x}方式少缴税款，属于偷税，"
            "违反了《中华人民共和国税收征收管理法》第六十三条第一款的规定",
            "《中华人民共和国税收征收管理法》第六十三条第一款",
            (10_000, 400_000, 100),
            fills=(
                "在账簿上多列支出",
                "少列收入",
                "取得虚开的增值税专用发票抵扣税款",
                "隐匿销售收入",
            ),
        ),
        Offence(
            "vocs",
            "environment",
            "未按规定控制挥发性有机物排放",
            "当事人{x}产生含挥发性有机物废气的生产活动未在密闭空间或者设备中进行，"
            "未按照规定安装、使用污染防治设施，违反了《中华人民共和国大气污染防治法》第四十五条的规定",
            "《中华人民共和国大气污染防治法》第一百零八条第一项",
            (20_000, 200_000, 1_000),
            fills=("喷漆工序", "涂装车间", "印刷工序", "调配车间"),
        ),
        Offence(
            "hidden_discharge",
            "environment",
            "通过暗管逃避监管排放水污染物",
            "当事人私设暗管排放{x}，逃避监管，违反了《中华人民共和国水污染防治法》第三十九条的规定",
            "《中华人民共和国水污染防治法》第八十三条第三项",
            (100_000, 1_000_000, 10_000),
            fills=("生产废水", "清洗废水", "未经处理的废水"),
            suspend=0.3,
        ),
        Offence(
            "no_acceptance",
            "environment",
            "环境保护设施未经验收即投入生产",
            "当事人{x}配套建设的环境保护设施未经验收，主体工程即投入生产，"
            "违反了《建设项目环境保护管理条例》第十九条第一款的规定",
            "《建设项目环境保护管理条例》第二十三条第一款",
            (200_000, 1_000_000, 10_000),
            fills=("扩建项目", "技术改造项目", "新建生产线"),
        ),
        Offence(
            "safety_training",
            "safety",
            "未按规定对从业人员进行安全生产教育和培训",
            "当事人未按照规定对{x}进行安全生产教育和培训，"
            "违反了《中华人民共和国安全生产法》第二十八条第一款的规定",
            "《中华人民共和国安全生产法》第九十七条第三项",
            (10_000, 50_000, 1_000),
            fills=("新进从业人员", "从业人员", "被派遣劳动者"),
            since=D2021_09,
        ),
        Offence(
            "safety_training_2014",
            "safety",
            "未按规定对从业人员进行安全生产教育和培训",
            "当事人未按照规定对{x}进行安全生产教育和培训，"
            "违反了《中华人民共和国安全生产法》第二十五条第一款的规定",
            "《中华人民共和国安全生产法》第九十四条第三项",
            (10_000, 50_000, 1_000),
            fills=("新进从业人员", "从业人员", "被派遣劳动者"),
            until=D2021_09 - 1,
        ),
        Offence(
            "hazards",
            "safety",
            "未采取措施消除事故隐患",
            "当事人{x}，未采取措施消除事故隐患，"
            "违反了《中华人民共和国安全生产法》第四十一条第二款的规定",
            "《中华人民共和国安全生产法》第一百零二条",
            (10_000, 50_000, 1_000),
            fills=(
                "有限空间作业未设置警示标志",
                "车间电气线路私拉乱接",
                "危险化学品仓库通风设施损坏",
            ),
            since=D2021_09,
        ),
        Offence(
            "fire_exits",
            "fire",
            "占用、堵塞、封闭疏散通道、安全出口",
            "当事人经营场所内{x}，违反了《中华人民共和国消防法》第二十八条的规定",
            "《中华人民共和国消防法》第六十条第一款第三项",
            (5_000, 30_000, 500),
            fills=("占用、堵塞疏散通道", "封闭安全出口", "安全出口上锁"),
        ),
        Offence(
            "idle_revoked",
            "market",
            "成立后无正当理由超过六个月未开业或者开业后自行停业连续六个月以上",
            "当事人成立后无正当理由超过六个月未开业，或者开业后自行停业连续六个月以上，"
            "经登记机关调查核实",
            "《中华人民共和国公司法》第二百一十一条第一款",
            (0, 0, 1),
            until=D2024_07 - 1,
        ),
        Offence(
            "idle_revoked_2024",
            "market",
            "成立后无正当理由超过六个月未开业或者开业后自行停业连续六个月以上",
            "当事人成立后无正当理由超过六个月未开业，或者开业后自行停业连续六个月以上，"
            "经登记机关调查核实",
            "《中华人民共和国公司法》第二百六十条第一款",
            (0, 0, 1),
            since=D2024_07,
        ),
        # Natural persons.
        Offence(
            "unlicensed_trading",
            "market",
            "无照经营",
            "当事人未依法取得营业执照，在{x}从事经营活动，"
            "违反了《无证无照经营查处办法》第二条的规定",
            "《无证无照经营查处办法》第十三条",
            (500, 10_000, 100),
            fills=("农贸市场", "居民小区内", "临街门面", "网络平台"),
            confiscate=(100, 3_000),
        ),
        Offence(
            "illegal_taxi",
            "transport",
            "未取得道路运输经营许可擅自从事道路运输经营",
            "当事人驾驶小型轿车，未取得道路运输经营许可，擅自从事{x}，"
            "违反了《中华人民共和国道路运输条例》第十条的规定",
            "《中华人民共和国道路运输条例》第六十三条",
            (10_000, 30_000, 5_000),
            fills=("道路旅客运输经营", "城际道路旅客运输经营"),
        ),
    )
}
PERSON_OFFENCES = ("unlicensed_trading", "illegal_taxi")

# The two revocations for violent collection, and the consulting firm collecting debts.
VIOLENT_COLLECTION_VIOLATION = "以暴力、威胁等非法手段催收债务（暴力催收）"
VIOLENT_COLLECTION_FACTS = (
    "经查，当事人以“{brand}”名义对外承接债务催收业务，{start}至{end}期间雇佣人员采取跟踪、"
    "恐吓、滋扰债务人及其亲属等暴力催收手段追讨债务，违法所得共计{gain}元，相关人员已被公安机关"
    "依法处理。当事人以暴力、威胁等非法手段催收债务，情节严重"
)
VIOLENT_COLLECTION_BASIS = (
    "《国家经贸委、公安部、国家工商行政管理局关于取缔各类讨债公司严厉打击非法讨债活动的通知》"
    "（国经贸综合〔2000〕568号）、《中华人民共和国行政处罚法》第二十八条"
)
BEYOND_SCOPE_VIOLATION = "超范围经营（从事债务催收业务）"
BEYOND_SCOPE_FACTS = (
    "当事人登记的经营范围为企业管理咨询、信息咨询服务等，{start}至{end}期间以“商务咨询”名义与"
    "委托人签订《债务咨询服务协议》，超出登记的经营范围对外承接并从事债务催收业务，收取服务费共计"
    "{gain}元，违反了《无证无照经营查处办法》第二条的规定"
)
BEYOND_SCOPE_BASIS = "《无证无照经营查处办法》第十三条"
