"""Builders for small zxgk and 双公示 drops in their official layouts, for tests."""

from __future__ import annotations

import csv
from pathlib import Path

from stdnum.cn import ric

from tests.support.registry_files import credit_code, write_enterprises
from xinyong.registry.importer import import_file as import_registry_file
from xinyong.sources.layouts import REGISTRY_ENTERPRISES, Layout


def person_id(serial: int = 123) -> str:
    """A valid resident ID number (born 1990-01-01 in Haizhou district)."""
    body = f"32070619900101{serial:03d}"
    return body + ric.calc_check_digit(body)


def debtor_row(n: int, **overrides: str) -> dict[str, str]:
    row = {
        "案号": f"（2026）苏0706执{n}号",
        "被执行人姓名/名称": f"连云港市海州区测试{n}商贸有限公司",
        "身份证号码/组织机构代码": credit_code(n),
        "执行法院": "连云港市海州区人民法院",
        "立案时间": "2026-03-01",
        "执行标的（元）": "125000.50",
        "案件状态": "执行中",
        "更新日期": "2026-11-20",
    }
    row.update(overrides)
    return row


def dishonest_row(n: int, **overrides: str) -> dict[str, str]:
    row = {
        "被执行人姓名/名称": f"连云港市海州区测试{n}商贸有限公司",
        "主体类型": "法人或其他组织",
        "身份证号码/组织机构代码": credit_code(n),
        "法定代表人或者负责人姓名": "王建国",
        "省份": "江苏",
        "执行法院": "连云港市海州区人民法院",
        "案号": f"（2026）苏0706执{n}号",
        "立案时间": "2026年03月01日",
        "发布时间": "2026年06月15日",
        "执行依据文号": f"（2025）苏0706民初{n}号",
        "做出执行依据单位": "连云港市海州区人民法院",
        "生效法律文书确定的义务": "被告于判决生效之日起十日内支付原告货款125000元",
        "被执行人的履行情况": "全部未履行",
        "已履行部分": "暂无",
        "未履行部分": "暂无",
        "失信被执行人行为具体情形": "有履行能力而拒不履行生效法律文书确定义务",
        "更新日期": "2026-11-20",
    }
    row.update(overrides)
    return row


def person_dishonest_row(n: int, name: str = "张三明", id_number: str | None = None, **kw) -> dict:
    return dishonest_row(
        n,
        **{
            "被执行人姓名/名称": name,
            "主体类型": "自然人",
            "身份证号码/组织机构代码": id_number or person_id(n),
            "法定代表人或者负责人姓名": "",
            **kw,
        },
    )


def penalty_row(n: int, **overrides: str) -> dict[str, str]:
    row = {
        "行政相对人名称": f"连云港市海州区测试{n}商贸有限公司",
        "行政相对人类别": "法人及非法人组织",
        "统一社会信用代码": credit_code(n),
        "法定代表人": "王建国",
        "行政处罚决定书文号": f"连海市监罚〔2026〕{n}号",
        "违法行为类型": "虚假宣传",
        "违法事实": "当事人在其经营场所发布虚假广告",
        "处罚依据": "《中华人民共和国反不正当竞争法》第二十条",
        "处罚类别": "罚款；没收违法所得",
        "处罚内容": "罚款2000元，没收违法所得15000元",
        "罚款金额（万元）": "0.2",
        "没收违法所得、没收非法财物的金额（万元）": "1.5",
        "处罚决定日期": "2026-05-10",
        "处罚有效期": "2027-05-10",
        "公示截止期": "2029-05-10",
        "处罚机关": "连云港市海州区市场监督管理局",
        "处罚机关统一社会信用代码": credit_code(900, prefix="11"),
        "数据来源单位": "连云港市海州区市场监督管理局",
        "数据来源单位统一社会信用代码": credit_code(900, prefix="11"),
        "更新日期": "2026-11-20",
    }
    row.update(overrides)
    return row


def write_drop(
    path: Path,
    layout: Layout,
    rows: list[dict[str, str]],
    encoding: str = "utf-8",
    rename: dict[str, str] | None = None,
) -> Path:
    """Write rows under the layout's official headers, or under other spellings via `rename`."""
    rename = rename or {}
    headers = [h for h in layout.headers if any(h in r for r in rows)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([rename.get(h, h) for h in headers])
        for row in rows:
            writer.writerow([row.get(h, "") for h in headers])
    return path


def register_enterprises(engine, folder: Path, rows: list[dict[str, str]]) -> None:
    """The registry as GSXT delivered it, before the judicial files arrive."""
    path = write_enterprises(folder / "enterprises.csv", rows)
    import_registry_file(engine, path, REGISTRY_ENTERPRISES.name)
