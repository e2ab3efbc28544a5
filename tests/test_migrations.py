"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL alike."""

from alembic import command

from xinyong.db import alembic_config


def test_migrations_match_the_models(database_url):
    command.check(alembic_config(database_url))  # raises if autogenerate finds any difference
