"""From the shell: the expiry job runs as of a given time, and `lists show` tells what is published."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.lists.story import OPERATOR, at, proposal
from tests.support.registry_files import credit_code
from xinyong.lists import service


def _xinyong(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, XINYONG_DATABASE_URL=database_url, COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "xinyong", *args], env=env, capture_output=True, text=True
    )


def test_lists_expire_and_show(database_url, session):
    entry = service.propose(session, proposal(), OPERATOR, at(2026, 5, 4))
    service.approve(session, entry.id, OPERATOR, None, at(2026, 5, 4))
    service.publish(session, entry.id, OPERATOR, at(2026, 5, 11))
    session.commit()

    shown = _xinyong(
        "lists",
        "show",
        credit_code(1),
        "--json",
        "--now",
        "2027-05-03T12:00",
        database_url=database_url,
    )
    assert shown.returncode == 0, shown.stderr
    [public] = json.loads(shown.stdout)
    assert public["id"] == entry.id and "state" not in public

    early = _xinyong("lists", "expire", "--now", "2027-05-03T23:59", database_url=database_url)
    assert early.returncode == 0 and "expired 0" in early.stdout
    due = _xinyong("lists", "expire", "--now", "2027-05-04T00:30", database_url=database_url)
    assert due.returncode == 0 and f"expired 1: [{entry.id}]" in due.stdout

    after = _xinyong(
        "lists", "show", credit_code(1), "--now", "2027-05-04T12:00", database_url=database_url
    )
    assert "no published list entry" in after.stdout
    history = _xinyong("lists", "show", credit_code(1), "--history", database_url=database_url)
    assert (
        "公示期满 expired" in history.stdout
        and "published" in history.stdout
        and OPERATOR in history.stdout
    )
