"""One debt from registration to fee, over real HTTP: evidence the creditor sees live, the 3-day
report, one complaint answered in time and one escalated, and a bundle checked offline."""

from __future__ import annotations

import json
import queue
import threading
from datetime import timedelta
from decimal import Decimal

import httpx
from typer.testing import CliRunner

from tests.cases.conftest import CREDITOR, DEBTOR_CODE, MEDIATOR, T0, entrustment_contract
from xinyong.cli import app as cli

PHOTO = b"\x89PNG\r\n\x1a\n" + b"visit to the debtor's warehouse, Haizhou district" * 20
IOU = b"%PDF-1.4 signed IOU for 80,000 yuan"


class Listener:
    """A creditor's browser tab: reads the event stream and hands each event to the test."""

    def __init__(self, base: str, case_id: int, headers: dict, got: queue.Queue, last_id=None):
        self.headers = dict(headers)
        if last_id:
            self.headers["Last-Event-ID"] = last_id
        self.url = f"{base}/api/v1/cases/{case_id}/events"
        self.got = got
        self.client = httpx.Client(timeout=30)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            with self.client.stream("GET", self.url, headers=self.headers) as r:
                self.got.put(("status", r.status_code, r.headers["content-type"]))
                event: dict = {}
                for line in r.iter_lines():
                    if line.startswith("id: "):
                        event["id"] = line[4:]
                    elif line.startswith("event: "):
                        event["event"] = line[7:]
                    elif line.startswith("data: "):
                        event["data"] = json.loads(line[6:])
                    elif line == "" and "data" in event:
                        self.got.put(("event", event))
                        event = {}
        except (httpx.HTTPError, RuntimeError):
            if not self.stopped.is_set():  # the tab closing is the only expected end
                raise

    def close(self) -> None:
        """Close the tab: the server notices the disconnect and ends the stream."""
        self.stopped.set()
        self.client.close()


def listen(base: str, case_id: int, headers: dict, got: queue.Queue, last_id: str | None = None):
    return Listener(base, case_id, headers, got, last_id)


def next_event(got: queue.Queue, kind: str) -> dict:
    while True:
        item = got.get(timeout=10)
        if item[0] == "event" and item[1]["event"] == kind:
            return item[1]


