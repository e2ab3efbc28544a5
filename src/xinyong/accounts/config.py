"""Account settings (XINYONG_* variables), read per call so a changed environment takes effect."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class AccountSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XINYONG_", env_file=".env", extra="ignore")

    # A web session lasts this long after sign-in.
    session_hours: int = 12
    # Secure cookies are sent over HTTPS only (browsers also accept them on http://localhost).
    cookie_secure: bool = True
    # This many failed sign-ins in a row lock the account for lockout_minutes.
    lockout_attempts: int = 5
    lockout_minutes: int = 15
    # A password reset token is valid this long and once.
    reset_minutes: int = 30
    min_password_length: int = 10
    # Rate limits in the `limits` notation ("300/minute;20/second"), per client IP and per key.
    rate_limit_ip: str = "300/minute"
    rate_limit_key: str = "600/minute"
    # Shared rate-limit storage for several server processes; None = in-process memory.
    redis_url: str | None = None
    # Rate-limit keys in a shared Redis start with this (one namespace per deployment).
    rate_limit_namespace: str = "xinyong"
    # Requests with a larger body are refused (413) before they are read.
    max_body_bytes: int = 25 * 1024 * 1024
    # Default caps of a new key (None = unlimited).
    key_daily_quota: int | None = 10000
    key_monthly_quota: int | None = 200000
    key_person_daily_cap: int | None = 200


def account_settings() -> AccountSettings:
    return AccountSettings()
