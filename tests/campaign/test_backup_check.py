"""`make backup-check`: a dump restores into a fresh database with every table's rows."""

import os
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from campaign.management.commands import backup_check
from tests.factories import IdeaFactory, VisitFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        any(shutil.which(tool) is None for tool in backup_check.TOOLS)
        and os.environ.get("CI") != "true",
        reason="the PostgreSQL client tools are not installed",
    ),
]


def _databases() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database")
        return {name for (name,) in cursor.fetchall()}


@pytest.fixture
def fresh_name():
    name = f"{connection.settings_dict['NAME']}_backup"
    yield name
    assert name not in _databases(), "the fresh database was left behind"


def test_the_dump_restores_with_every_row_and_the_copy_is_dropped(fresh_name, tmp_path):
    IdeaFactory(visit=VisitFactory())
    out = StringIO()

    call_command(
        "backup_check", restore_into=fresh_name, keep_dump=tmp_path / "kylaan.dump", stdout=out
    )

    report = out.getvalue()
    assert "OK:" in report
    assert "visits_visit" in report
    assert "ideas_idea" in report
    assert (tmp_path / "kylaan.dump").read_bytes().startswith(b"PGDMP")


def test_a_table_whose_rows_differ_after_the_restore_fails_the_check(fresh_name, monkeypatch):
    VisitFactory()
    restored = backup_check._counts

    def one_row_lost(settings_dict):
        counts = restored(settings_dict)
        counts["visits_visit"] -= 1
        return counts

    monkeypatch.setattr(backup_check, "_counts", one_row_lost)
    out = StringIO()
    with pytest.raises(CommandError, match="differs from the dump in: visits_visit"):
        call_command("backup_check", restore_into=fresh_name, stdout=out)
    assert "← differs" in out.getvalue()


def test_the_check_never_restores_over_the_database_it_dumps():
    with pytest.raises(CommandError, match="another database"):
        call_command("backup_check", restore_into=connection.settings_dict["NAME"])
