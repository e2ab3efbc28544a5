"""Accounts: users, organisations, roles, sessions, API keys, quotas, metering and the access audit log."""
