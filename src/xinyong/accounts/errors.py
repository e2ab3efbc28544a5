"""Account errors, each with a Chinese and an English message."""

from __future__ import annotations

from xinyong.errors import XinyongError


class NotSignedIn(XinyongError):
    code = "not_signed_in"
    status = 401
    title_zh = "须登录或提供接口密钥"
    title_en = "Authentication required"


class BadCredentials(XinyongError):
    code = "bad_credentials"
    status = 401
    title_zh = "凭据无效"
    title_en = "Invalid credentials"


class AccountLocked(XinyongError):
    code = "account_locked"
    status = 423
    title_zh = "账户已临时锁定"
    title_en = "Account locked"


class Forbidden(XinyongError):
    code = "forbidden"
    status = 403
    title_zh = "无权访问"
    title_en = "Forbidden"


class CsrfRefused(XinyongError):
    code = "csrf_refused"
    status = 403
    title_zh = "跨站请求校验失败"
    title_en = "CSRF check failed"


class QuotaExceeded(XinyongError):
    code = "quota_exceeded"
    status = 429
    title_zh = "已超出配额"
    title_en = "Quota exceeded"


class Conflict(XinyongError):
    code = "conflict"
    status = 409
    title_zh = "冲突"
    title_en = "Conflict"


class RateLimited(XinyongError):
    code = "rate_limited"
    status = 429
    title_zh = "请求过于频繁"
    title_en = "Too many requests"
