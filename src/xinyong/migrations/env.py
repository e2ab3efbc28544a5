"""Alembic environment: runs migrations against the configured database."""

from alembic import context

from xinyong.db import make_engine
from xinyong.models import metadata

config = context.config


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


# Objects migrations create by hand, differently per dialect (the FTS5 search table and its
# shadow tables, trigram and JSON indexes): autogenerate must neither add nor drop them.
HAND_MADE = (
    "search_fts",
    "ix_search_entry_text_trgm",
    "ix_search_entry_chars",
    "ix_enterprise_former_names",
)


def _include(obj, name, type_, reflected, compare_to) -> bool:
    return not (name or "").startswith(HAND_MADE)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=_include,
        # SQLite cannot ALTER most things; batch mode rebuilds tables so one migration fits both.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `xinyong db upgrade`")
run_migrations_online()
