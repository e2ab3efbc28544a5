"""Evidence items: each file (or text) stored content-addressed and appended as one ledger leaf."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import PurePath
from typing import Any

from sqlalchemy.orm import Session

from xinyong.cases.actors import Upload
from xinyong.cases.models import EvidenceItem
from xinyong.errors import InvalidInput
from xinyong.ledger import service as ledger
from xinyong.ledger.config import LedgerSettings

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 20


def text_digest(text: str | None) -> str | None:
    """The leaf commits to the text by its hash: leaves are public, the words may name people."""
    return hashlib.sha256(text.encode()).hexdigest() if text else None


def check_uploads(files: list[Upload], field: str = "files") -> None:
    if len(files) > MAX_FILES:
        raise InvalidInput(
            f"{field}：一次最多上传 {MAX_FILES} 个文件，收到 {len(files)} 个",
            f"{field}: at most {MAX_FILES} files at once, got {len(files)}",
            field=field,
        )
    for i, f in enumerate(files):
        if not f.content:
            raise InvalidInput(
                f"{field}[{i}]（{f.name}）是空文件",
                f"{field}[{i}] ({f.name}) is empty",
                field=field,
            )
        if len(f.content) > MAX_FILE_BYTES:
            raise InvalidInput(
                f"{field}[{i}]（{f.name}）超过 20 MB",
                f"{field}[{i}] ({f.name}) is larger than 20 MB",
                field=field,
            )


def record(
    session: Session,
    *,
    role: str,
    payload: dict[str, Any],
    files: list[Upload],
    now: datetime,
    settings: LedgerSettings | None,
    case_id: int | None = None,
    complaint_id: int | None = None,
    event_id: int | None = None,
    agency_code: str | None = None,
    text_only: bool = False,
) -> list[EvidenceItem]:
    """One leaf per file (or one for the text alone when `text_only` and there is no file)."""
    items = []
    entries: list[tuple[Upload | None, dict[str, Any]]] = [
        (f, {**payload, "item": i + 1, "of": len(files)}) for i, f in enumerate(files)
    ]
    if not files and text_only:
        entries.append((None, payload))
    for upload, leaf_payload in entries:
        # The stored name keeps the suffix only: an uploaded name can carry a person's name.
        name = None
        if upload is not None:
            name = f"{role}-{leaf_payload['item']}{PurePath(upload.name).suffix.lower()[:10]}"
        receipt = ledger.append(
            session,
            "evidence",
            {"role": role, **leaf_payload},
            upload.content if upload else None,
            file_name=name,
            media_type=upload.media_type if upload else None,
            now=now,
            settings=settings,
        )
        item = EvidenceItem(
            case_id=case_id,
            complaint_id=complaint_id,
            event_id=event_id,
            role=role,
            agency_code=agency_code,
            file_sha256=receipt.file_sha256,
            file_name=upload.name[:200] if upload else None,
            media_type=upload.media_type if upload else None,
            size=len(upload.content) if upload else None,
            leaf_index=receipt.index,
            created_at=now,
        )
        session.add(item)
        items.append(item)
    session.flush()
    return items
