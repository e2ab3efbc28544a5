"""Browser tests: one real server on a demo data set, driven by Playwright in Debian's Chromium.

The server and its data are built once per session: the demo drop goes through the real
connectors (`xinyong demo --no-serve`), each function in SEEDERS adds what later journeys
need through the domains' own services, then `xinyong serve` runs on a free port. A new
journey (cases, complaints) adds a seeder and a test module; nothing else changes.

Screenshots go to XINYONG_SCREENSHOT_DIR when set (`docs/screenshots` refreshes the README's),
else to a temporary folder. The e2e tests run on SQLite only: they are skipped when the suite
runs on PostgreSQL (XINYONG_TEST_DATABASE_URL), as they test pages, not the database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tests.support.node_process import running_node
from xinyong.db import make_engine, session_factory

CHROMIUM = Path(os.environ.get("XINYONG_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
TOKEN = "e2e-operator-token"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    reason = None
    if os.environ.get("XINYONG_TEST_DATABASE_URL"):
        reason = "browser tests run on SQLite only (they test pages, not the database)"
    elif not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if reason:
        for item in items:
            if here in Path(item.fspath).parents:
                item.add_marker(pytest.mark.skip(reason=reason))


@dataclass
class Portal:
    base: str
    token: str
    manifest: dict
    seeded: dict

    def url(self, path: str) -> str:
        return self.base + path


# --- seeders: what the journeys need beyond the demo drop ---------------------------------

Seeder = Callable[[Engine, dict, dict], None]


def seed_lists(engine: Engine, manifest: dict, seeded: dict) -> None:
    """The demo operator's published black-list entry for a violent collector (`xinyong demo`
    decided the rules' proposals of four weeks ago), one published red-list entry (proposed by
    an operator three weeks ago, so the notice period is over), and proposals for an operator
    to review."""
    from sqlalchemy import func

    from xinyong.lists import service
    from xinyong.lists.models import ListEntry
    from xinyong.lists.schemas import ProposalIn

    now = datetime.now(UTC)
    then = now - timedelta(days=21)
    law_firm = {s["name"]: s for s in manifest["sector"]}["江苏田湾律师事务所"]
    with session_factory(engine)() as session:

        def propose(list_type: str, cls: str, subject: dict, reason: str, at: datetime):
            return service.propose(
                session,
                ProposalIn(
                    list_type=list_type,
                    publicity_class=cls,
                    credit_code=subject["credit_code"],
                    subject_name=subject["name"],
                    reason_zh=reason,
                    reason_en="entry for the browser tests",
                    legal_basis_zh="《信用修复管理办法》",
                    legal_basis_en="Measures for Credit Repair",
                    source_records=[{"source": "e2e", "source_record_id": subject["credit_code"]}],
                    authority="连云港市市场监督管理局",
                    decision_date=at.date(),
                ),
                "e2e",
                at,
            )

        collector = session.scalars(
            select(ListEntry)
            .where(
                ListEntry.rule_id == "revoked-violent-collection", ListEntry.state == "published"
            )
            .order_by(ListEntry.id)
        ).first()
        # Its other entry, if any: a violent collector is most often a dishonest debtor too.
        entries = session.scalar(
            select(func.count()).where(
                ListEntry.credit_code == collector.credit_code, ListEntry.state == "published"
            )
        )
        published = {
            "black": {"id": collector.id, "name": collector.subject_name, "entries": entries}
        }
        entry = propose("red", "recommended", law_firm, "年度诚信执业，获评守信示范单位", then)
        service.approve(session, entry.id, "e2e", None, then)
        service.publish(session, entry.id, "e2e", now)
        published["red"] = {"id": entry.id, "name": law_firm["name"]}
        # A demo this small has no proposals younger than the demo operator's weeks: two
        # arrive today, for the console's reviewer.
        for subject in manifest["sector"][:2]:
            propose("black", "general", subject, "未按合同约定履行催收服务义务，经查证属实", now)
        session.commit()
        counts = dict(
            session.execute(
                select(ListEntry.list_type, func.count())
                .where(ListEntry.state == "published")
                .group_by(ListEntry.list_type)
            ).all()
        )
        proposed = list(
            session.scalars(
                select(ListEntry.id).where(ListEntry.state == "proposed").order_by(ListEntry.id)
            )
        )
    seeded["lists"] = {"published": published, "proposed": proposed, "counts": counts}


PERSON_PASSWORD = "e2e-password-123"


def seed_workspaces(engine: Engine, manifest: dict, seeded: dict) -> None:
    """A creditor firm's clerk and a listed agency's staff member, each with a password."""
    from tests.support.registry_files import credit_code
    from xinyong.accounts import service as accounts
    from xinyong.agencies.service import list_agencies

    with session_factory(engine)() as session:
        agency = next(a for a in list_agencies(session, sort="name") if a.listed)
        people = {}
        for who, code, name, kind in (
            ("creditor", credit_code(801), "连云港港城建材有限公司", "creditor"),
            ("agency", agency.credit_code, agency.name, "agency"),
        ):
            user = accounts.create_user(
                session,
                f"{who}@e2e.example.cn",
                password=PERSON_PASSWORD,
                display_name=f"{who} e2e",
            )
            org = accounts.create_organisation(session, code, name, kind)
            if kind == "agency":
                accounts.decide_organisation(session, org.id, True, "e2e")
            accounts.add_member(session, user, org)
            people[who] = {"email": user.email, "code": code, "name": name}
        session.commit()
    seeded["workspaces"] = people


def sign_in_person(page, portal: Portal, who: str) -> None:
    """Sign in on the accounts page as the seeded creditor or agency member."""
    page.goto(portal.url("/login"))
    page.get_by_label("电子邮箱").fill(portal.seeded["workspaces"][who]["email"])
    page.get_by_label("密码").fill(PERSON_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/account")


def seed_console(engine: Engine, manifest: dict, seeded: dict) -> None:
    """Grades for every enterprise, an agency organisation waiting for approval, and complaints
    (this month, last month, a year ago) so the statistics have something to draw."""
    from xinyong.accounts import service as accounts
    from xinyong.cases import complaints
    from xinyong.cases.actors import Actor
    from xinyong.ledger.config import LedgerSettings
    from xinyong.rating.service import recompute_all

    now = datetime.now(UTC)
    recompute_all(engine, now)
    data = Path(engine.url.database).parent / "data"  # the portal's XINYONG_DATA_DIR
    ledger = LedgerSettings(key_dir=data / "ledger" / "keys", evidence_dir=data / "evidence")
    sector = {s["name"]: s for s in manifest["sector"]}
    law_firm = sector["江苏田湾律师事务所"]
    active = [
        s
        for s in manifest["sector"]
        if s["status"] in ("存续", "在业", "存续,在业") and s["name"] != law_firm["name"]
    ]
    applicant = next((s for s in active if "律师事务所" in s["name"]), active[0])
    with session_factory(engine)() as session:
        user = accounts.create_user(session, "applicant@example.cn", display_name="申请人周律师")
        org = accounts.create_organisation(
            session, applicant["credit_code"], applicant["name"], "agency", now
        )
        accounts.add_member(session, user, org)
        staff = Actor("agency", law_firm["credit_code"], law_firm["name"], law_firm["credit_code"])
        for days, answered in ((400, True), (35, True), (3, False)):
            c, _ = complaints.file_complaint(
                session,
                agency_code=law_firm["credit_code"],
                complainant_kind="creditor",
                complainant_name="李先生",
                category="service",
                text="委托后一周未收到任何进展报告",
                now=now - timedelta(days=days),
                settings=ledger,
            )
            if answered:
                complaints.respond(
                    session, c.id, staff, "已补交调查报告", now=now - timedelta(days=days - 1)
                )
        session.commit()
    seeded["console"] = {"org_id": org.id, "applicant": applicant["name"]}


def seed_complaint_desk(engine: Engine, manifest: dict, seeded: dict) -> None:
    """A complaint its complainant escalated four days ago, not satisfied with the answer: the
    oldest escalation, so it heads the operators' complaints queue whatever the journeys add."""
    from xinyong.cases import complaints
    from xinyong.cases.actors import Actor

    now = datetime.now(UTC)
    law_firm = {s["name"]: s for s in manifest["sector"]}["江苏田湾律师事务所"]
    code_ = law_firm["credit_code"]
    reason = "机构答复称已停止催收，但本周仍有人上门拍照"
    with session_factory(engine)() as session:
        c, code = complaints.file_complaint(
            session,
            agency_code=code_,
            complainant_kind="relative",
            complainant_name="孙女士",
            category="harassment",
            text="催收人员到我家门口拍照并张贴欠款告示",
            now=now - timedelta(days=6),
        )
        staff = Actor("agency", code_, law_firm["name"], code_)
        complaints.respond(session, c.id, staff, "已停止上门催收", now=now - timedelta(days=5))
        complaints.escalate(session, c.id, code, reason, now=now - timedelta(days=4))
        session.commit()
    seeded["complaint_desk"] = {"id": c.id, "code": code, "reason": reason}


