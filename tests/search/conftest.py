"""A small hand-made registry, imported through the ingest with the search hook attached."""

from __future__ import annotations

from pathlib import Path

import pytest
from stdnum.iso7064 import mod_11_10

from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.registry.importer import REGISTRY_TARGETS
from xinyong.search.index import ensure_complete, index_hook
from xinyong.sources.ingest import Ingest
from xinyong.sources.readers import open_source

JDS = credit_code(1)  # 连云港金鼎盛国际要账有限公司, revoked
HAIXIN_REVOKED = credit_code(2)
HAIXIN_ACTIVE = credit_code(3)
HENGXIN = credit_code(4, division="320703", prefix="31")
HENGXIN_BRANCH = credit_code(5)
RUIFENG = credit_code(6)
QIAN = credit_code(7)
TEST_BASE = 100  # 测试{n}商贸, 25 of them, for pagination


def reg_no(n: int) -> str:
    body = f"3207060000{n:04d}"
    return body + mod_11_10.calc_check_digit(body)


def registry_rows() -> list[dict[str, str]]:
    rows = [
        enterprise_row(
            1,
            **{
                "企业名称": "连云港金鼎盛国际要账有限公司",
                "曾用名": "连云港金鼎盛商务咨询有限公司",
                "注册号": reg_no(1),
                "法定代表人": "赵大海",
                "登记状态": "吊销",
                "所属行业": "租赁和商务服务业",
            },
        ),
        enterprise_row(2, **{"企业名称": "连云港海鑫商贸有限公司", "登记状态": "吊销"}),
        enterprise_row(3, **{"企业名称": "连云港市海鑫物流有限公司", "登记状态": "存续"}),
        enterprise_row(
            4,
            **{
                "统一社会信用代码": HENGXIN,
                "企业名称": "江苏恒信律师事务所",
                "企业类型": "律师事务所",
                "行政区划代码": "320703",
                "所属行业": "租赁和商务服务业",
                "法定代表人": "孙立",
            },
        ),
        enterprise_row(5, **{"企业名称": "江苏恒信律师事务所连云港分所"}),
        enterprise_row(
            6,
            **{"企业名称": "连云港瑞丰科技有限公司", "曾用名": "连云港瑞丰电子有限公司"},
        ),
        enterprise_row(7, **{"企业名称": "连云港宏图文化传媒有限公司", "法定代表人": "钱多多"}),
    ]
    rows += [enterprise_row(TEST_BASE + i) for i in range(25)]
    return rows


def load(engine, folder: Path, rows: list[dict[str, str]], *, hook: bool = True) -> None:
    """Import an enterprise file through the one ingest path, then complete the index, as a
    sync does (a first load is indexed in one pass at the end)."""
    path = write_enterprises(folder / "enterprises.csv", rows)
    drop = open_source(path, None)
    ingest = Ingest(
        engine,
        REGISTRY_TARGETS["registry.enterprises"],
        source="gsxt",
        location=str(path),
        on_changes=index_hook if hook else None,
    )
    ingest.run(drop.header, drop.rows)
    if hook:
        ensure_complete(engine)


@pytest.fixture
def registry(engine, tmp_path):
    load(engine, tmp_path / "drop", registry_rows())
    return engine
