"""What demo enterprises do: industry profiles (门类, name words, business scope, licences) by district."""

from __future__ import annotations

from dataclasses import dataclass, field

AGRI = "农、林、牧、渔业"
MINING = "采矿业"
MANUF = "制造业"
ENERGY = "电力、热力、燃气及水生产和供应业"
BUILD = "建筑业"
TRADE = "批发和零售业"
TRANSPORT = "交通运输、仓储和邮政业"
HOSPITALITY = "住宿和餐饮业"
IT = "信息传输、软件和信息技术服务业"
FINANCE = "金融业"
REALTY = "房地产业"
BUSINESS = "租赁和商务服务业"
SCIENCE = "科学研究和技术服务业"
RESIDENT = "居民服务、修理和其他服务业"
EDUCATION = "教育"
HEALTH = "卫生和社会工作"
CULTURE = "文化、体育和娱乐业"

HAIZHOU, LIANYUN, GANYU, DONGHAI, GUANYUN, GUANNAN, ZONE = (
    "320706",
    "320703",
    "320707",
    "320722",
    "320723",
    "320724",
    "320771",
)

# A licensed activity as it appears in 许可项目, the licence it needs, and how often firms
# of the profile carry it.
Licensed = tuple[str, str, float]


@dataclass(frozen=True)
class Profile:
    """A line of business: the words its names use, its scope items, its licences."""

    key: str
    category: str  # 国民经济行业分类门类
    words: tuple[str, ...]  # industry part of a name: 商贸 in 金帆商贸有限公司
    general: tuple[str, ...]  # 一般项目 items
    licensed: tuple[Licensed, ...] = ()
    weight: float = 1.0
    boost: dict[str, float] = field(default_factory=dict)  # district code -> weight multiplier
    factory: bool = False  # old state/collective firms of this line were called 厂
    filings: tuple[tuple[str, float], ...] = ()  # 行业备案 not tied to a scope item


