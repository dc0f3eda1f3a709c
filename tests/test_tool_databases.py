"""`make bench` and `make loadtest` fill a database of their own, not the project's or a test's."""

import pytest

from bench.databases import own_database

SERVER = "postgres://postgres@127.0.0.1:5432"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("sqlite:///var/bench.sqlite3", "needs PostgreSQL"),
        (f"{SERVER}/postgres", "its own database"),
        (f"{SERVER}/kylaan", "its own database"),
        (f"{SERVER}/test_kylaan", "its own database"),
        (f"{SERVER}/kylaan_loadtest", "its own database"),
    ],
)
def test_refuses_a_database_not_its_own(url, reason):
    with (
        pytest.raises(SystemExit, match=reason),
        own_database(url, tool="benchmark", setting="DATABASE_URL", others={"kylaan_loadtest"}),
    ):
        pytest.fail("reached the server")


def test_gives_the_server_and_the_name_of_its_own_database():
    url = f"{SERVER}/kylaan_tool_check"
    with own_database(url, tool="benchmark", setting="DATABASE_URL", others=set()) as (
        cursor,
        name,
    ):
        cursor.execute("SELECT current_database()")
        assert (cursor.fetchone()[0], name) == ("postgres", "kylaan_tool_check")
