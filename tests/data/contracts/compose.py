"""Writes the labelled contract set (NN.txt + labels.yaml) from hand-written clause wordings.

Run once to (re)generate: `python tests/data/contracts/compose.py`. The wordings below were
written by hand to differ the way real contracts do (synonyms, numbering styles, clause order,
missing clauses, near misses that look like a clause but are not, unlawful terms and their
lawful negations). Labels follow from which wordings each contract got, so they are exact.
The review rules (src/xinyong/documents/review/rules.yaml) were written against the clause
definitions, not tuned on individual files.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

HERE = Path(__file__).parent
CLAUSES = [
    "no_unlawful_means",
    "fee_on_recovery",
    "complaint_48h",
    "sensitive_info",
    "confidentiality",
    "termination",
    "dispute_resolution",
]

# Each clause: (headings, bodies, near-misses). A near miss takes the clause's place but is
# not the clause (labelled absent).
POOL: dict[str, tuple[list[str], list[str], list[str]]] = {
    "no_unlawful_means": (
        ["合法催收义务", "催收行为规范", "禁止行为", "乙方的行为约束", "催收方式", "依法催收"],
        [
            "乙方在催收过程中不得使用暴力或者以暴力相威胁，不得跟踪、骚扰债务人，不得向与债务无关的第三人透露债务信息，不得冒充公检法等国家机关工作人员。",
            "受托方承诺只采用合法方式催收。严禁采取恐吓、侮辱、诽谤、非法拘禁等手段，严禁滋扰债务人的家庭成员。",
            "乙方及其雇员不得以任何形式实施软暴力催收，包括但不限于跟踪尾随、堵门、电话轰炸以及假冒他人身份。",
            "催收人员应当文明、合法地开展工作，禁止采用威胁、胁迫、骚扰等非法手段，禁止使用虚假身份与债务人接触。",
            "受托人保证：（1）不对债务人使用暴力；（2）不以恐吓、辱骂方式施压；（3）不在夜间滋扰债务人；（4）不冒用律师或执法人员名义。",
            "乙方应当严格遵守法律法规，不采取暴力、威胁、跟踪、骚扰亲友等违法方式追讨债务，否则甲方有权追究其责任。",
            "任何情况下，受托方均不得通过限制人身自由、毁坏财物、恐吓等方式追讨欠款。",
            "The agency shall not use violence（中文对照：乙方绝不使用暴力、威胁或骚扰手段催收，不冒充司法人员）。",
        ],
        [
            "乙方应当积极开展催收工作，采取一切必要措施促使债务人尽快还款。",
            "乙方应依法、文明开展工作，维护甲方的合法权益。",
            "乙方可以通过电话、短信、上门等方式与债务人沟通还款事宜。",
        ],
    ),
    "fee_on_recovery": (
        ["服务费用", "收费标准", "费用及支付", "报酬", "佣金", "代理费"],
        [
            "乙方服务费按实际回收款的20%计收，未回收的不收取任何费用。",
            "佣金以债务人实际偿还到甲方账户的金额为基数，按照百分之十五计算。",
            "甲方按追回款项的25%向乙方支付报酬；如未能追回，乙方不收取报酬。",
            "实际收回金额在5万元以内的部分按30%收费，超过5万元的部分按20%收费。",
            "代理费采取风险代理方式，以实际到账的回款金额为准，按18%结算。",
            "本协议项下的服务费仅在债务人实际清偿后，按清偿金额的百分之二十收取。",
            "乙方的报酬为已回收款项的十分之一。",
            "收费方式：按回款额比例提成，比例为22%，每笔回款到账后五日内结算。",
        ],
        [
            "委托服务费为委托债权总额的15%，由甲方在签订本协议后支付。",
            "无论债务是否收回，甲方均应按债权金额的10%支付服务费。",
            "乙方按小时收取咨询费，每小时300元。",
        ],
    ),
    "complaint_48h": (
        ["投诉处理", "投诉与答复", "意见反馈", "投诉机制", "服务监督"],
        [
            "甲方对乙方服务不满意的，可以向乙方投诉，乙方应当在48小时内予以答复。",
            "乙方收到投诉后须于四十八小时内书面回复处理结果。",
            "对于委托人提出的投诉，受托人承诺在接到投诉之时起48个小时内作出处理并反馈。",
            "任何一方就催收行为提出的投诉，乙方应在四十八个小时以内答复，逾期视为认可投诉事实。",
            "投诉电话：0518-85551234。乙方对投诉的响应时间不超过48小时。",
            "债务人或甲方投诉乙方工作人员的，乙方须在四十八小时内调查核实并告知投诉人。",
        ],
        [
            "乙方应在七个工作日内处理甲方的投诉。",
            "甲方如对服务有意见，可以与乙方协商解决。",
            "乙方设立客服热线，收到投诉后72小时内答复。",
        ],
    ),
    "sensitive_info": (
        ["个人信息保护", "敏感个人信息处理", "信息安全", "数据处理规则", "个人信息的处理"],
        [
            "乙方仅为本协议目的处理债务人的个人信息，处理范围限于姓名、联系方式、住址；委托结束后三十日内删除，不得向第三方提供。",
            "对于身份证号码、银行账户、行踪轨迹等敏感个人信息，受托方应当限定用途，加密保存，保存期限不超过委托期限届满后六十日，期满予以销毁，且不得转委托或对外提供。",
            "乙方处理个人信息应遵守《个人信息保护法》，以实现催收目的所必需为限，不得超范围收集，不得将个人信息出售、共享给任何第三方，合同终止后应当删除。",
            "甲方提供的债务人身份证件号码、联系方式等个人信息，乙方只能用于本次催收，保存至本协议终止之日，终止后予以删除或返还甲方，严禁转交他人。",
            "受托人对债务人个人信息的处理应当遵循最小必要原则，明确处理目的和范围，设定保存期限，到期删除；未经委托人书面同意，不得向任何第三方提供。",
            "The agency handles personal data only for collection（中文对照：乙方处理个人信息仅用于本次委托，到期删除，不对外提供）。",
        ],
        [
            "甲方提供的资料，乙方应当妥善保管。",
            "乙方可以根据工作需要收集债务人的相关信息。",
        ],
    ),
    "confidentiality": (
        ["保密", "保密条款", "保密义务", "商业秘密保护"],
        [
            "双方对本协议内容及履行过程中知悉的对方商业秘密负有保密义务，未经对方同意不得向第三方披露。",
            "甲乙双方应对本合同的条款和案件情况严格保密，该义务在合同终止后继续有效。",
            "任何一方不得泄露在合作中获取的另一方的经营信息和商业秘密。",
            "乙方对甲方提供的全部资料负有保密责任，除法律另有规定外，不得向外透露。",
            "本协议及其附件属于机密文件，双方均应保守秘密。",
        ],
        [],
    ),
    "termination": (
        ["协议的解除", "合同终止", "解除与终止", "协议变更与解除", "终止条款"],
        [
            "乙方违反本协议约定的，甲方有权书面通知乙方解除本协议。",
            "有下列情形之一的，本合同终止：（一）债权全部实现；（二）双方协商一致；（三）乙方被吊销营业执照。",
            "甲方可以随时解除委托，但应对解除前乙方已经促成的回款支付相应报酬。",
            "任何一方严重违约的，守约方有权单方解除本协议，并要求违约方赔偿损失。",
            "委托期限届满或者委托事项完成时，本协议自行终止；甲方也可提前七日通知乙方解除合同。",
            "如乙方存在违法催收行为，本协议自动解除，甲方无需支付任何费用。",
        ],
        [
            "本协议有效期为一年。",
            "双方应全面履行本协议约定的义务。",
        ],
    ),
    "dispute_resolution": (
        ["争议解决", "纠纷处理", "法律适用与争议解决", "管辖"],
        [
            "因本协议发生的争议，双方协商解决；协商不成的，向甲方住所地人民法院起诉。",
            "凡因履行本合同所发生的纠纷，提交连云港仲裁委员会仲裁，仲裁裁决是终局的。",
            "本协议履行中发生争议的，任何一方可向合同签订地有管辖权的人民法院提起诉讼。",
            "双方因本协议产生的任何争议，应首先友好协商，协商不成时，任何一方均有权申请仲裁。",
            "争议由乙方所在地人民法院管辖。",
        ],
        [
            "双方应本着友好合作的精神履行本协议。",
        ],
    ),
}

# Unlawful or unfair terms: (positive wordings, lawful look-alikes that must not be flagged).
FLAGS: dict[str, tuple[list[str], list[str]]] = {
    "upfront_fee": (
        [
            "甲方应于本协议签订之日向乙方支付前期调查费人民币3000元。",
            "签约时甲方需预付服务费5000元，该费用不予退还。",
            "委托人须先行缴纳案件启动费2000元，乙方收到后开始工作。",
            "乙方收取定金一万元，案件办结后从服务费中扣除。",
            "甲方应在签约后三日内预交差旅费及保证金共计4000元。",
        ],
        [
            "乙方不得以任何名义预先收取费用。",
            "乙方不收取任何前期费用，也不收取保证金。",
            "诉讼费由甲方直接向法院交纳，乙方不代收。",
        ],
    ),
    "fee_above_cap": (
        [
            "对于账龄超过三年的债权，乙方按实际回收款的40%收取服务费。",
            "回款金额的百分之五十作为乙方的报酬。",
            "实际收回款项超过10万元的部分，乙方按35%收取佣金。",
        ],
        [
            "乙方的服务费率以其公示的收费标准为上限，最高为30%。",
            "甲方逾期支付服务费的，每日按应付金额的0.05%支付违约金。",
        ],
    ),
    "contact_relatives": (
        [
            "甲方同意乙方可以联系债务人的亲属、朋友及工作单位，以督促其还款。",
            "乙方有权上门拜访债务人的家属，告知其欠款情况。",
            "为实现债权，乙方可向债务人的亲友、同事进行催告。",
            "甲方授权乙方走访债务人的邻居和单位，了解情况并施加压力。",
        ],
        [
            "乙方不得联系债务人的亲属、同事等与债务无关的人员。",
            "乙方可以向债务人本人及其担保人发送律师函。",
        ],
    ),
    "publish_debtor_info": (
        [
            "债务人逾期不还的，乙方有权将其姓名、照片及欠款信息在网络、社区公告栏公开曝光。",
            "甲方同意乙方通过微信群、朋友圈发布债务人的欠款信息。",
            "乙方可以在债务人住所及其单位门口张贴催款告示。",
        ],
        [
            "乙方不得公开、张贴或者在网络上发布债务人的任何信息。",
        ],
    ),
    "complaint_waiver": (
        [
            "甲方承诺不就乙方的催收行为向任何部门投诉或举报。",
            "甲方自愿放弃就本协议事项投诉的权利。",
            "委托期间甲方不得向监管部门、媒体反映乙方的催收方式，否则视为违约。",
        ],
        [
            "本协议任何条款均不限制甲方依法投诉、举报的权利。",
        ],
    ),
}

IMPLIES = {  # a flag wording that is itself a clause of another kind
    ("fee_above_cap", 0): ["fee_on_recovery"],
    ("fee_above_cap", 1): ["fee_on_recovery"],
    ("fee_above_cap", 2): ["fee_on_recovery"],
}

# A near miss that is itself an unlawful term: a fee on the claim, due on signing, is upfront.
MISS_IMPLIES = {("fee_on_recovery", 0): ["upfront_fee"]}

CREDITORS = ["王建国", "连云港市新浦五金有限公司", "李秀英", "江苏海港物流有限公司", "陈志强"]
AGENCIES = [
    "江苏海州明理律师事务所",
    "连云港市信和商事调解中心",
    "连云港诚达商账管理有限公司",
    "江苏港城律师事务所",
    "连云港市东方企业管理咨询有限公司",
]
DEBTORS = ["赵某", "连云港恒丰商贸有限公司", "孙某某", "灌云县长江建材经营部", "周某"]
TITLES = ["债务委托协议", "委托催收合同", "商账管理服务合同", "委托代理协议", "债权清收委托书"]
CN = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    return CN[n - 1] if n <= 10 else "十" + CN[n - 11]


def heading(style: int, n: int, title: str) -> str:
    return [
        f"第{cn_number(n)}条 {title}",
        f"{cn_number(n)}、{title}",
        f"{n}. {title}",
        f"第{n}条　{title}",
        f"（{cn_number(n)}）{title}",
    ][style]


def compose(i: int, rng: random.Random) -> tuple[str, dict]:
    present: set[str] = set()
    flags: set[str] = set()
    sections: list[tuple[str, list[str]]] = []
    for key in CLAUSES:
        heads, bodies, misses = POOL[key]
        roll = rng.random()
        if roll < 0.72:
            sections.append((rng.choice(heads), [rng.choice(bodies)]))
            present.add(key)
        elif roll < 0.86 and misses:
            heading_text, miss = rng.choice(heads), rng.choice(misses)
            sections.append((heading_text, [miss]))
            flags.update(MISS_IMPLIES.get((key, misses.index(miss)), []))
    for key, (positives, lawful) in FLAGS.items():
        roll = rng.random()
        if roll < 0.28:
            k = rng.randrange(len(positives))
            text = positives[k]
            flags.add(key)
            present.update(IMPLIES.get((key, k), []))
        elif roll < 0.5:
            text = rng.choice(lawful)
        else:
            continue
        target = rng.randrange(len(sections) + 1)
        if target == len(sections):
            sections.append((rng.choice(["其他约定", "补充条款", "双方的其他权利义务"]), [text]))
        else:
            sections[target][1].insert(rng.randrange(len(sections[target][1]) + 1), text)
    rng.shuffle(sections)
    sections.insert(
        0,
        (
            rng.choice(["委托事项", "委托内容", "服务内容"]),
            [
                f"甲方委托乙方就{rng.choice(DEBTORS)}所欠甲方款项人民币{rng.randrange(2, 90) * 5000}元提供债务催收及相关服务。"
            ],
        ),
    )
    sections.append(("其他", ["本协议一式两份，自双方签字盖章之日起生效。"]))
    style = rng.randrange(5)
    lines = [rng.choice(TITLES), ""]
    lines.append(f"甲方（委托人）：{rng.choice(CREDITORS)}")
    lines.append(f"乙方（受托人）：{rng.choice(AGENCIES)}")
    lines.append("")
    inline = rng.random() < 0.2  # some contracts run the title into the text, no headings
    for n, (title, texts) in enumerate(sections, start=1):
        body = "".join(texts) if rng.random() < 0.5 else "\n".join(texts)
        if inline:
            lines.append(f"{n}. {body}")
        else:
            lines.append(heading(style, n, title))
            lines.append(body)
    lines += ["", "甲方（签章）：　　　　乙方（签章）：", "日期：　　年　　月　　日"]
    label = {"clauses": sorted(present), "flags": sorted(flags)}
    return "\n".join(lines) + "\n", label


def main() -> None:
    rng = random.Random(20261128)
    labels = {}
    for i in range(1, 45):
        text, label = compose(i, rng)
        name = f"c{i:02d}.txt"
        (HERE / name).write_text(text, encoding="utf-8")
        labels[name] = label
    (HERE / "labels.yaml").write_text(
        "# Generated by compose.py: which mandatory clauses each contract has, which unlawful\n"
        "# terms it contains. Hand-written contracts are labelled in handwritten.yaml.\n"
        + yaml.safe_dump(labels, allow_unicode=True, sort_keys=True),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
