"""Ledger settings (XINYONG_LEDGER_*): the log's origin line and where keys and evidence live."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from xinyong.settings import get_settings


class LedgerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XINYONG_LEDGER_", env_file=".env", extra="ignore")

    # The checkpoint origin: a schema-less URL naming this log (C2SP tlog-checkpoint); also the
    # default name of its signing keys. Set it to the portal's host, e.g. credit.example.gov.cn/ledger.
    origin: str = ""
    # Folder of signing keys (*.key, one active key each); default data_dir/ledger/keys.
    key_dir: Path | None = None
    # Content-addressed evidence files; default data_dir/evidence.
    evidence_dir: Path | None = None

    def resolved_origin(self) -> str:
        return self.origin or f"xinyong-{get_settings().division_code}/ledger"

    def resolved_key_dir(self) -> Path:
        return self.key_dir or get_settings().data_dir / "ledger" / "keys"

    def resolved_evidence_dir(self) -> Path:
        return self.evidence_dir or get_settings().data_dir / "evidence"


def ledger_settings() -> LedgerSettings:
    return LedgerSettings()
