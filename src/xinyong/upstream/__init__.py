"""A fake of the official upstream APIs (GSXT registry, zxgk enforcement, 双公示 penalties).

It is a real HTTP server: it serves a data drop folder (as written by ``xinyong demo-data``)
over HTTP with cursors, and changes it over time, so connectors are tested against the wire,
never against a patched function.

Starting it
-----------
``python -m xinyong.upstream --data DIR [--host 127.0.0.1] [--port 8900] [--state FILE]
[--token T] [--rate 50] [--fail-every N] [--today YYYY-MM-DD] [--access-log]``

- ``--data``: the drop folder. Files are picked by stem (``enterprises``, ``shareholders``,
  ``licences``, ``abnormal``, ``debtors``, ``dishonest``, ``penalties``; ``.csv`` in UTF-8 or GBK,
  ``.xlsx`` or ``.jsonl``) and served under their layout name (``registry.enterprises`` …).
  Only layouts the catalogue knows are served; other files are ignored.
- ``--state``: the upstream's own SQLite database (default: a temporary file, removed on exit).
  Loading assigns versions in file order. A file already loaded with the same content is skipped,
  so loading the same folder again — or restarting on a kept state — changes nothing and keeps
  changes applied since. A changed file is upserted row by row (rows it no longer has are kept).
- ``--port 0`` picks a free port. Once listening, the server prints
  ``fake upstream ready on http://HOST:PORT`` (after one line per loaded file). SIGTERM or
  Ctrl-C stops it.
- ``--token``: the bearer token every endpoint but ``/healthz`` requires (default ``demo-token``,
  or env ``XINYONG_UPSTREAM_TOKEN``).
- ``--rate``: requests per second per client IP on ``/api/*`` (token bucket, burst = rate;
  0 = off). Past it: ``429`` with ``Retry-After`` (whole seconds).
- ``--fail-every N``: every Nth authorised ``/api/*`` request answers ``503`` (fault injection).
- ``--today``: the date used for ``as_of``, scenario dates and default end dates
  (default: today in Beijing time). Admin endpoints also take ``?today=YYYY-MM-DD``.

From Python: ``create_app(folder, state, token, rate, fail_every, today)`` returns the Starlette
app (the folder is loaded; results on ``app.state.loads``); ``serve(folder, host, port, state,
token, rate, fail_every, today)`` loads and runs uvicorn; ``main(argv)`` is the command line.

Records
-------
A record is a JSON object keyed by the official Chinese headers of its layout (aliases in the
file are mapped to the official header; columns the layout does not know are dropped), with
string values exactly as in the file. Its id is the values of the layout's key fields joined by
``|`` (e.g. 统一社会信用代码; 案号|被执行人姓名/名称). Every insert, update or delete takes the
next value of one global, increasing ``version``.

A deleted record is served as a tombstone::

    {"_deleted": true, "_ended_on": "2026-11-25", "_end_reason": "…", <key headers: values>}

Data API (``Authorization: Bearer TOKEN``; otherwise ``401`` problem JSON)
-------------------------------------------------------------------------
``GET /api/{dataset}?updated_since=CURSOR&page_size=N``
    Records changed after the cursor, oldest change first, only each record's latest state::

        {"dataset": "registry.enterprises", "records": [...], "next_cursor": "42",
         "has_more": false, "as_of": "2026-11-25"}

    No ``updated_since`` = from the beginning. The cursor is opaque: pass back ``next_cursor``
    (when nothing is new it is the cursor you sent). ``page_size`` default 500, capped at 5000.
    Unknown dataset → 404; malformed cursor → 422; a cursor past the current version (the
    upstream was reset) → 409 ``cursor_ahead``.
``GET /api/datasets``
    Every layout the catalogue knows: ``name``, ``title_zh``, ``title_en``, ``key`` (headers),
    ``records`` (live), ``deleted`` (tombstones), ``version`` (latest in that dataset).

Errors are RFC 9457 problem details (``application/problem+json``) with ``detail_zh`` and
``detail_en``.

Admin API (same token; not rate limited, no injected faults)
------------------------------------------------------------
``POST /_admin/changes``
    Body: a JSON list (or ``{"changes": [...]}``) of
    ``{"dataset", "op": "upsert"|"delete", "record": {headers: values}, "ended_on", "reason"}``.
    ``upsert`` merges into the current record (headers not sent keep their values; a deleted
    record comes back). ``delete`` needs only the key headers and makes a tombstone, with
    ``ended_on`` (default today) and ``reason``. Every item is checked first and the list is
    applied all-or-nothing: a missing key header, an unknown header or dataset → 422; deleting an
    unknown record → 404. Answer: ``{"applied", "version", "changes": [{"dataset", "record_id",
    "result": inserted|updated|restored|deleted|unchanged, "version"}]}``.
``POST /_admin/scenarios/{name}?today=YYYY-MM-DD&seed=S``
    Applies a deterministic scenario; answers ``{"scenario", "today", "seed", "version",
    "changes": [{..., "what", "changed": {header: [before, after]} | "record": {...}}]}``.

    - ``violent-collection``: the article's case. Two active (存续/在业) enterprises whose name
      contains 讨债, 要账 or 追债 (oldest first; else any active ones) get 登记状态 吊销,
      状态日期 today and 状态原因 "以暴力、威胁等非法手段催收债务，被依法吊销营业执照".
      Revocations it made the same day count towards the two, so running it twice on one day
      changes nothing; collectors revoked in earlier years (as in the demo data) do not count.
    - ``daily``: a day of upstream life, the same for the same data, seed and day. For the
      datasets that exist: two enterprises 存续→注销/吊销, one address and one legal-representative
      correction; one abnormal-list removal (移出日期 set) and one new entry (a market-registered
      company, code starting 9); two new 被执行人 /
      失信 cases (a company and a person, masked ID) and one or two 失信 removals (tombstones
      with ``_ended_on``); one 被执行人 case closed (执行完毕); one new 行政处罚 decision.
``GET /_admin/state``
    Counts per dataset, the current max ``version``, today, loaded files, scenario names.

``GET /healthz`` (no token): ``{"status": "ok", "version": N}``.
"""

from xinyong.upstream.app import create_app
from xinyong.upstream.server import main, serve

__all__ = ["create_app", "main", "serve"]
