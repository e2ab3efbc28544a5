"""Ledger errors: a proof, signature, bundle or stored entry that does not verify."""

from xinyong.errors import XinyongError


class VerificationFailed(XinyongError):
    """Something does not verify: a proof, a signature, a bundle, a stored leaf or file."""

    code = "verification_failed"
    status = 422
    title_zh = "验证失败"
    title_en = "Verification failed"
