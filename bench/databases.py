"""The database a measuring tool fills (`make bench`, `make loadtest`): its own, never the test,
demo or another tool's."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import dj_database_url
import psycopg2


@contextmanager
def own_database(url: str, *, tool: str, setting: str, others: set[str]) -> Iterator:
    """An autocommit cursor on the PostgreSQL server of `url` (its `postgres` database), and the
    name of the tool's database, once `url` is known to name a PostgreSQL database of the tool's
    own: not the project's, a test database or one of `others`. Exits with the reason otherwise."""
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit(f"The {tool} needs PostgreSQL: set {setting}.")
    name = config["NAME"]
    if name in {"postgres", "kylaan", *others} or name.startswith("test_"):
        sys.exit(f"Refusing to use database {name!r}: give the {tool} its own database.")
    server = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            yield cursor, name
    finally:
        server.close()
