"""`python manage.py backup_check`: proves that the database's backup restores.

Dumps the database (pg_dump, custom format), restores the dump into a fresh database
(pg_restore), and compares the row count of every table of the two. The counts of the source are
taken in the very snapshot pg_dump reads, so writes made meanwhile do not disturb the comparison.
The fresh database is dropped afterwards; `--keep-dump` keeps the dump file as a backup.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg2
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

# Exact row counts of every table of the public schema, in one statement.
COUNTS = """
SELECT table_name,
       (xpath('/row/n/text()',
              query_to_xml(format('SELECT count(*) AS n FROM %I.%I', table_schema, table_name),
                           false, true, '')))[1]::text::bigint
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
ORDER BY table_name
"""
TOOLS = ("pg_dump", "pg_restore", "createdb", "dropdb")


class Command(BaseCommand):
    help = (
        "Dump the database, restore the dump into a fresh database and compare every table's "
        "row count; the fresh database is dropped afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--restore-into",
            metavar="NAME",
            help="Name of the fresh database to restore into (default: <database>_restore_check). "
            "It must not exist; it is dropped at the end.",
        )
        parser.add_argument(
            "--keep-dump", metavar="FILE", help="Keep the dump (pg_dump custom format) in FILE."
        )
        parser.add_argument("--database", default="default", help="Django database alias.")

    def handle(self, *args, restore_into=None, keep_dump=None, database="default", **options):
        source = connections[database].settings_dict
        if connections[database].vendor != "postgresql":
            raise CommandError("backup_check needs PostgreSQL: set DATABASE_URL to it.")
        missing = [tool for tool in TOOLS if shutil.which(tool) is None]
        if missing:
            raise CommandError(f"Install the PostgreSQL client tools: {', '.join(missing)}.")
        target = restore_into or f"{source['NAME']}_restore_check"
        if target == source["NAME"]:
            raise CommandError("Restore into another database than the one dumped.")
        environment = _environment(source)
        with tempfile.TemporaryDirectory() as directory:
            dump = Path(directory) / "backup.dump"
            before = self._dump(source, environment, dump)
            self.stdout.write(f"Dumped {source['NAME']}: {dump.stat().st_size:,} bytes.")
            self._create(environment, target)
            try:
                self._run(
                    ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", target, dump],
                    environment,
                )
                after = _counts(source | {"NAME": target})
            finally:
                self._run(["dropdb", "--if-exists", target], environment)
            if keep_dump:
                shutil.copyfile(dump, keep_dump)
                self.stdout.write(f"The dump is kept in {keep_dump}.")
        self._compare(before, after, target)

    def _dump(self, source, environment, dump: Path) -> dict[str, int]:
        """Dump in a snapshot of our own, and count the rows in that same snapshot."""
        connection = _connect(source)
        try:
            connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                self._run(
                    ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", dump],
                    environment | {"PGDATABASE": source["NAME"]},
                )
                cursor.execute(COUNTS)
                return dict(cursor.fetchall())
        finally:
            connection.close()

    def _create(self, environment, target: str) -> None:
        try:
            self._run(["createdb", target], environment)
        except CommandError as error:
            raise CommandError(
                f"Could not create the fresh database {target} (it must not exist yet): {error}"
            ) from error

    def _run(self, command, environment) -> None:
        """Run a PostgreSQL client tool (found on PATH, arguments passed as a list)."""
        result = subprocess.run(  # noqa: S603
            [str(part) for part in command], env=environment, capture_output=True, text=True
        )
        if result.returncode:
            raise CommandError(f"{command[0]} failed: {result.stderr.strip()}")

    def _compare(self, before: dict[str, int], after: dict[str, int], target: str) -> None:
        width = max(map(len, before | after), default=5)
        self.stdout.write(f"{'table':<{width}}  {'dumped':>9}  {'restored':>9}")
        differ = []
        for table in sorted(before | after):
            dumped, restored = before.get(table), after.get(table)
            mark = "" if dumped == restored else "  ← differs"
            if mark:
                differ.append(table)
            self.stdout.write(f"{table:<{width}}  {_shown(dumped):>9}  {_shown(restored):>9}{mark}")
        if differ:
            raise CommandError(f"The restore differs from the dump in: {', '.join(differ)}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: {len(before)} tables, {sum(before.values()):,} rows, the same in the "
                f"restored copy ({target}, now dropped)."
            )
        )


def _shown(count: int | None) -> str:
    return "missing" if count is None else f"{count:,}"


def _environment(settings_dict) -> dict[str, str]:
    """The libpq variables that point the PostgreSQL tools at the server."""
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
    }
    return os.environ | {name: str(value) for name, value in values.items() if value}


def _connect(settings_dict):
    return psycopg2.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
    )


def _counts(settings_dict) -> dict[str, int]:
    connection = _connect(settings_dict)
    try:
        with connection.cursor() as cursor:
            cursor.execute(COUNTS)
            return dict(cursor.fetchall())
    finally:
        connection.close()