COMPANY_PROFILES: tuple[Profile, ...] = (
    Profile(
        "trade",
        TRADE,
        ("商贸", "贸易", "经贸", "商贸发展", "建材", "五金机电", "百货", "工贸"),
        (
            "日用百货销售",
            "五金产品批发",
            "五金产品零售",
            "建筑材料销售",
            "针纺织品销售",
            "服装服饰批发",
            "电子产品销售",
            "家用电器销售",
            "办公用品销售",
            "金属材料销售",
            "机械设备销售",
            "化工产品销售（不含许可类化工产品）",
            "日用品销售",
            "劳动保护用品销售",
        ),
        (("货物进出口", "", 0.25), ("食品销售", "food_sale", 0.15)),
        22,
        filings=(("foreign_trade", 0.08), ("customs", 0.05)),
    ),
    Profile(
        "food_trade",
        TRADE,
        ("食品", "酒业", "粮油", "农产品", "副食品", "冷链食品"),
        ("食用农产品批发", "食用农产品零售", "日用百货销售", "农副产品销售", "供应链管理服务"),
        (("食品销售", "food_sale", 0.9), ("酒类经营", "", 0.3), ("烟草制品零售", "tobacco", 0.15)),
        4,
    ),
    Profile(
        "pharma_trade",
        TRADE,
        ("医药", "医药科技", "医疗器械", "大药房", "医药连锁"),
        (
            "第一类医疗器械销售",
            "第二类医疗器械销售",
            "保健食品（预包装）销售",
            "消毒剂销售（不含危险化学品）",
            "卫生用品和一次性使用医疗用品销售",
        ),
        (
            ("药品批发", "drug_wholesale", 0.35),
            ("药品零售", "drug_retail", 0.45),
            ("第三类医疗器械经营", "", 0.2),
        ),
        2,
        {HAIZHOU: 3, ZONE: 4},
        filings=(("device_filing", 0.4),),
    ),
    Profile(
        "pharma",
        MANUF,
        ("制药", "药业", "生物医药", "生物科技", "医药科技"),
        (
            "医学研究和试验发展",
            "生物化工产品技术研发",
            "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
            "化工产品销售（不含许可类化工产品）",
        ),
        (("药品生产", "drug_production", 0.7), ("药品批发", "drug_wholesale", 0.2)),
        0.8,
        {HAIZHOU: 2, ZONE: 8},
        factory=True,
    ),
    Profile(
        "port_logistics",
        TRANSPORT,
        (
            "物流",
            "国际物流",
            "供应链管理",
            "国际货运代理",
            "船务",
            "港口服务",
            "仓储",
            "集装箱运输",
            "港务",
        ),
        (
            "国际货物运输代理",
            "国内货物运输代理",
            "普通货物仓储服务（不含危险化学品等需许可审批的项目）",
            "装卸搬运",
            "船舶代理",
            "无船承运业务",
            "供应链管理服务",
            "报关业务",
            "集装箱租赁服务",
        ),
        (("道路货物运输（不含危险货物）", "road_transport", 0.5), ("港口经营", "port", 0.12)),
        6,
        {LIANYUN: 4, ZONE: 2, GANYU: 1.3},
        filings=(("freight_forwarding", 0.2), ("customs", 0.15)),
    ),
    Profile(
        "haulage",
        TRANSPORT,
        ("运输", "汽车运输", "货运", "物流运输"),
        (
            "国内货物运输代理",
            "装卸搬运",
            "汽车租赁",
            "普通货物仓储服务（不含危险化学品等需许可审批的项目）",
        ),
        (("道路货物运输（不含危险货物）", "road_transport", 0.95),),
        3,
    ),
    Profile(
        "aquaculture",
        AGRI,
        ("水产", "水产养殖", "海洋渔业", "紫菜", "海水养殖", "渔业", "海产"),
        ("水产品批发", "水产品零售", "水产品收购", "初级农产品收购", "渔业机械销售", "渔具销售"),
        (("水产养殖", "aquaculture", 0.6), ("水产苗种生产", "", 0.15)),
        3,
        {GANYU: 4, LIANYUN: 3, GUANYUN: 2},
    ),
    Profile(
        "seafood",
        MANUF,
        ("水产品", "海产品", "海洋食品", "食品", "紫菜加工"),
        ("水产品批发", "水产品收购", "食用农产品初加工", "非食用农产品初加工"),
        (("食品生产", "food_production", 0.8), ("食品销售", "food_sale", 0.3)),
        1.5,
        {GANYU: 4, LIANYUN: 2},
        factory=True,
    ),
    Profile(
        "farming",
        AGRI,
        ("农业发展", "农业科技", "生态农业", "种植", "农业开发", "花卉苗木", "果蔬"),
        (
            "谷物种植",
            "蔬菜种植",
            "水果种植",
            "花卉种植",
            "农业机械服务",
            "农产品的生产、销售、加工、运输、贮藏及其他相关服务",
            "休闲观光活动",
            "园林绿化工程施工",
        ),
        (("农作物种子经营", "", 0.1),),
        4,
        {DONGHAI: 2, GUANYUN: 2, GUANNAN: 2, GANYU: 1.5},
    ),
    Profile(
        "crystal",
        MANUF,
        ("水晶", "水晶制品", "水晶工艺品", "珠宝", "石英制品", "水晶饰品"),
        (
            "珠宝首饰制造",
            "珠宝首饰零售",
            "工艺美术品及礼仪用品制造（象牙及其制品除外）",
            "非金属矿物制品制造",
            "互联网销售（除销售需要许可的商品）",
            "工艺美术品及收藏品零售（象牙及其制品除外）",
        ),
        (),
        1.5,
        {DONGHAI: 14, HAIZHOU: 1.2},
        factory=True,
    ),
    Profile(
        "silicon",
        MANUF,
        ("光电科技", "硅材料", "新材料", "光伏科技", "电子科技", "石英科技"),
        (
            "电子专用材料制造",
            "电子专用材料销售",
            "非金属矿物制品制造",
            "光伏设备及元器件制造",
            "新材料技术研发",
            "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
        ),
        (),
        2,
        {DONGHAI: 4, ZONE: 3},
        factory=True,
    ),
    Profile(
        "chemicals",
        MANUF,
        ("化工", "化学", "化工科技", "精细化工", "新材料科技", "石化"),
        (
            "化工产品生产（不含许可类化工产品）",
            "化工产品销售（不含许可类化工产品）",
            "专用化学产品制造（不含危险化学品）",
            "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
        ),
        (("危险化学品生产", "safety_production", 0.55), ("危险化学品经营", "hazchem_trade", 0.25)),
        1,
        {GUANYUN: 6, GUANNAN: 7, LIANYUN: 2},
        factory=True,
    ),
    Profile(
        "chem_trade",
        TRADE,
        ("化工贸易", "化工产品", "石化贸易", "能源贸易"),
        (
            "化工产品销售（不含许可类化工产品）",
            "石油制品销售（不含危险化学品）",
            "煤炭及制品销售",
            "金属材料销售",
        ),
        (("危险化学品经营", "hazchem_trade", 0.7),),
        1,
        {GUANYUN: 3, GUANNAN: 3, LIANYUN: 1.5},
    ),
    Profile(
        "machinery",
        MANUF,
        ("机械", "机械制造", "重工", "机电设备", "装备制造", "汽车配件", "电气设备", "精密机械"),
        (
            "通用设备制造（不含特种设备制造）",
            "机械零件、零部件加工",
            "金属结构制造",
            "机械设备销售",
            "电气设备修理",
            "汽车零部件及配件制造",
            "金属切削加工服务",
        ),
        (),
        4,
        {HAIZHOU: 1.3, ZONE: 2, GANYU: 1.5},
        factory=True,
    ),
    Profile(
        "light_industry",
        MANUF,
        ("服饰", "制衣", "纺织", "木业", "包装", "塑业", "家具", "门窗"),
        (
            "服装制造",
            "针纺织品销售",
            "木材加工",
            "人造板制造",
            "包装材料及制品销售",
            "塑料制品制造",
            "家具制造",
            "门窗制造加工",
        ),
        (),
        3,
        {GUANNAN: 2.5, GANYU: 1.3},
        factory=True,
    ),
    Profile(
        "construction",
        BUILD,
        (
            "建筑工程",
            "建设工程",
            "建筑安装工程",
            "装饰工程",
            "市政工程",
            "园林绿化工程",
            "建筑劳务",
            "装饰设计工程",
        ),
        (
            "园林绿化工程施工",
            "土石方工程施工",
            "对外承包工程",
            "建筑材料销售",
            "住宅水电安装维护服务",
            "建筑装饰材料销售",
            "工程管理服务",
        ),
        (
            ("建设工程施工", "construction", 0.45),
            ("建筑劳务分包", "", 0.3),
            ("住宅室内装饰装修", "", 0.3),
        ),
        8,
        filings=(("construction_safety", 0.3),),
    ),
    Profile(
        "realty",
        REALTY,
        ("置业", "房地产开发", "物业管理", "房产经纪", "地产", "房地产营销策划"),
        ("物业管理", "房地产经纪", "房地产咨询", "住房租赁", "非居住房地产租赁", "停车场服务"),
        (("房地产开发经营", "realestate", 0.35),),
        3,
    ),
    Profile(
        "business",
        BUSINESS,
        ("企业管理咨询", "商务信息咨询", "广告", "企业管理", "会展服务", "品牌管理", "营销策划"),
        (
            "企业管理咨询",
            "信息咨询服务（不含许可类信息咨询服务）",
            "广告设计、代理",
            "广告制作",
            "会议及展览服务",
            "市场营销策划",
            "企业形象策划",
            "礼仪服务",
            "组织文化艺术交流活动",
        ),
        (),
        6,
    ),
    Profile(
        "staffing",
        BUSINESS,
        ("人力资源", "劳务派遣", "劳务服务", "人力资源开发"),
        (
            "人力资源服务（不含职业中介活动、劳务派遣服务）",
            "劳务服务（不含劳务派遣）",
            "企业管理咨询",
            "业务培训（不含教育培训、职业技能培训等需取得许可的培训）",
        ),
        (("职业中介活动", "hr", 0.5), ("劳务派遣服务", "labour_dispatch", 0.5)),
        1.2,
    ),
    Profile(
        "leasing",
        BUSINESS,
        ("机械设备租赁", "汽车租赁", "设备租赁", "租赁"),
        ("机械设备租赁", "建筑工程机械与设备租赁", "小微型客车租赁经营服务", "运输设备租赁服务"),
        (),
        1.5,
    ),
    Profile(
        "travel",
        BUSINESS,
        ("旅行社", "国际旅行社", "旅游发展", "旅游开发"),
        ("旅游开发项目策划咨询", "票务代理服务", "会议及展览服务", "游览景区管理"),
        (("旅游业务", "travel", 0.6),),
        0.7,
        {LIANYUN: 3, HAIZHOU: 1.3},
    ),
    Profile(
        "software",
        IT,
        ("网络科技", "信息技术", "软件科技", "信息科技", "智能科技", "数字科技"),
        (
            "软件开发",
            "信息系统集成服务",
            "网络技术服务",
            "信息技术咨询服务",
            "数据处理和存储支持服务",
            "互联网销售（除销售需要许可的商品）",
            "计算机软硬件及辅助设备零售",
        ),
        (("第二类增值电信业务", "icp", 0.2),),
        5,
    ),
    Profile(
        "tech_services",
        SCIENCE,
        ("科技", "技术服务", "检测技术", "环保科技", "工程技术", "新能源科技", "工程设计"),
        (
            "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
            "环保咨询服务",
            "工程和技术研究和试验发展",
            "节能管理服务",
            "专业设计服务",
            "标准化服务",
        ),
        (("检验检测服务", "testing", 0.12),),
        4,
    ),
    Profile(
        "catering",
        HOSPITALITY,
        ("餐饮管理", "酒店管理", "餐饮服务", "大酒店", "餐饮"),
        ("餐饮管理", "酒店管理", "外卖递送服务", "食品销售（仅销售预包装食品）"),
        (("餐饮服务", "food_service", 0.85), ("住宿服务", "", 0.25)),
        3,
        {LIANYUN: 1.5},
    ),
    Profile(
        "household",
        RESIDENT,
        ("家政服务", "保洁服务", "汽车服务", "汽车维修", "物业服务"),
        (
            "家政服务",
            "专业保洁、清洗、消毒服务",
            "机动车修理和维护",
            "洗车服务",
            "家用电器安装服务",
            "养老服务",
        ),
        (),
        2,
        filings=(("vehicle_repair", 0.25),),
    ),
    Profile(
        "culture",
        CULTURE,
        ("文化传媒", "文化传播", "影视文化", "体育文化", "文化艺术"),
        (
            "组织文化艺术交流活动",
            "文艺创作",
            "体育赛事策划",
            "摄像及视频制作服务",
            "平面设计",
            "广告发布",
        ),
        (("广播电视节目制作经营", "", 0.05),),
        2,
    ),
    Profile(
        "education",
        EDUCATION,
        ("教育科技", "教育咨询", "职业技能培训", "文化教育"),
        (
            "教育咨询服务（不含涉许可审批的教育培训活动）",
            "业务培训（不含教育培训、职业技能培训等需取得许可的培训）",
            "软件开发",
            "图书出租",
        ),
        (),
        1,
    ),
    Profile(
        "health",
        HEALTH,
        ("医疗管理", "健康管理", "口腔门诊部", "中医诊所", "康复医疗"),
        ("健康咨询服务（不含诊疗服务）", "养老服务", "远程健康管理服务", "医院管理"),
        (("医疗服务", "medical", 0.6),),
        0.6,
    ),
    Profile(
        "energy",
        ENERGY,
        ("新能源", "能源科技", "燃气", "电力工程", "光伏发电", "热电"),
        (
            "太阳能发电技术服务",
            "合同能源管理",
            "储能技术服务",
            "电动汽车充电基础设施运营",
            "发电技术服务",
        ),
        (("燃气经营", "gas", 0.2), ("发电业务、输电业务、供（配）电业务", "", 0.25)),
        1,
        {LIANYUN: 2, GUANYUN: 1.5},
    ),
    Profile(
        "mining",
        MINING,
        ("矿业", "石英砂", "矿产品"),
        ("选矿", "矿物洗选加工", "非金属矿及制品销售"),
        (("非煤矿山矿产资源开采", "", 0.5),),
        0.2,
        {DONGHAI: 6},
    ),
    Profile(
        "guarantee",
        FINANCE,
        ("融资担保", "非融资性担保", "投资"),
        ("融资咨询服务", "以自有资金从事投资活动", "非融资担保服务"),
        (("融资担保业务", "guarantee", 0.4),),
        0.2,
    ),
)


