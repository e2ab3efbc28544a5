"""Licences, filings and abnormal-list entries of a demo enterprise, consistent with its life."""

from __future__ import annotations

from datetime import date

from xinyong.demo import vocab
from xinyong.demo.base import D2014, Draws, add_years, year_of
from xinyong.demo.licences import KINDS
from xinyong.demo.model import Abnormal, Enterprise, Licence
from xinyong.demo.vocab import Family


class Listings(Draws):
    """Issues licences with their renewals, and lists and delists enterprises."""

    _licence_serial: dict[str, int]

    def licences(
        self, e: Enterprise, key: str, place: str, div: str, start: int | None = None
    ) -> None:
        """The licence of one kind as issued, renewed and (for closed firms) cancelled."""
        kind, r = KINDS[key], self.r
        active = e.status in ("存续", "在业")
        end = e.as_of if active else (e.status_date or e.as_of)
        first = (
            start
            if start is not None
            else max(e.established + 10 + int(r() * 150), kind.since.toordinal() + int(r() * 240))
        )
        if kind.until is not None:
            end = min(end, kind.until.toordinal())
        if first > end:
            return
        periods: list[tuple[int, int | None]] = []
        valid_from = first
        while True:
            valid_to = None if kind.years is None else add_years(valid_from, kind.years) - 1
            periods.append((valid_from, valid_to))
            if valid_to is None or valid_to >= end:
                break
            valid_from = valid_to + 1
        for valid_from, valid_to in periods[-3:]:  # the registry keeps the recent ones
            serial = self._licence_serial[key] = self._licence_serial.get(key, 0) % 9999 + 1
            number = kind.number.format(
                div=div,
                year=year_of(valid_from),
                yy=year_of(valid_from) % 100,
                seq=serial,
                check=int(r() * 10),
                code=e.credit_code,
            )
            if active:
                status = "有效" if valid_to is None or valid_to >= e.as_of else "过期"
            elif valid_to is not None and valid_to < end:
                status = "过期"
            elif e.status == "吊销" and r() < 0.3:
                status = "吊销"
            else:
                status = "注销"
            e.licences.append(
                Licence(
                    kind.kind,
                    kind.title,
                    number,
                    kind.issuer.format(place=place),
                    valid_from,
                    valid_to,
                    self.pick(kind.contents),
                    status,
                )
            )

    def _abnormal(self, e: Enterprise, family: Family) -> None:
        r = self.r
        if e.status == "迁出":
            return
        p = {"存续": 0.052, "在业": 0.052, "吊销": 0.16, "注销": 0.05}[e.status]
        if r() >= p:
            return
        end = e.status_date if e.status_date is not None else e.as_of
        first = max(e.established + 200, D2014)
        if first >= end:
            return
        listed_by = e.authority
        for _ in range(2 if r() < 0.15 else 1):
            listed = self.between(first, end)
            if family.key == "individual":
                reason, removal = vocab.ABNORMAL_INDIVIDUAL, vocab.REMOVED_INDIVIDUAL
            elif family.key == "coop":
                reason, removal = vocab.ABNORMAL_COOP, vocab.REMOVED_ANNUAL
            else:
                x = r()
                if x < 0.68:
                    reason, removal = vocab.ABNORMAL_ANNUAL, vocab.REMOVED_ANNUAL
                elif x < 0.93:
                    reason, removal = vocab.ABNORMAL_UNREACHABLE, vocab.REMOVED_UNREACHABLE
                elif x < 0.98:
                    reason, removal = vocab.ABNORMAL_ORDERED, vocab.REMOVED_ORDERED
                else:
                    reason, removal = vocab.ABNORMAL_FALSE, vocab.REMOVED_ORDERED
            if reason in (vocab.ABNORMAL_ANNUAL, vocab.ABNORMAL_COOP, vocab.ABNORMAL_INDIVIDUAL):
                # Annual reports are due by 30 June; the listings come out in early July.
                y = year_of(listed)
                listed = min(max(date(y, 7, 1).toordinal() + int(r() * 20), first), end)
            entry = Abnormal(reason, listed, listed_by)
            if e.status in ("存续", "在业") and r() < 0.55 and listed + 30 < e.as_of:
                entry.removed_on = self.between(listed + 30, min(listed + 1000, e.as_of))
                entry.removal_reason, entry.removed_by = removal, listed_by
            e.abnormal.append(entry)
            first = listed + 200
            if first >= end:
                break