def test_a_debt_from_registration_to_fee_with_live_evidence_and_complaints(
    directory, parties, live_server, ledger_settings, tmp_path
):
    base, clock = live_server
    http = httpx.Client(base_url=base, timeout=30)
    as_creditor, agency, OPERATOR = parties.creditor, parties.mediator, parties.operator

    # 1. The creditor registers the debt (债务登记) with the IOU.
    r = http.post(
        "/api/v1/cases",
        headers=as_creditor,
        data={
            "debtor_name": "连云港某某贸易有限公司",
            "debtor_code": DEBTOR_CODE,
            "amount": "80,000.00",
            "basis": "《买卖合同》GC-2025-031 货款",
            "due_date": "2025-12-31",
        },
        files=[("documents", ("借条.pdf", IOU, "application/pdf"))],
    )
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    assert r.json()["state"] == "registered" and r.json()["creditor_name"] == CREDITOR.name
    assert http.get(f"/api/v1/cases/{case_id}").status_code == 401
    # The agency sees nothing until the case is entrusted to it.
    assert http.get(f"/api/v1/cases/{case_id}", headers=agency).status_code == 404

    # 2. It is entrusted to a listed mediation centre under the signed agreement.
    contract = entrustment_contract("WT-2026-001")
    r = http.post(
        f"/api/v1/cases/{case_id}/entrust",
        headers=as_creditor,
        data={"agency_code": MEDIATOR, "contract_number": "WT-2026-001"},
        files={"contract": ("债务委托协议.docx", contract, "application/octet-stream")},
    )
    assert r.status_code == 200, r.text
    case = r.json()
    assert case["contract_review"]["verdict"] == "ok"
    assert case["first_report"]["status"] == "running"
    assert case["first_report"]["seconds_left"] == 3 * 24 * 3600
    # The same debt cannot be sold twice.
    again = http.post(
        "/api/v1/cases",
        headers=as_creditor,
        data={
            "debtor_name": "连云港某某贸易有限公司",
            "debtor_code": DEBTOR_CODE,
            "amount": "80000",
            "basis": "买卖合同 GC-2025-031货款",
            "due_date": "2025-12-31",
        },
    )
    assert again.status_code == 409
    assert again.json()["existing"] == case["number"]

    # 3. The creditor watches live; the agency posts its first report with a photo on day 2.
    got: queue.Queue = queue.Queue()
    stop = listen(base, case_id, as_creditor, got)
    assert got.get(timeout=10) == ("status", 200, "text/event-stream; charset=utf-8")
    entrusted = next_event(got, "entrusted")
    assert entrusted["data"]["data"]["contract_number"] == "WT-2026-001"
    clock["now"] = T0 + timedelta(days=2)
    r = http.post(
        f"/api/v1/cases/{case_id}/progress",
        headers=agency,
        data={"text": "首次调查报告：债务人仍在经营，仓库有存货，同意协商", "report": "true"},
        files=[("files", ("仓库.png", PHOTO, "image/png"))],
    )
    assert r.status_code == 201, r.text
    live = next_event(got, "report")
    photo = live["data"]["data"]["evidence"][0]
    assert live["data"]["data"]["on_time"] is True
    assert photo["media_type"] == "image/png" and photo["size"] == len(PHOTO)
    stop.close()
    # A reconnect with Last-Event-ID gets only what came after.
    clock["now"] = T0 + timedelta(days=3)
    http.post(
        f"/api/v1/cases/{case_id}/state",
        headers=agency,
        json={"to_state": "mediating", "note": "双方同意由调解中心调解"},
    )
    resumed: queue.Queue = queue.Queue()
    stop = listen(base, case_id, as_creditor, resumed, last_id=live["id"])
    assert resumed.get(timeout=10)[0] == "status"
    first = resumed.get(timeout=10)[1]
    assert (first["event"], first["data"]["to_state"]) == ("state", "mediating")
    assert int(first["id"]) > int(live["id"])
    stop.close()
    view = http.get(f"/api/v1/cases/{case_id}", headers=as_creditor).json()
    assert view["first_report"]["status"] == "on_time"
    assert view["state"] == "mediating"

    # 4. Two complaints: a relative harassed by phone (answered in 10 hours) and the debtor
    #    (never answered: reminded, then escalated to an operator).
    filed = []
    for who, text in (
        ("relative", "催收人员多次致电债务人的母亲，言语威胁"),
        ("debtor", "催收人员在休息时间反复上门"),
    ):
        r = http.post(
            "/api/v1/complaints",
            data={
                "agency_code": MEDIATOR,
                "complainant_kind": who,
                "complainant_name": "李某" if who == "relative" else "张某",
                "complainant_contact": "13800000000",
                "category": "harassment",
                "text": text,
                "case_id": str(case_id),
            },
            files=[("files", ("通话记录.png", PHOTO + who.encode(), "image/png"))],
        )
        assert r.status_code == 201, r.text
        filed.append((r.json()["complaint"]["id"], r.json()["query_code"]))
        assert r.json()["complaint"]["sla"]["seconds_left"] == 48 * 3600
    (answered, answered_code), (ignored, ignored_code) = filed
    clock["now"] = T0 + timedelta(days=3, hours=10)
    r = http.post(
        f"/api/v1/complaints/{answered}/response",
        headers=agency,
        data={"text": "已停止联系债务人亲属，涉事人员已停岗培训"},
    )
    assert r.json()["answered_in_time"] is True
    clock["now"] = T0 + timedelta(days=3, hours=37)
    swept = http.post("/api/v1/operator/cases/clocks", headers=OPERATOR).json()
    assert swept["reminded"] == [ignored]
    clock["now"] = T0 + timedelta(days=5, hours=1)
    swept = http.post("/api/v1/operator/cases/clocks", headers=OPERATOR).json()
    assert swept["escalated"] == [ignored]
    queue_ = http.get("/api/v1/operator/complaints?state=escalated", headers=OPERATOR).json()
    assert [c["id"] for c in queue_] == [ignored]
    assert queue_[0]["sla"]["status"] == "breached"
    r = http.post(
        f"/api/v1/operator/complaints/{ignored}/resolve",
        headers=OPERATOR,
        json={"resolution": "约谈机构负责人，责令整改并记入服务记录"},
    )
    assert r.json()["state"] == "resolved" and r.json()["operator"].startswith("王敏")
    r = http.post(
        f"/api/v1/complaints/{answered}/satisfaction",
        json={"code": answered_code, "satisfaction": 4},
    )
    assert r.json()["satisfaction"] == 4
    assert http.get(f"/api/v1/complaints/{ignored}?code=wrong").status_code == 404
    mine = http.get(f"/api/v1/complaints/{ignored}?code={ignored_code}").json()
    assert mine["escalated_at"] is not None and mine["answered_in_time"] is None

    # 5. Money comes back through mediation; the fee follows the agreed schedule.
    clock["now"] = T0 + timedelta(days=20)
    http.post(
        f"/api/v1/cases/{case_id}/recoveries",
        headers=agency,
        json={"amount": "50000", "method": "bank_transfer"},
    )
    r = http.post(
        f"/api/v1/cases/{case_id}/recoveries",
        headers=agency,
        json={"amount": "30000.00", "method": "cash", "received_on": "2026-03-21",
              "note": "调解协议履行完毕"},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    assert (r.json()["data"]["received_on"], r.json()["data"]["method"]) == ("2026-03-21", "cash")
    view = http.get(f"/api/v1/cases/{case_id}", headers=as_creditor).json()
    assert view["state"] == "recovered_fully"
    # 30 % of the first 50,000 and 25 % of the next 30,000.
    assert Decimal(view["fee"]) == Decimal("22500.00")
    assert [line["zh"] for line in view["fee_lines"]] == [
        "前 50,000 元按 30% 计 15,000 元",
        "50,000–100,000 元之间的 30,000 元按 25% 计 7,500 元",
    ]
    told = http.get(f"/api/v1/cases/{case_id}/notifications", headers=as_creditor).json()
    assert {"progress", "state_changed", "recovery"} <= {n["kind"] for n in told}

    # 6. The photo's evidence bundle, checked offline with nothing but the public key.
    items = http.get(f"/api/v1/cases/{case_id}/evidence", headers=as_creditor).json()
    assert {i["role"] for i in items} == {"document", "contract", "report"}
    item = next(i for i in items if i["role"] == "report")
    assert item["file_sha256"] == photo["sha256"]
    bundle = tmp_path / "photo.zip"
    assert http.get(item["bundle_url"]).status_code == 401  # the parties' files, not the public's
    assert http.get(item["bundle_url"], headers=parties.law_firm).status_code == 404
    bundle.write_bytes(http.get(item["bundle_url"], headers=as_creditor).content)
    vkey = http.get("/api/v1/ledger/keys").json()[0]["vkey"]
    result = CliRunner().invoke(cli, ["ledger", "verify", str(bundle), "--key", vkey])
    assert result.exit_code == 0, result.output
    assert "证据包验证通过" in result.output and photo["sha256"] in result.output

    # 7. The agency's service record: what the rating and the star certification read.
    record = http.get(f"/api/v1/agencies/{MEDIATOR}/service-record").json()
    assert record["recovery_rate"] == "100.00"
    assert record["first_report_share"] == "100.00" and record["mediation_share"] == "100.00"
    assert (record["complaints"], record["answered_in_time"], record["breached"]) == (2, 1, 1)
    assert record["cycle_days"] == "20.0" and record["evidence_items"] == 1