@dataclass(frozen=True)
class ShopProfile:
    """A line of business for 个体工商户: the tail of the shop name instead of name words."""

    key: str
    category: str
    tails: tuple[str, ...]  # 餐饮店, 五金店: what follows the 字号 in the shop name
    general: tuple[str, ...]
    licensed: tuple[Licensed, ...] = ()
    weight: float = 1.0
    boost: dict[str, float] = field(default_factory=dict)
    filings: tuple[tuple[str, float], ...] = ()


SHOP_PROFILES: tuple[ShopProfile, ...] = (
    ShopProfile(
        "eatery",
        HOSPITALITY,
        ("餐饮店", "饭店", "小吃店", "面馆", "烧烤店", "快餐店", "海鲜饭庄", "羊肉馆", "煎饼店"),
        ("食品销售（仅销售预包装食品）", "外卖递送服务"),
        (("餐饮服务", "food_service", 0.95),),
        8,
        {LIANYUN: 1.5},
    ),
    ShopProfile(
        "grocery",
        TRADE,
        ("便利店", "超市", "副食品店", "百货超市", "烟酒店", "粮油店", "商店"),
        ("日用百货销售", "日用品销售", "食用农产品零售", "文具用品零售"),
        (("食品销售", "food_sale", 0.85), ("烟草制品零售", "tobacco", 0.5)),
        9,
    ),
    ShopProfile(
        "hardware",
        TRADE,
        ("五金店", "建材经营部", "五金电料店", "装饰材料店", "水暖器材店"),
        ("五金产品零售", "建筑材料销售", "建筑装饰材料销售", "电线、电缆经营", "卫生洁具销售"),
        (),
        5,
    ),
    ShopProfile(
        "clothing",
        TRADE,
        ("服装店", "服饰店", "鞋店", "童装店", "床上用品店"),
        ("服装服饰零售", "鞋帽零售", "针纺织品销售", "箱包销售"),
        (),
        5,
    ),
    ShopProfile(
        "beauty",
        RESIDENT,
        ("理发店", "美发店", "美容店", "美甲店", "养生馆"),
        ("理发服务", "生活美容服务", "养生保健服务（非医疗）", "化妆品零售"),
        (),
        4,
    ),
    ShopProfile(
        "car_repair",
        RESIDENT,
        ("汽车修理部", "汽车维修服务部", "轮胎店", "洗车店", "电动车维修部"),
        ("机动车修理和维护", "洗车服务", "轮胎销售", "汽车零配件零售", "电动自行车维修"),
        (),
        3,
        filings=(("vehicle_repair", 0.3),),
    ),
    ShopProfile(
        "electronics",
        TRADE,
        ("手机店", "家电维修部", "电脑维修部", "通讯器材店"),
        (
            "通讯设备销售",
            "日用电器修理",
            "计算机及通讯设备租赁",
            "电子产品销售",
            "移动终端设备销售",
        ),
        (),
        3,
    ),
    ShopProfile(
        "seafood_shop",
        TRADE,
        ("水产品经营部", "海鲜批发部", "海产品商行", "紫菜经营部", "水产门市"),
        ("水产品零售", "水产品批发", "食用农产品零售"),
        (("食品销售", "food_sale", 0.4),),
        3,
        {GANYU: 3, LIANYUN: 2},
    ),
    ShopProfile(
        "crystal_shop",
        TRADE,
        ("水晶饰品店", "水晶工艺品店", "水晶经营部", "珠宝店"),
        (
            "珠宝首饰零售",
            "工艺美术品及收藏品零售（象牙及其制品除外）",
            "互联网销售（除销售需要许可的商品）",
        ),
        (),
        1,
        {DONGHAI: 15},
    ),
    ShopProfile(
        "pharmacy",
        TRADE,
        ("大药房", "药店", "医药超市"),
        ("第一类医疗器械销售", "第二类医疗器械销售", "保健食品（预包装）销售"),
        (("药品零售", "drug_retail", 0.95),),
        1.2,
    ),
    ShopProfile(
        "haulier",
        TRANSPORT,
        ("货运部", "运输队", "物流信息部", "搬家服务部"),
        ("国内货物运输代理", "装卸搬运", "搬家运输服务"),
        (("道路货物运输（不含危险货物）", "road_transport", 0.9),),
        2,
        {LIANYUN: 1.5},
    ),
    ShopProfile(
        "farm",
        AGRI,
        ("家庭农场", "养殖场", "种植园", "果园"),
        ("谷物种植", "蔬菜种植", "水果种植", "牲畜饲养", "家禽饲养"),
        (),
        2.5,
        {DONGHAI: 2, GUANYUN: 2, GUANNAN: 2, GANYU: 1.5},
    ),
)


