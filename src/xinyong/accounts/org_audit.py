"""An operator's decision on an organisation, as one line of the access audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from xinyong.accounts import privacy
from xinyong.accounts.models import AccessAudit, Organisation
from xinyong.accounts.principal import Principal


def record_org_action(
    session: Session,
    principal: Principal,
    org: Organisation,
    action: str,
    reason: str,
    *,
    ip: str | None,
    now: datetime,
    **detail: Any,
) -> AccessAudit:
    """Write the decision (an `ACTION_NAMES` action of at most 12 characters) with its reason
    under the organisation's record and credit code, where auditors and the console's agency
    approvals read it; `detail` adds what the decision relied on."""
    return privacy.record_access(
        session,
        principal,
        action=action,
        record=f"account_org:{org.id}",
        fields=[],
        subject=privacy.enterprise_ref(org.credit_code),
        purpose="supervision",
        role=principal.role,
        ip=ip,
        detail={"reason": reason, "credit_code": org.credit_code, **detail},
        now=now,
    )
