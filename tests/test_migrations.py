from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.mark.django_db
def test_no_pending_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.fixture
def migrator(transactional_db):
    """Runs the migrations to a given state, and back to the latest one after the test."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(*targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(list(targets))
        return executor.loader.project_state(list(targets)).apps

    yield migrate
    call_command("migrate", verbosity=0)


def test_client_names_are_normalised_and_told_apart_before_they_must_be_unique(migrator):
    old = migrator(("campaign", "0003_campaign_field_messages"))
    Client = old.get_model("campaign", "Client")
    Client.objects.create(name="Oulun  kaupunki ")
    Client.objects.create(name="oulun kaupunki", business_id="0187690-1")
    Client.objects.create(name="OULUN KAUPUNKI")
    Client.objects.create(name="Tampere")

    new = migrator(("campaign", "0004_client_name_normalised_and_unique"))

    names = (
        new.get_model("campaign", "Client").objects.order_by("pk").values_list("name", flat=True)
    )
    assert list(names) == [
        "Oulun kaupunki",
        "oulun kaupunki (0187690-1)",
        "OULUN KAUPUNKI (2)",
        "Tampere",
    ]


def test_a_changed_permission_list_reaches_an_existing_database_on_migrate(db, monkeypatch):
    from django.contrib.auth.models import Group

    from campaign import roles

    staff = Group.objects.get(name=roles.STAFF)
    assert not staff.permissions.filter(codename="view_ideaexport").exists()

    changed = {
        **roles.ROLE_PERMISSIONS,
        roles.STAFF: [*roles._STAFF_PERMISSIONS, "ideas.view_ideaexport"],
    }
    monkeypatch.setattr(roles, "ROLE_PERMISSIONS", changed)
    call_command("migrate", verbosity=0)

    assert staff.permissions.filter(codename="view_ideaexport").exists()
    assert staff.permissions.count() == len(changed[roles.STAFF])


def test_the_roles_migration_keeps_its_own_permission_lists():
    source = Path(settings.BASE_DIR, "campaign", "migrations", "0002_roles.py").read_text()
    assert "campaign.roles" not in source