@dataclass(frozen=True)
class CoopProfile:
    """A kind of 农民专业合作社 and its name tail."""

    tail: str
    general: tuple[str, ...]
    weight: float = 1.0
    boost: dict[str, float] = field(default_factory=dict)


COOP_PROFILES: tuple[CoopProfile, ...] = (
    CoopProfile(
        "水产养殖专业合作社",
        ("水产养殖", "水产品收购", "水产品批发", "组织收购、销售成员及同类生产经营者的产品"),
        2,
        {GANYU: 3, GUANYUN: 2, LIANYUN: 2},
    ),
    CoopProfile(
        "紫菜养殖专业合作社",
        ("紫菜养殖", "初级农产品收购", "食用农产品初加工"),
        0.5,
        {GANYU: 8, LIANYUN: 3},
    ),
    CoopProfile(
        "果蔬种植专业合作社", ("蔬菜种植", "水果种植", "食用农产品零售", "农业机械服务"), 3
    ),
    CoopProfile(
        "粮食种植专业合作社",
        ("谷物种植", "农业机械服务", "粮食收购", "农作物病虫害防治服务"),
        3,
        {GUANNAN: 1.5, GUANYUN: 1.5, DONGHAI: 1.5},
    ),
    CoopProfile("畜禽养殖专业合作社", ("牲畜饲养", "家禽饲养", "饲料原料销售"), 2),
    CoopProfile(
        "花卉苗木专业合作社", ("花卉种植", "林木育苗", "园林绿化工程施工"), 1, {DONGHAI: 1.5}
    ),
    CoopProfile("食用菌种植专业合作社", ("食用菌种植", "食用农产品初加工"), 1),
    CoopProfile("农机服务专业合作社", ("农业机械服务", "农业机械租赁", "农作物收割服务"), 1.5),
)

NEW_TAIL = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
NEW_LICENSED_TAIL = (
    "（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以审批结果为准）"
)
MID_TAIL = "。（依法须经批准的项目，经相关部门批准后方可开展经营活动）"


def scope_text(general: tuple[str, ...], licensed: tuple[str, ...], era: str) -> str:
    """Business scope in the wording of its era.

    "new": the 2021 规范表述 with 许可项目 / 一般项目; "mid": 2014-2020 style;
    "old": pre-2014 许可经营项目 / 一般经营项目.
    """
    if era == "new":
        text = f"许可项目：{'；'.join(licensed)}{NEW_LICENSED_TAIL}" if licensed else ""
        return f"{text}一般项目：{'；'.join(general)}{NEW_TAIL}"
    if era == "mid":
        return "、".join(licensed + general) + MID_TAIL
    return f"许可经营项目：{'、'.join(licensed) or '无'}。一般经营项目：{'、'.join(general)}。"
