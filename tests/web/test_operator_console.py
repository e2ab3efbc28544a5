"""The operator console: signed in with the operator token (kept in an HttpOnly cookie)."""

from __future__ import annotations

from sqlalchemy import select

from tests.lists.story import at, proposal
from tests.web.conftest import TOKEN
from xinyong.lists import service
from xinyong.lists.models import ListEvent


def test_console_pages_send_a_stranger_to_sign_in(client):
    for path in ("/operator", "/operator/lists", "/operator/cases", "/operator/syncs"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/operator/login?next={path}"


def test_a_wrong_token_is_refused_and_says_so(client):
    response = client.post("/operator/login", data={"name": "李娜", "token": "guess"})
    assert response.status_code == 401
    assert "操作员令牌不正确" in response.text
    assert "xy_operator" not in response.cookies
    nameless = client.post("/operator/login", data={"name": " ", "token": TOKEN})
    assert nameless.status_code == 401 and "请填写操作员姓名" in nameless.text


def test_without_a_configured_token_the_console_is_closed(client, monkeypatch):
    monkeypatch.delenv("XINYONG_OPERATOR_TOKEN")
    page = client.get("/operator/login")
    assert "操作员功能已停用" in page.text
    response = client.post("/operator/login", data={"name": "李娜", "token": "anything"})
    assert response.status_code == 403


def test_signing_in_sets_an_httponly_strict_cookie_and_signing_out_clears_it(client):
    response = client.post(
        "/operator/login",
        data={"name": "审核员李娜", "token": TOKEN, "next": "/operator/syncs"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/operator/syncs"
    cookies = response.headers.get_list("set-cookie")
    assert all("HttpOnly" in c and "SameSite=strict" in c for c in cookies)
    console = client.get("/operator").text
    assert "审核员李娜" in console
    # Every console page is a tab away, the organisations' claims among them.
    assert 'href="/operator/organisations"' in console
    client.post("/operator/logout")
    assert client.get("/operator", follow_redirects=False).status_code == 303


def test_an_operator_approves_and_rejects_proposals(operator, session, clock):
    first = service.propose(session, proposal(1), "规则", clock())
    second = service.propose(session, proposal(2), "规则", clock())
    session.commit()
    page = operator.get("/operator/lists").text
    assert f'id="entry-{first.id}"' in page and f'id="entry-{second.id}"' in page

    done = operator.post(f"/operator/lists/{first.id}/approve", data={"reason": "证据充分"})
    assert "已批准，并已向当事人发出告知书" in done.text
    assert f'id="entry-{first.id}"' not in done.text  # no longer waiting for review

    refused = operator.post(f"/operator/lists/{second.id}/reject", data={"reason": " "})
    assert refused.status_code == 422 and "驳回理由" in refused.text
    operator.post(f"/operator/lists/{second.id}/reject", data={"reason": "事实不清"})
    session.expire_all()
    assert service.get_entry(session, first.id).state == "approved"
    assert service.get_entry(session, second.id).state == "rejected"
    history = operator.get("/operator/lists", params={"state": "approved"}).text
    # The history reads as steps in words, each with who took it and why.
    assert "批准 · 审核员李娜 · 证据充分" in history
    assert "告知当事人 · " in history and "提出 · 规则" in history
    assert "<td>人工提出 · " in history  # proposed with no rule behind it: by hand
    english = operator.get("/operator/lists", params={"state": "approved", "lang": "en"}).text
    assert "approved · 审核员李娜 · 证据充分" in english and "party notified · " in english


def test_publishing_too_early_is_refused_with_the_date(operator, session, clock):
    entry = service.propose(session, proposal(3), "规则", clock())
    service.approve(session, entry.id, "审核员李娜", None, clock())
    session.commit()
    early = operator.post(f"/operator/lists/{entry.id}/publish", data={"state": "approved"})
    assert early.status_code == 409 and "个工作日" in early.text
    clock.now = at(2026, 5, 20)
    published = operator.post(f"/operator/lists/{entry.id}/publish", data={"state": "approved"})
    assert "已公示" in published.text


def test_the_sync_dashboard_lists_every_configured_source(operator):
    page = operator.get("/operator/syncs").text
    for name in ("gsxt", "zxgk", "penalties"):
        assert f'id="source-{name}"' in page
    assert "还从未更新" in page  # an empty database: honest about it
    # Schedules in words, the cron line in the tooltip; no raw cron line in the text.
    assert 'title="cron: 0 2 * * *（北京时间）">每天 02:00</span>' in page
    assert "<code>" not in page and "下次更新" in page


def test_an_operator_decides_an_objection_filed_by_the_party(operator, session, clock):
    from tests.lists.story import materials
    from xinyong.lists import objections
    from xinyong.lists.schemas import ObjectionIn

    entry = service.propose(session, proposal(4), "规则", clock())
    service.approve(session, entry.id, "审核员李娜", None, clock())
    filed = objections.submit(
        session,
        ObjectionIn(
            entry_id=entry.id,
            case_type="wrong_subject",
            applicant_name="连云港市海州区测试4商贸有限公司",
            applicant_contact="0518-85550000",
            statement="被处罚的是同名的另一家公司",
            materials=materials("application_form", "identity", "evidence"),
        ),
        clock(),
    )
    session.commit()
    page = operator.get("/operator/cases").text
    assert f"异议 #{filed.id}" in page and "证明材料：evidence.pdf" in page
    # The operator reads who objects, how to reach them, what they wrote, about which firm.
    card = page.split(f'id="objection-{filed.id}"')[1].split('class="result"')[0]
    for shown in (
        "连云港市海州区测试4商贸有限公司",
        "0518-85550000",
        "被处罚的是同名的另一家公司",
        "主体错误（非本主体）",
        f'href="/operator/lists?entry={entry.id}#entry-{entry.id}"',
    ):
        assert shown in card
    assert "wrong_subject" not in card
    linked = operator.get("/operator/lists", params={"entry": entry.id}).text
    assert linked.count('class="card entry"') == 1 and f'id="entry-{entry.id}"' in linked

    missing = operator.post(f"/operator/objections/{filed.id}", data={"upheld": "yes"})
    assert missing.status_code == 422 and "请填写决定理由" in missing.text
    done = operator.post(
        f"/operator/objections/{filed.id}",
        data={"upheld": "yes", "outcome": "revoke", "reason": "核实为同名主体，撤销"},
    )
    assert f"异议 {filed.id} 已处理" in done.text and "没有待处理的异议" in done.text
    session.expire_all()
    assert service.get_entry(session, entry.id).state == "revoked"


def test_an_operator_account_uses_the_console_and_its_forms_carry_the_csrf_token(
    client, session, clock
):
    from xinyong.accounts import service as accounts

    user = accounts.create_user(
        session, "lina@example.cn", password="correct horse battery", roles=["operator"],
        display_name="审核员李娜",
    )  # fmt: skip
    entry = service.propose(session, proposal(3), "规则", clock())
    session.commit()
    token, web = accounts.start_session(session, user)
    session.commit()
    client.cookies.set("xy_session", token)
    page = client.get("/operator/lists")
    assert page.status_code == 200 and "审核员李娜" in page.text
    assert f'name="csrf_token" value="{web.csrf_token}"' in page.text
    # A form posted from elsewhere lacks the page's token: refused before anything changes.
    forged = client.post(f"/operator/lists/{entry.id}/approve", data={"reason": "伪造"})
    assert forged.status_code == 403
    done = client.post(
        f"/operator/lists/{entry.id}/approve",
        data={"reason": "证据充分", "csrf_token": web.csrf_token},
    )
    assert "已批准" in done.text
    session.expire_all()
    actors = session.scalars(
        select(ListEvent.actor).where(ListEvent.entry_id == entry.id).order_by(ListEvent.id)
    ).all()
    assert "审核员李娜" in actors  # the approval is the account's, by its name


def _alert_id(html: str, code: str) -> int:
    """The id of the alert row that links to this firm's flags."""
    row = html.split(f'href="/e/{code}#flags"')[0].rsplit('id="alert-', 1)[1]
    return int(row.split('"')[0])


def test_an_operator_dismisses_a_false_alarm_and_the_flag_leaves_the_search_results(
    operator, engine, tmp_path
):
    """The rule flags every name saying 要账; 连云港要账通软件 makes a debt-reminder app (its
    scope says it collects nothing). The operator acknowledges the collector's flag and
    dismisses the app maker's: the search results tag only the collector."""
    from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
    from xinyong.sources.config import get_source
    from xinyong.sources.scheduler import run_syncs

    rows = [
        enterprise_row(1, 企业名称="连云港市海州区金鼎要账服务有限公司"),
        enterprise_row(2, 企业名称="连云港要账通软件科技有限公司"),
    ]
    write_enterprises(tmp_path / "drop" / "enterprises.csv", rows)
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": tmp_path / "drop"})])

    queue = operator.get("/operator/alerts").text
    assert "风险提示" in queue  # the console's tab
    ids = {n: _alert_id(queue, credit_code(n)) for n in (1, 2)}

    done = operator.post(f"/operator/alerts/{ids[1]}/decision", data={"decision": "acknowledged"})
    assert f"预警 {ids[1]}：已确认" in done.text and f'id="alert-{ids[1]}"' not in done.text
    dismiss = f"/operator/alerts/{ids[2]}/decision"
    unexplained = operator.post(dismiss, data={"decision": "dismissed", "reason": " "})
    assert unexplained.status_code == 422
    assert "驳回预警须说明理由" in unexplained.text and "give the reason" in unexplained.text
    because = "经营范围为软件开发，名称中的“要账”是产品名"
    done = operator.post(dismiss, data={"decision": "dismissed", "reason": because})
    assert f"预警 {ids[2]}：已驳回" in done.text
    again = operator.post(dismiss, data={"decision": "dismissed", "reason": because})
    assert again.status_code == 409 and "已驳回" in again.text

    def flags_in_search() -> dict[int, bool]:
        results = operator.get("/search", params={"q": "要账"}).text.split('class="result"')
        found = {n: next(r for r in results if credit_code(n) in r) for n in (1, 2)}
        return {n: "平台风险提示" in found[n] for n in (1, 2)}

    assert flags_in_search() == {1: True, 2: False}
    history = operator.get("/operator/alerts", params={"status": "dismissed"}).text
    assert "驳回 · 审核员李娜" in history and f"理由：{because}" in history

    # The scope was misread: the operator restores the flag, again giving the reason.
    restore = f"/operator/alerts/{ids[2]}/restore"
    unexplained = operator.post(restore, data={"reason": "", "status": "dismissed"})
    assert unexplained.status_code == 422 and "恢复预警须说明理由" in unexplained.text
    back = operator.post(
        restore, data={"reason": "复核：该公司另设催收业务", "status": "dismissed"}
    )
    assert f"预警 {ids[2]} 已恢复为待处理" in back.text and f'id="alert-{ids[2]}"' not in back.text
    assert flags_in_search() == {1: True, 2: True}
    queue = operator.get("/operator/alerts").text.split(f'id="alert-{ids[2]}"')[1]
    assert "恢复 · 审核员李娜" in queue and "理由：复核：该公司另设催收业务" in queue
    assert f"理由：{because}" in queue  # the dismissal stays in its history


def _objection(session, clock, n: int, statement: str):
    from tests.lists.story import materials
    from xinyong.lists import objections
    from xinyong.lists.schemas import ObjectionIn

    entry = service.propose(
        session, proposal(n, publicity_class="serious", publicity_end="2029-05-04"), "规则", clock()
    )
    service.approve(session, entry.id, "审核员李娜", None, clock())
    clock.now = at(2026, 5, 11)
    service.publish(session, entry.id, "审核员李娜", clock())
    filed = objections.submit(
        session,
        ObjectionIn(
            entry_id=entry.id,
            case_type="wrong_facts",
            applicant_name=f"连云港市海州区测试{n}商贸有限公司",
            applicant_contact="0518-85557777",
            statement=statement,
            materials=materials("application_form", "identity", "evidence"),
        ),
        clock(),
    )
    session.commit()
    return entry, filed


def test_an_operator_upholds_an_objection_and_corrects_the_entry_from_the_page(
    operator, session, clock
):
    """The firm says the review authority lowered its penalty to general dishonesty; the
    operator agrees and corrects the class and the period on the page."""
    entry, filed = _objection(session, clock, 5, "复议机关已将处罚变更为一般情节，公示期应缩短")
    decision = {"upheld": "yes", "outcome": "correct", "reason": "复议决定变更为一般失信"}

    empty = operator.post(f"/operator/objections/{filed.id}", data=decision)
    assert empty.status_code == 422
    assert "更正须写明更正的字段和新的内容" in empty.text and "公示截止日期" in empty.text
    assert "复议决定变更为一般失信" in empty.text  # the reason typed is kept
    corrected = operator.post(
        f"/operator/objections/{filed.id}",
        data=decision
        | {
            "correct_field_1": "publicity_class",
            "correct_value_1": "一般失信",
            "correct_field_2": "publicity_end",
            "correct_value_2": "2027-05-04",
        },
    )
    assert f"异议 {filed.id} 已处理" in corrected.text
    session.expire_all()
    kept = service.get_entry(session, entry.id)
    assert (kept.state, kept.publicity_class, str(kept.publicity_end)) == (
        "published",
        "general",
        "2027-05-04",
    )
    history = operator.get("/operator/lists", params={"entry": entry.id}).text
    assert "更正 · 审核员李娜 · 异议成立：复议决定变更为一般失信" in history


def test_the_publish_hint_gives_the_date_and_an_expired_wait_is_not_counted(
    operator, session, clock
):
    waiting = service.propose(session, proposal(6), "规则", clock())  # Mon 2026-05-04
    lapsing = service.propose(session, proposal(7, publicity_class="minor"), "规则", clock())
    for e in (waiting, lapsing):
        service.approve(session, e.id, "审核员李娜", None, clock())
    session.commit()
    page = operator.get("/operator/lists", params={"state": "approved"}).text
    assert "2026-05-11 起可公示" in page
    assert operator.get("/operator").text.count("<b>2</b>条已批准待公示") == 1

    # Its three months run out unpublished: the console says so and stops counting it; the
    # expiry job ends it, keeping its history.
    clock.now = at(2026, 8, 4, 9)
    page = operator.get("/operator/lists", params={"state": "approved"}).text
    assert "公示期已于 2026-08-04 届满，不再公示" in page
    assert "<b>1</b>条已批准待公示" in operator.get("/operator").text
    assert service.expire_due(session, clock()) == [lapsing.id]
    session.commit()
    expired = operator.get("/operator/lists", params={"state": "expired"}).text
    assert "公示期满 · system · 公示期于 2026-08-04 届满，未经公示" in expired


def test_the_token_operator_reads_the_outbox_from_the_console(operator, session, clock):
    entry = service.propose(session, proposal(8), "规则", clock())
    service.approve(session, entry.id, "审核员李娜", None, clock())
    session.commit()
    console = operator.get("/operator").text
    assert 'href="/operator/outbox"' in console
    outbox = operator.get("/operator/outbox")
    assert outbox.status_code == 200 and "审核员李娜" in outbox.text
    assert "列入失信惩戒名单（黑名单）告知书" in outbox.text
    assert f"/lists/{entry.id}?code=" in outbox.text  # the party's link, as sent


def test_an_alert_decided_on_the_console_is_in_the_signed_in_operators_name(
    client, session, engine, tmp_path
):
    """审核员王强 signs in with his account and acknowledges a flag; a form that names 李娜 as
    the decider changes nothing: the history names the account that is signed in."""
    from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
    from xinyong.accounts import service as accounts
    from xinyong.alerts.models import AlertEvent
    from xinyong.sources.config import get_source
    from xinyong.sources.scheduler import run_syncs

    rows = [enterprise_row(1, 企业名称="连云港市海州区金鼎要账服务有限公司")]
    write_enterprises(tmp_path / "drop" / "enterprises.csv", rows)
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": tmp_path / "drop"})])
    user = accounts.create_user(
        session, "wangqiang@example.cn", password="correct horse battery", roles=["operator"],
        display_name="审核员王强",
    )  # fmt: skip
    token, web = accounts.start_session(session, user)
    session.commit()
    client.cookies.set("xy_session", token)

    alert = _alert_id(client.get("/operator/alerts").text, credit_code(1))
    done = client.post(
        f"/operator/alerts/{alert}/decision",
        data={"decision": "acknowledged", "by": "审核员李娜", "csrf_token": web.csrf_token},
    )
    assert f"预警 {alert}：已确认" in done.text
    session.expire_all()
    assert session.scalars(select(AlertEvent.decided_by)).all() == ["审核员王强"]
    shown = client.get("/operator/alerts", params={"status": "acknowledged"}).text
    assert "确认 · 审核员王强" in shown and "审核员李娜" not in shown.split('id="alert-')[1]