SEEDERS: list[Seeder] = [seed_lists, seed_workspaces, seed_console, seed_complaint_desk]


@pytest.fixture(scope="session")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Portal:
    work = tmp_path_factory.mktemp("portal")
    url = f"sqlite:///{work / 'xinyong.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINYONG_")}
    env |= {"XINYONG_DATABASE_URL": url, "XINYONG_DATA_DIR": str(work / "data")}
    subprocess.run(
        [sys.executable, "-m", "xinyong", "demo", "--no-serve", "--enterprises", "300"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    manifest = json.loads((work / "data" / "demo" / "manifest.json").read_text("utf-8"))
    engine, seeded = make_engine(url), {}
    try:
        for seed in SEEDERS:
            seed(engine, manifest, seeded)
    finally:
        engine.dispose()
    with running_node(
        url, XINYONG_OPERATOR_TOKEN=TOKEN, XINYONG_DATA_DIR=str(work / "data")
    ) as base:
        yield Portal(base, TOKEN, manifest, seeded)


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser, portal):
    """A fresh desktop browser context (no cookies), in Chinese, pointed at the portal."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(15000)
    p = context.new_page()
    yield p
    context.close()


@pytest.fixture
def phone(browser, portal):
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2
    )
    context.set_default_timeout(15000)
    p = context.new_page()
    yield p
    context.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("XINYONG_SCREENSHOT_DIR")
    out = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture
def shoot(shots):
    def take(page, name: str, full_page: bool = True) -> Path:
        path = shots / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        assert path.stat().st_size > 10_000, f"{path} looks blank"
        return path

    return take


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line each; and a
    broken heading outline (no h1, a level skipped), which axe calls moderate but which is how
    a screen reader's user finds their way through a profile or a list."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .filter(v => v.impact === 'serious' || v.impact === 'critical'
                          || v.id === 'page-has-heading-one' || v.id === 'heading-order')
             .map(v => `${v.impact} ${v.id}: ${v.help} — ` +
                  v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"""
    )
    return list(found)


def sign_in_operator(page, portal: Portal, name: str = "王审核") -> None:
    page.goto(portal.url("/operator"))
    page.get_by_label("姓名").fill(name)
    page.get_by_label("操作员令牌").fill(portal.token)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/operator")
