"""Judicial enforcement records from zxgk: 被执行人 (judgment debtors) and 失信被执行人 (dishonest debtors)."""
