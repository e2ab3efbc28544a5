"""/api/v1/ledger: checkpoints, proofs, leaves, keys and evidence bundles, thin over the service."""

from __future__ import annotations

import base64
import binascii
import json

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy.orm import Session

from xinyong.accounts import roles as R
from xinyong.accounts.errors import Forbidden
from xinyong.accounts.principal import Principal, current_principal
from xinyong.api.deps import DbSession
from xinyong.errors import InvalidInput
from xinyong.ledger import service
from xinyong.ledger.config import LedgerSettings, ledger_settings
from xinyong.ledger.schemas import (
    CheckpointOut,
    ConsistencyProofOut,
    InclusionProofOut,
    KeyOut,
    LeafOut,
)

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger 存证账本"])


def get_ledger_settings() -> LedgerSettings:
    return ledger_settings()


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def _parse_hash(value: str) -> bytes:
    """A SHA-256 as hex or base64 (standard or URL-safe; a '+' that became a space is put back)."""
    value = value.strip().replace(" ", "+")
    try:
        if len(value) == 64:
            return bytes.fromhex(value)
        return base64.b64decode(value.replace("-", "+").replace("_", "/"), validate=True)
    except (ValueError, binascii.Error):
        raise InvalidInput(
            f"leaf_hash“{value}”不是十六进制或 base64",
            f"leaf_hash {value!r} is neither hex nor base64",
            field="leaf_hash",
        ) from None


@router.get(
    "/checkpoint",
    response_class=PlainTextResponse,
    summary="最新签名检查点 / Latest signed checkpoint (C2SP signed note)",
)
def get_checkpoint(
    session: Session = DbSession,
    settings: LedgerSettings = Depends(get_ledger_settings),
) -> PlainTextResponse:
    cp = service.checkpoint(session, settings=settings)
    session.commit()
    return PlainTextResponse(cp.note, media_type="text/plain; charset=utf-8")


@router.get(
    "/checkpoints", response_model=list[CheckpointOut], summary="检查点历史 / Checkpoint history"
)
def get_checkpoints(
    limit: int = Query(100, ge=1, le=1000),
    session: Session = DbSession,
) -> list[CheckpointOut]:
    rows = service.checkpoint_history(session, limit)
    return [
        CheckpointOut(
            tree_size=r.tree_size, root_hash=_b64(r.root_hash), note=r.note, created_at=r.created_at
        )
        for r in rows
    ]


@router.get("/keys", response_model=list[KeyOut], summary="签名公钥（含已轮换）/ Public keys")
def get_keys(session: Session = DbSession) -> list[KeyOut]:
    return [KeyOut.model_validate(k, from_attributes=True) for k in service.published_keys(session)]


@router.get(
    "/proofs/inclusion", response_model=InclusionProofOut, summary="包含证明 / Inclusion proof"
)
def get_inclusion(
    leaf_hash: str = Query(
        ..., description="叶子哈希（base64 或十六进制）/ leaf hash, base64 or hex"
    ),
    tree_size: int = Query(..., ge=1),
    session: Session = DbSession,
) -> InclusionProofOut:
    proof = service.inclusion(session, tree_size, leaf_hash=_parse_hash(leaf_hash))
    return InclusionProofOut(
        leaf_index=proof.leaf_index,
        tree_size=proof.tree_size,
        leaf_hash=_b64(proof.leaf_hash),
        inclusion_path=[_b64(p) for p in proof.proof],
    )


@router.get(
    "/proofs/consistency",
    response_model=ConsistencyProofOut,
    summary="一致性证明 / Consistency proof",
)
def get_consistency(
    first: int = Query(..., ge=1),
    second: int = Query(..., ge=1),
    session: Session = DbSession,
) -> ConsistencyProofOut:
    path = service.consistency(session, first, second)
    return ConsistencyProofOut(first=first, second=second, consistency_path=[_b64(p) for p in path])


@router.get("/leaves/{leaf_index}", response_model=LeafOut, summary="账本叶子 / A leaf")
def get_leaf(leaf_index: int, session: Session = DbSession) -> LeafOut:
    leaf = service.get_leaf(session, leaf_index)
    return LeafOut(
        leaf_index=leaf.leaf_index,
        leaf_hash=_b64(leaf.leaf_hash),
        kind=leaf.kind,
        data=json.loads(leaf.data),
        data_base64=_b64(leaf.data),
        file_sha256=leaf.file_sha256,
        created_at=leaf.created_at,
    )


@router.get(
    "/bundles/{leaf_index}",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
    summary="证据包（可离线验证）/ Evidence bundle, verifiable offline",
)
def get_bundle(
    leaf_index: int,
    file: bool = Query(
        False,
        description="附带证据文件：仅限工作人员；当事人经案件接口取得 / include the evidence file: "
        "staff only; a case's parties get theirs through the case routes",
    ),
    principal: Principal = Depends(current_principal),
    session: Session = DbSession,
    settings: LedgerSettings = Depends(get_ledger_settings),
) -> Response:
    # Leaves are public and numbered, so anyone could walk them: the proof is for everyone, the
    # file (a debtor's photo, a complaint's recording) only for staff and the case's parties.
    if file and not principal.has_role(R.OPERATOR, R.AUDITOR):
        raise Forbidden(
            "证据文件仅向工作人员提供；案件当事人请经 /api/v1/cases/{id}/evidence/{item}/bundle 取得",
            "evidence files are for staff only; a case's parties get theirs from "
            "/api/v1/cases/{id}/evidence/{item}/bundle",
        )
    data = service.export_bundle(session, leaf_index, include_file=file, settings=settings)
    session.commit()  # the checkpoint it carries may be new
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="ledger-{leaf_index}.zip"'},
    )
