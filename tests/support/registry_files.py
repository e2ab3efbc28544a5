"""Builders for small registry drops in the official layouts, for tests."""

from __future__ import annotations

import csv
from pathlib import Path

from xinyong.codes import uscc_with_check
from xinyong.codes.orgcode import calc_check_digit
from xinyong.sources.layouts import REGISTRY_ENTERPRISES, Layout


def credit_code(n: int, division: str = "320706", prefix: str = "91") -> str:
    body = f"MA{n:06d}"
    return uscc_with_check(prefix + division + body + calc_check_digit(body))


def enterprise_row(n: int, **overrides: str) -> dict[str, str]:
    row = {
        "统一社会信用代码": credit_code(n),
        "企业名称": f"连云港市海州区测试{n}商贸有限公司",
        "法定代表人": "王建国",
        "企业类型": "有限责任公司(自然人投资或控股)",
        "注册资本（万元）": "100",
        "注册资本币种": "人民币",
        "成立日期": "2018-05-20",
        "登记机关": "连云港市海州区市场监督管理局",
        "登记状态": "存续",
        "住所": "江苏省连云港市海州区朝阳中路1号",
        "行政区划代码": "320706",
        "经营范围": "一般项目：日用百货销售",
        "所属行业": "批发和零售业",
        "更新日期": "2026-11-01",
    }
    row.update(overrides)
    return row


def write_csv(
    path: Path, layout: Layout, rows: list[dict[str, str]], encoding: str = "utf-8"
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(layout.headers)
        for row in rows:
            writer.writerow([row.get(h, "") for h in layout.headers])
    return path


def write_enterprises(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    return write_csv(path, REGISTRY_ENTERPRISES, rows, encoding)
